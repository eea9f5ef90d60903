#include "algorithms/weight_compression/compressed_weight.h"

#include "core/common/error.h"

namespace nncf::algorithms::wc {

const char* WeightModeName(WeightMode mode) {
  switch (mode) {
    case WeightMode::kInt8Sym:
      return "int8_sym";
    case WeightMode::kInt8Asym:
      return "int8_asym";
    case WeightMode::kInt4Sym:
      return "int4_sym";
    case WeightMode::kInt4Asym:
      return "int4_asym";
    case WeightMode::kNf4:
      return "nf4";
    case WeightMode::kE2M1:
      return "e2m1";
  }
  return "unknown";
}

int WeightModeBits(WeightMode mode) {
  return mode == WeightMode::kInt8Sym || mode == WeightMode::kInt8Asym ? 8 : 4;
}

bool IsAsymmetric(WeightMode mode) {
  return mode == WeightMode::kInt8Asym || mode == WeightMode::kInt4Asym;
}

bool IsIntegerMode(WeightMode mode) {
  return mode != WeightMode::kNf4 && mode != WeightMode::kE2M1;
}

int64_t CompressedWeight::num_groups() const {
  if (reduction_axis < 0 || reduction_axis >= static_cast<int64_t>(shape.size()) ||
      group_size <= 0 || shape[reduction_axis] % group_size != 0) {
    Fail(ErrorCode::kInternal,
         "compressed weight has an inconsistent reduction axis or group size");
  }
  return shape[reduction_axis] / group_size;
}

const float* Nf4Table() {
  // NNCF's NF4_QUANTILES (float32), index order; index 7 is the exact zero.
  static const float kTable[16] = {-1.0f,
                                   -0.6961928009986877f,
                                   -0.5250730514526367f,
                                   -0.39491748809814453f,
                                   -0.28444138169288635f,
                                   -0.18477343022823334f,
                                   -0.09105003625154495f,
                                   0.0f,
                                   0.07958029955625534f,
                                   0.16093020141124725f,
                                   0.24611230194568634f,
                                   0.33791524171829224f,
                                   0.44070982933044434f,
                                   0.5626170039176941f,
                                   0.7229568362236023f,
                                   1.0f};
  return kTable;
}

const float* Nf4Midpoints() {
  static const float kMidpoints[15] = {-0.84809643f, -0.6106329f,  -0.45999527f,  -0.33967942f,
                                       -0.2346074f,  -0.13791174f, -0.045525018f, 0.03979015f,
                                       0.120255254f, 0.20352125f,  0.29201376f,   0.38931254f,
                                       0.5016634f,   0.6427869f,   0.8614784f};
  return kMidpoints;
}

}  // namespace nncf::algorithms::wc
