// Accuracy control's view of validation (NNCF's Evaluator): calls the user's ValidationFn, counts
// the calls per phase, checks what comes back, detects the ranking mode, and produces the
// per-item values ranking needs: metric per item (from the callback, or one-item calls), or the
// model outputs per item on our executor (output-difference mode).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "algorithms/accuracy_control/accuracy_control.h"
#include "core/common/context.h"
#include "core/data/dataset.h"
#include "core/ir/model.h"

namespace nncf::algorithms::accuracy_control {

// Per-item values of one model: metric values (metric mode) or flattened outputs per item.
struct ItemValues {
  std::vector<double> metric;
  std::vector<std::vector<std::vector<float>>> outputs;  // [item][output][element]
  bool empty() const { return metric.empty() && outputs.empty(); }
};

class Evaluator {
 public:
  Evaluator(const ValidationFn& validate, data::Dataset& validation, RankingMode mode,
            int num_threads, const Context& context);

  // Number of validation items (counted by reading items when the dataset does not know it).
  int64_t size();
  std::vector<int64_t> AllIndices();
  // "metric" or "output_difference" once known (after the first Validate in kAuto).
  RankingMode mode() const { return mode_; }

  // Full validation of `model` on `indices`. The first call in kAuto mode probes one item.
  ValidationResult Validate(const std::shared_ptr<const ir::Model>& model,
                            const std::vector<int64_t>& indices, const std::string& phase);
  // Per-item values on every validation item; `given` are per-item metrics the full validation
  // returned (used as they are in metric mode).
  ItemValues CollectItemValues(const std::shared_ptr<const ir::Model>& model,
                               const std::vector<double>& given, const std::string& phase);
  // Outputs per item on our executor for `indices`.
  std::vector<std::vector<std::vector<float>>> RunOutputs(
      const std::shared_ptr<const ir::Model>& model, const std::vector<int64_t>& indices);

  // Calls made so far (all phases) and calls made in the named phase.
  int64_t calls() const { return calls_; }
  int64_t calls_in(const std::string& phase) const;

 private:
  ValidationResult Call(const std::shared_ptr<const ir::Model>& model,
                        const std::vector<int64_t>& indices, const std::string& phase);
  void DetectMode(const std::shared_ptr<const ir::Model>& model);

  const ValidationFn& validate_;
  data::Dataset& validation_;
  RankingMode mode_;
  int num_threads_;
  const Context& context_;
  int64_t size_ = -1;
  int64_t calls_ = 0;
  std::vector<std::pair<std::string, int64_t>> phase_calls_;
};

// Normalized MSE of one item: mean over outputs of |ref - approx|^2 / |ref|^2 (0 when both are
// zero).
double NormalizedMse(const std::vector<std::vector<float>>& reference,
                     const std::vector<std::vector<float>>& approximate);

}  // namespace nncf::algorithms::accuracy_control
