// AWQ on the IR. Targets are found per activation: every eligible 4-bit MatMul reading it forms
// one group and shares one scale vector (a single MatMul is a group of one, as in NNCF). The
// scale is folded into the producer when the producer is linear in its output channels and feeds
// only the group; otherwise a Mul by 1/s is inserted in front of the group, which keeps every
// other reader of the activation unchanged (NNCF rewires every successor of the merge node).
#include "algorithms/weight_compression/awq.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <set>

#include "algorithms/weight_compression/weight_matrix.h"
#include "algorithms/weight_compression/weight_quantization.h"
#include "core/common/error.h"
#include "core/common/parallel_for.h"

namespace nncf::algorithms::wc {
namespace {

constexpr double kFp16OverflowThreshold = 0.25 * 65504.0;  // NNCF's margin times fp16 max

bool IsAwqActivation(const std::string& op) {
  static const std::set<std::string> kOps = {"Relu",        "LeakyRelu", "ThresholdedRelu",
                                             "Elu",         "PRelu",     "Sigmoid",
                                             "HardSigmoid", "HardSwish", "Selu"};
  return kOps.count(op) != 0;
}

int64_t IntAttr(const ir::Node& node, const char* name, int64_t fallback) {
  const ir::Attribute* attribute = node.FindAttribute(name);
  return attribute && attribute->i ? *attribute->i : fallback;
}

struct GraphIndex {
  std::map<std::string, size_t> producer;
  std::map<std::string, std::vector<std::pair<size_t, size_t>>> consumers;  // (node, input)
  std::set<std::string> graph_outputs;

  explicit GraphIndex(const ir::Graph& graph) {
    for (size_t n = 0; n < graph.nodes.size(); ++n) {
      const ir::Node& node = graph.nodes[n];
      for (const std::string& output : node.outputs) producer[output] = n;
      for (size_t i = 0; i < node.inputs.size(); ++i) {
        if (!node.inputs[i].empty()) consumers[node.inputs[i]].push_back({n, i});
      }
    }
    for (const ir::ValueInfo& output : graph.outputs) graph_outputs.insert(output.name);
  }
  size_t Uses(const std::string& value) const {
    auto it = consumers.find(value);
    return it == consumers.end() ? 0 : it->second.size();
  }
  const ir::Node* Producer(const ir::Graph& graph, const std::string& value) const {
    auto it = producer.find(value);
    return it == producer.end() ? nullptr : &graph.nodes[it->second];
  }
};

// A target: a 4-bit MatMul/Gemm weight whose layer reads `activation` with channels last.
struct Target {
  size_t plan_index = 0;
  const PlannedWeight* planned = nullptr;
  std::string activation;
  int64_t axis = 0;  // reduction axis of the 2-D weight
};

// numpy.quantile(values, q) with linear interpolation, in float64.
double Quantile(std::vector<float> values, double q) {
  std::sort(values.begin(), values.end());
  const double position = q * double(values.size() - 1);
  const size_t low = static_cast<size_t>(std::floor(position));
  const size_t high = std::min(low + 1, values.size() - 1);
  const double fraction = position - double(low);
  return double(values[low]) + (double(values[high]) - double(values[low])) * fraction;
}

// The FP16 overflow guard's inputs: the previous MatMul's mean |w| per output channel, its input
// size and the largest activation magnitude it reads.
struct OverflowGuard {
  bool active = false;
  std::vector<float> prev_w;  // [H]
  double prev_s = 0;
  double prev_in = 0;
};

std::vector<float> DataAwareScale(const WeightMatrix& w, WeightMode mode, int64_t group_size,
                                  const SampledActivations& x, const OverflowGuard& guard,
                                  const AwqParams& params, int num_threads) {
  const int64_t h = w.in;
  const int64_t m = x.samples;
  if (group_size == -1) group_size = h;
  std::vector<float> scale(static_cast<size_t>(h), 1.0f);
  const int64_t top_k =
      std::max<int64_t>(static_cast<int64_t>(double(h) * params.percent_to_apply), 1);
  std::vector<int64_t> order(static_cast<size_t>(h));
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&x](int64_t a, int64_t b) { return x.s[a] > x.s[b]; });
  std::set<int64_t> groups;
  for (int64_t k = 0; k < std::min(top_k, h); ++k) groups.insert(order[k] / group_size);
  const double alpha_step = (params.alpha_max - params.alpha_min) / double(params.steps);
  const std::vector<int64_t> group_list(groups.begin(), groups.end());

