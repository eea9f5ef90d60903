// Q/DQ insertion with NNCF's names (model_transformer.py), fixed where NNCF goes wrong: pre-layer
// quantizers rewire exactly their (node, port); a quantizer on a value that is only a graph
// output keeps the output's name; consumers inside If/Loop/Scan bodies are rewired as well; the
// opset is raised (or the call refused) when the element types or per-axis scales need it.
#include "algorithms/quantization/qdq_insertion.h"
#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <utility>

#include "algorithms/quantization/nncf_graph.h"
#include "algorithms/quantization/qdq_types.h"
#include "algorithms/quantization/typed_model.h"
#include "algorithms/quantization/value_references.h"
#include "core/common/error.h"
#include "core/ir/dtype.h"
#include "onnx/opset_conversion.h"

namespace nncf::algorithms::quantization {
namespace {

using ir::DType;

const char* KindName(InsertionKind kind) {
  switch (kind) {
    case InsertionKind::kWeight:
      return "weight";
    case InsertionKind::kPreLayer:
      return "pre-layer";
    case InsertionKind::kPostLayer:
      return "post-layer";
    case InsertionKind::kModelInput:
      return "model-input";
  }
  return "unknown";
}

// The IR version that introduced an opset (onnx/helper.py VERSION_TABLE).
int64_t IrVersionForOpset(int64_t opset) {
  if (opset >= 23) return 11;
  if (opset >= 21) return 10;
  if (opset >= 19) return 9;
  if (opset >= 15) return 8;
  if (opset >= 12) return 7;
  if (opset >= 11) return 6;
  return 5;
}

// Element type of a main-graph value: declared types, initializers, Constant outputs; falls
// back to shape inference once when the model does not declare it.
class ValueTypes {
 public:
  explicit ValueTypes(const ir::Model& model) : model_(model) {}

  DType Of(const std::string& value) {
    if (std::optional<DType> t = Lookup(*model_.graph, value)) return *t;
    if (!inferred_) {
      inferred_.emplace();
      try {
        inferred_ = TypedCopy(model_);
      } catch (const Error&) {
        // Left untyped: the failure below names the value.
      }
    }
    if (inferred_->graph) {
      if (std::optional<DType> t = Lookup(*inferred_->graph, value)) return *t;
    }
    Fail(ErrorCode::kInvalidModel, "cannot quantize '" + value +
                                       "': its element type is unknown (no value_info, and "
                                       "shape inference did not type it)");
  }

 private:
  static std::optional<DType> Lookup(const ir::Graph& graph, const std::string& value) {
    if (const ir::Tensor* init = graph.FindInitializer(value)) return init->dtype;
    const ir::ValueInfo* info = graph.FindValueInfo(value);
    if (info && info->type && info->type->IsTensor() && info->type->elem_type_set &&
        info->type->elem_type != 0) {
      return info->type->tensor_dtype();
    }
    for (const ir::Node& node : graph.nodes) {
      if (node.op_type != "Constant" || !node.IsDefaultDomain() || node.outputs.empty() ||
          node.outputs[0] != value) {
        continue;
      }
      if (const ir::Attribute* a = node.FindAttribute("value"); a && a->t) return a->t->dtype;
      if (node.FindAttribute("value_float") || node.FindAttribute("value_floats")) {
        return DType::kFloat;
      }
    }
    return std::nullopt;
  }

