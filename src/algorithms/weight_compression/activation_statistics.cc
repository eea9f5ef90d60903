#include "algorithms/weight_compression/activation_statistics.h"

#include <Eigen/Core>
#include <algorithm>
#include <cmath>
#include <memory>
#include <numeric>

#include "algorithms/quantization/statistics.h"
#include "algorithms/weight_compression/compress_weights.h"
#include "core/common/error.h"
#include "core/common/parallel_for.h"

namespace nncf::algorithms::wc {
namespace {

// Running sums over items, filled by the collector's visitor.
struct Accumulator {
  std::string value;
  bool keep_means = false;
  bool keep_hessian = false;
  int64_t hessian_limit = 0;
  int64_t hessian_items = 0;
  int64_t items = 0;
  double max_variance = 0, mean_variance = 0, mean_magnitude = 0, hawq = 0;
  int64_t hidden = -1;
  std::vector<std::vector<float>> means;
  std::vector<int64_t> tokens;
  Eigen::MatrixXd hessian;  // lower triangle
  int num_threads = 1;

  // hessian += x^T x for one item's rows: float products per tile of the lower triangle (the sum
  // over one item's tokens), added in double; tiles spread over the threads, each written by one.
  void AccumulateGram(const float* data, int64_t rows, int64_t channels) {
    if (hessian.size() == 0) hessian = Eigen::MatrixXd::Zero(channels, channels);
    using RowMajor = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
    const Eigen::Map<const RowMajor> x(data, rows, channels);
    constexpr int64_t kTile = 256;
    const int64_t blocks = (channels + kTile - 1) / kTile;
    std::vector<std::pair<int64_t, int64_t>> tiles;
    for (int64_t i = 0; i < blocks; ++i) {
      for (int64_t j = 0; j <= i; ++j) tiles.push_back({i, j});
    }
    ParallelFor(num_threads, static_cast<int64_t>(tiles.size()), rows * kTile * kTile,
                [&](int64_t begin, int64_t end) {
                  Eigen::MatrixXf product;
                  for (int64_t t = begin; t < end; ++t) {
                    const int64_t i0 = tiles[t].first * kTile, j0 = tiles[t].second * kTile;
                    const int64_t ni = std::min(kTile, channels - i0);
                    const int64_t nj = std::min(kTile, channels - j0);
                    product.noalias() = x.middleCols(i0, ni).transpose() * x.middleCols(j0, nj);
                    hessian.block(i0, j0, ni, nj) += product.cast<double>();
                  }
                });
  }

