#include "algorithms/strip/strip.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "algorithms/weight_compression/compressed_weight.h"
#include "algorithms/weight_compression/weight_format_writer.h"
#include "core/common/error.h"
#include "core/exec/executor.h"

namespace nncf::algorithms {
namespace {

using ir::DType;

// Producers and readers of the main graph's values (node indices; subgraph reads count as reads
// by the node that holds the subgraph).
struct GraphIndex {
  std::map<std::string, size_t> producer;
  std::map<std::string, std::vector<size_t>> readers;
  std::set<std::string> graph_outputs;

  explicit GraphIndex(const ir::Graph& graph) {
    for (size_t i = 0; i < graph.nodes.size(); ++i) {
      const ir::Node& node = graph.nodes[i];
      for (const std::string& output : node.outputs) {
        if (!output.empty()) producer[output] = i;
      }
      std::set<std::string> read;
      CollectReads(node, read);
      for (const std::string& name : read) readers[name].push_back(i);
    }
    for (const ir::ValueInfo& output : graph.outputs) graph_outputs.insert(output.name);
  }

  static void CollectReads(const ir::Node& node, std::set<std::string>& read) {
    for (const std::string& input : node.inputs) {
      if (!input.empty()) read.insert(input);
    }
    for (const ir::Attribute& attribute : node.attributes) {
      if (attribute.g) CollectGraphReads(**attribute.g, read);
      for (const ir::Box<ir::Graph>& g : attribute.graphs) CollectGraphReads(*g, read);
    }
  }
  static void CollectGraphReads(const ir::Graph& graph, std::set<std::string>& read) {
    for (const ir::Node& node : graph.nodes) CollectReads(node, read);
    for (const ir::ValueInfo& output : graph.outputs) read.insert(output.name);
  }

