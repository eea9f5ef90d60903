// Datasets from Rust closures and from samples: items, transforms, unknown length, errors
// reported by closures, panics caught at the C boundary, and closures dropped with the dataset.
mod common;

use std::panic::{self, AssertUnwindSafe};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use common::{image_sample, images, CNN};
use nncf::{sys, Code, Dataset, Error, Model, Sample, SampleRef};

fn fill_image(index: usize, out: &mut SampleRef) -> nncf::Result<()> {
    out.set("image", &[1, 1, 28, 28], &images(1, index as u32))?;
    out.set("label", &[1], &[index as i64])
}

#[test]
fn closure_items_and_length() {
    let mut dataset = Dataset::from_fn(Some(3), fill_image).unwrap();
    assert_eq!(dataset.len().unwrap(), Some(3));
    assert_eq!(dataset.batch_size().unwrap(), None);
    for i in 0..3 {
        let item = dataset.get(i).unwrap();
        assert_eq!(item.len(), 2);
        assert_eq!(item.get("label").unwrap().to_vec::<i64>().unwrap(), vec![i as i64]);
        assert_eq!(item.get("image").unwrap().to_vec::<f32>().unwrap(), images(1, i as u32));
    }
    let err = dataset.get(3).unwrap_err();
    assert_eq!(err.code(), Code::NotFound, "{err}");
    assert!(err.message().contains("out of range"), "{err}");
}

#[test]
fn batch_size_is_reported() {
    let dataset = Dataset::from_fn_with_batch_size(Some(1), 8, fill_image).unwrap();
    assert_eq!(dataset.batch_size().unwrap(), Some(8));
}

#[test]
fn unknown_length_ends_at_not_found() {
    let mut dataset = Dataset::from_fn(None, |i, out| {
        if i >= 2 {
            return Err(Error::new(Code::NotFound, "no more images"));
        }
        fill_image(i, out)
    })
    .unwrap();
    assert_eq!(dataset.len().unwrap(), None);
    assert!(dataset.get(1).is_ok());
    let err = dataset.get(2).unwrap_err();
    assert_eq!(err.code(), Code::NotFound, "{err}");
    assert!(err.message().contains("no more images"), "{err}");
}

#[test]
fn transform_turns_items_into_model_inputs() {
    // Raw items hold uint8 pixels; the transform scales them to float like a preprocessing step.
    let mut dataset = Dataset::from_fn(Some(2), |i, out| {
        let pixels: Vec<u8> = (0..784).map(|p| ((p + i * 7) % 256) as u8).collect();
        out.set("pixels", &[1, 1, 28, 28], &pixels)
    })
    .unwrap();
    dataset
        .set_transform(|item, out| {
            let raw = item.get("pixels")?;
            let scaled: Vec<f32> = raw.to_vec::<u8>()?.iter().map(|&p| f32::from(p) / 255.0).collect();
            out.set("image", raw.shape(), &scaled)
        })
        .unwrap();
    let item = dataset.get(1).unwrap();
    assert_eq!(item.len(), 1);
    let image = item.get("image").unwrap();
    assert_eq!(image.shape(), &[1, 1, 28, 28]);
    assert_eq!(image.to_vec::<f32>().unwrap()[0], 7.0 / 255.0);

    let model = Model::load(CNN).unwrap();
    let logits = model.infer(&item).unwrap();
    assert_eq!(logits.get("logits").unwrap().shape(), &[1, 10]);

    dataset.clear_transform().unwrap();
    assert!(dataset.get(1).unwrap().get("pixels").is_ok());
}

#[test]
fn samples_dataset_copies_its_samples() {
    let samples = vec![image_sample(1, 1), image_sample(1, 2)];
    let mut dataset = Dataset::from_samples(&samples).unwrap();
    drop(samples);
    assert_eq!(dataset.len().unwrap(), Some(2));
    assert_eq!(dataset.get(1).unwrap().get("image").unwrap().to_vec::<f32>().unwrap(), images(1, 2));

    dataset
        .set_transform(|item, out| {
            let image = item.get("image")?;
            let negated: Vec<f32> = image.to_vec::<f32>()?.iter().map(|v| -v).collect();
            out.set("image", image.shape(), &negated)
        })
        .unwrap();
    assert_eq!(dataset.get(0).unwrap().get("image").unwrap().to_vec::<f32>().unwrap()[5], -images(1, 1)[5]);

    let err = Dataset::from_samples(&[Sample::new().unwrap()]).unwrap_err();
    assert_eq!(err.code(), Code::InvalidArgument);
    assert!(err.message().contains("samples[0] has no tensors"), "{err}");
}

