// Post-training quantization of the zoo MLP (input "input" [batch, 64] float) on a dataset of 8
// items from a closure: the result infers close to the float model, the report and the plan are
// JSON naming the quantizers, every option reaches the library, and failures (bad parameters,
// unmatched ignored scopes, cancellation, failing or panicking closures) come back as errors.
mod common;

use std::panic::{self, AssertUnwindSafe};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use common::json::{self, Json};
use common::{mlp_outputs, relative_error, uniform, MLP};
use nncf::{
    sys, Code, Config, Dataset, Error, IgnoredScope, Model, ModelType, OverflowFix, QuantizationMode,
    QuantizationParameters, QuantizationPreset, QuantizationScheme, QuantizeOptions, TargetDevice,
};

const ITEMS: usize = 8;
const BATCH: usize = 4;

/// Item `index`: a [4, 64] batch in [-2, 2) whose every row holds exactly -2 and 2, so the input
/// range is [-2, 2] whichever way per-row or per-item ranges are aggregated.
fn item(index: usize) -> Vec<f32> {
    let mut values = uniform(BATCH * 64, 1000 + index as u32);
    for row in values.chunks_mut(64) {
        row[index % 64] = -2.0;
        row[(index + 1) % 64] = 2.0;
    }
    values
}

fn calibration() -> (Dataset, Arc<AtomicUsize>) {
    let calls = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&calls);
    let dataset = Dataset::from_fn(Some(ITEMS), move |i, out| {
        counter.fetch_add(1, Ordering::SeqCst);
        out.set("input", &[BATCH as i64, 64], &item(i))
    })
    .unwrap();
    (dataset, calls)
}

fn options() -> QuantizeOptions<'static> {
    QuantizeOptions { subset_size: ITEMS as u64, ..QuantizeOptions::default() }
}

fn parse(text: &str) -> Json {
    json::parse(text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
}

fn quantizers(report: &Json) -> Vec<Json> {
    report.get("quantizers").and_then(Json::as_array).expect("a \"quantizers\" array").to_vec()
}

fn quantizer<'a>(list: &'a [Json], tensor: &str) -> Option<&'a Json> {
    list.iter().find(|q| q.get("tensor").and_then(Json::as_str) == Some(tensor))
}

fn tensors(list: &[Json]) -> Vec<String> {
    let mut names: Vec<String> =
        list.iter().map(|q| q.get("tensor").and_then(Json::as_str).unwrap().to_string()).collect();
    names.sort();
    names
}

fn first(value: &Json, key: &str) -> f64 {
    value.get(key).and_then(Json::as_array).and_then(|a| a.first()).and_then(Json::as_f64).unwrap()
}

const ALL_TENSORS: [&str; 6] =
    ["/Relu_output_0", "/Sigmoid_output_0", "fc1.weight", "fc2.weight", "fc3.weight", "input"];

#[test]
fn quantized_mlp_stays_close_and_reports_its_quantizers() {
    let model = Model::load(MLP).unwrap();
    let (mut dataset, calls) = calibration();
    let (quantized, report) = model.quantize(&mut dataset, &options()).unwrap();
    assert!(calls.load(Ordering::SeqCst) >= ITEMS, "the closure was called {calls:?} times");

    let report = parse(&report);
    assert_eq!(report.get("calibration_items").and_then(Json::as_f64), Some(ITEMS as f64));
    assert_eq!(report.get("preset").and_then(Json::as_str), Some("performance"));
    let list = quantizers(&report);
    assert_eq!(tensors(&list), ALL_TENSORS);
    // Symmetric int8 on the model input: range [-2, 2], scale 2 / 127, zero point 0.
    let input = quantizer(&list, "input").unwrap();
    assert_eq!(input.get("dtype").and_then(Json::as_str), Some("int8"));
    assert_eq!((first(input, "observed_min"), first(input, "observed_max")), (-2.0, 2.0));
    let scale = first(input, "scale");
    assert!((scale - 2.0 / 127.0).abs() < 1e-7, "scale {scale}");
    assert_eq!(first(input, "zero_point"), 0.0);
    assert!(report.get("bias_correction").and_then(Json::as_array).is_some());

    for seed in 0..4 {
        let error = relative_error(&mlp_outputs(&quantized, BATCH, seed), &mlp_outputs(&model, BATCH, seed));
        assert!(error > 0.0 && error < 0.05, "seed {seed}: relative error {error}");
    }

    // Same inputs and settings, same bytes.
    let (again, _) = model.quantize(&mut dataset, &options()).unwrap();
    assert_eq!(quantized.to_bytes().unwrap(), again.to_bytes().unwrap());

    // A quantized model is not quantized twice.
    let err = quantized.quantize(&mut dataset, &options()).unwrap_err();
    assert_eq!(err.code(), Code::InvalidArgument, "{err}");
    assert!(err.message().contains("already quantized"), "{err}");
}

