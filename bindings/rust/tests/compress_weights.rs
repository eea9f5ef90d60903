// Weight compression of the zoo MLP (three Gemm layers, input "input" [batch, 64]): modes run
// and stay close to the float model, the report is JSON with one entry per layer, progress and
// cancellation, ignored scopes, datasets, the file-to-file path and errors.
mod common;

use common::json::{self, Json};
use common::{default_opset, mlp_outputs, relative_error, ScratchDir, MLP};
use nncf::{
    BackupMode, Code, CompressWeightsMode, CompressWeightsOptions, Dataset, ExternalData, IgnoredScope,
    Model, SaveOptions, SensitivityMetric, WeightFormat,
};

const LAYERS: [&str; 3] = ["/fc1/Gemm", "/fc2/Gemm", "/fc3/Gemm"];

fn layers(report: &str) -> Vec<Json> {
    let parsed = json::parse(report).unwrap_or_else(|e| panic!("report is not JSON ({e}): {report}"));
    parsed.get("layers").and_then(Json::as_array).expect("report has a \"layers\" array").to_vec()
}

/// The compressed layers, in report order (ignored layers are listed with mode "float").
fn layer_nodes(report: &str) -> Vec<String> {
    layers(report)
        .iter()
        .filter(|l| l.get("mode").and_then(Json::as_str) != Some("float"))
        .map(|l| l.get("node").and_then(Json::as_str).unwrap().to_string())
        .collect()
}

fn four_bit(mode: CompressWeightsMode) -> CompressWeightsOptions<'static> {
    CompressWeightsOptions { mode, group_size: 32, all_layers: true, ..CompressWeightsOptions::default() }
}

#[test]
fn int8_asym_compresses_every_layer_and_stays_close() {
    let model = Model::load(MLP).unwrap();
    let (compressed, report) = model.compress_weights(None, &CompressWeightsOptions::default()).unwrap();
    let layers = layers(&report);
    assert_eq!(layer_nodes(&report), LAYERS, "{report}");
    for layer in &layers {
        assert_eq!(layer.get("mode").and_then(Json::as_str), Some("int8_asym"), "{report}");
        assert_eq!(layer.get("bits").and_then(Json::as_f64), Some(8.0), "{report}");
    }
    let parsed = json::parse(&report).unwrap();
    assert_eq!(parsed.get("ratio_achieved").and_then(Json::as_f64), Some(1.0), "{report}");

    for seed in 0..3 {
        let error = relative_error(&mlp_outputs(&compressed, 4, seed), &mlp_outputs(&model, 4, seed));
        assert!(error > 0.0 && error < 0.03, "seed {seed}: relative error {error}");
    }
    let summary = compressed.summary_json().unwrap();
    assert!(summary.contains("DequantizeLinear"), "{summary}");
}

#[test]
fn int4_sym_compresses_in_groups_and_stays_close() {
    let model = Model::load(MLP).unwrap();
    let (compressed, report) = model.compress_weights(None, &four_bit(CompressWeightsMode::Int4Sym)).unwrap();
    assert_eq!(layer_nodes(&report), LAYERS, "{report}");
    for layer in layers(&report) {
        assert_eq!(layer.get("mode").and_then(Json::as_str), Some("int4_sym"), "{report}");
        assert_eq!(layer.get("bits").and_then(Json::as_f64), Some(4.0), "{report}");
        assert_eq!(layer.get("group_size").and_then(Json::as_f64), Some(32.0), "{report}");
    }
    let error = relative_error(&mlp_outputs(&compressed, 4, 7), &mlp_outputs(&model, 4, 7));
    assert!(error > 0.0 && error < 0.3, "relative error {error}");
    // int4 DequantizeLinear needs opset 21, which allow_opset_upgrade (default true) permits.
    assert_eq!((default_opset(&model), default_opset(&compressed)), (17.0, 21.0));
}

#[test]
fn int4_without_opset_upgrade_names_the_opset() {
    let model = Model::load(MLP).unwrap();
    let options =
        CompressWeightsOptions { allow_opset_upgrade: false, ..four_bit(CompressWeightsMode::Int4Sym) };
    let err = model.compress_weights(None, &options).unwrap_err();
    assert_eq!(err.code(), Code::VersionMismatch, "{err}");
    assert!(err.message().contains("21"), "{err}");
}

