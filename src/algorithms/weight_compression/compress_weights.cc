// nncf.compress_weights, data-free: parameter resolution, layer selection, mixed precision,
// quantization and writing, in memory or streamed file to file.
#include "algorithms/weight_compression/compress_weights.h"

#include "algorithms/weight_compression/activation_statistics.h"

#include <cjson/cJSON.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "algorithms/common/ignored_scope_config.h"
#include "algorithms/weight_compression/layer_selection.h"
#include "algorithms/weight_compression/mixed_precision.h"
#include "algorithms/weight_compression/weight_matrix.h"
#include "algorithms/weight_compression/weight_quantization.h"
#include "core/common/error.h"
#include "core/common/logging.h"
#include "core/common/parallel_for.h"
#include "core/exec/uninitialized_tensor.h"
#include "core/ir/buffer.h"
#include "onnx/opset_conversion.h"
#include "onnx/streaming_model_writer.h"

namespace nncf::algorithms::wc {
namespace {

constexpr const char* kStage = "compress_weights";

// NNCF's defaults resolved and checked (weight_compression.md section 0).
struct ResolvedParams {
  WeightMode mode = WeightMode::kInt8Asym;
  double ratio = 1;
  int64_t group_size = -1;
  std::optional<WeightMode> backup;  // nullopt: backup NONE
  int num_threads = 1;
};

bool IsInt8(WeightMode mode) {
  return mode == WeightMode::kInt8Asym || mode == WeightMode::kInt8Sym;
}

ResolvedParams Resolve(const CompressWeightsParams& params, bool has_dataset) {
  ResolvedParams resolved;
  resolved.mode = params.mode;
  const std::string mode_name = WeightModeName(params.mode);
  if (IsInt8(params.mode)) {
    // NNCF's ParameterNotSupportedError: 8-bit modes are per channel for every layer.
    std::vector<std::string> bad;
    if (params.ratio && *params.ratio != 1) bad.push_back("ratio");
    if (params.group_size && *params.group_size != -1) bad.push_back("group_size");
    if (params.backup_mode) bad.push_back("backup_mode");
    if (params.all_layers) bad.push_back("all_layers");
    if (params.sensitivity_metric) bad.push_back("sensitivity_metric");
    if (params.awq) bad.push_back("awq");
    if (params.scale_estimation) bad.push_back("scale_estimation");
    if (params.gptq) bad.push_back("gptq");
    if (params.lora_correction) bad.push_back("lora_correction");
    if (!bad.empty()) {
      std::string list;
      for (const std::string& name : bad) list += (list.empty() ? "" : ", ") + name;
      Fail(ErrorCode::kInvalidArgument,
           "compress_weights: mode " + mode_name + " compresses every weight per channel; " + list +
               " must be left at the default (ratio 1, group_size -1, no backup_mode, " +
               "all_layers off, no sensitivity_metric, no data-aware algorithm)");
    }
  }
  if (params.ratio) {
    const double ratio = *params.ratio;
    if (!(ratio >= 0 && ratio <= 1)) {
      Fail(ErrorCode::kInvalidArgument,
           "compress_weights: ratio must lie in [0, 1], got " + std::to_string(ratio));
    }
    // NNCF turns ratio 0 into 1 (`ratio or 1`); here 0 means every ratio-defining weight takes
    // the backup precision.
    resolved.ratio = ratio;
  }
  if (params.group_size) {
    const int64_t group_size = *params.group_size;
    if (group_size == 0 || group_size < -1) {
      Fail(ErrorCode::kInvalidArgument,
           "compress_weights: group_size must be positive or -1 (per channel), got " +
               std::to_string(group_size));
    }
    resolved.group_size = group_size;
  } else {
    resolved.group_size = IsInt8(params.mode) ? -1 : params.mode == WeightMode::kE2M1 ? 32 : 128;
  }
  if (params.mode == WeightMode::kE2M1) {
    if (resolved.group_size != 32) {
      Fail(ErrorCode::kInvalidArgument,
           "compress_weights: mode e2m1 (MX FP4) requires group_size 32, got " +
               std::to_string(resolved.group_size));
    }
    if (params.group_size_fallback == GroupSizeFallback::kAdjust) {
      Fail(ErrorCode::kInvalidArgument,
           "compress_weights: mode e2m1 has a fixed group size of 32; "
           "group_size_fallback_mode \"adjust\" is not allowed with it");
    }
  }
  if (params.subset_size < 1) {
    Fail(ErrorCode::kInvalidArgument,
         "compress_weights: subset_size must be >= 1, got " + std::to_string(params.subset_size));
  }
  if (!has_dataset && params.sensitivity_metric &&
      *params.sensitivity_metric != SensitivityMetric::kWeightQuantizationError &&
      resolved.ratio < 1) {
    Fail(ErrorCode::kInvalidArgument,
         "compress_weights: the sensitivity metric needs activation statistics (a dataset); "
         "without one only weight_quantization_error ranks layers for ratio < 1");
  }
  {
    std::vector<std::string> need;
    if (params.scale_estimation) need.push_back("scale_estimation");
    if (params.gptq) need.push_back("gptq");
    if (params.lora_correction) need.push_back("lora_correction");
    if (!has_dataset && !need.empty()) {
      std::string list;
      for (const std::string& name : need) list += (list.empty() ? "" : ", ") + name;
      Fail(ErrorCode::kInvalidArgument,
           "compress_weights: " + list + " needs activation statistics: pass a dataset");
    }
  }
  if (params.gptq && params.lora_correction) {
    Fail(ErrorCode::kInvalidArgument,
         "compress_weights: gptq and lora_correction cannot be combined (NNCF refuses it too)");
  }
  if (params.lora_correction && (params.format == WeightFormat::kFakeQuantize ||
                                 params.format == WeightFormat::kFakeQuantizeLora)) {
    Fail(ErrorCode::kInvalidArgument,
         "compress_weights: lora_correction cannot be combined with the fake-quantize formats");
  }
  {
    const AwqParams& a = params.awq_params;
    const ScaleEstimationParams& e = params.scale_estimation_params;
    const GptqParams& g = params.gptq_params;
    const LoraCorrectionParams& l = params.lora_correction_params;
    auto require = [](bool ok, const std::string& what) {
      if (!ok) Fail(ErrorCode::kInvalidArgument, "compress_weights: " + what);
    };
    require(a.subset_size > 0 && e.subset_size > 0 && g.subset_size > 0 && l.subset_size > 0,
            "every algorithm's subset_size must be > 0");
    require(a.steps > 0 && a.percent_to_apply > 0 && a.percent_to_apply <= 1 &&
                a.alpha_min <= a.alpha_max,
            "awq needs steps > 0, percent_to_apply in (0, 1] and alpha_min <= alpha_max");
    require(e.initial_steps >= 0 && e.scale_steps >= 0 && e.scale_steps <= 20,
            "scale_estimation needs initial_steps >= 0 and scale_steps in [0, 20]");
    require(g.damp_percent > 0 && g.block_size > 0,
            "gptq needs damp_percent > 0 and block_size > 0");
    require(l.adapter_rank > 0 && l.num_iterations >= 0,
            "lora_correction needs adapter_rank > 0 and num_iterations >= 0");
  }
  if (!IsInt8(params.mode)) {
    const BackupMode backup = params.backup_mode.value_or(BackupMode::kInt8Asym);
    if (backup == BackupMode::kInt8Asym) resolved.backup = WeightMode::kInt8Asym;
    if (backup == BackupMode::kInt8Sym) resolved.backup = WeightMode::kInt8Sym;
  }
  if (params.format == WeightFormat::kMatMulNBits &&
      !(params.mode == WeightMode::kInt4Sym || params.mode == WeightMode::kInt4Asym ||
        IsInt8(params.mode))) {
    Fail(ErrorCode::kUnsupported, std::string("compress_weights: format matmul_nbits holds ") +
                                      "int4_sym and int4_asym weights, not " + mode_name);
  }
  if (params.format == WeightFormat::kDequantizeLinearFloat4 && params.mode != WeightMode::kE2M1) {
    Fail(ErrorCode::kUnsupported,
         "compress_weights: format dq_float4 holds e2m1 weights, not " + mode_name);
  }
  if (params.num_threads < 0) {
    Fail(ErrorCode::kInvalidArgument,
         "compress_weights: num_threads must be >= 0 (0 = one per "
         "core), got " +
             std::to_string(params.num_threads));
  }
  if (params.min_adjusted_group_size < 1) {
    Fail(ErrorCode::kInvalidArgument,
         "compress_weights: min_adjusted_group_size must be >= 1, got " +
             std::to_string(params.min_adjusted_group_size));
  }
  resolved.num_threads = ResolveNumThreads(params.num_threads);
  return resolved;
}

// The format a weight is written in: MatMulNBits only exists for 4-bit MatMul/Gemm weights
// and float4 DequantizeLinear only for e2m1; backup (8-bit) and other sites use DequantizeLinear,
// as NNCF does for its 8-bit layers under MatMulNBits.
WeightFormat FormatFor(WeightFormat requested, WeightMode mode, const WeightCandidate& weight) {
  if (requested == WeightFormat::kMatMulNBits) {
    const bool fits = (mode == WeightMode::kInt4Sym || mode == WeightMode::kInt4Asym) &&
                      weight.kind == LayerKind::kMatMul && weight.site.input_index == 1 &&
                      weight.shape.size() == 2;
    return fits ? requested : WeightFormat::kDequantizeLinear;
  }
  if (requested == WeightFormat::kDequantizeLinearFloat4) {
    return mode == WeightMode::kE2M1 ? requested : WeightFormat::kDequantizeLinear;
  }
  return requested;
}

// A convolution reduces over every axis but its channel axis. Quantizing it per channel is
// quantizing the 2-D [channel, rest] view of the weight (ConvTranspose's channel axis 1 is first
// moved to the front), which CompressedWeight can describe with one reduction axis.
struct WeightView {
  ir::Tensor tensor;
  int64_t reduction_axis = 0;
  bool reshaped = false;
  bool transposed = false;  // ConvTranspose: axes 0 and 1 swapped before the reshape
};

WeightView MakeView(const ir::Tensor& weight, const WeightCandidate& candidate) {
  WeightView view;
  if (candidate.reduction_axes.size() == 1) {
    view.tensor = weight;
    view.reduction_axis = candidate.reduction_axes[0];
    return view;
  }
  const std::vector<int64_t>& dims = weight.dims;
  const bool transpose = candidate.site.consumer_op == "ConvTranspose";
  int64_t rest = 1;
  for (size_t a = 2; a < dims.size(); ++a) rest *= dims[a];
  const int64_t channels = transpose ? dims[1] : dims[0];
  const int64_t other = transpose ? dims[0] : dims[1];
  view.reshaped = true;
  view.transposed = transpose;
  view.reduction_axis = 1;
  if (!transpose) {
    view.tensor = weight;
    view.tensor.dims = {channels, other * rest};
    return view;
  }
  const size_t element = ir::StorageBytes(weight.dtype, 1);
  auto bytes = std::make_shared<ir::OwnedBuffer>(weight.ByteSize());
  const uint8_t* source = weight.bytes();
  uint8_t* target = bytes->mutable_data();
  const size_t block = static_cast<size_t>(rest) * element;
  for (int64_t i = 0; i < other; ++i) {
    for (int64_t o = 0; o < channels; ++o) {
      std::memcpy(target + (static_cast<size_t>(o * other + i)) * block,
                  source + (static_cast<size_t>(i * channels + o)) * block, block);
    }
  }
  view.tensor = weight;
  view.tensor.data = bytes;
  view.tensor.encoding = ir::TensorEncoding::kRaw;
  view.tensor.external_data.clear();
  view.tensor.dims = {channels, other * rest};
  return view;
}

// Reshapes (and for ConvTranspose transposes) the decompressed 2-D view back to the weight's
// layout, after the nodes of the edit.
void RestoreLayout(const WeightView& view, const WeightCandidate& candidate, WeightEdit* edit) {
  if (!view.reshaped || edit->replaces_consumer) return;
  const std::string& w = candidate.site.weight_name;
  std::vector<int64_t> shape = candidate.shape;
  if (view.transposed) std::swap(shape[0], shape[1]);
  ir::Tensor shape_tensor = ir::Tensor::FromBytes(w + "_nncf_shape", ir::DType::kInt64,
                                                  {static_cast<int64_t>(shape.size())},
                                                  shape.data(), shape.size() * sizeof(int64_t));
  ir::Node reshape;
  reshape.name = w + "_nncf_Reshape";
  reshape.op_type = "Reshape";
  reshape.inputs = {edit->replacement_value, shape_tensor.name};
  reshape.outputs = {w + "_nncf_reshaped"};
  edit->initializers.push_back(std::move(shape_tensor));
  edit->nodes.push_back(reshape);
  edit->replacement_value = reshape.outputs[0];
  if (view.transposed) {
    std::vector<int64_t> perm(candidate.shape.size());
    for (size_t a = 0; a < perm.size(); ++a) perm[a] = static_cast<int64_t>(a);
    std::swap(perm[0], perm[1]);
    ir::Node transpose;
    transpose.name = w + "_nncf_Transpose";
    transpose.op_type = "Transpose";
    transpose.inputs = {edit->replacement_value};
    transpose.outputs = {w + "_nncf_transposed"};
    transpose.attributes.push_back(ir::Attribute::Ints("perm", perm));
    edit->nodes.push_back(transpose);
    edit->replacement_value = transpose.outputs[0];
  }
  edit->replacement_dims = candidate.shape;
}

LayerReport FloatReport(const WeightCandidate& weight) {
  LayerReport layer;
  layer.node = weight.node_name;
  layer.weight = weight.site.weight_name;
  layer.mode = "float";
  layer.bits = static_cast<int>(ir::DTypeBits(weight.dtype));
  layer.group_size = 0;
  layer.error = 0;
  return layer;
}

// The activation a 4-bit MatMul/Gemm layer reads with channels last, when the data-aware
// algorithms can work on it (2-D weight at input 1, no transA, statistics with means); else "".
std::string DataAwareActivation(const ir::Graph& graph, const WeightCandidate& weight,
                                const WeightConfig& config,
                                const std::map<std::string, ActivationStatistics>& statistics) {
  if (WeightModeBits(config.mode) != 4 || weight.kind != LayerKind::kMatMul ||
      weight.shape.size() != 2 || weight.site.input_index != 1) {
    return "";
  }
  const ir::Node& node = graph.nodes.at(weight.node_index);
  if (node.op_type == "Gemm") {
    const ir::Attribute* trans_a = node.FindAttribute("transA");
    if (trans_a && trans_a->i && *trans_a->i != 0) return "";
  }
  const std::string activation = ActivationOf(graph, weight);
  auto it = statistics.find(activation);
  if (it == statistics.end() || it->second.means.empty() ||
      it->second.hidden != weight.shape[weight.SingleReductionAxis()]) {
    return "";
  }
  return activation;
}

// GPTQ (with scale estimation inside when asked) or scale estimation alone.
CompressedWeight DataAwareQuantize(const ir::Tensor& tensor, const WeightCandidate& weight,
                                   const WeightConfig& config,
                                   const ActivationStatistics& statistics,
                                   const CompressWeightsParams& params, int num_threads,
                                   std::vector<AlgorithmLayerReport>* estimation_reports,
                                   std::vector<AlgorithmLayerReport>* gptq_reports) {
  const int64_t axis = weight.SingleReductionAxis();
  const WeightMatrix matrix = ToMatrix(tensor, axis);
  const bool estimate = params.scale_estimation && config.mode != WeightMode::kE2M1;
  std::vector<float> scales;
  std::vector<uint8_t> zero_points;
  int64_t groups = 0;
  ir::Tensor source = tensor;
  AlgorithmLayerReport layer;
  layer.node = weight.node_name;
  if (params.gptq) {
    std::optional<ScaleEstimationParams> inner;
    SampledActivations x;
    if (estimate) {
      inner = params.scale_estimation_params;
      x = SampleActivations(statistics, params.scale_estimation_params.subset_size);
    }
    const GptqResult gptq =
        RunGptq(matrix, config.mode, config.group_size, statistics.hessian, params.gptq_params,
                inner, estimate ? &x : nullptr, weight.node_name, num_threads);
    scales = gptq.scales;
    zero_points = gptq.zero_points;
    groups = gptq.groups;
    // GPTQ's dequantized values in float32: quantizing them again with its scales gives back
    // exactly its codes.
    source = FromMatrix(gptq.quantized,
                        ir::Tensor::Zeros(tensor.name, ir::DType::kFloat, tensor.dims), axis);
    layer.before = gptq.proxy_loss_rtn;
    layer.after = gptq.proxy_loss;
    layer.dead_columns = gptq.dead_columns;
    layer.damp = gptq.damp;
    gptq_reports->push_back(layer);
  } else {
    const SampledActivations x =
        SampleActivations(statistics, params.scale_estimation_params.subset_size);
    const EstimatedScale estimated = EstimateScale(matrix, config.mode, config.group_size, x,
                                                   params.scale_estimation_params, num_threads);
    scales = estimated.scales;
    zero_points = estimated.zero_points;
    groups = estimated.groups;
    layer.before = estimated.loss_before;
    layer.after = estimated.loss_after;
    estimation_reports->push_back(layer);
  }
  CompressedWeight compressed =
      QuantizeWeightWithParams(source, config.mode, axis, config.group_size,
                               GroupParamsToLayout(scales, matrix.out, groups, axis),
                               GroupParamsToLayout(zero_points, matrix.out, groups, axis));
  compressed.float_dtype = tensor.dtype;
  return compressed;
}

struct ProcessedWeight {
  WeightSite site;
  WeightEdit edit;
};

using EditSink = std::function<void(WeightEdit&)>;

// Freed code buffers kept for the next weights (one Llama-sized MLP weight's codes is 45 MiB).
constexpr size_t kRecycledCodeBytes = size_t{256} << 20;

// The whole pipeline. `sink` sees each edit right after it is made (the streaming writer swaps
// its tensors for references there).
ir::Model RunPipeline(const ir::Model& model, data::Dataset* dataset,
                      const CompressWeightsParams& params, const Context& context,
                      CompressWeightsReport* report, const EditSink& sink) {
  const ResolvedParams resolved = Resolve(params, dataset != nullptr);
  if (!model.graph) Fail(ErrorCode::kInvalidModel, "compress_weights: the model has no graph");
  const ir::Graph& graph = *model.graph;
  const std::set<std::string> ignored = MatchIgnoredScope(graph, params.ignored_scope);

  LayerPlanOptions options;
  options.mode = resolved.mode;
  options.group_size = resolved.group_size;
  options.backup = resolved.backup;
  options.all_layers = params.all_layers;
  options.fallback = params.group_size_fallback;
  options.min_adjusted_group_size = params.min_adjusted_group_size;
  LayerPlan plan = PlanLayers(graph, ignored, options);
  context.Progress(kStage, 0.0);

  std::map<size_t, double> sensitivities;  // by plan index
  std::string metric_name;
  int64_t statistics_items = 0;
  const bool mixed_precision =
      !IsInt8(resolved.mode) && resolved.ratio < 1 && !plan.ratio_defining.empty();
  const SensitivityMetric metric =
      params.sensitivity_metric.value_or(dataset ? SensitivityMetric::kMaxActivationVariance
                                                 : SensitivityMetric::kWeightQuantizationError);
  const bool data_aware_metric =
      mixed_precision && metric != SensitivityMetric::kWeightQuantizationError;
  const bool data_aware_algorithms =
      dataset && ((params.awq && params.awq_params.prefer_data_aware_scaling) ||
                  params.scale_estimation || params.gptq || params.lora_correction);

  // One pass collects what every data-aware step needs, for the inputs of the ratio-defining
  // layers (a superset of the layers that end up 4-bit).
  std::map<std::string, ActivationStatistics> statistics;
  if (data_aware_metric || data_aware_algorithms) {
    if (data_aware_algorithms && dataset->Length() >= 0 && dataset->Length() < params.subset_size) {
      Fail(ErrorCode::kInvalidArgument,
           "compress_weights: the dataset has " + std::to_string(dataset->Length()) +
               " items, fewer than subset_size " + std::to_string(params.subset_size) +
               "; lower subset_size or pass more data");
    }
    std::vector<std::string> activations;
    for (size_t index : plan.ratio_defining) {
      const std::string activation = ActivationOf(graph, plan.weights[index].weight);
      if (!activation.empty() &&
          std::find(activations.begin(), activations.end(), activation) == activations.end()) {
        activations.push_back(activation);
      }
    }
    ActivationStatisticsOptions options;
    options.subset_size = params.subset_size;
    options.num_threads = resolved.num_threads;
    options.means = data_aware_algorithms;
    options.hessian = params.gptq;
    options.hessian_subset_size = params.gptq_params.subset_size;
    statistics = CollectActivationStatistics(model, *dataset, activations, options, context,
                                             kStage + std::string(": statistics"));
    for (const auto& entry : statistics) {
      statistics_items = std::max(statistics_items, entry.second.items);
    }
  }
  if (mixed_precision) {
    metric_name = SensitivityMetricName(metric);
    std::vector<double> scores;
    std::vector<int64_t> sizes;
    for (size_t k = 0; k < plan.ratio_defining.size(); ++k) {
      const WeightCandidate& weight = plan.weights[plan.ratio_defining[k]].weight;
      const ir::Tensor* tensor = graph.FindInitializer(weight.site.weight_name);
      double score = 0;
      if (metric == SensitivityMetric::kWeightQuantizationError) {
        score =
            WeightQuantizationScore(*tensor, weight.SingleReductionAxis(), resolved.num_threads);
      } else if (weight.kind != LayerKind::kEmbedding) {
        // Embeddings have no input activation: score 0, the first to take the primary mode.
        const double weight_term =
            metric == SensitivityMetric::kHessianInputActivation
                ? WeightQuantizationFrobenius(*tensor, weight.SingleReductionAxis(),
                                              resolved.num_threads)
                : WeightQuantizationScore(*tensor, weight.SingleReductionAxis(),
                                          resolved.num_threads);
        score =
            weight_term * ActivationSensitivity(statistics.at(ActivationOf(graph, weight)), metric);
      }
      sensitivities[plan.ratio_defining[k]] = score;
      scores.push_back(score);
      sizes.push_back(weight.num_weights);
      context.Progress(kStage + std::string(": mixed precision"),
                       double(k + 1) / double(plan.ratio_defining.size()));
    }
    std::optional<WeightConfig> backup;
    if (resolved.backup) backup = WeightConfig{*resolved.backup, -1};
    AssignMixedPrecision(plan, SelectPrimaryByRatio(scores, sizes, resolved.ratio), backup);
  }
  if (params.group_size_fallback == GroupSizeFallback::kError) {
    ValidateGroupSizes(plan, resolved.mode);
  }

  // Initializers replaced by AWQ (scaled weights, folded producers); read through `current`.
  std::map<std::string, ir::Tensor> replaced;
  const TensorLookup current = [&graph, &replaced](const std::string& name) -> const ir::Tensor* {
    auto it = replaced.find(name);
    return it != replaced.end() ? &it->second : graph.FindInitializer(name);
  };
  AwqOutcome awq;
  if (params.awq) {
    awq =
        ComputeAwq(graph, plan, current, data_aware_algorithms ? &statistics : nullptr,
                   params.awq_params, resolved.num_threads, context, kStage + std::string(": awq"));
    replaced = awq.tensors;
  }
  std::vector<AlgorithmLayerReport> estimation_reports, gptq_reports, lora_reports;
  std::vector<LoraBranch> lora_branches;

  // Largest first, as NNCF orders them to lower peak memory; ties keep topological order.
  std::vector<size_t> order;
  for (size_t i = 0; i < plan.weights.size(); ++i) {
    if (plan.weights[i].config) order.push_back(i);
  }
  std::stable_sort(order.begin(), order.end(), [&plan](size_t a, size_t b) {
    return plan.weights[a].weight.num_weights > plan.weights[b].weight.num_weights;
  });

  // Codes of same-shaped weights reuse each other's freed pages instead of faulting fresh ones in.
  const exec::ScopedBufferRecycling code_recycling(
      std::make_shared<exec::BufferRecycler>(kRecycledCodeBytes));
  std::map<size_t, LayerReport> layer_reports;
  std::vector<ProcessedWeight> processed;
  int64_t needed_opset = 0;
  std::string needed_by;
  for (size_t n = 0; n < order.size(); ++n) {
    const PlannedWeight& planned = plan.weights[order[n]];
    const WeightCandidate& weight = planned.weight;
    const WeightConfig& config = *planned.config;
    LayerReport layer;
    double error = 0;
    WeightEdit edit;
    {
      const ir::Tensor* tensor = current(weight.site.weight_name);
      const WeightView view = MakeView(*tensor, weight);
      const std::string activation = DataAwareActivation(graph, weight, config, statistics);
      CompressedWeight compressed;
      if (!activation.empty() && (params.gptq || params.scale_estimation)) {
        compressed =
            DataAwareQuantize(view.tensor, weight, config, statistics.at(activation), params,
                              resolved.num_threads, &estimation_reports, &gptq_reports);
      } else {
        compressed = QuantizeWeight(view.tensor, config.mode, view.reduction_axis,
                                    config.group_size, resolved.num_threads);
      }
      error = WeightQuantizationError(view.tensor, compressed, resolved.num_threads);
      if (!activation.empty() && params.lora_correction && config.mode != WeightMode::kE2M1) {
        LoraBranch branch;
        branch.name = weight.node_name + "/lora";
        branch.activation = activation;
        branch.layer_output = graph.nodes[weight.node_index].outputs.at(0);
        branch.int8_adapters = params.lora_correction_params.use_int8_adapters;
        branch.dtype = weight.dtype;
        const int64_t axis = weight.SingleReductionAxis();
        const WeightMatrix original = ToMatrix(view.tensor, axis);
        const WeightMatrix quantized =
            ToMatrix(DequantizeWeight(compressed, ir::DType::kFloat), axis);
        const SampledActivations x =
            SampleActivations(statistics.at(activation), params.lora_correction_params.subset_size);
        branch.adapters = ComputeLoraCorrection(original, quantized, config.group_size, x,
                                                params.lora_correction_params);
        AlgorithmLayerReport lora;
        lora.node = weight.node_name;
        lora.before = branch.adapters.noise_before;
        lora.after = branch.adapters.noise_after;
        lora.rank = branch.adapters.rank;
        lora_reports.push_back(lora);
        lora_branches.push_back(std::move(branch));
      }
      edit = MakeWeightEdit(compressed, weight.site, FormatFor(params.format, config.mode, weight),
                            params.format_options);
      RestoreLayout(view, weight, &edit);
    }
    if (edit.min_opset > needed_opset) {
      needed_opset = edit.min_opset;
      needed_by = std::string(WeightModeName(config.mode)) + " weight '" + weight.site.weight_name +
                  "' of node '" + weight.node_name + "'";
    }
    if (sink) sink(edit);
    replaced.erase(weight.site.weight_name);  // written: AWQ's scaled copy is not needed again
    layer.node = weight.node_name;
    layer.weight = weight.site.weight_name;
    layer.mode = WeightModeName(config.mode);
    layer.bits = WeightModeBits(config.mode);
    layer.group_size = config.group_size;
    layer.error = error;
    if (sensitivities.count(order[n])) layer.sensitivity = sensitivities.at(order[n]);
    layer_reports[order[n]] = layer;
    processed.push_back(ProcessedWeight{weight.site, std::move(edit)});
    context.Progress(kStage, double(n + 1) / double(order.size()));
  }

  for (const LoraBranch& branch : lora_branches) {
    // DequantizeLinear takes float16/bfloat16 scales from opset 19, float from 13.
    const int64_t opset = !branch.int8_adapters ? 0 : branch.dtype == ir::DType::kFloat ? 13 : 19;
    if (opset > needed_opset) {
      needed_opset = opset;
      needed_by = "int8 LoRA adapter of node '" + branch.name + "'";
    }
  }
  ir::Model result;
  if (needed_opset > model.DefaultOpset()) {
    if (!params.allow_opset_upgrade) {
      Fail(ErrorCode::kVersionMismatch,
           "compress_weights: the " + needed_by + " needs default-domain opset " +
               std::to_string(needed_opset) + " but the model imports opset " +
               std::to_string(model.DefaultOpset()) +
               " and allow_opset_upgrade is off; allow the upgrade or convert the model first");
    }
    result = onnx::ConvertOpset(model, needed_opset);
  } else {
    result = model;
  }
  std::vector<std::string> new_tensors;
  for (ProcessedWeight& item : processed) {
    for (const ir::Tensor& tensor : item.edit.initializers) new_tensors.push_back(tensor.name);
    ApplyWeightEdit(result, item.site, std::move(item.edit));
  }
  // AWQ's replaced initializers that no edit consumed (norm scales, float producers), then its
  // Mul insertions and the LoRA branches, which find their layers by output name.
  for (auto& [name, tensor] : replaced) {
    ir::Tensor* target = result.graph->FindInitializer(name);
    if (target) *target = tensor;
  }
  ApplyScaleInsertions(*result.graph, awq.insertions);
  for (const LoraBranch& branch : lora_branches) InsertLoraBranch(*result.graph, branch);

  // New tensors go first, in the order they were made: the streaming writer stored their bytes
  // in that order, so the saved file is the same whichever path produced it.
  std::vector<ir::Tensor>& initializers = result.graph->initializers;
  std::map<std::string, size_t> rank;
  for (const std::string& name : new_tensors) rank.emplace(name, rank.size());
  std::stable_partition(initializers.begin(), initializers.end(),
                        [&rank](const ir::Tensor& t) { return rank.count(t.name) != 0; });
  const size_t moved = static_cast<size_t>(
      std::count_if(initializers.begin(), initializers.end(),
                    [&rank](const ir::Tensor& t) { return rank.count(t.name) != 0; }));
  std::stable_sort(initializers.begin(), initializers.begin() + static_cast<ptrdiff_t>(moved),
                   [&rank](const ir::Tensor& a, const ir::Tensor& b) {
                     return rank.at(a.name) < rank.at(b.name);
                   });

  if (report) {
    report->layers.clear();
    for (size_t i = 0; i < plan.weights.size(); ++i) {
      auto it = layer_reports.find(i);
      report->layers.push_back(it != layer_reports.end() ? it->second
                                                         : FloatReport(plan.weights[i].weight));
    }
    for (const WeightCandidate& skipped : plan.skipped) {
      report->layers.push_back(FloatReport(skipped));
    }
    report->ratio_achieved = RatioAchieved(plan, resolved.mode);
    report->sensitivity_metric = metric_name;
    report->statistics_items = statistics_items;
    report->awq = awq.layers;
    report->scale_estimation = estimation_reports;
    report->gptq = gptq_reports;
    report->lora_correction = lora_reports;
  }
  Log(LogLevel::kInfo, kStage,
      "compressed " + std::to_string(order.size()) + " weights (" +
          std::to_string(plan.weights.size() - order.size() + plan.skipped.size()) +
          " kept float)");
  return result;
}

uint64_t InlineBytes(const ir::Model& model) {
  uint64_t total = 0;
  if (!model.graph) return 0;
  for (const ir::Tensor& tensor : model.graph->initializers) total += tensor.ByteSize();
  return total;
}

WeightMode ModeFromName(const std::string& key, const std::string& name) {
  if (name == "int8_asym") return WeightMode::kInt8Asym;
  if (name == "int8_sym") return WeightMode::kInt8Sym;
  if (name == "int4_sym") return WeightMode::kInt4Sym;
  if (name == "int4_asym") return WeightMode::kInt4Asym;
  if (name == "nf4") return WeightMode::kNf4;
  if (name == "e2m1" || name == "mxfp4") return WeightMode::kE2M1;
  Fail(ErrorCode::kUnsupported, "config " + key + ": mode \"" + name +
                                    "\" is not supported by the ONNX weight compression "
                                    "(int8_asym, int8_sym, int4_sym, int4_asym, nf4, e2m1, mxfp4)");
}

bool SetAndNotNull(const config::Config& config, const std::string& key) {
  return config.Has(key) && !config.IsNull(key);
}

}  // namespace

void CompressWeightsParams::ApplyConfig(const config::Config& config) {
  const std::string s = "compress_weights.";
  if (SetAndNotNull(config, s + "mode")) {
    mode = ModeFromName("compress_weights.mode", config.GetString(s + "mode"));
  }
  if (SetAndNotNull(config, s + "ratio")) ratio = config.GetNumber(s + "ratio");
  if (SetAndNotNull(config, s + "group_size")) group_size = config.GetInt(s + "group_size");
  if (SetAndNotNull(config, s + "all_layers")) all_layers = config.GetBool(s + "all_layers");
  if (config.Has(s + "subset_size")) subset_size = config.GetInt(s + "subset_size");
  if (SetAndNotNull(config, s + "sensitivity_metric")) {
    const std::string name = config.GetString(s + "sensitivity_metric");
    static const std::map<std::string, SensitivityMetric> kMetrics = {
        {"weight_quantization_error", SensitivityMetric::kWeightQuantizationError},
        {"hessian_input_activation", SensitivityMetric::kHessianInputActivation},
        {"mean_activation_variance", SensitivityMetric::kMeanActivationVariance},
        {"max_activation_variance", SensitivityMetric::kMaxActivationVariance},
        {"mean_activation_magnitude", SensitivityMetric::kMeanActivationMagnitude}};
    sensitivity_metric = kMetrics.at(name);
  }
  if (SetAndNotNull(config, s + "backup_mode")) {
    const std::string name = config.GetString(s + "backup_mode");
    if (name == "int8_asym") {
      backup_mode = BackupMode::kInt8Asym;
    } else if (name == "int8_sym") {
      backup_mode = BackupMode::kInt8Sym;
    } else if (name == "none") {
      backup_mode = BackupMode::kNone;
    } else {
      Fail(ErrorCode::kUnsupported, "config compress_weights.backup_mode: \"" + name +
                                        "\" is not supported (int8_asym, int8_sym, none)");
    }
  }
  if (config.Has(s + "compression_format")) {
    const std::string name = config.GetString(s + "compression_format");
    if (name == "dequantize") {
      format = WeightFormat::kDequantizeLinear;
    } else if (name == "fake_quantize") {
      format = WeightFormat::kFakeQuantize;
    } else if (name == "fake_quantize_with_lora") {
      format = WeightFormat::kFakeQuantizeLora;
    } else {
      Fail(ErrorCode::kUnsupported, "config compress_weights.compression_format: \"" + name +
                                        "\" is not supported (dequantize, fake_quantize, "
                                        "fake_quantize_with_lora)");
    }
  }
  if (SetAndNotNull(config, s + "awq")) awq = config.GetBool(s + "awq");
  if (SetAndNotNull(config, s + "scale_estimation")) {
    scale_estimation = config.GetBool(s + "scale_estimation");
  }
  if (SetAndNotNull(config, s + "gptq")) gptq = config.GetBool(s + "gptq");
  if (SetAndNotNull(config, s + "lora_correction")) {
    lora_correction = config.GetBool(s + "lora_correction");
  }
  // The advanced algorithm parameters: each key, when set, overrides its field.
  auto read_int = [&config](const std::string& key, int64_t* field) {
    if (config.Has(key)) *field = config.GetInt(key);
  };
  auto read_number = [&config](const std::string& key, double* field) {
    if (config.Has(key)) *field = config.GetNumber(key);
  };
  auto read_bool = [&config](const std::string& key, bool* field) {
    if (config.Has(key)) *field = config.GetBool(key);
  };
  const std::string a = s + "advanced.awq_params.";
  read_int(a + "subset_size", &awq_params.subset_size);
  read_number(a + "percent_to_apply", &awq_params.percent_to_apply);
  read_number(a + "alpha_min", &awq_params.alpha_min);
  read_number(a + "alpha_max", &awq_params.alpha_max);
  read_int(a + "steps", &awq_params.steps);
  read_bool(a + "prefer_data_aware_scaling", &awq_params.prefer_data_aware_scaling);
  const std::string e = s + "advanced.scale_estimation_params.";
  read_int(e + "subset_size", &scale_estimation_params.subset_size);
  read_int(e + "initial_steps", &scale_estimation_params.initial_steps);
  read_int(e + "scale_steps", &scale_estimation_params.scale_steps);
  read_number(e + "weight_penalty", &scale_estimation_params.weight_penalty);
  const std::string g = s + "advanced.gptq_params.";
  read_number(g + "damp_percent", &gptq_params.damp_percent);
  read_int(g + "block_size", &gptq_params.block_size);
  read_int(g + "subset_size", &gptq_params.subset_size);
  const std::string l = s + "advanced.lora_correction_params.";
  read_int(l + "adapter_rank", &lora_correction_params.adapter_rank);
  read_int(l + "num_iterations", &lora_correction_params.num_iterations);
  read_bool(l + "apply_regularization", &lora_correction_params.apply_regularization);
  read_int(l + "subset_size", &lora_correction_params.subset_size);
  read_bool(l + "use_int8_adapters", &lora_correction_params.use_int8_adapters);
  if (SetAndNotNull(config, s + "advanced.statistics_path")) {
    Fail(ErrorCode::kUnsupported,
         "config compress_weights.advanced.statistics_path: statistics caching is not "
         "available for ONNX models (NNCF rejects it too)");
  }
  if (config.Has(s + "advanced.group_size_fallback_mode")) {
    const std::string name = config.GetString(s + "advanced.group_size_fallback_mode");
    group_size_fallback = name == "ignore"   ? GroupSizeFallback::kIgnore
                          : name == "adjust" ? GroupSizeFallback::kAdjust
                                             : GroupSizeFallback::kError;
  }
  if (config.Has(s + "advanced.min_adjusted_group_size")) {
    min_adjusted_group_size = config.GetInt(s + "advanced.min_adjusted_group_size");
  }
  if (config.Has(s + "advanced.lora_adapter_rank")) {
    format_options.lora_rank = static_cast<int>(config.GetInt(s + "advanced.lora_adapter_rank"));
  }
  AddIgnoredScopeFromConfig(config, "compress_weights", &ignored_scope);
}

const char* SensitivityMetricName(SensitivityMetric metric) {
  switch (metric) {
    case SensitivityMetric::kWeightQuantizationError:
      return "weight_quantization_error";
    case SensitivityMetric::kHessianInputActivation:
      return "hessian_input_activation";
    case SensitivityMetric::kMeanActivationVariance:
      return "mean_activation_variance";
    case SensitivityMetric::kMaxActivationVariance:
      return "max_activation_variance";
    case SensitivityMetric::kMeanActivationMagnitude:
      return "mean_activation_magnitude";
  }
  return "unknown";
}

std::string CompressWeightsReport::ToJson() const {
  std::unique_ptr<cJSON, void (*)(cJSON*)> root(cJSON_CreateObject(), cJSON_Delete);
  if (!root) throw std::bad_alloc();
  cJSON* layers_json = cJSON_AddArrayToObject(root.get(), "layers");
  for (const LayerReport& layer : layers) {
    cJSON* item = cJSON_CreateObject();
    cJSON_AddItemToArray(layers_json, item);
    cJSON_AddStringToObject(item, "node", layer.node.c_str());
    cJSON_AddStringToObject(item, "weight", layer.weight.c_str());
    cJSON_AddStringToObject(item, "mode", layer.mode.c_str());
    cJSON_AddNumberToObject(item, "bits", layer.bits);
    cJSON_AddNumberToObject(item, "group_size", static_cast<double>(layer.group_size));
    cJSON_AddNumberToObject(item, "error", std::isfinite(layer.error) ? layer.error : 0.0);
    if (std::isnan(layer.sensitivity)) {
      cJSON_AddNullToObject(item, "sensitivity");
    } else {
      cJSON_AddNumberToObject(item, "sensitivity", layer.sensitivity);
    }
  }
  cJSON_AddNumberToObject(root.get(), "ratio_achieved", ratio_achieved);
  if (sensitivity_metric.empty()) {
    cJSON_AddNullToObject(root.get(), "sensitivity_metric");
  } else {
    cJSON_AddStringToObject(root.get(), "sensitivity_metric", sensitivity_metric.c_str());
  }
  cJSON_AddNumberToObject(root.get(), "statistics_items", static_cast<double>(statistics_items));
  cJSON* awq_json = cJSON_AddArrayToObject(root.get(), "awq");
  for (const AwqLayerReport& layer : awq) {
    cJSON* item = cJSON_CreateObject();
    cJSON_AddItemToArray(awq_json, item);
    cJSON* nodes = cJSON_AddArrayToObject(item, "nodes");
    for (const std::string& node : layer.nodes) {
      cJSON_AddItemToArray(nodes, cJSON_CreateString(node.c_str()));
    }
    cJSON_AddStringToObject(item, "merge_node", layer.merge_node.c_str());
    cJSON_AddStringToObject(item, "pattern", layer.pattern.c_str());
    cJSON_AddBoolToObject(item, "data_aware", layer.data_aware);
    cJSON_AddBoolToObject(item, "folded", layer.folded);
    if (layer.mul_node.empty()) {
      cJSON_AddNullToObject(item, "mul_node");
    } else {
      cJSON_AddStringToObject(item, "mul_node", layer.mul_node.c_str());
    }
    cJSON_AddNumberToObject(item, "channels_scaled", static_cast<double>(layer.channels_scaled));
    cJSON_AddNumberToObject(item, "min_scale", layer.min_scale);
    cJSON_AddNumberToObject(item, "max_scale", layer.max_scale);
  }
  auto add_algorithm = [&root](const char* key, const std::vector<AlgorithmLayerReport>& list,
                               const char* before, const char* after) {
    cJSON* array = cJSON_AddArrayToObject(root.get(), key);
    for (const AlgorithmLayerReport& layer : list) {
      cJSON* item = cJSON_CreateObject();
      cJSON_AddItemToArray(array, item);
      cJSON_AddStringToObject(item, "node", layer.node.c_str());
      cJSON_AddNumberToObject(item, before, layer.before);
      cJSON_AddNumberToObject(item, after, layer.after);
      if (std::string(key) == "gptq") {
        cJSON_AddNumberToObject(item, "dead_columns", static_cast<double>(layer.dead_columns));
        cJSON_AddNumberToObject(item, "damp", layer.damp);
      }
      if (std::string(key) == "lora_correction") {
        cJSON_AddNumberToObject(item, "rank", static_cast<double>(layer.rank));
      }
    }
  };
  add_algorithm("scale_estimation", scale_estimation, "loss_rtn", "loss");
  add_algorithm("gptq", gptq, "proxy_loss_rtn", "proxy_loss");
  add_algorithm("lora_correction", lora_correction, "noise_before", "noise_after");
  char* text = cJSON_PrintUnformatted(root.get());
  if (!text) throw std::bad_alloc();
  std::string json(text);
  cJSON_free(text);
  return json;
}

ir::Model CompressWeights(const ir::Model& model, data::Dataset* dataset,
                          const CompressWeightsParams& params, const Context& context,
                          CompressWeightsReport* report) {
  return RunPipeline(model, dataset, params, context, report, EditSink());
}

ir::Model CompressWeights(const ir::Model& model, const CompressWeightsParams& params,
                          const Context& context, CompressWeightsReport* report) {
  return CompressWeights(model, nullptr, params, context, report);
}

void CompressWeightsFile(const std::string& input_path, const std::string& output_path,
                         const CompressWeightsParams& params, const onnx::SaveOptions& save,
                         const Context& context, CompressWeightsReport* report) {
  CompressWeightsFile(input_path, output_path, nullptr, params, save, context, report);
}

void CompressWeightsFile(const std::string& input_path, const std::string& output_path,
                         data::Dataset* dataset, const CompressWeightsParams& params,
                         const onnx::SaveOptions& save, const Context& context,
                         CompressWeightsReport* report) {
  onnx::LoadOptions load;
  load.mmap_external_data = true;
  load.validate = true;
  const ir::Model model = onnx::LoadModelFile(input_path, load);
  Resolve(params, dataset != nullptr);  // bad parameters fail before any file is created

  // SaveModelFile's rule for which tensors go to the data file. kAuto cannot see the output
  // before it exists, so it follows the input: external when the input needed it.
  bool external = save.external_data == onnx::ExternalDataMode::kAlways;
  if (save.external_data == onnx::ExternalDataMode::kAuto) {
    external = InlineBytes(model) > onnx::kProtobufLimit;
  }
  const uint64_t threshold = save.size_threshold;
  auto goes_external = [external, threshold](const ir::Tensor& tensor) {
    return external && tensor.data && tensor.data->size() >= threshold;
  };

  onnx::StreamingModelWriter writer;
  writer.Begin(output_path, save);
  writer.SetExternalPredicate(goes_external);
  std::map<std::string, ir::Tensor> streamed;
  const EditSink sink = [&writer, &streamed, &goes_external](WeightEdit& edit) {
    for (ir::Tensor& tensor : edit.initializers) {
      auto it = streamed.find(tensor.name);
      if (it != streamed.end()) {
        tensor = it->second;
        continue;
      }
      if (!goes_external(tensor)) continue;
      ir::Tensor reference = writer.AddTensor(tensor);
      streamed.emplace(tensor.name, reference);
      tensor = std::move(reference);  // drops the compressed bytes
    }
  };
  const ir::Model result = RunPipeline(model, dataset, params, context, report, sink);
  writer.Finish(result, context);
}

}  // namespace nncf::algorithms::wc
