// Weight quantization with NNCF's formulas (weight_lowering.py), bit for bit: float32 maths, true
// division by the scale (never a reciprocal multiply), round-half-to-even, the float32-epsilon
// clamp of the scale. Work is split into independent tiles (one group of rows times a block of
// output channels), so the result does not depend on the number of threads.
#include "algorithms/weight_compression/weight_quantization.h"

#include <algorithm>
#include <atomic>
#include <cfloat>
#include <cmath>
#include <cstring>
#include <exception>
#include <limits>
#include <sstream>
#include <thread>
#include <vector>

#include "core/common/error.h"

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define NNCF_WC_X86 1
#endif

namespace nncf::algorithms::wc {
namespace {

constexpr float kEps = 1.1920928955078125e-07f;  // float32 machine epsilon (NNCF's clamp)

// Where the elements of one weight live: [outer, channels, inner] around the reduction axis.
struct Layout {
  int64_t outer = 1;
  int64_t channels = 1;
  int64_t inner = 1;
  int64_t group_size = 1;
  int64_t groups = 1;
};

std::string ShapeText(const std::vector<int64_t>& dims) {
  std::ostringstream out;
  out << '[';
  for (size_t i = 0; i < dims.size(); ++i) out << (i ? "," : "") << dims[i];
  out << ']';
  return out.str();
}

std::string TensorLabel(const ir::Tensor& weight) {
  return "weight '" + weight.name + "' " + ShapeText(weight.dims);
}

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

// Scale (and zero point, as an integer-valued float) of one group from its min and max.
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

// ---- scalar kernels (reference semantics; the AVX2 ones below compute the same operations) ----

// `zero` is the zero point (asymmetric modes) or the reciprocal of the scale (E2M1).
uint8_t QuantizeOne(WeightMode mode, float x, float scale, float zero, float low, float high) {
  const float n = mode == WeightMode::kE2M1 ? x * zero : x / scale;
  switch (mode) {
    case WeightMode::kNf4: {
      const float* mid = Nf4Midpoints();
      int index = 0;
      for (int k = 0; k < 15; ++k) index += mid[k] < n ? 1 : 0;
      return static_cast<uint8_t>(index);
    }
    case WeightMode::kE2M1: {
      // Nearest of {0, .5, 1, 1.5, 2, 3, 4, 6}, ties to the even mantissa, saturating at 6.
      const float a = std::fabs(n);
      const int magnitude = (a > 0.25f) + (a >= 0.75f) + (a > 1.25f) + (a >= 1.75f) + (a > 2.5f) +
                            (a >= 3.5f) + (a > 5.0f);
      return static_cast<uint8_t>((std::signbit(n) ? 8 : 0) | magnitude);
    }
    default: {
      float v = IsAsymmetric(mode) ? n + zero : n;
      // round and clip commute for integer bounds; clipping first keeps the int conversion safe.
      v = std::min(std::max(v, low), high);
      // Signed codes keep their two's complement bit pattern.
      return static_cast<uint8_t>(static_cast<int>(std::nearbyint(v)));
    }
  }
}

void QuantizeSpanScalar(WeightMode mode, const float* x, int64_t begin, int64_t n,
                        const float* scale, const float* zero, int64_t step, uint8_t* out) {
  const float low = LevelLow(mode), high = LevelHigh(mode);
  for (int64_t j = begin; j < n; ++j) {
    if (IsAsymmetric(mode)) {
      float v = x[j] / scale[j * step] + zero[j * step];
      v = std::min(std::max(v, low), high);
      out[j] = static_cast<uint8_t>(static_cast<int>(std::nearbyint(v)));
    } else {
      out[j] = QuantizeOne(mode, x[j], scale[j * step], zero[j * step], low, high);
    }
  }
}

// Running min/max per column over `rows` rows; returns false on a NaN or infinity.
bool ColumnStatsScalar(const float* x, int64_t rows, int64_t cols, int64_t ld, int64_t begin,
                       float* mn, float* mx) {
  bool finite = true;
  for (int64_t r = 0; r < rows; ++r) {
    const float* row = x + r * ld;
    for (int64_t j = begin; j < cols; ++j) {
      const float v = row[j];
      finite &= std::fabs(v) <= FLT_MAX;
      mn[j] = std::min(mn[j], v);
      mx[j] = std::max(mx[j], v);
    }
  }
  return finite;
}

void ConvertScalar(ir::DType dtype, const uint8_t* src, int64_t begin, int64_t n, float* dst) {
  switch (dtype) {
    case ir::DType::kFloat16: {
      const uint16_t* s = reinterpret_cast<const uint16_t*>(src);
      for (int64_t j = begin; j < n; ++j) dst[j] = ir::HalfToFloat(s[j]);
      break;
    }
    case ir::DType::kBFloat16: {
      const uint16_t* s = reinterpret_cast<const uint16_t*>(src);
      for (int64_t j = begin; j < n; ++j) dst[j] = ir::BFloat16ToFloat(s[j]);
      break;
    }
    case ir::DType::kDouble: {
      const double* s = reinterpret_cast<const double*>(src);
      for (int64_t j = begin; j < n; ++j) dst[j] = static_cast<float>(s[j]);
      break;
    }
    default: {
      const float* s = reinterpret_cast<const float*>(src);
      for (int64_t j = begin; j < n; ++j) dst[j] = s[j];
      break;
    }
  }
}

#if NNCF_WC_X86
// ---- AVX2 kernels: the same IEEE operations eight lanes at a time ----

bool HasAvx2() {
  static const bool has = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("f16c");
  return has;
}

__attribute__((target("avx2,f16c"))) int64_t ConvertAvx2(ir::DType dtype, const uint8_t* src,
                                                         int64_t n, float* dst) {
  int64_t j = 0;
  if (dtype == ir::DType::kFloat16) {
    for (; j + 8 <= n; j += 8) {
      const __m128i h = _mm_loadu_si128(reinterpret_cast<const __m128i*>(src + 2 * j));
      _mm256_storeu_ps(dst + j, _mm256_cvtph_ps(h));
    }
  } else if (dtype == ir::DType::kBFloat16) {
    for (; j + 8 <= n; j += 8) {
      const __m128i h = _mm_loadu_si128(reinterpret_cast<const __m128i*>(src + 2 * j));
      _mm256_storeu_ps(dst + j,
                       _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_cvtepu16_epi32(h), 16)));
    }
  }
  return j;
}

