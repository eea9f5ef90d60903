// nncf_quantize and nncf_quantize_plan: the C face of algorithms/quantization/quantize.h, plus
// the names of the quantization enums.
#include <cstring>
#include <memory>
#include <string>

#include "algorithms/quantization/quantize.h"
#include "capi/api_impl.h"
#include "capi/common_params.h"
#include "capi/quantize_params.h"
#include "core/common/logging.h"

namespace nncf::capi {
namespace {

namespace q = algorithms::quantization;

const char* const kParamsName = "nncf_quantize_params";

[[noreturn]] void BadEnum(const char* field, int32_t value, const char* expected) {
  Fail(ErrorCode::kInvalidArgument, std::string(kParamsName) + "." + field + " is " +
                                        std::to_string(value) + "; expected " + expected);
}

std::optional<bool> TriState(int32_t value, const std::string& field) {
  if (value == -1) return std::nullopt;
  if (value == 0 || value == 1) return value == 1;
  Fail(ErrorCode::kInvalidArgument,
       field + " is " + std::to_string(value) + "; expected -1, 0 or 1");
}

void ReadQuantizationParameters(const nncf_quantization_parameters* in, const char* which,
                                q::QuantizationParameters* out) {
  if (in == nullptr) return;
  const nncf_quantization_parameters p = ReadVersionedStruct(in, "nncf_quantization_parameters",
                                                             &nncf_quantization_parameters_default);
  const std::string field = std::string(kParamsName) + "." + which;
  if (p.num_bits < 0) {
    Fail(ErrorCode::kInvalidArgument,
         field + ".num_bits is " + std::to_string(p.num_bits) + "; expected 0 (default) or 4/8/16");
  }
  if (p.num_bits != 0) out->num_bits = p.num_bits;
  switch (p.mode) {
    case NNCF_QUANTIZATION_SCHEME_DEFAULT:
      break;
    case NNCF_QUANTIZATION_SCHEME_SYMMETRIC:
      out->mode = q::QuantizationScheme::kSymmetric;
      break;
    case NNCF_QUANTIZATION_SCHEME_ASYMMETRIC:
      out->mode = q::QuantizationScheme::kAsymmetric;
      break;
    default:
      Fail(ErrorCode::kInvalidArgument, field + ".mode is " + std::to_string(p.mode) +
                                            "; expected an NNCF_QUANTIZATION_SCHEME_* value");
  }
  if (auto v = TriState(p.signedness_to_force, field + ".signedness_to_force")) {
    out->signedness_to_force = v;
  }
  if (auto v = TriState(p.per_channel, field + ".per_channel")) out->per_channel = v;
  if (auto v = TriState(p.narrow_range, field + ".narrow_range")) out->narrow_range = v;
}

// The config is read first; struct fields left at their defaults do not override it.
}  // namespace

q::QuantizeParams ReadQuantizeParams(const nncf_quantize_params* in, Context* context) {
  const nncf_quantize_params p =
      ReadVersionedStruct(in, kParamsName, &nncf_quantize_params_default);
  nncf_quantize_params defaults;
  nncf_quantize_params_default(&defaults, sizeof defaults);
  q::QuantizeParams params;
  if (p.advanced) params.ApplyConfig(p.advanced->impl);

  switch (p.mode) {
    case NNCF_QUANTIZATION_MODE_INT8:
      break;
    case NNCF_QUANTIZATION_MODE_FP8_E4M3:
      params.mode = q::QuantizationMode::kFp8E4M3;
      break;
    case NNCF_QUANTIZATION_MODE_FP8_E5M2:
      params.mode = q::QuantizationMode::kFp8E5M2;
      break;
    default:
      BadEnum("mode", p.mode, "an NNCF_QUANTIZATION_MODE_* value");
  }
  switch (p.preset) {
    case NNCF_PRESET_DEFAULT:
      break;
    case NNCF_PRESET_PERFORMANCE:
      params.preset = q::Preset::kPerformance;
      break;
    case NNCF_PRESET_MIXED:
      params.preset = q::Preset::kMixed;
      break;
    default:
      BadEnum("preset", p.preset, "an NNCF_PRESET_* value");
  }
  switch (p.target_device) {
    case NNCF_TARGET_DEVICE_ANY:
      break;
    case NNCF_TARGET_DEVICE_CPU:
      params.target_device = q::TargetDevice::kCpu;
      break;
    case NNCF_TARGET_DEVICE_GPU:
      params.target_device = q::TargetDevice::kGpu;
      break;
    case NNCF_TARGET_DEVICE_NPU:
      params.target_device = q::TargetDevice::kNpu;
      break;
    case NNCF_TARGET_DEVICE_CPU_SPR:
      params.target_device = q::TargetDevice::kCpuSpr;
      break;
    default:
      BadEnum("target_device", p.target_device, "an NNCF_TARGET_DEVICE_* value");
  }
  if (p.subset_size != defaults.subset_size) params.subset_size = p.subset_size;
  if (p.fast_bias_correction != defaults.fast_bias_correction) {
    params.fast_bias_correction = p.fast_bias_correction != 0;
  }
  switch (p.model_type) {
    case NNCF_MODEL_TYPE_DEFAULT:
      break;
    case NNCF_MODEL_TYPE_TRANSFORMER:
      params.model_type = q::ModelType::kTransformer;
      break;
    default:
      BadEnum("model_type", p.model_type, "an NNCF_MODEL_TYPE_* value");
  }
  if (p.ignored_scope) {
    algorithms::MergeIgnoredScope(&params.ignored_scope, ReadIgnoredScope(p.ignored_scope));
  }
  switch (p.overflow_fix) {
    case NNCF_OVERFLOW_FIX_DEFAULT:
      break;
    case NNCF_OVERFLOW_FIX_ENABLE:
      params.overflow_fix = q::OverflowFix::kEnable;
      break;
    case NNCF_OVERFLOW_FIX_FIRST_LAYER:
      params.overflow_fix = q::OverflowFix::kFirstLayer;
      break;
    case NNCF_OVERFLOW_FIX_DISABLE:
      params.overflow_fix = q::OverflowFix::kDisable;
      break;
    default:
      BadEnum("overflow_fix", p.overflow_fix, "an NNCF_OVERFLOW_FIX_* value");
  }
  if (p.quantize_outputs != defaults.quantize_outputs) {
    params.quantize_outputs = p.quantize_outputs != 0;
  }
  if (p.disable_bias_correction != defaults.disable_bias_correction) {
    params.disable_bias_correction = p.disable_bias_correction != 0;
  }
  if (auto v =
          TriState(p.batchwise_statistics, std::string(kParamsName) + ".batchwise_statistics")) {
    params.batchwise_statistics = v;
  }
  ReadQuantizationParameters(p.activations, "activations", &params.activations);
  ReadQuantizationParameters(p.weights, "weights", &params.weights);
  if (p.smooth_quant_alpha_matmul != defaults.smooth_quant_alpha_matmul) {
    params.smooth_quant_alpha_matmul = p.smooth_quant_alpha_matmul;
  }
  if (p.smooth_quant_alpha_convolution != defaults.smooth_quant_alpha_convolution) {
    params.smooth_quant_alpha_convolution = p.smooth_quant_alpha_convolution;
  }
  if (p.bias_correction_threshold < 0) {
    Fail(ErrorCode::kInvalidArgument, std::string(kParamsName) +
                                          ".bias_correction_threshold must be positive (or 0 "
                                          "for the default)");
  }
  if (p.bias_correction_threshold > 0) {
    params.bias_correction_threshold = p.bias_correction_threshold;
  }
  if (p.fold_weights != defaults.fold_weights) params.fold_weights = p.fold_weights != 0;
  params.allow_opset_upgrade = p.allow_opset_upgrade != 0;
  if (p.num_threads < 0) {
    Fail(ErrorCode::kInvalidArgument, std::string(kParamsName) + ".num_threads is negative");
  }
  params.num_threads = p.num_threads;
  *context = MakeProgressContext(p.progress, p.progress_user_data);
  return params;
}

}  // namespace nncf::capi

