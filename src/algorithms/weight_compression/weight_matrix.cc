#include "algorithms/weight_compression/weight_matrix.h"

#include <algorithm>
#include <cstring>

#include "algorithms/weight_compression/weight_quantization.h"
#include "core/common/error.h"
#include "core/ir/dtype.h"

namespace nncf::algorithms::wc {

WeightMatrix ToMatrix(const ir::Tensor& weight, int64_t reduction_axis) {
  if (weight.dims.size() != 2 || (reduction_axis != 0 && reduction_axis != 1) ||
      !IsQuantizableDType(weight.dtype) || weight.data == nullptr) {
    Fail(ErrorCode::kInvalidArgument, "weight '" + weight.name +
                                          "': the data-aware algorithms take 2-D float weights "
                                          "reduced over axis 0 or 1");
  }
  const std::vector<float> values = weight.ToFloats();
  WeightMatrix matrix;
  matrix.in = weight.dims[reduction_axis];
  matrix.out = weight.dims[1 - reduction_axis];
  if (reduction_axis == 1) {
    matrix.values = values;
    return matrix;
  }
  matrix.values.resize(values.size());
  for (int64_t k = 0; k < matrix.in; ++k) {
    for (int64_t o = 0; o < matrix.out; ++o) {
      matrix.values[o * matrix.in + k] = values[k * matrix.out + o];
    }
  }
  return matrix;
}

ir::Tensor FromMatrix(const WeightMatrix& matrix, const ir::Tensor& like, int64_t reduction_axis) {
  std::vector<float> values(matrix.values.size());
  if (reduction_axis == 1) {
    values = matrix.values;
  } else {
    for (int64_t k = 0; k < matrix.in; ++k) {
      for (int64_t o = 0; o < matrix.out; ++o) {
        values[k * matrix.out + o] = matrix.values[o * matrix.in + k];
      }
    }
  }
  ir::Tensor result = ir::Tensor::FromFloats(like.name, like.dtype, like.dims, values);
  return result;
}

void FakeQuantizeGroups(WeightMode mode, const float* w, int64_t rows, int64_t cols,
                        int64_t group_size, float* q) {
  for (int64_t r = 0; r < rows; ++r) {
    for (int64_t g = 0; g < cols / group_size; ++g) {
      const float* x = w + r * cols + g * group_size;
      const auto [mn, mx] = std::minmax_element(x, x + group_size);
      const GroupQuantization p = ComputeGroupQuantization(mode, *mn, *mx);
      FakeQuantizeSpan(mode, x, group_size, p.scale, p.zero_point, q + r * cols + g * group_size);
    }
  }
}

void FakeQuantizeSpan(WeightMode mode, const float* x, int64_t n, float scale, uint8_t zero_point,
                      float* q) {
  for (int64_t j = 0; j < n; ++j) {
    q[j] = CodeLevel(mode, QuantizeScalar(mode, x[j], scale, zero_point), zero_point) * scale;
  }
}

}  // namespace nncf::algorithms::wc
