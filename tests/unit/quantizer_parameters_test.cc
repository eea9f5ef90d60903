// Scale and zero point from observed ranges: the cases of ptq.md 4.3-4.6 computed by hand, and
// NNCF's own reference scales for the overflow fix.
#include "algorithms/quantization/quantizer_parameters.h"

#include <cjson/cJSON.h>
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "core/common/error.h"

namespace nncf::algorithms::quantization {
namespace {

QuantizerConfig Config(QuantizationScheme mode, bool narrow = false, bool per_channel = false,
                       int bits = 8) {
  QuantizerConfig config;
  config.mode = mode;
  config.narrow_range = narrow;
  config.per_channel = per_channel;
  config.num_bits = bits;
  return config;
}

constexpr QuantizationScheme kSym = QuantizationScheme::kSymmetric;
constexpr QuantizationScheme kAsym = QuantizationScheme::kAsymmetric;

TEST(QuantizerParametersTest, SymmetricSignedActivationUsesAbsmaxOver127) {
  // low = -1.27 * 256/254, high = 1.27; scale = (high - low) / 255 = 1.27 / 127.
  QuantizerParameters p =
      CalculateQuantizerParameters({{-1.0f}, {1.27f}}, Config(kSym), false, false);
  EXPECT_EQ(p.dtype, ir::DType::kInt8);
  EXPECT_EQ(p.levels, 256);
  ASSERT_EQ(p.scale.size(), 1u);
  EXPECT_NEAR(p.scale[0], 0.01f, 1e-8);
  EXPECT_EQ(p.zero_point[0], 0);
  EXPECT_FLOAT_EQ(p.input_high[0], 1.27f);
  EXPECT_NEAR(p.input_low[0], -1.27 * 256.0 / 254.0, 1e-6);
}

TEST(QuantizerParametersTest, SymmetricUnsignedActivationIsUint8) {
  QuantizerParameters p =
      CalculateQuantizerParameters({{0.0f}, {2.55f}}, Config(kSym), false, false);
  EXPECT_EQ(p.dtype, ir::DType::kUint8);
  EXPECT_NEAR(p.scale[0], 0.01f, 1e-8);
  EXPECT_EQ(p.zero_point[0], 0);
  EXPECT_EQ(p.input_low[0], 0.0f);
}

TEST(QuantizerParametersTest, ForcedSignednessMakesNonNegativeRangeSigned) {
  QuantizerConfig config = Config(kSym, /*narrow=*/true);
  config.signedness_to_force = true;
  QuantizerParameters p = CalculateQuantizerParameters({{0.0f}, {127.0f}}, config, false, false);
  EXPECT_EQ(p.dtype, ir::DType::kInt8);
  EXPECT_EQ(p.levels, 255);
  EXPECT_EQ(p.scale[0], 1.0f);  // (127 + 127) / 254
  EXPECT_EQ(p.zero_point[0], 0);
}

TEST(QuantizerParametersTest, NarrowPerChannelWeights) {
  QuantizerParameters p = CalculateQuantizerParameters(
      {{-1.0f, -2.0f}, {127.0f, 63.5f}}, Config(kSym, true, true), /*is_weight=*/true, false);
  EXPECT_EQ(p.dtype, ir::DType::kInt8);
  EXPECT_EQ(p.levels, 255);
  EXPECT_EQ(p.scale, (std::vector<float>{1.0f, 0.5f}));
  EXPECT_EQ(p.zero_point, (std::vector<int32_t>{0, 0}));
  EXPECT_EQ(p.input_low, (std::vector<float>{-127.0f, -63.5f}));
}

TEST(QuantizerParametersTest, WeightsAreInt8EvenWhenNonNegative) {
  QuantizerParameters p =
      CalculateQuantizerParameters({{0.0f}, {2.0f}}, Config(kAsym), true, false);
  EXPECT_EQ(p.dtype, ir::DType::kInt8);
  // low 0, high 2: scale 2/255, zero point -128 - round(0) = -128.
  EXPECT_NEAR(p.scale[0], 2.0 / 255.0, 1e-9);
  EXPECT_EQ(p.zero_point[0], -128);
}

TEST(QuantizerParametersTest, SymmetricZeroFilterFixUsesOnePercentOfLargestChannel) {
  // high = max(max_c, 0.01 * 100) -> {100, 1, 1}; narrow scale = 2 * high / 254.
  QuantizerParameters p = CalculateQuantizerParameters({{-1.0f, 0.0f, 0.0f}, {100.0f, 0.0f, 0.5f}},
                                                       Config(kSym, true, true), true, false);
  EXPECT_EQ(p.input_high, (std::vector<float>{100.0f, 1.0f, 1.0f}));
  EXPECT_NEAR(p.scale[0], 200.0 / 254.0, 1e-6);
  EXPECT_NEAR(p.scale[1], 2.0 / 254.0, 1e-9);
  EXPECT_NEAR(p.scale[2], 2.0 / 254.0, 1e-9);
  // All-zero statistics: high = 8e-5; nothing negative and no forced sign, so low = 0, while the
  // weight element type stays int8: scale = 8e-5 / 254, zero point -127 - round(0) = -127.
  QuantizerParameters zero =
      CalculateQuantizerParameters({{0.0f}, {0.0f}}, Config(kSym, true), true, false);
  EXPECT_EQ(zero.input_high[0], 8e-5f);
  EXPECT_EQ(zero.input_low[0], 0.0f);
  EXPECT_NEAR(zero.scale[0], 8e-5 / 254.0, 1e-12);
  EXPECT_EQ(zero.zero_point[0], -127);
}

TEST(QuantizerParametersTest, TuneRangeMovesLowBorderWhenThatWidensMore) {
  // [-1, 3]: q = round(1 * 255 / 4) = 64. A: low' = 64 / (64 - 255) * 3 = -1.0052356 (range
  // 4.0052356); B: high' = (64 - 255) / 64 * -1 = 2.984375 (range 3.984375). A wins.
  QuantizerParameters p =
      CalculateQuantizerParameters({{-1.0f}, {3.0f}}, Config(kAsym), false, false);
  EXPECT_EQ(p.dtype, ir::DType::kInt8);
  EXPECT_NEAR(p.input_low[0], -192.0 / 191.0, 1e-6);
  EXPECT_EQ(p.input_high[0], 3.0f);
  EXPECT_NEAR(p.scale[0], (3.0 + 192.0 / 191.0) / 255.0, 1e-8);
  EXPECT_EQ(p.zero_point[0], -64);  // -128 - round(-64.0)
}

TEST(QuantizerParametersTest, TuneRangeMovesHighBorderWhenThatWidensMore) {
  // [-3, 1]: q = round(3 * 255 / 4) = round(191.25) = 191. A: low' = 191 / -64 * 1 = -2.984375;
  // B: high' = -64 / 191 * -3 = 1.0052356. B gives the larger range.
  QuantizerParameters p =
      CalculateQuantizerParameters({{-3.0f}, {1.0f}}, Config(kAsym), false, false);
  EXPECT_EQ(p.input_low[0], -3.0f);
  EXPECT_NEAR(p.input_high[0], 192.0 / 191.0, 1e-6);
  EXPECT_NEAR(p.scale[0], (3.0 + 192.0 / 191.0) / 255.0, 1e-8);
  EXPECT_EQ(p.zero_point[0], 63);  // -128 - round(-191.0)
}

TEST(QuantizerParametersTest, AsymmetricNonNegativeRangeIncludesZeroAndIsUint8) {
  QuantizerParameters p =
      CalculateQuantizerParameters({{0.5f}, {2.0f}}, Config(kAsym), false, false);
  EXPECT_EQ(p.dtype, ir::DType::kUint8);
  EXPECT_EQ(p.input_low[0], 0.0f);
  EXPECT_EQ(p.input_high[0], 2.0f);
  EXPECT_NEAR(p.scale[0], 2.0 / 255.0, 1e-9);
  EXPECT_EQ(p.zero_point[0], 0);
}

TEST(QuantizerParametersTest, AsymmetricZeroFilterWidensNarrowRanges) {
  // min = max = 4e-4: widened to [-4e-4, 1.2e-3]; q = round(4e-4 * 255 / 1.6e-3) = 64,
  // low' = 64 / -191 * 1.2e-3 = -4.020942e-4 wins over high' = 1.19375e-3.
  QuantizerParameters p =
      CalculateQuantizerParameters({{4e-4f}, {4e-4f}}, Config(kAsym), false, false);
  EXPECT_NEAR(p.input_high[0], 1.2e-3, 1e-9);
  EXPECT_NEAR(p.input_low[0], -64.0 / 191.0 * 1.2e-3, 1e-9);
  EXPECT_NEAR(p.scale[0], (1.2e-3 + 64.0 / 191.0 * 1.2e-3) / 255.0, 1e-11);
  EXPECT_EQ(p.zero_point[0], -64);
  // A wide range is left alone before tune_range: [-1, 254] has q = round(1) = 1 exactly.
  QuantizerParameters wide =
      CalculateQuantizerParameters({{-1.0f}, {254.0f}}, Config(kAsym), false, false);
  EXPECT_NEAR(wide.scale[0], 1.0f, 1e-6);
  EXPECT_EQ(wide.zero_point[0], -127);
}

TEST(QuantizerParametersTest, OverflowFixDoublesTheScale) {
  // 7-bit narrow grid [-127, 127] stretched by (255 - 1) / (128 - 1) = 2.
  QuantizerParameters p = CalculateQuantizerParameters({{-3.0f}, {127.0f}}, Config(kSym, true),
                                                       true, /*half_range=*/true);
  EXPECT_EQ(p.levels, 255);
  EXPECT_EQ(p.input_low[0], -254.0f);
  EXPECT_EQ(p.input_high[0], 254.0f);
  EXPECT_EQ(p.scale[0], 2.0f);
  EXPECT_EQ(p.zero_point[0], 0);
  try {
    CalculateQuantizerParameters({{-1.0f}, {1.0f}}, Config(kAsym), true, true);
    FAIL() << "asymmetric half range accepted";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::kInvalidArgument);
  }
  try {
    CalculateQuantizerParameters({{-1.0f}, {1.0f}}, Config(kSym), false, true);
    FAIL() << "activation half range accepted";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::kInvalidArgument);
  }
}