__attribute__((target("avx2"))) int64_t ColumnStatsAvx2(const float* x, int64_t rows, int64_t cols,
                                                        int64_t ld, float* mn, float* mx,
                                                        bool* finite) {
  const __m256 abs_mask = _mm256_castsi256_ps(_mm256_set1_epi32(0x7FFFFFFF));
  const __m256 max_finite = _mm256_set1_ps(FLT_MAX);
  __m256 bad = _mm256_setzero_ps();
  int64_t j = 0;
  for (; j + 8 <= cols; j += 8) {
    __m256 vmn = _mm256_loadu_ps(mn + j), vmx = _mm256_loadu_ps(mx + j);
    for (int64_t r = 0; r < rows; ++r) {
      const __m256 v = _mm256_loadu_ps(x + r * ld + j);
      bad = _mm256_or_ps(bad, _mm256_cmp_ps(_mm256_and_ps(v, abs_mask), max_finite, _CMP_NLE_UQ));
      vmn = _mm256_min_ps(vmn, v);
      vmx = _mm256_max_ps(vmx, v);
    }
    _mm256_storeu_ps(mn + j, vmn);
    _mm256_storeu_ps(mx + j, vmx);
  }
  if (_mm256_movemask_ps(bad) != 0) *finite = false;
  return j;
}

// Eight int32 codes to eight bytes (values already within the int8 or uint8 range).
__attribute__((target("avx2"))) inline void StoreCodes(__m256i q, bool is_unsigned, uint8_t* out) {
  const __m128i p16 = _mm_packs_epi32(_mm256_castsi256_si128(q), _mm256_extracti128_si256(q, 1));
  const __m128i p8 = is_unsigned ? _mm_packus_epi16(p16, p16) : _mm_packs_epi16(p16, p16);
  _mm_storel_epi64(reinterpret_cast<__m128i*>(out), p8);
}

