// ShapeOf and constant subgraph removal, in NNCF's traversal order.
#include "algorithms/quantization/inference_graph.h"

#include <set>

namespace nncf::algorithms::quantization {

std::vector<bool> InferenceGraphNodes(const NncfGraph& graph) {
  const size_t count = graph.nodes().size();
  std::vector<int> start = graph.ModelInputNodes();
  for (size_t i = 0; i < count; ++i) {
    if (graph.nodes()[i].metatype == Metatype::kEmbedding) start.push_back(static_cast<int>(i));
  }

  // Nodes reached from the starts without passing a Shape node are on the data path.
  std::vector<int> shape_nodes;
  std::set<int> data_path;
  std::vector<int> stack = start;
  while (!stack.empty()) {
    const int node = stack.back();
    stack.pop_back();
    if (graph.node(node).metatype == Metatype::kShape) {
      shape_nodes.push_back(node);
      continue;
    }
    if (!data_path.insert(node).second) continue;
    for (int next : graph.Successors(node)) stack.push_back(next);
  }
  // From each Shape node, everything reachable forwards and backwards off the data path.
  std::set<int> shape_subgraph;
  for (int shape : shape_nodes) {
    shape_subgraph.insert(shape);
    std::vector<int> queue = graph.Successors(shape);
    while (!queue.empty()) {
      const int node = queue.back();
      queue.pop_back();
      if (shape_subgraph.count(node) || data_path.count(node)) continue;
      shape_subgraph.insert(node);
      for (int next : graph.Successors(node)) queue.push_back(next);
      for (int prev : graph.Predecessors(node)) queue.push_back(prev);
    }
  }
  // Nodes not reachable from the starts at all compute constants.
  std::vector<bool> reachable(count, false);
  stack = start;
  while (!stack.empty()) {
    const int node = stack.back();
    stack.pop_back();
    if (reachable[static_cast<size_t>(node)]) continue;
    reachable[static_cast<size_t>(node)] = true;
    for (int next : graph.Successors(node)) stack.push_back(next);
  }
  std::vector<bool> kept(count, false);
  // A model without inputs has no activation path to trace; NNCF then keeps every node.
  const bool trace_constants = !start.empty();
  for (size_t i = 0; i < count; ++i) {
    kept[i] = !shape_subgraph.count(static_cast<int>(i)) && (!trace_constants || reachable[i]);
  }
  return kept;
}

}  // namespace nncf::algorithms::quantization