#[test]
fn every_option_reaches_the_library() {
    let model = Model::load(MLP).unwrap();
    // Mixed precision: 4-bit for part of the layers, the rest in the backup mode; the last
    // layer is excluded from the ratio without all_layers.
    let options = CompressWeightsOptions {
        mode: CompressWeightsMode::Int4Asym,
        ratio: 0.5,
        group_size: 16,
        all_layers: false,
        sensitivity_metric: SensitivityMetric::WeightQuantizationError,
        backup_mode: BackupMode::Int8Sym,
        format: WeightFormat::Dq,
        accuracy_level: 4,
        allow_opset_upgrade: true,
        num_threads: 2,
        ..CompressWeightsOptions::default()
    };
    let (_, report) = model.compress_weights(None, &options).unwrap();
    let modes: Vec<String> =
        layers(&report).iter().map(|l| l.get("mode").and_then(Json::as_str).unwrap().to_string()).collect();
    assert!(modes.iter().any(|m| m == "int4_asym"), "{report}");
    assert!(modes.iter().any(|m| m == "int8_sym"), "{report}");
    assert!(modes.iter().all(|m| m == "int4_asym" || m == "int8_sym"), "{report}");

    // MatMulNBits only packs 4-bit MatMul weights; NF4 is refused there, naming the mode.
    let options =
        CompressWeightsOptions { format: WeightFormat::MatMulNBits, ..four_bit(CompressWeightsMode::Nf4) };
    let err = model.compress_weights(None, &options).unwrap_err();
    assert_eq!(err.code(), Code::Unsupported, "{err}");
    assert!(err.message().contains("nf4"), "{err}");
}

#[test]
fn bad_ratio_is_an_invalid_argument() {
    let model = Model::load(MLP).unwrap();
    let options = CompressWeightsOptions { ratio: 1.5, ..four_bit(CompressWeightsMode::Int4Sym) };
    let err = model.compress_weights(None, &options).unwrap_err();
    assert_eq!(err.code(), Code::InvalidArgument, "{err}");
    assert!(err.message().contains("ratio"), "{err}");
}

#[test]
fn progress_reports_and_cancels() {
    let model = Model::load(MLP).unwrap();
    let mut seen = Vec::new();
    model
        .compress_weights_with_progress(None, &CompressWeightsOptions::default(), |stage, fraction| {
            seen.push((stage.to_string(), fraction));
            true
        })
        .unwrap();
    assert!(!seen.is_empty());
    assert!(
        seen.iter().all(|(stage, f)| stage.starts_with("compress_weights") && (0.0..=1.0).contains(f)),
        "{seen:?}"
    );
    assert_eq!(seen.last().unwrap().1, 1.0, "{seen:?}");

    let mut calls = 0;
    let err = model
        .compress_weights_with_progress(None, &CompressWeightsOptions::default(), |_, _| {
            calls += 1;
            calls < 2
        })
        .unwrap_err();
    assert_eq!(err.code(), Code::Cancelled, "{err}");
    assert_eq!(calls, 2);
}

#[test]
fn progress_panic_cancels_and_resumes() {
    let model = Model::load(MLP).unwrap();
    let payload = std::panic::catch_unwind(|| {
        let _ = model.compress_weights_with_progress(None, &CompressWeightsOptions::default(), |_, _| {
            panic!("progress exploded")
        });
    })
    .expect_err("the panic reaches the caller");
    assert_eq!(payload.downcast_ref::<&str>(), Some(&"progress exploded"));
    // Nothing stays pending.
    model.compress_weights(None, &CompressWeightsOptions::default()).unwrap();
}