  const ir::Model& model_;
  std::optional<ir::Model> inferred_;
};

// What one quantizer needs from the model, and the value it quantizes.
struct Resolved {
  std::string tensor;
  DType value_dtype = DType::kFloat;
  int64_t opset = 10;
  std::string reason;
  int64_t ir_version = 3;
};

const ir::Node& FindNode(const ir::Graph& graph, const std::string& name, const char* what) {
  const ir::Node* found = nullptr;
  for (size_t i = 0; i < graph.nodes.size(); ++i) {
    if (NncfNodeName(graph.nodes[i], i) != name) continue;
    if (found) Fail(ErrorCode::kInvalidModel, "two nodes are named '" + name + "'");
    found = &graph.nodes[i];
  }
  if (!found) {
    Fail(ErrorCode::kNotFound, std::string(what) + " names node '" + name + "', not in the model");
  }
  return *found;
}

// E of NNCF's names: node.input[port] (weight, pre-layer), node.output[port] (post-layer), the
// graph input. A tensor given in the spec must agree with the model.
std::string ResolveTensor(const ir::Graph& graph, const QuantizerSpec& spec) {
  const InsertionPoint& p = spec.point;
  const std::string where = std::string(KindName(p.kind)) + " quantizer " + std::to_string(spec.id);
  std::string tensor;
  if (p.kind == InsertionKind::kModelInput) {
    tensor = p.tensor;
    bool is_input = false;
    for (const ir::ValueInfo* input : graph.RealInputs()) is_input |= input->name == tensor;
    if (!is_input) {
      Fail(ErrorCode::kInvalidArgument,
           where + " is on '" + tensor + "', which is not a graph input fed by the caller");
    }
    return tensor;
  }
  const ir::Node& node = FindNode(graph, p.node, where.c_str());
  const bool on_output = p.kind == InsertionKind::kPostLayer;
  const std::vector<std::string>& names = on_output ? node.outputs : node.inputs;
  if (p.port < 0 || static_cast<size_t>(p.port) >= names.size() || names[p.port].empty()) {
    Fail(ErrorCode::kInvalidArgument, where + ": node '" + p.node + "' has no " +
                                          (on_output ? "output " : "input ") +
                                          std::to_string(p.port));
  }
  tensor = names[p.port];
  if (!p.tensor.empty() && p.tensor != tensor) {
    Fail(ErrorCode::kInvalidArgument,
         where + " names tensor '" + p.tensor + "' but " + (on_output ? "output " : "input ") +
             std::to_string(p.port) + " of node '" + p.node + "' is '" + tensor + "'");
  }
  return tensor;
}

void CheckParameters(const PlacedQuantizer& q, const std::string& tensor) {
  const QuantizerParameters& params = q.params;
  const std::string where = "quantizer on '" + tensor + "'";
  int64_t lo = 0, hi = 0;
  if (!IntegerRange(params.dtype, &lo, &hi) && !IsFloat8(params.dtype)) {
    Fail(ErrorCode::kInvalidArgument, where + " has element type " + ir::DTypeName(params.dtype) +
                                          "; Q/DQ takes int8, uint8, int16, uint16, int4, uint4 "
                                          "or a float8 type");
  }
  if (params.scale.empty()) Fail(ErrorCode::kInvalidArgument, where + " has no scale");
  if (!q.spec->config.per_channel && params.scale.size() != 1) {
    Fail(ErrorCode::kInvalidArgument,
         where + " is per tensor but has " + std::to_string(params.scale.size()) + " scales");
  }
  if (!params.zero_point.empty() && params.zero_point.size() != params.scale.size()) {
    Fail(ErrorCode::kInvalidArgument,
         where + " has " + std::to_string(params.scale.size()) + " scales but " +
             std::to_string(params.zero_point.size()) + " zero points");
  }
  for (int32_t zp : params.zero_point) {
    if (IsFloat8(params.dtype) ? zp != 0 : (zp < lo || zp > hi)) {
      Fail(ErrorCode::kInvalidArgument,
           where + " has zero point " + std::to_string(zp) + ", outside " +
               ir::DTypeName(params.dtype) +
               (IsFloat8(params.dtype) ? " (float8 zero points must be 0)" : ""));
    }
  }
}

std::vector<Resolved> Resolve(const ir::Model& model,
                              const std::vector<PlacedQuantizer>& quantizers) {
  if (!model.graph) Fail(ErrorCode::kInvalidModel, "the model has no graph");
  ValueTypes types(model);
  std::vector<Resolved> resolved;
  resolved.reserve(quantizers.size());
  for (const PlacedQuantizer& q : quantizers) {
    if (q.spec == nullptr) Fail(ErrorCode::kInvalidArgument, "a placed quantizer has no spec");
    Resolved r;
    r.tensor = ResolveTensor(*model.graph, *q.spec);
    CheckParameters(q, r.tensor);
    r.value_dtype = types.Of(r.tensor);
    if (r.value_dtype != DType::kFloat && r.value_dtype != DType::kFloat16 &&
        r.value_dtype != DType::kBFloat16) {
      Fail(ErrorCode::kUnsupported, "cannot quantize '" + r.tensor + "' of element type " +
                                        ir::DTypeName(r.value_dtype) +
                                        ": QuantizeLinear takes float, float16 or bfloat16");
    }
    const std::string quoted = "'" + r.tensor + "'";
    const DType zp = q.params.dtype;
    if (zp == DType::kInt4 || zp == DType::kUint4 || zp == DType::kInt16 || zp == DType::kUint16) {
      r.opset = 21;
      r.reason = std::string(ir::DTypeName(zp)) + " QuantizeLinear on " + quoted;
    } else if (r.value_dtype != DType::kFloat) {
      r.opset = 19;
      r.reason =
          std::string("QuantizeLinear on ") + ir::DTypeName(r.value_dtype) + " tensor " + quoted;
    } else if (IsFloat8(zp)) {
      r.opset = 19;
      r.reason = std::string(ir::DTypeName(zp)) + " QuantizeLinear on " + quoted;
    } else if (q.spec->config.per_channel) {
      r.opset = 13;
      r.reason = "per-axis QuantizeLinear on " + quoted;
    } else {
      r.opset = 10;
      r.reason = "QuantizeLinear on " + quoted;
    }
    // The IR version that introduced the zero point's element type.
    if (IsFloat8(zp)) r.ir_version = 9;
    if (zp == DType::kInt4 || zp == DType::kUint4) r.ir_version = 10;
    resolved.push_back(std::move(r));
  }
  return resolved;
}

int64_t MaxNeed(const std::vector<Resolved>& resolved, std::string* reason) {
  int64_t required = 0;
  for (const Resolved& r : resolved) {
    if (r.opset > required) {
      required = r.opset;
      if (reason) *reason = r.reason;
    }
  }
  return required;
}

// Scale in the quantized value's float type; dims [] per tensor, [C] per axis.
ir::Tensor MakeScale(const std::string& name, DType dtype, bool per_axis,
                     const std::vector<float>& values) {
  std::vector<int64_t> dims;
  if (per_axis) dims.push_back(static_cast<int64_t>(values.size()));
  return ir::Tensor::FromFloats(name, dtype, std::move(dims), values);
}

ir::Tensor MakeZeroPoint(const std::string& name, DType dtype, bool per_axis, size_t count,
                         const std::vector<int32_t>& values) {
  std::vector<int64_t> dims;
  if (per_axis) dims.push_back(static_cast<int64_t>(count));
  std::vector<uint8_t> bytes(ir::StorageBytes(dtype, static_cast<int64_t>(count)), 0);
  for (size_t i = 0; i < count; ++i) {
    const int32_t v = values.empty() ? 0 : values[i];
    switch (dtype) {
      case DType::kInt8:
      case DType::kUint8:
        bytes[i] = static_cast<uint8_t>(v);
        break;
      case DType::kInt16:
      case DType::kUint16:
        bytes[2 * i] = static_cast<uint8_t>(v & 0xFF);
        bytes[2 * i + 1] = static_cast<uint8_t>((v >> 8) & 0xFF);
        break;
      case DType::kInt4:
      case DType::kUint4:
        ir::SetNibble(bytes.data(), static_cast<int64_t>(i), static_cast<uint8_t>(v & 0xF));
        break;
      default:  // float8: zero points are 0, checked before
        bytes[i] = ir::FloatToFloat8(dtype, static_cast<float>(v), /*saturate=*/true);
    }
  }
  return ir::Tensor::FromBytes(name, dtype, dims, bytes.data(), bytes.size());
}

// Writes the quantizers into `model` (already at a sufficient opset).
class Inserter {
 public:
  explicit Inserter(ir::Model& model) : graph_(*model.graph) {
    for (size_t i = 0; i < graph_.nodes.size(); ++i) origin_.push_back(static_cast<int>(i));
    for (const ir::Node& node : graph_.nodes) {
      if (!node.name.empty()) used_.insert(node.name);
      for (const std::string& v : node.inputs) used_.insert(v);
      for (const std::string& v : node.outputs) used_.insert(v);
    }
    for (const ir::ValueInfo& v : graph_.inputs) used_.insert(v.name);
    for (const ir::ValueInfo& v : graph_.outputs) used_.insert(v.name);
    for (const ir::ValueInfo& v : graph_.value_info) used_.insert(v.name);
    for (const ir::Tensor& t : graph_.initializers) used_.insert(t.name);
    for (const std::string& name : graph_.sparse_initializer_names) used_.insert(name);
  }

