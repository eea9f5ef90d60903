#include "algorithms/quantization/fast_bias_correction.h"

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "algorithms/quantization/bias_tensor.h"
#include "algorithms/quantization/biased_layer.h"
#include "algorithms/quantization/channel_means.h"
#include "algorithms/quantization/conv_output_means.h"
#include "core/common/error.h"
#include "core/exec/executor.h"
#include "core/exec/kernel.h"
#include "core/exec/kernel_registry.h"

namespace nncf::algorithms::quantization {

namespace {

// NNCF skips every bias that holds an exact zero (its magnitude |shift / bias| becomes +inf), so
// layers exported with zero biases are never corrected. Here a zero element is measured against
// the layer's typical bias instead: the mean |bias| of its non-zero elements, or, for an all-zero
// bias, the mean |float output mean| of the layer (the scale the bias acts on). Biases without
// zeros get exactly NNCF's max |shift / bias|. If the reference is zero too, FLT_EPSILON keeps a
// non-zero shift from passing.
double FastMagnitude(const ShiftedBias& shifted, const std::vector<float>& float_output_mean) {
  double reference = 0;
  int64_t nonzero = 0;
  for (float b : shifted.original) {
    if (b != 0.0f) {
      reference += std::fabs(b);
      ++nonzero;
    }
  }
  if (nonzero > 0) {
    reference /= static_cast<double>(nonzero);
  } else {
    for (float m : float_output_mean) reference += std::fabs(m);
    if (!float_output_mean.empty()) reference /= static_cast<double>(float_output_mean.size());
  }
  if (!(reference > 0)) reference = FLT_EPSILON;
  double magnitude = 0;
  for (size_t i = 0; i < shifted.original.size(); ++i) {
    const double b = shifted.original[i];
    const double denominator = b != 0 ? std::fabs(b) : reference;
    magnitude = std::max(magnitude, std::fabs(static_cast<double>(shifted.shift[i])) / denominator);
  }
  return magnitude;
}

ir::DType DeclaredDType(const ir::Model& model, const std::string& value, ir::DType fallback) {
  const ir::ValueInfo* info = model.graph ? model.graph->FindValueInfo(value) : nullptr;
  if (info != nullptr && info->type && info->type->IsTensor() && info->type->elem_type_set &&
      IsCorrectableFloat(info->type->tensor_dtype())) {
    return info->type->tensor_dtype();
  }
  return IsCorrectableFloat(fallback) ? fallback : ir::DType::kFloat;
}

class FastBiasCorrection final : public BiasCorrectionAlgorithm {
 public:
  FastBiasCorrection(const ir::Model& float_model, const NncfGraph& graph,
                     const QuantizeParams& params)
      : float_model_(std::make_shared<const ir::Model>(float_model)),
        subset_size_(params.subset_size),
        threshold_(params.bias_correction_threshold.value_or(kFastBiasCorrectionThreshold)) {
    for (int index : graph.TopologicalOrder()) {
      if (!IsFastCorrectable(graph.node(index).metatype)) continue;
      std::optional<BiasedLayer> layer = DescribeBiasedLayer(graph, index);
      if (!layer) continue;
      Entry entry;
      entry.layer = std::move(*layer);
      for (int edge : graph.InEdges(index)) {
        if (graph.edges()[static_cast<size_t>(edge)].tensor == entry.layer.activation) {
          entry.activation_dtype = graph.edges()[static_cast<size_t>(edge)].dtype;
        }
      }
      entries_.push_back(std::move(entry));
    }
  }

  void Register(StatisticsCollector& collector) override {
    for (Entry& entry : entries_) {
      StatisticRequest mean;
      mean.reduction = Reduction::kMean;
      mean.aggregation = Aggregation::kMean;
      mean.max_items = subset_size_;
      mean.tensor = entry.layer.activation;
      mean.keep_axes = {entry.layer.input_channel_axis};
      entry.input_mean = collector.Add(mean);

      StatisticRequest shape;
      shape.tensor = entry.layer.activation;
      shape.reduction = Reduction::kShape;
      shape.aggregation = Aggregation::kNone;
      shape.max_items = subset_size_;
      entry.input_shape = collector.Add(shape);
    }
  }

