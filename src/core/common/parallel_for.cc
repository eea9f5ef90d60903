#include "core/common/parallel_for.h"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

#if defined(NNCF_PARALLEL_OPENMP)
#include <omp.h>
#endif

namespace nncf {
namespace {

// Set while a thread runs a chunk: a loop nested in a chunk runs inline (and the caller, which
// holds the pool, must not try to take it again).
thread_local bool in_chunk = false;

#if !defined(NNCF_PARALLEL_OPENMP)
// Workers sleep on a condition variable between loops (no spinning: the cores are shared with
// oneDNN's OpenMP team). One loop runs on the pool at a time; callers that find it busy run
// inline, which keeps nested and concurrent loops correct without queueing.
class ThreadPool {
 public:
  // Runs body over `parts` chunks of [0, n); returns false without running anything when the
  // pool is busy.
  bool TryRun(int parts, int64_t n, const std::function<void(int64_t, int64_t)>& body) {
    std::unique_lock<std::mutex> busy(busy_, std::try_to_lock);
    if (!busy.owns_lock()) return false;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      while (static_cast<int>(workers_.size()) < parts - 1) {
        const int id = static_cast<int>(workers_.size()) + 1;
        workers_.emplace_back([this, id] { WorkerLoop(id); });
        workers_.back().detach();
      }
      body_ = &body;
      n_ = n;
      parts_ = parts;
      pending_ = parts - 1;
      error_ = nullptr;
      ++generation_;
    }
    wake_.notify_all();
    RunChunk(0);
    std::unique_lock<std::mutex> lock(mutex_);
    done_.wait(lock, [this] { return pending_ == 0; });
    body_ = nullptr;
    if (error_) std::rethrow_exception(error_);
    return true;
  }

 private:
  void RunChunk(int part) {
    const int64_t begin = n_ * part / parts_;
    const int64_t end = n_ * (part + 1) / parts_;
    in_chunk = true;
    try {
      if (begin < end) (*body_)(begin, end);
    } catch (...) {
      in_chunk = false;
      std::lock_guard<std::mutex> lock(mutex_);
      if (!error_) error_ = std::current_exception();
    }
    in_chunk = false;
  }

  void WorkerLoop(int id) {
    uint64_t seen = 0;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      seen = generation_ - 1;  // created for the loop being started now
    }
    for (;;) {
      {
        std::unique_lock<std::mutex> lock(mutex_);
        wake_.wait(lock, [&] { return generation_ != seen; });
        seen = generation_;
        if (id >= parts_) continue;
      }
      RunChunk(id);
      std::lock_guard<std::mutex> lock(mutex_);
      if (--pending_ == 0) done_.notify_one();
    }
  }

  std::mutex busy_;
  std::mutex mutex_;
  std::condition_variable wake_, done_;
  std::vector<std::thread> workers_;
  const std::function<void(int64_t, int64_t)>* body_ = nullptr;
  int64_t n_ = 0;
  int parts_ = 0;
  int pending_ = 0;
  uint64_t generation_ = 0;
  std::exception_ptr error_;
};

ThreadPool& Pool() {
  // Never destroyed: detached workers may still be waiting on it at exit.
  static ThreadPool* pool = new ThreadPool;
  return *pool;
}
#endif

}  // namespace

#if defined(NNCF_PARALLEL_OPENMP)
// The loops run on the OpenMP team oneDNN uses (libgomp), so loop kernels and primitives share
// one set of threads instead of handing the cores back and forth between two pools. Same
// partition as the std::thread pool: chunk `part` of `parts` is [n*part/parts, n*(part+1)/parts).
std::atomic<bool> team_busy{false};

bool TryRunOnTeam(int parts, int64_t n, const std::function<void(int64_t, int64_t)>& body) {
  bool expected = false;
  if (!team_busy.compare_exchange_strong(expected, true)) return false;
  std::exception_ptr error;
  std::mutex error_mutex;
#pragma omp parallel num_threads(parts)
  {
    const int count = omp_get_num_threads();
    for (int part = omp_get_thread_num(); part < parts; part += count) {
      const int64_t begin = n * part / parts;
      const int64_t end = n * (part + 1) / parts;
      in_chunk = true;
      try {
        if (begin < end) body(begin, end);
      } catch (...) {
        std::lock_guard<std::mutex> lock(error_mutex);
        if (!error) error = std::current_exception();
      }
      in_chunk = false;
    }
  }
  team_busy = false;
  if (error) std::rethrow_exception(error);
  return true;
}
#endif

int ResolveNumThreads(int requested) {
  return requested > 0 ? requested
                       : std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
}

void ParallelFor(int num_threads, int64_t n, int64_t work_per_item,
                 const std::function<void(int64_t, int64_t)>& body) {
  if (n <= 0) return;
  const int64_t work = n * std::max<int64_t>(work_per_item, 1);
  int64_t parts = std::min<int64_t>(num_threads, n);
  parts = std::min<int64_t>(parts, work / (kParallelMinWork / 2));
  if (parts <= 1 || work < kParallelMinWork || in_chunk) {
    body(0, n);
    return;
  }
#if defined(NNCF_PARALLEL_OPENMP)
  const bool ran = TryRunOnTeam(static_cast<int>(parts), n, body);
#else
  const bool ran = Pool().TryRun(static_cast<int>(parts), n, body);
#endif
  if (!ran) body(0, n);
}

}  // namespace nncf
