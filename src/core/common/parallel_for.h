// A deterministic parallel loop over a persistent pool of std::thread workers. The range is cut
// into contiguous chunks, one per thread, so each index is handled by exactly one thread and a
// body whose per-index arithmetic does not depend on its chunk gives the same bytes for any
// thread count.
#pragma once

#include <cstdint>
#include <functional>

namespace nncf {

// Below this much work (items x work_per_item) a loop runs inline on the caller: waking workers
// costs more than it saves.
inline constexpr int64_t kParallelMinWork = 32768;

// The thread count a requested one stands for: itself when positive, every core for 0 (or any
// non-positive value, the library's "all cores").
int ResolveNumThreads(int requested);

// Calls body(begin, end) over disjoint contiguous chunks covering [0, n), at most num_threads of
// them running at once (the caller runs one). Runs inline when num_threads <= 1, when
// n * work_per_item < kParallelMinWork, or when the pool is already busy (a nested loop or another
// thread's loop). An exception thrown by the body is rethrown on the caller after all chunks end.
void ParallelFor(int num_threads, int64_t n, int64_t work_per_item,
                 const std::function<void(int64_t, int64_t)>& body);

}  // namespace nncf
