// BiasCorrection (fast_bias_correction = false, ptq.md 6.2) and the choice between it and
// FastBiasCorrection.
//
// Memory: the statistics collector keeps, for BC's subset (max(int(0.2 * subset_size), 1) items),
// the raw values of every model input and of the activation input of each biased layer that no
// other biased layer precedes, plus one mean per output channel of every biased layer. Apply
// keeps a working copy of the quantized model (initializer bytes shared, not copied) and, per
// item, the values that later layers start from: a value is computed by the step of the last
// corrected layer it depends on and freed after the last step that reads it.
#include "algorithms/quantization/bias_correction.h"

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "algorithms/quantization/activation_qdq_removal.h"
#include "algorithms/quantization/bias_tensor.h"
#include "algorithms/quantization/biased_layer.h"
#include "algorithms/quantization/channel_means.h"
#include "algorithms/quantization/fast_bias_correction.h"
#include "core/common/error.h"
#include "core/exec/executor.h"

namespace nncf::algorithms::quantization {

namespace {

// BIAS_CORRECTION_THRESHOLD.
constexpr double kBiasCorrectionThreshold = 1000.0;

double MachineEpsilon(ir::DType dtype) {
  switch (dtype) {
    case ir::DType::kFloat16:
      return 0.0009765625;  // 2^-10
    case ir::DType::kBFloat16:
      return 0.0078125;  // 2^-7
    case ir::DType::kDouble:
      return DBL_EPSILON;
    default:
      return FLT_EPSILON;
  }
}

// NNCF's BC magnitude, max |shift / (bias + eps)|, with |bias| in the denominator so that a
// negative bias within eps of zero cannot make it blow up. Zero biases stay correctable (their
// shift is compared with eps against the threshold of 1000).
double BiasCorrectionMagnitude(const ShiftedBias& shifted, ir::DType dtype) {
  const double eps = MachineEpsilon(dtype);
  double magnitude = 0;
  for (size_t i = 0; i < shifted.original.size(); ++i) {
    magnitude =
        std::max(magnitude, std::fabs(static_cast<double>(shifted.shift[i])) /
                                (std::fabs(static_cast<double>(shifted.original[i])) + eps));
  }
  return magnitude;
}

// Distinct nodes reading the outputs of `node`.
std::vector<int> Successors(const NncfGraph& graph, int node) {
  std::vector<int> next;
  for (int edge : graph.OutEdges(node)) {
    const int to = graph.edges()[static_cast<size_t>(edge)].to;
    if (std::find(next.begin(), next.end(), to) == next.end()) next.push_back(to);
  }
  return next;
}

// Biased nodes reached from `start` without passing another biased node (NNCF's
// traverse_to_biased); `visited` is shared between calls as NNCF shares it.
void CollectNextBiased(const NncfGraph& graph, int start, const std::set<int>& biased,
                       std::set<int>* visited, std::set<int>* found) {
  std::vector<int> stack = {start};
  while (!stack.empty()) {
    const int node = stack.back();
    stack.pop_back();
    if (!visited->insert(node).second) continue;
    if (biased.count(node)) {
      found->insert(node);
      continue;
    }
    for (int next : Successors(graph, node)) stack.push_back(next);
  }
}

class BiasCorrection final : public BiasCorrectionAlgorithm {
 public:
  BiasCorrection(const NncfGraph& graph, const QuantizeParams& params)
      : graph_(graph),
        subset_size_(std::max<int64_t>(static_cast<int64_t>(0.2 * params.subset_size), 1)),
        threshold_(params.bias_correction_threshold.value_or(kBiasCorrectionThreshold)) {
    for (int index : graph.TopologicalOrder()) {
      if (!graph.node(index).bias) continue;
      biased_nodes_.insert(index);
      std::optional<BiasedLayer> layer = DescribeBiasedLayer(graph, index);
      if (layer) layers_.push_back({std::move(*layer), -1});
    }
  }

