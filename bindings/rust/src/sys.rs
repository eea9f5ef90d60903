//! Raw declarations of `include/nncf.h`, written by hand.
//!
//! C enums are `i32` type aliases plus constants (a value added by a newer library must not be
//! undefined behaviour here). Structs are `#[repr(C)]` mirrors; `tests/abi.rs` compares their
//! sizes with `nncf_abi_sizeof`. Everything here is `unsafe` to use; the safe layer is the rest of
//! the crate.
#![allow(non_camel_case_types)]

use core::marker::{PhantomData, PhantomPinned};
use std::os::raw::{c_char, c_void};

/// The header's `NNCF_API_VERSION`: the runtime must report at least this.
pub const NNCF_API_VERSION: i32 = 3;
pub const NNCF_VERSION_MAJOR: i32 = 0;
pub const NNCF_VERSION_MINOR: i32 = 1;
pub const NNCF_VERSION_PATCH: i32 = 0;
pub const NNCF_VERSION_NUMBER: i32 =
    NNCF_VERSION_MAJOR * 10000 + NNCF_VERSION_MINOR * 100 + NNCF_VERSION_PATCH;

macro_rules! opaque {
    ($($name:ident),* $(,)?) => {$(
        #[repr(C)]
        pub struct $name {
            _p: [u8; 0],
            _m: PhantomData<(*mut u8, PhantomPinned)>,
        }
    )*};
}

opaque!(nncf_status, nncf_blob, nncf_model, nncf_sample, nncf_dataset, nncf_config);

pub type nncf_code = i32;
pub const NNCF_OK: nncf_code = 0;
pub const NNCF_ERR_INVALID_ARGUMENT: nncf_code = 1;
pub const NNCF_ERR_NOT_FOUND: nncf_code = 2;
pub const NNCF_ERR_INVALID_MODEL: nncf_code = 3;
pub const NNCF_ERR_UNSUPPORTED: nncf_code = 4;
pub const NNCF_ERR_IO: nncf_code = 5;
pub const NNCF_ERR_OUT_OF_MEMORY: nncf_code = 6;
pub const NNCF_ERR_CANCELLED: nncf_code = 7;
pub const NNCF_ERR_CALLBACK: nncf_code = 8;
pub const NNCF_ERR_VERSION_MISMATCH: nncf_code = 9;
pub const NNCF_ERR_INVALID_CONFIG: nncf_code = 10;
pub const NNCF_ERR_INTERNAL: nncf_code = 11;

pub type nncf_log_level = i32;
pub const NNCF_LOG_DEBUG: nncf_log_level = 0;
pub const NNCF_LOG_INFO: nncf_log_level = 1;
pub const NNCF_LOG_WARNING: nncf_log_level = 2;
pub const NNCF_LOG_ERROR: nncf_log_level = 3;
pub const NNCF_LOG_NONE: nncf_log_level = 4;

pub type nncf_log_fn = Option<
    unsafe extern "C" fn(
        user_data: *mut c_void,
        level: nncf_log_level,
        component: *const c_char,
        message: *const c_char,
    ),
>;
/// Returns 0 to cancel.
pub type nncf_progress_fn =
    Option<unsafe extern "C" fn(user_data: *mut c_void, stage: *const c_char, fraction: f64) -> i32>;

