// Compiled executors of one model handle, reused by nncf_model_infer across calls. Private to
// src/capi.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace nncf::exec {
class Executor;
}

namespace nncf::capi {

// Keyed by the model, the requested outputs, the thread count and the calling thread. An executor
// is lent to one call at a time and only to the thread that compiled it: a oneDNN primitive must
// not run on two threads at once, and with the library's default scratchpad policy it must not
// move between threads either. Concurrent calls compile their own plan, returned to the cache
// afterwards.
class PlanCache {
 public:
  struct Key {
    const void* model = nullptr;  // the ir::Model the plan was compiled from
    std::vector<std::string> outputs;
    int num_threads = 0;
    std::thread::id thread;
    bool operator==(const Key& other) const {
      return model == other.model && outputs == other.outputs && num_threads == other.num_threads &&
             thread == other.thread;
    }
  };

  // An idle cached executor for `key`, or the one `compile` builds (outside the lock, so a slow
  // compile does not block other calls; its errors propagate).
  std::unique_ptr<exec::Executor> Acquire(
      const Key& key, const std::function<std::unique_ptr<exec::Executor>()>& compile);
  // Hands an executor back for reuse; beyond the bound the oldest idle one is dropped.
  void Release(Key key, std::unique_ptr<exec::Executor> executor);

  PlanCache();
  ~PlanCache();
  PlanCache(const PlanCache&) = delete;
  PlanCache& operator=(const PlanCache&) = delete;

 private:
  // Enough for a few output sets and concurrent callers per model.
  static constexpr size_t kMaxIdle = 8;
  std::mutex mutex_;
  std::vector<std::pair<Key, std::unique_ptr<exec::Executor>>> idle_;
};

}  // namespace nncf::capi
