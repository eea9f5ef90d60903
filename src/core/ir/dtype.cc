#include "core/ir/dtype.h"

#include <cmath>
#include <cstring>
#include <limits>
#include <string>

#include "core/common/error.h"

namespace nncf::ir {

namespace {

uint32_t FloatBits(float value) {
  uint32_t bits;
  std::memcpy(&bits, &value, sizeof(bits));
  return bits;
}

float BitsToFloat(uint32_t bits) {
  float value;
  std::memcpy(&value, &bits, sizeof(value));
  return value;
}

// Shifts `value` right by `shift` bits, rounding to nearest with ties to even.
uint32_t ShiftRoundNearestEven(uint32_t value, int shift) {
  if (shift <= 0) return value;
  if (shift > 25) return 0;  // value < 2^24 is below half of the smallest step
  const uint32_t quotient = value >> shift;
  const uint32_t remainder = value & ((1u << shift) - 1);
  const uint32_t half = 1u << (shift - 1);
  if (remainder > half || (remainder == half && (quotient & 1u))) return quotient + 1;
  return quotient;
}

// A binary floating-point format narrower than float, described by its field widths and bias.
// Codes are laid out sign | exponent | mantissa like IEEE formats.
struct NarrowFormat {
  int exponent_bits;
  int mantissa_bits;
  int bias;
  uint32_t max_finite_code;  // magnitude code of the largest finite value
  bool has_inf;              // exponent all ones, mantissa zero
  bool unsigned_zero;        // "fnuz": the negative-zero code is the only NaN
  uint32_t nan_code;         // magnitude code (fnuz: full code) of the canonical NaN
};

constexpr NarrowFormat kHalf{5, 10, 15, 0x7BFF, true, false, 0x7E00};
constexpr NarrowFormat kE4M3FN{4, 3, 7, 0x7E, false, false, 0x7F};
constexpr NarrowFormat kE4M3FNUZ{4, 3, 8, 0x7F, false, true, 0x80};
constexpr NarrowFormat kE5M2{5, 2, 15, 0x7B, true, false, 0x7F};
constexpr NarrowFormat kE5M2FNUZ{5, 2, 16, 0x7F, false, true, 0x80};
constexpr NarrowFormat kE2M1{2, 1, 1, 0x7, false, false, 0};

const NarrowFormat& Float8Format(DType dtype) {
  switch (dtype) {
    case DType::kFloat8E4M3FN:
      return kE4M3FN;
    case DType::kFloat8E4M3FNUZ:
      return kE4M3FNUZ;
    case DType::kFloat8E5M2:
      return kE5M2;
    case DType::kFloat8E5M2FNUZ:
      return kE5M2FNUZ;
    default:
      Fail(ErrorCode::kInvalidArgument,
           std::string("not a float8 element type: ") + DTypeName(dtype));
  }
}

// Magnitude code of |value| rounded to nearest-even in `format`; may exceed max_finite_code
// (and even the field width) when the value is out of range. `magnitude_bits` has no sign bit
// and is finite.
uint32_t EncodeMagnitude(const NarrowFormat& format, uint32_t magnitude_bits) {
  if (magnitude_bits == 0) return 0;
  const int float_exponent_field = static_cast<int>(magnitude_bits >> 23);
  uint32_t significand = magnitude_bits & 0x7FFFFFu;
  int exponent = float_exponent_field - 127;
  if (float_exponent_field == 0) {
    exponent = -126;  // float subnormal: no implicit bit
  } else {
    significand |= 0x800000u;
  }
  const int min_normal_exponent = 1 - format.bias;
  const int mantissa_shift = 23 - format.mantissa_bits;
  if (exponent >= min_normal_exponent) {
    // Normal in the target. Rounding may carry into the exponent, which the contiguous code
    // layout handles by itself.
    const uint32_t biased = static_cast<uint32_t>(exponent + format.bias);
    if (biased >= 64) return std::numeric_limits<uint32_t>::max() >> 1;  // far out of range
    const uint32_t truncated_mantissa = significand & 0x7FFFFFu;
    const uint32_t code = (biased << format.mantissa_bits) | (truncated_mantissa >> mantissa_shift);
    const uint32_t remainder = truncated_mantissa & ((1u << mantissa_shift) - 1);
    const uint32_t half = 1u << (mantissa_shift - 1);
    if (remainder > half || (remainder == half && (code & 1u))) return code + 1;
    return code;
  }
  // Subnormal in the target: significand scaled by 2^(min_normal_exponent - mantissa_bits).
  return ShiftRoundNearestEven(significand, mantissa_shift + (min_normal_exponent - exponent));
}

// Full code for `value` in `format` with ONNX's saturate semantics.
uint32_t EncodeNarrow(const NarrowFormat& format, float value, bool saturate) {
  const uint32_t bits = FloatBits(value);
  const uint32_t sign = bits >> 31;
  const uint32_t magnitude_bits = bits & 0x7FFFFFFFu;
  const int code_bits = format.exponent_bits + format.mantissa_bits;
  const uint32_t sign_code = sign << code_bits;
  const uint32_t inf_code = ((1u << format.exponent_bits) - 1) << format.mantissa_bits;

  if (magnitude_bits > 0x7F800000u) {  // NaN
    return format.unsigned_zero ? format.nan_code : (sign_code | format.nan_code);
  }
  uint32_t magnitude;
  if (magnitude_bits == 0x7F800000u) {
    // ONNX Cast: infinity saturates only in formats that reserve codes for NaN/inf; the fnuz
    // formats always turn it into their NaN.
    if (format.unsigned_zero) return format.nan_code;
    magnitude = std::numeric_limits<uint32_t>::max();
  } else {
    magnitude = EncodeMagnitude(format, magnitude_bits);
  }
  if (magnitude > format.max_finite_code) {
    if (saturate) {
      magnitude = format.max_finite_code;
    } else if (format.has_inf) {
      magnitude = inf_code;
    } else {
      return format.unsigned_zero ? format.nan_code : (sign_code | format.nan_code);
    }
  }
  if (magnitude == 0 && format.unsigned_zero) return 0;
  return sign_code | magnitude;
}

// Value of `code` in `format` (no NaN/inf handling: callers check those first).
float DecodeFinite(const NarrowFormat& format, uint32_t code) {
  const int code_bits = format.exponent_bits + format.mantissa_bits;
  const bool negative = (code >> code_bits) & 1u;
  const uint32_t exponent_field =
      (code >> format.mantissa_bits) & ((1u << format.exponent_bits) - 1);
  const uint32_t mantissa = code & ((1u << format.mantissa_bits) - 1);
  float magnitude;
  if (exponent_field == 0) {
    magnitude = std::ldexp(static_cast<float>(mantissa), 1 - format.bias - format.mantissa_bits);
  } else {
    magnitude = std::ldexp(static_cast<float>(mantissa | (1u << format.mantissa_bits)),
                           static_cast<int>(exponent_field) - format.bias - format.mantissa_bits);
  }
  return negative ? -magnitude : magnitude;
}

}  // namespace

bool IsKnownDType(int32_t value) {
  return value >= 0 && value <= 23;
}

const char* DTypeName(DType dtype) {
  switch (dtype) {
    case DType::kUndefined:
      return "undefined";
    case DType::kFloat:
      return "float";
    case DType::kUint8:
      return "uint8";
    case DType::kInt8:
      return "int8";
    case DType::kUint16:
      return "uint16";
    case DType::kInt16:
      return "int16";
    case DType::kInt32:
      return "int32";
    case DType::kInt64:
      return "int64";
    case DType::kString:
      return "string";
    case DType::kBool:
      return "bool";
    case DType::kFloat16:
      return "float16";
    case DType::kDouble:
      return "double";
    case DType::kUint32:
      return "uint32";
    case DType::kUint64:
      return "uint64";
    case DType::kComplex64:
      return "complex64";
    case DType::kComplex128:
      return "complex128";
    case DType::kBFloat16:
      return "bfloat16";
    case DType::kFloat8E4M3FN:
      return "float8e4m3fn";
    case DType::kFloat8E4M3FNUZ:
      return "float8e4m3fnuz";
    case DType::kFloat8E5M2:
      return "float8e5m2";
    case DType::kFloat8E5M2FNUZ:
      return "float8e5m2fnuz";
    case DType::kUint4:
      return "uint4";
    case DType::kInt4:
      return "int4";
    case DType::kFloat4E2M1:
      return "float4e2m1";
  }
  return "unknown";
}

size_t DTypeBits(DType dtype) {
  switch (dtype) {
    case DType::kUndefined:
    case DType::kString:
      return 0;
    case DType::kBool:
    case DType::kUint8:
    case DType::kInt8:
    case DType::kFloat8E4M3FN:
    case DType::kFloat8E4M3FNUZ:
    case DType::kFloat8E5M2:
    case DType::kFloat8E5M2FNUZ:
      return 8;
    case DType::kUint16:
    case DType::kInt16:
    case DType::kFloat16:
    case DType::kBFloat16:
      return 16;
    case DType::kFloat:
    case DType::kInt32:
    case DType::kUint32:
      return 32;
    case DType::kDouble:
    case DType::kInt64:
    case DType::kUint64:
    case DType::kComplex64:
      return 64;
    case DType::kComplex128:
      return 128;
    case DType::kUint4:
    case DType::kInt4:
    case DType::kFloat4E2M1:
      return 4;
  }
  return 0;
}

bool IsFloatingPoint(DType dtype) {
  switch (dtype) {
    case DType::kFloat:
    case DType::kDouble:
    case DType::kFloat16:
    case DType::kBFloat16:
    case DType::kFloat8E4M3FN:
    case DType::kFloat8E4M3FNUZ:
    case DType::kFloat8E5M2:
    case DType::kFloat8E5M2FNUZ:
    case DType::kFloat4E2M1:
      return true;
    default:
      return false;
  }
}

bool IsSubByte(DType dtype) {
  return dtype == DType::kInt4 || dtype == DType::kUint4 || dtype == DType::kFloat4E2M1;
}

size_t StorageBytes(DType dtype, int64_t count) {
  const size_t bits = DTypeBits(dtype);
  if (bits == 0) {
    Fail(ErrorCode::kInvalidArgument,
         std::string("element type ") + DTypeName(dtype) + " has no fixed-size storage");
  }
  if (count < 0) {
    Fail(ErrorCode::kInvalidArgument, "negative element count " + std::to_string(count));
  }
  const size_t elements = static_cast<size_t>(count);
  if (bits < 8) return (elements + 1) / 2;
  const size_t element_bytes = bits / 8;
  if (elements > std::numeric_limits<size_t>::max() / element_bytes) {
    Fail(ErrorCode::kInvalidArgument, std::to_string(count) + " elements of " + DTypeName(dtype) +
                                          " overflow the address space");
  }
  return elements * element_bytes;
}

uint16_t FloatToHalf(float value) {
  return static_cast<uint16_t>(EncodeNarrow(kHalf, value, /*saturate=*/false));
}

float HalfToFloat(uint16_t bits) {
  const uint32_t exponent_field = (bits >> 10) & 0x1Fu;
  if (exponent_field == 0x1F) {
    const uint32_t sign = static_cast<uint32_t>(bits & 0x8000u) << 16;
    const uint32_t mantissa = bits & 0x3FFu;
    // Keep the payload so NaNs survive a round trip through float.
    return BitsToFloat(sign | 0x7F800000u | (mantissa << 13));
  }
  return DecodeFinite(kHalf, bits);
}

uint16_t FloatToBFloat16(float value) {
  const uint32_t bits = FloatBits(value);
  if ((bits & 0x7FFFFFFFu) > 0x7F800000u) {
    // Quiet the NaN so truncating the payload cannot turn it into infinity.
    return static_cast<uint16_t>((bits >> 16) | 0x40u);
  }
  const uint32_t rounding = 0x7FFFu + ((bits >> 16) & 1u);
  return static_cast<uint16_t>((bits + rounding) >> 16);
}

float BFloat16ToFloat(uint16_t bits) {
  return BitsToFloat(static_cast<uint32_t>(bits) << 16);
}

uint8_t FloatToFloat8(DType dtype, float value, bool saturate) {
  return static_cast<uint8_t>(EncodeNarrow(Float8Format(dtype), value, saturate));
}

float Float8ToFloat(DType dtype, uint8_t bits) {
  const NarrowFormat& format = Float8Format(dtype);
  const float nan = std::numeric_limits<float>::quiet_NaN();
  if (format.unsigned_zero) {
    if (bits == format.nan_code) return nan;
  } else if ((bits & 0x7Fu) == format.nan_code) {
    return (bits & 0x80u) ? -nan : nan;
  }
  if (format.has_inf) {
    const uint32_t inf_code = ((1u << format.exponent_bits) - 1) << format.mantissa_bits;
    const uint32_t magnitude = bits & 0x7Fu;
    if (magnitude == inf_code) {
      const float inf = std::numeric_limits<float>::infinity();
      return (bits & 0x80u) ? -inf : inf;
    }
    if (magnitude > inf_code) return (bits & 0x80u) ? -nan : nan;
  }
  return DecodeFinite(format, bits);
}

uint8_t FloatToFloat4E2M1(float value) {
  if (std::isnan(value)) {
    // The format has no NaN; ONNX maps NaN to the largest positive value.
    return static_cast<uint8_t>(kE2M1.max_finite_code);
  }
  return static_cast<uint8_t>(EncodeNarrow(kE2M1, value, /*saturate=*/true));
}

float Float4E2M1ToFloat(uint8_t nibble) {
  return DecodeFinite(kE2M1, nibble & 0x0Fu);
}

uint8_t GetNibble(const uint8_t* packed, int64_t index) {
  const uint8_t byte = packed[index / 2];
  return (index % 2 == 0) ? (byte & 0x0Fu) : static_cast<uint8_t>(byte >> 4);
}

void SetNibble(uint8_t* packed, int64_t index, uint8_t nibble) {
  uint8_t& byte = packed[index / 2];
  nibble &= 0x0Fu;
  if (index % 2 == 0) {
    byte = static_cast<uint8_t>((byte & 0xF0u) | nibble);
  } else {
    byte = static_cast<uint8_t>((byte & 0x0Fu) | (nibble << 4));
  }
}

int8_t SignExtendInt4(uint8_t nibble) {
  nibble &= 0x0Fu;
  return static_cast<int8_t>(nibble >= 8 ? static_cast<int>(nibble) - 16 : nibble);
}

}  // namespace nncf::ir
