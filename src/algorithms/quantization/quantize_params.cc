#include "algorithms/quantization/quantize_params.h"

#include <map>
#include <string>

#include "algorithms/common/ignored_scope_config.h"
#include "core/common/error.h"

namespace nncf::algorithms::quantization {
namespace {

const std::string kSection = "quantize.";

bool SetAndNotNull(const config::Config& config, const std::string& key) {
  return config.Has(key) && !config.IsNull(key);
}

// The schema already restricts values to its enum; the map turns them into ours.
template <typename T>
T FromName(const config::Config& config, const std::string& key,
           const std::map<std::string, T>& names) {
  const std::string name = config.GetString(key);
  const auto it = names.find(name);
  if (it == names.end()) {
    Fail(ErrorCode::kInvalidConfig, "config " + key + ": unexpected value \"" + name + "\"");
  }
  return it->second;
}

void ReadQuantizationParameters(const config::Config& config, const std::string& prefix,
                                QuantizationParameters* out) {
  if (!SetAndNotNull(config, prefix)) return;
  if (SetAndNotNull(config, prefix + ".num_bits")) {
    out->num_bits = static_cast<int>(config.GetInt(prefix + ".num_bits"));
  }
  if (SetAndNotNull(config, prefix + ".mode")) {
    out->mode = FromName<QuantizationScheme>(config, prefix + ".mode",
                                             {{"symmetric", QuantizationScheme::kSymmetric},
                                              {"asymmetric", QuantizationScheme::kAsymmetric}});
  }
  if (SetAndNotNull(config, prefix + ".signedness_to_force")) {
    out->signedness_to_force = config.GetBool(prefix + ".signedness_to_force");
  }
  if (SetAndNotNull(config, prefix + ".per_channel")) {
    out->per_channel = config.GetBool(prefix + ".per_channel");
  }
  if (SetAndNotNull(config, prefix + ".narrow_range")) {
    out->narrow_range = config.GetBool(prefix + ".narrow_range");
  }
}

void ReadCollectorParameters(const config::Config& config, const std::string& prefix,
                             StatisticsCollectorParameters* out) {
  if (!config.Has(prefix)) return;
  if (SetAndNotNull(config, prefix + ".statistics_type")) {
    out->statistics_type = FromName<StatisticType>(config, prefix + ".statistics_type",
                                                   {{"max", StatisticType::kMax},
                                                    {"min", StatisticType::kMin},
                                                    {"abs_max", StatisticType::kAbsMax},
                                                    {"quantile", StatisticType::kQuantile},
                                                    {"abs_quantile", StatisticType::kAbsQuantile},
                                                    {"mean", StatisticType::kMean},
                                                    {"raw", StatisticType::kRaw}});
  }
  if (SetAndNotNull(config, prefix + ".aggregator_type")) {
    out->aggregator_type =
        FromName<AggregatorType>(config, prefix + ".aggregator_type",
                                 {{"mean", AggregatorType::kMean},
                                  {"max", AggregatorType::kMax},
                                  {"min", AggregatorType::kMin},
                                  {"median", AggregatorType::kMedian},
                                  {"mean_no_outliers", AggregatorType::kMeanNoOutliers},
                                  {"median_no_outliers", AggregatorType::kMedianNoOutliers},
                                  {"histogram", AggregatorType::kHistogram}});
  }
  if (SetAndNotNull(config, prefix + ".clipping_value")) {
    out->clipping_value = config.GetNumber(prefix + ".clipping_value");
  }
  if (config.Has(prefix + ".quantile_outlier_prob")) {
    out->quantile_outlier_prob = config.GetNumber(prefix + ".quantile_outlier_prob");
  }
}

void ReadRangeEstimator(const config::Config& config, const std::string& prefix,
                        RangeEstimatorParameters* out) {
  ReadCollectorParameters(config, prefix + ".min", &out->min);
  ReadCollectorParameters(config, prefix + ".max", &out->max);
}

bool BitWidthIsNot8(const QuantizationParameters& params) {
  return params.num_bits.has_value() && *params.num_bits != 8;
}

}  // namespace

Preset QuantizeParams::ResolvedPreset() const {
  if (preset) return *preset;
  return IsTransformer() ? Preset::kMixed : Preset::kPerformance;
}

OverflowFix QuantizeParams::ResolvedOverflowFix() const {
  if (overflow_fix) return *overflow_fix;
  if (BitWidthIsNot8(activations) || BitWidthIsNot8(weights)) return OverflowFix::kDisable;
  // NNCF fails later on asymmetric weights with its default; the fix only exists for symmetric
  // weights, so the default leaves asymmetric ones alone.
  if (weights.mode == QuantizationScheme::kAsymmetric) return OverflowFix::kDisable;
  // The float8 formats have no integer overflow to avoid.
  if (mode != QuantizationMode::kInt8) return OverflowFix::kDisable;
  return OverflowFix::kFirstLayer;
}

void QuantizeParams::ApplyConfig(const config::Config& config) {
  const std::string& s = kSection;
  if (SetAndNotNull(config, s + "mode")) {
    mode = FromName<QuantizationMode>(
        config, s + "mode",
        {{"fp8_e4m3", QuantizationMode::kFp8E4M3}, {"fp8_e5m2", QuantizationMode::kFp8E5M2}});
  }
  if (SetAndNotNull(config, s + "preset")) {
    preset = FromName<Preset>(config, s + "preset",
                              {{"performance", Preset::kPerformance}, {"mixed", Preset::kMixed}});
  }
  if (config.Has(s + "target_device")) {
    target_device = FromName<TargetDevice>(config, s + "target_device",
                                           {{"any", TargetDevice::kAny},
                                            {"cpu", TargetDevice::kCpu},
                                            {"gpu", TargetDevice::kGpu},
                                            {"npu", TargetDevice::kNpu},
                                            {"cpu_spr", TargetDevice::kCpuSpr}});
  }
  if (config.Has(s + "subset_size")) subset_size = config.GetInt(s + "subset_size");
  if (config.Has(s + "fast_bias_correction")) {
    fast_bias_correction = config.GetBool(s + "fast_bias_correction");
  }
  if (SetAndNotNull(config, s + "model_type")) model_type = ModelType::kTransformer;
  AddIgnoredScopeFromConfig(config, "quantize", &ignored_scope);

  const std::string a = s + "advanced.";
  if (SetAndNotNull(config, a + "overflow_fix")) {
    overflow_fix = FromName<OverflowFix>(config, a + "overflow_fix",
                                         {{"enable", OverflowFix::kEnable},
                                          {"first_layer_only", OverflowFix::kFirstLayer},
                                          {"disable", OverflowFix::kDisable}});
  }
  if (config.Has(a + "quantize_outputs")) quantize_outputs = config.GetBool(a + "quantize_outputs");
  if (config.Has(a + "disable_bias_correction")) {
    disable_bias_correction = config.GetBool(a + "disable_bias_correction");
  }
  if (SetAndNotNull(config, a + "batchwise_statistics")) {
    batchwise_statistics = config.GetBool(a + "batchwise_statistics");
  }
  ReadQuantizationParameters(config, a + "activations_quantization_params", &activations);
  ReadQuantizationParameters(config, a + "weights_quantization_params", &weights);
  for (const char* which : {"activations_quantization_params", "weights_quantization_params"}) {
    const std::string key = a + which + ".destination_type";
    if (SetAndNotNull(config, key)) {
      const std::string type = config.GetString(key);
      const QuantizationMode wanted =
          type == "f8e4m3" ? QuantizationMode::kFp8E4M3 : QuantizationMode::kFp8E5M2;
      if (mode != wanted) {
        Fail(ErrorCode::kInvalidConfig, "config " + key + ": destination type \"" + type +
                                            "\" needs quantize.mode \"" +
                                            (type == "f8e4m3" ? "fp8_e4m3" : "fp8_e5m2") + "\"");
      }
    }
  }
  if (config.Has(a + "quantizer_propagation_rule")) {
    propagation_rule = FromName<PropagationRule>(
        config, a + "quantizer_propagation_rule",
        {{"do_not_merge_branches", PropagationRule::kDoNotMergeBranches},
         {"merge_if_all_branches_same", PropagationRule::kMergeIfAllBranchesSame},
         {"merge_with_potential_requantization",
          PropagationRule::kMergeWithPotentialRequantization},
         {"merge_all_in_one", PropagationRule::kMergeAllInOne}});
  }
  ReadRangeEstimator(config, a + "activations_range_estimator_params", &activations_range);
  ReadRangeEstimator(config, a + "weights_range_estimator_params", &weights_range);
  if (config.Has(a + "bias_correction_params.apply_for_all_nodes")) {
    bias_correction_for_all_nodes =
        config.GetBool(a + "bias_correction_params.apply_for_all_nodes");
  }
  if (SetAndNotNull(config, a + "bias_correction_params.threshold")) {
    bias_correction_threshold = config.GetNumber(a + "bias_correction_params.threshold");
  }
  if (config.Has(a + "smooth_quant_alphas.matmul")) {
    smooth_quant_alpha_matmul = config.GetNumber(a + "smooth_quant_alphas.matmul");
  }
  if (config.Has(a + "smooth_quant_alphas.convolution")) {
    smooth_quant_alpha_convolution = config.GetNumber(a + "smooth_quant_alphas.convolution");
  }
  // The deprecated single alpha: negative turns SmoothQuant off, otherwise it is the MatMul alpha.
  if (SetAndNotNull(config, a + "smooth_quant_alpha")) {
    const double alpha = config.GetNumber(a + "smooth_quant_alpha");
    if (alpha < 0) {
      smooth_quant_alpha_matmul = -1;
      smooth_quant_alpha_convolution = -1;
    } else {
      smooth_quant_alpha_matmul = alpha;
    }
  }
  if (config.Has(a + "backend_params.compress_weights")) {
    fold_weights = config.GetBool(a + "backend_params.compress_weights");
  }
}

void QuantizeParams::Validate() const {
  if (subset_size < 1) {
    Fail(ErrorCode::kInvalidArgument,
         "subset_size must be at least 1, got " + std::to_string(subset_size));
  }
  if (target_device == TargetDevice::kCpuSpr) {
    Fail(ErrorCode::kUnsupported,
         "target_device CPU_SPR is not supported for ONNX models (as in NNCF); use ANY or CPU");
  }
  if (bias_correction_for_all_nodes) {
    Fail(ErrorCode::kUnsupported,
         "bias_correction_params.apply_for_all_nodes: only nodes with a bias can be corrected "
         "(NNCF rejects it too)");
  }
  const auto check_bits = [this](const std::string& which, const QuantizationParameters& p) {
    if (p.num_bits && *p.num_bits != 4 && *p.num_bits != 8 && *p.num_bits != 16) {
      Fail(ErrorCode::kUnsupported,
           which + " num_bits " + std::to_string(*p.num_bits) +
               ": ONNX QuantizeLinear has 4-, 8- and 16-bit integer types");
    }
    if (mode != QuantizationMode::kInt8 && p.num_bits && *p.num_bits != 8) {
      Fail(ErrorCode::kInvalidArgument,
           which + " num_bits must be 8 (or unset) in the float8 modes");
    }
  };
  check_bits("activations", activations);
  check_bits("weights", weights);
  if (overflow_fix && *overflow_fix != OverflowFix::kDisable &&
      weights.mode == QuantizationScheme::kAsymmetric) {
    Fail(ErrorCode::kInvalidArgument,
         "overflow_fix applies to symmetric weights only; with asymmetric weights set it to "
         "DISABLE");
  }
  if (smooth_quant_alpha_matmul > 1 || smooth_quant_alpha_convolution > 1) {
    Fail(ErrorCode::kInvalidArgument, "smooth_quant_alphas must be at most 1 (negative disables)");
  }
  if (bias_correction_threshold && !(*bias_correction_threshold > 0)) {
    Fail(ErrorCode::kInvalidArgument, "bias_correction_params.threshold must be positive");
  }
}

}  // namespace nncf::algorithms::quantization
