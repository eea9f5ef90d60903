// AWQ (weight_compression.md 4.2): per-input-channel scales s for 4-bit MatMul weights,
// W <- W * s, with 1/s folded into the producer or applied by an inserted Mul. NNCF's three
// patterns (MatMul -> Mul -> MatMul, Act -> Mul -> MatMul, Act -> MatMul) and, beyond NNCF's ONNX
// backend, groups of MatMuls that read one LayerNormalization output (Q/K/V, gate/up), which
// share one scale searched over the whole group.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "algorithms/weight_compression/activation_statistics.h"
#include "algorithms/weight_compression/layer_selection.h"
#include "algorithms/weight_compression/weight_matrix.h"
#include "core/common/context.h"
#include "core/ir/model.h"

namespace nncf::algorithms::wc {

struct AwqParams {
  int64_t subset_size = 32;
  double percent_to_apply = 0.002;
  double alpha_min = 0.0;
  double alpha_max = 1.0;
  int64_t steps = 100;
  bool prefer_data_aware_scaling = true;
};

struct AwqLayerReport {
  std::vector<std::string> nodes;  // the target MatMul(s) scaled together
  std::string merge_node;          // the producer whose output is scaled by 1/s
  std::string pattern;  // "matmul_mul_matmul", "act_mul_matmul", "act_matmul", "layer_norm"
  bool data_aware = false;
  bool folded = false;          // 1/s merged into the producer's weight or the norm's scale/bias
  std::string mul_node;         // otherwise the inserted Mul
  int64_t channels_scaled = 0;  // channels whose scale is not 1
  double min_scale = 1, max_scale = 1;
};

// A Mul by 1/s on `activation`, read instead of it by the layers whose output is one of
// `consumer_outputs` (the target MatMuls; found by output name, which format edits keep).
struct ScaleInsertion {
  std::string name;  // the Mul node
  std::string activation;
  std::vector<std::string> consumer_outputs;
  ir::Tensor inverse_scale;  // [H] in the activation's float type
};

struct AwqOutcome {
  std::map<std::string, ir::Tensor> tensors;  // initializers replaced (weights, norm scale/bias)
  std::vector<ScaleInsertion> insertions;
  std::vector<AwqLayerReport> layers;
};

// The current value of an initializer (earlier steps may have replaced it).
using TensorLookup = std::function<const ir::Tensor*(const std::string&)>;

// Finds the targets among `plan`'s 4-bit MatMul/Gemm weights and computes their scales:
// data-aware from `stats` (keyed by activation value; must hold per-item means) when it is not
// null and params.prefer_data_aware_scaling, else NNCF's data-free rule. Scaled activations'
// statistics are divided by s in `stats` for the later algorithms. Progress and cancellation per
// group under `stage`. Throws kInvalidArgument for bad parameters.
AwqOutcome ComputeAwq(const ir::Graph& graph, const LayerPlan& plan, const TensorLookup& lookup,
                      std::map<std::string, ActivationStatistics>* stats, const AwqParams& params,
                      int num_threads, const Context& context, const std::string& stage);

// The data-aware scale search for one weight (or a group's weights side by side) [out][in] on the
// sampled activations: scales per input channel, 1 outside the groups that hold the top
// percent_to_apply channels. No FP16 overflow guard (ComputeAwq adds it when the producer is a
// MatMul). The alphas are evaluated in parallel; the result does not depend on num_threads.
std::vector<float> SearchAwqScale(const WeightMatrix& weight, WeightMode mode, int64_t group_size,
                                  const SampledActivations& activations, const AwqParams& params,
                                  int num_threads);

// Applies the insertions of an outcome to a model (after the weight edits).
void ApplyScaleInsertions(ir::Graph& graph, const std::vector<ScaleInsertion>& insertions);

}  // namespace nncf::algorithms::wc
