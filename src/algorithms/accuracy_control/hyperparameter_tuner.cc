#include "algorithms/accuracy_control/hyperparameter_tuner.h"

#include <utility>
#include <vector>

#include "core/common/logging.h"

namespace nncf::algorithms::accuracy_control {
namespace {

namespace q = quantization;

using ParamEdit = std::function<void(q::QuantizeParams&)>;

struct TunedParameter {
  std::string name;
  std::vector<std::pair<std::string, ParamEdit>> values;
};

q::StatisticsCollectorParameters Statistic(q::StatisticType type, q::AggregatorType aggregator,
                                           double outlier_prob = 1e-4) {
  q::StatisticsCollectorParameters p;
  p.statistics_type = type;
  p.aggregator_type = aggregator;
  p.quantile_outlier_prob = outlier_prob;
  return p;
}

std::vector<std::vector<TunedParameter>> Grid(const q::QuantizeParams& base) {
  std::vector<std::vector<TunedParameter>> steps;
  if (base.IsTransformer() && base.smooth_quant_alpha_matmul >= 0) {
    TunedParameter alpha{"smooth_quant_alphas.matmul", {}};
    for (double a : {0.15, 0.25, 0.5, 0.75, 0.95}) {
      alpha.values.emplace_back(std::to_string(a),
                                [a](q::QuantizeParams& p) { p.smooth_quant_alpha_matmul = a; });
    }
    steps.push_back({alpha});
  }
  std::vector<TunedParameter> min_max;
  min_max.push_back({"quantizer_propagation_rule",
                     {{"merge_if_all_branches_same", [](q::QuantizeParams& p) {
                         p.propagation_rule = q::PropagationRule::kMergeIfAllBranchesSame;
                       }}}});
  min_max.push_back(
      {"preset",
       {{"performance", [](q::QuantizeParams& p) { p.preset = q::Preset::kPerformance; }},
        {"mixed", [](q::QuantizeParams& p) { p.preset = q::Preset::kMixed; }}}});
  min_max.push_back({"weights_range_estimator_params",
                     {{"min_max", [](q::QuantizeParams& p) {
                         p.weights_range.min =
                             Statistic(q::StatisticType::kMin, q::AggregatorType::kMin);
                         p.weights_range.max =
                             Statistic(q::StatisticType::kMax, q::AggregatorType::kMax);
                       }}}});
  struct Bound {
    std::string name;
    q::StatisticType type;
    q::AggregatorType aggregator;
    double prob;
  };
  const std::vector<Bound> mins = {
      {"min", q::StatisticType::kMin, q::AggregatorType::kMin, 1e-4},
      {"quantile_mean_1e-3", q::StatisticType::kQuantile, q::AggregatorType::kMean, 1e-3},
      {"quantile_mean_1e-4", q::StatisticType::kQuantile, q::AggregatorType::kMean, 1e-4}};
  const std::vector<Bound> maxs = {
      {"max", q::StatisticType::kMax, q::AggregatorType::kMax, 1e-4},
      {"quantile_mean_1e-3", q::StatisticType::kQuantile, q::AggregatorType::kMean, 1e-3},
      {"quantile_mean_1e-4", q::StatisticType::kQuantile, q::AggregatorType::kMean, 1e-4}};
  TunedParameter activations{"activations_range_estimator_params", {}};
  for (const Bound& lo : mins) {
    for (const Bound& hi : maxs) {
      activations.values.emplace_back(
          "min=" + lo.name + ",max=" + hi.name, [lo, hi](q::QuantizeParams& p) {
            p.activations_range.min = Statistic(lo.type, lo.aggregator, lo.prob);
            p.activations_range.max = Statistic(hi.type, hi.aggregator, hi.prob);
          });
    }
  }
  min_max.push_back(activations);
  min_max.push_back({"fast_bias_correction",
                     {{"true", [](q::QuantizeParams& p) { p.fast_bias_correction = true; }},
                      {"false", [](q::QuantizeParams& p) { p.fast_bias_correction = false; }}}});
  steps.push_back(min_max);
  return steps;
}

}  // namespace

TunedQuantization TuneHyperparameters(const ir::Model& model, data::Dataset& calibration,
                                      TunedQuantization start, const TunerScoreFn& score,
                                      const Context& context) {
  TunedQuantization best = std::move(start);
  for (const std::vector<TunedParameter>& step : Grid(best.params)) {
    for (const TunedParameter& parameter : step) {
      // The best value so far stays "unchanged"; every listed value is tried against it.
      const q::QuantizeParams fixed = best.params;
      for (const auto& value : parameter.values) {
        q::QuantizeParams candidate_params = fixed;
        value.second(candidate_params);
        candidate_params.fold_weights = false;
        q::QuantizeReport report;
        auto candidate = std::make_shared<const ir::Model>(
            q::Quantize(model, calibration, candidate_params, context, &report));
        ++best.combinations;
        const double candidate_score = score(candidate);
        Log(LogLevel::kDebug, "accuracy_control",
            "tuner: " + parameter.name + "=" + value.first + " scores " +
                std::to_string(candidate_score));
        if (candidate_score > best.score) {
          best.model = candidate;
          best.report = std::move(report);
          best.params = candidate_params;
          best.score = candidate_score;
        }
      }
    }
  }
  return best;
}

}  // namespace nncf::algorithms::accuracy_control
