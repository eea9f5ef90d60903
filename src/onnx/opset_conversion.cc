#include "onnx/opset_conversion.h"

#include <onnx/defs/schema.h>
#include <onnx/onnx_pb.h>
#include <onnx/shape_inference/implementation.h>
#include <onnx/version_converter/convert.h>

#include <exception>
#include <functional>
#include <map>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "core/common/error.h"
#include "onnx/model_validation.h"
#include "onnx/opset_adapters.h"
#include "onnx/opset_adapters_placeholders.h"
#include "onnx/proto_convert.h"

namespace nncf::onnx {
namespace {

void CheckOpsetRange(int64_t opset, const char* what) {
  if (opset < 1) {
    Fail(ErrorCode::kInvalidArgument,
         std::string(what) + " " + std::to_string(opset) + " is not a valid opset");
  }
  if (opset > kMaxSupportedOpset) {
    Fail(ErrorCode::kUnsupported, std::string(what) + " " + std::to_string(opset) +
                                      " is newer than the supported " +
                                      std::to_string(kMaxSupportedOpset));
  }
}

int64_t SourceOpset(const ir::Model& model) {
  if (!model.graph) Fail(ErrorCode::kInvalidModel, "model has no graph");
  const int64_t opset = model.DefaultOpset();
  if (opset == 0) Fail(ErrorCode::kInvalidModel, "model does not import the default opset");
  CheckOpsetRange(opset, "model opset");
  return opset;
}

void ForEachGraph(const ir::Graph& graph, const std::function<void(const ir::Graph&)>& visit) {
  visit(graph);
  for (const ir::Node& node : graph.nodes) {
    for (const ir::Attribute& attr : node.attributes) {
      if (attr.g) ForEachGraph(**attr.g, visit);
      for (const auto& g : attr.graphs) ForEachGraph(*g, visit);
    }
  }
}

// True when ONNX's schemas of an op at two versions differ in more than their type
// constraints: formal inputs/outputs, attributes or attribute defaults.
bool SignatureChanged(const ::onnx::OpSchema& a, const ::onnx::OpSchema& b) {
  if (a.SinceVersion() == b.SinceVersion()) return false;
  if (a.Deprecated() || b.Deprecated()) return true;  // e.g. Scatter -> ScatterElements
  if (a.min_input() != b.min_input() || a.max_input() != b.max_input() ||
      a.min_output() != b.min_output() || a.max_output() != b.max_output() ||
      a.inputs().size() != b.inputs().size() || a.outputs().size() != b.outputs().size() ||
      a.attributes().size() != b.attributes().size()) {
    return true;
  }
  for (size_t i = 0; i < a.inputs().size(); ++i) {
    if (a.inputs()[i].GetName() != b.inputs()[i].GetName() ||
        a.inputs()[i].GetOption() != b.inputs()[i].GetOption()) {
      return true;
    }
  }
  for (const auto& [name, attr] : a.attributes()) {
    const auto it = b.attributes().find(name);
    if (it == b.attributes().end() || it->second.type != attr.type ||
        it->second.required != attr.required ||
        it->second.default_value.SerializeAsString() != attr.default_value.SerializeAsString()) {
      return true;
    }
  }
  return false;
}

// True when some default-domain op of the model changed its signature between opsets `a` and
// `b` (both <= 17). Otherwise moving the opset import is the whole conversion: changes that only
// widened type constraints (e.g. bfloat16 at 14) need no rewrite, and ONNX's converter has no
// downward adapters for them. The lossy trip through ONNX's in-memory graph is skipped too.
bool OnnxConversionNeeded(const ir::Model& model, int64_t a, int64_t b) {
  bool needed = false;
  auto check = [&](const ir::Node& node) {
    if (!node.IsDefaultDomain()) return;
    const auto* sa = ::onnx::OpSchemaRegistry::Schema(node.op_type, static_cast<int>(a));
    const auto* sb = ::onnx::OpSchemaRegistry::Schema(node.op_type, static_cast<int>(b));
    if (!sa || !sb || SignatureChanged(*sa, *sb)) needed = true;
  };
  ForEachGraph(*model.graph, [&](const ir::Graph& graph) {
    for (const ir::Node& node : graph.nodes) check(node);
  });
  for (const ir::Function& function : model.functions) {
    for (const ir::Node& node : function.nodes) check(node);
  }
  return needed;
}

// Gives placeholder tensors back their original bytes on import.
class PlaceholderReader final : public ExternalDataReader {
 public:
  explicit PlaceholderReader(const std::vector<ir::Tensor>& tensors) : tensors_(tensors) {}
  std::shared_ptr<const ir::Buffer> Read(const std::string& tensor_name,
                                         const ExternalDataEntries& entries,
                                         size_t nbytes) override {
    for (const auto& [key, value] : entries) {
      if (key != PlaceholderWriter::kIndexKey) continue;
      const size_t index = std::stoul(value);
      if (index < tensors_.size() && tensors_[index].ByteSize() == nbytes) {
        return tensors_[index].data;
      }
    }
    Fail(ErrorCode::kInternal, "tensor '" + tensor_name + "' lost its data during conversion");
  }

