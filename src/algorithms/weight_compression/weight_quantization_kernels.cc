#include "algorithms/weight_compression/weight_quantization_kernels.h"

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <cstring>
#include <limits>

#include "core/common/cpu_features.h"

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define NNCF_WC_X86 1
// GCC 12's AVX-512 intrinsics start from _mm512_undefined_*() values and trip its own
// (maybe-)uninitialized warnings once inlined into functions with a target attribute.
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif

namespace nncf::algorithms::wc::kernels {
namespace {

constexpr float kEps = 1.1920928955078125e-07f;  // float32 machine epsilon (NNCF's clamp)

// Code range of the integer modes.
float LevelLow(WeightMode mode) {
  if (IsAsymmetric(mode)) return 0.0f;
  return WeightModeBits(mode) == 8 ? -128.0f : -8.0f;
}
float LevelHigh(WeightMode mode) {
  if (IsAsymmetric(mode)) return WeightModeBits(mode) == 8 ? 255.0f : 15.0f;
  return WeightModeBits(mode) == 8 ? 127.0f : 7.0f;
}

float ClampEps(float scale) {
  return std::fabs(scale) < kEps ? kEps : scale;
}

// Smallest power of two >= s (s > 0, finite), as an e8m0 exponent clipped to [-127, 127].
float PowerOfTwoCeil(float s) {
  int exponent = 0;
  const float mantissa = std::frexp(s, &exponent);  // s = mantissa * 2^exponent, [0.5, 1)
  if (mantissa == 0.5f) --exponent;
  exponent = std::clamp(exponent, -127, 127);
  return std::ldexp(1.0f, exponent);
}

bool Use(CpuIsa isa) {
  return CpuIsaUsable(isa);
}

// ---- scalar versions: the reference semantics, and the tails of the vector loops ----

float LoadScalar(ir::DType dtype, const uint8_t* src, int64_t j) {
  switch (dtype) {
    case ir::DType::kFloat16: {
      uint16_t h;
      std::memcpy(&h, src + 2 * j, 2);
      return ir::HalfToFloat(h);
    }
    case ir::DType::kBFloat16: {
      uint16_t h;
      std::memcpy(&h, src + 2 * j, 2);
      return ir::BFloat16ToFloat(h);
    }
    case ir::DType::kDouble: {
      double d;
      std::memcpy(&d, src + 8 * j, 8);
      return static_cast<float>(d);
    }
    default: {
      float f;
      std::memcpy(&f, src + 4 * j, 4);
      return f;
    }
  }
}

void RowStatsScalar(ir::DType dtype, const uint8_t* src, int64_t begin, int64_t n, float* mn,
                    float* mx) {
  for (int64_t j = begin; j < n; ++j) {
    const float v = LoadScalar(dtype, src, j);
    mn[j] = std::min(mn[j], v);
    mx[j] = std::max(mx[j], v);
  }
}

bool QuantizeSpanScalar(WeightMode mode, const float* x, int64_t begin, int64_t n,
                        const float* scale, const float* zero, int64_t step, uint8_t* out) {
  bool has_nan = false;
  for (int64_t j = begin; j < n; ++j) {
    has_nan |= std::isnan(x[j]);
    out[j] = QuantizeOne(mode, x[j], scale[j * step], zero[j * step]);
  }
  return !has_nan;
}

#if NNCF_WC_X86
// ---- AVX2: eight lanes ----

__attribute__((target("avx2,f16c"))) inline __m256 Load8(ir::DType dtype, const uint8_t* src,
                                                         int64_t j) {
  if (dtype == ir::DType::kFloat16) {
    return _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(src + 2 * j)));
  }
  if (dtype == ir::DType::kBFloat16) {
    const __m128i h = _mm_loadu_si128(reinterpret_cast<const __m128i*>(src + 2 * j));
    return _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_cvtepu16_epi32(h), 16));
  }
  return _mm256_loadu_ps(reinterpret_cast<const float*>(src) + j);
}

bool VectorLoadable(ir::DType dtype) {
  return dtype == ir::DType::kFloat || dtype == ir::DType::kFloat16 ||
         dtype == ir::DType::kBFloat16;
}