  for (int64_t g : group_list) {
    const int64_t offset = g * group_size;
    std::vector<float> gscale(x.s.begin() + offset, x.s.begin() + offset + group_size);
    const float low = static_cast<float>(Quantile(gscale, 0.1));
    for (float& v : gscale) v = std::min(std::max(v, low), 100.0f);
    // [out][gs] weights and [gs][m] activations of the group.
    std::vector<float> gw(static_cast<size_t>(w.out * group_size));
    for (int64_t o = 0; o < w.out; ++o) {
      std::copy(w.row(o) + offset, w.row(o) + offset + group_size, gw.begin() + o * group_size);
    }
    const float* gx = x.x.data() + offset * m;
    std::vector<float> fp_out(static_cast<size_t>(w.out * m), 0.0f);
    for (int64_t o = 0; o < w.out; ++o) {
      for (int64_t j = 0; j < group_size; ++j) {
        const float wj = gw[o * group_size + j];
        for (int64_t k = 0; k < m; ++k) fp_out[o * m + k] += wj * gx[j * m + k];
      }
    }
    double min_diff = 0;
    for (float v : fp_out) min_diff = std::max(min_diff, double(std::fabs(v)));
    const std::vector<float>* best = nullptr;
    std::vector<std::vector<float>> candidates(static_cast<size_t>(params.steps));
    std::vector<double> diffs(static_cast<size_t>(params.steps));
    // Every alpha is independent: evaluated in parallel, chosen in order (earliest wins ties).
    ParallelFor(num_threads, params.steps, w.out * group_size * m, [&](int64_t begin, int64_t end) {
      std::vector<float> scaled(gw.size()), q(gw.size()), sx(static_cast<size_t>(group_size * m));
      for (int64_t step = begin; step < end; ++step) {
        const double alpha = params.alpha_min + double(step) * alpha_step;
        std::vector<float> cur(static_cast<size_t>(group_size));
        for (int64_t j = 0; j < group_size; ++j) {
          cur[j] = std::pow(gscale[j], static_cast<float>(alpha));
        }
        if (guard.active) {
          bool over = false;
          std::vector<double> magnitude(static_cast<size_t>(group_size));
          for (int64_t j = 0; j < group_size; ++j) {
            magnitude[j] = double(guard.prev_w[offset + j]) / cur[j] * guard.prev_s * guard.prev_in;
            over = over || magnitude[j] >= kFp16OverflowThreshold;
          }
          if (over) {
            for (int64_t j = 0; j < group_size; ++j) {
              if (magnitude[j] >= kFp16OverflowThreshold) {
                cur[j] = static_cast<float>(double(guard.prev_w[offset + j]) * guard.prev_s *
                                            guard.prev_in / kFp16OverflowThreshold);
              }
            }
          }
        }
        for (int64_t o = 0; o < w.out; ++o) {
          for (int64_t j = 0; j < group_size; ++j) {
            scaled[o * group_size + j] = gw[o * group_size + j] * cur[j];
          }
        }
        FakeQuantizeGroups(mode, scaled.data(), w.out, group_size, group_size, q.data());
        for (int64_t j = 0; j < group_size; ++j) {
          for (int64_t k = 0; k < m; ++k) sx[j * m + k] = gx[j * m + k] / cur[j];
        }
        double total = 0;
        std::vector<float> out(static_cast<size_t>(m));
        for (int64_t o = 0; o < w.out; ++o) {
          std::fill(out.begin(), out.end(), 0.0f);
          for (int64_t j = 0; j < group_size; ++j) {
            const float qj = q[o * group_size + j];
            for (int64_t k = 0; k < m; ++k) out[k] += qj * sx[j * m + k];
          }
          for (int64_t k = 0; k < m; ++k) total += std::fabs(double(out[k]) - fp_out[o * m + k]);
        }
        diffs[step] = total / double(w.out * m);
        candidates[step] = std::move(cur);
      }
    });
    for (int64_t step = 0; step < params.steps; ++step) {
      if (diffs[step] < min_diff) {
        min_diff = diffs[step];
        best = &candidates[step];
      }
    }
    if (best) std::copy(best->begin(), best->end(), scale.begin() + offset);
  }
  return scale;
}

