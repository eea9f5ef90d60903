#include "core/common/parallel_for.h"

#include <gtest/gtest.h>

#include <atomic>
#include <cmath>
#include <cstdint>
#include <stdexcept>
#include <thread>
#include <vector>

#include "core/exec/tensor_util.h"
#include "core/exec/uninitialized_tensor.h"

namespace nncf {
namespace {

// Every index is visited exactly once, for any thread count and size around the threshold.
TEST(ParallelForTest, CoversEachIndexOnce) {
  for (int threads : {1, 2, 3, 8}) {
    for (int64_t n : {int64_t{0}, int64_t{1}, int64_t{7}, kParallelMinWork - 1, kParallelMinWork,
                      3 * kParallelMinWork + 5}) {
      std::vector<std::atomic<int>> hits(static_cast<size_t>(n));
      ParallelFor(threads, n, 1, [&](int64_t begin, int64_t end) {
        ASSERT_LE(0, begin);
        ASSERT_LE(begin, end);
        ASSERT_LE(end, n);
        for (int64_t i = begin; i < end; ++i) hits[static_cast<size_t>(i)]++;
      });
      for (int64_t i = 0; i < n; ++i) {
        ASSERT_EQ(hits[static_cast<size_t>(i)].load(), 1) << "n=" << n << " threads=" << threads;
      }
    }
  }
}

// Chunks are contiguous and ordered, so per-element results match the serial loop bit for bit.
TEST(ParallelForTest, SameBytesForAnyThreadCount) {
  const int64_t n = 200000;
  std::vector<float> serial(n), parallel(n);
  auto fill = [&](std::vector<float>& out, int threads) {
    ParallelFor(threads, n, 1, [&](int64_t begin, int64_t end) {
      for (int64_t i = begin; i < end; ++i) out[i] = std::erf(static_cast<float>(i) * 1e-4f);
    });
  };
  fill(serial, 1);
  for (int threads : {2, 3, 4}) {
    fill(parallel, threads);
    EXPECT_EQ(serial, parallel) << threads << " threads";
  }
}

TEST(ParallelForTest, UsesSeveralThreadsForLargeRanges) {
  std::vector<std::thread::id> ids(4);
  ParallelFor(4, 4, kParallelMinWork, [&](int64_t begin, int64_t end) {
    for (int64_t i = begin; i < end; ++i) ids[i] = std::this_thread::get_id();
  });
  EXPECT_EQ(ids[0], std::this_thread::get_id());
  EXPECT_NE(ids[3], std::this_thread::get_id());
}

TEST(ParallelForTest, RethrowsBodyErrorsOnCaller) {
  EXPECT_THROW(ParallelFor(2, 1 << 20, 1,
                           [](int64_t begin, int64_t) {
                             if (begin > 0) throw std::runtime_error("chunk failed");
                           }),
               std::runtime_error);
  // The pool stays usable afterwards.
  std::atomic<int64_t> sum{0};
  ParallelFor(2, 1 << 20, 1, [&](int64_t begin, int64_t end) { sum += end - begin; });
  EXPECT_EQ(sum.load(), int64_t{1} << 20);
}

// Nested loops and loops started from several threads at once run (inline when the pool is busy).
TEST(ParallelForTest, NestedAndConcurrentLoops) {
  std::vector<std::thread> callers;
  std::vector<int64_t> totals(4, 0);
  for (int t = 0; t < 4; ++t) {
    callers.emplace_back([&, t] {
      std::atomic<int64_t> total{0};
      ParallelFor(2, 64, kParallelMinWork, [&](int64_t begin, int64_t end) {
        for (int64_t i = begin; i < end; ++i) {
          ParallelFor(2, kParallelMinWork, 1, [&](int64_t b, int64_t e) { total += e - b; });
        }
      });
      totals[t] = total.load();
    });
  }
  for (std::thread& caller : callers) caller.join();
  for (int64_t total : totals) EXPECT_EQ(total, 64 * kParallelMinWork);
}

TEST(UninitializedTensorTest, OwnedWritableStorage) {
  ir::Tensor t = exec::NewTensorUninitialized(ir::DType::kFloat, {2, 3});
  EXPECT_EQ(t.ByteSize(), 24u);
  float* p = exec::MutableData<float>(t);
  for (int i = 0; i < 6; ++i) p[i] = static_cast<float>(i);
  EXPECT_EQ(t.DataAs<float>()[5], 5.0f);
  // Sub-byte types are zero-filled so the padding nibble is deterministic.
  ir::Tensor packed = exec::NewTensorUninitialized(ir::DType::kInt4, {3});
  EXPECT_EQ(packed.ByteSize(), 2u);
  EXPECT_EQ(packed.bytes()[1], 0);
  ir::Tensor empty = exec::NewTensorUninitialized(ir::DType::kFloat, {0, 4});
  EXPECT_EQ(empty.ByteSize(), 0u);
}

}  // namespace
}  // namespace nncf
