#include "algorithms/quantization/quantize.h"

#include <cjson/cJSON.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <utility>

#include "algorithms/common/ignored_scope.h"
#include "algorithms/quantization/min_max.h"
#include "algorithms/quantization/nncf_graph.h"
#include "algorithms/quantization/qdq_insertion.h"
#include "algorithms/quantization/quantizer_placement.h"
#include "algorithms/quantization/statistics.h"
#include "algorithms/quantization/typed_model.h"
#include "core/common/error.h"
#include "core/common/logging.h"
#include "core/common/parallel_for.h"

namespace nncf::algorithms::quantization {
namespace {

const char* const kComponent = "quantize";

// Ops that only appear in models that were quantized already: quantizing again would stack a
// second set of quantizers on top of the first.
const std::set<std::string> kQuantizedOps = {
    "QuantizeLinear", "DequantizeLinear", "DynamicQuantizeLinear", "QLinearConv",
    "QLinearMatMul",  "MatMulInteger",    "ConvInteger",           "MatMulNBits",
    "QLinearAdd",     "QLinearMul",       "QuantizeWithOrder",     "DequantizeWithOrder"};

void CheckNotQuantized(const ir::Model& model) {
  if (!model.graph) Fail(ErrorCode::kInvalidModel, "the model has no graph");
  for (size_t i = 0; i < model.graph->nodes.size(); ++i) {
    const ir::Node& node = model.graph->nodes[i];
    if (kQuantizedOps.count(node.op_type)) {
      Fail(ErrorCode::kInvalidArgument, "the model is already quantized: node '" +
                                            NodeNameForScope(*model.graph, i) + "' is " +
                                            node.op_type + "; quantize the float model instead");
    }
  }
}

bool ResolveBatchwise(const QuantizeParams& params, const data::Dataset& dataset) {
  if (params.batchwise_statistics) return *params.batchwise_statistics;
  return dataset.BatchSize() > 1;
}

void CheckDatasetNotEmpty(const data::Dataset& dataset) {
  if (dataset.Length() == 0) {
    Fail(ErrorCode::kInvalidArgument, "the calibration dataset is empty");
  }
}

bool RunsSmoothQuant(const QuantizeParams& params) {
  return params.IsTransformer() &&
         (params.smooth_quant_alpha_matmul >= 0 || params.smooth_quant_alpha_convolution >= 0);
}

// NNCF's naming counter: the k-th quantizer on a value gets suffix _k.
std::vector<std::string> QuantizerSuffixes(const std::vector<PlacedQuantizer>& placed) {
  std::map<std::string, int> count;
  std::vector<std::string> suffixes;
  for (const PlacedQuantizer& q : placed) {
    suffixes.push_back(q.spec->point.tensor + "_" + std::to_string(++count[q.spec->point.tensor]));
  }
  return suffixes;
}

const char* PresetName(Preset preset) {
  return preset == Preset::kMixed ? "mixed" : "performance";
}

const char* OverflowFixName(OverflowFix fix) {
  switch (fix) {
    case OverflowFix::kEnable:
      return "enable";
    case OverflowFix::kFirstLayer:
      return "first_layer_only";
    case OverflowFix::kDisable:
      return "disable";
  }
  return "unknown";
}

cJSON* NumberArray(const std::vector<float>& values) {
  cJSON* array = cJSON_CreateArray();
  for (float v : values) {
    cJSON_AddItemToArray(array, cJSON_CreateNumber(std::isfinite(v) ? static_cast<double>(v) : 0));
  }
  return array;
}

template <typename T>
cJSON* IntArray(const std::vector<T>& values) {
  cJSON* array = cJSON_CreateArray();
  for (T v : values) cJSON_AddItemToArray(array, cJSON_CreateNumber(static_cast<double>(v)));
  return array;
}

cJSON* StringArray(const std::vector<std::string>& values) {
  cJSON* array = cJSON_CreateArray();
  for (const std::string& v : values) cJSON_AddItemToArray(array, cJSON_CreateString(v.c_str()));
  return array;
}

std::string PrintJson(cJSON* root) {
  char* text = cJSON_PrintUnformatted(root);
  if (!text) throw std::bad_alloc();
  std::string json(text);
  cJSON_free(text);
  return json;
}

}  // namespace

std::string QuantizeReport::ToJson() const {
  std::unique_ptr<cJSON, void (*)(cJSON*)> root(cJSON_CreateObject(), cJSON_Delete);
  if (!root) throw std::bad_alloc();
  cJSON_AddStringToObject(root.get(), "preset", preset.c_str());
  cJSON_AddStringToObject(root.get(), "overflow_fix", overflow_fix.c_str());
  cJSON_AddNumberToObject(root.get(), "calibration_items", static_cast<double>(calibration_items));
  cJSON* opset = cJSON_AddObjectToObject(root.get(), "opset");
  cJSON_AddNumberToObject(opset, "before", static_cast<double>(opset_before));
  cJSON_AddNumberToObject(opset, "after", static_cast<double>(opset_after));
  cJSON* list = cJSON_AddArrayToObject(root.get(), "quantizers");
  for (const QuantizerReport& q : quantizers) {
    cJSON* item = cJSON_CreateObject();
    cJSON_AddItemToArray(list, item);
    cJSON_AddStringToObject(item, "tensor", q.spec.point.tensor.c_str());
    cJSON_AddStringToObject(item, "kind", InsertionKindName(q.spec.point.kind));
    cJSON_AddStringToObject(item, "node", q.spec.point.node.c_str());
    cJSON_AddNumberToObject(item, "port", q.spec.point.port);
    cJSON_AddBoolToObject(item, "is_weight", q.spec.is_weight);
    cJSON_AddStringToObject(item, "dtype", ir::DTypeName(q.params.dtype));
    if (q.spec.config.per_channel) {
      cJSON_AddNumberToObject(item, "axis", static_cast<double>(q.spec.axis));
    } else {
      cJSON_AddNullToObject(item, "axis");
    }
    cJSON_AddBoolToObject(item, "half_range", q.spec.half_range);
    cJSON_AddItemToObject(item, "scale", NumberArray(q.params.scale));
    cJSON_AddItemToObject(item, "zero_point", IntArray(q.params.zero_point));
    cJSON_AddItemToObject(item, "observed_min", NumberArray(q.observed_min));
    cJSON_AddItemToObject(item, "observed_max", NumberArray(q.observed_max));
    cJSON_AddItemToObject(item, "input_low", NumberArray(q.params.input_low));
    cJSON_AddItemToObject(item, "input_high", NumberArray(q.params.input_high));
    cJSON_AddStringToObject(item, "q_node", q.q_node.c_str());
    cJSON_AddStringToObject(item, "dq_node", q.dq_node.c_str());
    cJSON_AddItemToObject(item, "target_nodes", StringArray(q.spec.target_nodes));
    if (q.spec.unified_group >= 0) {
      cJSON_AddNumberToObject(item, "unified_group", q.spec.unified_group);
    }
  }
  cJSON* shifts = cJSON_AddArrayToObject(root.get(), "bias_correction");
  for (const BiasShift& shift : bias_shifts) {
    cJSON* item = cJSON_CreateObject();
    cJSON_AddItemToArray(shifts, item);
    cJSON_AddStringToObject(item, "node", shift.node.c_str());
    cJSON_AddStringToObject(item, "bias", shift.bias_tensor.c_str());
    cJSON_AddItemToObject(item, "shift", NumberArray(shift.shift));
    cJSON_AddNumberToObject(item, "magnitude",
                            std::isfinite(shift.magnitude) ? shift.magnitude : -1.0);
    cJSON_AddBoolToObject(item, "applied", shift.applied);
  }
  cJSON* smooth = cJSON_AddArrayToObject(root.get(), "smooth_quant");
  for (const SmoothedGroup& group : smoothed) {
    cJSON* item = cJSON_CreateObject();
    cJSON_AddItemToArray(smooth, item);
    cJSON_AddStringToObject(item, "source", group.source_tensor.c_str());
    cJSON_AddStringToObject(item, "mul_node", group.mul_node.c_str());
    cJSON_AddItemToObject(item, "nodes", StringArray(group.nodes));
    cJSON_AddNumberToObject(item, "alpha", group.alpha);
  }
  cJSON_AddItemToObject(root.get(), "ignored_nodes", StringArray(ignored_nodes));
  return PrintJson(root.get());
}

ir::Model Quantize(const ir::Model& model, data::Dataset& dataset, const QuantizeParams& requested,
                   const Context& context, QuantizeReport* report) {
  requested.Validate();
  // 0 threads: every core, for the executor and for the statistics, folding and bias-correction
  // loops alike (those give the same bytes on any thread count).
  QuantizeParams params = requested;
  params.num_threads = ResolveNumThreads(params.num_threads);
  CheckNotQuantized(model);
  CheckDatasetNotEmpty(dataset);
  const bool batchwise = ResolveBatchwise(params, dataset);
  const int64_t length = dataset.Length();
  if (length > 0 && length < params.subset_size) {
    Log(LogLevel::kWarning, kComponent,
        "the calibration dataset has " + std::to_string(length) +
            " items, fewer than subset_size " + std::to_string(params.subset_size) +
            "; statistics use all of them");
  }
  QuantizeReport local_report;
  QuantizeReport& out = report ? *report : local_report;
  out = QuantizeReport();
  out.preset = PresetName(params.ResolvedPreset());
  out.overflow_fix = OverflowFixName(params.ResolvedOverflowFix());
  out.opset_before = model.DefaultOpset();

  // Step 1, transformers only: SmoothQuant with its own calibration pass.
  ir::Model current = model;
  if (RunsSmoothQuant(params)) {
    context.Progress("smooth_quant", 0);
    const ir::Model shaped = TypedCopy(current);
    const NncfGraph graph = NncfGraph::Build(shaped);
    IgnoredScope scope = params.ignored_scope;
    scope.validate = false;  // validated once, by placement, against the model it quantizes
    const std::set<std::string> ignored = MatchIgnoredScope(*shaped.graph, scope);
    SmoothQuant smooth_quant(shaped, graph, params, ignored);
    StatisticsCollector collector;
    smooth_quant.Register(collector);
    collector.Collect(current, dataset, params.subset_size, params.num_threads, context,
                      "smooth_quant: statistics");
    current = smooth_quant.Apply(current, collector, &out.smoothed);
  }

  // Step 2: MinMax and bias correction share one pass over the float model.
  context.Progress("placement", 0);
  const ir::Model shaped = TypedCopy(current);
  const NncfGraph graph = NncfGraph::Build(shaped);
  const QuantizationSetup setup = FindQuantizationSetup(shaped, graph, params);
  out.ignored_nodes.assign(setup.ignored_nodes.begin(), setup.ignored_nodes.end());

  StatisticsCollector collector;
  MinMaxCalibration min_max(setup, graph, params, batchwise);
  min_max.Register(collector);
  std::unique_ptr<BiasCorrectionAlgorithm> bias_correction;
  if (!params.disable_bias_correction && params.mode == QuantizationMode::kInt8) {
    bias_correction = MakeBiasCorrection(current, graph, params);
    bias_correction->Register(collector);
  }
  collector.Collect(current, dataset, params.subset_size, params.num_threads, context,
                    "statistics");
  out.calibration_items = collector.items_collected();

  std::vector<MinMaxValues> observed;
  std::vector<QuantizerParameters> parameters = min_max.Compute(collector, &observed);
  std::vector<PlacedQuantizer> placed;
  for (const QuantizerSpec& spec : setup.quantizers) {
    placed.push_back({&spec, parameters[static_cast<size_t>(spec.id)]});
  }
  context.Progress("insert quantizers", 0);
  ir::Model quantized = InsertQuantizers(current, placed, params.allow_opset_upgrade);
  // Weights are folded before bias correction: its layer runs then read the int8 weights
  // instead of quantizing every float weight again (the values are the same either way).
  std::set<std::string> folded;
  if (params.fold_weights) {
    const std::set<std::string> initializers_before = [&] {
      std::set<std::string> names;
      for (const ir::Tensor& t : quantized.graph->initializers) names.insert(t.name);
      return names;
    }();
    FoldWeightQuantizers(quantized, params.num_threads);
    for (const ir::Tensor& t : quantized.graph->initializers) {
      if (!initializers_before.count(t.name)) folded.insert(t.name);
    }
  }
  if (bias_correction) {
    bias_correction->Apply(quantized, collector, params.num_threads, context, &out.bias_shifts);
  }
  out.opset_after = quantized.DefaultOpset();

  const std::vector<std::string> suffixes = QuantizerSuffixes(placed);
  for (size_t i = 0; i < placed.size(); ++i) {
    QuantizerReport entry;
    entry.spec = *placed[i].spec;
    entry.params = placed[i].params;
    const MinMaxValues& seen = observed[static_cast<size_t>(placed[i].spec->id)];
    entry.observed_min = seen.min;
    entry.observed_max = seen.max;
    // A folded weight has no QuantizeLinear left: its quantized initializer stands in for it.
    entry.q_node = folded.count("q_output_" + suffixes[i]) ? "q_output_" + suffixes[i]
                                                           : "QuantizeLinear_" + suffixes[i];
    entry.dq_node = "DequantizeLinear_" + suffixes[i];
    out.quantizers.push_back(std::move(entry));
  }
  Log(LogLevel::kInfo, kComponent,
      "inserted " + std::to_string(placed.size()) + " quantizers (" +
          std::to_string(folded.size()) + " weights folded), calibrated on " +
          std::to_string(out.calibration_items) + " items");
  context.Progress("done", 1);
  return quantized;
}

std::string PlanQuantization(const ir::Model& model, const QuantizeParams& params) {
  params.Validate();
  CheckNotQuantized(model);
  const ir::Model shaped = TypedCopy(model);
  const NncfGraph graph = NncfGraph::Build(shaped);
  return FindQuantizationSetup(shaped, graph, params).ToJson();
}

}  // namespace nncf::algorithms::quantization
