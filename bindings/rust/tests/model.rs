// Loading, describing, saving and running the bundled Fashion-MNIST CNN.
mod common;

use std::sync::Arc;

use common::{image_sample, ScratchDir, CNN};
use nncf::{Code, DType, Dim, ExternalData, InferOptions, LoadOptions, Model, SaveOptions};

#[test]
fn load_describes_inputs_and_outputs() {
    let model = Model::load(CNN).unwrap();
    let inputs = model.inputs().unwrap();
    assert_eq!(inputs.len(), 1);
    assert_eq!(inputs[0].name, "image");
    assert_eq!(inputs[0].dtype, DType::FLOAT);
    let shape = inputs[0].shape.as_ref().expect("input has a rank");
    assert_eq!(shape.len(), 4);
    assert!(matches!(shape[0], Dim::Dynamic(_)), "batch dim is dynamic: {shape:?}");
    assert_eq!(&shape[1..], &[Dim::Fixed(1), Dim::Fixed(28), Dim::Fixed(28)]);

    let outputs = model.outputs().unwrap();
    assert_eq!(outputs.len(), 1);
    assert_eq!(outputs[0].name, "logits");
    assert_eq!(outputs[0].dtype, DType::FLOAT);
    let shape = outputs[0].shape.as_ref().unwrap();
    assert_eq!(shape.len(), 2);
    assert_eq!(shape[1], Dim::Fixed(10));
}

#[test]
fn summary_is_json_naming_the_ops() {
    let model = Model::load(CNN).unwrap();
    let summary = model.summary_json().unwrap();
    assert!(summary.trim_start().starts_with('{'), "{summary}");
    assert!(summary.contains("Conv"), "{summary}");
    assert!(summary.contains("\"image\""), "{summary}");
    assert!(summary.contains("\"logits\""), "{summary}");
}

#[test]
fn save_and_reload_gives_the_same_model() {
    let dir = ScratchDir::new("save_reload");
    let model = Model::load(CNN).unwrap();
    let path = dir.path("copy.onnx");
    model.save(&path).unwrap();
    let copy = Model::load(&path).unwrap();
    assert_eq!(copy.summary_json().unwrap(), model.summary_json().unwrap());
    assert_eq!(copy.to_bytes().unwrap(), model.to_bytes().unwrap());

    // An untouched model serializes to the bytes of the original file.
    assert_eq!(model.to_bytes().unwrap(), std::fs::read(CNN).unwrap());
}

#[test]
fn memory_round_trip() {
    let model = Model::load(CNN).unwrap();
    let bytes = model.to_bytes().unwrap();
    let from_memory = Model::from_bytes(&bytes).unwrap();
    assert_eq!(from_memory.to_bytes().unwrap(), bytes);
    let options = LoadOptions { skip_validation: true, no_mmap: true, ..LoadOptions::default() };
    assert_eq!(Model::from_bytes_with(&bytes, &options).unwrap().to_bytes().unwrap(), bytes);
}

#[test]
fn save_with_external_data_writes_a_data_file() {
    let dir = ScratchDir::new("external");
    let model = Model::load(CNN).unwrap();
    let options = SaveOptions {
        external_data: ExternalData::Always,
        external_data_file: Some("weights.bin".into()),
        size_threshold: Some(16),
    };
    model.save_with(dir.path("ext.onnx"), &options).unwrap();
    assert!(dir.path("weights.bin").metadata().unwrap().len() > 0);
    let reloaded = Model::load(dir.path("ext.onnx")).unwrap();
    let input = image_sample(1, 5);
    let a = model.infer(&input).unwrap().get("logits").unwrap().to_vec::<f32>().unwrap();
    let b = reloaded.infer(&input).unwrap().get("logits").unwrap().to_vec::<f32>().unwrap();
    assert_eq!(a, b);
}

