// tune_hyperparams (ptq.md 8.5): NNCF's greedy coordinate search over quantization parameters,
// scored by the validation metric on the items the default quantization hurts most.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "algorithms/quantization/quantize.h"
#include "core/common/context.h"
#include "core/data/dataset.h"
#include "core/ir/model.h"

namespace nncf::algorithms::accuracy_control {

struct TunedQuantization {
  std::shared_ptr<const ir::Model> model;  // unfolded, as accuracy control works on it
  quantization::QuantizeReport report;
  quantization::QuantizeParams params;
  double score = 0;
  int64_t combinations = 0;  // quantizations tried
};

// Scores a candidate model (higher is better).
using TunerScoreFn = std::function<double(const std::shared_ptr<const ir::Model>& model)>;

// The grid, step by step: SmoothQuant alpha for transformers {0.15, 0.25, 0.5, 0.75, 0.95};
// then propagation rule {MERGE_IF_ALL_BRANCHES_SAME}, preset {PERFORMANCE, MIXED}, weight range
// {MIN/MAX}, activation range min x max in {MIN, QUANTILE/MEAN 1e-3, QUANTILE/MEAN 1e-4} x
// {MAX, QUANTILE/MEAN 1e-3, QUANTILE/MEAN 1e-4}, fast_bias_correction {true, false}. Each
// parameter tries its values with the earlier ones fixed at their best; a value replaces the
// best only when it scores strictly higher. `start` is the default quantization with its score.
// Each candidate is quantized from scratch (its own calibration pass): NNCF shares one
// statistics pass per step, which changes the time, not the result.
TunedQuantization TuneHyperparameters(const ir::Model& model, data::Dataset& calibration,
                                      TunedQuantization start, const TunerScoreFn& score,
                                      const Context& context);

}  // namespace nncf::algorithms::accuracy_control
