#include "algorithms/weight_compression/activation_statistics.h"

#include <algorithm>
#include <cmath>
#include <memory>

#include "algorithms/quantization/statistics.h"
#include "algorithms/weight_compression/compress_weights.h"
#include "core/common/error.h"

namespace nncf::algorithms::wc {
namespace {

// Running sums over items, filled by the collector's visitor.
struct Accumulator {
  std::string value;
  int64_t items = 0;
  double max_variance = 0, mean_variance = 0, mean_magnitude = 0, hawq = 0;

  void Visit(const ir::Tensor& tensor) {
    const int64_t rank = static_cast<int64_t>(tensor.dims.size());
    if (rank < 2) {
      Fail(ErrorCode::kInvalidArgument,
           "compress_weights: data-aware mixed precision needs activations of rank >= 2; '" +
               value + "' has rank " + std::to_string(rank));
    }
    if (tensor.NumElements() == 0) return;
    const std::vector<float> x = tensor.ToFloats();
    const int64_t channels = tensor.dims[static_cast<size_t>(rank - 1)];
    const int64_t sequence = tensor.dims[static_cast<size_t>(rank - 2)];
    const int64_t outer = tensor.NumElements() / (channels * sequence);
    double variance_max = 0, variance_sum = 0, magnitude_sum = 0, squares = 0;
    for (int64_t o = 0; o < outer; ++o) {
      const float* block = x.data() + o * sequence * channels;
      for (int64_t c = 0; c < channels; ++c) {
        double mean = 0, peak = 0;
        for (int64_t s = 0; s < sequence; ++s) {
          const double v = block[s * channels + c];
          mean += v;
          peak = std::max(peak, std::fabs(v));
          squares += v * v;
        }
        mean /= double(sequence);
        double variance = 0;
        for (int64_t s = 0; s < sequence; ++s) {
          const double d = block[s * channels + c] - mean;
          variance += d * d;
        }
        variance /= double(sequence);  // population variance, as numpy's default
        variance_max = std::max(variance_max, variance);
        variance_sum += variance;
        magnitude_sum += peak;
      }
    }
    const double positions = double(outer * channels);
    max_variance += variance_max;
    mean_variance += variance_sum / positions;
    mean_magnitude += magnitude_sum / positions;
    // NNCF's HAWQAggregator as written (its code carries a TODO doubting the formula).
    hawq = (hawq + squares) / double(tensor.NumElements());
    ++items;
  }
};

}  // namespace

std::string ActivationOf(const ir::Graph& graph, const WeightCandidate& weight) {
  if (weight.kind == LayerKind::kEmbedding) return "";
  const ir::Node& node = graph.nodes.at(weight.node_index);
  if (weight.kind == LayerKind::kConvolution) return node.inputs.empty() ? "" : node.inputs[0];
  const int data_input = weight.site.input_index == 0 ? 1 : 0;
  return static_cast<size_t>(data_input) < node.inputs.size() ? node.inputs[data_input] : "";
}

std::map<std::string, ActivationStatistics> CollectActivationStatistics(
    const ir::Model& model, data::Dataset& dataset, const std::vector<std::string>& activations,
    int64_t subset_size, int num_threads, const Context& context, const std::string& stage) {
  quantization::StatisticsCollector collector;
  std::vector<std::unique_ptr<Accumulator>> accumulators;
  for (const std::string& value : activations) {
    auto accumulator = std::make_unique<Accumulator>();
    accumulator->value = value;
    quantization::StatisticRequest request;
    request.tensor = value;
    request.reduction = quantization::Reduction::kVisit;
    Accumulator* target = accumulator.get();
    request.visit = [target](const ir::Tensor& tensor) { target->Visit(tensor); };
    collector.Add(request);
    accumulators.push_back(std::move(accumulator));
  }
  collector.Collect(model, dataset, subset_size, num_threads, context, stage);
  std::map<std::string, ActivationStatistics> result;
  for (const auto& accumulator : accumulators) {
    ActivationStatistics stats;
    stats.items = accumulator->items;
    if (stats.items > 0) {
      const double n = double(stats.items);
      stats.max_variance = accumulator->max_variance / n;
      stats.mean_variance = accumulator->mean_variance / n;
      stats.mean_magnitude = accumulator->mean_magnitude / n;
      stats.hawq = accumulator->hawq * 2.0 / n;
    }
    result[accumulator->value] = stats;
  }
  return result;
}

double ActivationSensitivity(const ActivationStatistics& statistics, SensitivityMetric metric) {
  switch (metric) {
    case SensitivityMetric::kHessianInputActivation:
      return statistics.hawq;
    case SensitivityMetric::kMeanActivationVariance:
      return statistics.mean_variance;
    case SensitivityMetric::kMaxActivationVariance:
      return statistics.max_variance;
    case SensitivityMetric::kMeanActivationMagnitude:
      return statistics.mean_magnitude;
    case SensitivityMetric::kWeightQuantizationError:
      break;
  }
  return 1.0;
}

}  // namespace nncf::algorithms::wc
