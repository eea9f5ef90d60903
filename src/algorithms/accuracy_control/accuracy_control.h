// nncf.quantize_with_accuracy_control for ONNX models (ptq.md section 8): quantize without weight
// folding, validate the float and the quantized model, then revert groups of quantizers to float,
// best-ranked first, until the metric drop is within max_drop. Departures from NNCF, each fixing
// a quirk ptq.md lists: the best model seen is returned (not the last one evaluated),
// max_num_iterations = 0 returns the quantized model, ONLY_ACTIVATIONS works, and a reverted
// smoothed MatMul keeps its SmoothQuant-scaled float weight so the remaining Mul(1/s) stays exact.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "algorithms/quantization/quantize.h"
#include "algorithms/quantization/quantize_params.h"
#include "core/common/context.h"
#include "core/config/config.h"
#include "core/data/dataset.h"
#include "core/ir/model.h"

namespace nncf::algorithms::accuracy_control {

enum class DropType { kAbsolute, kRelative };
enum class RestoreMode { kActivationsAndWeights, kOnlyActivations };
// kAuto: NNCF's determine_mode: a probe call on one item; a ValidationFn that throws
// nncf::Error with kUnsupported there selects kOutputDifference, anything else kMetric.
enum class RankingMode { kAuto, kMetric, kOutputDifference };

const char* DropTypeName(DropType type);        // "absolute", "relative"
const char* RestoreModeName(RestoreMode mode);  // "activations_and_weights", "only_activations"
const char* RankingModeName(RankingMode mode);  // "auto", "metric", "output_difference"

struct ValidationResult {
  double metric = 0;  // higher is better
  // One value per evaluated item (higher is better), in the order of `indices`; empty = none.
  std::vector<double> per_item;
};

// Evaluates `model` on the validation items at `indices` (ascending indices into the validation
// dataset). Throws nncf::Error to fail (kCancelled stops the run as cancelled). A NaN or infinite
// metric, or a per_item of the wrong length, is reported by the caller as kCallback.
using ValidationFn = std::function<ValidationResult(std::shared_ptr<const ir::Model> model,
                                                    const std::vector<int64_t>& indices)>;

struct AccuracyControlParams {
  quantization::QuantizeParams quantize;  // fold_weights applies to the final model
  double max_drop = 0.01;
  DropType drop_type = DropType::kAbsolute;
  std::optional<int64_t> max_num_iterations;  // nullopt: no limit
  bool tune_hyperparams = false;
  std::optional<int64_t> ranking_subset_size;  // nullopt: quantize.subset_size
  RestoreMode restore_mode = RestoreMode::kActivationsAndWeights;
  RankingMode ranking = RankingMode::kAuto;
  std::string intermediate_model_dir;  // empty: none

  // Reads the config's "accuracy_control" section (max_drop, drop_type and the "advanced"
  // restorer keys, docs/config.md) over these values; num_ranking_workers is accepted and has
  // no effect (ranking validates on the calling thread, where callbacks must run).
  void ApplyConfig(const config::Config& config);
};

// One revert-loop iteration.
struct RevertStep {
  std::vector<std::string> quantizers;  // Q and DQ node names removed
  std::vector<std::string> operations;  // ops that became float
  double metric = 0;                    // full validation after the revert
  double drop = 0;
  bool kept = true;  // false: undone by the step-back rule
};

// Wall time and validation calls of one phase ("quantize", "initial_validation",
// "quantized_validation", "tune_hyperparams", "ranking", "revert_loop", "fold_weights").
struct PhaseRecord {
  std::string phase;
  double seconds = 0;
  int64_t validation_calls = 0;
};

struct AccuracyControlReport {
  double initial_metric = 0;
  double quantized_metric = 0;
  double quantized_drop = 0;
  double final_metric = 0;
  double final_drop = 0;
  bool target_met = false;
  bool all_groups_reverted = false;
  std::string ranking_mode;  // the mode actually used: "metric" or "output_difference"
  int64_t validation_items = 0;
  int64_t num_groups = 0;
  int64_t reverted_groups = 0;  // in the returned model
  int64_t validation_calls = 0;
  std::vector<RevertStep> steps;
  std::vector<PhaseRecord> phases;
  bool hyperparameters_tuned = false;  // the tuned model replaced the default one
  quantization::QuantizeReport quantize;
  // {"initial_metric","quantized_metric","quantized_drop","final_metric","final_drop",
  //  "max_drop","drop_type","target_met","all_groups_reverted","ranking_mode",
  //  "validation_items","num_groups","reverted_groups","validation_calls",
  //  "steps":[{"quantizers","operations","metric","drop","kept"}],
  //  "phases":[{"phase","seconds","validation_calls"}],"hyperparameters_tuned","quantize":{...}}
  std::string ToJson(const AccuracyControlParams& params) const;
};

// The input model is not modified. Returns the first model that meets max_drop or, when none
// does, the one with the smallest drop (report->target_met = false; not an error). Throws
// nncf::Error for bad parameters (naming them), dataset problems, a failing ValidationFn
// (kCallback naming the phase), a NaN metric (kCallback), and cancellation (from the context or
// the callbacks). Progress is reported per validation call under "accuracy_control".
ir::Model QuantizeWithAccuracyControl(const ir::Model& model, data::Dataset& calibration,
                                      data::Dataset& validation, const ValidationFn& validate,
                                      const AccuracyControlParams& params, const Context& context,
                                      AccuracyControlReport* report);

}  // namespace nncf::algorithms::accuracy_control
