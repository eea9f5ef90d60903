// MinMaxQuantization.find_quantization_setup and the target-point mapping of its apply():
// parameters to constraints, ignored names, weight configs, the propagation solver, the
// transformer pass, ONNX insertion points, shared weights, axes and the overflow fix.
#include "algorithms/quantization/quantizer_placement.h"

#include <algorithm>
#include <deque>
#include <map>
#include <set>

#include "algorithms/quantization/fused_patterns.h"
#include "algorithms/quantization/hw_config.h"
#include "algorithms/quantization/inference_graph.h"
#include "algorithms/quantization/quantizer_propagation.h"
#include "core/common/error.h"

namespace nncf::algorithms::quantization {
namespace {

QuantizerConstraints ConstraintsFor(QuantizationScheme preset_mode,
                                    const QuantizationParameters& user) {
  QuantizerConstraints constraints;
  constraints.mode = user.mode.value_or(preset_mode);
  constraints.num_bits = user.num_bits;
  constraints.per_channel = user.per_channel;
  constraints.signedness_to_force = user.signedness_to_force;
  constraints.narrow_range = user.narrow_range;
  return constraints;
}

// get_weight_quantization_axis (onnx/graph/node_utils.py), with the port-0 MatMul fixed.
int64_t WeightAxis(const GraphNode& node, int port) {
  switch (node.metatype) {
    case Metatype::kConvTranspose:
      return 1;  // weight [C_in, C_out/group, k...]
    case Metatype::kGemm:
      if (port == 1) return node.trans_b ? -2 : -1;
      return node.trans_a ? -1 : -2;
    case Metatype::kMatMul:
      // NNCF writes -1 for a port-0 weight too, which is K, not an output dimension. The output
      // channels of A in A x B are its rows (M), so we quantize per row: axis -2.
      return port == 1 ? -1 : -2;
    default:
      return 0;  // Conv family [C_out, C_in/group, k...], Embedding [V, D]
  }
}

struct TargetPoint {
  InsertionKind kind = InsertionKind::kPostLayer;
  int node = -1;
  int port = 0;
  bool operator==(const TargetPoint& other) const {
    return kind == other.kind && node == other.node && port == other.port;
  }
};

// _get_activation_quantization_target_points: a post-hook on a node whose consumers read
// several distinct output ports becomes one pre-layer point per consumer edge.
std::vector<TargetPoint> ActivationTargets(const NncfGraph& graph, const ProposedQuantizer& q) {
  if (q.input_port) return {{InsertionKind::kPreLayer, q.node, *q.input_port}};
  std::vector<int> out_edges;
  for (int succ : graph.Successors(q.node)) {
    for (int e : graph.EdgesBetween(q.node, succ)) out_edges.push_back(e);
  }
  std::stable_sort(out_edges.begin(), out_edges.end(), [&graph](int a, int b) {
    return graph.edges()[static_cast<size_t>(a)].from_port <
           graph.edges()[static_cast<size_t>(b)].from_port;
  });
  std::set<int> ports;
  for (int e : out_edges) ports.insert(graph.edges()[static_cast<size_t>(e)].from_port);
  if (ports.size() > 1) {
    std::vector<TargetPoint> points;
    for (int e : out_edges) {
      const GraphEdge& edge = graph.edges()[static_cast<size_t>(e)];
      points.push_back({InsertionKind::kPreLayer, edge.to, edge.to_port});
    }
    return points;
  }
  const InsertionKind kind = graph.node(q.node).metatype == Metatype::kModelInput
                                 ? InsertionKind::kModelInput
                                 : InsertionKind::kPostLayer;
  return {{kind, q.node, ports.empty() ? 0 : *ports.begin()}};
}

InsertionPoint ToInsertionPoint(const NncfGraph& graph, const TargetPoint& point) {
  const GraphNode& node = graph.node(point.node);
  InsertionPoint result;
  result.kind = point.kind;
  result.port = point.port;
  switch (point.kind) {
    case InsertionKind::kWeight:
    case InsertionKind::kPreLayer:
      result.node = node.name;
      result.tensor = node.inputs[static_cast<size_t>(point.port)];
      break;
    case InsertionKind::kPostLayer:
      result.node = node.name;
      result.tensor = node.outputs[static_cast<size_t>(point.port)];
      break;
    case InsertionKind::kModelInput:
      result.node = "";
      result.tensor = node.outputs.front();
      result.port = 0;
      break;
  }
  return result;
}

// Weight target points of the nodes whose weights get 7-bit ranges (overflow fix).
std::set<int> OverflowFixNodes(const NncfGraph& graph, OverflowFix fix,
                               const std::set<int>& weighted_nodes) {
  std::set<int> result;
  if (fix == OverflowFix::kEnable) {
    for (int node : weighted_nodes) {
      const Metatype m = graph.node(node).metatype;
      if (m == Metatype::kConv || m == Metatype::kConvTranspose || m == Metatype::kGemm ||
          m == Metatype::kMatMul) {
        result.insert(node);
      }
    }
  } else if (fix == OverflowFix::kFirstLayer) {
    std::set<int> convs;
    for (int node : weighted_nodes) {
      if (graph.node(node).metatype == Metatype::kConv) convs.insert(node);
    }
    // BFS from each input; the first exact ConvOp with a weight quantizer ends its path.
    for (int input : graph.ModelInputNodes()) {
      std::deque<int> queue;
      for (int next : graph.Successors(input)) queue.push_back(next);
      std::set<int> visited;
      while (!queue.empty()) {
        const int node = queue.front();
        queue.pop_front();
        if (!visited.insert(node).second) continue;
        if (convs.count(node)) {
          result.insert(node);
        } else {
          for (int next : graph.Successors(node)) queue.push_back(next);
        }
      }
    }
  }
  return result;
}

}  // namespace

QuantizationSetup FindQuantizationSetup(const ir::Model& model, const NncfGraph& graph,
                                        const QuantizeParams& params) {
  if (!model.graph) Fail(ErrorCode::kInvalidModel, "model has no graph");
  if (params.target_device == TargetDevice::kCpuSpr) {
    Fail(ErrorCode::kUnsupported, "target_device CPU_SPR is not supported for ONNX models");
  }
  const bool fp8 = params.mode != QuantizationMode::kInt8;
  if (fp8 && params.preset == Preset::kMixed) {
    Fail(ErrorCode::kInvalidArgument, "preset MIXED is not supported with an FP8 mode");
  }
  // In FP8 mode the user's QuantizationParameters are FP8 parameters: they set no constraints.
  const QuantizationParameters no_params;
  const QuantizationParameters& activation_params = fp8 ? no_params : params.activations;
  const QuantizationParameters& weight_params = fp8 ? no_params : params.weights;
  const Preset preset = params.preset.value_or(
      !fp8 && params.IsTransformer() ? Preset::kMixed : Preset::kPerformance);
  const bool a8w8 =
      activation_params.num_bits.value_or(8) == 8 && weight_params.num_bits.value_or(8) == 8;
  TargetDevice device = params.target_device;
  if (!fp8 && a8w8 && (device == TargetDevice::kGpu || device == TargetDevice::kNpu)) {
    device = TargetDevice::kCpu;
  }
  OverflowFix overflow_fix = fp8 ? OverflowFix::kDisable : OverflowFix::kFirstLayer;
  if (params.overflow_fix) {
    overflow_fix = *params.overflow_fix;
  } else if (!a8w8) {
    overflow_fix = OverflowFix::kDisable;
  }

  const QuantizerConstraints activation_constraints = ConstraintsFor(
      preset == Preset::kMixed ? QuantizationScheme::kAsymmetric : QuantizationScheme::kSymmetric,
      activation_params);
  const QuantizerConstraints weight_constraints =
      ConstraintsFor(QuantizationScheme::kSymmetric, weight_params);

  PropagationInput input;
  input.graph = &graph;
  input.in_inference_graph = InferenceGraphNodes(graph);
  input.quantize_outputs = params.quantize_outputs;
  input.rule = params.propagation_rule;
  input.activation_constraints = activation_constraints;
  input.default_activation_config = activation_constraints.Apply(QuantizerConfig{});
  input.attention_ports = fp8 ? std::vector<int>{0, 1, 2} : std::vector<int>{0, 1};
  input.hw_patterns = HardwareFusedPatterns(device != TargetDevice::kNpu);

  // Ignored names: the user's scope on the full graph, ignored patterns on the inference graph.
  const std::set<std::string> user_ignored = MatchIgnoredScope(*model.graph, params.ignored_scope);
  MatchGraph inference;
  std::vector<int> node_of_match;
  std::map<int, int> match_of_node;
  for (size_t n = 0; n < graph.nodes().size(); ++n) {
    if (!input.in_inference_graph[n]) continue;
    match_of_node[static_cast<int>(n)] = static_cast<int>(node_of_match.size());
    node_of_match.push_back(static_cast<int>(n));
    inference.metatypes.push_back(graph.nodes()[n].metatype);
    inference.keys.push_back(graph.NodeKey(static_cast<int>(n)));
  }
  for (const GraphEdge& edge : graph.edges()) {
    if (match_of_node.count(edge.from) && match_of_node.count(edge.to)) {
      inference.edges.emplace_back(match_of_node[edge.from], match_of_node[edge.to]);
    }
  }
  std::set<std::string> ignored_nodes;
  for (const auto& match : FindMatches(inference, IgnoredPatterns(params.IsTransformer()), false)) {
    for (int m : match) {
      const std::string& name = graph.node(node_of_match[static_cast<size_t>(m)]).name;
      input.ignored[name] = false;
      ignored_nodes.insert(name);
    }
  }
  for (const std::string& name : user_ignored) {
    input.ignored[name] = true;
    ignored_nodes.insert(name);
  }

  // Weight configs from the HW config, constrained (symmetric unless the user says otherwise).
  const QuantizerConfig default_weight_config = weight_constraints.Apply(QuantizerConfig{});
  for (size_t n = 0; n < graph.nodes().size(); ++n) {
    const GraphNode& node = graph.nodes()[n];
    if (!input.in_inference_graph[n] || node.weights.empty()) continue;
    // fp64 or integer (already quantized) constants have no QuantizeLinear form; NNCF would
    // still try, we leave them alone.
    bool float_weights = true;
    for (const WeightAttr& weight : node.weights) {
      float_weights &= weight.dtype == ir::DType::kFloat || weight.dtype == ir::DType::kFloat16 ||
                       weight.dtype == ir::DType::kBFloat16;
    }
    if (!float_weights) continue;
    auto configs = HwWeightConfigs(node.metatype);
    if (!configs) continue;
    if (configs->empty()) configs = std::vector<QuantizerConfig>{default_weight_config};
    std::vector<QuantizerConfig> allowed;
    for (const QuantizerConfig& config : *configs) {
      if (weight_constraints.Compatible(config)) allowed.push_back(config);
    }
    if (allowed.empty()) {
      Fail(ErrorCode::kInvalidArgument,
           "weight quantization parameters are incompatible with every hardware config of '" +
               node.name + "' (" + node.op_type + ")");
    }
    input.weight_nodes.emplace_back(static_cast<int>(n), allowed);
  }

  if (params.IsTransformer()) {
    input.metatypes_to_ignore = {
        Metatype::kAdd,        Metatype::kPow,         Metatype::kSqueeze,
        Metatype::kSub,        Metatype::kAveragePool, Metatype::kGlobalAveragePool,
        Metatype::kReduceMean, Metatype::kReduceL2,    Metatype::kReduceSum,
        Metatype::kDiv,        Metatype::kMaximum,     Metatype::kSqrt,
        Metatype::kReciprocal, Metatype::kBatchNorm,   Metatype::kGreater,
        Metatype::kLess,       Metatype::kEqual,       Metatype::kMul};
  }

  PropagationResult proposal = RunQuantizerPropagation(input);
  ignored_nodes.insert(proposal.autogenerated_ignored.begin(),
                       proposal.autogenerated_ignored.end());

  // Transformer pass: activation x activation MatMul / Gemm inputs are symmetric.
  if (params.IsTransformer()) {
    for (ProposedQuantizer& q : proposal.quantizers) {
      if (q.is_weight) continue;
      for (int node : q.directly_quantized) {
        const GraphNode& target = graph.node(node);
        if ((target.metatype == Metatype::kMatMul || target.metatype == Metatype::kGemm) &&
            q.config.mode != QuantizationScheme::kSymmetric && target.weights.empty()) {
          q.config.mode = QuantizationScheme::kSymmetric;
        }
      }
    }
  }

  // Quantization points in the order of their target nodes in the topological order.
  std::map<int, size_t> topo_position;
  const std::vector<int> order = graph.TopologicalOrder();
  for (size_t i = 0; i < order.size(); ++i) topo_position[order[i]] = i;
  std::vector<const ProposedQuantizer*> sorted;
  for (const ProposedQuantizer& q : proposal.quantizers) sorted.push_back(&q);
  std::stable_sort(sorted.begin(), sorted.end(),
                   [&topo_position](const ProposedQuantizer* a, const ProposedQuantizer* b) {
                     return topo_position[a->node] < topo_position[b->node];
                   });

  struct Candidate {
    TargetPoint point;
    const ProposedQuantizer* source;
  };
  std::vector<Candidate> candidates;
  std::set<int> weighted_nodes;
  for (const ProposedQuantizer* q : sorted) {
    if (q->is_weight) {
      weighted_nodes.insert(q->node);
      for (const WeightAttr& weight : graph.node(q->node).weights) {
        candidates.push_back({{InsertionKind::kWeight, q->node, weight.port}, q});
      }
    } else {
      for (const TargetPoint& point : ActivationTargets(graph, *q)) {
        bool duplicate = false;
        for (const Candidate& c : candidates) duplicate |= c.point == point;
        if (!duplicate) candidates.push_back({point, q});
      }
    }
  }
  const std::set<int> half_range_nodes = OverflowFixNodes(graph, overflow_fix, weighted_nodes);

  QuantizationSetup setup;
  setup.ignored_nodes = ignored_nodes;
  auto names_of = [&graph](const std::vector<int>& nodes) {
    std::vector<std::string> names;
    for (int n : nodes) names.push_back(graph.node(n).name);
    return names;
  };
  auto add_spec = [&](const Candidate& c) {
    QuantizerSpec spec;
    spec.id = static_cast<int>(setup.quantizers.size());
    spec.point = ToInsertionPoint(graph, c.point);
    spec.config = c.source->config;
    spec.is_weight = c.point.kind == InsertionKind::kWeight;
    if (spec.is_weight) {
      if (spec.config.per_channel) spec.axis = WeightAxis(graph.node(c.point.node), c.point.port);
      spec.half_range = half_range_nodes.count(c.point.node) > 0;
      // A shared weight gets one quantizer; every consumer reads its DequantizeLinear.
      for (const auto& [consumer, port] : graph.Consumers(spec.point.tensor)) {
        spec.target_nodes.push_back(graph.node(consumer).name);
      }
    } else {
      if (spec.config.per_channel) spec.axis = 1;
      spec.target_nodes = names_of(c.source->directly_quantized);
    }
    setup.quantizers.push_back(spec);
    return spec.id;
  };

  // Unified groups are written first, as MinMax's apply() registers them first.
  std::set<size_t> placed;
  for (const std::vector<int>& group : proposal.unified_groups) {
    std::vector<int> ids;
    for (size_t i = 0; i < candidates.size(); ++i) {
      if (std::find(group.begin(), group.end(), candidates[i].source->id) == group.end()) continue;
      ids.push_back(add_spec(candidates[i]));
      placed.insert(i);
    }
    if (ids.size() < 2) {
      for (int id : ids) setup.quantizers[static_cast<size_t>(id)].unified_group = -1;
      continue;
    }
    const int gid = static_cast<int>(setup.unified_groups.size());
    for (int id : ids) setup.quantizers[static_cast<size_t>(id)].unified_group = gid;
    setup.unified_groups.push_back(ids);
  }
  std::set<std::string> quantized_weights;
  for (size_t i = 0; i < candidates.size(); ++i) {
    if (placed.count(i)) continue;
    if (candidates[i].point.kind == InsertionKind::kWeight) {
      const GraphNode& node = graph.node(candidates[i].point.node);
      const std::string& tensor = node.inputs[static_cast<size_t>(candidates[i].point.port)];
      if (!quantized_weights.insert(tensor).second) continue;
    }
    add_spec(candidates[i]);
  }
  return setup;
}

}  // namespace nncf::algorithms::quantization