  void Register(StatisticsCollector& collector) override {
    StatisticRequest mean;
    mean.reduction = Reduction::kMean;
    mean.aggregation = Aggregation::kMean;
    mean.max_items = subset_size_;
    for (Layer& layer : layers_) {
      mean.tensor = layer.layer.output;
      mean.keep_axes = {layer.layer.output_channel_axis};
      layer.output_mean = collector.Add(mean);
    }
    // Raw values where the walk back from a layer can stop before reaching a biased layer: the
    // model inputs and the inputs of the first biased layers.
    StatisticRequest raw;
    raw.reduction = Reduction::kRaw;
    raw.aggregation = Aggregation::kNone;
    raw.max_items = subset_size_;
    for (int input : graph_.ModelInputNodes()) {
      for (int edge : graph_.OutEdges(input)) {
        const std::string& tensor = graph_.edges()[static_cast<size_t>(edge)].tensor;
        if (raw_.count(tensor)) continue;
        raw.tensor = tensor;
        raw_[tensor] = collector.Add(raw);
      }
    }
    for (int node : FirstBiasedNodes()) {
      for (const Layer& layer : layers_) {
        if (layer.layer.node != node || raw_.count(layer.layer.activation)) continue;
        raw.tensor = layer.layer.activation;
        raw_[layer.layer.activation] = collector.Add(raw);
      }
    }
  }

  void Apply(ir::Model& quantized, const StatisticsCollector& collector, int num_threads,
             const Context& context, std::vector<BiasShift>* report) override {
    auto working = std::make_shared<ir::Model>(quantized);
    RemoveActivationQuantizers(*working);
    const std::vector<Step> steps = Plan(quantized);

    // Per-item values steps start from, by value name.
    std::map<std::string, std::vector<ir::Tensor>> values;
    for (const auto& [tensor, id] : raw_) {
      bool used = false;
      for (const Step& step : steps) used = used || step.feeds.count(tensor) > 0;
      if (used) values[tensor] = collector.Get(id).raw;
    }
    std::vector<std::pair<BiasAttr, BiasValue>> updates;
    for (size_t s = 0; s < steps.size(); ++s) {
      context.Progress("bias correction",
                       static_cast<double>(s) / static_cast<double>(steps.size()));
      const Step& step = steps[s];
      const BiasedLayer& layer = layers_[step.layer].layer;
      int64_t items = std::min<int64_t>(subset_size_, collector.items_collected());
      for (const std::string& feed : step.feeds) {
        items = std::min<int64_t>(items, static_cast<int64_t>(values[feed].size()));
      }
      if (step.feeds.empty() || items == 0) {
        Release(steps, s, &values);
        continue;
      }
      const std::vector<std::string> feeds(step.feeds.begin(), step.feeds.end());
      auto run = [&](const std::vector<std::string>& outputs, auto&& consume) {
        exec::ExecutorOptions options;
        options.num_threads = num_threads;
        options.inputs = feeds;
        options.outputs = outputs;
        exec::Executor executor(working, options);
        for (int64_t item = 0; item < items; ++item) {
          exec::NamedTensors inputs;
          for (const std::string& feed : feeds) {
            inputs.emplace_back(feed, values[feed][static_cast<size_t>(item)]);
          }
          consume(item, executor.Run(inputs));
        }
      };

      // Mean output of the layer over the items, with every earlier bias already corrected.
      std::vector<double> sums;
      run({layer.output}, [&](int64_t, exec::NamedTensors outputs) {
        const std::vector<float> means =
            MeanPerChannel(outputs[0].second, layer.output_channel_axis);
        if (sums.empty()) sums.assign(means.size(), 0.0);
        if (means.size() != sums.size()) {
          Fail(ErrorCode::kInvalidArgument,
               "bias correction of '" + layer.name +
                   "': the output channel count changes between items");
        }
        for (size_t c = 0; c < means.size(); ++c) sums[c] += means[c];
      });
      const std::vector<float> float_output =
          (collector.Get(layers_[step.layer].output_mean).value).ToFloats();
      if (float_output.size() != sums.size()) {
        Fail(ErrorCode::kInternal, "bias correction of '" + layer.name + "': the working model " +
                                       "gives " + std::to_string(sums.size()) +
                                       " output channels, the float statistics " +
                                       std::to_string(float_output.size()));
      }
      BiasShift shift;
      shift.node = layer.name;
      shift.bias_tensor = layer.bias.tensor;
      shift.shift.resize(sums.size());
      for (size_t c = 0; c < sums.size(); ++c) {
        shift.shift[c] = static_cast<float>(float_output[c] - sums[c] / static_cast<double>(items));
      }
      std::optional<BiasValue> bias = ReadBias(*working, layer.bias);
      std::optional<ShiftedBias> shifted =
          bias ? ShiftBias(*bias, shift.shift, layer.output_channel_axis) : std::nullopt;
      if (shifted) {
        shift.magnitude = BiasCorrectionMagnitude(*shifted, bias->dtype);
        shift.applied = shift.magnitude < threshold_;
        if (shift.applied) {
          WriteBias(*working, layer.bias, shifted->updated);
          updates.emplace_back(layer.bias, std::move(shifted->updated));
        }
        if (report != nullptr) report->push_back(shift);
      }

      // What later layers start from, computed with this layer's bias corrected.
      if (!step.outputs.empty()) {
        const std::vector<std::string> outputs(step.outputs.begin(), step.outputs.end());
        for (const std::string& output : outputs) {
          values[output].assign(static_cast<size_t>(items), ir::Tensor());
        }
        run(outputs, [&](int64_t item, exec::NamedTensors results) {
          for (auto& [name, tensor] : results) {
            values[name][static_cast<size_t>(item)] = std::move(tensor);
          }
        });
      }
      Release(steps, s, &values);
    }
    for (const auto& [attr, value] : updates) WriteBias(quantized, attr, value);
    context.Progress("bias correction", 1.0);
  }