  void Apply(ir::Model& quantized, const StatisticsCollector& collector, int num_threads,
             const Context& context, std::vector<BiasShift>* report) override {
    // The executors read the quantized model itself; biases are written once they are gone.
    std::shared_ptr<const ir::Model> view(&quantized, [](const ir::Model*) {});
    context.Progress("fast bias correction", 0.0);
    std::vector<Job> jobs;
    for (const Entry& entry : entries_) {
      std::optional<Job> job = Prepare(entry, quantized, collector);
      if (job) jobs.push_back(std::move(*job));
    }
    // Float32 convolutions in closed form (conv_output_means.h); every other layer alone, float
    // and quantized: one executor per model whose cut feeds all the layers' inputs at once
    // (compiling one cut per layer costs more than running them).
    std::vector<Job*> executed = SolveConvolutions(quantized, &jobs, num_threads);
    for (Job* job : executed) MakeBlobs(job);
    RunJobs(view, executed, /*float_side=*/false, num_threads);
    RunJobs(float_model_, executed, /*float_side=*/true, num_threads);
    std::vector<std::pair<BiasAttr, BiasValue>> updates;
    for (Job& job : jobs) {
      std::optional<BiasShift> shift = Finish(job, &updates);
      if (shift && report != nullptr) report->push_back(std::move(*shift));
    }
    for (const auto& [attr, value] : updates) WriteBias(quantized, attr, value);
    context.Progress("fast bias correction", 1.0);
  }

 private:
  struct Entry {
    BiasedLayer layer;
    ir::DType activation_dtype = ir::DType::kFloat;
    int input_mean = -1, input_shape = -1;
  };

  // One layer to correct: its cuts in both models, the blob both sides get, and the results.
  struct Job {
    const Entry* entry = nullptr;
    BiasValue bias;
    std::string quantized_input, quantized_output;  // in the quantized model
    std::vector<int64_t> input_shape;
    std::vector<float> input_means;
    ir::DType blob_dtype = ir::DType::kFloat;
    ir::Tensor quantized_blob, float_blob;  // executed layers only
    std::vector<float> quantized_means, float_means;
  };

  // nullopt when there is nothing to correct (weights not quantized, no statistics, a bias that
  // is not a float constant).
  std::optional<Job> Prepare(const Entry& entry, const ir::Model& quantized,
                             const StatisticsCollector& collector) const {
    const BiasedLayer& layer = entry.layer;
    const ir::Node* node = FindModelNode(quantized, layer);
    if (node == nullptr || !IsWeightQuantized(quantized, layer)) return std::nullopt;
    const StatisticResult& input_mean = collector.Get(entry.input_mean);
    const StatisticResult& input_shape = collector.Get(entry.input_shape);
    if (input_mean.items_seen == 0) return std::nullopt;
    std::optional<BiasValue> bias = ReadBias(quantized, layer.bias);
    if (!bias) return std::nullopt;
    const std::vector<float> means = input_mean.value.ToFloats();
    const int64_t* dims = input_shape.value.DataAs<int64_t>();
    const std::vector<int64_t> shape(dims, dims + input_shape.value.NumElements());
    Job job;
    job.entry = &entry;
    job.bias = std::move(*bias);
    // The quantized cut starts at what feeds the activation port now: the activation's
    // DequantizeLinear output, so the activation quantizer stays out and the weight's Q/DQ stays
    // in. The float cut is the same layer in the float model.
    job.quantized_input = node->inputs[static_cast<size_t>(layer.activation_port)];
    job.quantized_output = node->outputs[0];
    job.blob_dtype = DeclaredDType(quantized, job.quantized_input, entry.activation_dtype);
    job.input_shape = shape;
    job.input_means = means;
    return job;
  }

  static void MakeBlobs(Job* job) {
    const BiasedLayer& layer = job->entry->layer;
    job->quantized_blob = ChannelBlob(job->quantized_input, job->blob_dtype, job->input_shape,
                                      layer.input_channel_axis, job->input_means);
    job->float_blob = ChannelBlob(layer.activation, job->blob_dtype, job->input_shape,
                                  layer.input_channel_axis, job->input_means);
  }

  // A float32 initializer of `graph` named `name`, or null.
  static const ir::Tensor* FloatInitializer(const ir::Graph& graph, const std::string& name) {
    const ir::Tensor* tensor = graph.FindInitializer(name);
    return tensor != nullptr && tensor->dtype == ir::DType::kFloat && tensor->data != nullptr
               ? tensor
               : nullptr;
  }