  void Insert(const std::vector<PlacedQuantizer>& quantizers,
              const std::vector<Resolved>& resolved) {
    // Inputs that weight and pre-layer quantizers claim: others on the same value leave them.
    std::map<std::string, std::set<std::pair<int, int>>> claims;
    std::vector<std::optional<std::pair<int, int>>> own(quantizers.size());
    for (size_t i = 0; i < quantizers.size(); ++i) {
      const InsertionPoint& p = quantizers[i].spec->point;
      if (p.kind == InsertionKind::kWeight || p.kind == InsertionKind::kPreLayer) {
        own[i] = std::make_pair(OriginalIndex(p.node), p.port);
        if (!claims[resolved[i].tensor].insert(*own[i]).second) {
          Fail(ErrorCode::kInvalidArgument, "two quantizers are placed on input " +
                                                std::to_string(p.port) + " of node '" + p.node +
                                                "'");
        }
      }
    }
    // NNCF anchors every pair on the value's first consumer in the model it was given.
    for (const Resolved& r : resolved) {
      if (first_reader_.count(r.tensor)) continue;
      std::optional<int> first;
      for (size_t i = 0; i < graph_.nodes.size() && !first; ++i) {
        if (NodeReads(graph_.nodes[i], r.tensor)) first = static_cast<int>(i);
      }
      first_reader_[r.tensor] = first;
    }
    for (size_t i = 0; i < quantizers.size(); ++i) {
      std::set<std::pair<int, int>> others = claims[resolved[i].tensor];
      if (own[i]) others.erase(*own[i]);
      InsertOne(quantizers[i], resolved[i], own[i], others);
    }
  }