__attribute__((target("avx2,f16c"))) int64_t RowStatsAvx2(ir::DType dtype, const uint8_t* src,
                                                          int64_t n, float* mn, float* mx) {
  int64_t j = 0;
  for (; j + 8 <= n; j += 8) {
    const __m256 v = Load8(dtype, src, j);
    _mm256_storeu_ps(mn + j, _mm256_min_ps(_mm256_loadu_ps(mn + j), v));
    _mm256_storeu_ps(mx + j, _mm256_max_ps(_mm256_loadu_ps(mx + j), v));
  }
  return j;
}

__attribute__((target("avx2,f16c"))) int64_t ConvertSpanStatsAvx2(ir::DType dtype,
                                                                  const uint8_t* src, int64_t n,
                                                                  float* dst, float* mn, float* mx,
                                                                  bool* bad) {
  const __m256 abs_mask = _mm256_castsi256_ps(_mm256_set1_epi32(0x7FFFFFFF));
  const __m256 max_finite = _mm256_set1_ps(FLT_MAX);
  __m256 vmn = _mm256_set1_ps(*mn), vmx = _mm256_set1_ps(*mx), flags = _mm256_setzero_ps();
  int64_t j = 0;
  for (; j + 8 <= n; j += 8) {
    const __m256 v = Load8(dtype, src, j);
    if (dst) _mm256_storeu_ps(dst + j, v);
    flags = _mm256_or_ps(flags, _mm256_cmp_ps(_mm256_and_ps(v, abs_mask), max_finite, _CMP_NLE_UQ));
    vmn = _mm256_min_ps(vmn, v);
    vmx = _mm256_max_ps(vmx, v);
  }
  float lanes_mn[8], lanes_mx[8];
  _mm256_storeu_ps(lanes_mn, vmn);
  _mm256_storeu_ps(lanes_mx, vmx);
  for (int k = 0; k < 8; ++k) {
    *mn = std::min(*mn, lanes_mn[k]);
    *mx = std::max(*mx, lanes_mx[k]);
  }
  if (_mm256_movemask_ps(flags) != 0) *bad = true;
  return j;
}

__attribute__((target("avx2,f16c"))) int64_t ConvertAvx2(ir::DType dtype, const uint8_t* src,
                                                         int64_t n, float* dst) {
  int64_t j = 0;
  for (; j + 8 <= n; j += 8) _mm256_storeu_ps(dst + j, Load8(dtype, src, j));
  return j;
}

// Eight int32 codes to eight bytes (values already within the int8 or uint8 range).
__attribute__((target("avx2"))) inline void StoreCodes8(__m256i q, bool is_unsigned, uint8_t* out) {
  const __m128i p16 = _mm_packs_epi32(_mm256_castsi256_si128(q), _mm256_extracti128_si256(q, 1));
  const __m128i p8 = is_unsigned ? _mm_packus_epi16(p16, p16) : _mm_packs_epi16(p16, p16);
  _mm_storel_epi64(reinterpret_cast<__m128i*>(out), p8);
}

__attribute__((target("avx2"))) inline __m256 LoadFlagNan8(const float* p, __m256* nan) {
  const __m256 v = _mm256_loadu_ps(p);
  *nan = _mm256_or_ps(*nan, _mm256_cmp_ps(v, v, _CMP_UNORD_Q));
  return v;
}