pub type nncf_dtype = i32;
pub const NNCF_DTYPE_UNDEFINED: nncf_dtype = 0;
pub const NNCF_DTYPE_FLOAT: nncf_dtype = 1;
pub const NNCF_DTYPE_UINT8: nncf_dtype = 2;
pub const NNCF_DTYPE_INT8: nncf_dtype = 3;
pub const NNCF_DTYPE_UINT16: nncf_dtype = 4;
pub const NNCF_DTYPE_INT16: nncf_dtype = 5;
pub const NNCF_DTYPE_INT32: nncf_dtype = 6;
pub const NNCF_DTYPE_INT64: nncf_dtype = 7;
pub const NNCF_DTYPE_STRING: nncf_dtype = 8;
pub const NNCF_DTYPE_BOOL: nncf_dtype = 9;
pub const NNCF_DTYPE_FLOAT16: nncf_dtype = 10;
pub const NNCF_DTYPE_DOUBLE: nncf_dtype = 11;
pub const NNCF_DTYPE_UINT32: nncf_dtype = 12;
pub const NNCF_DTYPE_UINT64: nncf_dtype = 13;
pub const NNCF_DTYPE_COMPLEX64: nncf_dtype = 14;
pub const NNCF_DTYPE_COMPLEX128: nncf_dtype = 15;
pub const NNCF_DTYPE_BFLOAT16: nncf_dtype = 16;
pub const NNCF_DTYPE_FLOAT8E4M3FN: nncf_dtype = 17;
pub const NNCF_DTYPE_FLOAT8E4M3FNUZ: nncf_dtype = 18;
pub const NNCF_DTYPE_FLOAT8E5M2: nncf_dtype = 19;
pub const NNCF_DTYPE_FLOAT8E5M2FNUZ: nncf_dtype = 20;
pub const NNCF_DTYPE_UINT4: nncf_dtype = 21;
pub const NNCF_DTYPE_INT4: nncf_dtype = 22;
pub const NNCF_DTYPE_FLOAT4E2M1: nncf_dtype = 23;

#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct nncf_tensor_info {
    pub struct_size: u32,
    pub name: *const c_char,
    pub dtype: nncf_dtype,
    pub ndim: usize,
    pub shape: *const i64,
    pub dim_params: *const *const c_char,
    pub has_shape: i32,
    pub data: *const c_void,
    pub nbytes: usize,
}

#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct nncf_model_load_params {
    pub struct_size: u32,
    pub base_dir: *const c_char,
    pub mmap_external_data: i32,
    pub validate: i32,
}

pub type nncf_external_data_mode = i32;
pub const NNCF_EXTERNAL_DATA_AUTO: nncf_external_data_mode = 0;
pub const NNCF_EXTERNAL_DATA_ALWAYS: nncf_external_data_mode = 1;
pub const NNCF_EXTERNAL_DATA_NEVER: nncf_external_data_mode = 2;

#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct nncf_model_save_params {
    pub struct_size: u32,
    pub external_data: nncf_external_data_mode,
    pub external_data_file: *const c_char,
    pub size_threshold: u64,
    pub progress: nncf_progress_fn,
    pub progress_user_data: *mut c_void,
}

pub type nncf_get_item_fn = Option<
    unsafe extern "C" fn(user_data: *mut c_void, index: i64, out: *mut nncf_sample) -> *mut nncf_status,
>;
pub type nncf_transform_fn = Option<
    unsafe extern "C" fn(
        user_data: *mut c_void,
        item: *const nncf_sample,
        out: *mut nncf_sample,
    ) -> *mut nncf_status,
>;
pub type nncf_destroy_fn = Option<unsafe extern "C" fn(user_data: *mut c_void)>;

#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct nncf_dataset_callbacks {
    pub struct_size: u32,
    pub user_data: *mut c_void,
    pub length: Option<unsafe extern "C" fn(user_data: *mut c_void) -> i64>,
    pub get_item: nncf_get_item_fn,
    pub transform: nncf_transform_fn,
    pub destroy: nncf_destroy_fn,
    pub batch_size: i64,
}

#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct nncf_infer_params {
    pub struct_size: u32,
    pub num_threads: i32,
    pub output_names: *const *const c_char,
    pub n_output_names: usize,
}

#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct nncf_subgraph {
    pub inputs: *const *const c_char,
    pub n_inputs: usize,
    pub outputs: *const *const c_char,
    pub n_outputs: usize,
}

#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct nncf_ignored_scope {
    pub struct_size: u32,
    pub names: *const *const c_char,
    pub n_names: usize,
    pub patterns: *const *const c_char,
    pub n_patterns: usize,
    pub types: *const *const c_char,
    pub n_types: usize,
    pub subgraphs: *const nncf_subgraph,
    pub n_subgraphs: usize,
    pub validate: i32,
}

