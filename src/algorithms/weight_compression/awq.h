// AWQ (weight_compression.md 4.2): per-input-channel scales s for 4-bit MatMul weights, W <- W*s
// with the inverse folded into the producer (or a Mul by 1/s inserted after it). NNCF's three
// patterns (MatMul->Mul->MatMul, Act->Mul->MatMul, Act->MatMul), plus what NNCF's ONNX backend
// skips: groups of MatMuls that read one normalization output (Q/K/V after LayerNormalization,
// gate/up in an MLP), which share one scale computed over the whole group.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "algorithms/weight_compression/activation_statistics.h"
#include "algorithms/weight_compression/layer_selection.h"
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
  std::string merge_node;          // the producer that takes 1/s
  std::string pattern;             // "matmul_mul_matmul", "act_mul_matmul", "act_matmul", "norm"
  bool data_aware = false;
  bool folded = false;          // 1/s merged into the producer's weights (or norm's scale and bias)
  std::string mul_node;         // else the inserted Mul ("{merge}/awq_mul")
  int64_t channels_scaled = 0;  // channels whose scale is not 1
  double min_scale = 1, max_scale = 1;
};

// Applies AWQ to every weight of `plan` whose config has 4 bits, matched by a pattern. Changes
// `model` (the pipeline's working copy; tensors it changes get new buffers, never written through
// shared ones, so the caller's input model stays intact): target weights times s along their
// input-channel axis, the merge node's weights (or a norm's scale and bias) times 1/s along their
// output channels, or a Mul inserted right after the merge node with every consumer rewired.
// Inserting a node shifts graph node indices: WeightCandidate::node_index values taken before the
// call are stale afterwards (weights keep their initializer names only if unchanged: scaled
// weights get new initializers named "{weight}_awq"; the reports and `plan` are updated to them).
// `stats` == nullptr or params.prefer_data_aware_scaling == false: NNCF's data-free scales;
// otherwise the data-aware grid search, and the statistics of each scaled activation are divided
// by s for the later steps. Progress and cancellation per target under `stage`.
std::vector<AwqLayerReport> ApplyAwq(ir::Model& model, LayerPlan& plan,
                                     std::map<std::string, ActivationStatistics>* stats,
                                     const AwqParams& params, const Context& context,
                                     const std::string& stage);

}  // namespace nncf::algorithms::wc
