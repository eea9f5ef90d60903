// nncf_compress_weights and nncf_compress_weights_file: the C face of
// algorithms/weight_compression/compress_weights.h, plus the ignored scope struct and the names
// of the weight compression enums.
#include <cstring>
#include <memory>
#include <string>
#include <utility>

#include "algorithms/weight_compression/compress_weights.h"
#include "capi/api_impl.h"
#include "capi/common_params.h"
#include "core/common/logging.h"

namespace nncf::capi {
namespace {

using algorithms::IgnoredScope;
using algorithms::Subgraph;
namespace wc = algorithms::wc;

const char* const kParamsName = "nncf_compress_weights_params";

wc::WeightMode ModeFromC(nncf_compress_weights_mode mode) {
  switch (mode) {
    case NNCF_COMPRESS_WEIGHTS_MODE_INT8_ASYM:
      return wc::WeightMode::kInt8Asym;
    case NNCF_COMPRESS_WEIGHTS_MODE_INT8_SYM:
      return wc::WeightMode::kInt8Sym;
    case NNCF_COMPRESS_WEIGHTS_MODE_INT4_SYM:
      return wc::WeightMode::kInt4Sym;
    case NNCF_COMPRESS_WEIGHTS_MODE_INT4_ASYM:
      return wc::WeightMode::kInt4Asym;
    case NNCF_COMPRESS_WEIGHTS_MODE_NF4:
      return wc::WeightMode::kNf4;
    case NNCF_COMPRESS_WEIGHTS_MODE_E2M1:
      return wc::WeightMode::kE2M1;
    default:
      Fail(ErrorCode::kInvalidArgument, std::string(kParamsName) + ".mode is " +
                                            std::to_string(mode) +
                                            "; expected an NNCF_COMPRESS_WEIGHTS_MODE_* value");
  }
}

wc::WeightFormat FormatFromC(nncf_weight_format format) {
  switch (format) {
    case NNCF_WEIGHT_FORMAT_DQ:
      return wc::WeightFormat::kDequantizeLinear;
    case NNCF_WEIGHT_FORMAT_MATMUL_NBITS:
      return wc::WeightFormat::kMatMulNBits;
    case NNCF_WEIGHT_FORMAT_FQ:
      return wc::WeightFormat::kFakeQuantize;
    case NNCF_WEIGHT_FORMAT_FQ_LORA:
      return wc::WeightFormat::kFakeQuantizeLora;
    case NNCF_WEIGHT_FORMAT_DQ_FLOAT4:
      return wc::WeightFormat::kDequantizeLinearFloat4;
    default:
      Fail(ErrorCode::kInvalidArgument, std::string(kParamsName) + ".format is " +
                                            std::to_string(format) +
                                            "; expected an NNCF_WEIGHT_FORMAT_* value");
  }
}

// The C struct cannot tell "unset" from a value, so its defaults stand for NNCF's None: group
// size 0, metric DEFAULT and backup INT8_ASYM (NNCF's resolved default) are left unset.
wc::CompressWeightsParams ReadParams(const nncf_compress_weights_params* in, Context* context,
                                     bool* has_progress) {
  const nncf_compress_weights_params p =
      ReadVersionedStruct(in, kParamsName, &nncf_compress_weights_params_default);
  wc::CompressWeightsParams params;
  params.mode = ModeFromC(p.mode);
  params.ratio = p.ratio;
  if (wc::WeightModeBits(params.mode) == 8 && p.ratio == 1) params.ratio.reset();
  if (p.group_size != 0) params.group_size = p.group_size;
  params.all_layers = p.all_layers != 0;
  switch (p.sensitivity_metric) {
    case NNCF_SENSITIVITY_METRIC_DEFAULT:
      break;
    case NNCF_SENSITIVITY_METRIC_WEIGHT_QUANTIZATION_ERROR:
      params.sensitivity_metric = wc::SensitivityMetric::kWeightQuantizationError;
      break;
    case NNCF_SENSITIVITY_METRIC_HESSIAN_INPUT_ACTIVATION:
      params.sensitivity_metric = wc::SensitivityMetric::kHessianInputActivation;
      break;
    case NNCF_SENSITIVITY_METRIC_MEAN_ACTIVATION_VARIANCE:
      params.sensitivity_metric = wc::SensitivityMetric::kMeanActivationVariance;
      break;
    case NNCF_SENSITIVITY_METRIC_MAX_ACTIVATION_VARIANCE:
      params.sensitivity_metric = wc::SensitivityMetric::kMaxActivationVariance;
      break;
    case NNCF_SENSITIVITY_METRIC_MEAN_ACTIVATION_MAGNITUDE:
      params.sensitivity_metric = wc::SensitivityMetric::kMeanActivationMagnitude;
      break;
    default:
      Fail(ErrorCode::kInvalidArgument, std::string(kParamsName) + ".sensitivity_metric is " +
                                            std::to_string(p.sensitivity_metric) +
                                            "; expected an NNCF_SENSITIVITY_METRIC_* value");
  }
  switch (p.backup_mode) {
    case NNCF_BACKUP_MODE_INT8_ASYM:
      break;
    case NNCF_BACKUP_MODE_INT8_SYM:
      params.backup_mode = wc::BackupMode::kInt8Sym;
      break;
    case NNCF_BACKUP_MODE_NONE:
      params.backup_mode = wc::BackupMode::kNone;
      break;
    default:
      Fail(ErrorCode::kInvalidArgument, std::string(kParamsName) + ".backup_mode is " +
                                            std::to_string(p.backup_mode) +
                                            "; expected an NNCF_BACKUP_MODE_* value");
  }
  params.format = FormatFromC(p.format);
  if (p.accuracy_level < 0 || p.accuracy_level > 4) {
    Fail(ErrorCode::kInvalidArgument, std::string(kParamsName) +
                                          ".accuracy_level must be 0..4 (MatMulNBits), got " +
                                          std::to_string(p.accuracy_level));
  }
  params.format_options.accuracy_level = p.accuracy_level;
  params.allow_opset_upgrade = p.allow_opset_upgrade != 0;
  params.num_threads = p.num_threads;
  if (p.subset_size < 1) {
    Fail(ErrorCode::kInvalidArgument, std::string(kParamsName) + ".subset_size is " +
                                          std::to_string(p.subset_size) + "; expected >= 1");
  }
  params.subset_size = p.subset_size;
  params.awq = p.awq != 0;
  params.scale_estimation = p.scale_estimation != 0;
  params.gptq = p.gptq != 0;
  params.lora_correction = p.lora_correction != 0;
  if (p.ignored_scope) params.ignored_scope = ReadIgnoredScope(p.ignored_scope);
  if (p.advanced) params.ApplyConfig(p.advanced->impl);
  *has_progress = p.progress != nullptr;
  if (p.progress) *context = MakeProgressContext(p.progress, p.progress_user_data);
  return params;
}

void DefaultSaveParams(nncf_model_save_params* params, uint32_t struct_size) {
  nncf_model_save_params_default(params, struct_size);
}

onnx::SaveOptions ReadSaveOptions(const nncf_model_save_params* in, Context* fallback_context,
                                  bool have_context) {
  const nncf_model_save_params full =
      ReadVersionedStruct(in, "nncf_model_save_params", &DefaultSaveParams);
  onnx::SaveOptions options;
  switch (full.external_data) {
    case NNCF_EXTERNAL_DATA_AUTO:
      options.external_data = onnx::ExternalDataMode::kAuto;
      break;
    case NNCF_EXTERNAL_DATA_ALWAYS:
      options.external_data = onnx::ExternalDataMode::kAlways;
      break;
    case NNCF_EXTERNAL_DATA_NEVER:
      options.external_data = onnx::ExternalDataMode::kNever;
      break;
    default:
      Fail(ErrorCode::kInvalidArgument,
           "nncf_compress_weights_file: nncf_model_save_params.external_data is " +
               std::to_string(full.external_data) +
               "; expected NNCF_EXTERNAL_DATA_AUTO, _ALWAYS or _NEVER");
  }
  if (full.external_data_file) options.external_data_file = full.external_data_file;
  options.size_threshold = full.size_threshold;
  if (!have_context && full.progress) {
    *fallback_context = MakeProgressContext(full.progress, full.progress_user_data);
  }
  return options;
}

}  // namespace
}  // namespace nncf::capi

