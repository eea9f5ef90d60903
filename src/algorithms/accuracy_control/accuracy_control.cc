#include "algorithms/accuracy_control/accuracy_control.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <limits>
#include <map>
#include <numeric>
#include <set>
#include <utility>

#include "algorithms/accuracy_control/evaluator.h"
#include "algorithms/accuracy_control/group_revert.h"
#include "algorithms/accuracy_control/hyperparameter_tuner.h"
#include "algorithms/accuracy_control/quantizer_groups.h"
#include "algorithms/quantization/qdq_insertion.h"
#include "core/common/error.h"
#include "core/common/logging.h"
#include "onnx/model_io.h"

namespace nncf::algorithms::accuracy_control {
namespace {

namespace q = quantization;
using ModelPtr = std::shared_ptr<const ir::Model>;
constexpr const char* kComponent = "accuracy_control";

struct Drop {
  double value = 0;
  bool terminate = false;
};

// NNCF's calculate_accuracy_drop; a quantized metric at or above the initial one always ends the
// search (NNCF's RELATIVE drop is then None: here 0).
Drop CalculateDrop(double initial, double current, double max_drop, DropType type) {
  Drop drop;
  if (current >= initial) {
    drop.value = type == DropType::kAbsolute ? initial - current : 0.0;
    drop.terminate = true;
    return drop;
  }
  drop.value = type == DropType::kAbsolute ? initial - current : std::fabs(1.0 - current / initial);
  drop.terminate = drop.value <= max_drop;
  return drop;
}

// NNCF's get_subset_indices_pot_version: the `size` items with the largest error (a stable
// ascending argsort flipped, so among equal errors the later item comes first), ascending.
std::vector<int64_t> LargestErrorSubset(const std::vector<double>& errors, int64_t size) {
  std::vector<int64_t> order(errors.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&errors](int64_t a, int64_t b) { return errors[a] < errors[b]; });
  std::reverse(order.begin(), order.end());
  order.resize(std::min<size_t>(order.size(), static_cast<size_t>(std::max<int64_t>(size, 0))));
  std::sort(order.begin(), order.end());
  return order;
}

std::vector<double> ItemErrors(const ItemValues& reference, const ItemValues& approximate) {
  std::vector<double> errors;
  if (!reference.outputs.empty()) {
    for (size_t i = 0; i < reference.outputs.size(); ++i) {
      errors.push_back(NormalizedMse(reference.outputs[i], approximate.outputs.at(i)));
    }
    return errors;
  }
  for (size_t i = 0; i < reference.metric.size(); ++i) {
    errors.push_back(reference.metric[i] - approximate.metric.at(i));
  }
  return errors;
}

class PhaseClock {
 public:
  PhaseClock(std::map<std::string, double>* seconds, std::string phase)
      : seconds_(seconds), phase_(std::move(phase)), start_(std::chrono::steady_clock::now()) {}
  ~PhaseClock() {
    (*seconds_)[phase_] +=
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  }

