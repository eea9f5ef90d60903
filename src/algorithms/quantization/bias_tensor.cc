#include "algorithms/quantization/bias_tensor.h"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "algorithms/quantization/channel_means.h"
#include "core/common/error.h"

namespace nncf::algorithms::quantization {

namespace {

const ir::Node* FindNode(const ir::Graph& graph, const std::string& name) {
  for (const ir::Node& node : graph.nodes) {
    if (node.name == name) return &node;
  }
  return nullptr;
}

// GraphT / NodeT: const or mutable ir::Graph / ir::Node.
template <typename GraphT>
auto FindConstantProducing(GraphT& graph, const std::string& value) -> decltype(&graph.nodes[0]) {
  for (auto& node : graph.nodes) {
    if (node.op_type == "Constant" && node.IsDefaultDomain() && !node.outputs.empty() &&
        node.outputs[0] == value) {
      return &node;
    }
  }
  return nullptr;
}

// The Constant attribute holding the value: value, value_float or value_floats.
template <typename NodeT>
auto ConstantValueAttribute(NodeT& node) -> decltype(&node.attributes[0]) {
  for (auto& attribute : node.attributes) {
    if (attribute.name == "value" || attribute.name == "value_float" ||
        attribute.name == "value_floats") {
      return &attribute;
    }
  }
  return nullptr;
}

// Whether the bias input of attr.node still is attr.tensor. A node without a name in the model
// (the graph calls it <op_type>_nncf_<i>) is recognised by that input alone.
bool FeedsBiasPort(const ir::Graph& graph, const BiasAttr& attr) {
  const size_t port = static_cast<size_t>(attr.port);
  auto feeds = [&](const ir::Node& node) {
    return attr.port >= 0 && port < node.inputs.size() && node.inputs[port] == attr.tensor;
  };
  if (const ir::Node* node = FindNode(graph, attr.node)) return feeds(*node);
  for (const ir::Node& node : graph.nodes) {
    if (node.name.empty() && feeds(node)) return true;
  }
  return false;
}

std::vector<int64_t> Strides(const std::vector<int64_t>& dims) {
  std::vector<int64_t> strides(dims.size(), 1);
  for (size_t i = dims.size(); i-- > 1;) strides[i - 1] = strides[i] * dims[i];
  return strides;
}

// Values of `values` (shape `dims`) broadcast to `out` (numpy rules, dims right-aligned).
std::vector<float> Broadcast(const std::vector<float>& values, const std::vector<int64_t>& dims,
                             const std::vector<int64_t>& out) {
  std::vector<int64_t> aligned(out.size(), 1);
  std::copy(dims.begin(), dims.end(), aligned.end() - static_cast<std::ptrdiff_t>(dims.size()));
  const std::vector<int64_t> in_strides = Strides(aligned);
  int64_t count = 1;
  for (int64_t d : out) count *= d;
  std::vector<float> result(static_cast<size_t>(count));
  std::vector<int64_t> index(out.size(), 0);
  for (int64_t flat = 0; flat < count; ++flat) {
    int64_t source = 0;
    for (size_t a = 0; a < out.size(); ++a) {
      if (aligned[a] != 1) source += index[a] * in_strides[a];
    }
    result[static_cast<size_t>(flat)] = values[static_cast<size_t>(source)];
    for (size_t a = out.size(); a-- > 0;) {
      if (++index[a] < out[a]) break;
      index[a] = 0;
    }
  }
  return result;
}

void UpdateDeclaredShape(std::vector<ir::ValueInfo>& infos, const std::string& name,
                         const std::vector<int64_t>& dims) {
  for (ir::ValueInfo& info : infos) {
    if (info.name != name || !info.type || !info.type->IsTensor()) continue;
    ir::Shape shape;
    for (int64_t d : dims) {
      ir::Dim dim;
      dim.value = d;
      shape.dims.push_back(std::move(dim));
    }
    info.type->shape = std::move(shape);
  }
}

}  // namespace

std::optional<BiasValue> ReadBias(const ir::Model& model, const BiasAttr& attr) {
  if (!model.graph || !FeedsBiasPort(*model.graph, attr)) return std::nullopt;
  const ir::Graph& graph = *model.graph;
  BiasValue bias;
  if (const ir::Tensor* initializer = graph.FindInitializer(attr.tensor)) {
    if (!IsCorrectableFloat(initializer->dtype)) return std::nullopt;
    bias.values = (*initializer).ToFloats();
    bias.dims = initializer->dims;
    bias.dtype = initializer->dtype;
    return bias;
  }
  const ir::Node* constant = FindConstantProducing(graph, attr.tensor);
  if (constant == nullptr) return std::nullopt;
  const ir::Attribute* value = ConstantValueAttribute(*constant);
  if (value == nullptr) return std::nullopt;
  if (value->name == "value" && value->t) {
    if (!IsCorrectableFloat(value->t->dtype)) return std::nullopt;
    bias.values = (*value->t).ToFloats();
    bias.dims = value->t->dims;
    bias.dtype = value->t->dtype;
  } else if (value->name == "value_float" && value->f) {
    bias.values = {*value->f};
  } else if (value->name == "value_floats") {
    bias.values = value->floats;
    bias.dims = {static_cast<int64_t>(value->floats.size())};
  } else {
    return std::nullopt;
  }
  return bias;
}

void WriteBias(ir::Model& model, const BiasAttr& attr, const BiasValue& value) {
  if (!model.graph || !FeedsBiasPort(*model.graph, attr)) {
    Fail(ErrorCode::kNotFound, "bias '" + attr.tensor + "' no longer feeds input " +
                                   std::to_string(attr.port) + " of node '" + attr.node + "'");
  }
  ir::Graph& graph = *model.graph;
  if (ir::Tensor* initializer = graph.FindInitializer(attr.tensor)) {
    ir::Tensor updated = ir::Tensor::FromFloats(attr.tensor, value.dtype, value.dims, value.values);
    const bool reshaped = updated.dims != initializer->dims;
    // Keep what describes the tensor; its element bytes are new and stored inline.
    updated.doc_string = initializer->doc_string;
    updated.unknown_fields = initializer->unknown_fields;
    *initializer = std::move(updated);
    if (reshaped) {
      UpdateDeclaredShape(graph.inputs, attr.tensor, value.dims);
      UpdateDeclaredShape(graph.value_info, attr.tensor, value.dims);
      UpdateDeclaredShape(graph.outputs, attr.tensor, value.dims);
    }
    return;
  }
  ir::Node* constant = FindConstantProducing(graph, attr.tensor);
  ir::Attribute* attribute = constant != nullptr ? ConstantValueAttribute(*constant) : nullptr;
  if (attribute == nullptr) {
    Fail(ErrorCode::kNotFound, "bias '" + attr.tensor + "' of node '" + attr.node +
                                   "' is neither an initializer nor a Constant's value");
  }
  const ir::DType dtype =
      attribute->name == "value" && attribute->t ? attribute->t->dtype : ir::DType::kFloat;
  if (attribute->name == "value_float" && value.dims.empty()) {
    *attribute = ir::Attribute::Float("value_float", value.values[0]);
  } else if (attribute->name == "value_floats" && value.dims.size() == 1) {
    *attribute = ir::Attribute::Floats("value_floats", value.values);
  } else {
    // A scalar or vector form that the shift outgrew becomes a tensor value.
    *attribute = ir::Attribute::TensorValue(
        "value",
        ir::Tensor::FromFloats(attribute->name == "value" && attribute->t ? attribute->t->name : "",
                               dtype, value.dims, value.values));
  }
  UpdateDeclaredShape(graph.value_info, attr.tensor, value.dims);
  UpdateDeclaredShape(graph.outputs, attr.tensor, value.dims);
}

std::optional<ShiftedBias> ShiftBias(const BiasValue& bias, const std::vector<float>& shift,
                                     int64_t channel_axis) {
  const int64_t channels = static_cast<int64_t>(shift.size());
  std::vector<int64_t> shift_dims = {channels};
  if (bias.dims.size() > 1) {
    const int64_t rank = static_cast<int64_t>(bias.dims.size());
    const int64_t axis = channel_axis < 0 ? channel_axis + rank : channel_axis;
    if (axis < 0 || axis >= rank) return std::nullopt;
    shift_dims.assign(bias.dims.size(), 1);
    shift_dims[static_cast<size_t>(axis)] = channels;
  }
  const size_t rank = std::max(bias.dims.size(), shift_dims.size());
  std::vector<int64_t> out(rank, 1);
  for (size_t i = 0; i < rank; ++i) {
    const int64_t a = i + bias.dims.size() >= rank ? bias.dims[i + bias.dims.size() - rank] : 1;
    const int64_t b = i + shift_dims.size() >= rank ? shift_dims[i + shift_dims.size() - rank] : 1;
    if (a != b && a != 1 && b != 1) return std::nullopt;
    out[i] = a == 1 ? b : a;
  }
  ShiftedBias result;
  result.original = Broadcast(bias.values, bias.dims, out);
  result.shift = Broadcast(shift, shift_dims, out);
  result.updated.dims = out;
  result.updated.dtype = bias.dtype;
  result.updated.values.resize(result.original.size());
  for (size_t i = 0; i < result.original.size(); ++i) {
    result.updated.values[i] = result.original[i] + result.shift[i];
  }
  return result;
}

}  // namespace nncf::algorithms::quantization