pub type nncf_compress_weights_mode = i32;
pub const NNCF_COMPRESS_WEIGHTS_MODE_INT8_ASYM: nncf_compress_weights_mode = 0;
pub const NNCF_COMPRESS_WEIGHTS_MODE_INT8_SYM: nncf_compress_weights_mode = 1;
pub const NNCF_COMPRESS_WEIGHTS_MODE_INT4_SYM: nncf_compress_weights_mode = 2;
pub const NNCF_COMPRESS_WEIGHTS_MODE_INT4_ASYM: nncf_compress_weights_mode = 3;
pub const NNCF_COMPRESS_WEIGHTS_MODE_NF4: nncf_compress_weights_mode = 4;
pub const NNCF_COMPRESS_WEIGHTS_MODE_E2M1: nncf_compress_weights_mode = 5;

pub type nncf_backup_mode = i32;
pub const NNCF_BACKUP_MODE_INT8_ASYM: nncf_backup_mode = 0;
pub const NNCF_BACKUP_MODE_INT8_SYM: nncf_backup_mode = 1;
pub const NNCF_BACKUP_MODE_NONE: nncf_backup_mode = 2;

pub type nncf_sensitivity_metric = i32;
pub const NNCF_SENSITIVITY_METRIC_DEFAULT: nncf_sensitivity_metric = -1;
pub const NNCF_SENSITIVITY_METRIC_WEIGHT_QUANTIZATION_ERROR: nncf_sensitivity_metric = 0;
pub const NNCF_SENSITIVITY_METRIC_HESSIAN_INPUT_ACTIVATION: nncf_sensitivity_metric = 1;
pub const NNCF_SENSITIVITY_METRIC_MEAN_ACTIVATION_VARIANCE: nncf_sensitivity_metric = 2;
pub const NNCF_SENSITIVITY_METRIC_MAX_ACTIVATION_VARIANCE: nncf_sensitivity_metric = 3;
pub const NNCF_SENSITIVITY_METRIC_MEAN_ACTIVATION_MAGNITUDE: nncf_sensitivity_metric = 4;

pub type nncf_weight_format = i32;
pub const NNCF_WEIGHT_FORMAT_DQ: nncf_weight_format = 0;
pub const NNCF_WEIGHT_FORMAT_MATMUL_NBITS: nncf_weight_format = 1;
pub const NNCF_WEIGHT_FORMAT_FQ: nncf_weight_format = 2;
pub const NNCF_WEIGHT_FORMAT_FQ_LORA: nncf_weight_format = 3;
pub const NNCF_WEIGHT_FORMAT_DQ_FLOAT4: nncf_weight_format = 4;

#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct nncf_compress_weights_params {
    pub struct_size: u32,
    pub mode: nncf_compress_weights_mode,
    pub ratio: f64,
    pub group_size: i32,
    pub all_layers: i32,
    pub sensitivity_metric: nncf_sensitivity_metric,
    pub backup_mode: nncf_backup_mode,
    pub format: nncf_weight_format,
    pub accuracy_level: i32,
    pub allow_opset_upgrade: i32,
    pub num_threads: i32,
    pub ignored_scope: *const nncf_ignored_scope,
    pub advanced: *const nncf_config,
    pub progress: nncf_progress_fn,
    pub progress_user_data: *mut c_void,
    pub subset_size: i64,
    pub awq: i32,
    pub scale_estimation: i32,
    pub gptq: i32,
    pub lora_correction: i32,
}

pub type nncf_strip_format = i32;
pub const NNCF_STRIP_FORMAT_NATIVE: nncf_strip_format = 0;
pub const NNCF_STRIP_FORMAT_DQ: nncf_strip_format = 1;
pub const NNCF_STRIP_FORMAT_IN_PLACE: nncf_strip_format = 2;