std::vector<float> DataFreeScale(const WeightMatrix& w, ir::DType dtype) {
  const double eps = MachineEpsilon(dtype);
  std::vector<float> scale(static_cast<size_t>(w.in));
  for (int64_t c = 0; c < w.in; ++c) {
    double sum = 0;
    for (int64_t o = 0; o < w.out; ++o) sum += std::fabs(w.row(o)[c]);
    scale[c] = static_cast<float>(1.0 / std::max(sum / double(w.out), eps));
  }
  return scale;
}

// `tensor` times factor[c] along `axis` (2-D), same name and type.
ir::Tensor ScaleAlongAxis(const ir::Tensor& tensor, int64_t axis, const std::vector<float>& factor,
                          bool inverse) {
  std::vector<float> values = tensor.ToFloats();
  const int64_t rows = tensor.dims.size() == 2 ? tensor.dims[0] : 1;
  const int64_t cols = tensor.dims.empty() ? 1 : tensor.dims.back();
  for (int64_t r = 0; r < rows; ++r) {
    for (int64_t c = 0; c < cols; ++c) {
      const float f = factor[static_cast<size_t>(axis == 0 && tensor.dims.size() == 2 ? r : c)];
      float& v = values[r * cols + c];
      v = inverse ? v / f : v * f;
    }
  }
  return ir::Tensor::FromFloats(tensor.name, tensor.dtype, tensor.dims, values);
}

}  // namespace