#[test]
fn closure_errors_reach_the_caller_as_callback_errors() {
    let mut dataset = Dataset::from_fn(Some(4), |i, out| {
        if i == 2 {
            return Err(Error::new(Code::Io, "disk on fire"));
        }
        fill_image(i, out)
    })
    .unwrap();
    let err = dataset.get(2).unwrap_err();
    assert_eq!(err.code(), Code::Callback, "{err}");
    assert!(err.message().contains("NNCF_ERR_IO"), "{err}");
    assert!(err.message().contains("disk on fire"), "{err}");

    // Cancellation keeps its code.
    let mut cancelled = Dataset::from_fn(Some(1), |_, _| Err(Error::new(Code::Cancelled, "stop"))).unwrap();
    assert_eq!(cancelled.get(0).unwrap_err().code(), Code::Cancelled);

    // Returning Ok without writing anything is an error too.
    let mut empty = Dataset::from_fn(Some(1), |_, _| Ok(())).unwrap();
    let err = empty.get(0).unwrap_err();
    assert_eq!(err.code(), Code::Callback);
    assert!(err.message().contains("empty"), "{err}");
}

#[test]
fn panicking_closure_is_caught_and_resumed() {
    let mut dataset = Dataset::from_fn(Some(3), |i, out| {
        if i == 1 {
            panic!("item {i} is cursed");
        }
        fill_image(i, out)
    })
    .unwrap();

    let payload = panic::catch_unwind(AssertUnwindSafe(|| dataset.get(1))).expect_err("the panic is resumed");
    assert_eq!(payload.downcast_ref::<String>().map(String::as_str), Some("item 1 is cursed"));

    // The dataset keeps working after the panic.
    assert!(dataset.get(0).is_ok());
    assert!(dataset.get(2).is_ok());

    // What the library itself saw: NNCF_ERR_CALLBACK naming the panic. check_status then resumes it.
    let mut out = std::ptr::null_mut();
    let status = unsafe { sys::nncf_dataset_get_item(dataset.as_mut_ptr(), 1, &mut out) };
    assert!(out.is_null());
    assert_eq!(unsafe { sys::nncf_status_code(status) }, sys::NNCF_ERR_CALLBACK);
    let message =
        unsafe { std::ffi::CStr::from_ptr(sys::nncf_status_message(status)) }.to_string_lossy().into_owned();
    assert!(message.contains("panicked: item 1 is cursed"), "{message}");
    let payload =
        panic::catch_unwind(|| unsafe { nncf::check_status(status) }).expect_err("resumed by check_status");
    assert_eq!(payload.downcast_ref::<String>().map(String::as_str), Some("item 1 is cursed"));

    // Nothing is left pending: the next call succeeds normally.
    assert!(dataset.get(0).is_ok());
}

#[test]
fn panicking_transform_is_caught_and_resumed() {
    let mut dataset = Dataset::from_fn(Some(1), fill_image).unwrap();
    dataset.set_transform(|_, _| panic!("transform broke")).unwrap();
    let payload = panic::catch_unwind(AssertUnwindSafe(|| dataset.get(0))).expect_err("resumed");
    assert_eq!(payload.downcast_ref::<&str>(), Some(&"transform broke"));
}

struct DropCounter(Arc<AtomicUsize>);

impl Drop for DropCounter {
    fn drop(&mut self) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

#[test]
fn closures_are_dropped_exactly_once() {
    let drops = Arc::new(AtomicUsize::new(0));
    let item_guard = DropCounter(Arc::clone(&drops));
    let first_transform = DropCounter(Arc::clone(&drops));
    let second_transform = DropCounter(Arc::clone(&drops));
    let mut dataset = Dataset::from_fn(Some(1), move |i, out| {
        let _keep = &item_guard;
        fill_image(i, out)
    })
    .unwrap();
    dataset
        .set_transform(move |item, out| {
            let _keep = &first_transform;
            out.set("image", &[1], &[item.len() as f32])
        })
        .unwrap();
    assert_eq!(drops.load(Ordering::SeqCst), 0);
    dataset
        .set_transform(move |item, out| {
            let _keep = &second_transform;
            out.set("image", &[1], &[item.len() as f32 + 10.0])
        })
        .unwrap();
    assert_eq!(drops.load(Ordering::SeqCst), 1, "replacing a transform drops the old closure");
    assert_eq!(dataset.get(0).unwrap().get("image").unwrap().to_vec::<f32>().unwrap(), vec![12.0]);
    drop(dataset);
    assert_eq!(drops.load(Ordering::SeqCst), 3, "freeing the dataset drops both remaining closures");
}

#[test]
fn datasets_move_between_threads() {
    let mut dataset = Dataset::from_fn(Some(2), fill_image).unwrap();
    let label =
        std::thread::spawn(move || dataset.get(1).unwrap().get("label").unwrap().to_vec::<i64>().unwrap())
            .join()
            .unwrap();
    assert_eq!(label, vec![1]);
}