 private:
  std::map<std::string, double>* seconds_;
  std::string phase_;
  std::chrono::steady_clock::time_point start_;
};

void CheckParams(const AccuracyControlParams& params) {
  if (!std::isfinite(params.max_drop) || params.max_drop < 0) {
    Fail(ErrorCode::kInvalidArgument,
         "accuracy control: max_drop must be a finite number >= 0, got " +
             std::to_string(params.max_drop));
  }
  if (params.max_num_iterations && *params.max_num_iterations < 0) {
    Fail(ErrorCode::kInvalidArgument, "accuracy control: max_num_iterations must be >= 0, got " +
                                          std::to_string(*params.max_num_iterations));
  }
  if (params.ranking_subset_size && *params.ranking_subset_size <= 0) {
    Fail(ErrorCode::kInvalidArgument, "accuracy control: ranking_subset_size must be > 0, got " +
                                          std::to_string(*params.ranking_subset_size));
  }
  if (params.quantize.mode != q::QuantizationMode::kInt8) {
    Fail(ErrorCode::kInvalidArgument,
         "accuracy control: quantize.mode must be INT8 (nncf.quantize_with_accuracy_control has "
         "no mode parameter)");
  }
  params.quantize.Validate();
}

// What the validation callback sees: weight quantizers folded into int8 initializers (the same
// values as Q -> DQ on the float weight, without quantizing every weight on every inference).
// The unfolded model stays the base that groups are reverted from.
ModelPtr Evaluable(const ModelPtr& model) {
  auto folded = std::make_shared<ir::Model>(*model);
  return q::FoldWeightQuantizers(*folded) > 0 ? ModelPtr(std::move(folded)) : model;
}

// The model accuracy control hands back: weights folded when the caller asked for it.
ir::Model Finish(const ir::Model& model, bool fold) {
  ir::Model result = model;
  if (fold) q::FoldWeightQuantizers(result);
  return result;
}

void SaveIntermediate(const ir::Model& model, const std::string& dir, const Context& context) {
  namespace fs = std::filesystem;
  std::error_code error;
  fs::create_directories(dir, error);
  if (error) {
    Fail(ErrorCode::kIo, "accuracy control: cannot create intermediate_model_dir '" + dir +
                             "': " + error.message());
  }
  // Written under a temporary name and renamed: a failure never leaves a partial model.
  const fs::path target = fs::path(dir) / "intermediate_model.onnx";
  const fs::path temporary = fs::path(dir) / ".intermediate_model.onnx.tmp";
  try {
    onnx::SaveOptions options;
    options.external_data_file = "intermediate_model.onnx.data";  // the name after the rename
    onnx::SaveModelFile(model, temporary.string(), options, context);
  } catch (...) {
    fs::remove(temporary, error);
    throw;
  }
  fs::rename(temporary, target, error);
  if (error) {
    fs::remove(temporary, error);
    Fail(ErrorCode::kIo, "accuracy control: cannot write '" + target.string() + "'");
  }
}

}  // namespace

void AccuracyControlParams::ApplyConfig(const config::Config& config) {
  const std::string s = "accuracy_control.";
  if (config.Has(s + "max_drop")) max_drop = config.GetNumber(s + "max_drop");
  if (config.Has(s + "drop_type")) {
    drop_type =
        config.GetString(s + "drop_type") == "relative" ? DropType::kRelative : DropType::kAbsolute;
  }
  const std::string a = s + "advanced.";
  if (config.Has(a + "max_num_iterations") && !config.IsNull(a + "max_num_iterations")) {
    max_num_iterations = config.GetInt(a + "max_num_iterations");
  }
  if (config.Has(a + "tune_hyperparams")) tune_hyperparams = config.GetBool(a + "tune_hyperparams");
  if (config.Has(a + "ranking_subset_size") && !config.IsNull(a + "ranking_subset_size")) {
    ranking_subset_size = config.GetInt(a + "ranking_subset_size");
  }
  if (config.Has(a + "intermediate_model_dir") && !config.IsNull(a + "intermediate_model_dir")) {
    intermediate_model_dir = config.GetString(a + "intermediate_model_dir");
  }
  if (config.Has(a + "restore_mode")) {
    restore_mode = config.GetString(a + "restore_mode") == "only_activations"
                       ? RestoreMode::kOnlyActivations
                       : RestoreMode::kActivationsAndWeights;
  }
}

const char* DropTypeName(DropType type) {
  return type == DropType::kAbsolute ? "absolute" : "relative";
}
const char* RestoreModeName(RestoreMode mode) {
  return mode == RestoreMode::kActivationsAndWeights ? "activations_and_weights"
                                                     : "only_activations";
}
const char* RankingModeName(RankingMode mode) {
  switch (mode) {
    case RankingMode::kAuto:
      return "auto";
    case RankingMode::kMetric:
      return "metric";
    case RankingMode::kOutputDifference:
      return "output_difference";
  }
  return "unknown";
}

