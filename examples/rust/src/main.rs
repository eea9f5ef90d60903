//! Post-training INT8 quantization of the bundled Fashion-MNIST CNN from Rust: calibrates on the
//! first 300 training images, measures top-1 accuracy on the 10 000 test images before and after
//! with the library's own inference, saves the quantized model, and exits 1 when the accuracy
//! drops by more than MAX_DROP_POINTS (the C example's bound).
//!
//! Usage: quantize_fashion_mnist <model.onnx> <quantized.onnx> [fashion-mnist dir]
//! Exit codes: 0 success, 1 failure or too large a drop, 2 bad usage, 77 data set not installed.
use std::ffi::{c_char, c_int, c_void, CString};
use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Instant;

use nncf::{Dataset, Model, QuantizeOptions, Sample};

const MAX_DROP_POINTS: f64 = 1.0;
const CALIBRATION_IMAGES: usize = 300;
const EVAL_BATCH: usize = 100;
const PIXELS: usize = 28 * 28;
const DEFAULT_DATA_DIR: &str = "/usr/share/datasets/fashion-mnist";

// zlib's gzip file API (libz), enough to read a whole .gz file.
extern "C" {
    fn gzopen(path: *const c_char, mode: *const c_char) -> *mut c_void;
    fn gzread(file: *mut c_void, buf: *mut c_void, len: u32) -> c_int;
    fn gzclose(file: *mut c_void) -> c_int;
}

/// The decompressed bytes of a .gz file.
fn read_gz(path: &Path) -> Result<Vec<u8>, String> {
    let c_path = CString::new(path.to_string_lossy().as_bytes()).map_err(|e| e.to_string())?;
    // SAFETY: both arguments are NUL-terminated strings that outlive the call.
    let file = unsafe { gzopen(c_path.as_ptr(), b"rb\0".as_ptr() as *const c_char) };
    if file.is_null() {
        return Err(format!("cannot open {}", path.display()));
    }
    let mut out = Vec::new();
    let mut chunk = vec![0u8; 1 << 16];
    loop {
        // SAFETY: chunk has chunk.len() writable bytes; file is open.
        let n = unsafe { gzread(file, chunk.as_mut_ptr() as *mut c_void, chunk.len() as u32) };
        if n < 0 {
            // SAFETY: file is open and closed once.
            unsafe { gzclose(file) };
            return Err(format!("{}: corrupt gzip data", path.display()));
        }
        if n == 0 {
            break;
        }
        out.extend_from_slice(&chunk[..n as usize]);
    }
    // SAFETY: file is open and closed once.
    unsafe { gzclose(file) };
    Ok(out)
}

struct ImageSet {
    images: Vec<f32>, // [count, 1, 28, 28], normalized as (pixel / 255 - 0.5) / 0.5
    labels: Vec<u8>,
}

fn load_set(dir: &Path, prefix: &str) -> Result<ImageSet, String> {
    let raw = read_gz(&dir.join(format!("{prefix}-images-idx3-ubyte.gz")))?;
    let labels = read_gz(&dir.join(format!("{prefix}-labels-idx1-ubyte.gz")))?;
    // IDX headers: 16 bytes for images, 8 for labels.
    if raw.len() < 16 || labels.len() < 8 || raw.len() - 16 != (labels.len() - 8) * PIXELS {
        return Err(format!("{prefix}: image and label files do not match"));
    }
    let images = raw[16..].iter().map(|&p| (p as f32 / 255.0 - 0.5) / 0.5).collect();
    Ok(ImageSet { images, labels: labels[8..].to_vec() })
}

fn top1(model: &Model, set: &ImageSet) -> nncf::Result<f64> {
    let count = set.labels.len();
    let mut correct = 0usize;
    let mut first = 0;
    while first < count {
        let n = EVAL_BATCH.min(count - first);
        let input =
            Sample::with("image", &[n as i64, 1, 28, 28], &set.images[first * PIXELS..(first + n) * PIXELS])?;
        let output = model.infer(&input)?;
        let logits: Vec<f32> = output.tensor(0)?.to_vec()?;
        for i in 0..n {
            let row = &logits[i * 10..(i + 1) * 10];
            let best = (0..10).fold(0, |best, k| if row[k] > row[best] { k } else { best });
            if best as u8 == set.labels[first + i] {
                correct += 1;
            }
        }
        first += n;
    }
    Ok(100.0 * correct as f64 / count as f64)
}

fn run() -> Result<ExitCode, String> {
    let args: Vec<String> = std::env::args().collect();
    if args.len() < 3 || args.len() > 4 {
        eprintln!("usage: quantize_fashion_mnist <model.onnx> <quantized.onnx> [fashion-mnist dir]");
        return Ok(ExitCode::from(2));
    }
    let data_dir = Path::new(args.get(3).map(String::as_str).unwrap_or(DEFAULT_DATA_DIR));
    if !data_dir.join("train-images-idx3-ubyte.gz").exists() {
        eprintln!(
            "Fashion-MNIST not found in {}; install Debian's dataset-fashion-mnist",
            data_dir.display()
        );
        return Ok(ExitCode::from(77));
    }
    let train = Arc::new(load_set(data_dir, "train")?);
    let test = load_set(data_dir, "t10k")?;
    println!("libnncf {} (Rust binding)", nncf::version_string());

    let model = Model::load(&args[1]).map_err(|e| e.to_string())?;
    // One calibration item per training image, built on demand by the closure.
    let source = Arc::clone(&train);
    let mut dataset = Dataset::from_fn(Some(CALIBRATION_IMAGES), move |index, out| {
        out.set("image", &[1, 1, 28, 28], &source.images[index * PIXELS..(index + 1) * PIXELS])
    })
    .map_err(|e| e.to_string())?;

    let float_top1 = top1(&model, &test).map_err(|e| e.to_string())?;
    let options = QuantizeOptions { subset_size: CALIBRATION_IMAGES as u64, ..Default::default() };
    let start = Instant::now();
    let (quantized, report) = model.quantize(&mut dataset, &options).map_err(|e| format!("quantize: {e}"))?;
    let seconds = start.elapsed().as_secs_f64();
    let int8_top1 = top1(&quantized, &test).map_err(|e| e.to_string())?;
    quantized.save(&args[2]).map_err(|e| e.to_string())?;
    println!(
        "quantized {} in {seconds:.2} s with {CALIBRATION_IMAGES} calibration images (report: {} bytes of JSON)",
        args[1],
        report.len()
    );
    println!(
        "top-1 on {} test images: float {float_top1:.2}%, int8 {int8_top1:.2}% (drop {:.2} points, bound {MAX_DROP_POINTS:.1})",
        test.labels.len(),
        float_top1 - int8_top1
    );
    println!("saved {}", args[2]);
    if float_top1 - int8_top1 > MAX_DROP_POINTS {
        eprintln!("accuracy dropped by more than the bound");
        return Ok(ExitCode::from(1));
    }
    Ok(ExitCode::SUCCESS)
}

fn main() -> ExitCode {
    match run() {
        Ok(code) => code,
        Err(message) => {
            eprintln!("{message}");
            ExitCode::from(1)
        }
    }
}
