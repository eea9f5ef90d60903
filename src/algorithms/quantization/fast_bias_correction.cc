#include "algorithms/quantization/fast_bias_correction.h"

#include <cfloat>
#include <cmath>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "algorithms/quantization/bias_tensor.h"
#include "algorithms/quantization/biased_layer.h"
#include "algorithms/quantization/channel_means.h"
#include "core/common/error.h"
#include "core/exec/executor.h"

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
    std::vector<std::pair<BiasAttr, BiasValue>> updates;
    for (size_t i = 0; i < entries_.size(); ++i) {
      context.Progress("fast bias correction",
                       static_cast<double>(i) / static_cast<double>(entries_.size()));
      const Entry& entry = entries_[i];
      std::optional<BiasShift> shift =
          Correct(entry, quantized, view, collector, num_threads, &updates);
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

  // The layer's shift, or nullopt when there is nothing to correct (weights not quantized, no
  // statistics, a bias that is not a float constant).
  std::optional<BiasShift> Correct(const Entry& entry, const ir::Model& quantized,
                                   const std::shared_ptr<const ir::Model>& view,
                                   const StatisticsCollector& collector, int num_threads,
                                   std::vector<std::pair<BiasAttr, BiasValue>>* updates) const {
    const BiasedLayer& layer = entry.layer;
    const ir::Node* node = FindModelNode(quantized, layer);
    if (node == nullptr || !IsWeightQuantized(quantized, layer)) return std::nullopt;
    const StatisticResult& input_mean = collector.Get(entry.input_mean);
    const StatisticResult& input_shape = collector.Get(entry.input_shape);
    if (input_mean.items_seen == 0) return std::nullopt;
    std::optional<BiasValue> bias = ReadBias(quantized, layer.bias);
    if (!bias) return std::nullopt;

    const std::vector<float> means = TensorToFloats(input_mean.value);
    const int64_t* dims = input_shape.value.DataAs<int64_t>();
    const std::vector<int64_t> shape(dims, dims + input_shape.value.NumElements());

    // The quantized cut starts at what feeds the activation port now: the activation's
    // DequantizeLinear output, so the activation quantizer stays out and the weight's Q/DQ stays
    // in. The float cut is the same layer in the float model.
    const std::string& cut = node->inputs[static_cast<size_t>(layer.activation_port)];
    const ir::DType dtype = DeclaredDType(quantized, cut, entry.activation_dtype);
    const std::vector<float> quantized_output =
        RunLayer(view, cut, node->outputs[0],
                 ChannelBlob(cut, dtype, shape, layer.input_channel_axis, means),
                 layer.output_channel_axis, num_threads);
    const std::vector<float> float_output =
        RunLayer(float_model_, layer.activation, layer.output,
                 ChannelBlob(layer.activation, dtype, shape, layer.input_channel_axis, means),
                 layer.output_channel_axis, num_threads);
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
    std::optional<ShiftedBias> shifted = ShiftBias(*bias, result.shift, layer.output_channel_axis);
    if (!shifted) return std::nullopt;
    result.magnitude = FastMagnitude(*shifted, float_output);
    result.applied = result.magnitude < threshold_;
    if (result.applied) updates->emplace_back(layer.bias, std::move(shifted->updated));
    return result;
  }

  // Runs `model` from `input` (fed `blob`) to `output`; the per-channel output means.
  static std::vector<float> RunLayer(const std::shared_ptr<const ir::Model>& model,
                                     const std::string& input, const std::string& output,
                                     const ir::Tensor& blob, int64_t channel_axis,
                                     int num_threads) {
    exec::ExecutorOptions options;
    options.num_threads = num_threads;
    options.inputs = {input};
    options.outputs = {output};
    const exec::Executor executor(model, options);
    const exec::NamedTensors outputs = executor.Run({{input, blob}});
    return MeanPerChannel(outputs[0].second, channel_axis);
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
