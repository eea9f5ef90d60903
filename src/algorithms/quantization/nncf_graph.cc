// NNCF's graph of an ONNX model (onnx/graph/nncf_graph_builder.py): node ids, metatypes with the
// Conv and Gather refinements, weight and bias attributes, edges with shapes and dtypes.
#include "algorithms/quantization/nncf_graph.h"

#include <algorithm>
#include <functional>
#include <queue>
#include <set>
#include <utility>

#include "core/common/error.h"

namespace nncf::algorithms::quantization {
namespace {

bool IsQuantizableFloat(ir::DType dtype) {
  // NNCF treats only fp32 as float; we quantize fp16 and bf16 models too.
  return dtype == ir::DType::kFloat || dtype == ir::DType::kFloat16 ||
         dtype == ir::DType::kBFloat16;
}

// What NNCF's edge_info_mapping knows about a value: later sources win, as in the dict it builds
// from value_info, inputs, outputs and initializers.
struct ValueType {
  bool known = false;
  ir::DType dtype = ir::DType::kUndefined;
  std::optional<std::vector<int64_t>> shape;
};

class ModelIndex {
 public:
  explicit ModelIndex(const ir::Graph& graph) : graph_(graph) {
    auto add_info = [this](const ir::ValueInfo& info) {
      ValueType type;
      type.known = true;
      if (info.type && info.type->IsTensor()) {
        type.dtype = info.type->tensor_dtype();
        if (info.type->shape) {
          std::vector<int64_t> dims;
          for (const ir::Dim& dim : info.type->shape->dims) dims.push_back(dim.value.value_or(-1));
          type.shape = dims;
        }
      }
      types_[info.name] = type;
    };
    for (const ir::ValueInfo& info : graph.value_info) add_info(info);
    for (const ir::ValueInfo& info : graph.inputs) add_info(info);
    for (const ir::ValueInfo& info : graph.outputs) add_info(info);
    for (const ir::Tensor& init : graph.initializers) {
      ValueType type;
      type.known = true;
      type.dtype = init.dtype;
      type.shape = init.dims;
      types_[init.name] = type;
    }
    for (size_t i = 0; i < graph.nodes.size(); ++i) {
      for (const std::string& out : graph.nodes[i].outputs) {
        if (!out.empty()) producer_[out] = static_cast<int>(i);
      }
      for (const std::string& in : graph.nodes[i].inputs) {
        if (!in.empty()) ++consumer_count_[in];
      }
    }
  }

  const ValueType* Type(const std::string& value) const {
    auto it = types_.find(value);
    return it == types_.end() ? nullptr : &it->second;
  }
  int Producer(const std::string& value) const {
    auto it = producer_.find(value);
    return it == producer_.end() ? -1 : it->second;
  }
  int ConsumerCount(const std::string& value) const {
    auto it = consumer_count_.find(value);
    return it == consumer_count_.end() ? 0 : it->second;
  }

  // NNCF's get_tensor_edge_name: the constant behind input `port`, walking up through Identity,
  // Transpose, Reshape, QuantizeLinear and DequantizeLinear (their input 0) and stopping at an
  // initializer or a Constant node's output.
  std::optional<std::pair<std::string, bool>> ResolveConstant(const ir::Node& node,
                                                              int port) const {
    if (port < 0 || static_cast<size_t>(port) >= node.inputs.size()) return std::nullopt;
    const std::string& value = node.inputs[static_cast<size_t>(port)];
    if (value.empty()) return std::nullopt;
    const int parent = Producer(value);
    if (parent < 0) {
      if (graph_.IsInitializer(value)) return std::make_pair(value, false);
      return std::nullopt;
    }
    const ir::Node& parent_node = graph_.nodes[static_cast<size_t>(parent)];
    if (!parent_node.IsDefaultDomain()) return std::nullopt;
    const std::string& op = parent_node.op_type;
    if (op == "Constant") return std::make_pair(value, true);
    if (op == "Identity" || op == "Transpose" || op == "Reshape" || op == "QuantizeLinear" ||
        op == "DequantizeLinear") {
      return ResolveConstant(parent_node, 0);
    }
    return std::nullopt;
  }

  ir::DType ConstantDType(const std::string& value) const {
    if (const ir::Tensor* init = graph_.FindInitializer(value)) return init->dtype;
    const ValueType* type = Type(value);
    return type ? type->dtype : ir::DType::kUndefined;
  }