AwqOutcome ComputeAwq(const ir::Graph& graph, const LayerPlan& plan, const TensorLookup& lookup,
                      std::map<std::string, ActivationStatistics>* stats, const AwqParams& params,
                      int num_threads, const Context& context, const std::string& stage) {
  if (params.subset_size < 1 || params.steps < 1 ||
      !(params.percent_to_apply > 0 && params.percent_to_apply <= 1) ||
      !(params.alpha_max >= params.alpha_min)) {
    Fail(ErrorCode::kInvalidArgument,
         "awq: subset_size and steps must be >= 1, percent_to_apply in (0, 1] and "
         "alpha_min <= alpha_max");
  }
  const GraphIndex index(graph);
  // Eligible targets grouped by the activation they read, in plan (topological) order.
  std::vector<std::string> activations;
  std::map<std::string, std::vector<Target>> by_activation;
  for (size_t p = 0; p < plan.weights.size(); ++p) {
    const PlannedWeight& planned = plan.weights[p];
    const WeightCandidate& weight = planned.weight;
    if (!planned.config || WeightModeBits(planned.config->mode) != 4) continue;
    if (weight.kind != LayerKind::kMatMul || weight.shape.size() != 2 ||
        weight.site.input_index != 1 || index.Uses(weight.site.weight_name) != 1) {
      continue;
    }
    const ir::Node& node = graph.nodes[weight.node_index];
    if (node.op_type == "Gemm" && IntAttr(node, "transA", 0) != 0) continue;
    Target target;
    target.plan_index = p;
    target.planned = &planned;
    target.activation = node.inputs[0];
    target.axis = weight.SingleReductionAxis();
    if (target.axis != 0 && target.axis != 1) continue;
    if (!by_activation.count(target.activation)) activations.push_back(target.activation);
    by_activation[target.activation].push_back(target);
  }

  AwqOutcome outcome;
  for (size_t a = 0; a < activations.size(); ++a) {
    const std::string& activation = activations[a];
    std::vector<Target> targets = by_activation[activation];
    const WeightConfig config = *targets.front().planned->config;
    std::vector<Target> same;
    for (const Target& t : targets) {
      if (t.planned->config->mode == config.mode &&
          t.planned->config->group_size == config.group_size) {
        same.push_back(t);
      }
    }
    const bool whole_group =
        same.size() == index.Uses(activation) && !index.graph_outputs.count(activation);
    targets = same;

    const ir::Node* producer = index.Producer(graph, activation);
    if (!producer) continue;
    AwqLayerReport report;
    const ir::Node* merge_matmul = nullptr;
    if (producer->op_type == "LayerNormalization") {
      report.pattern = "layer_norm";
      const bool constant_params = producer->inputs.size() >= 2 && lookup(producer->inputs[1]) &&
                                   (producer->inputs.size() < 3 || producer->inputs[2].empty() ||
                                    lookup(producer->inputs[2])) &&
                                   IntAttr(*producer, "axis", -1) == -1;
      bool unshared = constant_params && index.Uses(producer->inputs[1]) == 1 &&
                      (producer->inputs.size() < 3 || producer->inputs[2].empty() ||
                       index.Uses(producer->inputs[2]) == 1);
      report.folded = whole_group && unshared && producer->outputs.size() == 1;
    } else if (producer->op_type == "Mul" && producer->inputs.size() == 2) {
      for (const std::string& input : producer->inputs) {
        const ir::Node* p = index.Producer(graph, input);
        if (p && p->op_type == "MatMul" && p->inputs.size() == 2 && lookup(p->inputs[1]) &&
            lookup(p->inputs[1])->dims.size() == 2 && !lookup(p->inputs[0])) {
          report.pattern = "matmul_mul_matmul";
          merge_matmul = p;
          report.folded = whole_group && index.Uses(p->outputs[0]) == 1 &&
                          index.Uses(p->inputs[1]) == 1 &&
                          !index.graph_outputs.count(p->outputs[0]);
          break;
        }
      }
      if (report.pattern.empty()) {
        for (const std::string& input : producer->inputs) {
          const ir::Node* p = index.Producer(graph, input);
          if (p && IsAwqActivation(p->op_type)) {
            report.pattern = "act_mul_matmul";
            producer = p;
            break;
          }
        }
      }
    } else if (IsAwqActivation(producer->op_type)) {
      report.pattern = "act_matmul";
    }
    if (report.pattern.empty()) continue;
    report.merge_node = merge_matmul ? merge_matmul->name : producer->name;

    // The group's weights side by side: rows of every target.
    WeightMatrix group;
    std::vector<WeightMatrix> matrices;
    for (const Target& t : targets) {
      matrices.push_back(ToMatrix(*lookup(t.planned->weight.site.weight_name), t.axis));
      group.in = matrices.back().in;
      group.out += matrices.back().out;
      group.values.insert(group.values.end(), matrices.back().values.begin(),
                          matrices.back().values.end());
      report.nodes.push_back(t.planned->weight.node_name);
    }
    const ir::DType dtype = targets.front().planned->weight.dtype;
    std::vector<float> scale;
    auto stat =
        stats ? stats->find(activation) : std::map<std::string, ActivationStatistics>::iterator();
    if (stats && stat != stats->end() && !stat->second.means.empty() &&
        params.prefer_data_aware_scaling) {
      report.data_aware = true;
      const SampledActivations x = SampleActivations(stat->second, params.subset_size);
      if (x.hidden != group.in) continue;
      OverflowGuard guard;
      if (merge_matmul && report.folded) {
        auto prev = stats->find(merge_matmul->inputs[0]);
        if (prev != stats->end() && !prev->second.means.empty()) {
          const ir::Tensor& prev_weight = *lookup(merge_matmul->inputs[1]);
          const WeightMatrix pw = ToMatrix(prev_weight, 0);  // [N][K]: rows are outputs
          if (pw.out == group.in) {
            guard.active = true;
            guard.prev_in = double(pw.in);
            const SampledActivations px = SampleActivations(prev->second, params.subset_size);
            guard.prev_s = *std::max_element(px.s.begin(), px.s.end());
            guard.prev_w.resize(static_cast<size_t>(pw.out));
            for (int64_t o = 0; o < pw.out; ++o) {
              double sum = 0;
              for (int64_t k = 0; k < pw.in; ++k) sum += std::fabs(pw.row(o)[k]);
              guard.prev_w[o] = static_cast<float>(sum / double(pw.in));
            }
          }
        }
      }
      scale = DataAwareScale(group, config.mode, config.group_size, x, guard, params, num_threads);
    } else {
      scale = DataFreeScale(group, dtype);
    }

    // Apply: targets times s, the producer (or an inserted Mul) times 1/s.
    for (size_t t = 0; t < targets.size(); ++t) {
      WeightMatrix& w = matrices[t];
      for (int64_t o = 0; o < w.out; ++o) {
        for (int64_t c = 0; c < w.in; ++c) w.row(o)[c] *= scale[c];
      }
      const ir::Tensor& original = *lookup(targets[t].planned->weight.site.weight_name);
      outcome.tensors[original.name] = FromMatrix(w, original, targets[t].axis);
    }
    if (report.folded && merge_matmul) {
      const ir::Tensor& prev = *lookup(merge_matmul->inputs[1]);
      outcome.tensors[prev.name] = ScaleAlongAxis(prev, 1, scale, true);
    } else if (report.folded) {
      for (size_t i = 1; i < producer->inputs.size() && i < 3; ++i) {
        if (producer->inputs[i].empty()) continue;
        const ir::Tensor& tensor = *lookup(producer->inputs[i]);
        outcome.tensors[tensor.name] = ScaleAlongAxis(tensor, 1, scale, true);
      }
    } else {
      ScaleInsertion insertion;
      insertion.name = report.merge_node + "/awq_mul";
      insertion.activation = activation;
      for (const Target& t : targets) {
        insertion.consumer_outputs.push_back(graph.nodes[t.planned->weight.node_index].outputs[0]);
      }
      std::vector<float> inverse(scale.size());
      for (size_t c = 0; c < scale.size(); ++c) inverse[c] = 1.0f / scale[c];
      insertion.inverse_scale = ir::Tensor::FromFloats(
          insertion.name + "_scale", dtype, {static_cast<int64_t>(inverse.size())}, inverse);
      report.mul_node = insertion.name;
      outcome.insertions.push_back(std::move(insertion));
    }
    for (float v : scale) {
      if (v != 1.0f) ++report.channels_scaled;
    }
    report.min_scale = *std::min_element(scale.begin(), scale.end());
    report.max_scale = *std::max_element(scale.begin(), scale.end());
    if (stats && stat != stats->end()) stat->second.DivideChannels(scale);
    outcome.layers.push_back(std::move(report));
    context.Progress(stage, double(a + 1) / double(activations.size()));
  }
  return outcome;
}

