#include "onnx/model_validation.h"

#include <onnx/checker.h>
#include <onnx/onnx_pb.h>

#include <functional>
#include <map>
#include <set>
#include <string>
#include <unordered_set>
#include <utility>

#include "core/common/error.h"
#include "onnx/op_schema_registry.h"
#include "onnx/opset_adapters_placeholders.h"
#include "onnx/proto_convert.h"

namespace nncf::onnx {
namespace {

std::string NormalizeDomain(const std::string& domain) {
  return domain == "ai.onnx" ? std::string() : domain;
}

// Names visible while walking a graph: its own values so far, then those of enclosing graphs.
class Scope {
 public:
  explicit Scope(const Scope* parent) : parent_(parent) {}
  bool HasHere(const std::string& name) const { return names_.count(name) != 0; }
  bool Has(const std::string& name) const {
    return HasHere(name) || (parent_ && parent_->Has(name));
  }
  void Add(const std::string& name) { names_.insert(name); }

 private:
  const Scope* parent_;
  std::unordered_set<std::string> names_;
};

[[noreturn]] void Invalid(const std::string& message) {
  Fail(ErrorCode::kInvalidModel, message);
}

// Opset imports in force for a graph or function body.
using OpsetMap = std::map<std::string, int64_t>;

OpsetMap CollectOpsets(const std::vector<ir::OpsetId>& imports, const std::string& owner) {
  OpsetMap opsets;
  for (const ir::OpsetId& id : imports) {
    const std::string domain = NormalizeDomain(id.domain);
    if (id.version < 1) {
      Invalid(owner + " imports domain '" + id.domain + "' with invalid version " +
              std::to_string(id.version));
    }
    if (!opsets.emplace(domain, id.version).second) {
      Invalid(owner + " imports domain '" + id.domain + "' more than once");
    }
  }
  return opsets;
}

class StructureValidator {
 public:
  explicit StructureValidator(const ir::Model& model) : model_(model) {
    for (const ir::Function& function : model.functions) {
      functions_.emplace(NormalizeDomain(function.domain), function.name);
    }
  }

  void Run() {
    if (!model_.graph) Invalid("model has no graph");
    if (model_.ir_version < 3) {
      Invalid("model IR version " + std::to_string(model_.ir_version) +
              " is below 3 (the first with opset imports)");
    }
    if (model_.ir_version > kMaxSupportedIrVersion) {
      Fail(ErrorCode::kUnsupported, "model IR version " + std::to_string(model_.ir_version) +
                                        " is newer than the supported " +
                                        std::to_string(kMaxSupportedIrVersion));
    }
    opsets_ = CollectOpsets(model_.opset_imports, "model");
    const auto default_opset = opsets_.find("");
    if (default_opset == opsets_.end()) {
      // Legal only for models made purely of other domains' ops (e.g. training operators).
      if (const std::string user = FindDefaultDomainNode(); !user.empty()) {
        Invalid("model does not import the default (ai.onnx) opset but " + user + " uses it");
      }
    } else if (default_opset->second > kMaxSupportedOpset) {
      Fail(ErrorCode::kUnsupported,
           "model uses default-domain opset " + std::to_string(default_opset->second) +
               ", newer than the supported " + std::to_string(kMaxSupportedOpset));
    }
    std::set<std::pair<std::string, std::string>> seen_functions;
    for (const ir::Function& function : model_.functions) {
      const std::string where = "function '" + function.domain + ":" + function.name + "'";
      if (function.name.empty()) Invalid("model-local function with an empty name");
      if (!seen_functions.emplace(NormalizeDomain(function.domain), function.name).second) {
        Invalid(where + " is defined more than once");
      }
      CheckFunction(function, where);
    }
    // As ONNX requires: what a caller feeds and gets back is typed.
    for (const ir::ValueInfo& input : model_.graph->inputs) RequireType(input, "input");
    for (const ir::ValueInfo& output : model_.graph->outputs) RequireType(output, "output");
    CheckGraph(*model_.graph, nullptr, opsets_, /*in_function=*/false, "");
  }

 private:
  static void RequireType(const ir::ValueInfo& value, const char* kind) {
    if (!value.type || value.type->kind == ir::Type::Kind::kUnset) {
      Invalid(std::string("main graph ") + kind + " '" + value.name + "' has no type");
    }
    if (value.type->IsTensor() && (value.type->elem_type == 0 || !value.type->shape)) {
      Invalid(std::string("main graph ") + kind + " '" + value.name +
              "' has a tensor type without element type or shape");
    }
  }