pub type nncf_quantization_mode = i32;
pub const NNCF_QUANTIZATION_MODE_INT8: nncf_quantization_mode = 0;
pub const NNCF_QUANTIZATION_MODE_FP8_E4M3: nncf_quantization_mode = 1;
pub const NNCF_QUANTIZATION_MODE_FP8_E5M2: nncf_quantization_mode = 2;

pub type nncf_quantization_preset = i32;
pub const NNCF_PRESET_DEFAULT: nncf_quantization_preset = -1;
pub const NNCF_PRESET_PERFORMANCE: nncf_quantization_preset = 0;
pub const NNCF_PRESET_MIXED: nncf_quantization_preset = 1;

pub type nncf_target_device = i32;
pub const NNCF_TARGET_DEVICE_ANY: nncf_target_device = 0;
pub const NNCF_TARGET_DEVICE_CPU: nncf_target_device = 1;
pub const NNCF_TARGET_DEVICE_GPU: nncf_target_device = 2;
pub const NNCF_TARGET_DEVICE_NPU: nncf_target_device = 3;
pub const NNCF_TARGET_DEVICE_CPU_SPR: nncf_target_device = 4;

pub type nncf_model_type = i32;
pub const NNCF_MODEL_TYPE_DEFAULT: nncf_model_type = 0;
pub const NNCF_MODEL_TYPE_TRANSFORMER: nncf_model_type = 1;

pub type nncf_overflow_fix = i32;
pub const NNCF_OVERFLOW_FIX_DEFAULT: nncf_overflow_fix = -1;
pub const NNCF_OVERFLOW_FIX_ENABLE: nncf_overflow_fix = 0;
pub const NNCF_OVERFLOW_FIX_FIRST_LAYER: nncf_overflow_fix = 1;
pub const NNCF_OVERFLOW_FIX_DISABLE: nncf_overflow_fix = 2;

pub type nncf_quantization_scheme = i32;
pub const NNCF_QUANTIZATION_SCHEME_DEFAULT: nncf_quantization_scheme = -1;
pub const NNCF_QUANTIZATION_SCHEME_SYMMETRIC: nncf_quantization_scheme = 0;
pub const NNCF_QUANTIZATION_SCHEME_ASYMMETRIC: nncf_quantization_scheme = 1;

/// Tri-state fields take -1 (unset), 0 or 1.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct nncf_quantization_parameters {
    pub struct_size: u32,
    pub num_bits: i32,
    pub mode: nncf_quantization_scheme,
    pub signedness_to_force: i32,
    pub per_channel: i32,
    pub narrow_range: i32,
}

#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct nncf_quantize_params {
    pub struct_size: u32,
    pub mode: nncf_quantization_mode,
    pub preset: nncf_quantization_preset,
    pub target_device: nncf_target_device,
    pub subset_size: i64,
    pub fast_bias_correction: i32,
    pub model_type: nncf_model_type,
    pub ignored_scope: *const nncf_ignored_scope,
    pub overflow_fix: nncf_overflow_fix,
    pub quantize_outputs: i32,
    pub disable_bias_correction: i32,
    pub batchwise_statistics: i32,
    pub activations: *const nncf_quantization_parameters,
    pub weights: *const nncf_quantization_parameters,
    pub smooth_quant_alpha_matmul: f64,
    pub smooth_quant_alpha_convolution: f64,
    pub bias_correction_threshold: f64,
    pub fold_weights: i32,
    pub allow_opset_upgrade: i32,
    pub num_threads: i32,
    pub advanced: *const nncf_config,
    pub progress: nncf_progress_fn,
    pub progress_user_data: *mut c_void,
}

pub type nncf_drop_type = i32;
pub const NNCF_DROP_TYPE_ABSOLUTE: nncf_drop_type = 0;
pub const NNCF_DROP_TYPE_RELATIVE: nncf_drop_type = 1;