  // Fills the output means of the float32 convolutions in closed form and returns the jobs left
  // for the executors. A convolution qualifies when its activation is float32, its float weight
  // and both biases are float32 initializers and its quantized weight is a DequantizeLinear of
  // initializers.
  std::vector<Job*> SolveConvolutions(const ir::Model& quantized, std::vector<Job>* jobs,
                                      int num_threads) const {
    struct Conv {
      Job* job;
      const ir::Node* float_node;
      const ir::Node* quantized_node;
    };
    std::vector<Conv> convs;
    std::vector<Job*> executed;
    const ir::Graph& float_graph = *float_model_->graph;
    const ir::Graph& quantized_graph = *quantized.graph;
    std::map<std::string, const ir::Node*> producer;
    for (const ir::Node& node : quantized_graph.nodes) {
      for (const std::string& output : node.outputs) producer[output] = &node;
    }
    auto dequantized_from_initializers = [&](const std::string& value) {
      const auto it = producer.find(value);
      if (it == producer.end() || it->second->op_type != "DequantizeLinear" ||
          !it->second->IsDefaultDomain()) {
        return false;
      }
      for (const std::string& input : it->second->inputs) {
        if (!input.empty() && quantized_graph.FindInitializer(input) == nullptr) return false;
      }
      return true;
    };
    for (Job& job : *jobs) {
      const BiasedLayer& layer = job.entry->layer;
      const ir::Node* float_node = FindModelNode(*float_model_, layer);
      const ir::Node* quantized_node = FindModelNode(quantized, layer);
      const bool qualifies =
          layer.metatype == Metatype::kConv && job.blob_dtype == ir::DType::kFloat &&
          float_node != nullptr && quantized_node != nullptr && float_node->op_type == "Conv" &&
          quantized_node->op_type == "Conv" && float_node->inputs.size() >= 2 &&
          quantized_node->inputs.size() >= 2 &&
          FloatInitializer(float_graph, float_node->inputs[1]) != nullptr &&
          dequantized_from_initializers(quantized_node->inputs[1]) &&
          (float_node->inputs.size() < 3 || float_node->inputs[2].empty() ||
           FloatInitializer(float_graph, float_node->inputs[2]) != nullptr) &&
          (quantized_node->inputs.size() < 3 || quantized_node->inputs[2].empty() ||
           FloatInitializer(quantized_graph, quantized_node->inputs[2]) != nullptr);
      if (qualifies) {
        convs.push_back({&job, float_node, quantized_node});
      } else {
        executed.push_back(&job);
      }
    }
    if (convs.empty()) return executed;
    // The quantized weights through the executor's own DequantizeLinear kernel: the values the
    // quantized model computes.
    std::map<std::string, ir::Tensor> weight_of;
    for (const Conv& conv : convs) {
      const std::string& name = conv.quantized_node->inputs[1];
      if (weight_of.count(name)) continue;
      const ir::Node& dq = *producer.at(name);
      const int64_t opset = quantized.OpsetFor(dq.domain);
      const exec::KernelFactory factory =
          exec::KernelRegistry::Global().Find(dq.domain, dq.op_type, opset);
      if (factory == nullptr) {
        Fail(ErrorCode::kInternal, "no DequantizeLinear kernel for opset " + std::to_string(opset));
      }
      const std::unique_ptr<exec::Kernel> kernel = factory(exec::NodeInfo(dq, opset));
      std::vector<const ir::Tensor*> inputs;
      for (const std::string& input : dq.inputs) {
        inputs.push_back(input.empty() ? nullptr : quantized_graph.FindInitializer(input));
      }
      std::vector<ir::Tensor> outputs(dq.outputs.size());
      exec::RunContext run_context;
      run_context.num_threads = num_threads;
      kernel->Run(inputs, outputs, run_context);
      weight_of.emplace(name, std::move(outputs.at(0)));
    }
    auto bias_of = [](const ir::Graph& graph, const ir::Node& node) -> const ir::Tensor* {
      return node.inputs.size() > 2 && !node.inputs[2].empty()
                 ? FloatInitializer(graph, node.inputs[2])
                 : nullptr;
    };
    for (const Conv& conv : convs) {
      Job& job = *conv.job;
      const ir::Tensor& quantized_weight = weight_of.at(conv.quantized_node->inputs[1]);
      if (quantized_weight.dtype != ir::DType::kFloat) {
        executed.push_back(&job);
        continue;
      }
      job.float_means = ConvOutputMeansOfChannelBlob(
          *conv.float_node, float_model_->OpsetFor(""), job.input_shape,
          *FloatInitializer(float_graph, conv.float_node->inputs[1]),
          bias_of(float_graph, *conv.float_node), job.input_means, num_threads);
      job.quantized_means = ConvOutputMeansOfChannelBlob(
          *conv.quantized_node, quantized.OpsetFor(""), job.input_shape, quantized_weight,
          bias_of(quantized_graph, *conv.quantized_node), job.input_means, num_threads);
    }
    return executed;
  }