  // Label of the first default-domain node anywhere in the model's graphs; "" if none.
  std::string FindDefaultDomainNode() const {
    std::function<std::string(const ir::Graph&)> search = [&](const ir::Graph& graph) {
      for (size_t i = 0; i < graph.nodes.size(); ++i) {
        const ir::Node& node = graph.nodes[i];
        if (node.IsDefaultDomain()) {
          return "node '" +
                 (node.name.empty() ? "#" + std::to_string(i) + " " + node.op_type : node.name) +
                 "'";
        }
        for (const ir::Attribute& attr : node.attributes) {
          std::string found = attr.g ? search(**attr.g) : std::string();
          for (size_t g = 0; found.empty() && g < attr.graphs.size(); ++g) {
            found = search(*attr.graphs[g]);
          }
          if (!found.empty()) return found;
        }
      }
      return std::string();
    };
    return search(*model_.graph);
  }

  void CheckFunction(const ir::Function& function, const std::string& where) {
    OpsetMap opsets = CollectOpsets(function.opset_imports, where);
    for (const auto& [domain, version] : opsets_) opsets.emplace(domain, version);
    Scope scope(nullptr);
    for (const std::string& input : function.inputs) {
      if (input.empty()) Invalid(where + " has an input with an empty name");
      if (scope.HasHere(input)) Invalid(where + " lists input '" + input + "' twice");
      scope.Add(input);
    }
    CheckNodes(function.nodes, &scope, opsets, /*in_function=*/true, where + " ");
    for (const std::string& output : function.outputs) {
      if (!scope.HasHere(output)) {
        Invalid(where + " output '" + output + "' is not produced by any node of its body");
      }
    }
  }

  void CheckGraph(const ir::Graph& graph, const Scope* parent, const OpsetMap& opsets,
                  bool in_function, const std::string& prefix) {
    Scope scope(parent);
    const std::string graph_label = prefix.empty() ? "main graph" : prefix + "subgraph";
    for (const ir::ValueInfo& input : graph.inputs) {
      if (input.name.empty()) Invalid(graph_label + " has an input with an empty name");
      if (scope.HasHere(input.name)) {
        Invalid(graph_label + " lists input '" + input.name + "' more than once");
      }
      scope.Add(input.name);
    }
    std::unordered_set<std::string> initializer_names;
    auto add_initializer = [&](const std::string& name, const char* kind) {
      if (name.empty()) Invalid(graph_label + " has " + kind + " with an empty name");
      if (!initializer_names.insert(name).second) {
        Invalid(graph_label + " initializer '" + name + "' is not unique");
      }
      if (model_.ir_version <= 3 && !scope.HasHere(name)) {
        Invalid(graph_label + " initializer '" + name +
                "' is not a graph input, which IR version 3 requires");
      }
      scope.Add(name);
    };
    for (const ir::Tensor& initializer : graph.initializers) {
      add_initializer(initializer.name, "an initializer");
    }
    for (const std::string& name : graph.sparse_initializer_names) {
      add_initializer(name, "a sparse initializer");
    }
    CheckNodes(graph.nodes, &scope, opsets, in_function, prefix);
    for (const ir::ValueInfo& output : graph.outputs) {
      if (output.name.empty()) Invalid(graph_label + " has an output with an empty name");
      if (!scope.Has(output.name)) {
        Invalid(graph_label + " output '" + output.name +
                "' is not produced by any node, graph input or initializer");
      }
    }
  }

  void CheckNodes(const std::vector<ir::Node>& nodes, Scope* scope, const OpsetMap& opsets,
                  bool in_function, const std::string& prefix) {
    for (size_t index = 0; index < nodes.size(); ++index) {
      const ir::Node& node = nodes[index];
      const std::string where =
          prefix + "node '" +
          (node.name.empty() ? "#" + std::to_string(index) + " " + node.op_type : node.name) + "'";
      if (node.op_type.empty()) Invalid(where + " has an empty op_type");
      for (const std::string& input : node.inputs) {
        if (!input.empty() && !scope->Has(input)) {
          Invalid(where + " (" + node.op_type + ") input '" + input +
                  "' is not produced by an earlier node, a graph input or an initializer");
        }
      }
      const std::string domain = NormalizeDomain(node.domain);
      if (!opsets.count(domain) && !functions_.count({domain, node.op_type})) {
        Invalid(where + " (" + node.op_type + ") uses domain '" + node.domain +
                "', which has no opset import");
      }
      std::set<std::string> attribute_names;
      for (const ir::Attribute& attribute : node.attributes) {
        if (!attribute_names.insert(attribute.name).second) {
          Invalid(where + " has attribute '" + attribute.name + "' more than once");
        }
        CheckAttribute(attribute, *scope, opsets, in_function, where);
      }
      for (const std::string& output : node.outputs) {
        if (output.empty()) continue;
        if (scope->Has(output)) {
          Invalid(where + " (" + node.op_type + ") output '" + output +
                  "' is assigned more than once (graphs must be in SSA form)");
        }
        scope->Add(output);
      }
    }
  }

