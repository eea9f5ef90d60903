#include "model_structure.h"

#include <map>
#include <string>
#include <vector>

#include "algorithms/common/ignored_scope.h"
#include "core/common/error.h"
#include "onnx/opset_conversion.h"

namespace nncf::testing {
namespace {

std::string ShapeLabel(const ir::ValueInfo& info) {
  if (!info.type || !info.type->IsTensor() || !info.type->shape) return "[]";
  std::string label = "[";
  const std::vector<ir::Dim>& dims = info.type->shape->dims;
  for (size_t i = 0; i < dims.size(); ++i) {
    if (i) label += ", ";
    label += dims[i].IsStatic() ? std::to_string(*dims[i].value) : "-1";
  }
  return label + "]";
}

std::string Style(const ir::ValueInfo& info) {
  const bool is_float32 =
      info.type && info.type->IsTensor() && info.type->tensor_dtype() == ir::DType::kFloat;
  return is_float32 ? "solid" : "dashed";
}

ir::ValueInfo InfoOfInitializer(const ir::Tensor& tensor) {
  ir::ValueInfo info;
  info.name = tensor.name;
  ir::Type type;
  type.kind = ir::Type::Kind::kTensor;
  type.elem_type = static_cast<int32_t>(tensor.dtype);
  type.shape = ir::Shape{};
  for (int64_t d : tensor.dims) {
    ir::Dim dim;
    dim.value = d;
    type.shape->dims.push_back(dim);
  }
  info.type = type;
  return info;
}

}  // namespace

DotGraph ModelStructure(const ir::Model& model) {
  const ir::Graph& graph = *model.graph;
  std::map<std::string, ir::ValueInfo> infos;
  for (const ir::ValueInfo& v : graph.value_info) infos[v.name] = v;
  for (const ir::ValueInfo& v : graph.inputs) infos[v.name] = v;
  for (const ir::ValueInfo& v : graph.outputs) infos[v.name] = v;
  for (const ir::Tensor& t : graph.initializers) infos[t.name] = InfoOfInitializer(t);

  DotGraph result;
  std::vector<std::string> names;
  std::map<std::string, std::string> producer;  // value -> node name
  for (size_t i = 0; i < graph.nodes.size(); ++i) {
    names.push_back(algorithms::NodeNameForScope(graph, i));
    result.nodes.push_back({std::to_string(i), names.back(), graph.nodes[i].op_type});
    for (const std::string& out : graph.nodes[i].outputs) {
      if (!out.empty()) producer[out] = names.back();
    }
  }
  // Every (consumer, input) reading `value`, in node order: one edge each, parallel ones included.
  auto add_edges = [&](const std::string& from, const std::string& value) {
    auto info = infos.find(value);
    if (info == infos.end() || !info->second.type) return;
    for (size_t i = 0; i < graph.nodes.size(); ++i) {
      for (const std::string& in : graph.nodes[i].inputs) {
        if (in == value) {
          result.edges.push_back({from, names[i], ShapeLabel(info->second), Style(info->second)});
        }
      }
    }
  };
  for (size_t i = 0; i < graph.nodes.size(); ++i) {
    for (const std::string& out : graph.nodes[i].outputs) {
      if (!out.empty()) add_edges(names[i], out);
    }
  }
  size_t next_id = graph.nodes.size();
  const std::vector<const ir::ValueInfo*> inputs = graph.RealInputs();
  for (size_t i = 0; i < inputs.size(); ++i) {
    const std::string name = "nncf_model_input_" + std::to_string(i);
    result.nodes.push_back({std::to_string(next_id++), name, "nncf_model_input"});
    add_edges(name, inputs[i]->name);
  }
  for (size_t i = 0; i < graph.outputs.size(); ++i) {
    auto from = producer.find(graph.outputs[i].name);
    if (from == producer.end()) continue;
    const std::string name = "nncf_model_output_" + std::to_string(i);
    result.nodes.push_back({std::to_string(next_id++), name, "nncf_model_output"});
    const ir::ValueInfo& info = infos[graph.outputs[i].name];
    result.edges.push_back({from->second, name, ShapeLabel(info), Style(info)});
  }
  return result;
}

namespace {

// ONNX 1.12 cannot infer past opset 17. A Q/DQ pair keeps its input's shape, its QuantizeLinear
// output has the zero point's element type and its DequantizeLinear output the scale's: enough
// to label the edges the quantizers add where inference cannot run.
ir::Model TypeQdqOutputs(const ir::Model& model) {
  ir::Model typed = model;
  ir::Graph& graph = *typed.graph;
  for (const ir::Node& node : model.graph->nodes) {
    const bool q = node.op_type == "QuantizeLinear";
    if ((!q && node.op_type != "DequantizeLinear") || node.inputs.size() < 3) continue;
    const ir::ValueInfo* input = graph.FindValueInfo(node.inputs[0]);
    const ir::Tensor* typer = graph.FindInitializer(q ? node.inputs[2] : node.inputs[1]);
    if (!input || !input->type || !input->type->shape || !typer) continue;
    ir::ValueInfo out;
    out.name = node.outputs[0];
    out.type = *input->type;
    out.type->elem_type = static_cast<int32_t>(typer->dtype);
    graph.value_info.push_back(std::move(out));
  }
  return typed;
}

}  // namespace

ir::Model InferLikeNncf(const ir::Model& model) {
  ir::Model inferred;
  try {
    inferred = onnx::InferShapes(model);
  } catch (const Error& e) {
    if (e.code() == ErrorCode::kUnsupported && model.DefaultOpset() > 17) {
      return TypeQdqOutputs(model);
    }
    if (e.code() != ErrorCode::kInvalidModel) throw;
    ir::Model loose = model;
    for (ir::ValueInfo& out : loose.graph->outputs) {
      if (out.type && out.type->IsTensor()) out.type->shape.reset();
    }
    inferred = onnx::InferShapes(loose);
  }
  for (size_t i = 0; i < inferred.graph->outputs.size(); ++i) {
    const ir::ValueInfo& declared = model.graph->outputs[i];
    if (declared.type && declared.type->kind != ir::Type::Kind::kUnset) {
      inferred.graph->outputs[i] = declared;
    }
  }
  return inferred;
}

}  // namespace nncf::testing