  static bool SameTensor(const ir::Tensor& a, const ir::Tensor& b) {
    return a.dims == b.dims && a.dtype == b.dtype && a.ByteSize() == b.ByteSize() &&
           std::equal(a.bytes(), a.bytes() + a.ByteSize(), b.bytes());
  }

  // Runs the layers of `jobs` in `model` (the float or the quantized one) and stores their
  // per-channel output means. Layers whose cuts overlap (one's output is another's input, or
  // two feed different blobs into one value) run in a cut of their own.
  static void RunJobs(const std::shared_ptr<const ir::Model>& model, const std::vector<Job*>& jobs,
                      bool float_side, int num_threads) {
    auto input_of = [float_side](const Job& job) -> const std::string& {
      return float_side ? job.entry->layer.activation : job.quantized_input;
    };
    auto output_of = [float_side](const Job& job) -> const std::string& {
      return float_side ? job.entry->layer.output : job.quantized_output;
    };
    auto blob_of = [float_side](const Job& job) -> const ir::Tensor& {
      return float_side ? job.float_blob : job.quantized_blob;
    };
    std::set<std::string> outputs;
    for (const Job* job : jobs) outputs.insert(output_of(*job));
    std::map<std::string, const ir::Tensor*> feeds;
    std::vector<Job*> batched, alone;
    for (Job* job : jobs) {
      const std::string& input = input_of(*job);
      const auto fed = feeds.find(input);
      if (outputs.count(input) ||
          (fed != feeds.end() && !SameTensor(*fed->second, blob_of(*job)))) {
        alone.push_back(job);
        continue;
      }
      feeds.emplace(input, &blob_of(*job));
      batched.push_back(job);
    }
    auto run = [&](const std::vector<Job*>& group) {
      if (group.empty()) return;
      exec::ExecutorOptions options;
      options.num_threads = num_threads;
      exec::NamedTensors named;
      std::set<std::string> fed;
      for (const Job* job : group) {
        if (fed.insert(input_of(*job)).second) {
          options.inputs.push_back(input_of(*job));
          named.emplace_back(input_of(*job), blob_of(*job));
        }
        options.outputs.push_back(output_of(*job));
      }
      const exec::Executor executor(model, options);
      const exec::NamedTensors results = executor.Run(named);
      for (size_t i = 0; i < group.size(); ++i) {
        std::vector<float> means =
            MeanPerChannel(results[i].second, group[i]->entry->layer.output_channel_axis);
        (float_side ? group[i]->float_means : group[i]->quantized_means) = std::move(means);
      }
    };
    run(batched);
    for (Job* job : alone) run({job});
  }

  std::optional<BiasShift> Finish(const Job& job,
                                  std::vector<std::pair<BiasAttr, BiasValue>>* updates) const {
    const BiasedLayer& layer = job.entry->layer;
    const std::vector<float>& float_output = job.float_means;
    const std::vector<float>& quantized_output = job.quantized_means;
    if (quantized_output.size() != float_output.size()) {
      Fail(ErrorCode::kInternal, "fast bias correction of '" + layer.name + "': the quantized " +
                                     "layer gives " + std::to_string(quantized_output.size()) +
                                     " output channels, the float layer " +
                                     std::to_string(float_output.size()));
    }
    BiasShift result;
    result.node = layer.name;
    result.bias_tensor = layer.bias.tensor;
    result.shift.resize(float_output.size());
    for (size_t c = 0; c < float_output.size(); ++c) {
      result.shift[c] = float_output[c] - quantized_output[c];
    }
    std::optional<ShiftedBias> shifted =
        ShiftBias(job.bias, result.shift, layer.output_channel_axis);
    if (!shifted) return std::nullopt;
    result.magnitude = FastMagnitude(*shifted, float_output);
    result.applied = result.magnitude < threshold_;
    if (result.applied) updates->emplace_back(layer.bias, std::move(shifted->updated));
    return result;
  }

  std::shared_ptr<const ir::Model> float_model_;
  std::vector<Entry> entries_;
  int64_t subset_size_;
  double threshold_;
};

}  // namespace

std::unique_ptr<BiasCorrectionAlgorithm> MakeFastBiasCorrection(const ir::Model& float_model,
                                                                const NncfGraph& graph,
                                                                const QuantizeParams& params) {
  return std::make_unique<FastBiasCorrection>(float_model, graph, params);
}

}  // namespace nncf::algorithms::quantization