  void CheckAttribute(const ir::Attribute& attribute, const Scope& scope, const OpsetMap& opsets,
                      bool in_function, const std::string& node_where) {
    const std::string where = node_where + " attribute '" + attribute.name + "'";
    if (attribute.name.empty()) Invalid(node_where + " has an attribute with an empty name");
    if (!attribute.ref_attr_name.empty()) {
      if (!in_function) Invalid(where + " refers to a function attribute outside a function");
      return;
    }
    // Which value fields are set, and the type each one implies.
    std::vector<ir::AttributeType> used;
    if (attribute.f) used.push_back(ir::AttributeType::kFloat);
    if (attribute.i) used.push_back(ir::AttributeType::kInt);
    if (attribute.s) used.push_back(ir::AttributeType::kString);
    if (attribute.t) used.push_back(ir::AttributeType::kTensor);
    if (attribute.g) used.push_back(ir::AttributeType::kGraph);
    if (attribute.sparse_tensor) used.push_back(ir::AttributeType::kSparseTensor);
    if (attribute.tp) used.push_back(ir::AttributeType::kTypeProto);
    if (!attribute.floats.empty()) used.push_back(ir::AttributeType::kFloats);
    if (!attribute.ints.empty()) used.push_back(ir::AttributeType::kInts);
    if (!attribute.strings.empty()) used.push_back(ir::AttributeType::kStrings);
    if (!attribute.tensors.empty()) used.push_back(ir::AttributeType::kTensors);
    if (!attribute.graphs.empty()) used.push_back(ir::AttributeType::kGraphs);
    if (!attribute.sparse_tensors.empty()) used.push_back(ir::AttributeType::kSparseTensors);
    if (!attribute.type_protos.empty()) used.push_back(ir::AttributeType::kTypeProtos);
    if (attribute.type == ir::AttributeType::kUndefined) Invalid(where + " has no type");
    if (used.size() > 1) Invalid(where + " sets more than one value field");
    if (used.size() == 1 && used[0] != attribute.type) {
      Invalid(where + " is declared " + ir::AttributeTypeName(attribute.type) + " but holds " +
              ir::AttributeTypeName(used[0]));
    }
    const bool is_list = attribute.type == ir::AttributeType::kFloats ||
                         attribute.type == ir::AttributeType::kInts ||
                         attribute.type == ir::AttributeType::kStrings ||
                         attribute.type == ir::AttributeType::kTensors ||
                         attribute.type == ir::AttributeType::kGraphs ||
                         attribute.type == ir::AttributeType::kSparseTensors ||
                         attribute.type == ir::AttributeType::kTypeProtos;
    if (used.empty() && !is_list) {
      Invalid(where + " is declared " + ir::AttributeTypeName(attribute.type) +
              " but holds no value");
    }
    if (attribute.g) CheckGraph(**attribute.g, &scope, opsets, in_function, where + " > ");
    for (size_t i = 0; i < attribute.graphs.size(); ++i) {
      CheckGraph(*attribute.graphs[i], &scope, opsets, in_function,
                 where + "[" + std::to_string(i) + "] > ");
    }
  }

  const ir::Model& model_;
  OpsetMap opsets_;
  std::set<std::pair<std::string, std::string>> functions_;
};

// Our replacement for ONNX's per-node schema check where Debian's ONNX is too old.
class SignatureValidator {
 public:
  void CheckGraph(const ir::Graph& graph, int64_t opset, const std::string& prefix) {
    CheckNodes(graph.nodes, opset, prefix);
  }