__attribute__((target("avx2"))) int64_t QuantizeSpanAvx2(WeightMode mode, const float* x, int64_t n,
                                                         const float* scale, const float* zero,
                                                         int64_t step, uint8_t* out,
                                                         bool* has_nan) {
  int64_t j = 0;
  // NaN inputs are flagged here, where the divider leaves the other ports idle.
  __m256 nan = _mm256_setzero_ps();
  const bool asym = IsAsymmetric(mode);
  const __m256 low = _mm256_set1_ps(LevelLow(mode)), high = _mm256_set1_ps(LevelHigh(mode));
  const __m256 scale0 = _mm256_set1_ps(scale[0]);
  const __m256 zero0 = _mm256_set1_ps(zero[0]);
  if (mode == WeightMode::kNf4) {
    __m256 mid[15];
    for (int k = 0; k < 15; ++k) mid[k] = _mm256_set1_ps(Nf4Midpoints()[k]);
    for (; j + 8 <= n; j += 8) {
      const __m256 s = step ? _mm256_loadu_ps(scale + j) : scale0;
      const __m256 v = _mm256_div_ps(LoadFlagNan8(x + j, &nan), s);
      __m256i index = _mm256_setzero_si256();
      for (int k = 0; k < 15; ++k) {
        index = _mm256_sub_epi32(index, _mm256_castps_si256(_mm256_cmp_ps(mid[k], v, _CMP_LT_OQ)));
      }
      StoreCodes8(index, true, out + j);
    }
    if (_mm256_movemask_ps(nan) != 0) *has_nan = true;
    return j;
  }
  if (mode == WeightMode::kE2M1) {
    const __m256 abs_mask = _mm256_castsi256_ps(_mm256_set1_epi32(0x7FFFFFFF));
    // Thresholds with the comparison that sends ties to the even mantissa.
    const float gt[4] = {0.25f, 1.25f, 2.5f, 5.0f};
    const float ge[3] = {0.75f, 1.75f, 3.5f};
    for (; j + 8 <= n; j += 8) {
      const __m256 inv = step ? _mm256_loadu_ps(zero + j) : zero0;
      const __m256 v = _mm256_mul_ps(LoadFlagNan8(x + j, &nan), inv);
      const __m256 a = _mm256_and_ps(v, abs_mask);
      __m256i m = _mm256_setzero_si256();
      for (float t : gt) {
        m = _mm256_sub_epi32(m,
                             _mm256_castps_si256(_mm256_cmp_ps(a, _mm256_set1_ps(t), _CMP_GT_OQ)));
      }
      for (float t : ge) {
        m = _mm256_sub_epi32(m,
                             _mm256_castps_si256(_mm256_cmp_ps(a, _mm256_set1_ps(t), _CMP_GE_OQ)));
      }
      const __m256i sign = _mm256_slli_epi32(_mm256_srli_epi32(_mm256_castps_si256(v), 31), 3);
      StoreCodes8(_mm256_or_si256(m, sign), true, out + j);
    }
    if (_mm256_movemask_ps(nan) != 0) *has_nan = true;
    return j;
  }
  for (; j + 8 <= n; j += 8) {
    const __m256 s = step ? _mm256_loadu_ps(scale + j) : scale0;
    __m256 v = _mm256_div_ps(LoadFlagNan8(x + j, &nan), s);
    if (asym) v = _mm256_add_ps(v, step ? _mm256_loadu_ps(zero + j) : zero0);
    v = _mm256_min_ps(_mm256_max_ps(v, low), high);
    v = _mm256_round_ps(v, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    StoreCodes8(_mm256_cvtps_epi32(v), asym, out + j);
  }
  if (_mm256_movemask_ps(nan) != 0) *has_nan = true;
  return j;
}

// ---- AVX-512: sixteen lanes ----

__attribute__((target("avx512f,f16c"))) inline __m512 Load16(ir::DType dtype, const uint8_t* src,
                                                             int64_t j) {
  if (dtype == ir::DType::kFloat16) {
    return _mm512_cvtph_ps(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(src + 2 * j)));
  }
  if (dtype == ir::DType::kBFloat16) {
    const __m256i h = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(src + 2 * j));
    return _mm512_castsi512_ps(_mm512_slli_epi32(_mm512_cvtepu16_epi32(h), 16));
  }
  return _mm512_loadu_ps(reinterpret_cast<const float*>(src) + j);
}

template <ir::DType kDType>
__attribute__((target("avx512f,f16c"))) inline __m512 LoadFlagNan16(const uint8_t* src, int64_t j,
                                                                    __mmask16* nan) {
  const __m512 v = Load16(kDType, src, j);
  *nan |= _mm512_cmp_ps_mask(v, v, _CMP_UNORD_Q);
  return v;
}

