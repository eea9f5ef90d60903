#include "algorithms/accuracy_control/evaluator.h"

#include <cmath>
#include <utility>

#include "core/common/error.h"
#include "core/exec/executor.h"

namespace nncf::algorithms::accuracy_control {

Evaluator::Evaluator(const ValidationFn& validate, data::Dataset& validation, RankingMode mode,
                     int num_threads, const Context& context)
    : validate_(validate),
      validation_(validation),
      mode_(mode),
      num_threads_(num_threads),
      context_(context) {}

int64_t Evaluator::size() {
  if (size_ >= 0) return size_;
  size_ = validation_.Length();
  if (size_ < 0) {
    // Unknown length: read until the dataset reports its end, as NNCF counts the items seen.
    int64_t count = 0;
    for (;; ++count) {
      try {
        validation_.GetItem(count);
      } catch (const Error& error) {
        if (error.code() == ErrorCode::kNotFound) break;
        throw;
      }
    }
    size_ = count;
  }
  if (size_ == 0) {
    Fail(ErrorCode::kInvalidArgument, "accuracy control: the validation dataset is empty");
  }
  return size_;
}

std::vector<int64_t> Evaluator::AllIndices() {
  std::vector<int64_t> indices(static_cast<size_t>(size()));
  for (size_t i = 0; i < indices.size(); ++i) indices[i] = static_cast<int64_t>(i);
  return indices;
}

int64_t Evaluator::calls_in(const std::string& phase) const {
  for (const auto& entry : phase_calls_) {
    if (entry.first == phase) return entry.second;
  }
  return 0;
}

ValidationResult Evaluator::Call(const std::shared_ptr<const ir::Model>& model,
                                 const std::vector<int64_t>& indices, const std::string& phase) {
  context_.Progress("accuracy_control: " + phase, 0.0);
  ++calls_;
  bool found = false;
  for (auto& entry : phase_calls_) {
    if (entry.first == phase) {
      ++entry.second;
      found = true;
    }
  }
  if (!found) phase_calls_.emplace_back(phase, 1);
  ValidationResult result;
  try {
    result = validate_(model, indices);
  } catch (const Error& error) {
    if (error.code() == ErrorCode::kCancelled || error.code() == ErrorCode::kCallback) throw;
    // The probe's "cannot score one item" answer is a mode switch, not a failure.
    if (error.code() == ErrorCode::kUnsupported && phase == "mode_detection") throw;
    Fail(ErrorCode::kCallback,
         "accuracy control: the validation callback failed during " + phase + ": " + error.what());
  }
  if (!std::isfinite(result.metric)) {
    Fail(ErrorCode::kCallback, "accuracy control: the validation callback returned a metric of " +
                                   std::to_string(result.metric) + " during " + phase +
                                   " (it must be a finite number)");
  }
  if (!result.per_item.empty() && result.per_item.size() != indices.size()) {
    Fail(ErrorCode::kCallback, "accuracy control: the validation callback returned " +
                                   std::to_string(result.per_item.size()) +
                                   " per-item values for " + std::to_string(indices.size()) +
                                   " items during " + phase);
  }
  for (double value : result.per_item) {
    if (!std::isfinite(value)) {
      Fail(ErrorCode::kCallback,
           "accuracy control: the validation callback returned a per-item "
           "value that is not finite during " +
               phase);
    }
  }
  return result;
}

void Evaluator::DetectMode(const std::shared_ptr<const ir::Model>& model) {
  // NNCF's determine_mode: a one-item call; a callback that cannot score a single item selects
  // ranking by output difference.
  try {
    Call(model, {0}, "mode_detection");
    mode_ = RankingMode::kMetric;
  } catch (const Error& error) {
    if (error.code() != ErrorCode::kUnsupported) throw;
    mode_ = RankingMode::kOutputDifference;
  }
}

ValidationResult Evaluator::Validate(const std::shared_ptr<const ir::Model>& model,
                                     const std::vector<int64_t>& indices,
                                     const std::string& phase) {
  if (mode_ == RankingMode::kAuto) DetectMode(model);
  return Call(model, indices, phase);
}

std::vector<std::vector<std::vector<float>>> Evaluator::RunOutputs(
    const std::shared_ptr<const ir::Model>& model, const std::vector<int64_t>& indices) {
  exec::ExecutorOptions options;
  options.num_threads = num_threads_;
  exec::Executor executor(model, options);
  std::vector<std::vector<std::vector<float>>> outputs;
  outputs.reserve(indices.size());
  for (int64_t index : indices) {
    context_.Progress("accuracy_control: outputs", 0.0);
    const data::Sample item = validation_.GetItem(index);
    exec::NamedTensors feeds;
    for (const ir::Tensor& tensor : item.tensors()) feeds.emplace_back(tensor.name, tensor);
    std::vector<std::vector<float>> values;
    for (const auto& output : executor.Run(feeds)) values.push_back(output.second.ToFloats());
    outputs.push_back(std::move(values));
  }
  return outputs;
}

ItemValues Evaluator::CollectItemValues(const std::shared_ptr<const ir::Model>& model,
                                        const std::vector<double>& given,
                                        const std::string& phase) {
  ItemValues values;
  if (mode_ == RankingMode::kOutputDifference) {
    values.outputs = RunOutputs(model, AllIndices());
    return values;
  }
  if (!given.empty()) {
    values.metric = given;
    return values;
  }
  for (int64_t index : AllIndices()) {
    values.metric.push_back(Call(model, {index}, phase).metric);
  }
  return values;
}

double NormalizedMse(const std::vector<std::vector<float>>& reference,
                     const std::vector<std::vector<float>>& approximate) {
  if (reference.empty()) return 0;
  double total = 0;
  for (size_t o = 0; o < reference.size() && o < approximate.size(); ++o) {
    double error = 0, norm = 0;
    const std::vector<float>& r = reference[o];
    const std::vector<float>& a = approximate[o];
    for (size_t i = 0; i < r.size() && i < a.size(); ++i) {
      const double d = double(r[i]) - double(a[i]);
      error += d * d;
      norm += double(r[i]) * double(r[i]);
    }
    total += norm > 0 ? error / norm : (error > 0 ? error : 0);
  }
  return total / double(reference.size());
}

}  // namespace nncf::algorithms::accuracy_control
