// Activation statistics for data-aware weight compression (weight_compression.md 3 and 4.1): one
// executor pass over the dataset, one record per activation (the value a compressed MatMul/Gemm
// reads as its data input), shared by every layer that reads it (Q, K and V). Memory is bounded
// by samples x hidden size (plus hidden x hidden per activation for GPTQ), never by tokens.
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

struct ActivationStatistics {
  std::string value;        // the activation's value name
  int64_t hidden_size = 0;  // H: the size of the channel (last) axis
  // Per sample (one dataset item), in dataset order:
  std::vector<std::vector<float>> means;     // [n][H]: mean over every axis but the last
  std::vector<std::vector<int64_t>> shapes;  // the activation's full shape
  // Sensitivity statistics (filled when ActivationStatisticsOptions::sensitivity is set), per
  // sample, as NNCF's reducers compute them: population variance over axis -2, then max (or
  // mean) over the remaining axes; max |x| over axis -2, then mean.
  std::vector<double> max_variance;
  std::vector<double> mean_variance;
  std::vector<double> mean_magnitude;
  double hawq = 0;  // NNCF's HAWQ statistic, final value (weight_compression.md section 3)
  // GPTQ (filled when ActivationStatisticsOptions::hessian is set): H = (2/t) sum over the t
  // tokens (rows of the activation flattened to [-1, H]) of x^T x, row-major [H][H].
  std::vector<double> hessian;
  int64_t hessian_tokens = 0;

  // The statistics of x / scale (AWQ's update_statistics): means divided per channel, the
  // Hessian by scale_i * scale_j, magnitudes and variances left alone (they were used already).
  void DivideChannels(const std::vector<float>& scale);
};

struct ActivationStatisticsOptions {
  int64_t subset_size = 128;  // dataset items (NNCF counts items)
  bool sensitivity = false;
  bool hessian = false;
  int num_threads = 0;
};

// The data input of a weight's layer: input 0 of a MatMul whose weight is input 1 (input 1 when
// the weight is input 0), input 0 of a Gemm (with transA the channel axis is not the last one:
// such layers get "" and no statistics). "" for embeddings and convolutions.
std::string ActivationOf(const ir::Graph& graph, const WeightCandidate& weight);

// Runs the first min(subset_size, length) items through `model` on the executor, observing
// `activations` (value names). Throws nncf::Error: kInvalidArgument for an empty dataset, fewer
// items than a caller-required minimum is the caller's check, an item that does not fit the model
// (naming item and input), an activation of rank < 2; kCallback / kCancelled from the dataset or
// the context (progress per item under `stage`).
std::map<std::string, ActivationStatistics> CollectActivationStatistics(
    const ir::Model& model, data::Dataset& dataset, const std::vector<std::string>& activations,
    const ActivationStatisticsOptions& options, const Context& context, const std::string& stage);

// NNCF's process_stats(stats, subset_size): s = max over ALL samples of |mean| per channel; the
// samples used are all of them when n <= subset_size, else every (n / subset_size)-th sample in
// the order of descending token count (stable), which can give more than subset_size samples, as
// NNCF does.
struct SampledActivations {
  std::vector<float> s;  // [H]
  std::vector<float> x;  // [H][m] row-major: channel h of chosen sample k at x[h * m + k]
  int64_t hidden = 0;
  int64_t samples = 0;  // m
};
SampledActivations SampleActivations(const ActivationStatistics& stats, int64_t subset_size);

}  // namespace nncf::algorithms::wc
