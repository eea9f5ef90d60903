// MinMaxQuantization's statistic collectors and parameter computation
// (min_max/algorithm.py: _get_range_estimator_parameters, _get_stat_collector,
// _get_statistic_collector, apply, _unify_statistics).
#include "algorithms/quantization/min_max.h"

#include <algorithm>
#include <string>

#include "core/common/error.h"

namespace nncf::algorithms::quantization {
namespace {

StatisticsCollectorParameters Params(StatisticType statistic, AggregatorType aggregator) {
  StatisticsCollectorParameters params;
  params.statistics_type = statistic;
  params.aggregator_type = aggregator;
  return params;
}

bool IsHistogramSet(const RangeEstimatorParameters& params) {
  for (const StatisticsCollectorParameters* side : {&params.min, &params.max}) {
    if (side->statistics_type != StatisticType::kRaw ||
        side->aggregator_type != AggregatorType::kHistogram || side->clipping_value ||
        side->quantile_outlier_prob != 1e-4) {
      return false;
    }
  }
  return true;
}

bool UsesHistogram(const RangeEstimatorParameters& params) {
  return params.min.aggregator_type == AggregatorType::kHistogram ||
         params.max.aggregator_type == AggregatorType::kHistogram;
}

// The user's fields replace the default's where set (dataclasses.replace with changes_asdict:
// quantile_outlier_prob is never None, so the user's value always wins).
StatisticsCollectorParameters Override(StatisticsCollectorParameters base,
                                       const StatisticsCollectorParameters& user) {
  if (user.statistics_type) base.statistics_type = user.statistics_type;
  if (user.aggregator_type) base.aggregator_type = user.aggregator_type;
  if (user.clipping_value) base.clipping_value = user.clipping_value;
  base.quantile_outlier_prob = user.quantile_outlier_prob;
  return base;
}

std::string QuantizerLabel(const QuantizerSpec& spec) {
  return std::string(spec.is_weight ? "weight" : "activation") + " quantizer " +
         std::to_string(spec.id) + " on '" + spec.point.tensor + "'";
}

// _get_range_estimator_parameters. Returns true (and leaves `range` unused) for the histogram.
bool RangeEstimator(const QuantizerSpec& spec, const QuantizeParams& params,
                    RangeEstimatorParameters& range) {
  const bool global = spec.is_weight || spec.config.per_channel;
  RangeEstimatorParameters defaults;
  defaults.min = Params(StatisticType::kMin, global ? AggregatorType::kMin : AggregatorType::kMean);
  defaults.max = Params(StatisticType::kMax, global ? AggregatorType::kMax : AggregatorType::kMean);
  RangeEstimatorParameters user = spec.is_weight ? params.weights_range : params.activations_range;
  if (UsesHistogram(user)) {
    if (!IsHistogramSet(user)) {
      Fail(ErrorCode::kUnsupported,
           "range estimator: the histogram aggregator works only as the complete HISTOGRAM set "
           "(statistics 'raw' and aggregator 'histogram' for both min and max, no clipping)");
    }
    // HistogramAggregator is per-tensor only: per-channel quantizers fall back to MINMAX.
    if (!spec.config.per_channel) return true;
    user = RangeEstimatorParameters();
    user.min = Params(StatisticType::kMin, AggregatorType::kMin);
    user.max = Params(StatisticType::kMax, AggregatorType::kMax);
  }
  range.min = Override(defaults.min, user.min);
  range.max = Override(defaults.max, user.max);
  return false;
}

Aggregation ToAggregation(AggregatorType type) {
  switch (type) {
    case AggregatorType::kMean:
      return Aggregation::kMean;
    case AggregatorType::kMax:
      return Aggregation::kMax;
    case AggregatorType::kMin:
      return Aggregation::kMin;
    case AggregatorType::kMedian:
      return Aggregation::kMedian;
    case AggregatorType::kMeanNoOutliers:
      return Aggregation::kMeanNoOutliers;
    case AggregatorType::kMedianNoOutliers:
      return Aggregation::kMedianNoOutliers;
    case AggregatorType::kHistogram:
      break;
  }
  Fail(ErrorCode::kUnsupported,
       "the histogram aggregator works only as the complete HISTOGRAM set");
}

// One branch of _get_statistic_collector.
StatisticRequest BranchRequest(const QuantizerSpec& spec, const StatisticsCollectorParameters& p,
                               bool is_min, bool batchwise) {
  StatisticRequest request;
  request.tensor = spec.point.tensor;
  switch (*p.statistics_type) {
    case StatisticType::kMin:
      request.reduction = Reduction::kMin;
      break;
    case StatisticType::kMax:
      // Symmetric quantizers collect the absolute max (RangeInitCollectorParams.use_abs_max).
      request.reduction =
          spec.config.mode == QuantizationScheme::kSymmetric ? Reduction::kAbsMax : Reduction::kMax;
      break;
    case StatisticType::kAbsMax:
      request.reduction = Reduction::kAbsMax;
      break;
    case StatisticType::kMean:
      request.reduction = Reduction::kMean;
      break;
    case StatisticType::kQuantile:
    case StatisticType::kAbsQuantile:
      request.reduction = *p.statistics_type == StatisticType::kQuantile ? Reduction::kQuantile
                                                                         : Reduction::kAbsQuantile;
      request.quantile = is_min ? p.quantile_outlier_prob : 1 - p.quantile_outlier_prob;
      break;
    case StatisticType::kRaw:
      Fail(ErrorCode::kUnsupported,
           QuantizerLabel(spec) +
               ": statistics type 'raw' is only valid in the HISTOGRAM range estimator set");
  }
  request.aggregation = ToAggregation(*p.aggregator_type);
  request.outlier_prob = p.quantile_outlier_prob;
  request.clipping_value = p.clipping_value;
  if (spec.config.per_channel) request.keep_axes = {spec.is_weight ? spec.axis : 1};
  // Weight statistics are constant: one item (NNCF's num_samples=1), never batchwise.
  request.batchwise = batchwise && !spec.is_weight;
  request.max_items = spec.is_weight ? 1 : -1;
  return request;
}

bool SameConfig(const QuantizerConfig& a, const QuantizerConfig& b) {
  return a.num_bits == b.num_bits && a.mode == b.mode &&
         a.signedness_to_force == b.signedness_to_force && a.per_channel == b.per_channel &&
         a.narrow_range == b.narrow_range;
}

std::vector<float> Values(const StatisticResult& result) {
  const int64_t count = result.value.NumElements();
  if (result.value.dtype != ir::DType::kFloat || count == 0) return {};
  const float* data = result.value.DataAs<float>();
  return std::vector<float>(data, data + count);
}

}  // namespace

MinMaxCalibration::MinMaxCalibration(const QuantizationSetup& setup, const NncfGraph& graph,
                                     const QuantizeParams& params, bool batchwise)
    : setup_(setup), graph_(graph), params_(params), batchwise_(batchwise) {}

void MinMaxCalibration::Register(StatisticsCollector& collector) {
  min_ids_.clear();
  max_ids_.clear();
  for (const QuantizerSpec& spec : setup_.quantizers) {
    RangeEstimatorParameters range;
    if (RangeEstimator(spec, params_, range)) {
      StatisticRequest request;
      request.tensor = spec.point.tensor;
      request.reduction = Reduction::kRaw;
      request.aggregation = Aggregation::kHistogram;
      request.max_items = spec.is_weight ? 1 : -1;
      const int id = collector.Add(request);
      min_ids_.push_back(id);
      max_ids_.push_back(id);
      continue;
    }
    min_ids_.push_back(collector.Add(BranchRequest(spec, range.min, true, batchwise_)));
    max_ids_.push_back(collector.Add(BranchRequest(spec, range.max, false, batchwise_)));
  }
}

std::vector<QuantizerParameters> MinMaxCalibration::Compute(
    const StatisticsCollector& collector, std::vector<MinMaxValues>* observed) const {
  const size_t count = setup_.quantizers.size();
  if (min_ids_.size() != count) {
    Fail(ErrorCode::kInternal, "MinMaxCalibration::Compute called before Register");
  }
  std::vector<MinMaxValues> stats(count);
  for (size_t i = 0; i < count; ++i) {
    const QuantizerSpec& spec = setup_.quantizers[i];
    if (min_ids_[i] == max_ids_[i]) {  // histogram: {min, max}
      const std::vector<float> range = Values(collector.Get(min_ids_[i]));
      if (range.size() == 2) {
        stats[i].min = {range[0]};
        stats[i].max = {range[1]};
      }
    } else {
      stats[i].min = Values(collector.Get(min_ids_[i]));
      stats[i].max = Values(collector.Get(max_ids_[i]));
    }
    if (stats[i].min.empty() || stats[i].max.empty()) {
      Fail(ErrorCode::kInternal, "statistics were not collected for the " + QuantizerLabel(spec) +
                                     " (no item produced a non-empty value)");
    }
  }
  if (observed != nullptr) *observed = stats;

  const bool fp8 = params_.mode != QuantizationMode::kInt8;
  std::vector<QuantizerParameters> result(count);
  std::vector<bool> done(count, false);
  // Unified groups share the min of the mins and the max of the maxes; NNCF computes their
  // parameters as activations, without the overflow fix.
  for (const std::vector<int>& group : setup_.unified_groups) {
    if (group.empty()) continue;
    for (int id : group) {
      if (id < 0 || static_cast<size_t>(id) >= count) {
        Fail(ErrorCode::kInternal, "unified group names unknown quantizer " + std::to_string(id));
      }
    }
    const QuantizerSpec& first = setup_.quantizers[static_cast<size_t>(group[0])];
    MinMaxValues unified = stats[static_cast<size_t>(group[0])];
    for (size_t k = 1; k < group.size(); ++k) {
      const QuantizerSpec& member = setup_.quantizers[static_cast<size_t>(group[k])];
      const MinMaxValues& values = stats[static_cast<size_t>(group[k])];
      if (!SameConfig(member.config, first.config)) {
        Fail(ErrorCode::kInternal,
             "the quantizers of a unified scale group have different "
             "configs (" +
                 QuantizerLabel(first) + ", " + QuantizerLabel(member) + ")");
      }
      if (values.min.size() != unified.min.size() || values.max.size() != unified.max.size()) {
        Fail(ErrorCode::kInternal,
             "the quantizers of a unified scale group have statistics of "
             "different sizes (" +
                 QuantizerLabel(first) + ", " + QuantizerLabel(member) + ")");
      }
      for (size_t c = 0; c < values.min.size(); ++c) {
        unified.min[c] = std::min(unified.min[c], values.min[c]);
      }
      for (size_t c = 0; c < values.max.size(); ++c) {
        unified.max[c] = std::max(unified.max[c], values.max[c]);
      }
    }
    const QuantizerParameters shared =
        fp8 ? CalculateFp8Parameters(unified, params_.mode, first.config.per_channel)
            : CalculateQuantizerParameters(unified, first.config, /*is_weight=*/false,
                                           /*half_range=*/false);
    for (int id : group) {
      result[static_cast<size_t>(id)] = shared;
      done[static_cast<size_t>(id)] = true;
    }
  }
  for (size_t i = 0; i < count; ++i) {
    if (done[i]) continue;
    const QuantizerSpec& spec = setup_.quantizers[i];
    result[i] =
        fp8 ? CalculateFp8Parameters(stats[i], params_.mode, spec.config.per_channel)
            : CalculateQuantizerParameters(stats[i], spec.config, spec.is_weight, spec.half_range);
  }
  return result;
}

}  // namespace nncf::algorithms::quantization
