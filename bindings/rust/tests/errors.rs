// Failures come back as Err with the library's code and a message naming what is at fault.
mod common;

use common::{image_sample, ScratchDir, CNN};
use nncf::{Code, Config, DType, Error, Model, Sample};

#[test]
fn missing_file_is_not_found() {
    let err = Model::load("/nonexistent/dir/model.onnx").unwrap_err();
    assert_eq!(err.code(), Code::NotFound);
    assert!(err.message().contains("/nonexistent/dir/model.onnx"), "{err}");
    assert_eq!(err.to_string(), format!("NNCF_ERR_NOT_FOUND: {}", err.message()));
}

#[test]
fn garbage_bytes_are_an_invalid_model() {
    let err = Model::from_bytes(b"definitely not a protobuf \xff\xff\xff").unwrap_err();
    assert_eq!(err.code(), Code::InvalidModel, "{err}");
    let err = Model::from_bytes(&[]).unwrap_err();
    assert_eq!(err.code(), Code::InvalidModel, "{err}");
}

#[test]
fn saving_into_a_missing_directory_is_an_io_error() {
    let model = Model::load(CNN).unwrap();
    let err = model.save("/nonexistent/dir/out.onnx").unwrap_err();
    assert!(matches!(err.code(), Code::Io | Code::NotFound), "{err}");
    assert!(err.message().contains("/nonexistent/dir"), "{err}");
}

#[test]
fn nul_bytes_in_strings_are_invalid_arguments() {
    let err = Model::load("model\0.onnx").unwrap_err();
    assert_eq!(err.code(), Code::InvalidArgument);
    let mut sample = Sample::new().unwrap();
    assert_eq!(sample.set("a\0b", &[1], &[1.0f32]).unwrap_err().code(), Code::InvalidArgument);
}

#[test]
fn tensor_size_mismatch_names_the_tensor() {
    let mut sample = Sample::new().unwrap();
    let err = sample.set("image", &[1, 1, 28, 28], &[0.0f32; 10]).unwrap_err();
    assert_eq!(err.code(), Code::InvalidArgument);
    assert!(err.message().contains("tensor 'image'"), "{err}");
    assert!(err.message().contains("nbytes is 40"), "{err}");
    let err = sample.set("neg", &[-1], &[0.0f32; 0]).unwrap_err();
    assert!(err.message().contains("dimension 0 is -1"), "{err}");
    let err = sample.set_bytes("s", DType::STRING, &[1], &[0; 8]).unwrap_err();
    assert_eq!(err.code(), Code::Unsupported, "{err}");
    assert!(sample.is_empty(), "failed sets leave the sample unchanged");
}

#[test]
fn missing_tensor_and_wrong_element_type() {
    let sample = image_sample(1, 0);
    let err = sample.get("label").unwrap_err();
    assert_eq!(err.code(), Code::NotFound);
    assert!(err.message().contains("'label'"), "{err}");
    let err = sample.get("image").unwrap().to_vec::<i64>().unwrap_err();
    assert_eq!(err.code(), Code::InvalidArgument);
    assert!(err.message().contains("float"), "{err}");
    assert_eq!(sample.tensor(1).unwrap_err().code(), Code::InvalidArgument);
}

#[test]
fn infer_with_missing_or_misshaped_input() {
    let model = Model::load(CNN).unwrap();
    let err = model.infer(&Sample::with("x", &[1], &[0.0f32]).unwrap()).unwrap_err();
    assert!(err.message().contains("image"), "{err}");
    let err = model.infer(&Sample::with("image", &[1, 2, 2], &[0.0f32; 4]).unwrap()).unwrap_err();
    assert!(err.message().contains("image"), "{err}");
}

#[test]
fn config_errors_carry_json_paths() {
    let err = Config::from_json("{\"quantize\": {\"subsetsize\": 1}}").unwrap_err();
    assert_eq!(err.code(), Code::InvalidConfig);
    assert!(err.message().contains("$.quantize.subsetsize"), "{err}");
    let err = Config::from_json("{not json").unwrap_err();
    assert_eq!(err.code(), Code::InvalidConfig, "{err}");
}

#[test]
fn codes_round_trip_and_have_names() {
    let all = [
        (Code::InvalidArgument, "NNCF_ERR_INVALID_ARGUMENT"),
        (Code::NotFound, "NNCF_ERR_NOT_FOUND"),
        (Code::InvalidModel, "NNCF_ERR_INVALID_MODEL"),
        (Code::Unsupported, "NNCF_ERR_UNSUPPORTED"),
        (Code::Io, "NNCF_ERR_IO"),
        (Code::OutOfMemory, "NNCF_ERR_OUT_OF_MEMORY"),
        (Code::Cancelled, "NNCF_ERR_CANCELLED"),
        (Code::Callback, "NNCF_ERR_CALLBACK"),
        (Code::VersionMismatch, "NNCF_ERR_VERSION_MISMATCH"),
        (Code::InvalidConfig, "NNCF_ERR_INVALID_CONFIG"),
        (Code::Internal, "NNCF_ERR_INTERNAL"),
    ];
    for (i, (code, name)) in all.iter().enumerate() {
        assert_eq!(code.raw(), i as i32 + 1);
        assert_eq!(Code::from_raw(code.raw()), *code);
        assert_eq!(code.name(), *name);
    }
    assert_eq!(Code::from_raw(4242), Code::Other(4242));
    let e = Error::new(Code::Io, "x");
    assert_eq!(format!("{e}"), "NNCF_ERR_IO: x");
    let boxed: Box<dyn std::error::Error> = Box::new(e);
    assert!(boxed.to_string().contains("x"));
}

#[test]
fn dtypes_have_names_and_widths() {
    assert_eq!(DType::FLOAT.name(), "float");
    assert_eq!(DType::FLOAT.bits(), 32);
    assert_eq!(DType::INT4.name(), "int4");
    assert_eq!(DType::INT4.bits(), 4);
    assert_eq!(DType::FLOAT8E4M3FN.name(), "float8e4m3fn");
    assert_eq!(DType(999).name(), "unknown");
    assert_eq!(DType(999).bits(), 0);
}

#[test]
fn failed_save_over_existing_file_keeps_it() {
    let dir = ScratchDir::new("keep_existing");
    let path = dir.path("m.onnx");
    std::fs::write(&path, b"old").unwrap();
    let model = Model::load(CNN).unwrap();
    let err = model.save_with_progress(&path, &nncf::SaveOptions::default(), |_, _| false).unwrap_err();
    assert_eq!(err.code(), Code::Cancelled);
    assert_eq!(std::fs::read(&path).unwrap(), b"old");
}
