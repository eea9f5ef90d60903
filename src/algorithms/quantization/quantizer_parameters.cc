// NNCF's fake_quantize.py and onnx/quantization/quantizer_parameters.py in float32 arithmetic:
// every intermediate is rounded to float32 where numpy (NEP 50 promotion: Python floats adopt
// the array's float32 type) rounds it, so the scales match NNCF's bit for bit.
#include "algorithms/quantization/quantizer_parameters.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "core/common/error.h"

namespace nncf::algorithms::quantization {
namespace {

constexpr float kFloat32Eps = 1.1920928955078125e-07f;  // numpy's finfo(float32).eps

struct Range {
  std::vector<float> low, high;
  int64_t levels = 0;
};

// numpy.round: half to even (the default rounding mode of nearbyint).
float RoundHalfEven(float value) {
  return std::nearbyint(value);
}

void CheckStats(const MinMaxValues& stats, bool per_channel) {
  if (stats.min.empty() || stats.min.size() != stats.max.size()) {
    Fail(ErrorCode::kInvalidArgument,
         "quantizer statistics: min has " + std::to_string(stats.min.size()) +
             " values and max has " + std::to_string(stats.max.size()) +
             "; both must be non-empty and of equal size");
  }
  if (!per_channel && stats.min.size() != 1) {
    Fail(ErrorCode::kInvalidArgument,
         "quantizer statistics: a per-tensor quantizer needs one "
         "min and one max, got " +
             std::to_string(stats.min.size()));
  }
}

// fix_zero_filters_symmetric: no channel's high below 1% of the largest (and never below 8e-5).
std::vector<float> FixZeroFiltersSymmetric(const std::vector<float>& max_values) {
  const float max_range = *std::max_element(max_values.begin(), max_values.end());
  const float lower_threshold = std::max(max_range * 0.01f, 8e-5f);
  std::vector<float> high(max_values.size());
  for (size_t i = 0; i < high.size(); ++i) high[i] = std::max(lower_threshold, max_values[i]);
  return high;
}

// symmetric_range: `levels` is the level count of the (possibly 7-bit) signed grid.
Range SymmetricRange(const MinMaxValues& stats, int64_t levels, const QuantizerConfig& config) {
  Range range;
  range.high = FixZeroFiltersSymmetric(stats.max);
  bool is_signed = config.signedness_to_force == true;
  for (float value : stats.min) is_signed = is_signed || value < 0.0f;
  range.low.assign(range.high.size(), 0.0f);
  if (is_signed) {
    const float low_scale =
        config.narrow_range
            ? 1.0f
            : static_cast<float>(static_cast<double>(levels) / static_cast<double>(levels - 2));
    for (size_t i = 0; i < range.low.size(); ++i) range.low[i] = -range.high[i] * low_scale;
  }
  return range;
}

// tune_range (unify_zp=False): moves one border so that zero lands on an integer level, choosing
// the candidate with the larger total range.
void TuneRange(float& left, float& right, int num_bits) {
  const float level_high = static_cast<float>((int64_t{1} << num_bits) - 1);
  const float s = level_high / (right - left);
  const float fval = -left * s;
  const float qval = RoundHalfEven(fval);
  const float ra = qval < level_high ? qval / (qval - level_high) * right : left;
  const float rb = qval > 0.0f ? (qval - level_high) / qval * left : right;
  const float range_a = right - ra;
  const float range_b = rb - left;
  if (range_a > range_b) {
    left = ra;
  } else {
    right = rb;
  }
}

// asymmetric_range: zero-filter widening, zero inside the range, then tune_range.
Range AsymmetricRange(const MinMaxValues& stats, const QuantizerConfig& config) {
  Range range;
  range.low.resize(stats.min.size());
  range.high.resize(stats.min.size());
  for (size_t i = 0; i < stats.min.size(); ++i) {
    const float width = stats.max[i] - stats.min[i];
    // (max(1e-8 * width, width) - width) * 0.5 is exactly 0 for a positive width.
    const float correction = width > 8e-4f ? 0.0f : 8e-4f;
    float low = stats.min[i] - correction;
    float high = stats.max[i] + correction;
    low = low < 0.0f ? low : 0.0f;
    high = high > 0.0f ? high : 0.0f;
    TuneRange(low, high, config.num_bits);
    range.low[i] = low;
    range.high[i] = high;
  }
  return range;
}

// _calculate_scaled_parameters: the overflow fix computes the range on a 7-bit grid and
// stretches it to the exported grid, so values use half of it.
Range HalfRange(const MinMaxValues& stats, const QuantizerConfig& config) {
  const int64_t levels = int64_t{1} << (config.num_bits - 1);  // signed, not narrow
  Range range = SymmetricRange(stats, levels, config);
  const int64_t export_levels = (int64_t{1} << config.num_bits) - (config.narrow_range ? 1 : 0);
  const float stretch =
      static_cast<float>(static_cast<double>(export_levels - 1) / static_cast<double>(levels - 1));
  for (size_t i = 0; i < range.low.size(); ++i) {
    range.high[i] *= stretch;
    range.low[i] *= stretch;
  }
  range.levels = export_levels;
  return range;
}

ir::DType IntegerDType(int num_bits, bool is_signed) {
  switch (num_bits) {
    case 4:
      return is_signed ? ir::DType::kInt4 : ir::DType::kUint4;
    case 8:
      return is_signed ? ir::DType::kInt8 : ir::DType::kUint8;
    default:
      return is_signed ? ir::DType::kInt16 : ir::DType::kUint16;
  }
}

}  // namespace

QuantizerParameters CalculateQuantizerParameters(const MinMaxValues& stats,
                                                 const QuantizerConfig& config, bool is_weight,
                                                 bool half_range) {
  const int bits = config.num_bits;
  if (bits != 4 && bits != 8 && bits != 16) {
    Fail(ErrorCode::kUnsupported,
         "quantizer num_bits " + std::to_string(bits) + " is not supported (4, 8 or 16 bits only)");
  }
  CheckStats(stats, config.per_channel);

  Range range;
  if (half_range) {
    if (config.mode == QuantizationScheme::kAsymmetric) {
      Fail(ErrorCode::kInvalidArgument,
           "overflow fix (half range) applies only to symmetric quantizers; set overflow_fix "
           "to 'disable' for asymmetric weights");
    }
    if (!is_weight) {
      Fail(ErrorCode::kInvalidArgument,
           "overflow fix (half range) applies only to weight quantizers");
    }
    range = HalfRange(stats, config);
  } else if (config.mode == QuantizationScheme::kSymmetric) {
    // calculate_symmetric_level_ranges(signed=True): 2^bits levels, one fewer when narrow.
    const int64_t levels = (int64_t{1} << bits) - (config.narrow_range ? 1 : 0);
    range = SymmetricRange(stats, levels, config);
    range.levels = levels;
  } else {
    range = AsymmetricRange(stats, config);
    range.levels = (int64_t{1} << bits) - (config.narrow_range ? 1 : 0);
  }

  // Element type: weights are always signed; activations are signed when any low is negative.
  bool is_signed = is_weight;
  for (float low : range.low) is_signed = is_signed || low < 0.0f;
  const int64_t level_low = is_signed ? -(int64_t{1} << (bits - 1)) : 0;
  const int64_t level_high = is_signed ? (int64_t{1} << (bits - 1)) - 1 : (int64_t{1} << bits) - 1;
  const bool narrow = range.levels == (int64_t{1} << bits) - 1;

  // calculate_scale_zero_point.
  const int64_t levels = narrow ? level_high - level_low : level_high - level_low + 1;
  const float divisor = static_cast<float>(levels - 1);
  const float expected_level_low = static_cast<float>(narrow ? level_low + 1 : level_low);

  QuantizerParameters result;
  result.dtype = IntegerDType(bits, is_signed);
  result.levels = range.levels;
  result.input_low = range.low;
  result.input_high = range.high;
  result.scale.resize(range.low.size());
  result.zero_point.resize(range.low.size());
  for (size_t i = 0; i < range.low.size(); ++i) {
    float scale = (range.high[i] - range.low[i]) / divisor;
    if (std::fabs(scale) < kFloat32Eps) scale = kFloat32Eps;
    const float zero_point = expected_level_low - RoundHalfEven(range.low[i] / scale);
    // astype(int32) truncates toward zero; the value is already integral.
    const int64_t clipped = std::clamp(static_cast<int64_t>(zero_point), level_low, level_high);
    result.scale[i] = scale;
    result.zero_point[i] = static_cast<int32_t>(clipped);
  }
  return result;
}

QuantizerParameters CalculateFp8Parameters(const MinMaxValues& stats, QuantizationMode mode,
                                           bool per_channel) {
  float largest = 0.0f;
  ir::DType dtype = ir::DType::kFloat8E4M3FN;
  switch (mode) {
    case QuantizationMode::kFp8E4M3:
      largest = 448.0f;
      break;
    case QuantizationMode::kFp8E5M2:
      largest = 57344.0f;
      dtype = ir::DType::kFloat8E5M2;
      break;
    default:
      Fail(ErrorCode::kInvalidArgument,
           "CalculateFp8Parameters needs an FP8 quantization mode (fp8_e4m3 or fp8_e5m2)");
  }
  CheckStats(stats, per_channel);

  // calculate_convert_parameters: NNCF's multiplier is largest / max(max, |min| + eps), halved
  // for per-tensor quantizers (activation_scale 0.5); the Q/DQ scale is its reciprocal.
  QuantizerParameters result;
  result.dtype = dtype;
  result.levels = 256;
  const size_t count = stats.min.size();
  result.scale.resize(count);
  result.zero_point.assign(count, 0);
  result.input_low.resize(count);
  result.input_high.resize(count);
  for (size_t i = 0; i < count; ++i) {
    const float absmax = std::max(stats.max[i], std::fabs(stats.min[i]) + kFloat32Eps);
    float multiplier = largest / absmax;
    if (!per_channel) multiplier = 0.5f * multiplier;
    result.scale[i] = 1.0f / multiplier;
    result.input_high[i] = largest * result.scale[i];
    result.input_low[i] = -result.input_high[i];
  }
  return result;
}

}  // namespace nncf::algorithms::quantization
