// Data-free weight quantization throughput (QuantizeWeight) in bytes of input weight per second,
// against a plain memcpy of the same bytes with the same number of threads. Weights are
// LLM-shaped MatMul initializers [K, N] reduced along K (axis 0, as for ONNX MatMul), plus the
// transposed Gemm(transB=1) layout reduced along the contiguous axis 1 for INT4_ASYM.
//   build/bench/weight_compression_bench --benchmark_counters_tabular=true
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstring>
#include <map>
#include <memory>
#include <random>
#include <thread>
#include <tuple>
#include <vector>

#include "algorithms/weight_compression/weight_quantization.h"
#include "core/exec/uninitialized_tensor.h"
#include "core/ir/dtype.h"

namespace {

using nncf::algorithms::wc::QuantizeWeight;
using nncf::algorithms::wc::WeightMode;
namespace ir = nncf::ir;

// Cached weights: normally distributed values, like trained LLM weights.
const ir::Tensor& Weight(int64_t rows, int64_t cols, ir::DType dtype) {
  static std::map<std::tuple<int64_t, int64_t, int>, ir::Tensor> cache;
  const auto key = std::make_tuple(rows, cols, static_cast<int>(dtype));
  auto it = cache.find(key);
  if (it != cache.end()) return it->second;
  const int64_t numel = rows * cols;
  std::vector<uint8_t> bytes(ir::StorageBytes(dtype, numel));
  std::mt19937 rng(42);
  std::normal_distribution<float> normal(0.0f, 0.02f);
  for (int64_t i = 0; i < numel; ++i) {
    const float v = normal(rng);
    if (dtype == ir::DType::kFloat16) {
      const uint16_t h = ir::FloatToHalf(v);
      std::memcpy(bytes.data() + 2 * i, &h, 2);
    } else {
      std::memcpy(bytes.data() + 4 * i, &v, 4);
    }
  }
  return cache
      .emplace(key, ir::Tensor::FromBytes("w", dtype, {rows, cols}, bytes.data(), bytes.size()))
      .first->second;
}

ir::DType DTypeArg(int64_t arg) {
  return arg == 16 ? ir::DType::kFloat16 : ir::DType::kFloat;
}

// Args: rows, cols, float bits (16/32), threads, reduction axis.
void BM_Quantize(benchmark::State& state, WeightMode mode) {
  const ir::Tensor& w = Weight(state.range(0), state.range(1), DTypeArg(state.range(2)));
  const int threads = static_cast<int>(state.range(3));
  const int64_t axis = state.range(4);
  const int64_t group = mode == WeightMode::kE2M1                                       ? 32
                        : mode == WeightMode::kInt8Asym || mode == WeightMode::kInt8Sym ? -1
                                                                                        : 128;
  // As in the compress_weights pipeline, freed code buffers are reused by the next weight.
  const nncf::exec::ScopedBufferRecycling recycling(
      std::make_shared<nncf::exec::BufferRecycler>(size_t{256} << 20));
  for (auto _ : state) {
    auto q = QuantizeWeight(w, mode, axis, group, threads);
    benchmark::DoNotOptimize(q.codes.data());
  }
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(w.ByteSize()));
}

// The same bytes copied by `threads` threads, each its own contiguous slice.
void BM_Memcpy(benchmark::State& state) {
  const ir::Tensor& w = Weight(state.range(0), state.range(1), DTypeArg(state.range(2)));
  const int threads = static_cast<int>(state.range(3));
  const size_t size = w.ByteSize();
  std::vector<uint8_t> dst(size, 1);
  for (auto _ : state) {
    const size_t slice = (size + threads - 1) / threads;
    std::vector<std::thread> pool;
    for (int t = 1; t < threads; ++t) {
      const size_t begin = std::min(size, t * slice), end = std::min(size, begin + slice);
      pool.emplace_back(
          [&, begin, end] { std::memcpy(&dst[begin], w.bytes() + begin, end - begin); });
    }
    std::memcpy(dst.data(), w.bytes(), std::min(size, slice));
    for (auto& th : pool) th.join();
    benchmark::DoNotOptimize(dst.data());
    benchmark::ClobberMemory();
  }
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(size));
}

void Shapes(benchmark::internal::Benchmark* b, bool with_transposed) {
  for (int64_t bits : {16, 32}) {
    for (int64_t threads : {1, 2}) {
      b->Args({4096, 4096, bits, threads, 0});
      b->Args({11008, 4096, bits, threads, 0});
      if (with_transposed) b->Args({4096, 4096, bits, threads, 1});
    }
  }
  b->ArgNames({"rows", "cols", "fbits", "threads", "axis"})
      ->UseRealTime()
      ->Unit(benchmark::kMillisecond);
}

BENCHMARK(BM_Memcpy)->Apply([](benchmark::internal::Benchmark* b) { Shapes(b, false); });
BENCHMARK_CAPTURE(BM_Quantize, int4_sym, WeightMode::kInt4Sym)
    ->Apply([](benchmark::internal::Benchmark* b) { Shapes(b, false); });
BENCHMARK_CAPTURE(BM_Quantize, int4_asym, WeightMode::kInt4Asym)
    ->Apply([](benchmark::internal::Benchmark* b) { Shapes(b, true); });
BENCHMARK_CAPTURE(BM_Quantize, int8_asym, WeightMode::kInt8Asym)
    ->Apply([](benchmark::internal::Benchmark* b) { Shapes(b, false); });
BENCHMARK_CAPTURE(BM_Quantize, nf4, WeightMode::kNf4)->Apply([](benchmark::internal::Benchmark* b) {
  Shapes(b, false);
});
BENCHMARK_CAPTURE(BM_Quantize, e2m1, WeightMode::kE2M1)
    ->Apply([](benchmark::internal::Benchmark* b) { Shapes(b, false); });

}  // namespace

BENCHMARK_MAIN();