  const ir::Node* Producer(const ir::Graph& graph, const std::string& value) const {
    auto it = producer.find(value);
    return it == producer.end() ? nullptr : &graph.nodes[it->second];
  }
  // The only reader of `value`, or -1 (several readers, none, or a graph output).
  int64_t SoleReader(const std::string& value) const {
    if (graph_outputs.count(value)) return -1;
    auto it = readers.find(value);
    if (it == readers.end() || it->second.size() != 1) return -1;
    return static_cast<int64_t>(it->second.front());
  }
};

bool IsFloat(DType t) {
  return t == DType::kFloat || t == DType::kFloat16 || t == DType::kBFloat16 || t == DType::kDouble;
}

// Values of `names` computed from the initializers alone (no graph input is fed).
std::vector<ir::Tensor> Evaluate(const ir::Model& model, const std::vector<std::string>& names) {
  auto sub = std::make_shared<ir::Model>();
  sub->ir_version = model.ir_version;
  sub->opset_imports = model.opset_imports;
  sub->functions = model.functions;
  ir::Graph graph;
  graph.name = model.graph->name;
  graph.nodes = model.graph->nodes;
  graph.initializers = model.graph->initializers;
  for (const std::string& name : names) {
    ir::ValueInfo output;
    output.name = name;
    graph.outputs.push_back(output);
  }
  sub->graph = std::move(graph);
  exec::ExecutorOptions options;
  options.num_threads = 1;
  options.outputs = names;
  exec::Executor executor(sub, options);
  exec::NamedTensors results = executor.Run({});
  std::vector<ir::Tensor> tensors;
  for (auto& [name, tensor] : results) {
    tensor.name = name;
    tensors.push_back(std::move(tensor));
  }
  return tensors;
}

std::vector<int64_t> ReadInt64Initializer(const ir::Tensor& t) {
  std::vector<int64_t> values;
  for (int64_t i = 0; i < t.NumElements(); ++i) {
    values.push_back(static_cast<int64_t>(t.GetAsDouble(i)));
  }
  return values;
}

// Our fake-quantize subgraph (the FQ / FQ_LORA weight formats), or any graph of the same form:
//   [LoRA: Add(w | Reshape(w), MatMul(B, A) [-> Transpose])] -> Reshape(grouped) -> Div(s) ->
//   Round -> [Add(zp)] -> Clip(lo, hi) -> [Sub(zp)] -> Mul(s) -> Reshape* -> output
struct FakeQuantizer {
  std::string weight;  // the float initializer
  bool lora = false;
  std::string source;           // the value entering the grouped Reshape
  std::string clipped;          // the integer-valued Clip output (grouped view)
  std::string output;           // the last value of the subgraph
  std::string before_reshapes;  // the Mul output
  std::vector<size_t> nodes;    // indices of every node of the subgraph
  std::string scale, zero_point;
  wc::WeightMode mode = wc::WeightMode::kInt8Asym;
  std::vector<int64_t> grouped_shape;
  std::vector<int64_t> output_shape;  // of the last Reshape (empty without one)
};

const ir::Tensor* ConstInput(const ir::Graph& graph, const ir::Node& node, size_t i) {
  if (i >= node.inputs.size() || node.inputs[i].empty()) return nullptr;
  return graph.FindInitializer(node.inputs[i]);
}

std::optional<wc::WeightMode> ModeFromRange(double low, double high, bool asym) {
  if (asym && low == 0 && high == 15) return wc::WeightMode::kInt4Asym;
  if (asym && low == 0 && high == 255) return wc::WeightMode::kInt8Asym;
  if (!asym && low == -8 && high == 7) return wc::WeightMode::kInt4Sym;
  if (!asym && low == -128 && high == 127) return wc::WeightMode::kInt8Sym;
  return std::nullopt;
}

std::optional<FakeQuantizer> MatchAt(const ir::Graph& graph, const GraphIndex& index,
                                     size_t round_index) {
  const ir::Node& round = graph.nodes[round_index];
  if (round.op_type != "Round" || !round.IsDefaultDomain() || round.inputs.size() != 1) {
    return std::nullopt;
  }
  FakeQuantizer fq;
  auto sole = [&](const std::string& value) -> const ir::Node* {
    const int64_t r = index.SoleReader(value);
    return r < 0 ? nullptr : &graph.nodes[static_cast<size_t>(r)];
  };
  auto node_index = [&](const ir::Node* node) {
    return static_cast<size_t>(node - &graph.nodes[0]);
  };

  // Backwards: Div(Reshape(source, grouped shape), scale).
  const ir::Node* div = index.Producer(graph, round.inputs[0]);
  if (!div || div->op_type != "Div" || div->inputs.size() != 2 || !ConstInput(graph, *div, 1) ||
      sole(round.inputs[0]) != &round) {
    return std::nullopt;
  }
  fq.scale = div->inputs[1];
  const ir::Node* grouped = index.Producer(graph, div->inputs[0]);
  if (!grouped || grouped->op_type != "Reshape" || !ConstInput(graph, *grouped, 1) ||
      sole(div->inputs[0]) != div) {
    return std::nullopt;
  }
  fq.grouped_shape = ReadInt64Initializer(*ConstInput(graph, *grouped, 1));
  fq.source = grouped->inputs[0];
  fq.nodes = {node_index(grouped), node_index(div), round_index};

  // Forwards: [Add zp] Clip [Sub zp] Mul(scale) Reshape*.
  const ir::Node* next = sole(round.outputs[0]);
  if (next && next->op_type == "Add" && next->inputs.size() == 2 && ConstInput(graph, *next, 1)) {
    fq.zero_point = next->inputs[1];
    fq.nodes.push_back(node_index(next));
    next = sole(next->outputs[0]);
  }
  if (!next || next->op_type != "Clip" || next->inputs.size() != 3 ||
      !ConstInput(graph, *next, 1) || !ConstInput(graph, *next, 2)) {
    return std::nullopt;
  }
  const ir::Tensor& low = *ConstInput(graph, *next, 1);
  const ir::Tensor& high = *ConstInput(graph, *next, 2);
  if (low.NumElements() != 1 || high.NumElements() != 1) return std::nullopt;
  const auto mode = ModeFromRange(low.GetAsDouble(0), high.GetAsDouble(0), !fq.zero_point.empty());
  if (!mode) return std::nullopt;
  fq.mode = *mode;
  fq.clipped = next->outputs[0];
  fq.nodes.push_back(node_index(next));
  next = sole(next->outputs[0]);
  if (!fq.zero_point.empty()) {
    if (!next || next->op_type != "Sub" || next->inputs.size() != 2 ||
        next->inputs[1] != fq.zero_point) {
      return std::nullopt;
    }
    fq.nodes.push_back(node_index(next));
    next = sole(next->outputs[0]);
  }
  if (!next || next->op_type != "Mul" || next->inputs.size() != 2 || next->inputs[1] != fq.scale) {
    return std::nullopt;
  }
  fq.nodes.push_back(node_index(next));
  fq.before_reshapes = fq.output = next->outputs[0];
  for (const ir::Node* reshape = sole(fq.output);
       reshape && reshape->op_type == "Reshape" && reshape->inputs[0] == fq.output &&
       ConstInput(graph, *reshape, 1);
       reshape = sole(fq.output)) {
    fq.output_shape = ReadInt64Initializer(*ConstInput(graph, *reshape, 1));
    fq.nodes.push_back(node_index(reshape));
    fq.output = reshape->outputs[0];
  }

  // The source: the weight itself, or the weight plus LoRA adapters.
  if (graph.FindInitializer(fq.source)) {
    fq.weight = fq.source;
  } else {
    const ir::Node* add = index.Producer(graph, fq.source);
    if (!add || add->op_type != "Add" || add->inputs.size() != 2 || sole(fq.source) != grouped) {
      return std::nullopt;
    }
    std::vector<size_t> lora_nodes = {node_index(add)};
    const ir::Node* base = index.Producer(graph, add->inputs[0]);
    std::string weight = add->inputs[0];
    if (base) {
      if (base->op_type != "Reshape" || !ConstInput(graph, *base, 1) ||
          sole(add->inputs[0]) != add) {
        return std::nullopt;
      }
      weight = base->inputs[0];
      lora_nodes.push_back(node_index(base));
    }
    if (!graph.FindInitializer(weight)) return std::nullopt;
    const ir::Node* delta = index.Producer(graph, add->inputs[1]);
    if (delta && delta->op_type == "Transpose" && sole(add->inputs[1]) == add) {
      lora_nodes.push_back(node_index(delta));
      const std::string value = delta->inputs[0];
      delta = index.Producer(graph, value);
      if (delta && sole(value) != &graph.nodes[lora_nodes.back()]) return std::nullopt;
    } else if (sole(add->inputs[1]) != add) {
      return std::nullopt;
    }
    if (!delta || delta->op_type != "MatMul" || !ConstInput(graph, *delta, 0) ||
        !ConstInput(graph, *delta, 1)) {
      return std::nullopt;
    }
    lora_nodes.push_back(node_index(delta));
    fq.weight = weight;
    fq.lora = true;
    fq.nodes.insert(fq.nodes.begin(), lora_nodes.begin(), lora_nodes.end());
  }
  const ir::Tensor* w = graph.FindInitializer(fq.weight);
  if (!w || !IsFloat(w->dtype)) return std::nullopt;
  return fq;
}

// Rebuilds the compressed weight a fake quantizer stands for: codes are the (evaluated) Clip
// output, scales and zero points the subgraph's constants.
wc::CompressedWeight Recover(const ir::Graph& graph, const FakeQuantizer& fq,
                             const ir::Tensor& clipped) {
  const ir::Tensor& scale = *graph.FindInitializer(fq.scale);
  const std::vector<int64_t>& grouped = fq.grouped_shape;
  const std::string where = "fake quantizer of weight '" + fq.weight + "'";
  if (scale.dims.size() != grouped.size() || grouped.size() < 2) {
    Fail(ErrorCode::kInvalidModel, where + ": the scale's rank does not match the grouped view");
  }
  int64_t axis = -1;
  for (size_t d = 1; d < grouped.size(); ++d) {
    if (scale.dims[d] == 1 && grouped[d] > 1) {
      if (axis >= 0) Fail(ErrorCode::kInvalidModel, where + ": the grouping axis is ambiguous");
      axis = static_cast<int64_t>(d) - 1;
    }
  }
  if (axis < 0) Fail(ErrorCode::kInvalidModel, where + ": no grouping axis in the scale's shape");
  for (size_t d = 0; d < grouped.size(); ++d) {
    if (static_cast<int64_t>(d) != axis + 1 && scale.dims[d] != grouped[d]) {
      Fail(ErrorCode::kInvalidModel, where + ": the scale does not broadcast over the groups");
    }
  }
  wc::CompressedWeight cw;
  cw.mode = fq.mode;
  cw.reduction_axis = axis;
  cw.group_size = grouped[axis + 1];
  cw.shape = grouped;
  cw.shape[axis] *= cw.group_size;
  cw.shape.erase(cw.shape.begin() + axis + 1);
  cw.scale_shape = scale.dims;
  cw.scale_shape.erase(cw.scale_shape.begin() + axis + 1);
  cw.float_dtype = scale.dtype;
  cw.codes.resize(static_cast<size_t>(clipped.NumElements()));
  for (int64_t i = 0; i < clipped.NumElements(); ++i) {
    const int64_t q = static_cast<int64_t>(std::lround(clipped.GetAsDouble(i)));
    cw.codes[i] = static_cast<uint8_t>(q & 0xFF);
  }
  for (int64_t i = 0; i < scale.NumElements(); ++i) {
    cw.scales.push_back(static_cast<float>(scale.GetAsDouble(i)));
  }
  if (!fq.zero_point.empty()) {
    const ir::Tensor& zp = *graph.FindInitializer(fq.zero_point);
    if (zp.NumElements() != scale.NumElements()) {
      Fail(ErrorCode::kInvalidModel, where + ": zero point and scale differ in size");
    }
    for (int64_t i = 0; i < zp.NumElements(); ++i) {
      cw.zero_points.push_back(static_cast<uint8_t>(std::lround(zp.GetAsDouble(i))));
    }
  }
  return cw;
}

// Removes initializers (and their graph-input entries) that no node or graph output reads.
void RemoveUnusedInitializers(ir::Graph& graph) {
  std::set<std::string> read;
  for (const ir::Node& node : graph.nodes) GraphIndex::CollectReads(node, read);
  for (const ir::ValueInfo& output : graph.outputs) read.insert(output.name);
  std::set<std::string> removed;
  for (const ir::Tensor& t : graph.initializers) {
    if (!read.count(t.name)) removed.insert(t.name);
  }
  if (removed.empty()) return;
  graph.initializers.erase(
      std::remove_if(graph.initializers.begin(), graph.initializers.end(),
                     [&](const ir::Tensor& t) { return removed.count(t.name); }),
      graph.initializers.end());
  graph.inputs.erase(std::remove_if(graph.inputs.begin(), graph.inputs.end(),
                                    [&](const ir::ValueInfo& v) { return removed.count(v.name); }),
                     graph.inputs.end());
}

void RemoveNodes(ir::Graph& graph, const std::set<size_t>& indices) {
  std::vector<ir::Node> kept;
  kept.reserve(graph.nodes.size());
  for (size_t i = 0; i < graph.nodes.size(); ++i) {
    if (!indices.count(i)) kept.push_back(std::move(graph.nodes[i]));
  }
  graph.nodes = std::move(kept);
}

std::string UniqueName(const ir::Graph& graph, const std::string& base) {
  std::set<std::string> used;
  for (const ir::Tensor& t : graph.initializers) used.insert(t.name);
  for (const ir::ValueInfo& v : graph.inputs) used.insert(v.name);
  for (const ir::Node& node : graph.nodes) {
    for (const std::string& o : node.outputs) used.insert(o);
  }
  if (!used.count(base)) return base;
  for (int i = 1;; ++i) {
    const std::string name = base + "_" + std::to_string(i);
    if (!used.count(name)) return name;
  }
}

// NATIVE and DQ: every fake quantizer becomes QuantizeLinear/DequantizeLinear on the float
// weight (adapters merged first), or the quantized weight behind DequantizeLinear.
void RewriteFakeQuantizers(ir::Model& model, bool keep_float_weight) {
  ir::Graph& graph = *model.graph;
  for (;;) {
    const GraphIndex index(graph);
    std::optional<FakeQuantizer> fq;
    for (size_t i = 0; i < graph.nodes.size() && !fq; ++i) fq = MatchAt(graph, index, i);
    if (!fq) return;

    std::vector<std::string> wanted = {fq->clipped};
    if (fq->lora) wanted.push_back(fq->source);
    std::vector<ir::Tensor> values = Evaluate(model, wanted);
    const wc::CompressedWeight cw = Recover(graph, *fq, values[0]);

    wc::WeightSite site;
    site.weight_name = fq->weight;
    wc::WeightEdit edit = wc::MakeWeightEdit(cw, site, wc::WeightFormat::kDequantizeLinear, {});
    if (keep_float_weight && cw.float_dtype == DType::kDouble) {
      Fail(ErrorCode::kUnsupported,
           "strip NATIVE: QuantizeLinear has no double input (weight '" + fq->weight + "')");
    }
    // Names the edit introduces must not collide with what stays in the graph.
    std::set<size_t> removed(fq->nodes.begin(), fq->nodes.end());
    std::vector<ir::Node> nodes;
    std::vector<ir::Tensor> initializers;
    if (keep_float_weight) {
      // The float weight feeds QuantizeLinear with the DQ node's layout.
      std::string weight_value = fq->weight;
      if (fq->lora) {
        ir::Tensor merged = std::move(values[1]);
        merged.name = UniqueName(graph, fq->weight + "_merged");
        weight_value = merged.name;
        initializers.push_back(std::move(merged));
      }
      const ir::Tensor* w = fq->lora ? &initializers.back() : graph.FindInitializer(fq->weight);
      if (w->dims != cw.shape) {
        ir::Tensor shape =
            ir::Tensor::FromBytes(fq->weight + "_compressed_shape", DType::kInt64,
                                  {static_cast<int64_t>(cw.shape.size())}, cw.shape.data(),
                                  cw.shape.size() * sizeof(int64_t));
        nodes.push_back(ir::Node());
        nodes.back().op_type = "Reshape";
        nodes.back().name = fq->weight + "_Reshape_compressed";
        nodes.back().inputs = {weight_value, shape.name};
        nodes.back().outputs = {fq->weight + "_compressed"};
        weight_value = fq->weight + "_compressed";
        initializers.push_back(std::move(shape));
      }
      const ir::Node& dq = edit.nodes.front();
      ir::Node q;
      q.op_type = "QuantizeLinear";
      q.name = fq->weight + "_QuantizeLinear";
      q.inputs = {weight_value, dq.inputs[1]};
      q.attributes = dq.attributes;
      std::string zero_point = dq.inputs.size() > 2 ? dq.inputs[2] : "";
      for (ir::Tensor& t : edit.initializers) {
        if (t.name == dq.inputs[0]) {
          if (zero_point.empty()) {
            // QuantizeLinear takes its output type from the zero point: a zero one, signed.
            ir::Tensor scale_like;
            for (const ir::Tensor& s : edit.initializers) {
              if (s.name == dq.inputs[1]) scale_like = s;
            }
            ir::Tensor zp = ir::Tensor::Zeros(fq->weight + "_zero_point", t.dtype, scale_like.dims);
            zero_point = zp.name;
            initializers.push_back(std::move(zp));
          }
          continue;  // the codes are recomputed at run time
        }
        initializers.push_back(std::move(t));
      }
      q.inputs.push_back(zero_point);
      q.outputs = {dq.inputs[0]};
      nodes.push_back(std::move(q));
    } else {
      for (ir::Tensor& t : edit.initializers) initializers.push_back(std::move(t));
    }
    for (ir::Node& node : edit.nodes) nodes.push_back(std::move(node));
    // The last node produces the subgraph's output (reshaped to its dims when it had a Reshape).
    if (!fq->output_shape.empty() && fq->output_shape != cw.shape) {
      ir::Tensor shape =
          ir::Tensor::FromBytes(fq->weight + "_stripped_shape", DType::kInt64,
                                {static_cast<int64_t>(fq->output_shape.size())},
                                fq->output_shape.data(), fq->output_shape.size() * sizeof(int64_t));
      ir::Node reshape;
      reshape.op_type = "Reshape";
      reshape.name = fq->weight + "_Reshape_stripped";
      reshape.inputs = {edit.replacement_value, shape.name};
      reshape.outputs = {fq->output};
      initializers.push_back(std::move(shape));
      nodes.push_back(std::move(reshape));
    } else {
      for (ir::Node& node : nodes) {
        for (std::string& o : node.outputs) {
          if (o == edit.replacement_value) o = fq->output;
        }
      }
    }
    const size_t position = *removed.begin();
    const size_t inserted_at =
        position - static_cast<size_t>(std::count_if(removed.begin(), removed.end(),
                                                     [&](size_t i) { return i < position; }));
    RemoveNodes(graph, removed);
    graph.nodes.insert(graph.nodes.begin() + static_cast<std::ptrdiff_t>(inserted_at),
                       nodes.begin(), nodes.end());
    RemoveUnusedInitializers(graph);
    for (ir::Tensor& t : initializers) {
      if (graph.FindInitializer(t.name)) {
        Fail(ErrorCode::kInvalidModel, "strip: the name '" + t.name + "' is already used");
      }
      graph.initializers.push_back(std::move(t));
    }
    if (model.DefaultOpset() < edit.min_opset) {
      Fail(ErrorCode::kVersionMismatch,
           "strip: the fake quantizer of weight '" + fq->weight + "' needs default opset " +
               std::to_string(edit.min_opset) + " as Q/DQ; the model has " +
               std::to_string(model.DefaultOpset()));
    }
    if (model.ir_version < edit.min_ir_version) model.ir_version = edit.min_ir_version;
  }
}

bool NondeterministicOrStateful(const ir::Node& node) {
  static const std::set<std::string> kOps = {
      "RandomNormal", "RandomNormalLike", "RandomUniform", "RandomUniformLike",
      "Multinomial",  "Bernoulli",        "Dropout"};
  if (!node.IsDefaultDomain()) return true;
  for (const ir::Attribute& a : node.attributes) {
    if (a.g || !a.graphs.empty()) return true;
  }
  return kOps.count(node.op_type) > 0;
}

bool IsLowBit(DType t) {
  switch (t) {
    case DType::kInt4:
    case DType::kUint4:
    case DType::kInt8:
    case DType::kUint8:
    case DType::kFloat4E2M1:
    case DType::kFloat8E4M3FN:
    case DType::kFloat8E4M3FNUZ:
    case DType::kFloat8E5M2:
    case DType::kFloat8E5M2FNUZ:
      return true;
    default:
      return false;
  }
}

// Constant nodes that take part in quantization: Q/DQ, our fake quantizers' Round, and anything
// that reads a low-bit initializer (decoding lookups).
bool IsQuantizerNode(const ir::Graph& graph, const ir::Node& node) {
  if (node.op_type == "QuantizeLinear" || node.op_type == "DequantizeLinear" ||
      node.op_type == "Round") {
    return true;
  }
  for (const std::string& input : node.inputs) {
    const ir::Tensor* t = input.empty() ? nullptr : graph.FindInitializer(input);
    if (t && IsLowBit(t->dtype)) return true;
  }
  return false;
}

// IN_PLACE: every constant computation that involves a quantizer is evaluated and stored as an
// initializer under the name of the value its readers read; the nodes go away.
void FoldConstantQuantizers(ir::Model& model) {
  ir::Graph& graph = *model.graph;
  std::set<std::string> constant;
  for (const ir::Tensor& t : graph.initializers) constant.insert(t.name);
  std::vector<bool> is_constant(graph.nodes.size(), false), tainted(graph.nodes.size(), false);
  std::set<std::string> tainted_values;
  for (size_t i = 0; i < graph.nodes.size(); ++i) {
    const ir::Node& node = graph.nodes[i];
    if (NondeterministicOrStateful(node)) continue;
    bool all = true, from_quantizer = IsQuantizerNode(graph, node);
    for (const std::string& input : node.inputs) {
      if (input.empty()) continue;
      if (!constant.count(input)) all = false;
      if (tainted_values.count(input)) from_quantizer = true;
    }
    if (!all) continue;
    is_constant[i] = true;
    for (const std::string& o : node.outputs) constant.insert(o);
    if (from_quantizer) {
      tainted[i] = true;
      for (const std::string& o : node.outputs) tainted_values.insert(o);
    }
  }
  const GraphIndex index(graph);
  std::vector<std::string> frontier;
  for (const std::string& value : tainted_values) {
    bool needed_outside = index.graph_outputs.count(value) > 0;
    auto it = index.readers.find(value);
    if (it != index.readers.end()) {
      for (size_t reader : it->second) {
        if (!tainted[reader]) needed_outside = true;
      }
    }
    if (needed_outside) frontier.push_back(value);
  }
  if (frontier.empty()) return;
  std::vector<ir::Tensor> values = Evaluate(model, frontier);
  std::set<size_t> removed;
  for (size_t i = 0; i < graph.nodes.size(); ++i) {
    if (tainted[i]) removed.insert(i);
  }
  RemoveNodes(graph, removed);
  RemoveUnusedInitializers(graph);
  for (ir::Tensor& t : values) {
    if (graph.FindInitializer(t.name)) {
      Fail(ErrorCode::kInternal, "strip IN_PLACE: value '" + t.name + "' is defined twice");
    }
    graph.initializers.push_back(std::move(t));
  }
  // Nodes that were constant but not quantizer-related stay; ones left without readers go.
  for (bool changed = true; changed;) {
    changed = false;
    const GraphIndex now(graph);
    std::set<size_t> dead;
    for (size_t i = 0; i < graph.nodes.size(); ++i) {
      bool read = false, was_constant = true;
      for (const std::string& o : graph.nodes[i].outputs) {
        if (now.readers.count(o) || now.graph_outputs.count(o)) read = true;
        if (!o.empty() && !constant.count(o)) was_constant = false;
      }
      if (!read && was_constant) dead.insert(i);
    }
    if (!dead.empty()) {
      RemoveNodes(graph, dead);
      changed = true;
    }
  }
  RemoveUnusedInitializers(graph);
}

// DQ for Q/DQ models in general: a QuantizeLinear of a constant becomes the quantized initializer.
void FoldConstantQuantizeLinear(ir::Model& model) {
  ir::Graph& graph = *model.graph;
  std::vector<std::string> wanted;
  std::set<size_t> removed;
  for (size_t i = 0; i < graph.nodes.size(); ++i) {
    const ir::Node& node = graph.nodes[i];
    if (node.op_type != "QuantizeLinear" || !node.IsDefaultDomain()) continue;
    bool all = true;
    for (const std::string& input : node.inputs) {
      if (!input.empty() && !graph.FindInitializer(input)) all = false;
    }
    if (!all || node.outputs.empty()) continue;
    wanted.push_back(node.outputs[0]);
    removed.insert(i);
  }
  if (wanted.empty()) return;
  std::vector<ir::Tensor> values = Evaluate(model, wanted);
  RemoveNodes(graph, removed);
  RemoveUnusedInitializers(graph);
  for (ir::Tensor& t : values) graph.initializers.push_back(std::move(t));
}

}  // namespace

ir::Model Strip(const ir::Model& model, StripFormat format) {
  if (!model.graph) Fail(ErrorCode::kInvalidArgument, "strip: the model has no graph");
  ir::Model result = model;
  switch (format) {
    case StripFormat::kNative:
      RewriteFakeQuantizers(result, /*keep_float_weight=*/true);
      break;
    case StripFormat::kDequantize:
      RewriteFakeQuantizers(result, /*keep_float_weight=*/false);
      FoldConstantQuantizeLinear(result);
      break;
    case StripFormat::kInPlace:
      FoldConstantQuantizers(result);
      break;
    default:
      Fail(ErrorCode::kInvalidArgument,
           "strip: unknown format " + std::to_string(static_cast<int>(format)));
  }
  return result;
}

}  // namespace nncf::algorithms
