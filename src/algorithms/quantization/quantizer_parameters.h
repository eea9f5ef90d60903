// From statistics to ONNX scale and zero point (fake_quantize.py and the ONNX backend's
// quantizer_parameters.py): symmetric and asymmetric ranges with NNCF's zero-filter fixes and
// tune_range, the overflow fix's half range, levels, element type, scale and zero point; FP8
// scales for the float8 modes.
#pragma once

#include <cstdint>
#include <vector>

#include "algorithms/quantization/quantize_params.h"
#include "algorithms/quantization/quantizer_setup.h"
#include "core/ir/dtype.h"

namespace nncf::algorithms::quantization {

// Observed range of one quantizer: scalars per tensor, one value per channel per channel.
struct MinMaxValues {
  std::vector<float> min;
  std::vector<float> max;  // abs-max when the statistics were collected for a symmetric config
};

struct QuantizerParameters {
  // kInt8 / kUint8 (8 bits), kInt16 / kUint16 (16), kInt4 / kUint4 (4), kFloat8E4M3FN /
  // kFloat8E5M2 (FP8 modes).
  ir::DType dtype = ir::DType::kInt8;
  std::vector<float> scale;                  // size 1 when per tensor
  std::vector<int32_t> zero_point;           // same size (0 for FP8)
  std::vector<float> input_low, input_high;  // the float range the scale encodes
  int64_t levels = 256;
};

// Integer quantizers. `is_weight` selects the weight rules (always signed int8 element type);
// `half_range` applies the overflow fix (weights only; kInvalidArgument for asymmetric).
// Throws nncf::Error(kUnsupported) for bit widths other than 4, 8 and 16.
QuantizerParameters CalculateQuantizerParameters(const MinMaxValues& stats,
                                                 const QuantizerConfig& config, bool is_weight,
                                                 bool half_range);

// FP8 quantizers (NNCF's calculate_convert_parameters): symmetric, zero point 0, scale =
// max(max, |min| + eps) / largest finite value of the type (448 for e4m3fn, 57344 for e5m2),
// doubled for per-tensor quantizers (NNCF's activation_scale 0.5). `mode` must be an FP8 mode.
QuantizerParameters CalculateFp8Parameters(const MinMaxValues& stats, QuantizationMode mode,
                                           bool per_channel);

}  // namespace nncf::algorithms::quantization