 private:
  const ir::Graph& graph_;
  std::map<std::string, ValueType> types_;
  std::map<std::string, int> producer_;
  std::map<std::string, int> consumer_count_;
};

int64_t IntAttribute(const ir::Node& node, const std::string& name, int64_t fallback) {
  const ir::Attribute* attr = node.FindAttribute(name);
  return attr && attr->i ? *attr->i : fallback;
}

// Conv -> GroupConv -> DepthwiseConv, Gather -> Embedding (onnx_metatypes.py subtypes).
Metatype RefineMetatype(const ir::Graph& graph, const ModelIndex& index, const ir::Node& node) {
  if (!node.IsDefaultDomain()) return Metatype::kUnknown;
  Metatype metatype = MetatypeForOpType(node.op_type);
  if (metatype == Metatype::kConv) {
    const ir::Attribute* group_attr = node.FindAttribute("group");
    if (!group_attr || !group_attr->i || *group_attr->i == 1) return Metatype::kConv;
    const int64_t group = *group_attr->i;
    // Depthwise needs the weight as an initializer: groups == in channels, out % in == 0.
    auto weight = index.ResolveConstant(node, 1);
    if (weight && !weight->second) {
      const ir::Tensor* init = graph.FindInitializer(weight->first);
      if (init && init->dims.size() >= 2) {
        const int64_t out_channels = init->dims[0];
        const int64_t in_channels = init->dims[1] * group;
        if (in_channels > 0 && out_channels % in_channels == 0 && out_channels / in_channels > 0 &&
            group == in_channels) {
          return Metatype::kDepthwiseConv;
        }
      }
    }
    return Metatype::kGroupConv;
  }
  if (metatype == Metatype::kGather) {
    auto table = index.ResolveConstant(node, 0);
    if (table && IsQuantizableFloat(index.ConstantDType(table->first))) return Metatype::kEmbedding;
  }
  return metatype;
}

bool HasConstantWeightPort(Metatype metatype) {
  return metatype == Metatype::kConv || metatype == Metatype::kGroupConv ||
         metatype == Metatype::kDepthwiseConv || metatype == Metatype::kConvTranspose ||
         metatype == Metatype::kEmbedding;
}

}  // namespace

const WeightAttr* GraphNode::WeightOnPort(int port) const {
  for (const WeightAttr& weight : weights) {
    if (weight.port == port) return &weight;
  }
  return nullptr;
}

std::string NncfNodeName(const ir::Node& node, size_t index) {
  return node.name.empty() ? node.op_type + "_nncf_" + std::to_string(index) : node.name;
}

NncfGraph NncfGraph::Build(const ir::Model& model) {
  if (!model.graph) Fail(ErrorCode::kInvalidModel, "model has no graph");
  const ir::Graph& graph = *model.graph;
  const ModelIndex index(graph);
  NncfGraph result;

  std::map<std::string, int> name_counts;
  for (size_t i = 0; i < graph.nodes.size(); ++i) {
    const ir::Node& onnx_node = graph.nodes[i];
    GraphNode node;
    node.name = NncfNodeName(onnx_node, i);
    ++name_counts[node.name];
    node.op_type = onnx_node.op_type;
    node.onnx_index = static_cast<int>(i);
    node.inputs = onnx_node.inputs;
    node.outputs = onnx_node.outputs;
    node.metatype = RefineMetatype(graph, index, onnx_node);
    if (node.metatype == Metatype::kGemm) {
      node.trans_a = IntAttribute(onnx_node, "transA", 0) != 0;
      node.trans_b = IntAttribute(onnx_node, "transB", 0) != 0;
    }

    std::set<int> weight_ports;
    if (HasConstantWeightPort(node.metatype)) {
      const int port = node.metatype == Metatype::kEmbedding ? 0 : 1;
      // NNCF assumes this port is constant; a computed weight would crash it. We keep such an
      // input as an activation instead.
      if (index.ResolveConstant(onnx_node, port)) weight_ports.insert(port);
    }
    if (node.metatype == Metatype::kMatMul || node.metatype == Metatype::kGemm) {
      for (int port : {0, 1}) {
        if (index.ResolveConstant(onnx_node, port)) weight_ports.insert(port);
      }
    }
    for (int port : weight_ports) {
      auto resolved = index.ResolveConstant(onnx_node, port);
      WeightAttr weight;
      weight.port = port;
      weight.tensor = onnx_node.inputs[static_cast<size_t>(port)];
      weight.initializer = resolved->first;
      weight.from_constant_node = resolved->second;
      if (const ValueType* type = index.Type(weight.tensor); type && type->shape) {
        weight.shape = *type->shape;
      } else if (const ir::Tensor* init = graph.FindInitializer(weight.initializer)) {
        weight.shape = init->dims;
      }
      weight.dtype = index.ConstantDType(weight.initializer);
      if (index.ConsumerCount(weight.tensor) > 1) node.weight_shared = true;
      node.weights.push_back(weight);
    }

    const bool bias_on_port_2 =
        node.metatype == Metatype::kConv || node.metatype == Metatype::kDepthwiseConv ||
        node.metatype == Metatype::kConvTranspose || node.metatype == Metatype::kGemm;
    if (bias_on_port_2 && onnx_node.inputs.size() > 2) {
      if (auto bias = index.ResolveConstant(onnx_node, 2)) {
        node.bias = BiasAttr{node.name, 2, bias->first, bias->second};
      }
    }
    result.nodes_.push_back(std::move(node));
  }
  for (const auto& [name, count] : name_counts) {
    if (count > 1) {
      Fail(ErrorCode::kInvalidModel, "node name '" + name + "' occurs " + std::to_string(count) +
                                         " times; NNCF needs unique node names");
    }
  }
  for (size_t i = 0; i < result.nodes_.size(); ++i) {
    result.by_name_[result.nodes_[i].name] = static_cast<int>(i);
    for (const std::string& out : result.nodes_[i].outputs) {
      if (!out.empty()) result.producer_[out] = static_cast<int>(i);
    }
  }

  // Consumers of each value, in node order; a node consuming a value twice appears once per port.
  std::map<std::string, std::vector<std::pair<int, int>>> consumer_map;
  for (size_t j = 0; j < graph.nodes.size(); ++j) {
    const auto& inputs = graph.nodes[j].inputs;
    for (size_t port = 0; port < inputs.size(); ++port) {
      if (!inputs[port].empty()) {
        consumer_map[inputs[port]].emplace_back(static_cast<int>(j), static_cast<int>(port));
      }
    }
  }
  auto consumers_of = [&consumer_map](const std::string& value) {
    auto it = consumer_map.find(value);
    return it == consumer_map.end() ? std::vector<std::pair<int, int>>{} : it->second;
  };

  // MatMul bias: the constant operand of the single Add consuming the MatMul output.
  for (GraphNode& node : result.nodes_) {
    if (node.metatype != Metatype::kMatMul || node.weights.empty() || node.outputs.empty())
      continue;
    const std::string& y = node.outputs[0];
    const auto consumers = consumers_of(y);
    if (consumers.size() != 1) continue;
    const ir::Node& add = graph.nodes[static_cast<size_t>(consumers[0].first)];
    if (add.op_type != "Add") continue;
    for (size_t port = 0; port < add.inputs.size(); ++port) {
      if (add.inputs[port] == y) continue;
      const std::string& operand = add.inputs[port];
      const int parent = index.Producer(operand);
      const bool from_constant =
          parent >= 0 && graph.nodes[static_cast<size_t>(parent)].op_type == "Constant";
      if (graph.IsInitializer(operand) || from_constant) {
        node.bias = BiasAttr{result.nodes_[static_cast<size_t>(consumers[0].first)].name,
                             static_cast<int>(port), operand, from_constant};
      }
      break;
    }
  }

  auto add_edge = [&result, &index](const std::string& tensor, int from, int from_port, int to,
                                    int to_port) {
    const ValueType* type = index.Type(tensor);
    if (!type) return;  // not produced by shape inference (e.g. BatchNorm training outputs)
    GraphEdge edge;
    edge.tensor = tensor;
    edge.from = from;
    edge.from_port = from_port;
    edge.to = to;
    edge.to_port = to_port;
    edge.shape = type->shape;
    edge.dtype = type->dtype;
    edge.is_float = IsQuantizableFloat(type->dtype);
    result.edges_.push_back(edge);
  };
  for (size_t i = 0; i < graph.nodes.size(); ++i) {
    const auto& outputs = graph.nodes[i].outputs;
    for (size_t out_port = 0; out_port < outputs.size(); ++out_port) {
      if (outputs[out_port].empty()) continue;
      for (const auto& [to, to_port] : consumers_of(outputs[out_port])) {
        add_edge(outputs[out_port], static_cast<int>(i), static_cast<int>(out_port), to, to_port);
      }
    }
  }
  int input_index = 0;
  for (const ir::ValueInfo& input : graph.inputs) {
    if (graph.IsInitializer(input.name)) continue;
    GraphNode node;
    node.name = "nncf_model_input_" + std::to_string(input_index++);
    node.op_type = "nncf_model_input";
    node.metatype = Metatype::kModelInput;
    node.outputs = {input.name};
    const int id = static_cast<int>(result.nodes_.size());
    result.nodes_.push_back(node);
    result.by_name_[node.name] = id;
    result.input_nodes_.push_back(id);
    for (const auto& [to, to_port] : consumers_of(input.name)) {
      add_edge(input.name, id, 0, to, to_port);
    }
  }
  for (size_t i = 0; i < graph.outputs.size(); ++i) {
    const std::string& value = graph.outputs[i].name;
    const int producer = index.Producer(value);
    if (producer < 0) continue;
    GraphNode node;
    node.name = "nncf_model_output_" + std::to_string(i);
    node.op_type = "nncf_model_output";
    node.metatype = Metatype::kModelOutput;
    node.inputs = {value};
    const int id = static_cast<int>(result.nodes_.size());
    result.nodes_.push_back(node);
    result.by_name_[node.name] = id;
    result.output_nodes_.push_back(id);
    const auto& outputs = graph.nodes[static_cast<size_t>(producer)].outputs;
    const int out_port =
        static_cast<int>(std::find(outputs.begin(), outputs.end(), value) - outputs.begin());
    add_edge(value, producer, out_port, id, 0);
  }

  result.in_edges_.assign(result.nodes_.size(), {});
  result.out_edges_.assign(result.nodes_.size(), {});
  for (size_t e = 0; e < result.edges_.size(); ++e) {
    result.in_edges_[static_cast<size_t>(result.edges_[e].to)].push_back(static_cast<int>(e));
    result.out_edges_[static_cast<size_t>(result.edges_[e].from)].push_back(static_cast<int>(e));
  }
  for (auto& in : result.in_edges_) {
    std::stable_sort(in.begin(), in.end(), [&result](int a, int b) {
      return result.edges_[static_cast<size_t>(a)].to_port <
             result.edges_[static_cast<size_t>(b)].to_port;
    });
  }
  return result;
}

int NncfGraph::FindNode(const std::string& name) const {
  auto it = by_name_.find(name);
  return it == by_name_.end() ? -1 : it->second;
}

std::vector<int> NncfGraph::InEdges(int node) const {
  return in_edges_[static_cast<size_t>(node)];
}

std::vector<int> NncfGraph::OutEdges(int node) const {
  return out_edges_[static_cast<size_t>(node)];
}

std::string NncfGraph::NodeKey(int node) const {
  return std::to_string(node) + " " + nodes_[static_cast<size_t>(node)].name;
}

std::vector<int> NncfGraph::Successors(int node) const {
  std::vector<int> result;
  for (int e : out_edges_[static_cast<size_t>(node)]) {
    const int to = edges_[static_cast<size_t>(e)].to;
    if (std::find(result.begin(), result.end(), to) == result.end()) result.push_back(to);
  }
  return result;
}

std::vector<int> NncfGraph::Predecessors(int node) const {
  // networkx keeps predecessors in the order their first edge was added, i.e. edge order.
  std::vector<int> edges = in_edges_[static_cast<size_t>(node)];
  std::sort(edges.begin(), edges.end());
  std::vector<int> result;
  for (int e : edges) {
    const int from = edges_[static_cast<size_t>(e)].from;
    if (std::find(result.begin(), result.end(), from) == result.end()) result.push_back(from);
  }
  return result;
}

std::vector<int> NncfGraph::EdgesBetween(int from, int to) const {
  std::vector<int> result;
  for (int e : out_edges_[static_cast<size_t>(from)]) {
    if (edges_[static_cast<size_t>(e)].to == to) result.push_back(e);
  }
  return result;
}

std::vector<int> NncfGraph::TopologicalOrder() const {
  // networkx lexicographical_topological_sort keyed by node id: the smallest ready id first.
  std::vector<int> in_degree(nodes_.size(), 0);
  for (const GraphEdge& edge : edges_) ++in_degree[static_cast<size_t>(edge.to)];
  std::priority_queue<int, std::vector<int>, std::greater<int>> ready;
  for (size_t i = 0; i < nodes_.size(); ++i) {
    if (in_degree[i] == 0) ready.push(static_cast<int>(i));
  }
  std::vector<int> order;
  while (!ready.empty()) {
    const int node = ready.top();
    ready.pop();
    order.push_back(node);
    for (int e : out_edges_[static_cast<size_t>(node)]) {
      const int to = edges_[static_cast<size_t>(e)].to;
      if (--in_degree[static_cast<size_t>(to)] == 0) ready.push(to);
    }
  }
  return order;
}

int NncfGraph::Producer(const std::string& tensor) const {
  auto it = producer_.find(tensor);
  return it == producer_.end() ? -1 : it->second;
}

std::vector<std::pair<int, int>> NncfGraph::Consumers(const std::string& tensor) const {
  std::vector<std::pair<int, int>> result;
  for (size_t i = 0; i < nodes_.size(); ++i) {
    if (nodes_[i].onnx_index < 0) continue;
    const auto& inputs = nodes_[i].inputs;
    for (size_t port = 0; port < inputs.size(); ++port) {
      if (inputs[port] == tensor) result.emplace_back(static_cast<int>(i), static_cast<int>(port));
    }
  }
  return result;
}

}  // namespace nncf::algorithms::quantization