TEST(QuantizerParametersTest, FourAndSixteenBits) {
  // 4-bit signed: low = -7 * 16/14 = -8, scale = 15 / 15 = 1.
  QuantizerParameters int4 =
      CalculateQuantizerParameters({{-1.0f}, {7.0f}}, Config(kSym, false, false, 4), false, false);
  EXPECT_EQ(int4.dtype, ir::DType::kInt4);
  EXPECT_EQ(int4.levels, 16);
  EXPECT_NEAR(int4.scale[0], 1.0f, 1e-6);
  EXPECT_EQ(int4.zero_point[0], 0);
  QuantizerParameters uint4 =
      CalculateQuantizerParameters({{0.0f}, {15.0f}}, Config(kSym, false, false, 4), false, false);
  EXPECT_EQ(uint4.dtype, ir::DType::kUint4);
  EXPECT_EQ(uint4.scale[0], 1.0f);
  QuantizerParameters int16 = CalculateQuantizerParameters(
      {{-1.0f}, {32767.0f}}, Config(kSym, true, false, 16), true, false);
  EXPECT_EQ(int16.dtype, ir::DType::kInt16);
  EXPECT_EQ(int16.levels, 65535);
  EXPECT_EQ(int16.scale[0], 1.0f);
  QuantizerParameters uint16 = CalculateQuantizerParameters(
      {{0.0f}, {65535.0f}}, Config(kSym, false, false, 16), false, false);
  EXPECT_EQ(uint16.dtype, ir::DType::kUint16);
  EXPECT_EQ(uint16.scale[0], 1.0f);
  EXPECT_EQ(uint16.zero_point[0], 0);
  try {
    CalculateQuantizerParameters({{-1.0f}, {1.0f}}, Config(kSym, false, false, 7), false, false);
    FAIL() << "7 bits accepted";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::kUnsupported);
  }
}