ir::Model QuantizeWithAccuracyControl(const ir::Model& model, data::Dataset& calibration,
                                      data::Dataset& validation, const ValidationFn& validate,
                                      const AccuracyControlParams& params, const Context& context,
                                      AccuracyControlReport* report_out) {
  CheckParams(params);
  if (!validate) Fail(ErrorCode::kInvalidArgument, "accuracy control: no validation callback");
  AccuracyControlReport report;
  std::map<std::string, double> seconds;
  const bool fold = params.quantize.fold_weights;

  // 1. Quantize with weight quantizers kept as Q/DQ, so they can be reverted.
  q::QuantizeParams quantize_params = params.quantize;
  quantize_params.fold_weights = false;
  ModelPtr quantized;
  {
    PhaseClock clock(&seconds, "quantize");
    quantized = std::make_shared<const ir::Model>(
        q::Quantize(model, calibration, quantize_params, context, &report.quantize));
  }
  const ModelPtr initial = std::make_shared<const ir::Model>(model);
  Evaluator evaluator(validate, validation, params.ranking, quantize_params.num_threads, context);
  const std::vector<int64_t> all = evaluator.AllIndices();
  report.validation_items = static_cast<int64_t>(all.size());

  // 2. Initial and quantized metrics.
  ValidationResult initial_result, quantized_result;
  {
    PhaseClock clock(&seconds, "initial_validation");
    initial_result = evaluator.Validate(initial, all, "initial_validation");
  }
  {
    PhaseClock clock(&seconds, "quantized_validation");
    quantized_result = evaluator.Validate(Evaluable(quantized), all, "quantized_validation");
  }
  report.ranking_mode = RankingModeName(evaluator.mode());
  report.initial_metric = initial_result.metric;
  report.quantized_metric = quantized_result.metric;
  const auto drop_of = [&](double metric) {
    return CalculateDrop(report.initial_metric, metric, params.max_drop, params.drop_type);
  };
  Drop quantized_drop = drop_of(quantized_result.metric);
  report.quantized_drop = quantized_drop.value;

  // Per-item values are gathered only when ranking needs them (NNCF gathers them up front).
  std::optional<ItemValues> initial_values;
  auto reference_values = [&]() -> const ItemValues& {
    if (!initial_values) {
      PhaseClock clock(&seconds, "initial_validation");
      initial_values =
          evaluator.CollectItemValues(initial, initial_result.per_item, "initial_validation");
    }
    return *initial_values;
  };

  // The best model seen: the first meeting the target, else the smallest drop.
  ModelPtr best = quantized;
  double best_metric = quantized_result.metric;
  Drop best_drop = quantized_drop;
  int64_t best_reverted = 0;
  const q::QuantizeReport* base_report = &report.quantize;
  ModelPtr base = quantized;
  ValidationResult base_result = quantized_result;

  // 3. Hyperparameter tuning.
  q::QuantizeReport tuned_report;
  if (!best_drop.terminate && params.tune_hyperparams) {
    PhaseClock clock(&seconds, "tune_hyperparams");
    const ItemValues& reference = reference_values();
    const ItemValues quantized_values = evaluator.CollectItemValues(
        Evaluable(quantized), quantized_result.per_item, "tune_hyperparams");
    const std::vector<int64_t> subset =
        LargestErrorSubset(ItemErrors(reference, quantized_values), quantize_params.subset_size);
    const TunerScoreFn score = [&](const ModelPtr& unfolded) {
      const ModelPtr candidate = Evaluable(unfolded);
      if (evaluator.mode() == RankingMode::kOutputDifference) {
        const auto outputs = evaluator.RunOutputs(candidate, subset);
        double total = 0;
        for (size_t k = 0; k < subset.size(); ++k) {
          total += NormalizedMse(reference.outputs[static_cast<size_t>(subset[k])], outputs[k]);
        }
        return -total / double(subset.size());
      }
      return evaluator.Validate(candidate, subset, "tune_hyperparams").metric;
    };
    TunedQuantization start;
    start.model = quantized;
    start.report = report.quantize;
    start.params = quantize_params;
    start.score = score(quantized);
    TunedQuantization tuned = TuneHyperparameters(model, calibration, start, score, context);
    if (tuned.model != quantized) {
      const ValidationResult tuned_result =
          evaluator.Validate(tuned.model, all, "tune_hyperparams");
      const Drop tuned_drop = drop_of(tuned_result.metric);
      if (tuned_drop.terminate || tuned_drop.value < best_drop.value) {
        report.hyperparameters_tuned = true;
        tuned_report = std::move(tuned.report);
        base_report = &tuned_report;
        base = tuned.model;
        base_result = tuned_result;
        best = base;
        best_metric = tuned_result.metric;
        best_drop = tuned_drop;
      }
    }
  }

  // 4. The restorer.
  const int64_t max_iterations =
      params.max_num_iterations.value_or(std::numeric_limits<int64_t>::max());
  if (!best_drop.terminate && max_iterations > 0) {
    const std::vector<QuantizerGroup> groups = FindQuantizerGroups(*base->graph);
    report.num_groups = static_cast<int64_t>(groups.size());
    const int64_t ranking_size = params.ranking_subset_size.value_or(quantize_params.subset_size);
    auto build = [&](const std::vector<size_t>& reverted) {
      std::vector<const QuantizerGroup*> selected;
      for (size_t g : reverted) selected.push_back(&groups[g]);
      return std::make_shared<const ir::Model>(
          RevertGroups(*base, *initial, selected, params.restore_mode, base_report->bias_shifts));
    };
    // Groups in ascending score order: the last one is reverted next.
    auto rank = [&](std::vector<size_t> candidates, const std::vector<size_t>& reverted,
                    const ItemValues& approximate) {
      PhaseClock clock(&seconds, "ranking");
      const ItemValues& reference = reference_values();
      const std::vector<int64_t> subset =
          LargestErrorSubset(ItemErrors(reference, approximate), ranking_size);
      std::vector<double> scores;
      for (size_t k = 0; k < candidates.size(); ++k) {
        std::vector<size_t> trial = reverted;
        trial.push_back(candidates[k]);
        const ModelPtr candidate = Evaluable(build(trial));
        double value;
        if (evaluator.mode() == RankingMode::kOutputDifference) {
          // Lower output error ranks higher (NNCF pops the largest error here: a quirk).
          const auto outputs = evaluator.RunOutputs(candidate, subset);
          double total = 0;
          for (size_t i = 0; i < subset.size(); ++i) {
            total += NormalizedMse(reference.outputs[static_cast<size_t>(subset[i])], outputs[i]);
          }
          value = -total / double(subset.size());
        } else {
          value = evaluator.Validate(candidate, subset, "ranking").metric;
        }
        scores.push_back(value);
        context.Progress("accuracy_control: ranking", double(k + 1) / double(candidates.size()));
      }
      std::vector<size_t> order(candidates.size());
      std::iota(order.begin(), order.end(), 0);
      std::stable_sort(order.begin(), order.end(),
                       [&scores](size_t a, size_t b) { return scores[a] < scores[b]; });
      std::vector<size_t> ranked;
      for (size_t k : order) ranked.push_back(candidates[k]);
      return ranked;
    };

    std::optional<ItemValues> previous_values;
    {
      ItemValues base_values;
      {
        PhaseClock clock(&seconds, "quantized_validation");
        base_values = evaluator.CollectItemValues(Evaluable(base), base_result.per_item,
                                                  "quantized_validation");
      }
      previous_values = base_values;
    }
    std::vector<size_t> all_groups(groups.size());
    std::iota(all_groups.begin(), all_groups.end(), 0);
    std::vector<size_t> ranked = rank(all_groups, {}, *previous_values);
    std::vector<size_t> reverted;
    double previous_drop = best_drop.value;
    bool is_step_back = true;
    std::optional<ItemValues> current_values;

    for (int64_t iteration = 0; iteration < max_iterations && !ranked.empty(); ++iteration) {
      PhaseClock clock(&seconds, "revert_loop");
      const size_t group = ranked.back();
      ranked.pop_back();
      reverted.push_back(group);
      const ModelPtr current = build(reverted);
      const ValidationResult result = evaluator.Validate(Evaluable(current), all, "revert_loop");
      const Drop drop = drop_of(result.metric);

      RevertStep step;
      step.quantizers = groups[group].quantize_nodes;
      step.quantizers.insert(step.quantizers.end(), groups[group].dequantize_nodes.begin(),
                             groups[group].dequantize_nodes.end());
      step.operations = groups[group].operations;
      step.metric = result.metric;
      step.drop = drop.value;
      Log(LogLevel::kInfo, kComponent,
          "reverted " + std::to_string(step.operations.size()) + " operations to float; drop " +
              std::to_string(drop.value));

      if ((drop.terminate && !best_drop.terminate) ||
          (!best_drop.terminate && drop.value < best_drop.value)) {
        best = current;
        best_metric = result.metric;
        best_drop = drop;
        best_reverted = static_cast<int64_t>(reverted.size());
      }
      if (ranked.empty()) {
        report.all_groups_reverted = true;
        report.steps.push_back(step);
        break;
      }
      if (drop.terminate) {
        report.steps.push_back(step);
        break;
      }
      if (drop.value <= previous_drop || is_step_back) {
        is_step_back = false;
        previous_drop = drop.value;
        previous_values.reset();
        if (!result.per_item.empty()) {
          ItemValues values;
          values.metric = result.per_item;
          previous_values = values;
        }
        report.steps.push_back(step);
        continue;
      }
      // Worse after a kept step: undo it, put the group back and rank again from the model
      // before it.
      step.kept = false;
      report.steps.push_back(step);
      reverted.pop_back();
      ranked.push_back(group);
      is_step_back = true;
      previous_drop = drop.value;
      if (!previous_values) {
        PhaseClock ranking_clock(&seconds, "ranking");
        previous_values = evaluator.CollectItemValues(Evaluable(build(reverted)), {}, "ranking");
      }
      ranked = rank(ranked, reverted, *previous_values);
    }
    if (!best_drop.terminate && report.all_groups_reverted) {
      Log(LogLevel::kWarning, kComponent,
          "every quantizer group was reverted and the accuracy drop is still above max_drop");
    }
  }

  report.final_metric = best_metric;
  report.final_drop = best_drop.value;
  report.target_met = best_drop.terminate;
  report.reverted_groups = best_reverted;
  if (!report.target_met) {
    Log(LogLevel::kWarning, kComponent,
        "the accuracy drop target was not met: returning the model with the smallest drop (" +
            std::to_string(best_drop.value) + ")");
  }

  ir::Model result;
  {
    PhaseClock clock(&seconds, "fold_weights");
    result = Finish(*best, fold);
  }
  if (!params.intermediate_model_dir.empty()) {
    SaveIntermediate(*quantized, params.intermediate_model_dir, context);
  }
  for (const char* phase : {"quantize", "initial_validation", "quantized_validation",
                            "tune_hyperparams", "ranking", "revert_loop", "fold_weights"}) {
    auto it = seconds.find(phase);
    const int64_t calls =
        evaluator.calls_in(phase) +
        (std::string(phase) == "initial_validation" ? evaluator.calls_in("mode_detection") : 0);
    if (it == seconds.end() && calls == 0) continue;
    report.phases.push_back({phase, it == seconds.end() ? 0.0 : it->second, calls});
  }
  report.validation_calls = evaluator.calls();
  if (report.hyperparameters_tuned) report.quantize = tuned_report;
  if (report_out) *report_out = std::move(report);
  return result;
}

}  // namespace nncf::algorithms::accuracy_control