__attribute__((target("avx2"))) int64_t QuantizeSpanAvx2(WeightMode mode, const float* x, int64_t n,
                                                         const float* scale, const float* zero,
                                                         int64_t step, uint8_t* out) {
  int64_t j = 0;
  const bool asym = IsAsymmetric(mode);
  const __m256 low = _mm256_set1_ps(LevelLow(mode)), high = _mm256_set1_ps(LevelHigh(mode));
  const __m256 scale0 = _mm256_set1_ps(scale[0]);
  const __m256 zero0 = _mm256_set1_ps(zero[0]);
  if (mode == WeightMode::kNf4) {
    __m256 mid[15];
    for (int k = 0; k < 15; ++k) mid[k] = _mm256_set1_ps(Nf4Midpoints()[k]);
    for (; j + 8 <= n; j += 8) {
      const __m256 s = step ? _mm256_loadu_ps(scale + j) : scale0;
      const __m256 v = _mm256_div_ps(_mm256_loadu_ps(x + j), s);
      __m256i index = _mm256_setzero_si256();
      for (int k = 0; k < 15; ++k) {
        index = _mm256_sub_epi32(index, _mm256_castps_si256(_mm256_cmp_ps(mid[k], v, _CMP_LT_OQ)));
      }
      StoreCodes(index, true, out + j);
    }
    return j;
  }
  if (mode == WeightMode::kE2M1) {
    const __m256 abs_mask = _mm256_castsi256_ps(_mm256_set1_epi32(0x7FFFFFFF));
    // Thresholds with the comparison that sends ties to the even mantissa.
    const float gt[4] = {0.25f, 1.25f, 2.5f, 5.0f};
    const float ge[3] = {0.75f, 1.75f, 3.5f};
    for (; j + 8 <= n; j += 8) {
      const __m256 inv = step ? _mm256_loadu_ps(zero + j) : zero0;
      const __m256 v = _mm256_mul_ps(_mm256_loadu_ps(x + j), inv);
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
      StoreCodes(_mm256_or_si256(m, sign), true, out + j);
    }
    return j;
  }
  for (; j + 8 <= n; j += 8) {
    const __m256 s = step ? _mm256_loadu_ps(scale + j) : scale0;
    __m256 v = _mm256_div_ps(_mm256_loadu_ps(x + j), s);
    if (asym) v = _mm256_add_ps(v, step ? _mm256_loadu_ps(zero + j) : zero0);
    v = _mm256_min_ps(_mm256_max_ps(v, low), high);
    v = _mm256_round_ps(v, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    StoreCodes(_mm256_cvtps_epi32(v), asym, out + j);
  }
  return j;
}
#endif

void Convert(ir::DType dtype, const uint8_t* src, int64_t n, float* dst) {
  int64_t done = 0;
#if NNCF_WC_X86
  if (HasAvx2()) done = ConvertAvx2(dtype, src, n, dst);
#endif
  ConvertScalar(dtype, src, done, n, dst);
}

bool ColumnStats(const float* x, int64_t rows, int64_t cols, int64_t ld, float* mn, float* mx) {
  bool finite = true;
  int64_t done = 0;
#if NNCF_WC_X86
  if (HasAvx2()) done = ColumnStatsAvx2(x, rows, cols, ld, mn, mx, &finite);
#endif
  return ColumnStatsScalar(x, rows, cols, ld, done, mn, mx) && finite;
}

void QuantizeSpan(WeightMode mode, const float* x, int64_t n, const float* scale, const float* zero,
                  int64_t step, uint8_t* out) {
  int64_t done = 0;
#if NNCF_WC_X86
  if (HasAvx2()) done = QuantizeSpanAvx2(mode, x, n, scale, zero, step, out);
#endif
  QuantizeSpanScalar(mode, x, done, n, scale, zero, step, out);
}

// Contiguous min/max of one group (inner == 1): fold into eight lanes first.
bool SpanStats(const float* x, int64_t n, float* mn, float* mx) {
  float lane_mn[8], lane_mx[8];
  std::fill(lane_mn, lane_mn + 8, std::numeric_limits<float>::infinity());
  std::fill(lane_mx, lane_mx + 8, -std::numeric_limits<float>::infinity());
  const int64_t rows = n / 8;
  bool finite = ColumnStats(x, rows, 8, 8, lane_mn, lane_mx);
  *mn = std::numeric_limits<float>::infinity();
  *mx = -std::numeric_limits<float>::infinity();
  for (int k = 0; k < 8; ++k) {
    *mn = std::min(*mn, lane_mn[k]);
    *mx = std::max(*mx, lane_mx[k]);
  }
  for (int64_t j = rows * 8; j < n; ++j) {
    finite &= std::fabs(x[j]) <= FLT_MAX;
    *mn = std::min(*mn, x[j]);
    *mx = std::max(*mx, x[j]);
  }
  return finite;
}

Layout MakeLayout(const ir::Tensor& weight, int64_t axis, int64_t group_size) {
  Layout layout;
  for (int64_t d = 0; d < axis; ++d) layout.outer *= weight.dims[d];
  layout.channels = weight.dims[axis];
  for (size_t d = axis + 1; d < weight.dims.size(); ++d) layout.inner *= weight.dims[d];
  layout.group_size = group_size;
  layout.groups = layout.channels / group_size;
  return layout;
}

// Runs body(task) for task in [0, count) on up to num_threads threads; deterministic because
// every task writes its own outputs only.
template <typename Body>
void ParallelFor(int64_t count, int num_threads, const Body& body) {
  int threads = num_threads > 0
                    ? num_threads
                    : std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
  threads = static_cast<int>(std::min<int64_t>(threads, count));
  if (threads <= 1) {
    for (int64_t t = 0; t < count; ++t) body(t);
    return;
  }
  std::atomic<int64_t> next{0};
  std::vector<std::exception_ptr> errors(threads);
  auto worker = [&](int id) {
    try {
      for (int64_t t = next++; t < count; t = next++) body(t);
    } catch (...) {
      errors[id] = std::current_exception();
      next = count;
    }
  };
  std::vector<std::thread> pool;
  for (int id = 1; id < threads; ++id) pool.emplace_back(worker, id);
  worker(0);
  for (auto& th : pool) th.join();
  for (auto& e : errors) {
    if (e) std::rethrow_exception(e);
  }
}

// Float32 value each code stands for, before the scale.
float CodeValue(WeightMode mode, uint8_t code, uint8_t zero) {
  switch (mode) {
    case WeightMode::kInt8Asym:
    case WeightMode::kInt4Asym:
      return static_cast<float>(static_cast<int32_t>(code) - static_cast<int32_t>(zero));
    case WeightMode::kInt8Sym:
    case WeightMode::kInt4Sym:
      return static_cast<float>(static_cast<int8_t>(code));
    case WeightMode::kNf4:
      return Nf4Table()[code & 15];
    case WeightMode::kE2M1:
      return ir::Float4E2M1ToFloat(code & 15);
  }
  return 0.0f;
}

void CheckCompressed(const CompressedWeight& weight) {
  int64_t numel = 1;
  for (int64_t d : weight.shape) numel *= d;
  const int64_t groups = weight.num_groups();
  std::vector<int64_t> expected_scale_shape = weight.shape;
  expected_scale_shape[weight.reduction_axis] = groups;
  const size_t scale_count = static_cast<size_t>(numel / weight.group_size);
  if (static_cast<int64_t>(weight.codes.size()) != numel || weight.scales.size() != scale_count ||
      weight.scale_shape != expected_scale_shape ||
      (IsAsymmetric(weight.mode) ? weight.zero_points.size() != scale_count
                                 : !weight.zero_points.empty())) {
    Fail(ErrorCode::kInvalidArgument, std::string("compressed ") + WeightModeName(weight.mode) +
                                          " weight of shape " + ShapeText(weight.shape) +
                                          " has codes, scales or zero points of the wrong size");
  }
}

// Dequantized float32 values in the original element order.
std::vector<float> DequantizeToFloat(const CompressedWeight& weight) {
  CheckCompressed(weight);
  Layout layout;
  for (int64_t d = 0; d < weight.reduction_axis; ++d) layout.outer *= weight.shape[d];
  layout.channels = weight.shape[weight.reduction_axis];
  for (size_t d = weight.reduction_axis + 1; d < weight.shape.size(); ++d) {
    layout.inner *= weight.shape[d];
  }
  layout.group_size = weight.group_size;
  layout.groups = weight.num_groups();
  std::vector<float> out(weight.codes.size());
  const bool asym = IsAsymmetric(weight.mode);
  for (int64_t o = 0; o < layout.outer; ++o) {
    for (int64_t c = 0; c < layout.channels; ++c) {
      const int64_t g = c / layout.group_size;
      const int64_t element = (o * layout.channels + c) * layout.inner;
      const int64_t param = (o * layout.groups + g) * layout.inner;
      for (int64_t i = 0; i < layout.inner; ++i) {
        const uint8_t zero = asym ? weight.zero_points[param + i] : 0;
        out[element + i] =
            CodeValue(weight.mode, weight.codes[element + i], zero) * weight.scales[param + i];
      }
    }
  }
  return out;
}

std::vector<float> WeightAsFloat(const ir::Tensor& weight) {
  std::vector<float> out(static_cast<size_t>(weight.NumElements()));
  Convert(weight.dtype, weight.bytes(), static_cast<int64_t>(out.size()), out.data());
  return out;
}

// A CompressedWeight with everything but its codes, scales and zero points filled in.
CompressedWeight Describe(const ir::Tensor& weight, WeightMode mode, int64_t axis,
                          int64_t group_size, const Layout& layout) {
  CompressedWeight result;
  result.mode = mode;
  result.shape = weight.dims;
  result.reduction_axis = axis;
  result.group_size = group_size;
  result.float_dtype = weight.dtype;
  result.scale_shape = weight.dims;
  result.scale_shape[axis] = layout.groups;
  return result;
}

// Elements per tile aimed at: long contiguous runs for the prefetcher, float copy within L2.
constexpr int64_t kTileElements = 1 << 18;

// Per-thread working memory, reused across tiles and calls (never zeroed: always written first).
float* ScratchBuffer(int64_t count) {
  thread_local std::vector<float> buffer;
  if (static_cast<int64_t>(buffer.size()) < count) buffer.resize(static_cast<size_t>(count));
  return buffer.data();
}

}  // namespace