TEST(QuantizerParametersTest, RejectsMismatchedStatistics) {
  try {
    CalculateQuantizerParameters({{-1.0f, -2.0f}, {1.0f, 2.0f}}, Config(kSym), false, false);
    FAIL() << "two values for a per-tensor quantizer accepted";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::kInvalidArgument);
  }
}

TEST(QuantizerParametersTest, Fp8Scales) {
  // Per channel: absmax / 448 (|min| + eps rounds to 448 in float32).
  QuantizerParameters e4m3 =
      CalculateFp8Parameters({{-448.0f, 0.0f}, {224.0f, 896.0f}}, QuantizationMode::kFp8E4M3, true);
  EXPECT_EQ(e4m3.dtype, ir::DType::kFloat8E4M3FN);
  EXPECT_EQ(e4m3.scale, (std::vector<float>{1.0f, 2.0f}));
  EXPECT_EQ(e4m3.zero_point, (std::vector<int32_t>{0, 0}));
  // Per tensor: NNCF's activation_scale 0.5 doubles the scale.
  QuantizerParameters tensor =
      CalculateFp8Parameters({{-1.0f}, {448.0f}}, QuantizationMode::kFp8E4M3, false);
  EXPECT_EQ(tensor.scale[0], 2.0f);
  QuantizerParameters e5m2 =
      CalculateFp8Parameters({{-1.0f}, {57344.0f}}, QuantizationMode::kFp8E5M2, true);
  EXPECT_EQ(e5m2.dtype, ir::DType::kFloat8E5M2);
  EXPECT_EQ(e5m2.scale[0], 1.0f);
  EXPECT_EQ(e5m2.input_high[0], 57344.0f);
}