  void Visit(const ir::Tensor& tensor) {
    const int64_t rank = static_cast<int64_t>(tensor.dims.size());
    if (rank < 2) {
      Fail(ErrorCode::kInvalidArgument,
           "compress_weights: data-aware compression needs activations of rank >= 2; '" + value +
               "' has rank " + std::to_string(rank));
    }
    if (tensor.NumElements() == 0) return;
    const std::vector<float> x = tensor.ToFloats();
    const int64_t channels = tensor.dims[static_cast<size_t>(rank - 1)];
    if (hidden >= 0 && channels != hidden) {
      Fail(ErrorCode::kInvalidArgument, "compress_weights: activation '" + value + "' has " +
                                            std::to_string(channels) + " channels in item " +
                                            std::to_string(items) + " but " +
                                            std::to_string(hidden) + " before");
    }
    hidden = channels;
    const int64_t rows = tensor.NumElements() / channels;
    if (keep_means) {
      std::vector<double> sums(static_cast<size_t>(channels), 0.0);
      for (int64_t r = 0; r < rows; ++r) {
        const float* row = x.data() + r * channels;
        for (int64_t c = 0; c < channels; ++c) sums[c] += row[c];
      }
      std::vector<float> mean(static_cast<size_t>(channels));
      for (int64_t c = 0; c < channels; ++c) mean[c] = static_cast<float>(sums[c] / double(rows));
      means.push_back(std::move(mean));
      tokens.push_back(rows);
    }
    if (keep_hessian && hessian_items < hessian_limit) {
      ++hessian_items;
      AccumulateGram(x.data(), rows, channels);
    }
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

void ActivationStatistics::DivideChannels(const std::vector<float>& scale) {
  for (std::vector<float>& mean : means) {
    for (size_t c = 0; c < mean.size() && c < scale.size(); ++c) mean[c] /= scale[c];
  }
  const size_t h = static_cast<size_t>(hidden);
  if (hessian.size() == h * h && scale.size() == h) {
    for (size_t i = 0; i < h; ++i) {
      for (size_t j = 0; j < h; ++j) {
        hessian[i * h + j] /= static_cast<double>(scale[i]) * static_cast<double>(scale[j]);
      }
    }
  }
}

SampledActivations SampleActivations(const ActivationStatistics& stats, int64_t subset_size) {
  SampledActivations sampled;
  const int64_t n = static_cast<int64_t>(stats.means.size());
  if (n == 0 || stats.hidden <= 0) {
    Fail(ErrorCode::kInvalidArgument,
         "compress_weights: no activation samples were collected for the layer");
  }
  const int64_t h = stats.hidden;
  sampled.hidden = h;
  sampled.s.assign(static_cast<size_t>(h), 0.0f);
  for (const std::vector<float>& mean : stats.means) {
    for (int64_t c = 0; c < h; ++c) sampled.s[c] = std::max(sampled.s[c], std::fabs(mean[c]));
  }
  std::vector<int64_t> chosen(static_cast<size_t>(n));
  std::iota(chosen.begin(), chosen.end(), 0);
  if (subset_size > 0 && n > subset_size) {
    std::vector<int64_t> order = chosen;
    std::stable_sort(order.begin(), order.end(),
                     [&stats](int64_t a, int64_t b) { return stats.tokens[a] > stats.tokens[b]; });
    const int64_t step = n / subset_size;
    chosen.clear();
    for (int64_t k = 0; k < n; k += step) chosen.push_back(order[k]);
  }
  const int64_t m = static_cast<int64_t>(chosen.size());
  sampled.samples = m;
  sampled.x.resize(static_cast<size_t>(h * m));
  for (int64_t k = 0; k < m; ++k) {
    const std::vector<float>& mean = stats.means[chosen[k]];
    for (int64_t c = 0; c < h; ++c) sampled.x[c * m + k] = mean[c];
  }
  return sampled;
}

std::map<std::string, ActivationStatistics> CollectActivationStatistics(
    const ir::Model& model, data::Dataset& dataset, const std::vector<std::string>& activations,
    int64_t subset_size, int num_threads, const Context& context, const std::string& stage) {
  ActivationStatisticsOptions options;
  options.subset_size = subset_size;
  options.num_threads = num_threads;
  return CollectActivationStatistics(model, dataset, activations, options, context, stage);
}

std::map<std::string, ActivationStatistics> CollectActivationStatistics(
    const ir::Model& model, data::Dataset& dataset, const std::vector<std::string>& activations,
    const ActivationStatisticsOptions& options, const Context& context, const std::string& stage) {
  quantization::StatisticsCollector collector;
  std::vector<std::unique_ptr<Accumulator>> accumulators;
  for (const std::string& value : activations) {
    auto accumulator = std::make_unique<Accumulator>();
    accumulator->value = value;
    accumulator->keep_means = options.means;
    accumulator->keep_hessian = options.hessian;
    accumulator->hessian_limit = options.hessian_subset_size;
    accumulator->num_threads = options.num_threads;
    quantization::StatisticRequest request;
    request.tensor = value;
    request.reduction = quantization::Reduction::kVisit;
    Accumulator* target = accumulator.get();
    request.visit = [target](const ir::Tensor& tensor) { target->Visit(tensor); };
    collector.Add(request);
    accumulators.push_back(std::move(accumulator));
  }
  collector.Collect(model, dataset, options.subset_size, options.num_threads, context, stage);
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
      stats.hidden = accumulator->hidden;
      stats.means = std::move(accumulator->means);
      stats.tokens = std::move(accumulator->tokens);
      if (accumulator->hessian.size() > 0) {
        // Completed and scaled in place, copied once, then freed: one extra [H][H] at a time.
        const int64_t h = accumulator->hidden;
        Eigen::MatrixXd& lower = accumulator->hessian;
        lower.triangularView<Eigen::StrictlyUpper>() = lower.transpose();
        lower *= 2.0 / double(accumulator->hessian_items);
        stats.hessian.resize(static_cast<size_t>(h * h));
        Eigen::Map<Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>>(
            stats.hessian.data(), h, h) = lower;
        lower.resize(0, 0);
      }
    }
    result[accumulator->value] = std::move(stats);
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
