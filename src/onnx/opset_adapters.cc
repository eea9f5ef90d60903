#include "onnx/opset_adapters.h"

#include <algorithm>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <unordered_set>
#include <utility>
#include <vector>

#include "core/common/error.h"
#include "onnx/op_schema_registry.h"

namespace nncf::onnx {
namespace {

// Reduce ops whose `axes` moved from attribute to input at opset 18 (ReduceSum did so at 13).
const std::set<std::string>& ReduceOpsWithAxesInputAt18() {
  static const std::set<std::string> ops = {"ReduceL1",        "ReduceL2",   "ReduceLogSum",
                                            "ReduceLogSumExp", "ReduceMax",  "ReduceMean",
                                            "ReduceMin",       "ReduceProd", "ReduceSumSquare"};
  return ops;
}

std::string NodeLabel(const ir::Node& node, size_t index) {
  return "node '" +
         (node.name.empty() ? "#" + std::to_string(index) + " " + node.op_type : node.name) + "'";
}

void RemoveAttribute(ir::Node* node, const std::string& name) {
  auto& attrs = node->attributes;
  attrs.erase(std::remove_if(attrs.begin(), attrs.end(),
                             [&](const ir::Attribute& a) { return a.name == name; }),
              attrs.end());
}

int64_t IntAttribute(const ir::Node& node, const std::string& name, int64_t fallback) {
  const ir::Attribute* attr = node.FindAttribute(name);
  return attr && attr->i ? *attr->i : fallback;
}

std::string StringAttribute(const ir::Node& node, const std::string& name,
                            const std::string& fallback) {
  const ir::Attribute* attr = node.FindAttribute(name);
  return attr && attr->s ? *attr->s : fallback;
}

void SetAttribute(ir::Node* node, ir::Attribute attribute) {
  RemoveAttribute(node, attribute.name);
  node->attributes.push_back(std::move(attribute));
}

// Drops trailing omitted ("") optional inputs, which ONNX treats as absent.
void TrimTrailingEmptyInputs(ir::Node* node) {
  while (!node->inputs.empty() && node->inputs.back().empty()) node->inputs.pop_back();
}

bool HasInput(const ir::Node& node, size_t index) {
  return node.inputs.size() > index && !node.inputs[index].empty();
}

ir::Tensor Int64Tensor(const std::string& name, const std::vector<int64_t>& values,
                       std::vector<int64_t> dims) {
  // IR tensors hold little-endian bytes.
  std::vector<uint8_t> bytes(values.size() * 8);
  for (size_t i = 0; i < values.size(); ++i) {
    const uint64_t v = static_cast<uint64_t>(values[i]);
    for (int b = 0; b < 8; ++b) bytes[i * 8 + b] = static_cast<uint8_t>(v >> (8 * b));
  }
  return ir::Tensor::FromBytes(name, ir::DType::kInt64, std::move(dims), bytes.data(),
                               bytes.size());
}

std::vector<int64_t> TensorToInts(const ir::Tensor& tensor) {
  std::vector<int64_t> values;
  const int64_t count = tensor.NumElements();
  values.reserve(static_cast<size_t>(count));
  for (int64_t i = 0; i < count; ++i) {
    values.push_back(static_cast<int64_t>(tensor.GetAsDouble(i)));
  }
  return values;
}

// Walks every graph of a model (main graph and subgraphs, innermost last on the stack) and
// rewrites default-domain nodes through a per-node callback.
class ModelRewriter {
 public:
  using NodeRewrite = std::function<void(ir::Node* node, const std::string& where)>;

  ModelRewriter(ir::Model* model, int64_t from, int64_t to) : model_(model), from_(from), to_(to) {
    CollectNames();
  }

