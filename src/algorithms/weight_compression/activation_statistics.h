// Activation statistics for data-aware weight compression (weight_compression.md sections 3 and
// 4.1): one pass over the dataset, one record per activation (the value a compressed layer reads
// as its data input), shared by every layer that reads it (Q, K and V). Per item a few scalars
// and, when asked, one mean vector [H] are kept, plus an [H][H] Hessian for GPTQ: memory is
// bounded by samples x hidden size (and hidden^2), never by the token count.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "algorithms/weight_compression/layer_selection.h"
#include "core/common/context.h"
#include "core/data/dataset.h"
#include "core/ir/model.h"

namespace nncf::algorithms::wc {

enum class SensitivityMetric;  // compress_weights.h

// NNCF's reducers on one item x of rank >= 2 (axis -2 is the sequence axis, -1 the channels),
// averaged over the items, and its HAWQ accumulator.
struct ActivationStatistics {
  int64_t items = 0;
  double max_variance = 0;    // mean over items of max over (rest, channel) of var over axis -2
  double mean_variance = 0;   // mean over items of mean over (rest, channel) of var over axis -2
  double mean_magnitude = 0;  // mean over items of mean over (rest, channel) of max |x| over -2
  double hawq = 0;            // NNCF's HAWQ statistic: acc = (acc + sum x^2) / size per item,
                              // then acc * 2 / items
  int64_t hidden = 0;         // H: the size of the channel (last) axis

  // ActivationStatisticsOptions::means: per item, in dataset order, the mean over every axis but
  // the last ([H]) and the item's token count (the product of the other axes).
  std::vector<std::vector<float>> means;
  std::vector<int64_t> tokens;
  // ActivationStatisticsOptions::hessian: GPTQ's H = (2 / n) * sum over every token row x of the
  // first n = min(items, hessian_subset_size) items of x^T x, row-major [H][H].
  std::vector<double> hessian;

  // The statistics of x / scale (AWQ's update_statistics): means divided per channel, the
  // Hessian by scale_i * scale_j; the sensitivity scalars were used already and stay.
  void DivideChannels(const std::vector<float>& scale);
};

struct ActivationStatisticsOptions {
  int64_t subset_size = 128;  // dataset items (NNCF counts items)
  bool means = false;
  bool hessian = false;
  int64_t hessian_subset_size = 128;  // items the Hessian is accumulated over (GPTQ's subset)
  int num_threads = 1;
};

// NNCF's process_stats(stats, subset_size): s = max over ALL items of |mean| per channel; the
// samples used are all items when n <= subset_size, else every (n / subset_size)-th item in the
// order of descending token count (stable), which can give more than subset_size samples, as in
// NNCF.
struct SampledActivations {
  std::vector<float> s;  // [H]
  std::vector<float> x;  // [H][m] row-major: channel h of chosen sample k at x[h * m + k]
  int64_t hidden = 0;
  int64_t samples = 0;  // m
};
SampledActivations SampleActivations(const ActivationStatistics& stats, int64_t subset_size);

// The data input of a weighted layer: input 0 of a MatMul or Gemm whose weight is input 1 (input
// 1 when the weight is input 0), input 0 of a convolution; "" for embeddings.
std::string ActivationOf(const ir::Graph& graph, const WeightCandidate& weight);

// Runs the first min(subset_size, length) items through `model` once and reduces every value in
// `activations`. Throws nncf::Error: kInvalidArgument for an empty dataset, an item that does not
// fit the model (naming the item and input), an activation of rank < 2 (naming it); kCallback /
// kCancelled from the dataset; kCancelled from the context (progress per item under `stage`).
std::map<std::string, ActivationStatistics> CollectActivationStatistics(
    const ir::Model& model, data::Dataset& dataset, const std::vector<std::string>& activations,
    int64_t subset_size, int num_threads, const Context& context, const std::string& stage);
// The same pass with the per-item means and the Hessian when `options` asks for them.
std::map<std::string, ActivationStatistics> CollectActivationStatistics(
    const ir::Model& model, data::Dataset& dataset, const std::vector<std::string>& activations,
    const ActivationStatisticsOptions& options, const Context& context, const std::string& stage);

// The activation factor of a data-aware score (weight_compression.md section 3).
double ActivationSensitivity(const ActivationStatistics& statistics, SensitivityMetric metric);

}  // namespace nncf::algorithms::wc
