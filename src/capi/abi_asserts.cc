// Compile-time freeze of the public ABI in include/nncf.h.
//
// Released layouts never change: a binding compiled against an older header passes its own
// struct_size, and the library reads only the fields that fit in it. So:
// - new fields go at the END of a struct; the asserts for existing fields never change, new
//   asserts are appended, and a struct's sizeof assert only ever grows;
// - enum values are never renumbered or reused; new values get new numbers.
// A failure here means an edit broke released binaries: undo it rather than updating the assert.
// Every struct listed here must also be listed in abi.cc (tests/abi/struct_sizes_test.sh checks).

#include <cstddef>
#include <cstdint>
#include <type_traits>

#include "nncf.h"

#define NNCF_ASSERT_FIELD(type, field, offset, size)                           \
  static_assert(offsetof(type, field) == (offset), #type "." #field " moved"); \
  static_assert(sizeof(type::field) == (size), #type "." #field " changed size")

#define NNCF_ASSERT_SIZE(type, size) static_assert(sizeof(type) == (size), #type " changed size")

// Holds on every platform: struct_size is what the versioning scheme rests on.
static_assert(std::is_standard_layout<nncf_tensor_info>::value, "nncf_tensor_info");
static_assert(std::is_standard_layout<nncf_model_load_params>::value, "nncf_model_load_params");
static_assert(std::is_standard_layout<nncf_model_save_params>::value, "nncf_model_save_params");
static_assert(std::is_standard_layout<nncf_dataset_callbacks>::value, "nncf_dataset_callbacks");
static_assert(std::is_standard_layout<nncf_infer_params>::value, "nncf_infer_params");
static_assert(std::is_standard_layout<nncf_subgraph>::value, "nncf_subgraph");
static_assert(std::is_standard_layout<nncf_ignored_scope>::value, "nncf_ignored_scope");
static_assert(std::is_standard_layout<nncf_quantization_parameters>::value,
              "nncf_quantization_parameters");
static_assert(std::is_standard_layout<nncf_quantize_params>::value, "nncf_quantize_params");
static_assert(std::is_standard_layout<nncf_compress_weights_params>::value,
              "nncf_compress_weights_params");
static_assert(std::is_standard_layout<nncf_validation_output>::value, "nncf_validation_output");
static_assert(std::is_standard_layout<nncf_accuracy_control_params>::value,
              "nncf_accuracy_control_params");
static_assert(std::is_standard_layout<nncf_accuracy_control_summary>::value,
              "nncf_accuracy_control_summary");
static_assert(offsetof(nncf_tensor_info, struct_size) == 0, "struct_size must come first");
static_assert(offsetof(nncf_model_load_params, struct_size) == 0, "struct_size must come first");
static_assert(offsetof(nncf_model_save_params, struct_size) == 0, "struct_size must come first");
static_assert(offsetof(nncf_dataset_callbacks, struct_size) == 0, "struct_size must come first");
static_assert(offsetof(nncf_infer_params, struct_size) == 0, "struct_size must come first");
static_assert(offsetof(nncf_ignored_scope, struct_size) == 0, "struct_size must come first");
static_assert(offsetof(nncf_quantization_parameters, struct_size) == 0,
              "struct_size must come first");
static_assert(offsetof(nncf_quantize_params, struct_size) == 0, "struct_size must come first");
static_assert(offsetof(nncf_compress_weights_params, struct_size) == 0,
              "struct_size must come first");

// Enum-like typedefs are fixed-width so the layouts below do not depend on the compiler.
static_assert(std::is_same<nncf_code, int32_t>::value, "nncf_code is int32_t");
static_assert(std::is_same<nncf_log_level, int32_t>::value, "nncf_log_level is int32_t");
static_assert(std::is_same<nncf_dtype, int32_t>::value, "nncf_dtype is int32_t");
static_assert(std::is_same<nncf_external_data_mode, int32_t>::value,
              "nncf_external_data_mode is int32_t");
static_assert(std::is_same<nncf_compress_weights_mode, int32_t>::value,
              "nncf_compress_weights_mode is int32_t");
static_assert(std::is_same<nncf_backup_mode, int32_t>::value, "nncf_backup_mode is int32_t");
static_assert(std::is_same<nncf_sensitivity_metric, int32_t>::value,
              "nncf_sensitivity_metric is int32_t");
static_assert(std::is_same<nncf_weight_format, int32_t>::value, "nncf_weight_format is int32_t");
static_assert(std::is_same<nncf_strip_format, int32_t>::value, "nncf_strip_format is int32_t");

#if defined(__x86_64__) && defined(__LP64__)

// nncf_tensor_info (API version 1)
NNCF_ASSERT_FIELD(nncf_tensor_info, struct_size, 0, 4);
NNCF_ASSERT_FIELD(nncf_tensor_info, name, 8, 8);
NNCF_ASSERT_FIELD(nncf_tensor_info, dtype, 16, 4);
NNCF_ASSERT_FIELD(nncf_tensor_info, ndim, 24, 8);
NNCF_ASSERT_FIELD(nncf_tensor_info, shape, 32, 8);
NNCF_ASSERT_FIELD(nncf_tensor_info, dim_params, 40, 8);
NNCF_ASSERT_FIELD(nncf_tensor_info, has_shape, 48, 4);
NNCF_ASSERT_FIELD(nncf_tensor_info, data, 56, 8);
NNCF_ASSERT_FIELD(nncf_tensor_info, nbytes, 64, 8);
NNCF_ASSERT_SIZE(nncf_tensor_info, 72);

// nncf_model_load_params (API version 1)
NNCF_ASSERT_FIELD(nncf_model_load_params, struct_size, 0, 4);
NNCF_ASSERT_FIELD(nncf_model_load_params, base_dir, 8, 8);
NNCF_ASSERT_FIELD(nncf_model_load_params, mmap_external_data, 16, 4);
NNCF_ASSERT_FIELD(nncf_model_load_params, validate, 20, 4);
NNCF_ASSERT_SIZE(nncf_model_load_params, 24);

// nncf_model_save_params (API version 1)
NNCF_ASSERT_FIELD(nncf_model_save_params, struct_size, 0, 4);
NNCF_ASSERT_FIELD(nncf_model_save_params, external_data, 4, 4);
NNCF_ASSERT_FIELD(nncf_model_save_params, external_data_file, 8, 8);
NNCF_ASSERT_FIELD(nncf_model_save_params, size_threshold, 16, 8);
NNCF_ASSERT_FIELD(nncf_model_save_params, progress, 24, 8);
NNCF_ASSERT_FIELD(nncf_model_save_params, progress_user_data, 32, 8);
NNCF_ASSERT_SIZE(nncf_model_save_params, 40);

// nncf_dataset_callbacks (API version 1)
NNCF_ASSERT_FIELD(nncf_dataset_callbacks, struct_size, 0, 4);
NNCF_ASSERT_FIELD(nncf_dataset_callbacks, user_data, 8, 8);
NNCF_ASSERT_FIELD(nncf_dataset_callbacks, length, 16, 8);
NNCF_ASSERT_FIELD(nncf_dataset_callbacks, get_item, 24, 8);
NNCF_ASSERT_FIELD(nncf_dataset_callbacks, transform, 32, 8);
NNCF_ASSERT_FIELD(nncf_dataset_callbacks, destroy, 40, 8);
NNCF_ASSERT_FIELD(nncf_dataset_callbacks, batch_size, 48, 8);
NNCF_ASSERT_SIZE(nncf_dataset_callbacks, 56);

// nncf_infer_params (API version 1)
NNCF_ASSERT_FIELD(nncf_infer_params, struct_size, 0, 4);
NNCF_ASSERT_FIELD(nncf_infer_params, num_threads, 4, 4);
NNCF_ASSERT_FIELD(nncf_infer_params, output_names, 8, 8);
NNCF_ASSERT_FIELD(nncf_infer_params, n_output_names, 16, 8);
NNCF_ASSERT_SIZE(nncf_infer_params, 24);

// nncf_subgraph (API version 1): an array element, so it has no struct_size of its own; its
// layout can never grow.
NNCF_ASSERT_FIELD(nncf_subgraph, inputs, 0, 8);
NNCF_ASSERT_FIELD(nncf_subgraph, n_inputs, 8, 8);
NNCF_ASSERT_FIELD(nncf_subgraph, outputs, 16, 8);
NNCF_ASSERT_FIELD(nncf_subgraph, n_outputs, 24, 8);
NNCF_ASSERT_SIZE(nncf_subgraph, 32);

// nncf_ignored_scope (API version 1)
NNCF_ASSERT_FIELD(nncf_ignored_scope, struct_size, 0, 4);
NNCF_ASSERT_FIELD(nncf_ignored_scope, names, 8, 8);
NNCF_ASSERT_FIELD(nncf_ignored_scope, n_names, 16, 8);
NNCF_ASSERT_FIELD(nncf_ignored_scope, patterns, 24, 8);
NNCF_ASSERT_FIELD(nncf_ignored_scope, n_patterns, 32, 8);
NNCF_ASSERT_FIELD(nncf_ignored_scope, types, 40, 8);
NNCF_ASSERT_FIELD(nncf_ignored_scope, n_types, 48, 8);
NNCF_ASSERT_FIELD(nncf_ignored_scope, subgraphs, 56, 8);
NNCF_ASSERT_FIELD(nncf_ignored_scope, n_subgraphs, 64, 8);
NNCF_ASSERT_FIELD(nncf_ignored_scope, validate, 72, 4);
NNCF_ASSERT_SIZE(nncf_ignored_scope, 80);

// nncf_compress_weights_params (API version 1)
NNCF_ASSERT_FIELD(nncf_compress_weights_params, struct_size, 0, 4);
NNCF_ASSERT_FIELD(nncf_compress_weights_params, mode, 4, 4);
NNCF_ASSERT_FIELD(nncf_compress_weights_params, ratio, 8, 8);
NNCF_ASSERT_FIELD(nncf_compress_weights_params, group_size, 16, 4);
NNCF_ASSERT_FIELD(nncf_compress_weights_params, all_layers, 20, 4);
NNCF_ASSERT_FIELD(nncf_compress_weights_params, sensitivity_metric, 24, 4);
NNCF_ASSERT_FIELD(nncf_compress_weights_params, backup_mode, 28, 4);
NNCF_ASSERT_FIELD(nncf_compress_weights_params, format, 32, 4);
NNCF_ASSERT_FIELD(nncf_compress_weights_params, accuracy_level, 36, 4);
NNCF_ASSERT_FIELD(nncf_compress_weights_params, allow_opset_upgrade, 40, 4);
NNCF_ASSERT_FIELD(nncf_compress_weights_params, num_threads, 44, 4);
NNCF_ASSERT_FIELD(nncf_compress_weights_params, ignored_scope, 48, 8);
NNCF_ASSERT_FIELD(nncf_compress_weights_params, advanced, 56, 8);
NNCF_ASSERT_FIELD(nncf_compress_weights_params, progress, 64, 8);
NNCF_ASSERT_FIELD(nncf_compress_weights_params, progress_user_data, 72, 8);
// API version 2: data-aware mixed precision.
NNCF_ASSERT_FIELD(nncf_compress_weights_params, subset_size, 80, 8);
// API version 3: data-aware algorithms.
NNCF_ASSERT_FIELD(nncf_compress_weights_params, awq, 88, 4);
NNCF_ASSERT_FIELD(nncf_compress_weights_params, scale_estimation, 92, 4);
NNCF_ASSERT_FIELD(nncf_compress_weights_params, gptq, 96, 4);
NNCF_ASSERT_FIELD(nncf_compress_weights_params, lora_correction, 100, 4);
NNCF_ASSERT_SIZE(nncf_compress_weights_params, 104);

// nncf_quantization_parameters (API version 1)
NNCF_ASSERT_FIELD(nncf_quantization_parameters, struct_size, 0, 4);
NNCF_ASSERT_FIELD(nncf_quantization_parameters, num_bits, 4, 4);
NNCF_ASSERT_FIELD(nncf_quantization_parameters, mode, 8, 4);
NNCF_ASSERT_FIELD(nncf_quantization_parameters, signedness_to_force, 12, 4);
NNCF_ASSERT_FIELD(nncf_quantization_parameters, per_channel, 16, 4);
NNCF_ASSERT_FIELD(nncf_quantization_parameters, narrow_range, 20, 4);
NNCF_ASSERT_SIZE(nncf_quantization_parameters, 24);

// nncf_quantize_params (API version 1)
NNCF_ASSERT_FIELD(nncf_quantize_params, struct_size, 0, 4);
NNCF_ASSERT_FIELD(nncf_quantize_params, mode, 4, 4);
NNCF_ASSERT_FIELD(nncf_quantize_params, preset, 8, 4);
NNCF_ASSERT_FIELD(nncf_quantize_params, target_device, 12, 4);
NNCF_ASSERT_FIELD(nncf_quantize_params, subset_size, 16, 8);
NNCF_ASSERT_FIELD(nncf_quantize_params, fast_bias_correction, 24, 4);
NNCF_ASSERT_FIELD(nncf_quantize_params, model_type, 28, 4);
NNCF_ASSERT_FIELD(nncf_quantize_params, ignored_scope, 32, 8);
NNCF_ASSERT_FIELD(nncf_quantize_params, overflow_fix, 40, 4);
NNCF_ASSERT_FIELD(nncf_quantize_params, quantize_outputs, 44, 4);
NNCF_ASSERT_FIELD(nncf_quantize_params, disable_bias_correction, 48, 4);
NNCF_ASSERT_FIELD(nncf_quantize_params, batchwise_statistics, 52, 4);
NNCF_ASSERT_FIELD(nncf_quantize_params, activations, 56, 8);
NNCF_ASSERT_FIELD(nncf_quantize_params, weights, 64, 8);
NNCF_ASSERT_FIELD(nncf_quantize_params, smooth_quant_alpha_matmul, 72, 8);
NNCF_ASSERT_FIELD(nncf_quantize_params, smooth_quant_alpha_convolution, 80, 8);
NNCF_ASSERT_FIELD(nncf_quantize_params, bias_correction_threshold, 88, 8);
NNCF_ASSERT_FIELD(nncf_quantize_params, fold_weights, 96, 4);
NNCF_ASSERT_FIELD(nncf_quantize_params, allow_opset_upgrade, 100, 4);
NNCF_ASSERT_FIELD(nncf_quantize_params, num_threads, 104, 4);
NNCF_ASSERT_FIELD(nncf_quantize_params, advanced, 112, 8);
NNCF_ASSERT_FIELD(nncf_quantize_params, progress, 120, 8);
NNCF_ASSERT_FIELD(nncf_quantize_params, progress_user_data, 128, 8);
NNCF_ASSERT_SIZE(nncf_quantize_params, 136);

#endif  // x86_64 LP64

// Enum values are part of the ABI on every platform.
static_assert(NNCF_OK == 0 && NNCF_ERR_INVALID_ARGUMENT == 1 && NNCF_ERR_NOT_FOUND == 2 &&
                  NNCF_ERR_INVALID_MODEL == 3 && NNCF_ERR_UNSUPPORTED == 4 && NNCF_ERR_IO == 5 &&
                  NNCF_ERR_OUT_OF_MEMORY == 6 && NNCF_ERR_CANCELLED == 7 &&
                  NNCF_ERR_CALLBACK == 8 && NNCF_ERR_VERSION_MISMATCH == 9 &&
                  NNCF_ERR_INVALID_CONFIG == 10 && NNCF_ERR_INTERNAL == 11,
              "status codes are never renumbered");
static_assert(NNCF_LOG_DEBUG == 0 && NNCF_LOG_INFO == 1 && NNCF_LOG_WARNING == 2 &&
                  NNCF_LOG_ERROR == 3 && NNCF_LOG_NONE == 4,
              "log levels are never renumbered");
static_assert(NNCF_EXTERNAL_DATA_AUTO == 0 && NNCF_EXTERNAL_DATA_ALWAYS == 1 &&
                  NNCF_EXTERNAL_DATA_NEVER == 2,
              "external data modes are never renumbered");
// dtype values are ONNX TensorProto.DataType numbers.
static_assert(NNCF_DTYPE_UNDEFINED == 0 && NNCF_DTYPE_FLOAT == 1 && NNCF_DTYPE_UINT8 == 2 &&
                  NNCF_DTYPE_INT8 == 3 && NNCF_DTYPE_UINT16 == 4 && NNCF_DTYPE_INT16 == 5 &&
                  NNCF_DTYPE_INT32 == 6 && NNCF_DTYPE_INT64 == 7 && NNCF_DTYPE_STRING == 8 &&
                  NNCF_DTYPE_BOOL == 9 && NNCF_DTYPE_FLOAT16 == 10 && NNCF_DTYPE_DOUBLE == 11 &&
                  NNCF_DTYPE_UINT32 == 12 && NNCF_DTYPE_UINT64 == 13 &&
                  NNCF_DTYPE_COMPLEX64 == 14 && NNCF_DTYPE_COMPLEX128 == 15 &&
                  NNCF_DTYPE_BFLOAT16 == 16 && NNCF_DTYPE_FLOAT8E4M3FN == 17 &&
                  NNCF_DTYPE_FLOAT8E4M3FNUZ == 18 && NNCF_DTYPE_FLOAT8E5M2 == 19 &&
                  NNCF_DTYPE_FLOAT8E5M2FNUZ == 20 && NNCF_DTYPE_UINT4 == 21 &&
                  NNCF_DTYPE_INT4 == 22 && NNCF_DTYPE_FLOAT4E2M1 == 23,
              "dtypes are never renumbered");

static_assert(NNCF_COMPRESS_WEIGHTS_MODE_INT8_ASYM == 0 &&
                  NNCF_COMPRESS_WEIGHTS_MODE_INT8_SYM == 1 &&
                  NNCF_COMPRESS_WEIGHTS_MODE_INT4_SYM == 2 &&
                  NNCF_COMPRESS_WEIGHTS_MODE_INT4_ASYM == 3 &&
                  NNCF_COMPRESS_WEIGHTS_MODE_NF4 == 4 && NNCF_COMPRESS_WEIGHTS_MODE_E2M1 == 5,
              "weight compression modes are never renumbered");
static_assert(NNCF_BACKUP_MODE_INT8_ASYM == 0 && NNCF_BACKUP_MODE_INT8_SYM == 1 &&
                  NNCF_BACKUP_MODE_NONE == 2,
              "backup modes are never renumbered");
static_assert(NNCF_SENSITIVITY_METRIC_DEFAULT == -1 &&
                  NNCF_SENSITIVITY_METRIC_WEIGHT_QUANTIZATION_ERROR == 0 &&
                  NNCF_SENSITIVITY_METRIC_HESSIAN_INPUT_ACTIVATION == 1 &&
                  NNCF_SENSITIVITY_METRIC_MEAN_ACTIVATION_VARIANCE == 2 &&
                  NNCF_SENSITIVITY_METRIC_MAX_ACTIVATION_VARIANCE == 3 &&
                  NNCF_SENSITIVITY_METRIC_MEAN_ACTIVATION_MAGNITUDE == 4,
              "sensitivity metrics are never renumbered");
static_assert(NNCF_WEIGHT_FORMAT_DQ == 0 && NNCF_WEIGHT_FORMAT_MATMUL_NBITS == 1 &&
                  NNCF_WEIGHT_FORMAT_FQ == 2 && NNCF_WEIGHT_FORMAT_FQ_LORA == 3 &&
                  NNCF_WEIGHT_FORMAT_DQ_FLOAT4 == 4,
              "weight formats are never renumbered");
static_assert(NNCF_STRIP_FORMAT_NATIVE == 0 && NNCF_STRIP_FORMAT_DQ == 1 &&
                  NNCF_STRIP_FORMAT_IN_PLACE == 2,
              "strip formats are never renumbered");
static_assert(NNCF_QUANTIZATION_MODE_INT8 == 0 && NNCF_QUANTIZATION_MODE_FP8_E4M3 == 1 &&
                  NNCF_QUANTIZATION_MODE_FP8_E5M2 == 2,
              "quantization modes are never renumbered");
static_assert(NNCF_PRESET_DEFAULT == -1 && NNCF_PRESET_PERFORMANCE == 0 && NNCF_PRESET_MIXED == 1,
              "presets are never renumbered");
static_assert(NNCF_TARGET_DEVICE_ANY == 0 && NNCF_TARGET_DEVICE_CPU == 1 &&
                  NNCF_TARGET_DEVICE_GPU == 2 && NNCF_TARGET_DEVICE_NPU == 3 &&
                  NNCF_TARGET_DEVICE_CPU_SPR == 4,
              "target devices are never renumbered");
static_assert(NNCF_MODEL_TYPE_DEFAULT == 0 && NNCF_MODEL_TYPE_TRANSFORMER == 1,
              "model types are never renumbered");
static_assert(NNCF_OVERFLOW_FIX_DEFAULT == -1 && NNCF_OVERFLOW_FIX_ENABLE == 0 &&
                  NNCF_OVERFLOW_FIX_FIRST_LAYER == 1 && NNCF_OVERFLOW_FIX_DISABLE == 2,
              "overflow fix values are never renumbered");
static_assert(NNCF_QUANTIZATION_SCHEME_DEFAULT == -1 && NNCF_QUANTIZATION_SCHEME_SYMMETRIC == 0 &&
                  NNCF_QUANTIZATION_SCHEME_ASYMMETRIC == 1,
              "quantization schemes are never renumbered");

// API version 2: quantization with accuracy control.
NNCF_ASSERT_FIELD(nncf_validation_output, struct_size, 0, 4);
NNCF_ASSERT_FIELD(nncf_validation_output, metric, 8, 8);
NNCF_ASSERT_FIELD(nncf_validation_output, per_item, 16, 8);
NNCF_ASSERT_FIELD(nncf_validation_output, n_items, 24, 8);
NNCF_ASSERT_FIELD(nncf_validation_output, per_item_filled, 32, 4);
NNCF_ASSERT_SIZE(nncf_validation_output, 40);
NNCF_ASSERT_FIELD(nncf_accuracy_control_params, struct_size, 0, 4);
NNCF_ASSERT_FIELD(nncf_accuracy_control_params, quantize, 8, 8);
NNCF_ASSERT_FIELD(nncf_accuracy_control_params, validate, 16, 8);
NNCF_ASSERT_FIELD(nncf_accuracy_control_params, validate_user_data, 24, 8);
NNCF_ASSERT_FIELD(nncf_accuracy_control_params, max_drop, 32, 8);
NNCF_ASSERT_FIELD(nncf_accuracy_control_params, drop_type, 40, 4);
NNCF_ASSERT_FIELD(nncf_accuracy_control_params, max_num_iterations, 48, 8);
NNCF_ASSERT_FIELD(nncf_accuracy_control_params, tune_hyperparams, 56, 4);
NNCF_ASSERT_FIELD(nncf_accuracy_control_params, ranking_subset_size, 64, 8);
NNCF_ASSERT_FIELD(nncf_accuracy_control_params, restore_mode, 72, 4);
NNCF_ASSERT_FIELD(nncf_accuracy_control_params, ranking, 76, 4);
NNCF_ASSERT_FIELD(nncf_accuracy_control_params, intermediate_model_dir, 80, 8);
NNCF_ASSERT_FIELD(nncf_accuracy_control_params, progress, 88, 8);
NNCF_ASSERT_FIELD(nncf_accuracy_control_params, progress_user_data, 96, 8);
NNCF_ASSERT_SIZE(nncf_accuracy_control_params, 104);
NNCF_ASSERT_FIELD(nncf_accuracy_control_summary, struct_size, 0, 4);
NNCF_ASSERT_FIELD(nncf_accuracy_control_summary, initial_metric, 8, 8);
NNCF_ASSERT_FIELD(nncf_accuracy_control_summary, quantized_metric, 16, 8);
NNCF_ASSERT_FIELD(nncf_accuracy_control_summary, final_metric, 24, 8);
NNCF_ASSERT_FIELD(nncf_accuracy_control_summary, final_drop, 32, 8);
NNCF_ASSERT_FIELD(nncf_accuracy_control_summary, target_met, 40, 4);
NNCF_ASSERT_FIELD(nncf_accuracy_control_summary, reverted_groups, 48, 8);
NNCF_ASSERT_FIELD(nncf_accuracy_control_summary, validation_calls, 56, 8);
NNCF_ASSERT_SIZE(nncf_accuracy_control_summary, 64);
static_assert(NNCF_DROP_TYPE_ABSOLUTE == 0 && NNCF_DROP_TYPE_RELATIVE == 1,
              "drop types are never renumbered");
static_assert(NNCF_RESTORE_MODE_ACTIVATIONS_AND_WEIGHTS == 0 &&
                  NNCF_RESTORE_MODE_ONLY_ACTIVATIONS == 1,
              "restore modes are never renumbered");
static_assert(NNCF_RANKING_MODE_AUTO == 0 && NNCF_RANKING_MODE_METRIC == 1 &&
                  NNCF_RANKING_MODE_OUTPUT_DIFFERENCE == 2,
              "ranking modes are never renumbered");

#undef NNCF_ASSERT_FIELD
#undef NNCF_ASSERT_SIZE
