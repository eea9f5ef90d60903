// Activation statistics for data-aware mixed precision (weight_compression.md sections 3 and
// 4.1): one pass over the dataset, one record per activation (the value a compressed layer reads
// as its data input), shared by every layer that reads it. Per item only a few scalars are
// kept, so memory does not grow with the activation size or the token count.
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
};

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

// The activation factor of a data-aware score (weight_compression.md section 3).
double ActivationSensitivity(const ActivationStatistics& statistics, SensitivityMetric metric);

}  // namespace nncf::algorithms::wc
