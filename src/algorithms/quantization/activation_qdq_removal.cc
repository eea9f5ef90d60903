#include "algorithms/quantization/activation_qdq_removal.h"

#include <deque>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace nncf::algorithms::quantization {

namespace {

bool IsQuantizeOrDequantize(const ir::Node& node) {
  return node.IsDefaultDomain() &&
         (node.op_type == "QuantizeLinear" || node.op_type == "DequantizeLinear");
}

}  // namespace

int RemoveActivationQuantizers(ir::Model& model) {
  if (!model.graph) return 0;
  ir::Graph& graph = *model.graph;
  std::unordered_map<std::string, std::vector<size_t>> readers;
  for (size_t i = 0; i < graph.nodes.size(); ++i) {
    for (const std::string& input : graph.nodes[i].inputs) {
      if (!input.empty()) readers[input].push_back(i);
    }
  }
  // Breadth-first from the real inputs over every node reachable through values.
  std::vector<bool> reached(graph.nodes.size(), false);
  std::deque<std::string> values;
  for (const ir::ValueInfo* input : graph.RealInputs()) values.push_back(input->name);
  while (!values.empty()) {
    const std::string value = values.front();
    values.pop_front();
    auto found = readers.find(value);
    if (found == readers.end()) continue;
    for (size_t reader : found->second) {
      if (reached[reader]) continue;
      reached[reader] = true;
      for (const std::string& output : graph.nodes[reader].outputs) {
        if (!output.empty()) values.push_back(output);
      }
    }
  }
  // What each removed node's output equals; chains (Q -> DQ) resolve to the first input.
  std::unordered_map<std::string, std::string> replaced;
  for (size_t i = 0; i < graph.nodes.size(); ++i) {
    const ir::Node& node = graph.nodes[i];
    if (reached[i] && IsQuantizeOrDequantize(node) && !node.inputs.empty() &&
        !node.outputs.empty()) {
      replaced[node.outputs[0]] = node.inputs[0];
    } else {
      reached[i] = false;  // kept
    }
  }
  auto resolve = [&](std::string name) {
    for (auto it = replaced.find(name); it != replaced.end(); it = replaced.find(name)) {
      name = it->second;
    }
    return name;
  };
  std::vector<ir::Node> kept;
  kept.reserve(graph.nodes.size() - replaced.size());
  for (size_t i = 0; i < graph.nodes.size(); ++i) {
    if (reached[i]) continue;
    ir::Node& node = graph.nodes[i];
    for (std::string& input : node.inputs) {
      if (!input.empty()) input = resolve(input);
    }
    kept.push_back(std::move(node));
  }
  graph.nodes = std::move(kept);
  std::unordered_set<std::string> output_names;
  std::vector<ir::ValueInfo> outputs;
  for (ir::ValueInfo& output : graph.outputs) {
    output.name = resolve(output.name);
    if (output_names.insert(output.name).second) outputs.push_back(std::move(output));
  }
  graph.outputs = std::move(outputs);
  return static_cast<int>(replaced.size());
}

}  // namespace nncf::algorithms::quantization