bool IsQuantizableDType(ir::DType dtype) {
  return dtype == ir::DType::kFloat || dtype == ir::DType::kFloat16 ||
         dtype == ir::DType::kBFloat16 || dtype == ir::DType::kDouble;
}

double MachineEpsilon(ir::DType dtype) {
  switch (dtype) {
    case ir::DType::kFloat16:
      return std::ldexp(1.0, -10);
    case ir::DType::kBFloat16:
      return std::ldexp(1.0, -7);
    case ir::DType::kDouble:
      return std::numeric_limits<double>::epsilon();
    default:
      return std::numeric_limits<float>::epsilon();
  }
}

CompressedWeight QuantizeWeight(const ir::Tensor& weight, WeightMode mode, int64_t reduction_axis,
                                int64_t group_size, int num_threads) {
  if (!IsQuantizableDType(weight.dtype)) {
    Fail(ErrorCode::kInvalidArgument, TensorLabel(weight) + ": element type " +
                                          ir::DTypeName(weight.dtype) +
                                          " is not float, float16, bfloat16 or double");
  }
  const int64_t rank = static_cast<int64_t>(weight.dims.size());
  if (rank == 0 || reduction_axis < -rank || reduction_axis >= rank) {
    Fail(ErrorCode::kInvalidArgument, TensorLabel(weight) + ": reduction axis " +
                                          std::to_string(reduction_axis) + " is out of range");
  }
  const int64_t axis = reduction_axis < 0 ? reduction_axis + rank : reduction_axis;
  const int64_t numel = weight.NumElements();
  if (numel <= 0 || weight.data == nullptr ||
      weight.ByteSize() != ir::StorageBytes(weight.dtype, numel)) {
    Fail(ErrorCode::kInvalidArgument, TensorLabel(weight) + ": has no element data to quantize");
  }
  const int64_t channels = weight.dims[axis];
  if (group_size == -1) group_size = channels;
  if (group_size <= 0 || channels % group_size != 0) {
    Fail(ErrorCode::kInvalidArgument,
         TensorLabel(weight) + ": group size " + std::to_string(group_size) +
             " does not divide the reduction axis " + std::to_string(axis) + " of size " +
             std::to_string(channels));
  }
  if (mode == WeightMode::kE2M1 && group_size != 32) {
    Fail(ErrorCode::kInvalidArgument, TensorLabel(weight) +
                                          ": e2m1 (MX FP4) needs group size 32, got " +
                                          std::to_string(group_size));
  }

  const Layout layout = MakeLayout(weight, axis, group_size);
  CompressedWeight result = Describe(weight, mode, axis, group_size, layout);
  const int64_t param_count = layout.outer * layout.groups * layout.inner;
  result.codes.resize(static_cast<size_t>(numel));
  result.scales.resize(static_cast<size_t>(param_count));
  if (IsAsymmetric(mode)) result.zero_points.resize(static_cast<size_t>(param_count));

  const bool is_float = weight.dtype == ir::DType::kFloat;
  const size_t element_bytes = ir::DTypeBits(weight.dtype) / 8;
  const uint8_t* src = weight.bytes();
  std::atomic<bool> finite{true};

  if (layout.inner == 1) {
    // Each group is a contiguous run; a tile is a batch of whole groups.
    const int64_t total_groups = layout.outer * layout.groups;
    const int64_t per_tile = std::max<int64_t>(1, kTileElements / group_size);
    const int64_t tiles = (total_groups + per_tile - 1) / per_tile;
    if (numel < kTileElements) num_threads = 1;
    ParallelFor(tiles, num_threads, [&](int64_t tile) {
      float* scratch = is_float ? nullptr : ScratchBuffer(group_size);
      const int64_t end = std::min(total_groups, (tile + 1) * per_tile);
      for (int64_t group = tile * per_tile; group < end; ++group) {
        const int64_t base = group * group_size;
        const float* x = reinterpret_cast<const float*>(src) + base;
        if (!is_float) {
          Convert(weight.dtype, src + base * element_bytes, group_size, scratch);
          x = scratch;
        }
        float mn, mx, scale, zero;
        if (!SpanStats(x, group_size, &mn, &mx)) finite = false;
        GroupParams(mode, mn, mx, &scale, &zero);
        QuantizeSpan(mode, x, group_size, &scale, &zero, 0, result.codes.data() + base);
        result.scales[group] = scale;
        if (IsAsymmetric(mode)) result.zero_points[group] = static_cast<uint8_t>(zero);
      }
    });
  } else {
    // A tile is one group of rows times a block of at least 512 columns (output channels), so
    // every row segment read is a long contiguous run. When the float copy of a whole tile would
    // not fit in L2 (large groups, e.g. per channel), the tile is streamed row by row twice.
    int64_t block = std::max<int64_t>(512, (kTileElements / group_size) / 8 * 8);
    block = std::min(block, layout.inner);
    const int64_t blocks = (layout.inner + block - 1) / block;
    const int64_t tiles = layout.outer * layout.groups * blocks;
    if (numel < kTileElements) num_threads = 1;
    ParallelFor(tiles, num_threads, [&](int64_t tile) {
      const int64_t og = tile / blocks;  // o * groups + g
      const int64_t c0 = (tile % blocks) * block;
      const int64_t cols = std::min(block, layout.inner - c0);
      const int64_t o = og / layout.groups, g = og % layout.groups;
      const int64_t base = (o * layout.channels + g * group_size) * layout.inner + c0;
      const bool whole = !is_float && group_size * cols <= kTileElements;
      const int64_t copy = is_float ? 0 : (whole ? group_size * cols : cols);
      float* scratch = ScratchBuffer(copy + 4 * cols);
      float* mn = scratch + copy;
      float* mx = mn + cols;
      float* scale = mx + cols;
      float* zero = scale + cols;
      std::fill(mn, mn + cols, std::numeric_limits<float>::infinity());
      std::fill(mx, mx + cols, -std::numeric_limits<float>::infinity());
      // Row r of the tile as float32: in place, from the whole-tile copy, or converted now.
      auto row = [&](int64_t r, bool convert) -> const float* {
        if (is_float) return reinterpret_cast<const float*>(src) + base + r * layout.inner;
        float* dst = whole ? scratch + r * cols : scratch;
        if (convert) {
          Convert(weight.dtype, src + (base + r * layout.inner) * element_bytes, cols, dst);
        }
        return dst;
      };
      if (is_float) {
        if (!ColumnStats(row(0, false), group_size, cols, layout.inner, mn, mx)) finite = false;
      } else if (whole) {
        for (int64_t r = 0; r < group_size; ++r) row(r, true);
        if (!ColumnStats(scratch, group_size, cols, cols, mn, mx)) finite = false;
      } else {
        for (int64_t r = 0; r < group_size; ++r) {
          if (!ColumnStats(row(r, true), 1, cols, cols, mn, mx)) finite = false;
        }
      }
      const int64_t param = og * layout.inner + c0;
      for (int64_t j = 0; j < cols; ++j) {
        GroupParams(mode, mn[j], mx[j], &scale[j], &zero[j]);
        result.scales[param + j] = scale[j];
        if (IsAsymmetric(mode)) result.zero_points[param + j] = static_cast<uint8_t>(zero[j]);
      }
      for (int64_t r = 0; r < group_size; ++r) {
        QuantizeSpan(mode, row(r, !whole), cols, scale, zero, 1,
                     result.codes.data() + base + r * layout.inner);
      }
    });
  }
  if (!finite) {
    Fail(ErrorCode::kInvalidArgument,
         TensorLabel(weight) + ": contains NaN or infinity, which cannot be quantized");
  }
  return result;
}

