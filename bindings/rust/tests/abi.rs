// The hand-written mirrors in nncf::sys match the library's own struct sizes, and the runtime
// is new enough for these bindings.
use std::mem::size_of;

use nncf::sys;

#[test]
fn struct_mirrors_match_the_library() {
    let mirrors = [
        ("nncf_tensor_info", size_of::<sys::nncf_tensor_info>()),
        ("nncf_model_load_params", size_of::<sys::nncf_model_load_params>()),
        ("nncf_model_save_params", size_of::<sys::nncf_model_save_params>()),
        ("nncf_dataset_callbacks", size_of::<sys::nncf_dataset_callbacks>()),
        ("nncf_infer_params", size_of::<sys::nncf_infer_params>()),
        ("nncf_subgraph", size_of::<sys::nncf_subgraph>()),
        ("nncf_ignored_scope", size_of::<sys::nncf_ignored_scope>()),
        ("nncf_compress_weights_params", size_of::<sys::nncf_compress_weights_params>()),
        ("nncf_quantization_parameters", size_of::<sys::nncf_quantization_parameters>()),
        ("nncf_quantize_params", size_of::<sys::nncf_quantize_params>()),
        ("nncf_validation_output", size_of::<sys::nncf_validation_output>()),
        ("nncf_accuracy_control_params", size_of::<sys::nncf_accuracy_control_params>()),
        ("nncf_accuracy_control_summary", size_of::<sys::nncf_accuracy_control_summary>()),
    ];
    for (name, rust_size) in mirrors {
        let c_size = nncf::abi_sizeof(name);
        assert_ne!(c_size, 0, "the library does not know {name}");
        assert_eq!(rust_size, c_size, "size of {name}: Rust mirror {rust_size}, library {c_size}");
    }
    assert_eq!(nncf::abi_sizeof("nncf_no_such_struct"), 0);
}

#[test]
fn defaults_fill_the_mirrors_as_documented() {
    unsafe {
        let mut load: sys::nncf_model_load_params = std::mem::zeroed();
        sys::nncf_model_load_params_default(&mut load, size_of::<sys::nncf_model_load_params>() as u32);
        assert_eq!(load.struct_size as usize, size_of::<sys::nncf_model_load_params>());
        assert!(load.base_dir.is_null());
        assert_eq!((load.mmap_external_data, load.validate), (1, 1));

        let mut save: sys::nncf_model_save_params = std::mem::zeroed();
        sys::nncf_model_save_params_default(&mut save, size_of::<sys::nncf_model_save_params>() as u32);
        assert_eq!(save.external_data, sys::NNCF_EXTERNAL_DATA_AUTO);
        assert_eq!(save.size_threshold, 1024);
        assert!(save.progress.is_none());

        let mut callbacks: sys::nncf_dataset_callbacks = std::mem::zeroed();
        sys::nncf_dataset_callbacks_default(&mut callbacks, size_of::<sys::nncf_dataset_callbacks>() as u32);
        assert!(callbacks.get_item.is_none() && callbacks.destroy.is_none());
        assert_eq!(callbacks.batch_size, 0);

        let mut infer: sys::nncf_infer_params = std::mem::zeroed();
        sys::nncf_infer_params_default(&mut infer, size_of::<sys::nncf_infer_params>() as u32);
        assert_eq!((infer.num_threads, infer.n_output_names), (0, 0));

        let mut scope: sys::nncf_ignored_scope = std::mem::zeroed();
        sys::nncf_ignored_scope_default(&mut scope, size_of::<sys::nncf_ignored_scope>() as u32);
        assert_eq!(scope.struct_size as usize, size_of::<sys::nncf_ignored_scope>());
        assert_eq!(
            (scope.n_names, scope.n_patterns, scope.n_types, scope.n_subgraphs, scope.validate),
            (0, 0, 0, 0, 1)
        );

        let mut compress: sys::nncf_compress_weights_params = std::mem::zeroed();
        sys::nncf_compress_weights_params_default(
            &mut compress,
            size_of::<sys::nncf_compress_weights_params>() as u32,
        );
        assert_eq!(compress.mode, sys::NNCF_COMPRESS_WEIGHTS_MODE_INT8_ASYM);
        assert_eq!((compress.ratio, compress.group_size, compress.all_layers), (1.0, 0, 0));
        assert_eq!(compress.sensitivity_metric, sys::NNCF_SENSITIVITY_METRIC_DEFAULT);
        assert_eq!(compress.backup_mode, sys::NNCF_BACKUP_MODE_INT8_ASYM);
        assert_eq!(compress.format, sys::NNCF_WEIGHT_FORMAT_DQ);
        assert_eq!((compress.accuracy_level, compress.allow_opset_upgrade, compress.num_threads), (4, 1, 0));
        assert!(
            compress.ignored_scope.is_null() && compress.advanced.is_null() && compress.progress.is_none()
        );

        let mut qp: sys::nncf_quantization_parameters = std::mem::zeroed();
        sys::nncf_quantization_parameters_default(
            &mut qp,
            size_of::<sys::nncf_quantization_parameters>() as u32,
        );
        assert_eq!((qp.num_bits, qp.mode), (0, sys::NNCF_QUANTIZATION_SCHEME_DEFAULT));
        assert_eq!((qp.signedness_to_force, qp.per_channel, qp.narrow_range), (-1, -1, -1));

        let mut quantize: sys::nncf_quantize_params = std::mem::zeroed();
        sys::nncf_quantize_params_default(&mut quantize, size_of::<sys::nncf_quantize_params>() as u32);
        assert_eq!(quantize.mode, sys::NNCF_QUANTIZATION_MODE_INT8);
        assert_eq!(quantize.preset, sys::NNCF_PRESET_DEFAULT);
        assert_eq!(quantize.target_device, sys::NNCF_TARGET_DEVICE_ANY);
        assert_eq!((quantize.subset_size, quantize.fast_bias_correction), (300, 1));
        assert_eq!(quantize.model_type, sys::NNCF_MODEL_TYPE_DEFAULT);
        assert_eq!(quantize.overflow_fix, sys::NNCF_OVERFLOW_FIX_DEFAULT);
        assert_eq!(
            (quantize.quantize_outputs, quantize.disable_bias_correction, quantize.batchwise_statistics),
            (0, 0, -1)
        );
        assert_eq!(
            (
                quantize.smooth_quant_alpha_matmul,
                quantize.smooth_quant_alpha_convolution,
                quantize.bias_correction_threshold
            ),
            (0.95, -1.0, 0.0)
        );
        assert_eq!((quantize.fold_weights, quantize.allow_opset_upgrade, quantize.num_threads), (1, 0, 0));
        assert!(
            quantize.activations.is_null() && quantize.weights.is_null() && quantize.ignored_scope.is_null()
        );
        assert!(quantize.advanced.is_null() && quantize.progress.is_none());
    }
}

#[test]
fn runtime_version_is_new_enough() {
    assert!(nncf::api_version() >= sys::NNCF_API_VERSION);
    nncf::check_runtime_version().unwrap();
    assert_eq!(nncf::version_number(), sys::NNCF_VERSION_NUMBER);
    let expected =
        format!("{}.{}.{}", sys::NNCF_VERSION_MAJOR, sys::NNCF_VERSION_MINOR, sys::NNCF_VERSION_PATCH);
    assert!(nncf::version_string().starts_with(&expected), "{}", nncf::version_string());
}
