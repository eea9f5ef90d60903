// Layer selection for weight compression, following NNCF's WeightCompression on ONNX.
#include "algorithms/weight_compression/layer_selection.h"

#include <map>
#include <queue>
#include <string>
#include <vector>

#include "algorithms/common/ignored_scope.h"
#include "algorithms/weight_compression/compress_weights.h"
#include "core/common/error.h"

namespace nncf::algorithms::wc {
namespace {

bool IsSupportedFloat(ir::DType dtype) {
  return dtype == ir::DType::kFloat || dtype == ir::DType::kFloat16 ||
         dtype == ir::DType::kBFloat16 || dtype == ir::DType::kDouble;
}

int64_t IntAttribute(const ir::Node& node, const std::string& name, int64_t fallback) {
  const ir::Attribute* attribute = node.FindAttribute(name);
  return attribute && attribute->i ? *attribute->i : fallback;
}

std::optional<LayerKind> KindOf(const ir::Node& node) {
  if (!node.IsDefaultDomain()) return std::nullopt;
  if (node.op_type == "MatMul" || node.op_type == "Gemm") return LayerKind::kMatMul;
  if (node.op_type == "Gather") return LayerKind::kEmbedding;
  if (node.op_type == "Conv" || node.op_type == "ConvTranspose" || node.op_type == "DeformConv") {
    return LayerKind::kConvolution;
  }
  return std::nullopt;
}

// The inputs that may hold the weight, in port order (NNCF's possible_weight_ports).
std::vector<int> WeightPorts(LayerKind kind) {
  switch (kind) {
    case LayerKind::kMatMul:
      return {0, 1};
    case LayerKind::kEmbedding:
      return {0};
    case LayerKind::kConvolution:
      return {1};
  }
  return {};
}

// Reduction axes of the weight on `port` (the kept channel axis is the output channel). Empty
// when the layout is not one the op allows (rank too small, Gather on another axis).
std::vector<int64_t> ReductionAxes(const ir::Node& node, LayerKind kind, int port, size_t rank) {
  const int64_t r = static_cast<int64_t>(rank);
  switch (kind) {
    case LayerKind::kMatMul:
      if (r < 2) return {};
      if (node.op_type == "Gemm") {
        if (r != 2) return {};
        if (port == 1) return {IntAttribute(node, "transB", 0) != 0 ? 1 : 0};
        return {IntAttribute(node, "transA", 0) != 0 ? 0 : 1};
      }
      // MatMul: B [..., K, N] reduces K; A [..., M, K] reduces K too (NNCF reduces axis 0 of A,
      // a quirk: the product sums over A's last axis).
      return {port == 1 ? r - 2 : r - 1};
    case LayerKind::kEmbedding: {
      if (r < 2) return {};
      int64_t axis = IntAttribute(node, "axis", 0);
      if (axis < 0) axis += r;
      if (axis != 0) return {};
      std::vector<int64_t> axes;
      for (int64_t a = 1; a < r; ++a) axes.push_back(a);
      return axes;
    }
    case LayerKind::kConvolution: {
      if (r < 3) return {};
      const int64_t channel = node.op_type == "ConvTranspose" ? 1 : 0;
      std::vector<int64_t> axes;
      for (int64_t a = 0; a < r; ++a) {
        if (a != channel) axes.push_back(a);
      }
      return axes;
    }
  }
  return {};
}

bool IsGraphInput(const ir::Graph& graph, const std::string& name) {
  for (const ir::ValueInfo& input : graph.inputs) {
    if (input.name == name) return true;
  }
  return false;
}

std::string Describe(const WeightCandidate& weight) {
  return "'" + weight.node_name + "' (weight '" + weight.site.weight_name + "')";
}

}  // namespace

std::vector<size_t> TopologicalOrder(const ir::Graph& graph) {
  const size_t n = graph.nodes.size();
  std::map<std::string, size_t> producer;
  for (size_t i = 0; i < n; ++i) {
    for (const std::string& output : graph.nodes[i].outputs) {
      if (!output.empty()) producer.emplace(output, i);
    }
  }
  std::vector<std::vector<size_t>> successors(n);
  std::vector<size_t> in_degree(n, 0);
  for (size_t i = 0; i < n; ++i) {
    std::set<size_t> preds;
    for (const std::string& input : graph.nodes[i].inputs) {
      auto it = producer.find(input);
      if (it != producer.end() && it->second != i) preds.insert(it->second);
    }
    for (size_t p : preds) {
      successors[p].push_back(i);
      ++in_degree[i];
    }
  }
  std::priority_queue<size_t, std::vector<size_t>, std::greater<size_t>> ready;
  for (size_t i = 0; i < n; ++i) {
    if (in_degree[i] == 0) ready.push(i);
  }
  std::vector<size_t> order;
  std::vector<bool> placed(n, false);
  while (!ready.empty()) {
    const size_t i = ready.top();
    ready.pop();
    order.push_back(i);
    placed[i] = true;
    for (size_t s : successors[i]) {
      if (--in_degree[s] == 0) ready.push(s);
    }
  }
  for (size_t i = 0; i < n; ++i) {
    if (!placed[i]) order.push_back(i);
  }
  return order;
}

std::vector<WeightCandidate> FindWeightCandidates(const ir::Graph& graph) {
  std::vector<WeightCandidate> candidates;
  for (size_t index : TopologicalOrder(graph)) {
    const ir::Node& node = graph.nodes[index];
    const std::optional<LayerKind> kind = KindOf(node);
    if (!kind) continue;
    for (int port : WeightPorts(*kind)) {
      if (port >= static_cast<int>(node.inputs.size())) continue;
      const std::string& name = node.inputs[port];
      const ir::Tensor* tensor = name.empty() ? nullptr : graph.FindInitializer(name);
      if (!tensor) continue;
      // Gather is an embedding only over a float table (NNCF's ONNX backend accepts fp32 only).
      if (*kind == LayerKind::kEmbedding && !IsSupportedFloat(tensor->dtype)) continue;
      WeightCandidate candidate;
      candidate.site.weight_name = name;
      candidate.site.consumer_node = node.name;
      candidate.site.consumer_op = node.op_type;
      candidate.site.input_index = port;
      if (node.op_type == "Gemm") {
        candidate.site.transposed = IntAttribute(node, port == 1 ? "transB" : "transA", 0) != 0;
      }
      candidate.node_name = NodeNameForScope(graph, index);
      candidate.node_index = index;
      candidate.kind = *kind;
      candidate.dtype = tensor->dtype;
      candidate.shape = tensor->dims;
      candidate.reduction_axes = ReductionAxes(node, *kind, port, tensor->dims.size());
      candidate.num_weights = tensor->NumElements();
      candidates.push_back(std::move(candidate));
    }
  }
  return candidates;
}

LayerPlan PlanLayers(const ir::Graph& graph, const std::set<std::string>& ignored_nodes,
                     const LayerPlanOptions& options) {
  LayerPlan plan;
  const std::vector<WeightCandidate> candidates = FindWeightCandidates(graph);
  const size_t last_node = candidates.empty() ? 0 : candidates.back().node_index;
  const bool int8_mode = WeightModeBits(options.mode) == 8;
  std::set<std::string> compressed_names;

  for (const WeightCandidate& candidate : candidates) {
    const bool is_last_layer = candidate.node_index == last_node;
    if (compressed_names.count(candidate.site.weight_name)) {
      // A shared weight is compressed once, through its first consumer.
      plan.last_layer_skipped = is_last_layer;
      continue;
    }
    const bool supported = IsSupportedFloat(candidate.dtype) && !candidate.reduction_axes.empty() &&
                           !IsGraphInput(graph, candidate.site.weight_name) &&
                           candidate.num_weights > 0;
    if (ignored_nodes.count(candidate.node_name) || !supported) {
      plan.last_layer_skipped = is_last_layer;
      plan.skipped.push_back(candidate);
      continue;
    }
    PlannedWeight planned;
    planned.weight = candidate;
    if (options.backup) planned.config = WeightConfig{*options.backup, -1};
    plan.weights.push_back(std::move(planned));
    compressed_names.insert(candidate.site.weight_name);
  }

  if (int8_mode) {
    for (size_t i = 0; i < plan.weights.size(); ++i) {
      plan.weights[i].config = WeightConfig{options.mode, -1};
      plan.weights[i].ratio_defining = true;
      plan.ratio_defining.push_back(i);
    }
    return plan;
  }

  std::vector<size_t> ratio_defining;
  for (size_t i = 0; i < plan.weights.size(); ++i) {
    if (plan.weights[i].weight.kind == LayerKind::kMatMul) ratio_defining.push_back(i);
  }
  if (!options.all_layers && !plan.last_layer_skipped && !ratio_defining.empty()) {
    ratio_defining.pop_back();
  }
  if (options.all_layers) {
    for (size_t i = 0; i < plan.weights.size(); ++i) {
      const WeightCandidate& weight = plan.weights[i].weight;
      if (weight.kind == LayerKind::kEmbedding && weight.reduction_axes.size() == 1) {
        ratio_defining.push_back(i);
      }
    }
  }

  for (size_t i : ratio_defining) {
    PlannedWeight& planned = plan.weights[i];
    const int64_t channel = planned.weight.shape[planned.weight.SingleReductionAxis()];
    int64_t group_size = options.group_size;
    if (group_size > 0 && channel % group_size != 0) {
      if (options.fallback == GroupSizeFallback::kIgnore) {
        planned.config.reset();
        continue;
      }
      if (options.fallback == GroupSizeFallback::kAdjust) {
        const int64_t adjusted = channel & -channel;
        if (adjusted < options.min_adjusted_group_size) continue;  // keeps the backup config
        group_size = adjusted;
      }
      // kError: reported by ValidateGroupSizes once mixed precision has run.
    }
    planned.config = WeightConfig{options.mode, group_size};
    planned.ratio_defining = true;
    plan.ratio_defining.push_back(i);
  }
  return plan;
}

void ValidateGroupSizes(const LayerPlan& plan, WeightMode primary_mode) {
  std::string offenders;
  int64_t group_size = 0;
  for (const PlannedWeight& planned : plan.weights) {
    if (!planned.config || planned.config->mode != primary_mode) continue;
    if (planned.config->group_size <= 0) continue;
    const int64_t axis = planned.weight.SingleReductionAxis();
    if (axis < 0) continue;
    const int64_t channel = planned.weight.shape[axis];
    if (channel % planned.config->group_size == 0) continue;
    group_size = planned.config->group_size;
    if (!offenders.empty()) offenders += ", ";
    offenders += Describe(planned.weight) + " with channel " + std::to_string(channel);
  }
  if (!offenders.empty()) {
    Fail(ErrorCode::kInvalidArgument,
         "group_size " + std::to_string(group_size) + " does not divide the reduction channel of " +
             offenders +
             "; use a group size that divides it, -1 (per channel), or "
             "compress_weights.advanced.group_size_fallback_mode \"ignore\" or \"adjust\"");
  }
}

}  // namespace nncf::algorithms::wc