#[test]
fn ignored_scope_skips_layers_and_names_unmatched_rules() {
    let model = Model::load(MLP).unwrap();
    let options =
        CompressWeightsOptions { ignored_scope: IgnoredScope::names(&["/fc2/Gemm"]), ..Default::default() };
    let (_, report) = model.compress_weights(None, &options).unwrap();
    assert_eq!(layer_nodes(&report), ["/fc1/Gemm", "/fc3/Gemm"], "{report}");
    let fc2 = layers(&report).into_iter().find(|l| l.get("node").and_then(Json::as_str) == Some("/fc2/Gemm"));
    assert_eq!(fc2.and_then(|l| l.get("bits").and_then(Json::as_f64)), Some(32.0), "{report}");

    let types = IgnoredScope { types: vec!["Gemm".to_string()], ..IgnoredScope::default() };
    let (_, report) = model
        .compress_weights(None, &CompressWeightsOptions { ignored_scope: types, ..Default::default() })
        .unwrap();
    assert!(layer_nodes(&report).is_empty(), "{report}");

    let pattern = IgnoredScope { patterns: vec!["/fc[13]/".to_string()], ..IgnoredScope::default() };
    let (_, report) = model
        .compress_weights(None, &CompressWeightsOptions { ignored_scope: pattern, ..Default::default() })
        .unwrap();
    assert_eq!(layer_nodes(&report), ["/fc2/Gemm"], "{report}");

    let ghost = IgnoredScope::names(&["/fc1/Gemm", "ghost"]);
    let options = CompressWeightsOptions { ignored_scope: ghost.clone(), ..Default::default() };
    let err = model.compress_weights(None, &options).unwrap_err();
    assert_eq!(err.code(), Code::InvalidArgument, "{err}");
    assert!(err.message().contains("'ghost'"), "{err}");

    let lenient = IgnoredScope { validate: false, ..ghost };
    let (_, report) = model
        .compress_weights(None, &CompressWeightsOptions { ignored_scope: lenient, ..Default::default() })
        .unwrap();
    assert_eq!(layer_nodes(&report), ["/fc2/Gemm", "/fc3/Gemm"], "{report}");
}

#[test]
fn subgraph_scope_ignores_the_nodes_between_its_ends() {
    let model = Model::load(MLP).unwrap();
    // The graph input feeds /fc1/Gemm; from "input" to its output lies that one node.
    let scope = IgnoredScope {
        subgraphs: vec![nncf::Subgraph {
            inputs: vec!["input".to_string()],
            outputs: vec!["/fc1/Gemm_output_0".to_string()],
        }],
        ..IgnoredScope::default()
    };
    let (_, report) = model
        .compress_weights(None, &CompressWeightsOptions { ignored_scope: scope, ..Default::default() })
        .unwrap();
    assert_eq!(layer_nodes(&report), ["/fc2/Gemm", "/fc3/Gemm"], "{report}");
}

fn calibration(count: usize) -> Dataset {
    Dataset::from_fn(Some(count), |i, out| out.set("input", &[2, 64], &common::uniform(128, i as u32)))
        .unwrap()
}

#[test]
fn a_dataset_ranks_layers_by_activations() {
    // With a dataset and ratio < 1, mixed precision uses the data-aware default metric over the
    // dataset's items (up to subset_size).
    let model = Model::load(MLP).unwrap();
    let mut dataset = calibration(4);
    let options =
        CompressWeightsOptions { ratio: 0.5, subset_size: 3, ..four_bit(CompressWeightsMode::Int4Asym) };
    let (_, report) = model.compress_weights(Some(&mut dataset), &options).unwrap();
    assert!(report.contains("\"sensitivity_metric\":\"max_activation_variance\""), "{report}");
    assert!(report.contains("\"statistics_items\":3"), "{report}");
    let (_, data_free) = model.compress_weights(None, &options).unwrap();
    assert!(data_free.contains("\"sensitivity_metric\":\"weight_quantization_error\""), "{data_free}");
}

#[test]
fn data_aware_algorithms_report_and_refuse_gptq_with_lora() {
    let model = Model::load(MLP).unwrap();
    let mut dataset = calibration(4);
    let options = CompressWeightsOptions {
        subset_size: 4,
        all_layers: true,
        awq: true,
        gptq: true,
        scale_estimation: true,
        ..four_bit(CompressWeightsMode::Int4Sym)
    };
    let (_, report) = model.compress_weights(Some(&mut dataset), &options).unwrap();
    assert!(report.contains("\"gptq\":[{"), "{report}");
    assert!(report.contains("\"proxy_loss\":"), "{report}");
    let both = CompressWeightsOptions { gptq: true, lora_correction: true, ..options };
    let error = model.compress_weights(Some(&mut calibration(4)), &both).unwrap_err();
    assert_eq!(error.code(), Code::InvalidArgument);
    assert!(error.message().contains("gptq and lora_correction"), "{}", error.message());
}