 private:
  int OriginalIndex(const std::string& node_name) const {
    int found = -1;
    for (size_t i = 0; i < origin_.size(); ++i) {
      if (origin_[i] >= 0 &&
          NncfNodeName(graph_.nodes[i], static_cast<size_t>(origin_[i])) == node_name) {
        if (found >= 0) Fail(ErrorCode::kInvalidModel, "two nodes are named '" + node_name + "'");
        found = origin_[i];
      }
    }
    if (found < 0) Fail(ErrorCode::kNotFound, "no node named '" + node_name + "'");
    return found;
  }

  size_t CurrentPosition(int original) const {
    return static_cast<size_t>(std::find(origin_.begin(), origin_.end(), original) -
                               origin_.begin());
  }

  std::string Fresh(const std::string& name) {
    if (!used_.insert(name).second) {
      Fail(ErrorCode::kInvalidModel,
           "cannot insert '" + name + "': the model already has a node or value of that name");
    }
    return name;
  }

  void InsertOne(const PlacedQuantizer& q, const Resolved& r,
                 const std::optional<std::pair<int, int>>& own,
                 const std::set<std::pair<int, int>>& claimed_by_others) {
    const std::string& tensor = r.tensor;
    const std::string suffix = tensor + "_" + std::to_string(++count_[tensor]);
    const bool per_axis = q.spec->config.per_channel;
    const std::string q_name = Fresh("QuantizeLinear_" + suffix);
    const std::string dq_name = Fresh("DequantizeLinear_" + suffix);
    const std::string scale_name = Fresh("scale_" + suffix);
    const std::string zp_name = Fresh("zero_point_" + suffix);
    const std::string q_output = Fresh("q_output_" + suffix);
    std::string q_input = tensor;
    std::string dq_output = "dq_output_" + suffix;

    const std::optional<int> first_reader = first_reader_.at(tensor);
    size_t insert_at = 0;
    if (own) {
      // Weight / pre-layer: the claimed input, and for a weight every unclaimed reader too (a
      // shared weight gets one quantizer, as NNCF places it).
      Fresh(dq_output);
      ir::Node& node = graph_.nodes[CurrentPosition(own->first)];
      if (node.inputs[own->second] != tensor) {
        Fail(ErrorCode::kInvalidArgument, "input " + std::to_string(own->second) + " of node '" +
                                              node.name + "' no longer reads '" + tensor +
                                              "': an earlier quantizer rewired it");
      }
      node.inputs[own->second] = dq_output;
      if (q.spec->point.kind == InsertionKind::kWeight) {
        RewireUnclaimed(tensor, dq_output, claimed_by_others);
      }
      insert_at = CurrentPosition(*first_reader);
    } else if (first_reader) {
      Fresh(dq_output);
      if (RewireUnclaimed(tensor, dq_output, claimed_by_others) == 0) {
        Fail(ErrorCode::kInvalidArgument,
             std::string(KindName(q.spec->point.kind)) + " quantizer " +
                 std::to_string(q.spec->id) + " on '" + tensor +
                 "' has no consumer left to rewire (earlier quantizers took them)");
      }
      insert_at = CurrentPosition(*first_reader);
    } else {
      insert_at = RenameGraphOutput(*q.spec, tensor, suffix, &q_input, &dq_output);
    }

    ir::Node quantize;
    quantize.name = q_name;
    quantize.op_type = "QuantizeLinear";
    quantize.inputs = {q_input, scale_name, zp_name};
    quantize.outputs = {q_output};
    ir::Node dequantize;
    dequantize.name = dq_name;
    dequantize.op_type = "DequantizeLinear";
    dequantize.inputs = {q_output, scale_name, zp_name};
    dequantize.outputs = {dq_output};
    if (per_axis) {
      quantize.attributes.push_back(ir::Attribute::Int("axis", q.spec->axis));
      dequantize.attributes.push_back(ir::Attribute::Int("axis", q.spec->axis));
    }
    graph_.nodes.insert(graph_.nodes.begin() + static_cast<std::ptrdiff_t>(insert_at),
                        {std::move(quantize), std::move(dequantize)});
    origin_.insert(origin_.begin() + static_cast<std::ptrdiff_t>(insert_at), {-1, -1});
    graph_.initializers.push_back(MakeScale(scale_name, r.value_dtype, per_axis, q.params.scale));
    graph_.initializers.push_back(MakeZeroPoint(zp_name, q.params.dtype, per_axis,
                                                q.params.scale.size(), q.params.zero_point));
  }

