// nncf.quantize's parameters on the C++ side: the public ones, AdvancedQuantizationParameters and
// the range estimator parameters. std::nullopt stands for NNCF's None ("the algorithm chooses").
#pragma once

#include <cstdint>
#include <optional>

#include "algorithms/common/ignored_scope.h"
#include "core/config/config.h"

namespace nncf::algorithms::quantization {

enum class QuantizationMode { kInt8, kFp8E4M3, kFp8E5M2 };
enum class Preset { kPerformance, kMixed };
enum class TargetDevice { kAny, kCpu, kGpu, kNpu, kCpuSpr };
enum class ModelType { kTransformer };
enum class OverflowFix { kEnable, kFirstLayer, kDisable };
enum class QuantizationScheme { kSymmetric, kAsymmetric };
enum class PropagationRule {
  kDoNotMergeBranches,
  kMergeIfAllBranchesSame,
  kMergeWithPotentialRequantization,
  kMergeAllInOne
};

// nncf.QuantizationParameters.
struct QuantizationParameters {
  std::optional<int> num_bits;
  std::optional<QuantizationScheme> mode;
  std::optional<bool> signedness_to_force;
  std::optional<bool> per_channel;
  std::optional<bool> narrow_range;
};

// StatisticsType / AggregatorType of nncf.quantization.range_estimator.
enum class StatisticType { kMin, kMax, kAbsMax, kQuantile, kAbsQuantile, kMean, kRaw };
enum class AggregatorType {
  kMean,
  kMax,
  kMin,
  kMedian,
  kMeanNoOutliers,
  kMedianNoOutliers,
  kHistogram
};

struct StatisticsCollectorParameters {
  std::optional<StatisticType> statistics_type;
  std::optional<AggregatorType> aggregator_type;
  std::optional<double> clipping_value;
  double quantile_outlier_prob = 1e-4;
};

struct RangeEstimatorParameters {
  StatisticsCollectorParameters min;
  StatisticsCollectorParameters max;
};

struct QuantizeParams {
  QuantizationMode mode = QuantizationMode::kInt8;
  std::optional<Preset> preset;
  TargetDevice target_device = TargetDevice::kAny;
  int64_t subset_size = 300;
  bool fast_bias_correction = true;
  std::optional<ModelType> model_type;
  IgnoredScope ignored_scope;

  // AdvancedQuantizationParameters.
  std::optional<OverflowFix> overflow_fix;
  bool quantize_outputs = false;
  bool disable_bias_correction = false;
  std::optional<bool> batchwise_statistics;
  QuantizationParameters activations;
  QuantizationParameters weights;
  PropagationRule propagation_rule = PropagationRule::kMergeAllInOne;
  RangeEstimatorParameters activations_range;
  RangeEstimatorParameters weights_range;
  std::optional<double> bias_correction_threshold;
  bool bias_correction_for_all_nodes = false;  // NNCF raises for it; so do we
  double smooth_quant_alpha_matmul = 0.95;
  double smooth_quant_alpha_convolution = -1;
  bool fold_weights = true;  // backend_params["compress_weights"]

  // libnncf's own.
  bool allow_opset_upgrade = false;
  int num_threads = 0;

  bool IsTransformer() const { return model_type == ModelType::kTransformer; }
  // preset=None resolves to MIXED for transformers, else PERFORMANCE.
  Preset ResolvedPreset() const;
  // None resolves to FIRST_LAYER, or DISABLE when a bit width set by the user is not 8.
  OverflowFix ResolvedOverflowFix() const;

  // Reads the "quantize" section of a config (keys as in docs/config.md) over these values.
  void ApplyConfig(const config::Config& config);
  // kInvalidArgument naming the first inconsistent parameter (subset_size < 1, CPU_SPR, ...).
  void Validate() const;
};

}  // namespace nncf::algorithms::quantization