// Column min/max of a rows x cols block with row stride ld (elements): strips of 128 columns
// keep their 16 accumulators in registers while the rows stream past, so nothing but the source
// is loaded and nothing is stored until the strip ends.
template <ir::DType kDType>
__attribute__((target("avx512f,f16c"))) int64_t ColumnStatsAvx512(const uint8_t* src, int64_t rows,
                                                                  int64_t cols, int64_t ld,
                                                                  float* mn, float* mx) {
  constexpr int64_t kBytes = kDType == ir::DType::kFloat ? 4 : 2;
  constexpr int kStrip = 8;
  int64_t j = 0;
  for (; j + 16 * kStrip <= cols; j += 16 * kStrip) {
    __m512 lo[kStrip], hi[kStrip];
    for (int k = 0; k < kStrip; ++k) {
      lo[k] = _mm512_loadu_ps(mn + j + 16 * k);
      hi[k] = _mm512_loadu_ps(mx + j + 16 * k);
    }
    for (int64_t r = 0; r < rows; ++r) {
      const uint8_t* row = src + (r * ld + j) * kBytes;
      for (int k = 0; k < kStrip; ++k) {
        const __m512 v = Load16(kDType, row, 16 * k);
        lo[k] = _mm512_min_ps(lo[k], v);
        hi[k] = _mm512_max_ps(hi[k], v);
      }
    }
    for (int k = 0; k < kStrip; ++k) {
      _mm512_storeu_ps(mn + j + 16 * k, lo[k]);
      _mm512_storeu_ps(mx + j + 16 * k, hi[k]);
    }
  }
  for (; j + 16 <= cols; j += 16) {
    __m512 lo = _mm512_loadu_ps(mn + j), hi = _mm512_loadu_ps(mx + j);
    for (int64_t r = 0; r < rows; ++r) {
      const __m512 v = Load16(kDType, src + (r * ld + j) * kBytes, 0);
      lo = _mm512_min_ps(lo, v);
      hi = _mm512_max_ps(hi, v);
    }
    _mm512_storeu_ps(mn + j, lo);
    _mm512_storeu_ps(mx + j, hi);
  }
  return j;
}

template <ir::DType kDType>
__attribute__((target("avx512f,f16c"))) int64_t ConvertSpanStatsAvx512(const uint8_t* src,
                                                                       int64_t n, float* dst,
                                                                       float* mn, float* mx,
                                                                       bool* bad) {
  const __m512 max_finite = _mm512_set1_ps(FLT_MAX);
  __m512 vmn = _mm512_set1_ps(*mn), vmx = _mm512_set1_ps(*mx);
  __mmask16 flags = 0;
  int64_t j = 0;
  for (; j + 16 <= n; j += 16) {
    const __m512 v = Load16(kDType, src, j);
    if (dst) _mm512_storeu_ps(dst + j, v);
    flags |= _mm512_cmp_ps_mask(_mm512_abs_ps(v), max_finite, _CMP_NLE_UQ);
    vmn = _mm512_min_ps(vmn, v);
    vmx = _mm512_max_ps(vmx, v);
  }
  *mn = std::min(*mn, _mm512_reduce_min_ps(vmn));
  *mx = std::max(*mx, _mm512_reduce_max_ps(vmx));
  if (flags != 0) *bad = true;
  return j;
}

__attribute__((target("avx512f"))) inline __m512 ClampEps16(__m512 s) {
  const __m512 eps = _mm512_set1_ps(kEps);
  return _mm512_mask_blend_ps(_mm512_cmp_ps_mask(_mm512_abs_ps(s), eps, _CMP_LT_OQ), s, eps);
}

