// A 2-D MatMul/Gemm weight seen by the data-aware algorithms: float32 rows per output channel
// with the input channels (the reduction axis) contiguous, whatever the ONNX layout ([K, N] for
// MatMul, [N, K] for Gemm with transB). Per-group parameters are [out][groups] in this view.
#pragma once

#include <cstdint>
#include <vector>

#include "algorithms/weight_compression/compressed_weight.h"
#include "core/ir/tensor.h"

namespace nncf::algorithms::wc {

struct WeightMatrix {
  int64_t out = 0;
  int64_t in = 0;
  std::vector<float> values;  // [out][in]

  float* row(int64_t o) { return values.data() + o * in; }
  const float* row(int64_t o) const { return values.data() + o * in; }
};

// Throws kInvalidArgument unless `weight` is a 2-D float tensor and reduction_axis is 0 or 1.
WeightMatrix ToMatrix(const ir::Tensor& weight, int64_t reduction_axis);

// `like` with its values replaced by the matrix (same name, dims and float type).
ir::Tensor FromMatrix(const WeightMatrix& matrix, const ir::Tensor& like, int64_t reduction_axis);

// Per-group parameters between the [out][groups] view and CompressedWeight's layout
// (scale_shape = dims with the reduction axis replaced by the group count).
template <typename T>
std::vector<T> GroupParamsToLayout(const std::vector<T>& by_row, int64_t out, int64_t groups,
                                   int64_t reduction_axis) {
  if (reduction_axis == 1 || by_row.empty()) return by_row;
  std::vector<T> layout(by_row.size());
  for (int64_t o = 0; o < out; ++o) {
    for (int64_t g = 0; g < groups; ++g) layout[g * out + o] = by_row[o * groups + g];
  }
  return layout;
}

template <typename T>
std::vector<T> GroupParamsFromLayout(const std::vector<T>& layout, int64_t out, int64_t groups,
                                     int64_t reduction_axis) {
  if (reduction_axis == 1 || layout.empty()) return layout;
  std::vector<T> by_row(layout.size());
  for (int64_t o = 0; o < out; ++o) {
    for (int64_t g = 0; g < groups; ++g) by_row[o * groups + g] = layout[g * out + o];
  }
  return by_row;
}

// Round-to-nearest quantize-dequantize of [rows][cols] values, each row in groups of group_size
// (which divides cols) with NNCF's per-group parameters.
void FakeQuantizeGroups(WeightMode mode, const float* w, int64_t rows, int64_t cols,
                        int64_t group_size, float* q);

// Quantize-dequantize of one span with fixed parameters: q[j] = level(code(x[j])) * scale.
void FakeQuantizeSpan(WeightMode mode, const float* x, int64_t n, float scale, uint8_t zero_point,
                      float* q);

}  // namespace nncf::algorithms::wc