  void Run(const NodeRewrite& rewrite) {
    rewrite_ = &rewrite;
    VisitGraph(&*model_->graph, "");
    for (ir::Function& function : model_->functions) {
      bool imports_default = false;
      for (ir::OpsetId& id : function.opset_imports) {
        if ((id.domain.empty() || id.domain == "ai.onnx") && id.version == from_) {
          imports_default = true;
          id.version = to_;
        }
      }
      if (!imports_default) continue;
      // Function bodies have no initializers to hold new constants: any rewrite that needs one
      // is reported as unsupported by the callback through `stack_` being empty.
      for (size_t i = 0; i < function.nodes.size(); ++i) {
        ir::Node& node = function.nodes[i];
        if (node.IsDefaultDomain()) {
          rewrite(&node, "function '" + function.name + "' " + NodeLabel(node, i));
        }
      }
    }
    RemoveUnusedInitializers();
    model_->SetOpset("", to_);
  }

  // Adds an int64 initializer next to the node being rewritten; returns its name.
  std::string AddInt64Initializer(const std::string& base, const std::vector<int64_t>& values,
                                  std::vector<int64_t> dims, const std::string& where,
                                  const std::string& op_type) {
    if (stack_.empty()) {
      Fail(ErrorCode::kUnsupported, where + " (" + op_type +
                                        "): cannot add a constant input inside a model-local "
                                        "function body");
    }
    std::string name = base;
    for (int suffix = 1; names_.count(name); ++suffix) name = base + "_" + std::to_string(suffix);
    names_.insert(name);
    stack_.back()->initializers.push_back(Int64Tensor(name, values, std::move(dims)));
    return name;
  }

  // Value of a constant input: an initializer or a Constant node output visible from the node
  // being rewritten; nullopt when the value is computed at run time.
  std::optional<std::vector<int64_t>> FindConstantInts(const std::string& value) const {
    for (auto it = stack_.rbegin(); it != stack_.rend(); ++it) {
      if (const ir::Tensor* init = (*it)->FindInitializer(value)) return TensorToInts(*init);
      for (const ir::Node& node : (*it)->nodes) {
        if (node.op_type != "Constant" || !node.IsDefaultDomain() || node.outputs.empty() ||
            node.outputs[0] != value) {
          continue;
        }
        if (const ir::Attribute* attr = node.FindAttribute("value"); attr && attr->t) {
          return TensorToInts(*attr->t);
        }
        if (const ir::Attribute* attr = node.FindAttribute("value_ints")) return attr->ints;
        if (const ir::Attribute* attr = node.FindAttribute("value_int"); attr && attr->i) {
          return std::vector<int64_t>{*attr->i};
        }
      }
    }
    return std::nullopt;
  }

  // The node no longer reads `value`: drop its initializer if nothing else does.
  void ReleaseInput(const std::string& value) {
    if (!stack_.empty()) released_.emplace_back(stack_.back(), value);
  }

 private:
  void CollectNames() {
    std::function<void(const ir::Graph&)> collect = [&](const ir::Graph& graph) {
      for (const auto& v : graph.inputs) names_.insert(v.name);
      for (const auto& t : graph.initializers) names_.insert(t.name);
      for (const auto& n : graph.sparse_initializer_names) names_.insert(n);
      for (const auto& node : graph.nodes) {
        for (const auto& o : node.outputs) names_.insert(o);
        for (const auto& a : node.attributes) {
          if (a.g) collect(**a.g);
          for (const auto& g : a.graphs) collect(*g);
        }
      }
    };
    collect(*model_->graph);
  }

  void VisitGraph(ir::Graph* graph, const std::string& prefix) {
    stack_.push_back(graph);
    // Index-based: rewrites may append initializers but never add or remove nodes.
    for (size_t i = 0; i < graph->nodes.size(); ++i) {
      const std::string where = prefix + NodeLabel(graph->nodes[i], i);
      for (ir::Attribute& attr : graph->nodes[i].attributes) {
        if (attr.g) VisitGraph(&**attr.g, where + " attribute '" + attr.name + "' > ");
        for (auto& g : attr.graphs) VisitGraph(&*g, where + " attribute '" + attr.name + "' > ");
      }
      if (graph->nodes[i].IsDefaultDomain()) (*rewrite_)(&graph->nodes[i], where);
    }
    stack_.pop_back();
  }

