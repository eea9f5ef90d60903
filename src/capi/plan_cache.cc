#include "capi/plan_cache.h"

#include "core/exec/executor.h"

namespace nncf::capi {

PlanCache::PlanCache() = default;
PlanCache::~PlanCache() = default;

std::unique_ptr<exec::Executor> PlanCache::Acquire(
    const Key& key, const std::function<std::unique_ptr<exec::Executor>()>& compile) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    // Most recently returned first: its kernels' caches are warm.
    for (size_t i = idle_.size(); i-- > 0;) {
      if (idle_[i].first == key) {
        std::unique_ptr<exec::Executor> executor = std::move(idle_[i].second);
        idle_.erase(idle_.begin() + static_cast<std::ptrdiff_t>(i));
        return executor;
      }
    }
  }
  return compile();
}

void PlanCache::Release(Key key, std::unique_ptr<exec::Executor> executor) {
  std::unique_ptr<exec::Executor> dropped;  // destroyed outside the lock
  std::lock_guard<std::mutex> lock(mutex_);
  if (idle_.size() >= kMaxIdle) {
    dropped = std::move(idle_.front().second);
    idle_.erase(idle_.begin());
  }
  idle_.emplace_back(std::move(key), std::move(executor));
}

}  // namespace nncf::capi