GroupQuantization ComputeGroupQuantization(WeightMode mode, float min_value, float max_value) {
  float scale = 1, zero = 0;
  GroupParams(mode, min_value, max_value, &scale, &zero);
  GroupQuantization result;
  result.scale = scale;
  if (IsAsymmetric(mode)) result.zero_point = static_cast<uint8_t>(zero);
  return result;
}

uint8_t QuantizeScalar(WeightMode mode, float x, float scale, uint8_t zero_point) {
  const float zero = IsAsymmetric(mode)          ? static_cast<float>(zero_point)
                     : mode == WeightMode::kE2M1 ? 1.0f / scale
                                                 : 0.0f;
  if (mode == WeightMode::kE2M1) {
    // A scale that is not a power of two (fitted by an algorithm) needs the true division.
    return QuantizeOne(WeightMode::kE2M1, x / scale, 1.0f, 1.0f, 0.0f, 0.0f);
  }
  return QuantizeOne(mode, x, scale, zero, LevelLow(mode), LevelHigh(mode));
}

float CodeLevel(WeightMode mode, uint8_t code, uint8_t zero_point) {
  return CodeValue(mode, code, zero_point);
}

CompressedWeight QuantizeWeightWithParams(const ir::Tensor& weight, WeightMode mode,
                                          int64_t reduction_axis, int64_t group_size,
                                          std::vector<float> scales,
                                          std::vector<uint8_t> zero_points) {
  if (!IsQuantizableDType(weight.dtype) || weight.data == nullptr) {
    Fail(ErrorCode::kInvalidArgument, TensorLabel(weight) + ": not a float weight with data");
  }
  const int64_t rank = static_cast<int64_t>(weight.dims.size());
  const int64_t axis = reduction_axis < 0 ? reduction_axis + rank : reduction_axis;
  if (axis < 0 || axis >= rank) {
    Fail(ErrorCode::kInvalidArgument, TensorLabel(weight) + ": reduction axis " +
                                          std::to_string(reduction_axis) + " is out of range");
  }
  const int64_t channels = weight.dims[axis];
  if (group_size == -1) group_size = channels;
  if (group_size <= 0 || channels % group_size != 0) {
    Fail(ErrorCode::kInvalidArgument, TensorLabel(weight) + ": group size " +
                                          std::to_string(group_size) +
                                          " does not divide the reduction axis");
  }
  const Layout layout = MakeLayout(weight, axis, group_size);
  const size_t params = static_cast<size_t>(layout.outer * layout.groups * layout.inner);
  if (scales.size() != params ||
      (IsAsymmetric(mode) ? zero_points.size() != params : !zero_points.empty())) {
    Fail(ErrorCode::kInvalidArgument, TensorLabel(weight) + ": " + std::to_string(params) +
                                          " precomputed scales (and zero points) expected, got " +
                                          std::to_string(scales.size()));
  }
  for (float scale : scales) {
    if (!std::isfinite(scale) || scale == 0.0f) {
      Fail(ErrorCode::kInvalidArgument,
           TensorLabel(weight) + ": a precomputed scale is zero or not finite");
    }
  }
  const std::vector<float> x = WeightAsFloat(weight);
  CompressedWeight result = Describe(weight, mode, axis, group_size, layout);
  result.codes.resize(x.size());
  for (int64_t o = 0; o < layout.outer; ++o) {
    for (int64_t c = 0; c < layout.channels; ++c) {
      const int64_t element = (o * layout.channels + c) * layout.inner;
      const int64_t param = (o * layout.groups + c / group_size) * layout.inner;
      for (int64_t i = 0; i < layout.inner; ++i) {
        const uint8_t zero = IsAsymmetric(mode) ? zero_points[param + i] : 0;
        result.codes[element + i] = QuantizeScalar(mode, x[element + i], scales[param + i], zero);
      }
    }
  }
  result.scales = std::move(scales);
  result.zero_points = std::move(zero_points);
  return result;
}

