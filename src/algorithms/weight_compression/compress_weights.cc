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
#include <thread>
#include <utility>
#include <vector>

#include "algorithms/common/ignored_scope_config.h"
#include "algorithms/weight_compression/layer_selection.h"
#include "algorithms/weight_compression/mixed_precision.h"
#include "algorithms/weight_compression/weight_quantization.h"
#include "core/common/error.h"
#include "core/common/logging.h"
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
    if (!bad.empty()) {
      std::string list;
      for (const std::string& name : bad) list += (list.empty() ? "" : ", ") + name;
      Fail(ErrorCode::kInvalidArgument,
           "compress_weights: mode " + mode_name + " compresses every weight per channel; " + list +
               " must be left at the default (ratio 1, group_size -1, no backup_mode, " +
               "all_layers off, no sensitivity_metric)");
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
  resolved.num_threads = params.num_threads > 0
                             ? params.num_threads
                             : std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
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

struct ProcessedWeight {
  WeightSite site;
  WeightEdit edit;
};

using EditSink = std::function<void(WeightEdit&)>;

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
  if (!IsInt8(resolved.mode) && resolved.ratio < 1 && !plan.ratio_defining.empty()) {
    const SensitivityMetric metric =
        params.sensitivity_metric.value_or(dataset ? SensitivityMetric::kMaxActivationVariance
                                                   : SensitivityMetric::kWeightQuantizationError);
    metric_name = SensitivityMetricName(metric);
    std::map<std::string, ActivationStatistics> statistics;
    if (metric != SensitivityMetric::kWeightQuantizationError) {
      std::vector<std::string> activations;
      for (size_t index : plan.ratio_defining) {
        const std::string activation = ActivationOf(graph, plan.weights[index].weight);
        if (!activation.empty() &&
            std::find(activations.begin(), activations.end(), activation) == activations.end()) {
          activations.push_back(activation);
        }
      }
      statistics = CollectActivationStatistics(model, *dataset, activations, params.subset_size,
                                               resolved.num_threads, context,
                                               kStage + std::string(": statistics"));
      for (const auto& entry : statistics) {
        statistics_items = std::max(statistics_items, entry.second.items);
      }
    }
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

  // Largest first, as NNCF orders them to lower peak memory; ties keep topological order.
  std::vector<size_t> order;
  for (size_t i = 0; i < plan.weights.size(); ++i) {
    if (plan.weights[i].config) order.push_back(i);
  }
  std::stable_sort(order.begin(), order.end(), [&plan](size_t a, size_t b) {
    return plan.weights[a].weight.num_weights > plan.weights[b].weight.num_weights;
  });

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
      const ir::Tensor* tensor = graph.FindInitializer(weight.site.weight_name);
      const WeightView view = MakeView(*tensor, weight);
      const CompressedWeight compressed = QuantizeWeight(
          view.tensor, config.mode, view.reduction_axis, config.group_size, resolved.num_threads);
      error = WeightQuantizationError(view.tensor, compressed);
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
  for (const char* algorithm : {"awq", "scale_estimation", "gptq", "lora_correction"}) {
    const std::string key = s + algorithm;
    if (SetAndNotNull(config, key) && config.GetBool(key)) {
      Fail(ErrorCode::kUnsupported, "config " + key + ": data-free compression has no " +
                                        algorithm + "; leave it null or false");
    }
  }
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
