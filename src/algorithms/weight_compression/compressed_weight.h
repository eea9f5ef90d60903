// A weight after quantization: integer (or 4-bit float) codes plus scales and zero points laid
// out per group, before any ONNX format is chosen for it.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/exec/recycling_allocator.h"
#include "core/ir/dtype.h"

namespace nncf::algorithms::wc {

// Weight codes: left unset by resize (every code is written), and recycled across weights while a
// BufferRecycler is current (exec::ScopedBufferRecycling).
using CodeVector = std::vector<uint8_t, exec::RecyclingAllocator<uint8_t>>;

enum class WeightMode { kInt8Sym, kInt8Asym, kInt4Sym, kInt4Asym, kNf4, kE2M1 };

const char* WeightModeName(WeightMode mode);  // "int8_asym", ...
int WeightModeBits(WeightMode mode);          // 8 or 4
bool IsAsymmetric(WeightMode mode);           // has zero points
bool IsIntegerMode(WeightMode mode);          // int8/int4 modes (codes are integers)

// Grouping along the reduction axis: the axis of length C is split into C / group_size groups
// (group_size == C for per-channel). Scales and zero points have the weight's shape with the
// reduction axis replaced by the number of groups.
struct CompressedWeight {
  WeightMode mode = WeightMode::kInt8Asym;
  std::vector<int64_t> shape;  // the original weight's shape
  int64_t reduction_axis = 0;
  int64_t group_size = 0;  // effective (== shape[reduction_axis] for per channel)
  ir::DType float_dtype = ir::DType::kFloat;  // the original weight's float type

  // One code per weight element in the original row-major order, not packed:
  // int8/int4 symmetric: signed values stored as int8 bit patterns; asymmetric: unsigned;
  // NF4: index 0..15 into the NF4 table; E2M1: the 4-bit float4e2m1 code.
  CodeVector codes;
  std::vector<int64_t> scale_shape;
  std::vector<float> scales;         // in float32; writers cast to float_dtype
  std::vector<uint8_t> zero_points;  // asymmetric modes only, same layout as scales

  int64_t num_groups() const;  // shape[reduction_axis] / group_size
};

// NNCF's 16 NF4 levels in [-1, 1], index order.
const float* Nf4Table();
// NNCF's 15 NF4 decision points (CENTER_OF_NF4_QUANTILES): code = number of midpoints < w/scale,
// so a value exactly on a midpoint takes the lower code.
const float* Nf4Midpoints();

}  // namespace nncf::algorithms::wc
