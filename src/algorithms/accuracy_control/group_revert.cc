#include "algorithms/accuracy_control/group_revert.h"

#include <algorithm>
#include <map>
#include <set>
#include <string>

namespace nncf::algorithms::accuracy_control {
namespace {

// The tensor named `name` in `model`: an initializer or a Constant node's value attribute.
bool RestoreValue(ir::Graph& target, const ir::Graph& source, const std::string& name) {
  const ir::Tensor* original = source.FindInitializer(name);
  if (original) {
    ir::Tensor* current = target.FindInitializer(name);
    if (!current) return false;
    *current = *original;
    return true;
  }
  const ir::Node* source_node = nullptr;
  for (const ir::Node& node : source.nodes) {
    if (node.op_type == "Constant" && !node.outputs.empty() && node.outputs[0] == name) {
      source_node = &node;
    }
  }
  if (!source_node) return false;
  for (ir::Node& node : target.nodes) {
    if (node.op_type == "Constant" && !node.outputs.empty() && node.outputs[0] == name) {
      node.attributes = source_node->attributes;
      return true;
    }
  }
  return false;
}

}  // namespace

ir::Model RevertGroups(const ir::Model& quantized, const ir::Model& initial,
                       const std::vector<const QuantizerGroup*>& groups, RestoreMode mode,
                       const std::vector<quantization::BiasShift>& bias_shifts) {
  ir::Model result = quantized;
  ir::Graph& graph = *result.graph;
  const ir::Graph& base = *quantized.graph;

  std::set<size_t> removed;
  std::set<std::string> reverted_ops;
  for (const QuantizerGroup* group : groups) {
    const std::set<std::string> weight_dqs(group->weight_dequantize_nodes.begin(),
                                           group->weight_dequantize_nodes.end());
    for (size_t index : group->quantizer_indices) {
      const ir::Node& node = base.nodes[index];
      if (mode == RestoreMode::kOnlyActivations) {
        const bool weight_dq = node.op_type == "DequantizeLinear" && weight_dqs.count(node.name);
        const bool weight_q = node.op_type == "QuantizeLinear" && !node.inputs.empty() &&
                              base.IsInitializer(node.inputs[0]);
        if (weight_dq || weight_q) continue;
      }
      removed.insert(index);
    }
    for (size_t index : group->operation_indices) reverted_ops.insert(base.nodes[index].name);
  }

  // Each removed node's output stands for its data input: resolve chains (DQ -> Q -> x).
  std::map<std::string, std::string> replacement;
  for (size_t index : removed) {
    const ir::Node& node = base.nodes[index];
    if (!node.inputs.empty() && !node.outputs.empty())
      replacement[node.outputs[0]] = node.inputs[0];
  }
  auto resolve = [&replacement](std::string name) {
    for (auto it = replacement.find(name); it != replacement.end(); it = replacement.find(name)) {
      name = it->second;
    }
    return name;
  };
  std::set<std::string> graph_outputs;
  for (const ir::ValueInfo& output : graph.outputs) graph_outputs.insert(output.name);

  std::vector<ir::Node> nodes;
  nodes.reserve(graph.nodes.size());
  for (size_t i = 0; i < graph.nodes.size(); ++i) {
    ir::Node& node = graph.nodes[i];
    if (removed.count(i)) {
      // A graph output keeps its name: an Identity from the float value takes the node's place.
      if (!node.outputs.empty() && graph_outputs.count(node.outputs[0])) {
        ir::Node identity;
        identity.name = node.name + "_nncf_reverted";
        identity.op_type = "Identity";
        identity.inputs = {resolve(node.outputs[0])};
        identity.outputs = {node.outputs[0]};
        nodes.push_back(std::move(identity));
      }
      continue;
    }
    for (std::string& input : node.inputs) {
      if (!input.empty()) input = resolve(input);
    }
    nodes.push_back(std::move(node));
  }
  graph.nodes = std::move(nodes);

  // Scales and zero points nothing reads any more.
  std::set<std::string> used;
  for (const ir::Node& node : graph.nodes) used.insert(node.inputs.begin(), node.inputs.end());
  used.insert(graph_outputs.begin(), graph_outputs.end());
  std::vector<ir::Tensor> initializers;
  for (ir::Tensor& tensor : graph.initializers) {
    if (used.count(tensor.name)) initializers.push_back(std::move(tensor));
  }
  graph.initializers = std::move(initializers);
  std::set<std::string> produced;
  for (const ir::Node& node : graph.nodes)
    produced.insert(node.outputs.begin(), node.outputs.end());
  std::vector<ir::ValueInfo> value_info;
  for (ir::ValueInfo& info : graph.value_info) {
    if (produced.count(info.name)) value_info.push_back(std::move(info));
  }
  graph.value_info = std::move(value_info);

  // Bias correction is undone on the reverted ops. A shift is matched by its bias tensor, which
  // the op reads itself (Conv, Gemm) or through the Add right after it (MatMul + Add), so that
  // unnamed nodes (which the shift names "<op>_nncf_<index>") are found too.
  std::set<std::string> reverted_values;
  for (const QuantizerGroup* group : groups) {
    for (size_t index : group->operation_indices) {
      const ir::Node& op = base.nodes[index];
      reverted_values.insert(op.inputs.begin(), op.inputs.end());
      if (op.outputs.empty()) continue;
      for (const ir::Node& next : base.nodes) {
        const bool reads =
            std::find(next.inputs.begin(), next.inputs.end(), op.outputs[0]) != next.inputs.end();
        if (reads && next.op_type == "Add") {
          reverted_values.insert(next.inputs.begin(), next.inputs.end());
        }
      }
    }
  }
  for (const quantization::BiasShift& shift : bias_shifts) {
    if (!shift.applied) continue;
    if (reverted_ops.count(shift.node) || reverted_values.count(shift.bias_tensor)) {
      RestoreValue(graph, *initial.graph, shift.bias_tensor);
    }
  }
  return result;
}

}  // namespace nncf::algorithms::accuracy_control