void nncf_quantization_parameters_default(nncf_quantization_parameters* params,
                                          uint32_t struct_size) {
  if (params == nullptr) return;
  nncf_quantization_parameters defaults;
  std::memset(&defaults, 0, sizeof defaults);
  defaults.struct_size = sizeof defaults;
  defaults.num_bits = 0;
  defaults.mode = NNCF_QUANTIZATION_SCHEME_DEFAULT;
  defaults.signedness_to_force = -1;
  defaults.per_channel = -1;
  defaults.narrow_range = -1;
  nncf::capi::FillDefaultsForCaller(defaults, params, struct_size);
}

void nncf_quantize_params_default(nncf_quantize_params* params, uint32_t struct_size) {
  if (params == nullptr) return;
  nncf_quantize_params defaults;
  std::memset(&defaults, 0, sizeof defaults);
  defaults.struct_size = sizeof defaults;
  defaults.mode = NNCF_QUANTIZATION_MODE_INT8;
  defaults.preset = NNCF_PRESET_DEFAULT;
  defaults.target_device = NNCF_TARGET_DEVICE_ANY;
  defaults.subset_size = 300;
  defaults.fast_bias_correction = 1;
  defaults.model_type = NNCF_MODEL_TYPE_DEFAULT;
  defaults.ignored_scope = nullptr;
  defaults.overflow_fix = NNCF_OVERFLOW_FIX_DEFAULT;
  defaults.quantize_outputs = 0;
  defaults.disable_bias_correction = 0;
  defaults.batchwise_statistics = -1;
  defaults.activations = nullptr;
  defaults.weights = nullptr;
  defaults.smooth_quant_alpha_matmul = 0.95;
  defaults.smooth_quant_alpha_convolution = -1;
  defaults.bias_correction_threshold = 0;
  defaults.fold_weights = 1;
  defaults.allow_opset_upgrade = 0;
  defaults.num_threads = 0;
  defaults.advanced = nullptr;
  defaults.progress = nullptr;
  defaults.progress_user_data = nullptr;
  nncf::capi::FillDefaultsForCaller(defaults, params, struct_size);
}

