// Runs a model (or a cut of it) on the CPU. Compiling builds a plan once: the nodes needed for
// the requested outputs in topological order, a kernel object per node, and for every value the
// step after which its buffer can be released. Running is thread-safe: one Executor may run on
// several threads at once (kernels guard their own caches).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "core/ir/model.h"
#include "core/ir/tensor.h"

namespace nncf::exec {

class BufferRecycler;  // uninitialized_tensor.h

struct ExecutorOptions {
  // 0 = as many threads as the machine has cores.
  int num_threads = 0;
  // The cut: values treated as inputs (fed by the caller). Empty = the graph's real inputs.
  std::vector<std::string> inputs;
  // Values to return. Empty = the graph outputs.
  std::vector<std::string> outputs;
  // Values an observer will watch. Fusion never folds them into the inside of a fused step, so
  // watching them does not cost the fused plan (they may still be stored channels-last, see
  // ValueObserver::AcceptsChannelsLast); they are released after their last reader as usual.
  // Unknown names are ignored.
  std::vector<std::string> observed;
  // Free value storage kept between and within runs for reuse (BufferRecycler); 0: none.
  size_t recycled_bytes = size_t{256} << 20;
};

// Watches values as they are produced, without forcing the executor to keep them.
class ValueObserver {
 public:
  virtual ~ValueObserver() = default;
  virtual bool Wants(const std::string& value_name) const = 0;
  // Called on the running thread right after the value is computed (or fed).
  virtual void Observe(const std::string& value_name, const ir::Tensor& value) = 0;
  // Observers that can read a float value stored channels-last (dims stay logical, [N, C, ...],
  // elements are laid out [N, ..., C]) return true, and then get such values through
  // ObserveChannelsLast instead of making the executor give up its fused plan.
  virtual bool AcceptsChannelsLast() const { return false; }
  virtual void ObserveChannelsLast(const std::string& value_name, const ir::Tensor& value) {
    (void)value_name;
    (void)value;
  }
};

using NamedTensors = std::vector<std::pair<std::string, ir::Tensor>>;

class Executor {
 public:
  // The model must outlive the executor. Fails with kUnsupported naming the first node without a
  // kernel (or with an unsupported attribute), kInvalidArgument for unknown cut/output names.
  Executor(std::shared_ptr<const ir::Model> model, ExecutorOptions options);
  ~Executor();
  Executor(const Executor&) = delete;
  Executor& operator=(const Executor&) = delete;

  const std::vector<std::string>& input_names() const;
  const std::vector<std::string>& output_names() const;

  // feeds must name every input of the cut (extra names that are not inputs are ignored, so a
  // dataset item with labels can be passed as is); checks dtype and rank against the declared
  // types. Returns the requested outputs in order.
  NamedTensors Run(const NamedTensors& feeds, ValueObserver* observer = nullptr) const;

 private:
  struct Plan;
  std::shared_ptr<const ir::Model> model_;
  std::unique_ptr<Plan> plan_;
  std::shared_ptr<BufferRecycler> recycler_;
};

}  // namespace nncf::exec