extern "C" {

void nncf_compress_weights_params_default(nncf_compress_weights_params* params,
                                          uint32_t struct_size) {
  nncf_compress_weights_params defaults;
  std::memset(&defaults, 0, sizeof defaults);
  defaults.struct_size = sizeof defaults;
  defaults.mode = NNCF_COMPRESS_WEIGHTS_MODE_INT8_ASYM;
  defaults.ratio = 1.0;
  defaults.group_size = 0;
  defaults.all_layers = 0;
  defaults.sensitivity_metric = NNCF_SENSITIVITY_METRIC_DEFAULT;
  defaults.backup_mode = NNCF_BACKUP_MODE_INT8_ASYM;
  defaults.format = NNCF_WEIGHT_FORMAT_DQ;
  defaults.accuracy_level = 4;
  defaults.allow_opset_upgrade = 1;
  defaults.num_threads = 0;
  defaults.ignored_scope = nullptr;
  defaults.advanced = nullptr;
  defaults.progress = nullptr;
  defaults.progress_user_data = nullptr;
  defaults.subset_size = 128;
  defaults.awq = 0;
  defaults.scale_estimation = 0;
  defaults.gptq = 0;
  defaults.lora_correction = 0;
  nncf::capi::FillDefaultsForCaller(defaults, params, struct_size);
}

nncf_status* nncf_compress_weights(const nncf_model* model, nncf_dataset* dataset,
                                   const nncf_compress_weights_params* params, nncf_model** out,
                                   nncf_blob** report) {
  NNCF_API_BEGIN
  NNCF_CHECK_ARG(model);
  NNCF_CHECK_ARG(out);
  nncf::Context context;
  bool has_progress = false;
  const nncf::algorithms::wc::CompressWeightsParams p =
      nncf::capi::ReadParams(params, &context, &has_progress);
  nncf::algorithms::wc::CompressWeightsReport result_report;
  nncf::ir::Model result = nncf::algorithms::wc::CompressWeights(
      *model->impl, dataset ? dataset->impl.get() : nullptr, p, context, &result_report);
  std::unique_ptr<nncf_blob> blob;
  if (report) blob.reset(nncf::capi::NewBlob(result_report.ToJson()));
  std::unique_ptr<nncf_model> handle = nncf::capi::MakeModelHandle(std::move(result));
  *out = handle.release();
  if (report) *report = blob.release();
  NNCF_API_END
}

nncf_status* nncf_compress_weights_file(const char* input_path, const char* output_path,
                                        nncf_dataset* dataset,
                                        const nncf_compress_weights_params* params,
                                        const nncf_model_save_params* save_params,
                                        nncf_blob** report) {
  NNCF_API_BEGIN
  NNCF_CHECK_ARG(input_path);
  NNCF_CHECK_ARG(output_path);
  nncf::Context context;
  bool has_progress = false;
  const nncf::algorithms::wc::CompressWeightsParams p =
      nncf::capi::ReadParams(params, &context, &has_progress);
  const nncf::onnx::SaveOptions save =
      nncf::capi::ReadSaveOptions(save_params, &context, has_progress);
  nncf::algorithms::wc::CompressWeightsReport result_report;
  nncf::algorithms::wc::CompressWeightsFile(input_path, output_path,
                                            dataset ? dataset->impl.get() : nullptr, p, save,
                                            context, &result_report);
  nncf::Log(nncf::LogLevel::kInfo, "compress_weights", std::string("wrote '") + output_path + "'");
  if (report) *report = nncf::capi::NewBlob(result_report.ToJson());
  NNCF_API_END
}

const char* nncf_compress_weights_mode_name(nncf_compress_weights_mode mode) {
  switch (mode) {
    case NNCF_COMPRESS_WEIGHTS_MODE_INT8_ASYM:
      return "int8_asym";
    case NNCF_COMPRESS_WEIGHTS_MODE_INT8_SYM:
      return "int8_sym";
    case NNCF_COMPRESS_WEIGHTS_MODE_INT4_SYM:
      return "int4_sym";
    case NNCF_COMPRESS_WEIGHTS_MODE_INT4_ASYM:
      return "int4_asym";
    case NNCF_COMPRESS_WEIGHTS_MODE_NF4:
      return "nf4";
    case NNCF_COMPRESS_WEIGHTS_MODE_E2M1:
      return "e2m1";
    default:
      return "unknown";
  }
}

const char* nncf_backup_mode_name(nncf_backup_mode mode) {
  switch (mode) {
    case NNCF_BACKUP_MODE_INT8_ASYM:
      return "int8_asym";
    case NNCF_BACKUP_MODE_INT8_SYM:
      return "int8_sym";
    case NNCF_BACKUP_MODE_NONE:
      return "none";
    default:
      return "unknown";
  }
}

const char* nncf_sensitivity_metric_name(nncf_sensitivity_metric metric) {
  switch (metric) {
    case NNCF_SENSITIVITY_METRIC_DEFAULT:
      return "default";
    case NNCF_SENSITIVITY_METRIC_WEIGHT_QUANTIZATION_ERROR:
      return "weight_quantization_error";
    case NNCF_SENSITIVITY_METRIC_HESSIAN_INPUT_ACTIVATION:
      return "hessian_input_activation";
    case NNCF_SENSITIVITY_METRIC_MEAN_ACTIVATION_VARIANCE:
      return "mean_activation_variance";
    case NNCF_SENSITIVITY_METRIC_MAX_ACTIVATION_VARIANCE:
      return "max_activation_variance";
    case NNCF_SENSITIVITY_METRIC_MEAN_ACTIVATION_MAGNITUDE:
      return "mean_activation_magnitude";
    default:
      return "unknown";
  }
}

const char* nncf_weight_format_name(nncf_weight_format format) {
  switch (format) {
    case NNCF_WEIGHT_FORMAT_DQ:
      return "dq";
    case NNCF_WEIGHT_FORMAT_MATMUL_NBITS:
      return "matmul_nbits";
    case NNCF_WEIGHT_FORMAT_FQ:
      return "fq";
    case NNCF_WEIGHT_FORMAT_FQ_LORA:
      return "fq_lora";
    case NNCF_WEIGHT_FORMAT_DQ_FLOAT4:
      return "dq_float4";
    default:
      return "unknown";
  }
}

}  // extern "C"