 private:
  const std::vector<ir::Tensor>& tensors_;
};

// ONNX's in-memory graph drops external-data markers: find the placeholders again by name,
// type and dims (in order) and mark them so that import asks PlaceholderReader for their bytes.
void RemarkPlaceholders(const std::vector<ir::Tensor>& placeholders, ::onnx::ModelProto* proto) {
  using Key = std::tuple<std::string, int32_t, std::vector<int64_t>>;
  std::map<Key, std::vector<size_t>> pending;
  for (size_t i = placeholders.size(); i-- > 0;) {
    const ir::Tensor& t = placeholders[i];
    pending[Key{t.name, static_cast<int32_t>(t.dtype), t.dims}].push_back(i);
  }
  std::function<void(::onnx::TensorProto*)> fix = [&](::onnx::TensorProto* tensor) {
    const bool has_data =
        tensor->has_raw_data() || tensor->float_data_size() || tensor->int32_data_size() ||
        tensor->int64_data_size() || tensor->double_data_size() || tensor->uint64_data_size() ||
        tensor->string_data_size() || tensor->data_location() == ::onnx::TensorProto::EXTERNAL;
    if (has_data) return;
    auto it = pending.find(Key{tensor->name(), tensor->data_type(),
                               std::vector<int64_t>(tensor->dims().begin(), tensor->dims().end())});
    if (it == pending.end() || it->second.empty()) return;
    const size_t index = it->second.back();
    it->second.pop_back();
    tensor->set_data_location(::onnx::TensorProto::EXTERNAL);
    auto* location = tensor->add_external_data();
    location->set_key("location");
    location->set_value(PlaceholderWriter::kPlaceholderLocation);
    auto* marker = tensor->add_external_data();
    marker->set_key(PlaceholderWriter::kIndexKey);
    marker->set_value(std::to_string(index));
  };
  std::function<void(::onnx::GraphProto*)> walk = [&](::onnx::GraphProto* graph) {
    for (auto& init : *graph->mutable_initializer()) fix(&init);
    for (auto& node : *graph->mutable_node()) {
      for (auto& attr : *node.mutable_attribute()) {
        if (attr.has_t()) fix(attr.mutable_t());
        for (auto& t : *attr.mutable_tensors()) fix(&t);
        if (attr.has_g()) walk(attr.mutable_g());
        for (auto& g : *attr.mutable_graphs()) walk(&g);
      }
    }
  };
  walk(proto->mutable_graph());
}

// Imported placeholders come back as external tensors with our marker: replace each by the
// original tensor so that its encoding and external-data record survive.
void RestorePlaceholders(const std::vector<ir::Tensor>& placeholders, ir::Graph* graph) {
  auto restore = [&](ir::Tensor* tensor) {
    for (const auto& [key, value] : tensor->external_data) {
      if (key == PlaceholderWriter::kIndexKey) {
        *tensor = placeholders.at(std::stoul(value));
        return;
      }
    }
  };
  for (ir::Tensor& init : graph->initializers) restore(&init);
  for (ir::Node& node : graph->nodes) {
    for (ir::Attribute& attr : node.attributes) {
      if (attr.t) restore(&*attr.t);
      for (ir::Tensor& t : attr.tensors) restore(&t);
      if (attr.g) RestorePlaceholders(placeholders, &**attr.g);
      for (auto& g : attr.graphs) RestorePlaceholders(placeholders, &*g);
    }
  }
}

// Conversion between opsets <= 17 with ONNX's version converter.
ir::Model OnnxLibConvert(const ir::Model& model, int64_t source, int64_t target) {
  if (source == target || !OnnxConversionNeeded(model, source, target)) {
    ir::Model result = model;
    result.SetOpset("", target);
    return result;
  }
  ::onnx::ModelProto proto;
  PlaceholderWriter writer;
  ModelToProto(model, &proto, &writer);
  ::onnx::ModelProto converted;
  try {
    converted = ::onnx::version_conversion::ConvertVersion(proto, static_cast<int>(target));
  } catch (const std::exception& e) {
    Fail(ErrorCode::kUnsupported, "ONNX version converter cannot convert the model from opset " +
                                      std::to_string(source) + " to " + std::to_string(target) +
                                      ": " + e.what());
  }
  RemarkPlaceholders(writer.tensors(), &converted);
  PlaceholderReader reader(writer.tensors());
  ir::Model result = ModelFromProto(converted, &reader);
  RestorePlaceholders(writer.tensors(), &*result.graph);
  // ONNX's in-memory graph carries neither model-local functions nor training info.
  result.functions = model.functions;
  result.training_info = model.training_info;
  result.unknown_fields = model.unknown_fields;
  result.explicit_defaults = model.explicit_defaults;
  result.SetOpset("", target);
  return result;
}

// Copies what inference found in `inferred` (value_info, output types) onto `target`, walking
// subgraphs in parallel: nodes correspond one to one, subgraph attributes by name.
void CopyInferred(const ::onnx::ModelProto& frame, const ::onnx::GraphProto& inferred,
                  ir::Graph* target) {
  // Import just the value infos through a shell model so their types convert as on load.
  ::onnx::ModelProto shell;
  shell.set_ir_version(frame.ir_version());
  *shell.mutable_opset_import() = frame.opset_import();
  *shell.mutable_graph()->mutable_value_info() = inferred.value_info();
  *shell.mutable_graph()->mutable_output() = inferred.output();
  ir::Model imported = ModelFromProto(shell, nullptr);
  target->value_info = std::move(imported.graph->value_info);
  for (size_t i = 0; i < target->outputs.size() && i < imported.graph->outputs.size(); ++i) {
    const auto& type = imported.graph->outputs[i].type;
    if (type && type->kind != ir::Type::Kind::kUnset) target->outputs[i].type = type;
  }
  const int node_count =
      std::min<int>(inferred.node_size(), static_cast<int>(target->nodes.size()));
  for (int n = 0; n < node_count; ++n) {
    for (ir::Attribute& attr : target->nodes[n].attributes) {
      for (const auto& attr_proto : inferred.node(n).attribute()) {
        if (attr_proto.name() != attr.name) continue;
        if (attr.g && attr_proto.has_g()) CopyInferred(frame, attr_proto.g(), &**attr.g);
        for (size_t g = 0; g < attr.graphs.size() && static_cast<int>(g) < attr_proto.graphs_size();
             ++g) {
          CopyInferred(frame, attr_proto.graphs(static_cast<int>(g)), &*attr.graphs[g]);
        }
      }
    }
  }
}

bool HasType(const ::onnx::ValueInfoProto& value) {
  // Inference leaves an empty `type {}` on outputs it could not type.
  if (!value.has_type() || value.type().value_case() == ::onnx::TypeProto::VALUE_NOT_SET) {
    return false;
  }
  return !value.type().has_tensor_type() || value.type().tensor_type().elem_type() != 0;
}

// Runs ONNX shape inference on `source` (opset <= 17) and puts the result onto `target`, a
// model with the same graphs and value names.
void InferWithOnnxLib(const ir::Model& source, ir::Model* target) {
  ::onnx::ModelProto proto;
  PlaceholderWriter writer;
  ModelToProto(source, &proto, &writer);
  const int value_info_before = proto.graph().value_info_size();
  try {
    ::onnx::ShapeInferenceOptions options(/*check_type_val=*/false, /*strict_mode_val=*/0,
                                          /*data_prop_val=*/true);
    ::onnx::shape_inference::InferShapes(proto, ::onnx::OpSchemaRegistry::Instance(), options);
  } catch (const std::exception& e) {
    Fail(ErrorCode::kInvalidModel, std::string("shape inference failed: ") + e.what());
  }
  const ::onnx::GraphProto& graph = proto.graph();
  if (graph.node_size() > 0 && graph.value_info_size() == value_info_before) {
    for (const auto& output : graph.output()) {
      if (!HasType(output)) {
        const auto& first = graph.node(0);
        Fail(ErrorCode::kUnsupported,
             "shape inference produced nothing for graph '" + graph.name() + "' (output '" +
                 output.name() + "' has no type; first node '" +
                 (first.name().empty() ? "#0 " + first.op_type() : first.name()) + "')");
      }
    }
  }
  CopyInferred(proto, graph, &*target->graph);
}

}  // namespace

ir::Model ConvertOpset(const ir::Model& model, int64_t target_opset) {
  const int64_t source = SourceOpset(model);
  CheckOpsetRange(target_opset, "target opset");
  if (source <= kOnnxLibMaxOpset && target_opset <= kOnnxLibMaxOpset) {
    return OnnxLibConvert(model, source, target_opset);
  }
  if (target_opset >= source) {
    ir::Model result =
        source < kOnnxLibMaxOpset ? OnnxLibConvert(model, source, kOnnxLibMaxOpset) : model;
    for (int64_t v = std::max(source, kOnnxLibMaxOpset); v < target_opset; ++v) {
      UpgradeOneOpset(&result, v);
    }
    return result;
  }
  ir::Model result = model;
  for (int64_t v = source; v > std::max(target_opset, kOnnxLibMaxOpset); --v) {
    DowngradeOneOpset(&result, v);
  }
  if (target_opset < kOnnxLibMaxOpset) {
    return OnnxLibConvert(result, kOnnxLibMaxOpset, target_opset);
  }
  return result;
}

ir::Model InferShapes(const ir::Model& model) {
  const int64_t opset = SourceOpset(model);
  ir::Model result = model;
  if (opset <= kOnnxLibMaxOpset) {
    InferWithOnnxLib(model, &result);
    return result;
  }
  // Infer on a copy lowered to 17 by our adapters; they keep every node and value name, so
  // the inferred value infos apply to the original as they are.
  ir::Model lowered = model;
  for (int64_t v = opset; v > kOnnxLibMaxOpset; --v) DowngradeOneOpset(&lowered, v);
  InferWithOnnxLib(lowered, &result);
  return result;
}

}  // namespace nncf::onnx
