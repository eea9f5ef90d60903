// Weight quantization against hand-computed vectors: NNCF's formulas for every mode, rounding ties
// (half to even, after adding the zero point), clamping, zero and constant groups, the sign of the
// symmetric scale, NF4 midpoints, E2M1 ties and the power-of-two scale, grouping layout, float16
// input, thread invariance and the quantization error. Values are chosen so the float32 maths is
// exact and the expected codes can be derived by hand.
#include "algorithms/weight_compression/weight_quantization.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include "core/common/error.h"

namespace nncf::algorithms::wc {
namespace {

constexpr float kEps = 1.1920928955078125e-07f;

ir::Tensor FloatTensor(const std::vector<int64_t>& dims, const std::vector<float>& values,
                       const std::string& name = "w") {
  return ir::Tensor::FromBytes(name, ir::DType::kFloat, dims, values.data(),
                               values.size() * sizeof(float));
}

ir::Tensor HalfTensor(const std::vector<int64_t>& dims, const std::vector<float>& values) {
  std::vector<uint16_t> half;
  for (float v : values) half.push_back(ir::FloatToHalf(v));
  return ir::Tensor::FromBytes("w16", ir::DType::kFloat16, dims, half.data(), half.size() * 2);
}

std::vector<int> SignedCodes(const CompressedWeight& w) {
  std::vector<int> out;
  for (uint8_t c : w.codes) out.push_back(static_cast<int8_t>(c));
  return out;
}

std::vector<uint8_t> CodeBytes(const CompressedWeight& w) {
  return std::vector<uint8_t>(w.codes.begin(), w.codes.end());
}

std::vector<int> UnsignedCodes(const CompressedWeight& w) {
  return std::vector<int>(w.codes.begin(), w.codes.end());
}

std::vector<float> DequantizedFloats(const CompressedWeight& w) {
  const ir::Tensor t = DequantizeWeight(w, ir::DType::kFloat);
  const float* p = t.DataAs<float>();
  return std::vector<float>(p, p + t.NumElements());
}

ErrorCode CodeOf(const std::function<void()>& body, std::string* message) {
  try {
    body();
  } catch (const Error& e) {
    *message = e.what();
    return e.code();
  }
  return ErrorCode::kOk;
}

TEST(WeightModeTest, NamesBitsAndKinds) {
  EXPECT_STREQ(WeightModeName(WeightMode::kInt4Asym), "int4_asym");
  EXPECT_STREQ(WeightModeName(WeightMode::kE2M1), "e2m1");
  EXPECT_EQ(WeightModeBits(WeightMode::kInt8Sym), 8);
  EXPECT_EQ(WeightModeBits(WeightMode::kNf4), 4);
  EXPECT_TRUE(IsAsymmetric(WeightMode::kInt8Asym));
  EXPECT_FALSE(IsAsymmetric(WeightMode::kInt4Sym));
  EXPECT_TRUE(IsIntegerMode(WeightMode::kInt4Sym));
  EXPECT_FALSE(IsIntegerMode(WeightMode::kNf4));
  EXPECT_FALSE(IsIntegerMode(WeightMode::kE2M1));
  // NNCF's NF4 table: symmetric ends, an exact zero at index 7, strictly increasing.
  const float* nf4 = Nf4Table();
  EXPECT_EQ(nf4[0], -1.0f);
  EXPECT_EQ(nf4[7], 0.0f);
  EXPECT_EQ(nf4[15], 1.0f);
  EXPECT_EQ(nf4[1], -0.6961928009986877f);
  EXPECT_EQ(nf4[14], 0.7229568362236023f);
  for (int i = 0; i < 15; ++i) {
    EXPECT_LT(nf4[i], Nf4Midpoints()[i]);
    EXPECT_LT(Nf4Midpoints()[i], nf4[i + 1]);
  }
}

TEST(QuantizeWeightTest, Int4AsymRoundsAfterAddingTheZeroPoint) {
  // min -1.5, max 2.25: scale 3.75/15 = 0.25, zp = -round(-6) = 6.
  const ir::Tensor w = FloatTensor({6}, {-1.5f, 2.25f, 0.125f, 0.375f, -0.375f, 1.0f});
  const CompressedWeight q = QuantizeWeight(w, WeightMode::kInt4Asym, 0, -1, 1);
  ASSERT_EQ(q.scales.size(), 1u);
  EXPECT_EQ(q.scales[0], 0.25f);
  EXPECT_EQ(q.zero_points, std::vector<uint8_t>({6}));
  // 0.125/0.25 + 6 = 6.5 -> 6 and -0.375/0.25 + 6 = 4.5 -> 4 (even); 0.375 -> 7.5 -> 8.
  // round(w/s) + zp would give 7 and 5 for the first two: NNCF adds first.
  EXPECT_EQ(UnsignedCodes(q), std::vector<int>({0, 15, 6, 8, 4, 10}));
  EXPECT_EQ(q.group_size, 6);
  EXPECT_EQ(q.scale_shape, std::vector<int64_t>({1}));
  EXPECT_EQ(DequantizedFloats(q), std::vector<float>({-1.5f, 2.25f, 0.0f, 0.5f, -0.5f, 1.0f}));
}

TEST(QuantizeWeightTest, Int8AsymTiesAndEnds) {
  // min -8, max 7.9375: scale 15.9375/255 = 0.0625, zp 128.
  const ir::Tensor w = FloatTensor({5}, {-8.0f, 7.9375f, 0.03125f, 0.09375f, -0.03125f});
  const CompressedWeight q = QuantizeWeight(w, WeightMode::kInt8Asym, 0, -1, 1);
  EXPECT_EQ(q.scales[0], 0.0625f);
  EXPECT_EQ(q.zero_points[0], 128);
  EXPECT_EQ(UnsignedCodes(q), std::vector<int>({0, 255, 128, 130, 128}));
}

TEST(QuantizeWeightTest, AsymmetricSpecialGroups) {
  // Four groups of four along axis 1: all positive, constant positive, constant negative, zero.
  const ir::Tensor w = FloatTensor({1, 16}, {1.0f, 2.0f, 1.5f, 1.25f,     // all positive
                                             0.5f, 0.5f, 0.5f, 0.5f,      // constant > 0
                                             -0.5f, -0.5f, -0.5f, -0.5f,  // constant < 0
                                             0.0f, 0.0f, 0.0f, 0.0f});    // zero
  const CompressedWeight q = QuantizeWeight(w, WeightMode::kInt4Asym, 1, 4, 1);
  EXPECT_EQ(q.scale_shape, std::vector<int64_t>({1, 4}));
  // All positive: the range is not widened to 0, zp clips to 0 and everything saturates at 15.
  EXPECT_EQ(q.scales[0], 1.0f / 15.0f);
  EXPECT_EQ(q.zero_points[0], 0);
  // Constant groups: scale 0 becomes float32 eps; zp = -round(+-2^22) clipped to 0 or 15.
  EXPECT_EQ(q.scales[1], kEps);
  EXPECT_EQ(q.zero_points[1], 0);
  EXPECT_EQ(q.scales[2], kEps);
  EXPECT_EQ(q.zero_points[2], 15);
  EXPECT_EQ(q.scales[3], kEps);
  EXPECT_EQ(q.zero_points[3], 0);
  EXPECT_EQ(UnsignedCodes(q),
            std::vector<int>({15, 15, 15, 15, 15, 15, 15, 15, 0, 0, 0, 0, 0, 0, 0, 0}));
  const std::vector<float> back = DequantizedFloats(q);
  EXPECT_EQ(back[0], 15.0f * (1.0f / 15.0f));
  EXPECT_EQ(back[4], 15.0f * kEps);  // NNCF quirk: a constant group does not come back
  EXPECT_EQ(back[8], -15.0f * kEps);
  EXPECT_EQ(back[12], 0.0f);  // a zero group is exact
}

TEST(QuantizeWeightTest, Int4SymSignedScale) {
  const ir::Tensor w = FloatTensor({1, 16}, {-2.0f, 1.0f, 0.25f, -0.375f,     // |min| wins
                                             3.0f, -1.0f, 0.5625f, -0.1875f,  // max wins: s < 0
                                             -2.0f, 2.0f, 1.0f, 0.0f,         // tie: positive s
                                             0.0f, 0.0f, 0.0f, 0.0f});        // zero group
  const CompressedWeight q = QuantizeWeight(w, WeightMode::kInt4Sym, 1, 4, 1);
  EXPECT_TRUE(q.zero_points.empty());
  EXPECT_EQ(q.scales, std::vector<float>({0.25f, -0.375f, 0.25f, kEps}));
  // -0.375/0.25 = -1.5 -> -2; -1/-0.375 = 2.67 -> 3; 0.5625/-0.375 = -1.5 -> -2;
  // -0.1875/-0.375 = 0.5 -> 0; 2/0.25 = 8 clamps to 7.
  EXPECT_EQ(SignedCodes(q),
            std::vector<int>({-8, 4, 1, -2, -8, 3, -2, 0, -8, 7, 4, 0, 0, 0, 0, 0}));
  const std::vector<float> back = DequantizedFloats(q);
  EXPECT_EQ(back[4], 3.0f);  // the largest magnitude is exact whatever its sign
  EXPECT_EQ(back[0], -2.0f);
  EXPECT_EQ(back[9], 1.75f);
}

TEST(QuantizeWeightTest, SymmetricConstantGroups) {
  const ir::Tensor w = FloatTensor({2, 2}, {-0.5f, -0.5f, 0.5f, 0.5f});
  const CompressedWeight q = QuantizeWeight(w, WeightMode::kInt8Sym, 1, -1, 1);
  EXPECT_EQ(q.scales, std::vector<float>({0.5f / 128.0f, 0.5f / 128.0f}));
  // Negative constant: exactly -128. Positive constant: |min| == max picks the positive scale,
  // so it lands on 128 and clamps to 127 (NNCF's tie rule, kept for parity).
  EXPECT_EQ(SignedCodes(q), std::vector<int>({-128, -128, 127, 127}));
}

TEST(QuantizeWeightTest, Nf4MidpointsGoToTheLowerCode) {
  const float* mid = Nf4Midpoints();
  const float above = std::nextafter(mid[7], 1.0f);
  const ir::Tensor w = FloatTensor({8}, {1.0f, -0.5f, mid[7], above, -1.0f, 0.0f, mid[0], 0.5f});
  const CompressedWeight q = QuantizeWeight(w, WeightMode::kNf4, 0, -1, 1);
  EXPECT_EQ(q.scales[0], 1.0f);
  EXPECT_EQ(UnsignedCodes(q), std::vector<int>({15, 2, 7, 8, 0, 7, 0, 12}));
  const std::vector<float> back = DequantizedFloats(q);
  EXPECT_EQ(back[1], Nf4Table()[2]);
  EXPECT_EQ(back[5], 0.0f);
}

TEST(QuantizeWeightTest, Nf4ScaleIsAbsMaxAndZeroGroupUsesEps) {
  const ir::Tensor w = FloatTensor({4, 2}, {-2.0f, 0.0f, 1.0f, 0.0f, 0.5f, 0.0f, 0.0f, 0.0f});
  const CompressedWeight q = QuantizeWeight(w, WeightMode::kNf4, 0, -1, 1);
  EXPECT_EQ(q.scale_shape, std::vector<int64_t>({1, 2}));
  EXPECT_EQ(q.scales, std::vector<float>({2.0f, kEps}));
  // -1 -> 0; 0.5 -> code 12 (0.5 < midpoint 0.50166); 0.25 -> 10 (0.2461 vs 0.3379); zero -> 7.
  EXPECT_EQ(UnsignedCodes(q), std::vector<int>({0, 7, 12, 7, 10, 7, 7, 7}));
}

TEST(QuantizeWeightTest, E2M1TiesToEvenAndPowerOfTwoScale) {
  // Group of 32 with max |w| = 6: scale 1 exactly; then a group with max |w| = 7 -> scale 2.
  std::vector<float> values = {0.25f, -0.25f, 0.75f, 1.25f, 1.75f, 2.5f,  3.5f,  5.0f,
                               5.5f,  -5.0f,  6.0f,  -6.0f, 0.3f,  2.75f, -0.0f, 0.0f};
  std::vector<uint8_t> expected = {0x0, 0x8, 0x2, 0x2, 0x4, 0x4, 0x6, 0x6,
                                   0x7, 0xE, 0x7, 0xF, 0x1, 0x5, 0x8, 0x0};
  values.resize(32, 0.0f);
  expected.resize(32, 0x0);
  values.push_back(7.0f);  // 7/2 = 3.5 -> 4 (even mantissa)
  expected.push_back(0x6);
  values.push_back(-0.75f);  // -0.375 -> -0.5
  expected.push_back(0x9);
  values.push_back(5.0f);  // 2.5 -> 2
  expected.push_back(0x4);
  values.resize(64, 1.0f);  // 0.5
  expected.resize(64, 0x1);
  const ir::Tensor w = FloatTensor({64}, values);
  const CompressedWeight q = QuantizeWeight(w, WeightMode::kE2M1, 0, 32, 1);
  EXPECT_EQ(q.scales, std::vector<float>({1.0f, 2.0f}));
  EXPECT_EQ(CodeBytes(q), expected);
  const std::vector<float> back = DequantizedFloats(q);
  EXPECT_EQ(back[8], 6.0f);
  EXPECT_EQ(back[32], 8.0f);
}

TEST(QuantizeWeightTest, E2M1ScaleRoundsUpToAPowerOfTwo) {
  // max |w| 0.3: 0.3/6 = 0.05 -> 2^-4; max |w| 0.375: 0.0625 is already a power of two.
  std::vector<float> values(64, 0.0f);
  values[0] = 0.3f;
  values[32] = -0.375f;
  const CompressedWeight q = QuantizeWeight(FloatTensor({64}, values), WeightMode::kE2M1, 0, 32, 1);
  EXPECT_EQ(q.scales, std::vector<float>({0.0625f, 0.0625f}));
  EXPECT_EQ(q.codes[0], 0x6);   // 4.8 -> 4
  EXPECT_EQ(q.codes[32], 0xF);  // -6: the group maximum never saturates under the ceil rule
  // A zero group: scale eps = 2^-23, already a power of two.
  const CompressedWeight zero =
      QuantizeWeight(FloatTensor({32}, std::vector<float>(32, 0.0f)), WeightMode::kE2M1, 0, 32, 1);
  EXPECT_EQ(zero.scales[0], std::ldexp(1.0f, -23));
  EXPECT_EQ(CodeBytes(zero), std::vector<uint8_t>(32, 0));
}

TEST(QuantizeWeightTest, GroupsLayoutAlongEitherAxis) {
  // [4, 3] with groups of 2 along axis 0: scale [2, 3]; each group's max |w| is its own.
  const ir::Tensor w = FloatTensor(
      {4, 3}, {1.0f, -2.0f, 4.0f, 0.5f, 1.0f, -1.0f, 8.0f, 0.25f, 2.0f, -1.0f, 0.5f, 1.0f});
  const CompressedWeight a0 = QuantizeWeight(w, WeightMode::kNf4, 0, 2, 1);
  EXPECT_EQ(a0.scale_shape, std::vector<int64_t>({2, 3}));
  EXPECT_EQ(a0.scales, std::vector<float>({1.0f, 2.0f, 4.0f, 8.0f, 0.5f, 2.0f}));
  EXPECT_EQ(a0.num_groups(), 2);
  const CompressedWeight a1 = QuantizeWeight(w, WeightMode::kNf4, 1, -1, 1);
  EXPECT_EQ(a1.scale_shape, std::vector<int64_t>({4, 1}));
  EXPECT_EQ(a1.scales, std::vector<float>({4.0f, 1.0f, 8.0f, 1.0f}));
  const CompressedWeight neg = QuantizeWeight(w, WeightMode::kNf4, -1, -1, 1);
  EXPECT_EQ(neg.reduction_axis, 1);
  EXPECT_EQ(neg.scales, a1.scales);
}

TEST(QuantizeWeightTest, Float16InputIsWidenedFirstAndScalesStayFloat32) {
  std::mt19937 rng(7);
  std::normal_distribution<float> normal(0.0f, 0.02f);
  std::vector<float> values(64 * 48);
  for (float& v : values) v = normal(rng);
  const ir::Tensor half = HalfTensor({64, 48}, values);
  std::vector<float> widened;
  for (float v : values) widened.push_back(ir::HalfToFloat(ir::FloatToHalf(v)));
  const ir::Tensor single = FloatTensor({64, 48}, widened);
  for (WeightMode mode :
       {WeightMode::kInt4Asym, WeightMode::kInt8Sym, WeightMode::kNf4, WeightMode::kE2M1}) {
    const CompressedWeight a = QuantizeWeight(half, mode, 0, 32, 1);
    const CompressedWeight b = QuantizeWeight(single, mode, 0, 32, 1);
    EXPECT_EQ(a.codes, b.codes) << WeightModeName(mode);
    EXPECT_EQ(a.scales, b.scales) << WeightModeName(mode);
    EXPECT_EQ(a.zero_points, b.zero_points) << WeightModeName(mode);
    EXPECT_EQ(a.float_dtype, ir::DType::kFloat16);
  }
  // Dequantized to float16: the float32 product rounded once.
  const CompressedWeight q = QuantizeWeight(half, WeightMode::kInt4Sym, 1, 16, 1);
  const ir::Tensor back = DequantizeWeight(q, ir::DType::kFloat16);
  ASSERT_EQ(back.dtype, ir::DType::kFloat16);
  const std::vector<float> f32 = DequantizedFloats(q);
  for (size_t i = 0; i < f32.size(); ++i) {
    ASSERT_EQ(back.DataAs<uint16_t>()[i], ir::FloatToHalf(f32[i]));
  }
}

TEST(QuantizeWeightTest, SameBytesForAnyThreadCount) {
  std::mt19937 rng(11);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  // Large enough for several tiles in both layouts (smaller weights run on one thread).
  std::vector<float> values(1024 * 640);
  for (float& v : values) v = normal(rng);
  const ir::Tensor w = FloatTensor({1024, 640}, values);
  for (int64_t axis : {0, 1}) {
    const CompressedWeight one = QuantizeWeight(w, WeightMode::kInt4Asym, axis, 128, 1);
    for (int threads : {2, 3, 8, 0}) {
      const CompressedWeight many = QuantizeWeight(w, WeightMode::kInt4Asym, axis, 128, threads);
      EXPECT_EQ(one.codes, many.codes);
      EXPECT_EQ(one.scales, many.scales);
      EXPECT_EQ(one.zero_points, many.zero_points);
      EXPECT_EQ(WeightQuantizationError(w, one, 1), WeightQuantizationError(w, many, threads));
    }
  }
}

TEST(QuantizeWeightTest, BadInputNamesTheTensor) {
  const ir::Tensor w = FloatTensor({100, 8}, std::vector<float>(800, 1.0f), "layer.weight");
  std::string message;
  EXPECT_EQ(CodeOf([&] { QuantizeWeight(w, WeightMode::kInt4Sym, 0, 128, 1); }, &message),
            ErrorCode::kInvalidArgument);
  EXPECT_NE(message.find("layer.weight"), std::string::npos) << message;
  EXPECT_NE(message.find("group size 128"), std::string::npos) << message;
  EXPECT_EQ(CodeOf([&] { QuantizeWeight(w, WeightMode::kInt4Sym, 0, 0, 1); }, &message),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(CodeOf([&] { QuantizeWeight(w, WeightMode::kInt4Sym, 2, -1, 1); }, &message),
            ErrorCode::kInvalidArgument);
  EXPECT_NE(message.find("layer.weight"), std::string::npos) << message;
  EXPECT_EQ(CodeOf([&] { QuantizeWeight(w, WeightMode::kE2M1, 0, 50, 1); }, &message),
            ErrorCode::kInvalidArgument);
  EXPECT_NE(message.find("32"), std::string::npos) << message;

  const std::vector<int32_t> ints(8, 1);
  const ir::Tensor int_weight =
      ir::Tensor::FromBytes("ints", ir::DType::kInt32, {8}, ints.data(), ints.size() * 4);
  EXPECT_EQ(CodeOf([&] { QuantizeWeight(int_weight, WeightMode::kInt8Asym, 0, -1, 1); }, &message),
            ErrorCode::kInvalidArgument);
  EXPECT_NE(message.find("ints"), std::string::npos) << message;

  std::vector<float> with_nan(64, 0.5f);
  with_nan[37] = std::nanf("");
  EXPECT_EQ(
      CodeOf(
          [&] { QuantizeWeight(FloatTensor({64}, with_nan, "nan.w"), WeightMode::kNf4, 0, -1, 1); },
          &message),
      ErrorCode::kInvalidArgument);
  EXPECT_NE(message.find("nan.w"), std::string::npos) << message;
}

TEST(WeightQuantizationErrorTest, MaxOverChannelsOfMeanSquaredError) {
  // Column 0 constant 0.5 (comes back as 15 eps in INT4_ASYM), column 1 exact.
  const ir::Tensor w = FloatTensor({4, 2}, {0.5f, 0.0f, 0.5f, 1.0f, 0.5f, 2.0f, 0.5f, 3.0f});
  const CompressedWeight q = QuantizeWeight(w, WeightMode::kInt4Asym, 0, -1, 1);
  const float diff = 15.0f * kEps - 0.5f;
  EXPECT_EQ(WeightQuantizationError(w, q), static_cast<double>(diff * diff));
  // The score mixed precision ranks by: 1 / (INT8_ASYM per-channel error + eps).
  const float diff8 = 255.0f * kEps - 0.5f;
  EXPECT_DOUBLE_EQ(WeightQuantizationScore(w, 0, 1),
                   1.0 / (static_cast<double>(diff8 * diff8) + static_cast<double>(kEps)));
  const ir::Tensor other = FloatTensor({2, 4}, std::vector<float>(8, 0.0f));
  std::string message;
  EXPECT_EQ(CodeOf([&] { WeightQuantizationError(other, q); }, &message),
            ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace nncf::algorithms::wc
