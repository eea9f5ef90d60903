// Element types: names, sizes, nibble packing and bit-exact narrow-float conversions. Encoders
// are checked against a brute-force nearest-value search over every code of the format.
#include "core/ir/dtype.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <random>
#include <vector>

#include "core/common/error.h"

namespace nncf::ir {
namespace {

float Bits(uint32_t bits) {
  float value;
  std::memcpy(&value, &bits, sizeof(value));
  return value;
}

uint32_t BitsOf(float value) {
  uint32_t bits;
  std::memcpy(&bits, &value, sizeof(bits));
  return bits;
}

constexpr float kInf = std::numeric_limits<float>::infinity();
constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();

TEST(DTypeTest, NamesAndKnownValues) {
  EXPECT_STREQ(DTypeName(DType::kFloat), "float");
  EXPECT_STREQ(DTypeName(DType::kInt4), "int4");
  EXPECT_STREQ(DTypeName(DType::kFloat8E4M3FN), "float8e4m3fn");
  EXPECT_STREQ(DTypeName(DType::kFloat8E5M2FNUZ), "float8e5m2fnuz");
  EXPECT_STREQ(DTypeName(DType::kFloat4E2M1), "float4e2m1");
  EXPECT_STREQ(DTypeName(DType::kBFloat16), "bfloat16");
  EXPECT_STREQ(DTypeName(static_cast<DType>(99)), "unknown");
  for (int32_t value = 0; value <= 23; ++value) {
    EXPECT_TRUE(IsKnownDType(value)) << value;
    EXPECT_STRNE(DTypeName(static_cast<DType>(value)), "unknown") << value;
  }
  EXPECT_FALSE(IsKnownDType(24));
  EXPECT_FALSE(IsKnownDType(-1));
}

TEST(DTypeTest, BitsAndClassification) {
  EXPECT_EQ(DTypeBits(DType::kFloat), 32u);
  EXPECT_EQ(DTypeBits(DType::kDouble), 64u);
  EXPECT_EQ(DTypeBits(DType::kBool), 8u);
  EXPECT_EQ(DTypeBits(DType::kFloat16), 16u);
  EXPECT_EQ(DTypeBits(DType::kFloat8E5M2), 8u);
  EXPECT_EQ(DTypeBits(DType::kComplex128), 128u);
  EXPECT_EQ(DTypeBits(DType::kUint4), 4u);
  EXPECT_EQ(DTypeBits(DType::kFloat4E2M1), 4u);
  EXPECT_EQ(DTypeBits(DType::kString), 0u);
  EXPECT_EQ(DTypeBits(DType::kUndefined), 0u);
  EXPECT_TRUE(IsFloatingPoint(DType::kFloat8E4M3FNUZ));
  EXPECT_TRUE(IsFloatingPoint(DType::kFloat4E2M1));
  EXPECT_TRUE(IsFloatingPoint(DType::kBFloat16));
  EXPECT_FALSE(IsFloatingPoint(DType::kInt8));
  EXPECT_FALSE(IsFloatingPoint(DType::kInt4));
  EXPECT_TRUE(IsSubByte(DType::kInt4));
  EXPECT_TRUE(IsSubByte(DType::kUint4));
  EXPECT_TRUE(IsSubByte(DType::kFloat4E2M1));
  EXPECT_FALSE(IsSubByte(DType::kUint8));
}

TEST(DTypeTest, StorageBytes) {
  EXPECT_EQ(StorageBytes(DType::kFloat, 3), 12u);
  EXPECT_EQ(StorageBytes(DType::kInt64, 0), 0u);
  EXPECT_EQ(StorageBytes(DType::kInt4, 0), 0u);
  EXPECT_EQ(StorageBytes(DType::kInt4, 1), 1u);
  EXPECT_EQ(StorageBytes(DType::kInt4, 2), 1u);
  EXPECT_EQ(StorageBytes(DType::kUint4, 5), 3u);
  EXPECT_EQ(StorageBytes(DType::kComplex64, 2), 16u);
  try {
    StorageBytes(DType::kString, 1);
    FAIL() << "string storage has no fixed size";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::kInvalidArgument);
    EXPECT_NE(std::string(error.what()).find("string"), std::string::npos);
  }
  EXPECT_THROW(StorageBytes(DType::kFloat, -1), Error);
  EXPECT_THROW(StorageBytes(DType::kDouble, std::numeric_limits<int64_t>::max()), Error);
}

TEST(DTypeTest, Nibbles) {
  uint8_t packed[2] = {0, 0};
  SetNibble(packed, 0, 0x3);
  SetNibble(packed, 1, 0xA);
  SetNibble(packed, 2, 0xF);
  EXPECT_EQ(packed[0], 0xA3);
  EXPECT_EQ(packed[1], 0x0F);
  SetNibble(packed, 3, 0x15);  // only the low 4 bits are stored
  EXPECT_EQ(packed[1], 0x5F);
  SetNibble(packed, 0, 0x0);
  EXPECT_EQ(packed[0], 0xA0);
  EXPECT_EQ(GetNibble(packed, 0), 0x0);
  EXPECT_EQ(GetNibble(packed, 1), 0xA);
  EXPECT_EQ(GetNibble(packed, 2), 0xF);
  EXPECT_EQ(GetNibble(packed, 3), 0x5);
}

TEST(DTypeTest, SignExtendInt4) {
  for (int nibble = 0; nibble < 16; ++nibble) {
    const int expected = nibble < 8 ? nibble : nibble - 16;
    EXPECT_EQ(SignExtendInt4(static_cast<uint8_t>(nibble)), expected) << nibble;
  }
  EXPECT_EQ(SignExtendInt4(0xF8), -8);  // high bits are ignored
}

// ---- Brute-force reference for the narrow formats ---------------------------------------------

struct Grid {
  std::vector<double> values;  // positive finite values in code order, plus one virtual step
  std::vector<uint32_t> codes;
  uint32_t max_code;
};

// `decode` maps a magnitude code to its value; `max_code` is the largest finite code.
template <typename Decode>
Grid MakeGrid(Decode decode, uint32_t max_code) {
  Grid grid;
  grid.max_code = max_code;
  for (uint32_t code = 0; code <= max_code; ++code) {
    grid.values.push_back(decode(code));
    grid.codes.push_back(code);
  }
  const double max = grid.values[max_code];
  const double below = grid.values[max_code - 1];
  grid.values.push_back(2 * max - below);  // where the next code would sit without a limit
  grid.codes.push_back(max_code + 1);
  return grid;
}

// Nearest grid code to a positive finite x, ties to the even code; max_code + 1 means overflow.
uint32_t NearestCode(const Grid& grid, double x) {
  auto upper = std::lower_bound(grid.values.begin(), grid.values.end(), x);
  if (upper == grid.values.end()) return grid.max_code + 1;
  const size_t hi = static_cast<size_t>(upper - grid.values.begin());
  if (*upper == x || hi == 0) return grid.codes[hi];
  const size_t lo = hi - 1;
  const double down = x - grid.values[lo];
  const double up = grid.values[hi] - x;
  if (down < up) return grid.codes[lo];
  if (up < down) return grid.codes[hi];
  return (grid.codes[lo] % 2 == 0) ? grid.codes[lo] : grid.codes[hi];
}

// Samples: every grid value, every midpoint and its float neighbours, random magnitudes.
std::vector<float> Samples(const Grid& grid) {
  std::vector<float> samples;
  for (size_t i = 0; i < grid.values.size(); ++i) {
    const float value = static_cast<float>(grid.values[i]);
    samples.push_back(value);
    samples.push_back(std::nextafter(value, kInf));
    samples.push_back(std::nextafter(value, 0.0f));
    if (i + 1 < grid.values.size()) {
      const float mid = static_cast<float>((grid.values[i] + grid.values[i + 1]) / 2);
      EXPECT_EQ(static_cast<double>(mid), (grid.values[i] + grid.values[i + 1]) / 2);
      samples.push_back(mid);
      samples.push_back(std::nextafter(mid, kInf));
      samples.push_back(std::nextafter(mid, 0.0f));
    }
  }
  std::mt19937 random(1234);
  std::uniform_int_distribution<uint32_t> bits(0, 0x7F7FFFFFu);
  for (int i = 0; i < 20000; ++i) samples.push_back(Bits(bits(random)));
  samples.push_back(std::numeric_limits<float>::max());
  samples.push_back(std::numeric_limits<float>::denorm_min());
  samples.push_back(std::numeric_limits<float>::min());
  return samples;
}

struct Float8Case {
  DType dtype;
  uint32_t max_code;
  float max_value;
  float min_subnormal;
  bool has_inf;
  bool unsigned_zero;
};

const Float8Case kFloat8Cases[] = {
    {DType::kFloat8E4M3FN, 0x7E, 448.0f, 0.001953125f /*2^-9*/, false, false},
    {DType::kFloat8E4M3FNUZ, 0x7F, 240.0f, 0.0009765625f /*2^-10*/, false, true},
    {DType::kFloat8E5M2, 0x7B, 57344.0f, 1.52587890625e-05f /*2^-16*/, true, false},
    {DType::kFloat8E5M2FNUZ, 0x7F, 57344.0f, 7.62939453125e-06f /*2^-17*/, false, true},
};

bool IsNaNCode(const Float8Case& c, uint8_t code) {
  if (c.unsigned_zero) return code == 0x80;
  if (c.has_inf) return (code & 0x7F) > 0x7C;
  return (code & 0x7F) == 0x7F;
}

// Expected encoding following ONNX Cast's float8 tables.
uint8_t ExpectedFloat8(const Float8Case& c, const Grid& grid, float x, bool saturate) {
  const uint8_t sign = std::signbit(x) ? 0x80 : 0x00;
  const uint8_t nan = c.unsigned_zero ? 0x80 : static_cast<uint8_t>(sign | 0x7F);
  if (std::isnan(x)) return nan;
  if (std::isinf(x)) {
    if (c.unsigned_zero) return 0x80;
    if (saturate) return static_cast<uint8_t>(sign | c.max_code);
    return c.has_inf ? static_cast<uint8_t>(sign | 0x7C) : nan;
  }
  uint32_t code = (x == 0) ? 0 : NearestCode(grid, std::fabs(static_cast<double>(x)));
  if (code > c.max_code) {
    if (saturate) {
      code = c.max_code;
    } else if (c.has_inf) {
      code = 0x7C;
    } else {
      return nan;
    }
  }
  if (code == 0 && c.unsigned_zero) return 0;
  return static_cast<uint8_t>(sign | code);
}

TEST(Float8Test, DecodedGridIsMonotonicWithDocumentedRange) {
  for (const Float8Case& c : kFloat8Cases) {
    SCOPED_TRACE(DTypeName(c.dtype));
    EXPECT_EQ(Float8ToFloat(c.dtype, static_cast<uint8_t>(c.max_code)), c.max_value);
    EXPECT_EQ(Float8ToFloat(c.dtype, 0x01), c.min_subnormal);
    EXPECT_EQ(Float8ToFloat(c.dtype, static_cast<uint8_t>(0x80 | c.max_code)), -c.max_value);
    EXPECT_EQ(Float8ToFloat(c.dtype, 0x00), 0.0f);
    for (uint32_t code = 1; code <= c.max_code; ++code) {
      EXPECT_LT(Float8ToFloat(c.dtype, static_cast<uint8_t>(code - 1)),
                Float8ToFloat(c.dtype, static_cast<uint8_t>(code)))
          << code;
    }
  }
  EXPECT_EQ(Float8ToFloat(DType::kFloat8E4M3FN, 0x08), 0.015625f);  // min normal 2^-6
  EXPECT_EQ(Float8ToFloat(DType::kFloat8E4M3FN, 0x38), 1.0f);
  EXPECT_EQ(Float8ToFloat(DType::kFloat8E4M3FNUZ, 0x40), 1.0f);
  EXPECT_EQ(Float8ToFloat(DType::kFloat8E5M2, 0x3C), 1.0f);
  EXPECT_EQ(Float8ToFloat(DType::kFloat8E5M2FNUZ, 0x40), 1.0f);
  EXPECT_EQ(Float8ToFloat(DType::kFloat8E5M2, 0x7C), kInf);
  EXPECT_EQ(Float8ToFloat(DType::kFloat8E5M2, 0xFC), -kInf);
  EXPECT_TRUE(std::isnan(Float8ToFloat(DType::kFloat8E5M2, 0x7D)));
  EXPECT_TRUE(std::isnan(Float8ToFloat(DType::kFloat8E5M2, 0xFF)));
  EXPECT_TRUE(std::isnan(Float8ToFloat(DType::kFloat8E4M3FN, 0x7F)));
  EXPECT_TRUE(std::isnan(Float8ToFloat(DType::kFloat8E4M3FN, 0xFF)));
  EXPECT_EQ(Float8ToFloat(DType::kFloat8E4M3FN, 0xFE), -448.0f);
  EXPECT_TRUE(std::isnan(Float8ToFloat(DType::kFloat8E4M3FNUZ, 0x80)));
  EXPECT_TRUE(std::isnan(Float8ToFloat(DType::kFloat8E5M2FNUZ, 0x80)));
  EXPECT_EQ(Float8ToFloat(DType::kFloat8E4M3FNUZ, 0xFF), -240.0f);
  EXPECT_TRUE(std::signbit(Float8ToFloat(DType::kFloat8E4M3FN, 0x80)));
  EXPECT_TRUE(std::signbit(Float8ToFloat(DType::kFloat8E5M2, 0x80)));
}

TEST(Float8Test, EveryCodeRoundTrips) {
  for (const Float8Case& c : kFloat8Cases) {
    SCOPED_TRACE(DTypeName(c.dtype));
    int nan_codes = 0;
    for (int code = 0; code < 256; ++code) {
      const float value = Float8ToFloat(c.dtype, static_cast<uint8_t>(code));
      if (IsNaNCode(c, static_cast<uint8_t>(code))) {
        EXPECT_TRUE(std::isnan(value)) << code;
        ++nan_codes;
        continue;
      }
      EXPECT_FALSE(std::isnan(value)) << code;
      for (bool saturate : {false, true}) {
        if (std::isinf(value) && saturate) continue;  // inf saturates to the largest finite
        EXPECT_EQ(FloatToFloat8(c.dtype, value, saturate), code)
            << "code " << code << " value " << value << " saturate " << saturate;
      }
    }
    EXPECT_EQ(nan_codes, c.unsigned_zero ? 1 : (c.has_inf ? 6 : 2));
  }
}

TEST(Float8Test, MatchesNearestEvenReference) {
  for (const Float8Case& c : kFloat8Cases) {
    SCOPED_TRACE(DTypeName(c.dtype));
    const Grid grid = MakeGrid(
        [&](uint32_t code) {
          return static_cast<double>(Float8ToFloat(c.dtype, static_cast<uint8_t>(code)));
        },
        c.max_code);
    std::vector<float> samples = Samples(grid);
    samples.insert(samples.end(), {0.0f, -0.0f, kInf, -kInf, kNaN, -kNaN});
    for (float magnitude : std::vector<float>(samples)) samples.push_back(-magnitude);
    for (float x : samples) {
      for (bool saturate : {false, true}) {
        const uint8_t expected = ExpectedFloat8(c, grid, x, saturate);
        const uint8_t got = FloatToFloat8(c.dtype, x, saturate);
        if (std::isnan(x)) {
          EXPECT_TRUE(std::isnan(Float8ToFloat(c.dtype, got))) << x;
          continue;
        }
        ASSERT_EQ(got, expected) << "x=" << x << " bits=0x" << std::hex << BitsOf(x)
                                 << " saturate=" << saturate;
      }
    }
  }
}

TEST(Float8Test, HandComputedE4M3FN) {
  const DType t = DType::kFloat8E4M3FN;
  EXPECT_EQ(FloatToFloat8(t, 0.1f, true), 0x1D);  // 1.625 * 2^-4 = 0.1015625
  EXPECT_EQ(Float8ToFloat(t, 0x1D), 0.1015625f);
  EXPECT_EQ(FloatToFloat8(t, -0.1f, true), 0x9D);
  EXPECT_EQ(FloatToFloat8(t, 300.0f, true), 0x79);  // 288
  EXPECT_EQ(Float8ToFloat(t, 0x79), 288.0f);
  EXPECT_EQ(FloatToFloat8(t, 448.0f, false), 0x7E);
  EXPECT_EQ(FloatToFloat8(t, 464.0f, false), 0x7E);  // tie with the odd would-be 480
  EXPECT_EQ(FloatToFloat8(t, 465.0f, false), 0x7F);  // rounds past the max: NaN
  EXPECT_EQ(FloatToFloat8(t, 465.0f, true), 0x7E);
  EXPECT_EQ(FloatToFloat8(t, 500.0f, true), 0x7E);
  EXPECT_EQ(FloatToFloat8(t, -500.0f, true), 0xFE);
  EXPECT_EQ(FloatToFloat8(t, 500.0f, false), 0x7F);
  EXPECT_EQ(FloatToFloat8(t, -500.0f, false), 0xFF);
  EXPECT_EQ(FloatToFloat8(t, kInf, true), 0x7E);
  EXPECT_EQ(FloatToFloat8(t, -kInf, true), 0xFE);
  EXPECT_EQ(FloatToFloat8(t, kInf, false), 0x7F);
  EXPECT_EQ(FloatToFloat8(t, kNaN, true), 0x7F);
  EXPECT_EQ(FloatToFloat8(t, 1e-9f, true), 0x00);
  EXPECT_EQ(FloatToFloat8(t, -1e-9f, true), 0x80);
  EXPECT_EQ(FloatToFloat8(t, -0.0f, true), 0x80);
  // Subnormals: steps of 2^-9.
  EXPECT_EQ(FloatToFloat8(t, std::ldexp(1.0f, -10), true), 0x00);  // tie -> even 0
  EXPECT_EQ(FloatToFloat8(t, std::ldexp(1.001f, -10), true), 0x01);
  EXPECT_EQ(FloatToFloat8(t, std::ldexp(3.0f, -10), true), 0x02);  // tie 1|2 -> 2
  EXPECT_EQ(FloatToFloat8(t, std::ldexp(5.0f, -10), true), 0x02);  // tie 2|3 -> 2
  EXPECT_EQ(FloatToFloat8(t, std::ldexp(7.5f, -9), true), 0x08);   // tie 7|8 -> min normal
  EXPECT_EQ(FloatToFloat8(t, std::ldexp(7.25f, -9), true), 0x07);
  EXPECT_EQ(FloatToFloat8(t, 1.0625f, true), 0x38);  // tie 1|1.125 -> 1
  EXPECT_EQ(FloatToFloat8(t, 1.1875f, true), 0x3A);  // tie 1.125|1.25 -> 1.25
}

TEST(Float8Test, HandComputedOtherFormats) {
  const DType fnuz = DType::kFloat8E4M3FNUZ;
  EXPECT_EQ(FloatToFloat8(fnuz, 0.1f, true), 0x25);
  EXPECT_EQ(FloatToFloat8(fnuz, 300.0f, true), 0x7F);
  EXPECT_EQ(FloatToFloat8(fnuz, -300.0f, true), 0xFF);
  EXPECT_EQ(FloatToFloat8(fnuz, 300.0f, false), 0x80);
  EXPECT_EQ(FloatToFloat8(fnuz, 248.0f, true), 0x7F);  // tie rounds to the (absent) even code
  EXPECT_EQ(FloatToFloat8(fnuz, 248.0f, false), 0x80);
  EXPECT_EQ(FloatToFloat8(fnuz, 247.0f, false), 0x7F);
  EXPECT_EQ(FloatToFloat8(fnuz, kInf, true), 0x80);  // ONNX: inf -> NaN even saturating
  EXPECT_EQ(FloatToFloat8(fnuz, -kInf, false), 0x80);
  EXPECT_EQ(FloatToFloat8(fnuz, -0.0f, true), 0x00);  // no negative zero
  EXPECT_EQ(FloatToFloat8(fnuz, -1e-9f, true), 0x00);
  EXPECT_EQ(FloatToFloat8(fnuz, -kNaN, true), 0x80);

  const DType e5m2 = DType::kFloat8E5M2;
  EXPECT_EQ(FloatToFloat8(e5m2, 0.1f, true), 0x2E);  // 0.09375
  EXPECT_EQ(FloatToFloat8(e5m2, 57344.0f, false), 0x7B);
  EXPECT_EQ(FloatToFloat8(e5m2, 61439.0f, false), 0x7B);
  EXPECT_EQ(FloatToFloat8(e5m2, 61440.0f, false), 0x7C);  // tie rounds up to inf
  EXPECT_EQ(FloatToFloat8(e5m2, 61440.0f, true), 0x7B);
  EXPECT_EQ(FloatToFloat8(e5m2, 1e6f, false), 0x7C);
  EXPECT_EQ(FloatToFloat8(e5m2, -1e6f, false), 0xFC);
  EXPECT_EQ(FloatToFloat8(e5m2, -1e6f, true), 0xFB);
  EXPECT_EQ(FloatToFloat8(e5m2, kInf, false), 0x7C);
  EXPECT_EQ(FloatToFloat8(e5m2, kInf, true), 0x7B);
  EXPECT_EQ(FloatToFloat8(e5m2, -kInf, true), 0xFB);
  EXPECT_EQ(FloatToFloat8(e5m2, std::ldexp(1.0f, -17), true), 0x00);  // tie -> even 0
  EXPECT_EQ(FloatToFloat8(e5m2, std::ldexp(1.0f, -16), true), 0x01);
  EXPECT_EQ(FloatToFloat8(e5m2, -0.0f, false), 0x80);

  const DType e5m2fnuz = DType::kFloat8E5M2FNUZ;
  EXPECT_EQ(FloatToFloat8(e5m2fnuz, 0.1f, true), 0x32);
  EXPECT_EQ(FloatToFloat8(e5m2fnuz, 1e6f, true), 0x7F);
  EXPECT_EQ(FloatToFloat8(e5m2fnuz, 1e6f, false), 0x80);
  EXPECT_EQ(FloatToFloat8(e5m2fnuz, kInf, true), 0x80);
  EXPECT_EQ(FloatToFloat8(e5m2fnuz, -0.0f, false), 0x00);
  EXPECT_EQ(FloatToFloat8(e5m2fnuz, std::ldexp(1.0f, -17), true), 0x01);

  EXPECT_THROW(FloatToFloat8(DType::kFloat16, 1.0f, true), Error);
  EXPECT_THROW(Float8ToFloat(DType::kInt8, 0), Error);
}

// ---- float16 / bfloat16 ----------------------------------------------------------------------

TEST(HalfTest, MatchesNearestEvenReference) {
  const Grid grid = MakeGrid(
      [](uint32_t code) { return static_cast<double>(HalfToFloat(static_cast<uint16_t>(code))); },
      0x7BFF);
  std::vector<float> samples = Samples(grid);
  for (float x : samples) {
    for (float signed_x : {x, -x}) {
      uint32_t code = NearestCode(grid, std::fabs(static_cast<double>(signed_x)));
      if (code > 0x7BFF) code = 0x7C00;
      const uint16_t expected = static_cast<uint16_t>((std::signbit(signed_x) ? 0x8000 : 0) | code);
      ASSERT_EQ(FloatToHalf(signed_x), expected)
          << "x=" << signed_x << " bits=0x" << std::hex << BitsOf(signed_x);
    }
  }
}

TEST(HalfTest, EveryCodeRoundTripsAndSpecials) {
  for (uint32_t code = 0; code <= 0xFFFF; ++code) {
    const float value = HalfToFloat(static_cast<uint16_t>(code));
    if ((code & 0x7C00) == 0x7C00 && (code & 0x3FF) != 0) {
      EXPECT_TRUE(std::isnan(value)) << code;
      EXPECT_TRUE(std::isnan(HalfToFloat(FloatToHalf(value))));
      continue;
    }
    ASSERT_EQ(FloatToHalf(value), code) << code;
  }
  EXPECT_EQ(FloatToHalf(0.1f), 0x2E66);
  EXPECT_EQ(FloatToHalf(1.0f), 0x3C00);
  EXPECT_EQ(FloatToHalf(-2.0f), 0xC000);
  EXPECT_EQ(FloatToHalf(65504.0f), 0x7BFF);
  EXPECT_EQ(FloatToHalf(65519.0f), 0x7BFF);
  EXPECT_EQ(FloatToHalf(65520.0f), 0x7C00);  // tie rounds to even = infinity
  EXPECT_EQ(FloatToHalf(1e9f), 0x7C00);
  EXPECT_EQ(FloatToHalf(-kInf), 0xFC00);
  EXPECT_EQ(FloatToHalf(-0.0f), 0x8000);
  EXPECT_EQ(FloatToHalf(std::ldexp(1.0f, -24)), 0x0001);
  EXPECT_EQ(FloatToHalf(std::ldexp(1.0f, -25)), 0x0000);  // tie -> even 0
  EXPECT_EQ(FloatToHalf(std::ldexp(1.5f, -25)), 0x0001);
  EXPECT_EQ(FloatToHalf(std::ldexp(3.0f, -25)), 0x0002);  // tie 1|2 -> 2
  EXPECT_EQ(FloatToHalf(std::ldexp(1.0f, -14)), 0x0400);  // min normal
  EXPECT_EQ(FloatToHalf(1.0f + std::ldexp(1.0f, -11)), 0x3C00);
  EXPECT_EQ(FloatToHalf(1.0f + std::ldexp(3.0f, -11)), 0x3C02);
  EXPECT_EQ(FloatToHalf(std::numeric_limits<float>::denorm_min()), 0x0000);
  EXPECT_TRUE(std::isnan(HalfToFloat(FloatToHalf(kNaN))));
  EXPECT_EQ(HalfToFloat(0x7C00), kInf);
  EXPECT_EQ(HalfToFloat(0x0001), std::ldexp(1.0f, -24));
}

TEST(BFloat16Test, RoundsToNearestEven) {
  EXPECT_EQ(FloatToBFloat16(1.0f), 0x3F80);
  EXPECT_EQ(FloatToBFloat16(Bits(0x3F808000)), 0x3F80);  // tie, even stays
  EXPECT_EQ(FloatToBFloat16(Bits(0x3F818000)), 0x3F82);  // tie, odd rounds up
  EXPECT_EQ(FloatToBFloat16(Bits(0x3F808001)), 0x3F81);
  EXPECT_EQ(FloatToBFloat16(Bits(0x3F807FFF)), 0x3F80);
  EXPECT_EQ(FloatToBFloat16(std::numeric_limits<float>::max()), 0x7F80);  // overflows to inf
  EXPECT_EQ(FloatToBFloat16(Bits(0x7F7F7FFF)), 0x7F7F);
  EXPECT_EQ(FloatToBFloat16(kInf), 0x7F80);
  EXPECT_EQ(FloatToBFloat16(-kInf), 0xFF80);
  EXPECT_EQ(FloatToBFloat16(-0.0f), 0x8000);
  EXPECT_EQ(FloatToBFloat16(Bits(0x00008000)), 0x0000);  // subnormal tie -> even
  EXPECT_EQ(FloatToBFloat16(Bits(0x00018000)), 0x0002);
  EXPECT_EQ(FloatToBFloat16(Bits(0x00010000)), 0x0001);
  // A NaN whose payload sits only in the dropped bits must stay NaN.
  EXPECT_TRUE(std::isnan(BFloat16ToFloat(FloatToBFloat16(Bits(0x7F800001)))));
  EXPECT_TRUE(std::isnan(BFloat16ToFloat(FloatToBFloat16(Bits(0xFF800001)))));
  EXPECT_EQ(BFloat16ToFloat(0x3F80), 1.0f);
  EXPECT_EQ(BFloat16ToFloat(0xC040), -3.0f);
  for (uint32_t code = 0; code <= 0xFFFF; ++code) {
    const float value = BFloat16ToFloat(static_cast<uint16_t>(code));
    if (std::isnan(value)) continue;
    ASSERT_EQ(FloatToBFloat16(value), code) << code;
  }
  // Against the reference on random inputs: the nearer of the two truncation neighbours.
  std::mt19937 random(99);
  std::uniform_int_distribution<uint32_t> bits(0, 0x7F7FFFFFu);
  for (int i = 0; i < 100000; ++i) {
    const uint32_t x = bits(random);
    const uint32_t low = x >> 16;
    const uint32_t rest = x & 0xFFFF;
    const uint32_t expected = (rest > 0x8000 || (rest == 0x8000 && (low & 1))) ? low + 1 : low;
    ASSERT_EQ(FloatToBFloat16(Bits(x)), expected) << std::hex << x;
  }
}

// ---- float4 e2m1 -----------------------------------------------------------------------------

TEST(Float4Test, AllCodes) {
  const float magnitudes[8] = {0.0f, 0.5f, 1.0f, 1.5f, 2.0f, 3.0f, 4.0f, 6.0f};
  for (uint8_t code = 0; code < 16; ++code) {
    const float expected = (code & 0x8) ? -magnitudes[code & 7] : magnitudes[code & 7];
    EXPECT_EQ(Float4E2M1ToFloat(code), expected) << int{code};
    EXPECT_EQ(std::signbit(Float4E2M1ToFloat(code)), (code & 0x8) != 0) << int{code};
    EXPECT_EQ(FloatToFloat4E2M1(Float4E2M1ToFloat(code)), code) << int{code};
  }
  EXPECT_EQ(Float4E2M1ToFloat(0xF7), 6.0f);  // high bits ignored
}

TEST(Float4Test, RoundsToNearestEvenAndSaturates) {
  struct Case {
    float in;
    uint8_t code;
  };
  const Case cases[] = {{0.25f, 0x0}, {0.2500001f, 0x1}, {0.75f, 0x2}, {1.25f, 0x2}, {1.75f, 0x4},
                        {2.5f, 0x4},  {3.5f, 0x6},       {5.0f, 0x6},  {5.01f, 0x7}, {6.0f, 0x7},
                        {7.0f, 0x7},  {100.0f, 0x7},     {0.1f, 0x0},  {0.3f, 0x1},  {2.9f, 0x5},
                        {kInf, 0x7},  {1e-30f, 0x0}};
  for (const Case& c : cases) {
    EXPECT_EQ(FloatToFloat4E2M1(c.in), c.code) << c.in;
    EXPECT_EQ(FloatToFloat4E2M1(-c.in), c.code | 0x8) << -c.in;
  }
  EXPECT_EQ(FloatToFloat4E2M1(-0.0f), 0x8);
  EXPECT_EQ(FloatToFloat4E2M1(kNaN), 0x7);  // no NaN in the format; ONNX picks +6
  const Grid grid = MakeGrid(
      [](uint32_t code) {
        return static_cast<double>(Float4E2M1ToFloat(static_cast<uint8_t>(code)));
      },
      7);
  for (float x : Samples(grid)) {
    uint32_t code = NearestCode(grid, x);
    if (code > 7) code = 7;
    ASSERT_EQ(FloatToFloat4E2M1(x), code) << x;
  }
}

}  // namespace
}  // namespace nncf::ir