#[test]
fn file_to_file_writes_external_data_and_reports() {
    let dir = ScratchDir::new("compress_file");
    let output = dir.path("mlp_int4.onnx");
    let data = dir.path("mlp_int4.onnx.data");
    let save = SaveOptions { external_data: ExternalData::Always, ..SaveOptions::default() };
    let options = CompressWeightsOptions { ratio: 0.6, ..four_bit(CompressWeightsMode::Int4Asym) };

    let err = nncf::compress_weights_file_with_progress(MLP, &output, None, &options, &save, |_, _| false)
        .unwrap_err();
    assert_eq!(err.code(), Code::Cancelled, "{err}");
    assert!(!output.exists() && !data.exists(), "a cancelled compression leaves no files");

    let report = nncf::compress_weights_file(MLP, &output, None, &options, &save).unwrap();
    assert!(
        layers(&report).iter().any(|l| l.get("mode").and_then(Json::as_str) == Some("int4_asym")),
        "{report}"
    );
    assert!(std::fs::metadata(&data).unwrap().len() > 0);
    let compressed = Model::load(&output).unwrap();
    let model = Model::load(MLP).unwrap();
    let error = relative_error(&mlp_outputs(&compressed, 2, 5), &mlp_outputs(&model, 2, 5));
    assert!(error < 0.3, "relative error {error}");

    let err =
        nncf::compress_weights_file("/nonexistent/mlp.onnx", &output, None, &options, &save).unwrap_err();
    assert_eq!(err.code(), Code::NotFound, "{err}");
    assert!(err.message().contains("/nonexistent/mlp.onnx"), "{err}");
}

#[test]
fn advanced_config_is_read() {
    let model = Model::load(MLP).unwrap();
    // The config's ignored scope applies on top of the options'.
    let config =
        nncf::Config::from_json(r#"{"compress_weights": {"ignored_scope": {"names": ["/fc3/Gemm"]}}}"#);
    let config = match config {
        Ok(config) => config,
        Err(e) => panic!("config: {e}"),
    };
    let options = CompressWeightsOptions { advanced: Some(&config), ..CompressWeightsOptions::default() };
    let (_, report) = model.compress_weights(None, &options).unwrap();
    assert_eq!(layer_nodes(&report), ["/fc1/Gemm", "/fc2/Gemm"], "{report}");
}

#[test]
fn enum_names_and_raw_values_match_the_header() {
    let modes = ["int8_asym", "int8_sym", "int4_sym", "int4_asym", "nf4", "e2m1"];
    assert_eq!(CompressWeightsMode::ALL.len(), modes.len());
    for (i, (mode, name)) in CompressWeightsMode::ALL.iter().zip(modes).enumerate() {
        assert_eq!(mode.raw(), i as i32);
        assert_eq!(mode.name(), name);
        assert_eq!(CompressWeightsMode::from_raw(i as i32), Some(*mode));
    }
    assert_eq!(CompressWeightsMode::from_raw(42), None);
    assert_eq!(CompressWeightsMode::default(), CompressWeightsMode::Int8Asym);
    assert_eq!(BackupMode::None.name(), "none");
    assert_eq!(BackupMode::None.raw(), 2);
    assert_eq!(SensitivityMetric::default().raw(), -1);
    assert_eq!(SensitivityMetric::MaxActivationVariance.name(), "max_activation_variance");
    assert_eq!(WeightFormat::MatMulNBits.name(), "matmul_nbits");
    assert_eq!(WeightFormat::DqFloat4.raw(), 4);
    assert_eq!(format!("{}", CompressWeightsMode::E2m1), "e2m1");
}

#[test]
fn input_is_checked_before_the_library_is_called() {
    let model = Model::load(MLP).unwrap();
    let scope = IgnoredScope::names(&["bad\0name"]);
    let err = model
        .compress_weights(None, &CompressWeightsOptions { ignored_scope: scope, ..Default::default() })
        .unwrap_err();
    assert_eq!(err.code(), Code::InvalidArgument, "{err}");
    assert!(err.message().contains("NUL"), "{err}");
}