  void RemoveUnusedInitializers() {
    if (released_.empty()) return;
    std::unordered_set<std::string> used;
    std::function<void(const ir::Graph&)> collect = [&](const ir::Graph& graph) {
      for (const auto& v : graph.outputs) used.insert(v.name);
      for (const auto& v : graph.inputs) used.insert(v.name);
      for (const auto& node : graph.nodes) {
        for (const auto& in : node.inputs) used.insert(in);
        for (const auto& a : node.attributes) {
          if (a.g) collect(**a.g);
          for (const auto& g : a.graphs) collect(*g);
        }
      }
    };
    collect(*model_->graph);
    for (const auto& f : model_->functions) {
      for (const auto& node : f.nodes) used.insert(node.inputs.begin(), node.inputs.end());
    }
    for (const auto& [graph, name] : released_) {
      if (used.count(name)) continue;
      auto& inits = graph->initializers;
      inits.erase(std::remove_if(inits.begin(), inits.end(),
                                 [&](const ir::Tensor& t) { return t.name == name; }),
                  inits.end());
    }
  }

  ir::Model* model_;
  int64_t from_;
  int64_t to_;
  const NodeRewrite* rewrite_ = nullptr;
  std::vector<ir::Graph*> stack_;
  std::unordered_set<std::string> names_;
  std::vector<std::pair<ir::Graph*, std::string>> released_;
};

[[noreturn]] void Unsupported(const std::string& where, const ir::Node& node,
                              const std::string& why) {
  Fail(ErrorCode::kUnsupported, where + " (" + node.op_type + "): " + why);
}

std::string NameBase(const ir::Node& node) {
  return node.name.empty() ? (node.outputs.empty() ? node.op_type : node.outputs[0]) : node.name;
}

// ---- upgrades ----

void Upgrade17To18(ModelRewriter* rw, ir::Node* node, const std::string& where) {
  if (ReduceOpsWithAxesInputAt18().count(node->op_type)) {
    const ir::Attribute* axes = node->FindAttribute("axes");
    if (!axes) return;  // reduce over all axes: the same at 18 with no axes input
    const std::vector<int64_t> values = axes->ints;
    const std::string name =
        rw->AddInt64Initializer(NameBase(*node) + "_axes", values,
                                {static_cast<int64_t>(values.size())}, where, node->op_type);
    RemoveAttribute(node, "axes");
    node->inputs.resize(1);
    node->inputs.push_back(name);
  } else if (node->op_type == "Split") {
    // At 18 an equal split must say how many parts it makes.
    if (HasInput(*node, 1)) return;
    TrimTrailingEmptyInputs(node);
    SetAttribute(node,
                 ir::Attribute::Int("num_outputs", static_cast<int64_t>(node->outputs.size())));
  }
}

void Upgrade19To20(ModelRewriter* rw, ir::Node* node, const std::string& where) {
  if (node->op_type == "DFT") {
    // DFT-17's axis attribute (default 1) became an optional input (default -2) at 20.
    const int64_t axis = IntAttribute(*node, "axis", 1);
    const std::string name =
        rw->AddInt64Initializer(NameBase(*node) + "_axis", {axis}, {}, where, node->op_type);
    RemoveAttribute(node, "axis");
    node->inputs.resize(2);
    node->inputs.push_back(name);
  } else if (node->op_type == "GridSample") {
    const std::string mode = StringAttribute(*node, "mode", "bilinear");
    if (mode == "bilinear") SetAttribute(node, ir::Attribute::String("mode", "linear"));
    if (mode == "bicubic") SetAttribute(node, ir::Attribute::String("mode", "cubic"));
  }
}

void Upgrade20To21(ir::Node* node, const std::string& where) {
  if (node->op_type == "GroupNormalization") {
    Unsupported(where, *node,
                "GroupNormalization-18 scales per group, -21 per channel; the channel count is "
                "not known here");
  }
}

// ---- downgrades ----

void Downgrade18To17(ModelRewriter* rw, ir::Node* node, const std::string& where) {
  const std::string& op = node->op_type;
  if (ReduceOpsWithAxesInputAt18().count(op)) {
    const bool noop_with_empty_axes = IntAttribute(*node, "noop_with_empty_axes", 0) != 0;
    RemoveAttribute(node, "noop_with_empty_axes");
    if (!HasInput(*node, 1)) {
      if (noop_with_empty_axes) Unsupported(where, *node, "noop_with_empty_axes=1 without axes");
      node->inputs.resize(std::min<size_t>(node->inputs.size(), 1));
      return;
    }
    const std::string axes_name = node->inputs[1];
    const std::optional<std::vector<int64_t>> axes = rw->FindConstantInts(axes_name);
    if (!axes) {
      Unsupported(where, *node, "axes input '" + axes_name + "' is not a constant");
    }
    if (axes->empty() && noop_with_empty_axes) {
      Unsupported(where, *node, "noop_with_empty_axes=1 with empty axes");
    }
    node->inputs.resize(1);
    if (!axes->empty()) SetAttribute(node, ir::Attribute::Ints("axes", *axes));
    rw->ReleaseInput(axes_name);
  } else if (op == "Split") {
    const ir::Attribute* num_outputs = node->FindAttribute("num_outputs");
    if (!num_outputs) return;
    if (HasInput(*node, 1)) Unsupported(where, *node, "has both a split input and num_outputs");
    // Split-13 splits equally into one part per output; an uneven split of 18 (last part
    // smaller) cannot be told apart without shapes and is left to the runtime to reject.
    if (!num_outputs->i || *num_outputs->i != static_cast<int64_t>(node->outputs.size())) {
      Unsupported(where, *node, "num_outputs differs from the number of outputs");
    }
    RemoveAttribute(node, "num_outputs");
  } else if (op == "Pad") {
    if (HasInput(*node, 3)) Unsupported(where, *node, "uses the axes input added at opset 18");
    TrimTrailingEmptyInputs(node);
  } else if (op == "Resize") {
    if (IntAttribute(*node, "antialias", 0) != 0) Unsupported(where, *node, "antialias=1");
    if (node->FindAttribute("axes")) Unsupported(where, *node, "uses the axes attribute");
    if (StringAttribute(*node, "keep_aspect_ratio_policy", "stretch") != "stretch") {
      Unsupported(where, *node, "keep_aspect_ratio_policy other than stretch");
    }
    RemoveAttribute(node, "antialias");
    RemoveAttribute(node, "keep_aspect_ratio_policy");
  } else if (op == "ScatterElements" || op == "ScatterND") {
    const std::string reduction = StringAttribute(*node, "reduction", "none");
    if (reduction == "max" || reduction == "min") {
      Unsupported(where, *node, "reduction '" + reduction + "' appeared at opset 18");
    }
  } else if (op == "LpPool") {
    if (IntAttribute(*node, "ceil_mode", 0) != 0) Unsupported(where, *node, "ceil_mode=1");
    RemoveAttribute(node, "ceil_mode");
  }
}

bool IsFloat8(int64_t dtype) {
  return dtype >= 17 && dtype <= 20;
}

void Downgrade19To18(ir::Node* node, const std::string& where) {
  const std::string& op = node->op_type;
  if (op == "AveragePool") {
    if (const ir::Attribute* d = node->FindAttribute("dilations")) {
      for (int64_t v : d->ints) {
        if (v != 1) Unsupported(where, *node, "dilations other than 1");
      }
      RemoveAttribute(node, "dilations");
    }
  } else if (op == "Cast" || op == "CastLike" || op == "QuantizeLinear") {
    if (IsFloat8(IntAttribute(*node, "to", 0))) Unsupported(where, *node, "casts to float8");
    RemoveAttribute(node, "saturate");
  } else if (op == "Pad") {
    if (StringAttribute(*node, "mode", "constant") == "wrap") {
      Unsupported(where, *node, "mode 'wrap'");
    }
  } else if (op == "Resize") {
    if (StringAttribute(*node, "coordinate_transformation_mode", "") == "half_pixel_symmetric") {
      Unsupported(where, *node, "coordinate_transformation_mode 'half_pixel_symmetric'");
    }
  }
}

void Downgrade20To19(ModelRewriter* rw, ir::Node* node, const std::string& where) {
  if (node->op_type == "DFT") {
    int64_t axis = -2;  // DFT-20's default
    if (HasInput(*node, 2)) {
      const std::string axis_name = node->inputs[2];
      const std::optional<std::vector<int64_t>> value = rw->FindConstantInts(axis_name);
      if (!value || value->size() != 1) {
        Unsupported(where, *node, "axis input '" + axis_name + "' is not a constant scalar");
      }
      axis = (*value)[0];
      rw->ReleaseInput(axis_name);
    }
    node->inputs.resize(std::min<size_t>(node->inputs.size(), 2));
    TrimTrailingEmptyInputs(node);
    SetAttribute(node, ir::Attribute::Int("axis", axis));
  } else if (node->op_type == "GridSample") {
    const std::string mode = StringAttribute(*node, "mode", "linear");
    if (mode == "linear") SetAttribute(node, ir::Attribute::String("mode", "bilinear"));
    if (mode == "cubic") SetAttribute(node, ir::Attribute::String("mode", "bicubic"));
  }
}

void Downgrade21To20(ir::Node* node, const std::string& where) {
  const std::string& op = node->op_type;
  if (op == "QuantizeLinear" || op == "DequantizeLinear") {
    if (IntAttribute(*node, "block_size", 0) != 0) {
      Unsupported(where, *node, "blocked quantization (block_size) appeared at opset 21");
    }
    if (IntAttribute(*node, "output_dtype", 0) != 0) {
      Unsupported(where, *node, "output_dtype appeared at opset 21");
    }
    RemoveAttribute(node, "block_size");
    RemoveAttribute(node, "output_dtype");
  } else if (op == "GroupNormalization") {
    Unsupported(where, *node,
                "GroupNormalization-21 scales per channel, -18 per group; the channel count is "
                "not known here");
  }
}

void Downgrade23To22(ir::Node* node, const std::string& where) {
  const std::string& op = node->op_type;
  if (op == "DequantizeLinear") {
    if (IntAttribute(*node, "output_dtype", 0) != 0) {
      Unsupported(where, *node, "output_dtype appeared at opset 23");
    }
    RemoveAttribute(node, "output_dtype");
  } else if (op == "QuantizeLinear") {
    if (IntAttribute(*node, "precision", 0) != 0) {
      Unsupported(where, *node, "precision appeared at opset 23");
    }
    RemoveAttribute(node, "precision");
  }
}

}  // namespace

void UpgradeOneOpset(ir::Model* model, int64_t from) {
  if (from < 17 || from > 22) {
    Fail(ErrorCode::kInternal, "no opset adapter from " + std::to_string(from));
  }
  ModelRewriter rewriter(model, from, from + 1);
  rewriter.Run([&](ir::Node* node, const std::string& where) {
    switch (from) {
      case 17:
        Upgrade17To18(&rewriter, node, where);
        break;
      case 19:
        Upgrade19To20(&rewriter, node, where);
        break;
      case 20:
        Upgrade20To21(node, where);
        break;
      default:
        break;  // 18->19, 21->22, 22->23 only added optional inputs, attributes, types
    }
  });
}

void DowngradeOneOpset(ir::Model* model, int64_t from) {
  if (from < 18 || from > 23) {
    Fail(ErrorCode::kInternal, "no opset adapter from " + std::to_string(from));
  }
  const std::vector<std::string> changed = OpsChangedAt(from);
  ModelRewriter rewriter(model, from, from - 1);
  rewriter.Run([&](ir::Node* node, const std::string& where) {
    if (std::find(changed.begin(), changed.end(), node->op_type) == changed.end()) return;
    if (!FindOpSignature(node->op_type, from - 1)) {
      Unsupported(where, *node,
                  "operator appeared at opset " + std::to_string(from) + " and has no form at " +
                      std::to_string(from - 1));
    }
    switch (from) {
      case 18:
        Downgrade18To17(&rewriter, node, where);
        break;
      case 19:
        Downgrade19To18(node, where);
        break;
      case 20:
        Downgrade20To19(&rewriter, node, where);
        break;
      case 21:
        Downgrade21To20(node, where);
        break;
      case 23:
        Downgrade23To22(node, where);
        break;
      default:
        break;  // 22 only widened type constraints (bfloat16)
    }
  });
}

}  // namespace nncf::onnx
