// The arithmetic of weight compression, following NNCF's weight_lowering formulas
// (../shared/reference/weight_compression.md section 2). Pure functions: the same inputs give the
// same bytes whatever num_threads is.
#pragma once

#include <cstdint>
#include <vector>

#include "algorithms/weight_compression/compressed_weight.h"
#include "core/ir/tensor.h"

namespace nncf::algorithms::wc {

// The float types weights are compressed from (float, float16, bfloat16, double).
bool IsQuantizableDType(ir::DType dtype);
// The machine epsilon of such a type (NNCF's fns.finfo(weight).eps).
double MachineEpsilon(ir::DType dtype);

// Quantizes a float weight (float, float16, bfloat16, double) grouped along `reduction_axis`.
// group_size -1 means per channel. Throws kInvalidArgument naming the tensor when group_size
// does not divide the reduction axis, or the dtype is not a float type.
CompressedWeight QuantizeWeight(const ir::Tensor& weight, WeightMode mode, int64_t reduction_axis,
                                int64_t group_size, int num_threads);

// Quantizes with given per-group scales (and, for asymmetric modes, zero points) in
// CompressedWeight's layout for (weight, reduction_axis, group_size): the precomputed parameters
// of scale estimation and GPTQ. Same rounding and clamping as QuantizeWeight. Throws
// kInvalidArgument when the counts do not match or a scale is zero or not finite.
CompressedWeight QuantizeWeightWithParams(const ir::Tensor& weight, WeightMode mode,
                                          int64_t reduction_axis, int64_t group_size,
                                          std::vector<float> scales,
                                          std::vector<uint8_t> zero_points);

// The scalar building blocks of the formulas, for the data-aware algorithms that search scales
// group by group.
struct GroupQuantization {
  float scale = 1;
  uint8_t zero_point = 0;  // asymmetric modes
};
// NNCF's parameters of one group from its min and max.
GroupQuantization ComputeGroupQuantization(WeightMode mode, float min_value, float max_value);
// The code of x with `scale` (x / scale, rounded half to even and clamped; NF4 by midpoints;
// E2M1 to the nearest even code).
uint8_t QuantizeScalar(WeightMode mode, float x, float scale, uint8_t zero_point);
// The value a code stands for before the scale: code - zero point, the signed code, the NF4
// level or the E2M1 value.
float CodeLevel(WeightMode mode, uint8_t code, uint8_t zero_point);

// The float weight the codes stand for, in `dtype` (float32 maths, then cast); unnamed.
ir::Tensor DequantizeWeight(const CompressedWeight& weight, ir::DType dtype);

// NNCF's quantization error (get_integer_quantization_error, weight_compression.md section 3):
// the max over the kept positions of the mean over the reduction axis of (dequantized - w)^2, all
// groups of a channel together; larger means the layer suffers more from `compressed`.
// The same on any thread count (0: every core).
double WeightQuantizationError(const ir::Tensor& weight, const CompressedWeight& compressed,
                               int num_threads = 1);

// NNCF's WEIGHT_QUANTIZATION_ERROR sensitivity score: 1 / (e8 + eps) where e8 is the error above
// for INT8_ASYM per channel and eps the machine epsilon of the weight's type. Mixed precision
// sends the lowest scores to the primary (4-bit) mode first.
double WeightQuantizationScore(const ir::Tensor& weight, int64_t reduction_axis, int num_threads);

// NNCF's HESSIAN_INPUT_ACTIVATION weight term (get_integer_quantization_error with reduction
// "frobenius"): the Frobenius norm of (dequantized - w) for INT8_ASYM per channel.
double WeightQuantizationFrobenius(const ir::Tensor& weight, int64_t reduction_axis,
                                   int num_threads);

}  // namespace nncf::algorithms::wc