#[test]
fn plan_lists_quantizers_without_a_dataset() {
    let model = Model::load(MLP).unwrap();
    let plan = parse(&model.quantize_plan(&QuantizeOptions::default()).unwrap());
    let list = quantizers(&plan);
    assert_eq!(tensors(&list), ALL_TENSORS);
    let weights = list.iter().filter(|q| q.get("is_weight") == Some(&Json::Bool(true))).count();
    assert_eq!(weights, 3);
    assert_eq!(plan.get("ignored_nodes").and_then(Json::as_array).map(<[Json]>::len), Some(0));
}

#[test]
fn quantization_parameters_and_ignored_scope_reach_the_plan() {
    let model = Model::load(MLP).unwrap();
    let options = QuantizeOptions {
        activations: Some(QuantizationParameters {
            mode: QuantizationScheme::Asymmetric,
            ..Default::default()
        }),
        weights: Some(QuantizationParameters { per_channel: Some(false), ..Default::default() }),
        ignored_scope: IgnoredScope::names(&["/fc2/Gemm"]),
        ..QuantizeOptions::default()
    };
    let plan = parse(&model.quantize_plan(&options).unwrap());
    let list = quantizers(&plan);
    assert!(quantizer(&list, "fc2.weight").is_none(), "{list:?}");
    assert_eq!(
        plan.get("ignored_nodes").and_then(Json::as_array).unwrap(),
        &[Json::String("/fc2/Gemm".to_string())]
    );
    for q in &list {
        if q.get("is_weight") == Some(&Json::Bool(true)) {
            assert_eq!(q.get("per_channel"), Some(&Json::Bool(false)), "{q:?}");
        } else {
            assert_eq!(q.get("mode").and_then(Json::as_str), Some("asymmetric"), "{q:?}");
        }
    }
}

#[test]
fn preset_and_weight_granularity_reach_the_report() {
    let model = Model::load(MLP).unwrap();
    let (mut dataset, _) = calibration();
    let options = QuantizeOptions {
        preset: QuantizationPreset::Mixed,
        target_device: TargetDevice::Cpu,
        overflow_fix: OverflowFix::Disable,
        fast_bias_correction: false,
        weights: Some(QuantizationParameters { per_channel: Some(false), ..Default::default() }),
        num_threads: 2,
        ..options()
    };
    let (quantized, report) = model.quantize(&mut dataset, &options).unwrap();
    let report = parse(&report);
    assert_eq!(report.get("preset").and_then(Json::as_str), Some("mixed"));
    assert_eq!(report.get("overflow_fix").and_then(Json::as_str), Some("disable"));
    let list = quantizers(&report);
    let fc1 = quantizer(&list, "fc1.weight").unwrap();
    assert_eq!(fc1.get("axis"), Some(&Json::Null), "per-tensor weights have no axis: {fc1:?}");
    assert_eq!(fc1.get("scale").and_then(Json::as_array).map(<[Json]>::len), Some(1));
    let error = relative_error(&mlp_outputs(&quantized, BATCH, 9), &mlp_outputs(&model, BATCH, 9));
    assert!(error < 0.05, "relative error {error}");
}