  // Every original node's input that reads `from` and that no other quantizer claims, and every
  // subgraph reference. Returns how many references changed.
  int RewireUnclaimed(const std::string& from, const std::string& to,
                      const std::set<std::pair<int, int>>& claimed) {
    int count = 0;
    for (size_t i = 0; i < graph_.nodes.size(); ++i) {
      if (origin_[i] < 0) continue;
      ir::Node& node = graph_.nodes[i];
      for (size_t port = 0; port < node.inputs.size(); ++port) {
        if (node.inputs[port] == from && !claimed.count({origin_[i], static_cast<int>(port)})) {
          node.inputs[port] = to;
          ++count;
        }
      }
      count += RewireSubgraphs(node, from, to);
    }
    return count;
  }

  // A value that only leaves the graph: its producer writes q_input_<E>_<k> instead and the
  // DequantizeLinear produces the output under its old name, so callers see the same outputs.
  // Returns where the pair goes (right after the producer).
  size_t RenameGraphOutput(const QuantizerSpec& spec, const std::string& tensor,
                           const std::string& suffix, std::string* q_input,
                           std::string* dq_output) {
    bool is_output = false;
    for (const ir::ValueInfo& output : graph_.outputs) is_output |= output.name == tensor;
    if (!is_output) {
      Fail(ErrorCode::kInvalidArgument, std::string(KindName(spec.point.kind)) + " quantizer " +
                                            std::to_string(spec.id) + " is on '" + tensor +
                                            "', which nothing reads and which is no graph output");
    }
    if (!renamed_outputs_.insert(tensor).second) {
      Fail(ErrorCode::kInvalidArgument,
           "graph output '" + tensor + "' that nothing reads can take one quantizer only");
    }
    if (spec.point.kind != InsertionKind::kPostLayer) {
      Fail(ErrorCode::kInvalidArgument,
           "graph input '" + tensor +
               "' is also a graph output that nothing reads: a quantizer there cannot keep both "
               "names");
    }
    const size_t at = CurrentPosition(OriginalIndex(spec.point.node));
    *q_input = Fresh("q_input_" + suffix);
    *dq_output = tensor;
    graph_.nodes[at].outputs[spec.point.port] = *q_input;
    return at + 1;
  }

  ir::Graph& graph_;
  std::vector<int> origin_;  // original index of each current node; -1 for inserted ones
  std::set<std::string> used_;
  std::map<std::string, int> count_;
  std::map<std::string, std::optional<int>> first_reader_;  // original index
  std::set<std::string> renamed_outputs_;
};

}  // namespace

int64_t RequiredOpset(const ir::Model& model, const std::vector<PlacedQuantizer>& quantizers,
                      std::string* reason) {
  return MaxNeed(Resolve(model, quantizers), reason);
}

ir::Model InsertQuantizers(const ir::Model& model, const std::vector<PlacedQuantizer>& quantizers,
                           bool allow_opset_upgrade) {
  const std::vector<Resolved> resolved = Resolve(model, quantizers);
  std::string reason;
  const int64_t required = MaxNeed(resolved, &reason);
  const int64_t have = model.DefaultOpset();
  ir::Model result;
  if (have < required) {
    if (!allow_opset_upgrade) {
      Fail(ErrorCode::kVersionMismatch,
           "inserting quantizers needs opset " + std::to_string(required) + " (" + reason +
               "), model has " + std::to_string(have) + "; set allow_opset_upgrade");
    }
    result = onnx::ConvertOpset(model, required);
    result.ir_version = std::max(result.ir_version, IrVersionForOpset(required));
  } else {
    result = model;
  }
  for (const Resolved& r : resolved) result.ir_version = std::max(result.ir_version, r.ir_version);
  Inserter(result).Insert(quantizers, resolved);
  return result;
}

}  // namespace nncf::algorithms::quantization