pub type nncf_restore_mode = i32;
pub const NNCF_RESTORE_MODE_ACTIVATIONS_AND_WEIGHTS: nncf_restore_mode = 0;
pub const NNCF_RESTORE_MODE_ONLY_ACTIVATIONS: nncf_restore_mode = 1;

pub type nncf_ranking_mode = i32;
pub const NNCF_RANKING_MODE_AUTO: nncf_ranking_mode = 0;
pub const NNCF_RANKING_MODE_METRIC: nncf_ranking_mode = 1;
pub const NNCF_RANKING_MODE_OUTPUT_DIFFERENCE: nncf_ranking_mode = 2;

#[repr(C)]
pub struct nncf_validation_output {
    pub struct_size: u32,
    pub metric: f64,
    pub per_item: *mut f64,
    pub n_items: usize,
    pub per_item_filled: i32,
}

pub type nncf_validation_fn = Option<
    unsafe extern "C" fn(
        user_data: *mut c_void,
        model: *const nncf_model,
        items: *mut nncf_dataset,
        output: *mut nncf_validation_output,
    ) -> *mut nncf_status,
>;

#[repr(C)]
pub struct nncf_accuracy_control_params {
    pub struct_size: u32,
    pub quantize: *const nncf_quantize_params,
    pub validate: nncf_validation_fn,
    pub validate_user_data: *mut c_void,
    pub max_drop: f64,
    pub drop_type: nncf_drop_type,
    pub max_num_iterations: i64,
    pub tune_hyperparams: i32,
    pub ranking_subset_size: i64,
    pub restore_mode: nncf_restore_mode,
    pub ranking: nncf_ranking_mode,
    pub intermediate_model_dir: *const c_char,
    pub progress: nncf_progress_fn,
    pub progress_user_data: *mut c_void,
}

#[repr(C)]
pub struct nncf_accuracy_control_summary {
    pub struct_size: u32,
    pub initial_metric: f64,
    pub quantized_metric: f64,
    pub final_metric: f64,
    pub final_drop: f64,
    pub target_met: i32,
    pub reverted_groups: i64,
    pub validation_calls: i64,
}