nncf_status* nncf_quantize(const nncf_model* model, nncf_dataset* dataset,
                           const nncf_quantize_params* params, nncf_model** out,
                           nncf_blob** report) {
  NNCF_API_BEGIN
  NNCF_CHECK_ARG(out);
  *out = nullptr;
  if (report) *report = nullptr;
  NNCF_CHECK_ARG(model);
  NNCF_CHECK_ARG(dataset);
  nncf::Context context;
  const auto internal = nncf::capi::ReadQuantizeParams(params, &context);
  nncf::algorithms::quantization::QuantizeReport quantize_report;
  nncf::ir::Model quantized = nncf::algorithms::quantization::Quantize(
      *model->impl, *dataset->impl, internal, context, &quantize_report);
  std::unique_ptr<nncf_model> handle = nncf::capi::MakeModelHandle(std::move(quantized));
  std::unique_ptr<nncf_blob> report_blob;
  if (report) report_blob.reset(nncf::capi::NewBlob(quantize_report.ToJson()));
  *out = handle.release();
  if (report) *report = report_blob.release();
  NNCF_API_END
}

nncf_status* nncf_quantize_plan(const nncf_model* model, const nncf_quantize_params* params,
                                nncf_blob** plan) {
  NNCF_API_BEGIN
  NNCF_CHECK_ARG(plan);
  *plan = nullptr;
  NNCF_CHECK_ARG(model);
  nncf::Context context;
  const auto internal = nncf::capi::ReadQuantizeParams(params, &context);
  *plan =
      nncf::capi::NewBlob(nncf::algorithms::quantization::PlanQuantization(*model->impl, internal));
  NNCF_API_END
}

const char* nncf_quantization_mode_name(nncf_quantization_mode mode) {
  switch (mode) {
    case NNCF_QUANTIZATION_MODE_INT8:
      return "int8";
    case NNCF_QUANTIZATION_MODE_FP8_E4M3:
      return "fp8_e4m3";
    case NNCF_QUANTIZATION_MODE_FP8_E5M2:
      return "fp8_e5m2";
    default:
      return "unknown";
  }
}

const char* nncf_quantization_preset_name(nncf_quantization_preset preset) {
  switch (preset) {
    case NNCF_PRESET_DEFAULT:
      return "default";
    case NNCF_PRESET_PERFORMANCE:
      return "performance";
    case NNCF_PRESET_MIXED:
      return "mixed";
    default:
      return "unknown";
  }
}

const char* nncf_target_device_name(nncf_target_device device) {
  switch (device) {
    case NNCF_TARGET_DEVICE_ANY:
      return "any";
    case NNCF_TARGET_DEVICE_CPU:
      return "cpu";
    case NNCF_TARGET_DEVICE_GPU:
      return "gpu";
    case NNCF_TARGET_DEVICE_NPU:
      return "npu";
    case NNCF_TARGET_DEVICE_CPU_SPR:
      return "cpu_spr";
    default:
      return "unknown";
  }
}

const char* nncf_model_type_name(nncf_model_type type) {
  switch (type) {
    case NNCF_MODEL_TYPE_DEFAULT:
      return "default";
    case NNCF_MODEL_TYPE_TRANSFORMER:
      return "transformer";
    default:
      return "unknown";
  }
}

const char* nncf_overflow_fix_name(nncf_overflow_fix fix) {
  switch (fix) {
    case NNCF_OVERFLOW_FIX_DEFAULT:
      return "default";
    case NNCF_OVERFLOW_FIX_ENABLE:
      return "enable";
    case NNCF_OVERFLOW_FIX_FIRST_LAYER:
      return "first_layer_only";
    case NNCF_OVERFLOW_FIX_DISABLE:
      return "disable";
    default:
      return "unknown";
  }
}