#[test]
fn advanced_config_is_read_and_struct_fields_override_it() {
    let model = Model::load(MLP).unwrap();
    let (mut dataset, _) = calibration();
    let config = Config::from_json(r#"{"quantize": {"subset_size": 4}}"#).unwrap();
    // subset_size left at its default (300) does not override the config's 4.
    let from_config = QuantizeOptions { advanced: Some(&config), ..QuantizeOptions::default() };
    let (_, report) = model.quantize(&mut dataset, &from_config).unwrap();
    assert_eq!(parse(&report).get("calibration_items").and_then(Json::as_f64), Some(4.0));
    let overridden =
        QuantizeOptions { subset_size: 6, advanced: Some(&config), ..QuantizeOptions::default() };
    let (_, report) = model.quantize(&mut dataset, &overridden).unwrap();
    assert_eq!(parse(&report).get("calibration_items").and_then(Json::as_f64), Some(6.0));
}

#[test]
fn subset_size_zero_is_refused_with_the_library_status() {
    let model = Model::load(MLP).unwrap();
    let (mut dataset, calls) = calibration();
    let err = model.quantize(&mut dataset, &QuantizeOptions { subset_size: 0, ..options() }).unwrap_err();
    assert_eq!(err.code(), Code::InvalidArgument);
    assert_eq!(err.code().raw(), sys::NNCF_ERR_INVALID_ARGUMENT);
    assert!(err.message().contains("subset_size must be at least 1, got 0"), "{err}");
    assert_eq!(calls.load(Ordering::SeqCst), 0, "nothing is read for refused parameters");

    let err = model.quantize_plan(&QuantizeOptions { target_device: TargetDevice::CpuSpr, ..options() });
    let err = err.unwrap_err();
    assert_eq!(err.code(), Code::Unsupported, "{err}");
    assert!(err.message().contains("CPU_SPR"), "{err}");
}

#[test]
fn unmatched_ignored_scope_names_are_listed() {
    let model = Model::load(MLP).unwrap();
    let (mut dataset, _) = calibration();
    let options = QuantizeOptions {
        ignored_scope: IgnoredScope::names(&["no_such_node", "fc1_Gemm_typo"]),
        ..options()
    };
    let err = model.quantize(&mut dataset, &options).unwrap_err();
    assert_eq!(err.code(), Code::InvalidArgument, "{err}");
    assert!(err.message().contains("no_such_node") && err.message().contains("fc1_Gemm_typo"), "{err}");
    let err = model.quantize_plan(&options).unwrap_err();
    assert!(err.message().contains("no_such_node"), "{err}");
}

#[test]
fn progress_reports_stages_and_cancels() {
    let model = Model::load(MLP).unwrap();
    let (mut dataset, _) = calibration();
    let mut seen = Vec::new();
    model
        .quantize_with_progress(&mut dataset, &options(), |stage, fraction| {
            seen.push((stage.to_string(), fraction));
            true
        })
        .unwrap();
    assert!(seen.iter().all(|(_, f)| (0.0..=1.0).contains(f)), "{seen:?}");
    assert!(seen.iter().any(|(stage, _)| stage.contains("statistics")), "{seen:?}");
    assert_eq!(seen.last().map(|(_, f)| *f), Some(1.0), "{seen:?}");

    let mut calls = 0;
    let err = model
        .quantize_with_progress(&mut dataset, &options(), |stage, _| {
            calls += 1;
            !stage.contains("statistics")
        })
        .unwrap_err();
    assert_eq!(err.code(), Code::Cancelled, "{err}");
    assert_eq!(err.code().raw(), sys::NNCF_ERR_CANCELLED);
    assert!(calls > 0);
}

#[test]
fn progress_panic_cancels_and_resumes() {
    let model = Model::load(MLP).unwrap();
    let (mut dataset, _) = calibration();
    let payload = panic::catch_unwind(AssertUnwindSafe(|| {
        let _ = model.quantize_with_progress(&mut dataset, &options(), |_, _| panic!("progress exploded"));
    }))
    .expect_err("the panic reaches the caller");
    assert_eq!(payload.downcast_ref::<&str>(), Some(&"progress exploded"));
    model.quantize(&mut dataset, &options()).unwrap();
}

#[test]
fn failing_closure_is_a_callback_error() {
    let model = Model::load(MLP).unwrap();
    let mut dataset = Dataset::from_fn(Some(ITEMS), |i, out| {
        if i == 2 {
            return Err(Error::new(Code::Io, "sensor 7 went dark"));
        }
        out.set("input", &[BATCH as i64, 64], &item(i))
    })
    .unwrap();
    let err = model.quantize(&mut dataset, &options()).unwrap_err();
    assert_eq!(err.code(), Code::Callback, "{err}");
    assert!(err.message().contains("sensor 7 went dark"), "{err}");
}

#[test]
fn panicking_closure_is_a_callback_error_and_resumes() {
    let model = Model::load(MLP).unwrap();
    let mut dataset = Dataset::from_fn(Some(ITEMS), |i, out| {
        if i == 3 {
            panic!("item {i} is cursed");
        }
        out.set("input", &[BATCH as i64, 64], &item(i))
    })
    .unwrap();
    let payload = panic::catch_unwind(AssertUnwindSafe(|| model.quantize(&mut dataset, &options())))
        .expect_err("the panic is resumed");
    assert_eq!(payload.downcast_ref::<String>().map(String::as_str), Some("item 3 is cursed"));

    // What the library itself saw: NNCF_ERR_CALLBACK naming the panic, and no model.
    let mut params: sys::nncf_quantize_params = unsafe { std::mem::zeroed() };
    unsafe { sys::nncf_quantize_params_default(&mut params, std::mem::size_of_val(&params) as u32) };
    params.subset_size = ITEMS as i64;
    let mut out = std::ptr::null_mut();
    let status = unsafe {
        sys::nncf_quantize(model.as_ptr(), dataset.as_mut_ptr(), &params, &mut out, std::ptr::null_mut())
    };
    assert!(out.is_null());
    assert_eq!(unsafe { sys::nncf_status_code(status) }, sys::NNCF_ERR_CALLBACK);
    let message =
        unsafe { std::ffi::CStr::from_ptr(sys::nncf_status_message(status)) }.to_string_lossy().into_owned();
    assert!(message.contains("panicked: item 3 is cursed"), "{message}");
    let payload = panic::catch_unwind(|| unsafe { nncf::check_status(status) }).expect_err("resumed");
    assert_eq!(payload.downcast_ref::<String>().map(String::as_str), Some("item 3 is cursed"));
}

#[test]
fn enum_names_and_raw_values_match_the_header() {
    let modes: Vec<&str> = QuantizationMode::ALL.iter().map(|m| m.name()).collect();
    assert_eq!(modes, ["int8", "fp8_e4m3", "fp8_e5m2"]);
    assert_eq!(QuantizationPreset::Default.raw(), sys::NNCF_PRESET_DEFAULT);
    assert_eq!(QuantizationPreset::Mixed.name(), "mixed");
    assert_eq!(TargetDevice::CpuSpr.name(), "cpu_spr");
    assert_eq!(TargetDevice::from_raw(3), Some(TargetDevice::Npu));
    assert_eq!(ModelType::Transformer.name(), "transformer");
    assert_eq!(OverflowFix::FirstLayer.name(), "first_layer_only");
    assert_eq!(OverflowFix::default().raw(), -1);
    assert_eq!(OverflowFix::from_raw(42), None);
    assert_eq!(QuantizationScheme::Asymmetric.raw(), sys::NNCF_QUANTIZATION_SCHEME_ASYMMETRIC);
    assert_eq!(QuantizationScheme::default().raw(), -1);
}