extern "C" {
    pub fn nncf_version_number() -> i32;
    pub fn nncf_version_string() -> *const c_char;
    pub fn nncf_api_version() -> i32;

    pub fn nncf_status_code(status: *const nncf_status) -> nncf_code;
    pub fn nncf_status_message(status: *const nncf_status) -> *const c_char;
    pub fn nncf_status_free(status: *mut nncf_status);
    pub fn nncf_status_create(code: nncf_code, message: *const c_char) -> *mut nncf_status;
    pub fn nncf_code_string(code: nncf_code) -> *const c_char;

    pub fn nncf_set_log_callback(fn_: nncf_log_fn, user_data: *mut c_void, min_level: nncf_log_level);

    pub fn nncf_blob_data(blob: *const nncf_blob) -> *const c_void;
    pub fn nncf_blob_size(blob: *const nncf_blob) -> usize;
    pub fn nncf_blob_free(blob: *mut nncf_blob);

    pub fn nncf_dtype_name(dtype: nncf_dtype) -> *const c_char;
    pub fn nncf_dtype_bits(dtype: nncf_dtype) -> usize;

    pub fn nncf_model_load_params_default(params: *mut nncf_model_load_params, struct_size: u32);
    pub fn nncf_model_save_params_default(params: *mut nncf_model_save_params, struct_size: u32);
    pub fn nncf_model_load_file(
        path: *const c_char,
        params: *const nncf_model_load_params,
        out: *mut *mut nncf_model,
    ) -> *mut nncf_status;
    pub fn nncf_model_load_memory(
        data: *const c_void,
        size: usize,
        params: *const nncf_model_load_params,
        out: *mut *mut nncf_model,
    ) -> *mut nncf_status;
    pub fn nncf_model_save_file(
        model: *const nncf_model,
        path: *const c_char,
        params: *const nncf_model_save_params,
    ) -> *mut nncf_status;
    pub fn nncf_model_save_memory(model: *const nncf_model, out: *mut *mut nncf_blob) -> *mut nncf_status;
    pub fn nncf_model_free(model: *mut nncf_model);
    pub fn nncf_model_num_inputs(model: *const nncf_model) -> usize;
    pub fn nncf_model_num_outputs(model: *const nncf_model) -> usize;
    pub fn nncf_model_input_info(
        model: *const nncf_model,
        index: usize,
        info: *mut nncf_tensor_info,
    ) -> *mut nncf_status;
    pub fn nncf_model_output_info(
        model: *const nncf_model,
        index: usize,
        info: *mut nncf_tensor_info,
    ) -> *mut nncf_status;
    pub fn nncf_model_summary_json(model: *const nncf_model, out: *mut *mut nncf_blob) -> *mut nncf_status;

    pub fn nncf_sample_create(out: *mut *mut nncf_sample) -> *mut nncf_status;
    pub fn nncf_sample_free(sample: *mut nncf_sample);
    pub fn nncf_sample_set_tensor(
        sample: *mut nncf_sample,
        name: *const c_char,
        dtype: nncf_dtype,
        shape: *const i64,
        ndim: usize,
        data: *const c_void,
        nbytes: usize,
    ) -> *mut nncf_status;
    pub fn nncf_sample_num_tensors(sample: *const nncf_sample) -> usize;
    pub fn nncf_sample_tensor_info(
        sample: *const nncf_sample,
        index: usize,
        info: *mut nncf_tensor_info,
    ) -> *mut nncf_status;
    pub fn nncf_sample_find_tensor(
        sample: *const nncf_sample,
        name: *const c_char,
        info: *mut nncf_tensor_info,
    ) -> *mut nncf_status;

    pub fn nncf_dataset_callbacks_default(callbacks: *mut nncf_dataset_callbacks, struct_size: u32);
    pub fn nncf_dataset_create(
        callbacks: *const nncf_dataset_callbacks,
        out: *mut *mut nncf_dataset,
    ) -> *mut nncf_status;
    pub fn nncf_dataset_create_from_samples(
        samples: *const *const nncf_sample,
        n_samples: usize,
        out: *mut *mut nncf_dataset,
    ) -> *mut nncf_status;
    pub fn nncf_dataset_set_transform(
        dataset: *mut nncf_dataset,
        fn_: nncf_transform_fn,
        user_data: *mut c_void,
        destroy: nncf_destroy_fn,
    ) -> *mut nncf_status;
    pub fn nncf_dataset_free(dataset: *mut nncf_dataset);
    pub fn nncf_dataset_length(dataset: *const nncf_dataset, out: *mut i64) -> *mut nncf_status;
    pub fn nncf_dataset_batch_size(dataset: *const nncf_dataset, out: *mut i64) -> *mut nncf_status;
    pub fn nncf_dataset_get_item(
        dataset: *mut nncf_dataset,
        index: i64,
        out: *mut *mut nncf_sample,
    ) -> *mut nncf_status;

    pub fn nncf_infer_params_default(params: *mut nncf_infer_params, struct_size: u32);
    pub fn nncf_model_infer(
        model: *const nncf_model,
        inputs: *const nncf_sample,
        params: *const nncf_infer_params,
        outputs: *mut *mut nncf_sample,
    ) -> *mut nncf_status;

    pub fn nncf_ignored_scope_default(scope: *mut nncf_ignored_scope, struct_size: u32);

    pub fn nncf_compress_weights_params_default(params: *mut nncf_compress_weights_params, struct_size: u32);
    pub fn nncf_compress_weights(
        model: *const nncf_model,
        dataset: *mut nncf_dataset,
        params: *const nncf_compress_weights_params,
        out: *mut *mut nncf_model,
        report: *mut *mut nncf_blob,
    ) -> *mut nncf_status;
    pub fn nncf_compress_weights_file(
        input_path: *const c_char,
        output_path: *const c_char,
        dataset: *mut nncf_dataset,
        params: *const nncf_compress_weights_params,
        save_params: *const nncf_model_save_params,
        report: *mut *mut nncf_blob,
    ) -> *mut nncf_status;
    pub fn nncf_strip(
        model: *const nncf_model,
        format: nncf_strip_format,
        out: *mut *mut nncf_model,
    ) -> *mut nncf_status;
    pub fn nncf_compress_weights_mode_name(mode: nncf_compress_weights_mode) -> *const c_char;
    pub fn nncf_backup_mode_name(mode: nncf_backup_mode) -> *const c_char;
    pub fn nncf_sensitivity_metric_name(metric: nncf_sensitivity_metric) -> *const c_char;
    pub fn nncf_weight_format_name(format: nncf_weight_format) -> *const c_char;
    pub fn nncf_strip_format_name(format: nncf_strip_format) -> *const c_char;

    pub fn nncf_quantization_parameters_default(params: *mut nncf_quantization_parameters, struct_size: u32);
    pub fn nncf_quantize_params_default(params: *mut nncf_quantize_params, struct_size: u32);
    pub fn nncf_quantize(
        model: *const nncf_model,
        dataset: *mut nncf_dataset,
        params: *const nncf_quantize_params,
        out: *mut *mut nncf_model,
        report: *mut *mut nncf_blob,
    ) -> *mut nncf_status;
    pub fn nncf_dataset_source_index(
        dataset: *const nncf_dataset,
        index: i64,
        out: *mut i64,
    ) -> *mut nncf_status;
    pub fn nncf_accuracy_control_params_default(params: *mut nncf_accuracy_control_params, struct_size: u32);
    pub fn nncf_quantize_with_accuracy_control(
        model: *const nncf_model,
        calibration_dataset: *mut nncf_dataset,
        validation_dataset: *mut nncf_dataset,
        params: *const nncf_accuracy_control_params,
        out: *mut *mut nncf_model,
        summary: *mut nncf_accuracy_control_summary,
        report: *mut *mut nncf_blob,
    ) -> *mut nncf_status;
    pub fn nncf_drop_type_name(value: nncf_drop_type) -> *const c_char;
    pub fn nncf_restore_mode_name(value: nncf_restore_mode) -> *const c_char;
    pub fn nncf_ranking_mode_name(value: nncf_ranking_mode) -> *const c_char;
    pub fn nncf_quantize_plan(
        model: *const nncf_model,
        params: *const nncf_quantize_params,
        plan: *mut *mut nncf_blob,
    ) -> *mut nncf_status;
    pub fn nncf_quantization_mode_name(mode: nncf_quantization_mode) -> *const c_char;
    pub fn nncf_quantization_preset_name(preset: nncf_quantization_preset) -> *const c_char;
    pub fn nncf_target_device_name(device: nncf_target_device) -> *const c_char;
    pub fn nncf_model_type_name(type_: nncf_model_type) -> *const c_char;
    pub fn nncf_overflow_fix_name(fix: nncf_overflow_fix) -> *const c_char;

    pub fn nncf_config_from_json(
        json: *const c_char,
        length: usize,
        out: *mut *mut nncf_config,
    ) -> *mut nncf_status;
    pub fn nncf_config_from_file(path: *const c_char, out: *mut *mut nncf_config) -> *mut nncf_status;
    pub fn nncf_config_free(config: *mut nncf_config);
    pub fn nncf_config_to_json(config: *const nncf_config, out: *mut *mut nncf_blob) -> *mut nncf_status;
    pub fn nncf_config_get(
        config: *const nncf_config,
        key: *const c_char,
        json_value: *mut *mut nncf_blob,
    ) -> *mut nncf_status;
    pub fn nncf_config_set(
        config: *mut nncf_config,
        key: *const c_char,
        json_value: *const c_char,
    ) -> *mut nncf_status;
    pub fn nncf_config_schema_json(out: *mut *mut nncf_blob) -> *mut nncf_status;

    pub fn nncf_abi_sizeof(type_name: *const c_char) -> usize;
}
