#include "algorithms/quantization/float_reductions.h"

#include <algorithm>
#include <limits>

#include "core/common/cpu_features.h"

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define NNCF_STATS_X86 1
// GCC 12's AVX-512 intrinsics start from _mm512_undefined_*() values and trip its own
// (maybe-)uninitialized warnings once inlined into functions with a target attribute.
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif

namespace nncf::algorithms::quantization {
namespace {

double CombineLanes(const double* lane) {
  return ((lane[0] + lane[1]) + (lane[2] + lane[3])) + ((lane[4] + lane[5]) + (lane[6] + lane[7]));
}

#if NNCF_STATS_X86

__attribute__((target("avx512f"))) void LanesAvx512(const float* x, int64_t n8, double* lane) {
  __m512d acc = _mm512_setzero_pd();
  for (int64_t i = 0; i < n8; i += 8)
    acc = _mm512_add_pd(acc, _mm512_cvtps_pd(_mm256_loadu_ps(x + i)));
  _mm512_storeu_pd(lane, acc);
}

__attribute__((target("avx2"))) void LanesAvx2(const float* x, int64_t n8, double* lane) {
  __m256d lo = _mm256_setzero_pd(), hi = _mm256_setzero_pd();
  for (int64_t i = 0; i < n8; i += 8) {
    lo = _mm256_add_pd(lo, _mm256_cvtps_pd(_mm_loadu_ps(x + i)));
    hi = _mm256_add_pd(hi, _mm256_cvtps_pd(_mm_loadu_ps(x + i + 4)));
  }
  _mm256_storeu_pd(lane, lo);
  _mm256_storeu_pd(lane + 4, hi);
}

// Columns [begin, end) with end - begin a multiple of 8; each column in row order.
__attribute__((target("avx512f"))) void ColumnsAvx512(const float* rows, int64_t n_rows,
                                                      int64_t stride, int64_t end, double* out) {
  int64_t c = 0;
  for (; c + 32 <= end; c += 32) {
    __m512d a0 = _mm512_setzero_pd(), a1 = a0, a2 = a0, a3 = a0;
    for (int64_t r = 0; r < n_rows; ++r) {
      const float* row = rows + r * stride + c;
      a0 = _mm512_add_pd(a0, _mm512_cvtps_pd(_mm256_loadu_ps(row)));
      a1 = _mm512_add_pd(a1, _mm512_cvtps_pd(_mm256_loadu_ps(row + 8)));
      a2 = _mm512_add_pd(a2, _mm512_cvtps_pd(_mm256_loadu_ps(row + 16)));
      a3 = _mm512_add_pd(a3, _mm512_cvtps_pd(_mm256_loadu_ps(row + 24)));
    }
    _mm512_storeu_pd(out + c, a0);
    _mm512_storeu_pd(out + c + 8, a1);
    _mm512_storeu_pd(out + c + 16, a2);
    _mm512_storeu_pd(out + c + 24, a3);
  }
  for (; c + 8 <= end; c += 8) {
    __m512d a = _mm512_setzero_pd();
    for (int64_t r = 0; r < n_rows; ++r) {
      a = _mm512_add_pd(a, _mm512_cvtps_pd(_mm256_loadu_ps(rows + r * stride + c)));
    }
    _mm512_storeu_pd(out + c, a);
  }
}

__attribute__((target("avx512f"))) FloatExtremes ExtremesAvx512(const float* x, int64_t n,
                                                                int64_t* done) {
  // minps/maxps return the second operand when the first is NaN: a NaN never replaces the
  // running extremes and is caught by the unordered compare instead.
  __m512 mn0 = _mm512_set1_ps(std::numeric_limits<float>::infinity()), mn1 = mn0;
  __m512 mx0 = _mm512_set1_ps(-std::numeric_limits<float>::infinity()), mx1 = mx0;
  __mmask16 nan = 0;
  int64_t i = 0;
  for (; i + 32 <= n; i += 32) {
    const __m512 a = _mm512_loadu_ps(x + i), b = _mm512_loadu_ps(x + i + 16);
    mn0 = _mm512_min_ps(a, mn0);
    mx0 = _mm512_max_ps(a, mx0);
    mn1 = _mm512_min_ps(b, mn1);
    mx1 = _mm512_max_ps(b, mx1);
    nan |= _mm512_cmp_ps_mask(a, a, _CMP_UNORD_Q) | _mm512_cmp_ps_mask(b, b, _CMP_UNORD_Q);
  }
  *done = i;
  return {_mm512_reduce_min_ps(_mm512_min_ps(mn0, mn1)),
          _mm512_reduce_max_ps(_mm512_max_ps(mx0, mx1)), nan != 0};
}
#endif

}  // namespace

double SumAsDouble(const float* x, int64_t n) {
  const int64_t n8 = n - n % 8;
  double lane[8] = {0, 0, 0, 0, 0, 0, 0, 0};
#if NNCF_STATS_X86
  if (CpuIsaUsable(CpuIsa::kAvx512)) {
    LanesAvx512(x, n8, lane);
  } else if (CpuIsaUsable(CpuIsa::kAvx2)) {
    LanesAvx2(x, n8, lane);
  } else
#endif
  {
    for (int64_t i = 0; i < n8; i += 8) {
      for (int l = 0; l < 8; ++l) lane[l] += static_cast<double>(x[i + l]);
    }
  }
  double sum = CombineLanes(lane);
  for (int64_t i = n8; i < n; ++i) sum += static_cast<double>(x[i]);
  return sum;
}

void ColumnSumsAsDouble(const float* rows, int64_t n_rows, int64_t cols, int64_t stride,
                        double* out) {
  int64_t c = 0;
#if NNCF_STATS_X86
  if (CpuIsaUsable(CpuIsa::kAvx512)) {
    c = cols - cols % 8;
    ColumnsAvx512(rows, n_rows, stride, c, out);
  }
#endif
  for (int64_t j = c; j < cols; ++j) out[j] = 0.0;
  for (int64_t r = 0; r < n_rows && c < cols; ++r) {
    const float* row = rows + r * stride;
    for (int64_t j = c; j < cols; ++j) out[j] += static_cast<double>(row[j]);
  }
}

FloatExtremes ExtremesOf(const float* x, int64_t n) {
  FloatExtremes e;
  e.min = std::numeric_limits<float>::infinity();
  e.max = -std::numeric_limits<float>::infinity();
  int64_t i = 0;
#if NNCF_STATS_X86
  if (CpuIsaUsable(CpuIsa::kAvx512)) {
    e = ExtremesAvx512(x, n, &i);
  } else if (n >= 8) {
    // SSE2, two packets per step, the same NaN rule.
    __m128 mn0 = _mm_set1_ps(e.min), mn1 = mn0, mx0 = _mm_set1_ps(e.max), mx1 = mx0;
    __m128 nan = _mm_setzero_ps();
    for (; i + 8 <= n; i += 8) {
      const __m128 a = _mm_loadu_ps(x + i), b = _mm_loadu_ps(x + i + 4);
      mn0 = _mm_min_ps(a, mn0);
      mx0 = _mm_max_ps(a, mx0);
      mn1 = _mm_min_ps(b, mn1);
      mx1 = _mm_max_ps(b, mx1);
      nan = _mm_or_ps(nan, _mm_or_ps(_mm_cmpunord_ps(a, a), _mm_cmpunord_ps(b, b)));
    }
    alignas(16) float lanes_min[4], lanes_max[4];
    _mm_store_ps(lanes_min, _mm_min_ps(mn0, mn1));
    _mm_store_ps(lanes_max, _mm_max_ps(mx0, mx1));
    for (int k = 0; k < 4; ++k) {
      e.min = std::min(e.min, lanes_min[k]);
      e.max = std::max(e.max, lanes_max[k]);
    }
    e.nan = _mm_movemask_ps(nan) != 0;
  }
#endif
  for (; i < n; ++i) {
    const float v = x[i];
    if (v != v) {
      e.nan = true;
      continue;
    }
    e.min = std::min(e.min, v);
    e.max = std::max(e.max, v);
  }
  return e;
}

}  // namespace nncf::algorithms::quantization