 private:
  struct Layer {
    BiasedLayer layer;
    int output_mean = -1;
  };
  // One corrected layer: the values its cut of the working model starts from and the values it
  // hands on to later layers.
  struct Step {
    size_t layer = 0;  // index into layers_
    std::set<std::string> feeds;
    std::set<std::string> outputs;
    std::set<std::string> released;  // values no later step reads
  };

  // NNCF's _get_biased_after_nodes: biased nodes reached from the inputs that no other such
  // node precedes.
  std::set<int> FirstBiasedNodes() const {
    std::set<int> found, visited;
    for (int input : graph_.ModelInputNodes()) {
      CollectNextBiased(graph_, input, biased_nodes_, &visited, &found);
    }
    std::set<int> dependent;
    for (int node : found) {
      std::set<int> seen;
      for (int next : Successors(graph_, node)) {
        CollectNextBiased(graph_, next, biased_nodes_, &seen, &dependent);
      }
    }
    std::set<int> first;
    for (int node : found) {
      if (!dependent.count(node)) first.insert(node);
    }
    return first;
  }

  // The steps in topological order. A value's data is fresh for as long as no corrected layer
  // it depends on changes; computing each value in the step of the last corrected layer it
  // depends on (and only values that feed a corrected layer, as NNCF hands them on) keeps every
  // stored value fresh until its last reader.
  std::vector<Step> Plan(const ir::Model& quantized) const {
    std::map<int, size_t> step_of_node;  // graph node -> step index
    std::vector<Step> steps;
    for (size_t i = 0; i < layers_.size(); ++i) {
      const BiasedLayer& layer = layers_[i].layer;
      if (!IsWeightQuantized(quantized, layer) || !ReadBias(quantized, layer.bias)) continue;
      step_of_node[layer.node] = steps.size();
      Step step;
      step.layer = i;
      steps.push_back(std::move(step));
    }
    // Last corrected layer (step index) each value depends on; -1 for none.
    std::map<std::string, int> last_dependency;
    for (int node : graph_.TopologicalOrder()) {
      int last = -1;
      for (const std::string& input : graph_.node(node).inputs) {
        auto found = last_dependency.find(input);
        if (found != last_dependency.end()) last = std::max(last, found->second);
      }
      if (auto step = step_of_node.find(node); step != step_of_node.end()) {
        last = std::max(last, static_cast<int>(step->second));
      }
      for (const std::string& output : graph_.node(node).outputs) last_dependency[output] = last;
    }
    auto dependency = [&](const std::string& value) {
      auto found = last_dependency.find(value);
      return found == last_dependency.end() ? -1 : found->second;
    };

    std::map<std::string, int> stored;  // value -> step that computed it (-1: raw capture)
    for (const auto& [tensor, id] : raw_) {
      if (dependency(tensor) < 0) stored[tensor] = -1;
    }
    std::map<std::string, size_t> last_reader;
    for (size_t s = 0; s < steps.size(); ++s) {
      Step& step = steps[s];
      const BiasedLayer& layer = layers_[step.layer].layer;
      // Down: values entering the activation port of the next corrected layers.
      std::set<int> visited;
      std::vector<int> edges = graph_.OutEdges(layer.node);
      while (!edges.empty()) {
        const GraphEdge& edge = graph_.edges()[static_cast<size_t>(edges.back())];
        edges.pop_back();
        if (!visited.insert(edge.to).second) continue;
        if (auto next = step_of_node.find(edge.to); next != step_of_node.end()) {
          const BiasedLayer& next_layer = layers_[steps[next->second].layer].layer;
          if (edge.to_port == next_layer.activation_port &&
              dependency(edge.tensor) == static_cast<int>(s)) {
            step.outputs.insert(edge.tensor);
          }
          continue;
        }
        for (int out : graph_.OutEdges(edge.to)) edges.push_back(out);
      }
      // Up: from the layer's output and the handed-on values back to fresh stored values.
      std::vector<std::string> pending(step.outputs.begin(), step.outputs.end());
      pending.push_back(layer.output);
      std::set<int> expanded;
      while (!pending.empty()) {
        const std::string value = pending.back();
        pending.pop_back();
        auto data = stored.find(value);
        if (data != stored.end() && !step.outputs.count(value) && value != layer.output &&
            dependency(value) <= data->second) {
          step.feeds.insert(value);
          last_reader[value] = s;
          continue;
        }
        const int producer = graph_.Producer(value);
        if (producer < 0 || !expanded.insert(producer).second) continue;
        if (graph_.node(producer).metatype == Metatype::kModelInput) {
          Fail(ErrorCode::kInternal, "bias correction of '" + layer.name + "' needs model input '" +
                                         value + "' that was not captured");
        }
        for (const std::string& input : graph_.node(producer).inputs) {
          if (!input.empty()) pending.push_back(input);
        }
      }
      for (const std::string& output : step.outputs) stored[output] = static_cast<int>(s);
    }
    for (const auto& [value, reader] : last_reader) steps[reader].released.insert(value);
    return steps;
  }

  static void Release(const std::vector<Step>& steps, size_t s,
                      std::map<std::string, std::vector<ir::Tensor>>* values) {
    for (const std::string& value : steps[s].released) values->erase(value);
  }

  const NncfGraph graph_;  // a copy: Apply may run after the caller's graph is gone
  int64_t subset_size_;
  double threshold_;
  std::set<int> biased_nodes_;
  std::vector<Layer> layers_;
  std::map<std::string, int> raw_;  // raw capture request by value
};

}  // namespace

// BiasCorrection reads everything it needs from the graph and its statistics; FastBiasCorrection
// also runs layers of the float model.
std::unique_ptr<BiasCorrectionAlgorithm> MakeBiasCorrection(const ir::Model& float_model,
                                                            const NncfGraph& graph,
                                                            const QuantizeParams& params) {
  if (params.bias_correction_for_all_nodes) {
    Fail(ErrorCode::kUnsupported,
         "bias correction with apply_for_all_nodes is not supported (NNCF raises for it too)");
  }
  if (params.fast_bias_correction) return MakeFastBiasCorrection(float_model, graph, params);
  return std::make_unique<BiasCorrection>(graph, params);
}

}  // namespace nncf::algorithms::quantization