  void CheckNodes(const std::vector<ir::Node>& nodes, int64_t opset, const std::string& prefix) {
    for (size_t index = 0; index < nodes.size(); ++index) {
      const ir::Node& node = nodes[index];
      const std::string where =
          prefix + "node '" +
          (node.name.empty() ? "#" + std::to_string(index) + " " + node.op_type : node.name) + "'";
      if (node.IsDefaultDomain()) CheckNode(node, opset, where);
      for (const ir::Attribute& attribute : node.attributes) {
        const std::string attr_where = where + " attribute '" + attribute.name + "'";
        if (attribute.g) CheckGraph(**attribute.g, opset, attr_where + " > ");
        for (size_t i = 0; i < attribute.graphs.size(); ++i) {
          CheckGraph(*attribute.graphs[i], opset, attr_where + "[" + std::to_string(i) + "] > ");
        }
      }
    }
  }

 private:
  static void CheckNode(const ir::Node& node, int64_t opset, const std::string& where) {
    const std::optional<OpSignature> sig = FindOpSignature(node.op_type, opset);
    const std::string op = node.op_type;
    if (!sig) {
      Invalid(where + ": operator '" + op + "' does not exist in the default domain at opset " +
              std::to_string(opset));
    }
    const std::string versioned = op + "-" + std::to_string(sig->since_version);
    if (sig->deprecated) {
      Invalid(where + ": operator '" + versioned + "' is deprecated at opset " +
              std::to_string(opset));
    }
    auto check_count = [&](size_t count, int min, int max, const char* what) {
      if (static_cast<int64_t>(count) < min || static_cast<int64_t>(count) > max) {
        Invalid(where + " (" + versioned + ") has " + std::to_string(count) + " " + what +
                ", expected " + std::to_string(min) +
                (max == kVariadic ? " or more" : (max == min ? "" : " to " + std::to_string(max))));
      }
    };
    check_count(node.inputs.size(), sig->min_inputs, sig->max_inputs, "inputs");
    check_count(node.outputs.size(), sig->min_outputs, sig->max_outputs, "outputs");
    for (const ir::Attribute& attribute : node.attributes) {
      const AttributeSpec* spec = sig->FindAttribute(attribute.name);
      if (!spec) {
        if (sig->allows_unchecked_attributes) continue;
        Invalid(where + " (" + versioned + ") has unknown attribute '" + attribute.name + "'");
      }
      if (attribute.ref_attr_name.empty() && attribute.type != spec->type) {
        Invalid(where + " (" + versioned + ") attribute '" + attribute.name + "' has type " +
                ir::AttributeTypeName(attribute.type) + ", expected " +
                ir::AttributeTypeName(spec->type));
      }
    }
    for (const AttributeSpec& spec : sig->attributes) {
      if (spec.required && !node.FindAttribute(spec.name)) {
        Invalid(where + " (" + versioned + ") lacks required attribute '" + spec.name + "'");
      }
    }
  }
};

void RunOnnxChecker(const ir::Model& model) {
  ::onnx::ModelProto proto;
  // Weights were resolved (and their sizes checked) on import; the checker only needs their
  // names, types and dims, so large ones are not copied into the proto.
  PlaceholderWriter writer;
  ModelToProto(model, &proto, &writer);
  try {
    ::onnx::checker::check_model(proto);
  } catch (const ::onnx::checker::ValidationError& e) {
    Invalid(std::string("ONNX checker: ") + e.what());
  }
}

void CheckSignatures(const ir::Model& model) {
  SignatureValidator validator;
  validator.CheckGraph(*model.graph, model.DefaultOpset(), "");
  for (const ir::Function& function : model.functions) {
    int64_t opset = model.DefaultOpset();
    for (const ir::OpsetId& id : function.opset_imports) {
      if (NormalizeDomain(id.domain).empty()) opset = id.version;
    }
    if (opset > kMaxSupportedOpset) {
      Fail(ErrorCode::kUnsupported, "function '" + function.name + "' uses default-domain opset " +
                                        std::to_string(opset) + ", newer than the supported " +
                                        std::to_string(kMaxSupportedOpset));
    }
    validator.CheckNodes(function.nodes, opset, "function '" + function.name + "' ");
  }
}

}  // namespace

void ValidateModel(const ir::Model& model) {
  StructureValidator(model).Run();
  if (model.DefaultOpset() <= kOnnxLibMaxOpset && model.ir_version <= kOnnxLibMaxIrVersion) {
    RunOnnxChecker(model);
  } else {
    CheckSignatures(model);
  }
}

}  // namespace nncf::onnx