__attribute__((target("avx512f"))) int64_t GroupParamsAvx512(WeightMode mode, const float* mn,
                                                             const float* mx, int64_t n,
                                                             float* scale, float* zero) {
  int64_t j = 0;
  const __m512 high = _mm512_set1_ps(LevelHigh(mode));
  const __m512 zeros = _mm512_setzero_ps();
  switch (mode) {
    case WeightMode::kInt8Asym:
    case WeightMode::kInt4Asym:
      for (; j + 16 <= n; j += 16) {
        const __m512 lo = _mm512_loadu_ps(mn + j), hi = _mm512_loadu_ps(mx + j);
        const __m512 s = ClampEps16(_mm512_div_ps(_mm512_sub_ps(hi, lo), high));
        const __m512 r = _mm512_roundscale_ps(_mm512_div_ps(lo, s),
                                              _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
        const __m512 zp = _mm512_sub_ps(zeros, r);
        _mm512_storeu_ps(scale + j, s);
        _mm512_storeu_ps(zero + j, _mm512_min_ps(_mm512_max_ps(zp, zeros), high));
      }
      return j;
    case WeightMode::kInt8Sym:
    case WeightMode::kInt4Sym: {
      const __m512 levels = _mm512_set1_ps(-LevelLow(mode));
      for (; j + 16 <= n; j += 16) {
        const __m512 abs_min = _mm512_abs_ps(_mm512_loadu_ps(mn + j));
        const __m512 hi = _mm512_loadu_ps(mx + j);
        // abs_min >= max ? abs_min : -max (the largest magnitude maps to the low level).
        const __m512 pre = _mm512_mask_blend_ps(_mm512_cmp_ps_mask(abs_min, hi, _CMP_GE_OQ),
                                                _mm512_sub_ps(zeros, hi), abs_min);
        _mm512_storeu_ps(scale + j, ClampEps16(_mm512_div_ps(pre, levels)));
        _mm512_storeu_ps(zero + j, zeros);
      }
      return j;
    }
    case WeightMode::kNf4:
      for (; j + 16 <= n; j += 16) {
        const __m512 a = _mm512_max_ps(_mm512_abs_ps(_mm512_loadu_ps(mn + j)),
                                       _mm512_abs_ps(_mm512_loadu_ps(mx + j)));
        _mm512_storeu_ps(scale + j, ClampEps16(a));
        _mm512_storeu_ps(zero + j, zeros);
      }
      return j;
    case WeightMode::kE2M1:
      return 0;  // frexp-based power of two: scalar
  }
  return 0;
}

template <ir::DType kDType>
__attribute__((target("avx512f,f16c"))) int64_t QuantizeRowAvx512(WeightMode mode,
                                                                  const uint8_t* src, int64_t n,
                                                                  const float* scale,
                                                                  const float* zero, int64_t step,
                                                                  uint8_t* out, bool* has_nan) {
  int64_t j = 0;
  // NaN inputs are flagged here, where the divider leaves the other ports idle.
  __mmask16 nan = 0;
  const __m512 scale0 = _mm512_set1_ps(scale[0]);
  const __m512 zero0 = _mm512_set1_ps(zero[0]);
  const __m512i one = _mm512_set1_epi32(1);
  if (mode == WeightMode::kNf4) {
    __m512 mid[15];
    for (int k = 0; k < 15; ++k) mid[k] = _mm512_set1_ps(Nf4Midpoints()[k]);
    for (; j + 16 <= n; j += 16) {
      const __m512 s = step ? _mm512_loadu_ps(scale + j) : scale0;
      const __m512 v = _mm512_div_ps(LoadFlagNan16<kDType>(src, j, &nan), s);
      __m512i index = _mm512_setzero_si512();
      for (int k = 0; k < 15; ++k) {
        index = _mm512_mask_add_epi32(index, _mm512_cmp_ps_mask(mid[k], v, _CMP_LT_OQ), index, one);
      }
      _mm_storeu_si128(reinterpret_cast<__m128i*>(out + j), _mm512_cvtepi32_epi8(index));
    }
    if (nan != 0) *has_nan = true;
    return j;
  }
  if (mode == WeightMode::kE2M1) {
    // Thresholds with the comparison that sends ties to the even mantissa.
    const float gt[4] = {0.25f, 1.25f, 2.5f, 5.0f};
    const float ge[3] = {0.75f, 1.75f, 3.5f};
    for (; j + 16 <= n; j += 16) {
      const __m512 inv = step ? _mm512_loadu_ps(zero + j) : zero0;
      const __m512 v = _mm512_mul_ps(LoadFlagNan16<kDType>(src, j, &nan), inv);
      const __m512 a = _mm512_abs_ps(v);
      __m512i m = _mm512_setzero_si512();
      for (float t : gt) {
        m = _mm512_mask_add_epi32(m, _mm512_cmp_ps_mask(a, _mm512_set1_ps(t), _CMP_GT_OQ), m, one);
      }
      for (float t : ge) {
        m = _mm512_mask_add_epi32(m, _mm512_cmp_ps_mask(a, _mm512_set1_ps(t), _CMP_GE_OQ), m, one);
      }
      const __m512i sign = _mm512_slli_epi32(_mm512_srli_epi32(_mm512_castps_si512(v), 31), 3);
      _mm_storeu_si128(reinterpret_cast<__m128i*>(out + j),
                       _mm512_cvtepi32_epi8(_mm512_or_si512(m, sign)));
    }
    if (nan != 0) *has_nan = true;
    return j;
  }
  const bool asym = IsAsymmetric(mode);
  const __m512 low = _mm512_set1_ps(LevelLow(mode)), high = _mm512_set1_ps(LevelHigh(mode));
  for (; j + 16 <= n; j += 16) {
    const __m512 s = step ? _mm512_loadu_ps(scale + j) : scale0;
    __m512 v = _mm512_div_ps(LoadFlagNan16<kDType>(src, j, &nan), s);
    if (asym) v = _mm512_add_ps(v, step ? _mm512_loadu_ps(zero + j) : zero0);
    v = _mm512_min_ps(_mm512_max_ps(v, low), high);
    // Clamping first keeps the conversion in range; the bounds are integers, so it commutes
    // with rounding half to even.
    const __m512i q = _mm512_cvt_roundps_epi32(v, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    const __m128i bytes = asym ? _mm512_cvtusepi32_epi8(q) : _mm512_cvtsepi32_epi8(q);
    _mm_storeu_si128(reinterpret_cast<__m128i*>(out + j), bytes);
  }
  if (nan != 0) *has_nan = true;
  return j;
}

int64_t QuantizeRowAvx512Any(WeightMode mode, ir::DType dtype, const uint8_t* src, int64_t n,
                             const float* scale, const float* zero, int64_t step, uint8_t* out,
                             bool* has_nan) {
  switch (dtype) {
    case ir::DType::kFloat16:
      return QuantizeRowAvx512<ir::DType::kFloat16>(mode, src, n, scale, zero, step, out, has_nan);
    case ir::DType::kBFloat16:
      return QuantizeRowAvx512<ir::DType::kBFloat16>(mode, src, n, scale, zero, step, out, has_nan);
    case ir::DType::kFloat:
      return QuantizeRowAvx512<ir::DType::kFloat>(mode, src, n, scale, zero, step, out, has_nan);
    default:
      return 0;
  }
}

int64_t ColumnStatsAvx512Any(ir::DType dtype, const uint8_t* src, int64_t rows, int64_t cols,
                             int64_t ld, float* mn, float* mx) {
  switch (dtype) {
    case ir::DType::kFloat16:
      return ColumnStatsAvx512<ir::DType::kFloat16>(src, rows, cols, ld, mn, mx);
    case ir::DType::kBFloat16:
      return ColumnStatsAvx512<ir::DType::kBFloat16>(src, rows, cols, ld, mn, mx);
    case ir::DType::kFloat:
      return ColumnStatsAvx512<ir::DType::kFloat>(src, rows, cols, ld, mn, mx);
    default:
      return 0;
  }
}

int64_t ConvertSpanStatsAvx512Any(ir::DType dtype, const uint8_t* src, int64_t n, float* dst,
                                  float* mn, float* mx, bool* bad) {
  switch (dtype) {
    case ir::DType::kFloat16:
      return ConvertSpanStatsAvx512<ir::DType::kFloat16>(src, n, dst, mn, mx, bad);
    case ir::DType::kBFloat16:
      return ConvertSpanStatsAvx512<ir::DType::kBFloat16>(src, n, dst, mn, mx, bad);
    case ir::DType::kFloat:
      return ConvertSpanStatsAvx512<ir::DType::kFloat>(src, n, dst, mn, mx, bad);
    default:
      return 0;
  }
}
#endif

}  // namespace

void ColumnStats(ir::DType dtype, const uint8_t* src, int64_t rows, int64_t cols, int64_t ld,
                 float* mn, float* mx) {
  int64_t done = 0;
#if NNCF_WC_X86
  if (VectorLoadable(dtype) && Use(CpuIsa::kAvx512)) {
    done = ColumnStatsAvx512Any(dtype, src, rows, cols, ld, mn, mx);
  }
#endif
  const size_t element_bytes = ir::DTypeBits(dtype) / 8;
  for (int64_t r = 0; r < rows && done < cols; ++r) {
    const uint8_t* row = src + r * ld * element_bytes;
    int64_t j = done;
#if NNCF_WC_X86
    if (VectorLoadable(dtype) && Use(CpuIsa::kAvx2) && !Use(CpuIsa::kAvx512)) {
      j = RowStatsAvx2(dtype, row, cols, mn, mx);
    }
#endif
    RowStatsScalar(dtype, row, j, cols, mn, mx);
  }
}

bool ConvertSpanStats(ir::DType dtype, const uint8_t* src, int64_t n, float* dst, float* mn,
                      float* mx) {
  *mn = std::numeric_limits<float>::infinity();
  *mx = -std::numeric_limits<float>::infinity();
  bool bad = false;
  int64_t done = 0;
#if NNCF_WC_X86
  if (VectorLoadable(dtype)) {
    if (Use(CpuIsa::kAvx512)) {
      done = ConvertSpanStatsAvx512Any(dtype, src, n, dst, mn, mx, &bad);
    } else if (Use(CpuIsa::kAvx2)) {
      done = ConvertSpanStatsAvx2(dtype, src, n, dst, mn, mx, &bad);
    }
  }
#endif
  for (int64_t j = done; j < n; ++j) {
    const float v = LoadScalar(dtype, src, j);
    if (dst) dst[j] = v;
    bad |= !(std::fabs(v) <= FLT_MAX);
    *mn = std::min(*mn, v);
    *mx = std::max(*mx, v);
  }
  return !bad;
}

void Convert(ir::DType dtype, const uint8_t* src, int64_t n, float* dst) {
  int64_t j = 0;
#if NNCF_WC_X86
  if (VectorLoadable(dtype) && Use(CpuIsa::kAvx2)) j = ConvertAvx2(dtype, src, n, dst);
#endif
  for (; j < n; ++j) dst[j] = LoadScalar(dtype, src, j);
}

bool AllFinite(const float* mn, const float* mx, int64_t n) {
  bool finite = true;
  for (int64_t j = 0; j < n; ++j)
    finite &= std::fabs(mn[j]) <= FLT_MAX && std::fabs(mx[j]) <= FLT_MAX;
  return finite;
}

void GroupParams(WeightMode mode, float min_value, float max_value, float* scale, float* zero) {
  *zero = 0.0f;
  switch (mode) {
    case WeightMode::kInt8Asym:
    case WeightMode::kInt4Asym: {
      const float high = LevelHigh(mode);
      const float s = ClampEps((max_value - min_value) / high);
      // zp = clip(0 - round(min / s), 0, high); clipped in float, see docs/weight_compression.md.
      const float zp = 0.0f - std::nearbyint(min_value / s);
      *scale = s;
      *zero = std::min(std::max(zp, 0.0f), high);
      return;
    }
    case WeightMode::kInt8Sym:
    case WeightMode::kInt4Sym: {
      // NNCF's signed scale: the largest-magnitude element maps to the low level exactly.
      const float abs_min = std::fabs(min_value);
      const float pre = abs_min >= max_value ? abs_min : -max_value;
      *scale = ClampEps(pre / -LevelLow(mode));
      return;
    }
    case WeightMode::kNf4:
      *scale = ClampEps(std::max(std::fabs(min_value), std::fabs(max_value)));
      return;
    case WeightMode::kE2M1:
      *scale =
          PowerOfTwoCeil(ClampEps(std::max(std::fabs(min_value), std::fabs(max_value)) / 6.0f));
      // The exact reciprocal of a power of two: multiplying by it equals dividing by the scale.
      *zero = 1.0f / *scale;
      return;
  }
}

void GroupParamsSpan(WeightMode mode, const float* mn, const float* mx, int64_t n, float* scale,
                     float* zero) {
  int64_t done = 0;
#if NNCF_WC_X86
  if (Use(CpuIsa::kAvx512)) done = GroupParamsAvx512(mode, mn, mx, n, scale, zero);
#endif
  for (int64_t j = done; j < n; ++j) GroupParams(mode, mn[j], mx[j], &scale[j], &zero[j]);
}

void PrefetchToL2(const uint8_t* p, int64_t bytes) {
  for (int64_t offset = 0; offset < bytes; offset += 64) __builtin_prefetch(p + offset, 0, 2);
}

uint8_t QuantizeOne(WeightMode mode, float x, float scale, float zero) {
  switch (mode) {
    case WeightMode::kNf4: {
      const float n = x / scale;
      const float* mid = Nf4Midpoints();
      int index = 0;
      for (int k = 0; k < 15; ++k) index += mid[k] < n ? 1 : 0;
      return static_cast<uint8_t>(index);
    }
    case WeightMode::kE2M1: {
      // Nearest of {0, .5, 1, 1.5, 2, 3, 4, 6}, ties to the even mantissa, saturating at 6.
      const float n = x * zero;
      const float a = std::fabs(n);
      const int magnitude = (a > 0.25f) + (a >= 0.75f) + (a > 1.25f) + (a >= 1.75f) + (a > 2.5f) +
                            (a >= 3.5f) + (a > 5.0f);
      return static_cast<uint8_t>((std::signbit(n) ? 8 : 0) | magnitude);
    }
    default: {
      float v = x / scale;
      if (IsAsymmetric(mode)) v += zero;
      // round and clip commute for integer bounds; clipping first keeps the int conversion safe.
      v = std::min(std::max(v, LevelLow(mode)), LevelHigh(mode));
      // Signed codes keep their two's complement bit pattern.
      return static_cast<uint8_t>(static_cast<int>(std::nearbyint(v)));
    }
  }
}

bool QuantizeSpan(WeightMode mode, const float* x, int64_t n, const float* scale, const float* zero,
                  int64_t step, uint8_t* out) {
  bool has_nan = false;
  int64_t done = 0;
#if NNCF_WC_X86
  if (Use(CpuIsa::kAvx512)) {
    done = QuantizeRowAvx512<ir::DType::kFloat>(mode, reinterpret_cast<const uint8_t*>(x), n, scale,
                                                zero, step, out, &has_nan);
  } else if (Use(CpuIsa::kAvx2)) {
    done = QuantizeSpanAvx2(mode, x, n, scale, zero, step, out, &has_nan);
  }
#endif
  return QuantizeSpanScalar(mode, x, done, n, scale, zero, step, out) && !has_nan;
}

bool QuantizeRow(WeightMode mode, ir::DType dtype, const uint8_t* src, int64_t n,
                 const float* scale, const float* zero, int64_t step, uint8_t* out) {
  if (dtype == ir::DType::kFloat) {
    return QuantizeSpan(mode, reinterpret_cast<const float*>(src), n, scale, zero, step, out);
  }
  bool has_nan = false;
  int64_t done = 0;
#if NNCF_WC_X86
  if (Use(CpuIsa::kAvx512)) {
    done = QuantizeRowAvx512Any(mode, dtype, src, n, scale, zero, step, out, &has_nan);
  }
#endif
  // Otherwise through a float chunk that stays in L1.
  constexpr int64_t kChunk = 256;
  float chunk[kChunk];
  const size_t element_bytes = ir::DTypeBits(dtype) / 8;
  bool ok = !has_nan;
  for (int64_t j = done; j < n; j += kChunk) {
    const int64_t m = std::min(kChunk, n - j);
    Convert(dtype, src + j * element_bytes, m, chunk);
    ok &= QuantizeSpan(mode, chunk, m, scale + j * step, zero + j * step, step, out + j);
  }
  return ok;
}

}  // namespace nncf::algorithms::wc::kernels