std::vector<float> SearchAwqScale(const WeightMatrix& weight, WeightMode mode, int64_t group_size,
                                  const SampledActivations& activations, const AwqParams& params,
                                  int num_threads) {
  if (activations.hidden != weight.in) {
    Fail(ErrorCode::kInvalidArgument, "awq: the activation has " +
                                          std::to_string(activations.hidden) +
                                          " channels, the weight " + std::to_string(weight.in));
  }
  return DataAwareScale(weight, mode, group_size, activations, OverflowGuard(), params,
                        num_threads);
}

void ApplyScaleInsertions(ir::Graph& graph, const std::vector<ScaleInsertion>& insertions) {
  for (const ScaleInsertion& insertion : insertions) {
    const std::string output = insertion.name + "_output";
    size_t first = graph.nodes.size();
    for (size_t n = 0; n < graph.nodes.size(); ++n) {
      ir::Node& node = graph.nodes[n];
      if (node.outputs.empty() ||
          std::find(insertion.consumer_outputs.begin(), insertion.consumer_outputs.end(),
                    node.outputs[0]) == insertion.consumer_outputs.end()) {
        continue;
      }
      for (std::string& input : node.inputs) {
        if (input == insertion.activation) {
          input = output;
          first = std::min(first, n);
        }
      }
    }
    if (first == graph.nodes.size()) {
      Fail(ErrorCode::kInternal, "awq: no layer reads '" + insertion.activation + "' any more");
    }
    ir::Node mul;
    mul.name = insertion.name;
    mul.op_type = "Mul";
    mul.inputs = {insertion.activation, insertion.inverse_scale.name};
    mul.outputs = {output};
    graph.initializers.push_back(insertion.inverse_scale);
    graph.nodes.insert(graph.nodes.begin() + static_cast<ptrdiff_t>(first), std::move(mul));
  }
}

}  // namespace nncf::algorithms::wc