ir::Tensor DequantizeWeight(const CompressedWeight& weight, ir::DType dtype) {
  if (!IsQuantizableDType(dtype)) {
    Fail(ErrorCode::kInvalidArgument, std::string("cannot dequantize a weight to ") +
                                          ir::DTypeName(dtype) + ": not a float type");
  }
  const std::vector<float> values = DequantizeToFloat(weight);
  std::vector<uint8_t> storage(ir::StorageBytes(dtype, static_cast<int64_t>(values.size())));
  uint8_t* bytes = storage.data();
  for (size_t i = 0; i < values.size(); ++i) {
    switch (dtype) {
      case ir::DType::kFloat16: {
        const uint16_t h = ir::FloatToHalf(values[i]);
        std::memcpy(bytes + 2 * i, &h, 2);
        break;
      }
      case ir::DType::kBFloat16: {
        const uint16_t h = ir::FloatToBFloat16(values[i]);
        std::memcpy(bytes + 2 * i, &h, 2);
        break;
      }
      case ir::DType::kDouble: {
        const double d = values[i];
        std::memcpy(bytes + 8 * i, &d, 8);
        break;
      }
      default:
        std::memcpy(bytes + 4 * i, &values[i], 4);
        break;
    }
  }
  return ir::Tensor::FromBytes("", dtype, weight.shape, storage.data(), storage.size());
}

