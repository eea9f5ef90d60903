#include "algorithms/quantization/value_references.h"

#include <algorithm>

namespace nncf::algorithms::quantization {
namespace {

// A subgraph that defines `value` (input, initializer or node output) hides the outer value of
// that name from its own nodes and from the subgraphs nested in it.
bool Defines(const ir::Graph& graph, const std::string& value) {
  for (const ir::ValueInfo& input : graph.inputs) {
    if (input.name == value) return true;
  }
  if (graph.FindInitializer(value) != nullptr) return true;
  const auto& sparse = graph.sparse_initializer_names;
  if (std::find(sparse.begin(), sparse.end(), value) != sparse.end()) return true;
  for (const ir::Node& node : graph.nodes) {
    if (std::find(node.outputs.begin(), node.outputs.end(), value) != node.outputs.end()) {
      return true;
    }
  }
  return false;
}

bool SubgraphReads(const ir::Graph& graph, const std::string& value) {
  if (Defines(graph, value)) return false;
  for (const ir::ValueInfo& output : graph.outputs) {
    if (output.name == value) return true;
  }
  for (const ir::Node& node : graph.nodes) {
    if (NodeReads(node, value)) return true;
  }
  return false;
}

int RewireSubgraph(ir::Graph& graph, const std::string& from, const std::string& to) {
  if (Defines(graph, from)) return 0;
  int count = 0;
  for (ir::ValueInfo& output : graph.outputs) {
    if (output.name == from) output.name = to, ++count;
  }
  for (ir::Node& node : graph.nodes) {
    for (std::string& input : node.inputs) {
      if (input == from) input = to, ++count;
    }
    count += RewireSubgraphs(node, from, to);
  }
  return count;
}

}  // namespace

bool SubgraphsRead(const ir::Node& node, const std::string& value) {
  for (const ir::Attribute& attr : node.attributes) {
    if (attr.g && SubgraphReads(**attr.g, value)) return true;
    for (const auto& graph : attr.graphs) {
      if (SubgraphReads(*graph, value)) return true;
    }
  }
  return false;
}

bool NodeReads(const ir::Node& node, const std::string& value) {
  if (std::find(node.inputs.begin(), node.inputs.end(), value) != node.inputs.end()) return true;
  return SubgraphsRead(node, value);
}

int RewireSubgraphs(ir::Node& node, const std::string& from, const std::string& to) {
  int count = 0;
  for (ir::Attribute& attr : node.attributes) {
    if (attr.g) count += RewireSubgraph(**attr.g, from, to);
    for (auto& graph : attr.graphs) count += RewireSubgraph(*graph, from, to);
  }
  return count;
}

bool GraphReads(const ir::Graph& graph, const std::string& value) {
  for (const ir::ValueInfo& output : graph.outputs) {
    if (output.name == value) return true;
  }
  for (const ir::Node& node : graph.nodes) {
    if (NodeReads(node, value)) return true;
  }
  return false;
}

}  // namespace nncf::algorithms::quantization