#[test]
fn save_reports_progress_and_can_be_cancelled() {
    let dir = ScratchDir::new("progress");
    let model = Model::load(CNN).unwrap();
    let options = SaveOptions {
        external_data: ExternalData::Always,
        size_threshold: Some(16),
        ..SaveOptions::default()
    };

    let mut seen = Vec::new();
    model
        .save_with_progress(dir.path("a.onnx"), &options, |stage, fraction| {
            seen.push((stage.to_string(), fraction));
            true
        })
        .unwrap();
    assert!(!seen.is_empty());
    assert!(seen.iter().all(|(stage, f)| stage == "save" && (0.0..=1.0).contains(f)), "{seen:?}");
    assert_eq!(seen.last().unwrap().1, 1.0);

    let target = dir.path("b.onnx");
    let err = model.save_with_progress(&target, &options, |_, _| false).unwrap_err();
    assert_eq!(err.code(), Code::Cancelled, "{err}");
    assert!(err.message().contains("cancelled"), "{err}");
    assert!(!target.exists(), "a cancelled save leaves no file");
}

#[test]
fn progress_panic_cancels_and_resumes() {
    let dir = ScratchDir::new("progress_panic");
    let model = Model::load(CNN).unwrap();
    let target = dir.path("c.onnx");
    let result = std::panic::catch_unwind(|| {
        let _ =
            model.save_with_progress(&target, &SaveOptions::default(), |_, _| panic!("progress exploded"));
    });
    let payload = result.expect_err("the panic reaches the caller");
    assert_eq!(payload.downcast_ref::<&str>(), Some(&"progress exploded"));
    assert!(!target.exists());
}

fn argmax(row: &[f32]) -> usize {
    row.iter().enumerate().fold(0, |best, (i, v)| if *v > row[best] { i } else { best })
}

#[test]
fn infer_batch_matches_single_items() {
    let model = Model::load(CNN).unwrap();
    let batch = image_sample(3, 11);
    let outputs = model.infer(&batch).unwrap();
    assert_eq!(outputs.len(), 1);
    let logits = outputs.get("logits").unwrap();
    assert_eq!(logits.dtype(), DType::FLOAT);
    assert_eq!(logits.shape(), &[3, 10]);
    let values = logits.to_vec::<f32>().unwrap();
    assert!(values.iter().all(|v| v.is_finite()));

    // Each image alone gives the same logits as its row in the batch.
    let pixels = batch.get("image").unwrap().to_vec::<f32>().unwrap();
    for i in 0..3 {
        let single = nncf::Sample::with("image", &[1, 1, 28, 28], &pixels[i * 784..(i + 1) * 784]).unwrap();
        let row = model.infer(&single).unwrap().get("logits").unwrap().to_vec::<f32>().unwrap();
        for (a, b) in row.iter().zip(&values[i * 10..(i + 1) * 10]) {
            assert!((a - b).abs() <= 1e-4 * (1.0 + b.abs()), "image {i}: {row:?} vs {:?}", &values[i * 10..]);
        }
        assert_eq!(argmax(&row), argmax(&values[i * 10..(i + 1) * 10]));
    }
}

#[test]
fn infer_ignores_extra_tensors_and_selects_outputs() {
    let model = Model::load(CNN).unwrap();
    let mut input = image_sample(2, 3);
    input.set("label", &[2], &[4i64, 7]).unwrap();
    let options = InferOptions { num_threads: 1, outputs: vec!["logits".into()] };
    let out = model.infer_with(&input, &options).unwrap();
    assert_eq!(out.tensor(0).unwrap().name(), "logits");
    assert_eq!(out.tensor(0).unwrap().shape(), &[2, 10]);

    let err = model
        .infer_with(&input, &InferOptions { outputs: vec!["nope".into()], ..InferOptions::default() })
        .unwrap_err();
    assert!(err.message().contains("nope"), "{err}");
}

#[test]
fn one_model_serves_several_threads() {
    let model = Arc::new(Model::load(CNN).unwrap());
    let expected = model.infer(&image_sample(1, 42)).unwrap().get("logits").unwrap().to_vec::<f32>().unwrap();
    let workers: Vec<_> = (0..4)
        .map(|_| {
            let model = Arc::clone(&model);
            std::thread::spawn(move || {
                let input = image_sample(1, 42);
                model.infer(&input).unwrap().get("logits").unwrap().to_vec::<f32>().unwrap()
            })
        })
        .collect();
    for worker in workers {
        assert_eq!(worker.join().unwrap(), expected);
    }
}