double WeightQuantizationError(const ir::Tensor& weight, const CompressedWeight& compressed) {
  if (!IsQuantizableDType(weight.dtype) || weight.dims != compressed.shape ||
      weight.data == nullptr) {
    Fail(ErrorCode::kInvalidArgument, TensorLabel(weight) +
                                          ": does not match its compressed form of shape " +
                                          ShapeText(compressed.shape));
  }
  const std::vector<float> restored = DequantizeToFloat(compressed);
  const std::vector<float> original = WeightAsFloat(weight);
  const Layout layout = MakeLayout(weight, compressed.reduction_axis, compressed.group_size);
  // max over the kept positions of the mean over the reduction axis of the squared error.
  std::vector<double> sums(static_cast<size_t>(layout.outer * layout.inner), 0.0);
  for (int64_t o = 0; o < layout.outer; ++o) {
    for (int64_t c = 0; c < layout.channels; ++c) {
      const int64_t element = (o * layout.channels + c) * layout.inner;
      for (int64_t i = 0; i < layout.inner; ++i) {
        const float diff = restored[element + i] - original[element + i];
        sums[o * layout.inner + i] += static_cast<double>(diff * diff);
      }
    }
  }
  double worst = 0.0;
  for (double s : sums) worst = std::max(worst, s / static_cast<double>(layout.channels));
  return worst;
}

double WeightQuantizationScore(const ir::Tensor& weight, int64_t reduction_axis, int num_threads) {
  const CompressedWeight int8 =
      QuantizeWeight(weight, WeightMode::kInt8Asym, reduction_axis, -1, num_threads);
  const double eps = MachineEpsilon(weight.dtype);
  return 1.0 / (WeightQuantizationError(weight, int8) + eps);
}

double WeightQuantizationFrobenius(const ir::Tensor& weight, int64_t reduction_axis,
                                   int num_threads) {
  const CompressedWeight int8 =
      QuantizeWeight(weight, WeightMode::kInt8Asym, reduction_axis, -1, num_threads);
  const std::vector<float> restored = DequantizeToFloat(int8);
  const std::vector<float> original = WeightAsFloat(weight);
  double sum = 0.0;
  for (size_t i = 0; i < original.size(); ++i) {
    const double diff = static_cast<double>(restored[i]) - static_cast<double>(original[i]);
    sum += diff * diff;
  }
  return std::sqrt(sum);
}

}  // namespace nncf::algorithms::wc
