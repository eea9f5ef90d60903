// The graph NNCF's algorithms reason about (nncf_graph_builder.py): one node per ONNX node plus
// nncf_model_input_<i> / nncf_model_output_<i> nodes, edges only for values produced by a node or
// a graph input (initializers are not nodes and make no edge), metatypes, weight and bias
// attributes. Built from a model whose value types were inferred (InferShapes).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "algorithms/quantization/metatype.h"
#include "core/ir/dtype.h"
#include "core/ir/model.h"

namespace nncf::algorithms::quantization {

// A constant weight feeding a node, found through Identity/Transpose/Reshape/Q/DQ chains.
struct WeightAttr {
  int port = 0;
  std::string tensor;       // the value that directly feeds the node (edge name)
  std::string initializer;  // the constant it resolves to (initializer or Constant output)
  bool from_constant_node = false;
  std::vector<int64_t> shape;  // of `tensor` when known, else of the initializer
  ir::DType dtype = ir::DType::kUndefined;
};

// Where a node's bias lives: its own input (Conv, ConvTranspose, Gemm port 2) or the constant
// operand of the single Add that follows a MatMul.
struct BiasAttr {
  std::string node;    // node holding the bias input (the op itself or the Add)
  int port = 0;        // input port of `node`
  std::string tensor;  // initializer name, or the output of a Constant node
  bool from_constant_node = false;
};

struct GraphNode {
  std::string name;  // ONNX name; "<op_type>_nncf_<index>" when empty (as NNCF renames)
  std::string op_type;
  Metatype metatype = Metatype::kUnknown;
  int onnx_index = -1;              // index into graph.nodes; -1 for model input/output nodes
  std::vector<std::string> inputs;  // value names (as in the ONNX node; "" = omitted)
  std::vector<std::string> outputs;
  std::vector<WeightAttr> weights;  // by port
  std::optional<BiasAttr> bias;
  bool weight_shared = false;             // a weight tensor has more than one consumer
  bool trans_a = false, trans_b = false;  // Gemm
  const WeightAttr* WeightOnPort(int port) const;
};

struct GraphEdge {
  std::string tensor;
  int from = -1, from_port = 0;               // producing node and output port
  int to = -1, to_port = 0;                   // consuming node and input port
  std::optional<std::vector<int64_t>> shape;  // nullopt: rank unknown; -1: unknown dim
  ir::DType dtype = ir::DType::kUndefined;
  // Quantizable element type: fp32, fp16 and bf16 (NNCF: fp32 only). Others are "integer" edges
  // that quantizers neither sit on nor cross.
  bool is_float = false;
};

// The name NncfGraph gives node `index` of an ONNX graph: its own, or <op_type>_nncf_<index>
// when it has none (NNCF's rule for unnamed nodes).
std::string NncfNodeName(const ir::Node& node, size_t index);

class NncfGraph {
 public:
  // Throws nncf::Error(kInvalidModel) for duplicate node names.
  static NncfGraph Build(const ir::Model& model);

  const std::vector<GraphNode>& nodes() const { return nodes_; }
  const std::vector<GraphEdge>& edges() const { return edges_; }
  const GraphNode& node(int index) const { return nodes_[static_cast<size_t>(index)]; }
  int FindNode(const std::string& name) const;  // -1 when absent
  std::vector<int> InEdges(int node) const;     // edge indices, by input port
  std::vector<int> OutEdges(int node) const;    // edge indices
  std::vector<int> TopologicalOrder() const;
  // Node producing `tensor` (-1 for graph inputs without node... i.e. initializers).
  int Producer(const std::string& tensor) const;
  std::vector<std::pair<int, int>> Consumers(const std::string& tensor) const;  // (node, port)
  const std::vector<int>& ModelInputNodes() const { return input_nodes_; }
  const std::vector<int>& ModelOutputNodes() const { return output_nodes_; }

  // Node indices are NNCF's node ids: ONNX nodes in file order, then model inputs, then model
  // outputs. NNCF keys nodes by "<id> <name>" and breaks ties in its sorts by that string.
  std::string NodeKey(int node) const;
  // Distinct neighbours in the order their first edge was added (networkx adjacency order).
  std::vector<int> Successors(int node) const;
  std::vector<int> Predecessors(int node) const;
  // Edge indices from `from` to `to`, in insertion order (parallel edges for x*x).
  std::vector<int> EdgesBetween(int from, int to) const;

 private:
  std::vector<GraphNode> nodes_;
  std::vector<GraphEdge> edges_;
  std::vector<std::vector<int>> in_edges_, out_edges_;
  std::map<std::string, int> by_name_;
  std::map<std::string, int> producer_;
  std::vector<int> input_nodes_, output_nodes_;
};

}  // namespace nncf::algorithms::quantization
