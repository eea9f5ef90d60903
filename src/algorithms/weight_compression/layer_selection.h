// Which weights nncf.compress_weights touches and at which precision before mixed precision:
// candidates in NNCF's topological order, their reduction axes, the ratio-defining subset (the
// last MatMul/Gemm, embeddings and convolutions excluded unless all_layers says otherwise), the
// backup precision and the group-size fallback (weight_compression.md section 1).
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "algorithms/weight_compression/compressed_weight.h"
#include "algorithms/weight_compression/weight_format_writer.h"
#include "core/ir/dtype.h"
#include "core/ir/graph.h"

namespace nncf::algorithms::wc {

enum class GroupSizeFallback;  // compress_weights.h

// NNCF's weighted metatypes on ONNX.
enum class LayerKind { kMatMul, kEmbedding, kConvolution };

// One (node, weight input) pair that holds a constant float weight.
struct WeightCandidate {
  WeightSite site;
  std::string node_name;  // as the ignored scope sees it ("{op}_nncf_{i}" for unnamed nodes)
  size_t node_index = 0;  // in graph.nodes
  LayerKind kind = LayerKind::kMatMul;
  ir::DType dtype = ir::DType::kUndefined;
  std::vector<int64_t> shape;
  std::vector<int64_t> reduction_axes;  // non-negative, ascending
  int64_t num_weights = 0;

  // The single reduction axis, or -1 when the layer reduces over several (convolutions).
  int64_t SingleReductionAxis() const {
    return reduction_axes.size() == 1 ? reduction_axes[0] : -1;
  }
};

struct WeightConfig {
  WeightMode mode = WeightMode::kInt8Asym;
  int64_t group_size = -1;  // -1 per channel
};

struct PlannedWeight {
  WeightCandidate weight;
  std::optional<WeightConfig> config;  // nullopt: stays float (backup NONE, fallback IGNORE)
  bool ratio_defining = false;
};

struct LayerPlanOptions {
  WeightMode mode = WeightMode::kInt8Asym;
  int64_t group_size = -1;           // resolved (never "default")
  std::optional<WeightMode> backup;  // nullopt: backup NONE
  bool all_layers = false;
  GroupSizeFallback fallback{};
  int64_t min_adjusted_group_size = 32;
};

struct LayerPlan {
  // NNCF's all_weight_params, in topological order.
  std::vector<PlannedWeight> weights;
  // Weights NNCF skips (ignored nodes, unsupported dtypes or ranks, repeated shared weights):
  // they stay float.
  std::vector<WeightCandidate> skipped;
  bool last_layer_skipped = false;
  // Indices into `weights`, in NNCF's order (MatMul/Gemm weights topologically, then embeddings).
  std::vector<size_t> ratio_defining;
};

// NNCFGraph's order: Kahn's algorithm with ties broken by the smallest original node index
// (networkx.lexicographical_topological_sort keyed by node id). Returns node indices; nodes in
// a cycle (invalid ONNX) are appended in file order.
std::vector<size_t> TopologicalOrder(const ir::Graph& graph);

// Every weighted node of the main graph in topological order with its weights (NNCF's
// get_nodes_to_compress + get_weight_names_and_port_ids), ignoring nothing.
std::vector<WeightCandidate> FindWeightCandidates(const ir::Graph& graph);

// Steps 1 of NNCF's pipeline: every candidate starts at the backup config, the ratio-defining
// subset gets the primary config, with the group-size fallback applied (kIgnore: the weight
// leaves both lists and stays float; kAdjust: the largest power of two dividing the channel if
// at least min_adjusted_group_size, else the weight keeps its backup config and stops being
// ratio-defining; kError: checked later by ValidateGroupSizes).
LayerPlan PlanLayers(const ir::Graph& graph, const std::set<std::string>& ignored_nodes,
                     const LayerPlanOptions& options);

// kError fallback, after mixed precision: kInvalidArgument listing every primary-precision
// weight whose reduction channel the group size does not divide.
void ValidateGroupSizes(const LayerPlan& plan, WeightMode primary_mode);

}  // namespace nncf::algorithms::wc
