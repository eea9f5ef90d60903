// The arithmetic of weight compression, following NNCF's weight_lowering formulas
// (../shared/reference/weight_compression.md section 2). Pure functions: the same inputs give the
// same bytes whatever num_threads is.
#pragma once

#include <cstdint>

#include "algorithms/weight_compression/compressed_weight.h"
#include "core/ir/tensor.h"

namespace nncf::algorithms::wc {

// Quantizes a float weight (float, float16, bfloat16, double) grouped along `reduction_axis`.
// group_size -1 means per channel. Throws kInvalidArgument naming the tensor when group_size
// does not divide the reduction axis, or the dtype is not a float type.
CompressedWeight QuantizeWeight(const ir::Tensor& weight, WeightMode mode, int64_t reduction_axis,
                                int64_t group_size, int num_threads);

// The float weight the codes stand for, in `dtype` (float32 maths, then cast).
ir::Tensor DequantizeWeight(const CompressedWeight& weight, ir::DType dtype);

// NNCF's WEIGHT_QUANTIZATION_ERROR score for mixed precision (weight_compression.md section 3
// gives its exact definition); larger means the layer suffers more from `compressed`.
double WeightQuantizationError(const ir::Tensor& weight, const CompressedWeight& compressed);

}  // namespace nncf::algorithms::wc
