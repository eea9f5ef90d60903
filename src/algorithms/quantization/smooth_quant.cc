// SmoothQuant (NNCF smooth_quant/algorithm.py with the ONNX backend). Arithmetic follows NNCF's
// numpy code on float32 values: a^alpha / (w^(1-alpha) + eps), clipped to [quantile_0.1, 100],
// weights multiplied by s and activations by 1/s in float32, then stored in the tensors' types.
#include "algorithms/quantization/smooth_quant.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <map>
#include <tuple>
#include <utility>

#include "algorithms/common/ignored_scope.h"
#include "core/common/error.h"

namespace nncf::algorithms::quantization {

struct SmoothQuant::Candidate {
  int node = -1;  // NncfGraph index
  int act_port = 0;
  int weight_port = 0;
  std::string act_tensor;
  int source = -1;  // NncfGraph index of the activation's producer (maybe a model input node)
  int source_port = 0;
  int act_axis = -1;     // input-channel axis of the activation (negative: from the end)
  int weight_axis = -1;  // input-channel axis of the weight
  double alpha = 0;
  ir::DType act_dtype = ir::DType::kUndefined;
  int stat_id = -1;
  int shape_id = -1;
};

namespace {

constexpr float kStatisticFloor = 1e-5f;
constexpr float kScaleCeiling = 100.0f;
constexpr double kScaleQuantile = 0.1;
const float kEps = std::numeric_limits<float>::epsilon();  // numpy finfo(float32).eps

bool IsSmoothableFloat(ir::DType dtype) {
  return dtype == ir::DType::kFloat || dtype == ir::DType::kFloat16 ||
         dtype == ir::DType::kBFloat16 || dtype == ir::DType::kDouble;
}

// QUANTIZE_AGNOSTIC_OPERATIONS of NNCF's ONNX groups: a Conv fed by one of these is not smoothed.
bool IsQuantizeAgnostic(Metatype metatype) {
  switch (metatype) {
    case Metatype::kGlobalMaxPool:
    case Metatype::kMaxPool:
    case Metatype::kReduceMax:
    case Metatype::kReshape:
    case Metatype::kTranspose:
    case Metatype::kSqueeze:
    case Metatype::kUnsqueeze:
    case Metatype::kSplit:
    case Metatype::kTile:
    case Metatype::kCenterCropPad:
    case Metatype::kSlice:
    case Metatype::kPad:
    case Metatype::kGather:
    case Metatype::kGatherND:
    case Metatype::kGatherElements:
    case Metatype::kDepthToSpace:
    case Metatype::kSpaceToDepth:
    case Metatype::kScatterElements:
    case Metatype::kScatterND:
    case Metatype::kScatter:
    case Metatype::kCastLike:
    case Metatype::kDropout:
    case Metatype::kFlatten:
    case Metatype::kExpand:
    case Metatype::kIdentity:
      return true;
    default:
      return false;
  }
}

// C_IN axis of the activation on `port` (ONNXSmoothQuantAlgoBackend.get_activation_channel_axis).
int ActivationChannelAxis(const GraphNode& node, int port) {
  if (node.metatype == Metatype::kConv) return 1;
  if (node.metatype == Metatype::kMatMul) return port == 0 ? -1 : -2;
  // Gemm: X * W is [B, C_IN] * [C_IN, C_OUT]; a transposed operand swaps its two axes.
  if (port == 0) return node.trans_a ? -2 : -1;
  return node.trans_b ? -1 : -2;
}

// C_IN axis of the weight on `port` (get_weight_channel_axis); 0 for rank-1 weights.
int WeightChannelAxis(const GraphNode& node, int port, size_t rank) {
  if (rank <= 1) return 0;
  if (node.metatype == Metatype::kConv) return 1;
  if (node.metatype == Metatype::kMatMul) return port == 0 ? -1 : -2;
  if (port == 0) return node.trans_a ? -2 : -1;
  return node.trans_b ? -1 : -2;
}

size_t ResolveAxis(int axis, size_t rank) {
  return static_cast<size_t>(axis < 0 ? axis + static_cast<int>(rank) : axis);
}

// Max |W| over every axis but `axis` (one value per input channel).
std::vector<float> WeightAbsMaxPerChannel(const ir::Tensor& weight, size_t axis) {
  const std::vector<float> values = weight.ToFloats();
  int64_t inner = 1;
  for (size_t d = axis + 1; d < weight.dims.size(); ++d) inner *= weight.dims[d];
  const int64_t channels = weight.dims.empty() ? 1 : weight.dims[axis];
  std::vector<float> result(static_cast<size_t>(channels), 0.0f);
  for (size_t i = 0; i < values.size(); ++i) {
    const size_t c = static_cast<size_t>((static_cast<int64_t>(i) / inner) % channels);
    result[c] = std::max(result[c], std::fabs(values[i]));
  }
  return result;
}

// numpy.quantile with the default linear interpolation.
float Quantile(std::vector<float> values, double q) {
  std::sort(values.begin(), values.end());
  const double position = q * static_cast<double>(values.size() - 1);
  const size_t lower = static_cast<size_t>(std::floor(position));
  const size_t upper = std::min(lower + 1, values.size() - 1);
  const double fraction = position - static_cast<double>(lower);
  return static_cast<float>(values[lower] + (values[upper] - values[lower]) * fraction);
}

// The smoothing scale of one node and its ratio min(s)/(max(s)+eps)
// (SmoothQuant._calculate_scale_and_ratio).
std::pair<std::vector<float>, float> ScaleAndRatio(const std::vector<float>& activation,
                                                   const std::vector<float>& weight, double alpha) {
  // numpy raises a float32 array to a Python float in float32.
  const float activation_power = static_cast<float>(alpha);
  const float weight_power = static_cast<float>(1.0 - alpha);
  std::vector<float> scales(activation.size());
  for (size_t i = 0; i < scales.size(); ++i) {
    scales[i] =
        std::pow(activation[i], activation_power) / (std::pow(weight[i], weight_power) + kEps);
  }
  const float low = Quantile(scales, kScaleQuantile);
  for (float& s : scales) s = std::min(std::max(s, low), kScaleCeiling);
  const auto [min_it, max_it] = std::minmax_element(scales.begin(), scales.end());
  return {scales, *min_it / (*max_it + kEps)};
}

// Where a weight's value lives in the ir graph: an initializer or a Constant's "value".
ir::Tensor* FindWeightStorage(ir::Graph& graph, const WeightAttr& weight) {
  if (!weight.from_constant_node) return graph.FindInitializer(weight.initializer);
  for (ir::Node& node : graph.nodes) {
    if (node.op_type != "Constant" || !node.IsDefaultDomain()) continue;
    if (node.outputs.size() != 1 || node.outputs[0] != weight.initializer) continue;
    ir::Attribute* value = node.FindAttribute("value");
    return value && value->t ? &*value->t : nullptr;
  }
  return nullptr;
}

const ir::Tensor* FindWeightStorage(const ir::Graph& graph, const WeightAttr& weight) {
  return FindWeightStorage(const_cast<ir::Graph&>(graph), weight);
}

// Number of main-graph node inputs and graph outputs that read `value`.
int CountReaders(const ir::Graph& graph, const std::string& value) {
  int readers = 0;
  for (const ir::Node& node : graph.nodes) {
    readers += static_cast<int>(std::count(node.inputs.begin(), node.inputs.end(), value));
  }
  for (const ir::ValueInfo& output : graph.outputs) readers += output.name == value ? 1 : 0;
  return readers;
}

}  // namespace

SmoothQuant::SmoothQuant(const ir::Model& model, const NncfGraph& graph,
                         const QuantizeParams& params, const std::set<std::string>& ignored)
    : model_(model), graph_(graph), params_(params) {
  if (!model_.graph) Fail(ErrorCode::kInvalidModel, "SmoothQuant: the model has no graph");
  FindCandidates(ignored);
}

SmoothQuant::~SmoothQuant() = default;

// SmoothQuant._get_nodes_to_smooth_data, plus what NNCF gets wrong: ignored nodes are left alone,
// and a weight that anything else reads (or that is reached through Transpose/Reshape/DQ, which
// NNCF cannot read back) is skipped instead of crashing or corrupting the other reader.
void SmoothQuant::FindCandidates(const std::set<std::string>& ignored) {
  const double matmul_alpha = params_.smooth_quant_alpha_matmul;
  const double conv_alpha = params_.smooth_quant_alpha_convolution;
  const ir::Graph& onnx_graph = *model_.graph;
  for (size_t index = 0; index < graph_.nodes().size(); ++index) {
    const GraphNode& node = graph_.nodes()[index];
    double alpha = -1;
    if (node.metatype == Metatype::kMatMul || node.metatype == Metatype::kGemm) {
      alpha = matmul_alpha;
    } else if (node.metatype == Metatype::kConv) {
      alpha = conv_alpha;
    }
    if (alpha < 0 || ignored.count(node.name) > 0) continue;
    if (node.weights.size() != 1 || node.weight_shared) continue;
    const WeightAttr& weight = node.weights.front();
    if (node.metatype == Metatype::kConv && weight.port != 1) continue;
    if (weight.tensor != weight.initializer || !IsSmoothableFloat(weight.dtype)) continue;
    const ir::Tensor* weight_value = FindWeightStorage(onnx_graph, weight);
    if (weight_value == nullptr || CountReaders(onnx_graph, weight.initializer) != 1) continue;

    Candidate candidate;
    candidate.node = static_cast<int>(index);
    candidate.weight_port = weight.port;
    candidate.act_port = node.metatype == Metatype::kConv ? 0 : 1 - weight.port;
    const GraphEdge* act_edge = nullptr;
    for (int edge : graph_.InEdges(candidate.node)) {
      if (graph_.edges()[static_cast<size_t>(edge)].to_port == candidate.act_port) {
        act_edge = &graph_.edges()[static_cast<size_t>(edge)];
      }
    }
    if (act_edge == nullptr || !IsSmoothableFloat(act_edge->dtype)) continue;
    if (node.metatype == Metatype::kConv &&
        IsQuantizeAgnostic(graph_.node(act_edge->from).metatype))
      continue;
    candidate.act_tensor = act_edge->tensor;
    candidate.act_dtype = act_edge->dtype;
    candidate.source = act_edge->from;
    candidate.source_port = act_edge->from_port;
    candidate.act_axis = ActivationChannelAxis(node, candidate.act_port);
    candidate.weight_axis = WeightChannelAxis(node, weight.port, weight_value->dims.size());
    candidate.alpha = alpha;
    candidates_.push_back(std::move(candidate));
  }
}

void SmoothQuant::Register(StatisticsCollector& collector) {
  for (Candidate& candidate : candidates_) {
    StatisticRequest abs_max;
    abs_max.tensor = candidate.act_tensor;
    abs_max.reduction = Reduction::kAbsMax;
    abs_max.keep_axes = {candidate.act_axis};
    abs_max.aggregation = Aggregation::kMax;
    abs_max.max_items = params_.subset_size;
    candidate.stat_id = collector.Add(abs_max);

    StatisticRequest shape;
    shape.tensor = candidate.act_tensor;
    shape.reduction = Reduction::kShape;
    shape.aggregation = Aggregation::kNone;
    candidate.shape_id = collector.Add(shape);
  }
}

ir::Model SmoothQuant::Apply(const ir::Model& model, const StatisticsCollector& collector,
                             std::vector<SmoothedGroup>* report) const {
  ir::Model result = model;
  ir::Graph& graph = *result.graph;
  // NNCF renames unnamed nodes in place when it builds its graph; do the same so the names the
  // graph used stay valid once Muls shift the node indices.
  for (const GraphNode& node : graph_.nodes()) {
    if (node.onnx_index >= 0) graph.nodes[static_cast<size_t>(node.onnx_index)].name = node.name;
  }

  // Groups of consumers of one tensor (SmoothQuant._group_nodes_by_source), in candidate order.
  // The channel axis is part of the key: NNCF raises when a group mixes axes (Gemm transA).
  using GroupKey = std::tuple<int, int, int, std::vector<int64_t>, int>;
  std::vector<std::pair<GroupKey, std::vector<const Candidate*>>> groups;
  std::vector<bool> empty_statistics;
  for (const Candidate& candidate : candidates_) {
    const StatisticResult& shape_stat = collector.Get(candidate.shape_id);
    std::vector<int64_t> shape;
    if (shape_stat.items_seen > 0) {
      const int64_t* dims = shape_stat.value.DataAs<int64_t>();
      shape.assign(dims, dims + shape_stat.value.NumElements());
    }
    GroupKey key{candidate.source, candidate.act_port, candidate.source_port, shape,
                 candidate.act_axis};
    auto it = std::find_if(groups.begin(), groups.end(),
                           [&](const auto& group) { return group.first == key; });
    if (it == groups.end()) {
      groups.push_back({key, {}});
      empty_statistics.push_back(false);
      it = groups.end() - 1;
    }
    const bool empty =
        shape_stat.items_seen == 0 || collector.Get(candidate.stat_id).items_seen == 0;
    if (empty) empty_statistics[static_cast<size_t>(it - groups.begin())] = true;
    it->second.push_back(&candidate);
  }

  std::map<std::string, int> mul_name_counts;
  for (size_t g = 0; g < groups.size(); ++g) {
    if (empty_statistics[g]) continue;
    const std::vector<const Candidate*>& members = groups[g].second;
    const std::vector<int64_t>& shape = std::get<3>(groups[g].first);

    std::vector<float> best_scale;
    float best_ratio = 0.0f;
    double best_alpha = 0;
    for (const Candidate* candidate : members) {
      const GraphNode& node = graph_.node(candidate->node);
      std::vector<float> activation = (collector.Get(candidate->stat_id).value).ToFloats();
      for (float& a : activation) a = std::max(a, kStatisticFloor);
      const ir::Tensor& weight = *FindWeightStorage(graph, node.weights.front());
      std::vector<float> weight_stat =
          WeightAbsMaxPerChannel(weight, ResolveAxis(candidate->weight_axis, weight.dims.size()));
      for (float& w : weight_stat) w = std::max(w, kStatisticFloor);
      if (activation.size() != weight_stat.size()) {
        Fail(ErrorCode::kInvalidModel,
             "SmoothQuant: node '" + node.name + "' has " + std::to_string(weight_stat.size()) +
                 " weight input channels but its input '" + candidate->act_tensor + "' has " +
                 std::to_string(activation.size()) + " channels");
      }
      auto [scale, ratio] = ScaleAndRatio(activation, weight_stat, candidate->alpha);
      if (ratio > best_ratio) {
        best_ratio = ratio;
        best_scale = std::move(scale);
        best_alpha = candidate->alpha;
      }
    }
    if (best_scale.empty()) continue;  // no usable scale (NaN statistics)

    SmoothedGroup smoothed;
    smoothed.alpha = best_alpha;
    smoothed.source_tensor = members.front()->act_tensor;
    for (const Candidate* candidate : members) {
      const GraphNode& node = graph_.node(candidate->node);
      ir::Tensor& weight = *FindWeightStorage(graph, node.weights.front());
      const size_t axis = ResolveAxis(candidate->weight_axis, weight.dims.size());
      int64_t inner = 1;
      for (size_t d = axis + 1; d < weight.dims.size(); ++d) inner *= weight.dims[d];
      const int64_t channels = static_cast<int64_t>(best_scale.size());
      std::vector<float> values = weight.ToFloats();
      for (size_t i = 0; i < values.size(); ++i) {
        values[i] *= best_scale[static_cast<size_t>((static_cast<int64_t>(i) / inner) % channels)];
      }
      ir::Tensor scaled = ir::Tensor::FromFloats(weight.name, weight.dtype, weight.dims, values);
      scaled.doc_string = weight.doc_string;
      weight = std::move(scaled);
      smoothed.nodes.push_back(node.name);
    }

    // One Mul by 1/s on the source tensor, s along the activation's channel axis.
    const Candidate& first = *members.front();
    const std::string prefix =
        graph_.node(first.source).name + "_" + std::to_string(first.source_port);
    const std::string mul_name =
        prefix + "_" + std::to_string(mul_name_counts[prefix]++) + "/nncf_smooth_quant";
    std::vector<float> inverse(best_scale.size());
    for (size_t i = 0; i < inverse.size(); ++i) inverse[i] = 1.0f / best_scale[i];
    std::vector<int64_t> scale_dims = {static_cast<int64_t>(inverse.size())};
    if (shape.size() > 1) {
      scale_dims.assign(shape.size(), 1);
      scale_dims[ResolveAxis(first.act_axis, shape.size())] = static_cast<int64_t>(inverse.size());
    }
    graph.initializers.push_back(
        ir::Tensor::FromFloats(mul_name + "_scale", first.act_dtype, scale_dims, inverse));

    ir::Node mul;
    mul.name = mul_name;
    mul.op_type = "Mul";
    mul.inputs = {first.act_tensor, mul_name + "_scale"};
    mul.outputs = {mul_name + "_output"};
    // By name: earlier Muls have shifted the node indices.
    for (ir::Node& consumer : graph.nodes) {
      if (std::find(smoothed.nodes.begin(), smoothed.nodes.end(), consumer.name) ==
          smoothed.nodes.end()) {
        continue;
      }
      for (std::string& input : consumer.inputs) {
        if (input == first.act_tensor) input = mul.outputs[0];
      }
    }
    if (const ir::ValueInfo* act_info = graph.FindValueInfo(first.act_tensor)) {
      ir::ValueInfo mul_info = *act_info;
      mul_info.name = mul.outputs[0];
      mul_info.doc_string.clear();
      graph.value_info.push_back(std::move(mul_info));
    }
    // Right after the source node, or first for a graph input, as NNCF inserts it.
    size_t position = 0;
    const int source_index = graph_.node(first.source).onnx_index;
    if (source_index >= 0) {
      const std::string& source_name = graph_.node(first.source).name;
      for (size_t i = 0; i < graph.nodes.size(); ++i) {
        if (graph.nodes[i].name == source_name) position = i + 1;
      }
    }
    graph.nodes.insert(graph.nodes.begin() + static_cast<std::ptrdiff_t>(position), std::move(mul));

    smoothed.mul_node = mul_name;
    if (report) report->push_back(std::move(smoothed));
  }
  return result;
}

}  // namespace nncf::algorithms::quantization