// NNCF's reference scales (tests/onnx/data/reference_scales) read from the shared folder.
std::string ReadGolden(const std::string& name) {
  for (const char* root : {"/../shared/reference/nncf_goldens/scales/",
                           "/../../shared/reference/nncf_goldens/scales/"}) {
    std::ifstream file(std::string(NNCF_SOURCE_DIR) + root + name);
    if (file) {
      std::stringstream text;
      text << file.rdbuf();
      return text.str();
    }
  }
  return "";
}

std::vector<float> GoldenScales(const std::string& json_text, const char* quantizer) {
  std::unique_ptr<cJSON, void (*)(cJSON*)> json(cJSON_Parse(json_text.c_str()), cJSON_Delete);
  std::vector<float> scales;
  const cJSON* entry = cJSON_GetObjectItemCaseSensitive(json.get(), quantizer);
  const cJSON* scale = cJSON_GetObjectItemCaseSensitive(entry, "scale");
  const cJSON* item = nullptr;
  cJSON_ArrayForEach(item, scale) scales.push_back(static_cast<float>(item->valuedouble));
  return scales;
}

TEST(QuantizerParametersTest, NncfReferenceOverflowFixScales) {
  const std::string disabled = ReadGolden("linear_model_overflow_fix_disable.json");
  const std::string enabled = ReadGolden("linear_model_overflow_fix_enable.json");
  if (disabled.empty() || enabled.empty()) GTEST_SKIP() << "nncf_goldens folder not found";
  const std::vector<float> plain = GoldenScales(disabled, "QuantizeLinear_Conv1_W_1");
  const std::vector<float> half = GoldenScales(enabled, "QuantizeLinear_Conv1_W_1");
  ASSERT_EQ(plain.size(), half.size());
  ASSERT_FALSE(plain.empty());
  // For every channel, the float32 absmax values whose narrow 8-bit scale equals NNCF's plain
  // scale must give NNCF's overflow-fix scale with the half range.
  for (size_t c = 0; c < plain.size(); ++c) {
    float absmax = plain[c] * 127.0f;
    for (int step = 0; step < 64; ++step) absmax = std::nextafter(absmax, 0.0f);
    int matches = 0;
    for (int step = 0; step < 128; ++step, absmax = std::nextafter(absmax, 1.0f)) {
      const MinMaxValues stats{{-absmax}, {absmax}};
      const QuantizerConfig config = Config(kSym, true);
      if (CalculateQuantizerParameters(stats, config, true, false).scale[0] != plain[c]) continue;
      ++matches;
      EXPECT_EQ(CalculateQuantizerParameters(stats, config, true, true).scale[0], half[c])
          << "channel " << c;
    }
    EXPECT_GT(matches, 0) << "no absmax reproduces NNCF's scale of channel " << c;
  }
}

}  // namespace
}  // namespace nncf::algorithms::quantization
