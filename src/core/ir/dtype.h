// Element types of tensors, numbered as ONNX's TensorProto.DataType (including the ones Debian's
// ONNX 1.12 does not know: float8 variants, int4/uint4 and float4e2m1).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace nncf::ir {

enum class DType : int32_t {
  kUndefined = 0,
  kFloat = 1,
  kUint8 = 2,
  kInt8 = 3,
  kUint16 = 4,
  kInt16 = 5,
  kInt32 = 6,
  kInt64 = 7,
  kString = 8,
  kBool = 9,
  kFloat16 = 10,
  kDouble = 11,
  kUint32 = 12,
  kUint64 = 13,
  kComplex64 = 14,
  kComplex128 = 15,
  kBFloat16 = 16,
  kFloat8E4M3FN = 17,
  kFloat8E4M3FNUZ = 18,
  kFloat8E5M2 = 19,
  kFloat8E5M2FNUZ = 20,
  kUint4 = 21,
  kInt4 = 22,
  kFloat4E2M1 = 23,
};

// True for the values listed above.
bool IsKnownDType(int32_t value);
// Lower-case ONNX spelling: "float", "int4", "float8e4m3fn"; "unknown" otherwise.
const char* DTypeName(DType dtype);
// Bits per element; 0 for string and undefined.
size_t DTypeBits(DType dtype);
bool IsFloatingPoint(DType dtype);  // includes the 8- and 4-bit float formats
bool IsSubByte(DType dtype);        // int4, uint4, float4e2m1: two elements per byte
// Bytes needed for `count` elements; 4-bit types round up to whole bytes. Fails for string.
size_t StorageBytes(DType dtype, int64_t count);

// Scalar conversions between float and the narrow float formats. Rounding is round-to-nearest-even;
// saturate=true clamps out-of-range values to the largest finite value (ONNX's saturate=1),
// otherwise they become inf or NaN as the format allows.
uint16_t FloatToHalf(float value);
float HalfToFloat(uint16_t bits);
uint16_t FloatToBFloat16(float value);
float BFloat16ToFloat(uint16_t bits);
uint8_t FloatToFloat8(DType dtype, float value, bool saturate);
float Float8ToFloat(DType dtype, uint8_t bits);
uint8_t FloatToFloat4E2M1(float value);  // always saturates (the format has no inf/NaN)
float Float4E2M1ToFloat(uint8_t nibble);

// Packed 4-bit access: element i lives in byte i/2, low nibble first (ONNX order).
uint8_t GetNibble(const uint8_t* packed, int64_t index);
void SetNibble(uint8_t* packed, int64_t index, uint8_t nibble);
int8_t SignExtendInt4(uint8_t nibble);

}  // namespace nncf::ir
