// The element types QuantizeLinear / DequantizeLinear quantize to: integer saturation ranges and
// the float8 family, shared by Q/DQ insertion and weight folding.
#pragma once

#include <cstdint>

#include "core/ir/dtype.h"

namespace nncf::algorithms::quantization {

inline bool IsFloat8(ir::DType t) {
  return t == ir::DType::kFloat8E4M3FN || t == ir::DType::kFloat8E4M3FNUZ ||
         t == ir::DType::kFloat8E5M2 || t == ir::DType::kFloat8E5M2FNUZ;
}

// [lo, hi] of the integer quantized types (8, 16 and 4 bits); false for the others.
inline bool IntegerRange(ir::DType t, int64_t* lo, int64_t* hi) {
  switch (t) {
    case ir::DType::kInt8:
      *lo = -128, *hi = 127;
      return true;
    case ir::DType::kUint8:
      *lo = 0, *hi = 255;
      return true;
    case ir::DType::kInt16:
      *lo = -32768, *hi = 32767;
      return true;
    case ir::DType::kUint16:
      *lo = 0, *hi = 65535;
      return true;
    case ir::DType::kInt4:
      *lo = -8, *hi = 7;
      return true;
    case ir::DType::kUint4:
      *lo = 0, *hi = 15;
      return true;
    default:
      return false;
  }
}

}  // namespace nncf::algorithms::quantization
