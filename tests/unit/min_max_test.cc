// MinMaxCalibration: NNCF's default range estimators per quantizer kind, user overrides, unified
// groups, the overflow fix and FP8, on y = x + w, z = Relu(y), wt = Transpose(w).
#include "algorithms/quantization/min_max.h"

#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

#include "core/common/error.h"
#include "core/data/dataset.h"
#include "model_builder.h"
#include "vector_dataset.h"

namespace nncf::algorithms::quantization {
namespace {

using testing::ModelBuilder;
using testing::VectorDataset;

data::Sample Item(const std::vector<float>& values) {
  data::Sample sample;
  sample.Set(ModelBuilder::FloatTensor("x", {1, 2, 3}, values));
  return sample;
}

ir::Model TestModel() {
  ModelBuilder builder;
  builder.Input("x", {-1, 2, 3})
      .Floats("w", {2, 3}, {0, 0, 0, 10, 10, 10})
      .Node("Add", {"x", "w"}, {"y"})
      .Node("Relu", {"y"}, {"z"})
      .Node("Transpose", {"w"}, {"wt"}, {ir::Attribute::Ints("perm", {1, 0})})
      .Output("z", {-1, 2, 3})
      .Output("wt", {3, 2});
  return builder.Build();
}

// Item mins of x: -6, 2, -1; maxima 5, 12, -1; absmaxima 6, 12, 1.
// y = x + w: item mins -2, 2, -1; maxima 15, 22, 9; row minima [-2, 4], [2, 18], [-1, 9];
// row absmaxima [3, 15], [6, 22], [1, 9]. z = Relu(y): item mins 0, 2, 0.
VectorDataset ThreeItems() {
  return VectorDataset(
      {Item({1, -2, 3, -4, 5, -6}), Item({2, 4, 6, 8, 10, 12}), Item({-1, -1, -1, -1, -1, -1})});
}

QuantizerSpec Spec(int id, const std::string& tensor, bool is_weight, QuantizationScheme mode,
                   bool per_channel = false, int64_t axis = 0) {
  QuantizerSpec spec;
  spec.id = id;
  spec.point.kind = is_weight ? InsertionKind::kWeight : InsertionKind::kPreLayer;
  spec.point.tensor = tensor;
  spec.is_weight = is_weight;
  spec.config.mode = mode;
  spec.config.per_channel = per_channel;
  if (is_weight) {
    spec.config.narrow_range = true;
    spec.config.signedness_to_force = true;
  }
  spec.axis = axis;
  return spec;
}

constexpr QuantizationScheme kSym = QuantizationScheme::kSymmetric;
constexpr QuantizationScheme kAsym = QuantizationScheme::kAsymmetric;

QuantizationSetup DefaultSetup() {
  QuantizationSetup setup;
  setup.quantizers = {
      Spec(0, "x", false, kSym),            // per-tensor activation
      Spec(1, "w", true, kSym, true, 0),    // per-channel weight (initializer)
      Spec(2, "y", false, kAsym),           // asymmetric activation
      Spec(3, "y", false, kSym, true, 1),   // per-channel activation
      Spec(4, "wt", true, kSym, true, -1),  // weight computed by Transpose
  };
  return setup;
}

struct Calibrated {
  std::vector<QuantizerParameters> params;
  std::vector<MinMaxValues> observed;
};

Calibrated Calibrate(const QuantizationSetup& setup, const QuantizeParams& params) {
  const ir::Model model = TestModel();
  const NncfGraph graph;  // MinMaxCalibration reads quantizer points from the setup
  MinMaxCalibration calibration(setup, graph, params, /*batchwise=*/false);
  StatisticsCollector collector;
  calibration.Register(collector);
  VectorDataset dataset = ThreeItems();
  collector.Collect(model, dataset, params.subset_size, 1, Context(), "calibration");
  Calibrated run;
  run.params = calibration.Compute(collector, &run.observed);
  return run;
}

void ExpectNear(const std::vector<float>& actual, const std::vector<float>& expected) {
  ASSERT_EQ(actual.size(), expected.size());
  for (size_t i = 0; i < actual.size(); ++i) EXPECT_NEAR(actual[i], expected[i], 1e-5) << i;
}

TEST(MinMaxTest, DefaultRangeEstimatorsPerQuantizerKind) {
  const Calibrated run = Calibrate(DefaultSetup(), QuantizeParams());
  ASSERT_EQ(run.observed.size(), 5u);
  // Per-tensor activation: mean of item mins, mean of item absmaxima (symmetric).
  ExpectNear(run.observed[0].min, {-5.0f / 3.0f});
  ExpectNear(run.observed[0].max, {19.0f / 3.0f});
  // Weights: global per-channel min and absmax over axis 0.
  ExpectNear(run.observed[1].min, {0, 10});
  ExpectNear(run.observed[1].max, {0, 10});
  // Asymmetric activation: mean of item mins and of (signed) maxima.
  ExpectNear(run.observed[2].min, {-1.0f / 3.0f});
  ExpectNear(run.observed[2].max, {46.0f / 3.0f});
  // Per-channel activation keeps axis 1: MIN/MIN and ABS_MAX/MAX.
  ExpectNear(run.observed[3].min, {-2, 4});
  ExpectNear(run.observed[3].max, {6, 22});
  // A computed weight (Transpose of w) with axis -1 sees w's rows.
  ExpectNear(run.observed[4].min, {0, 10});
  ExpectNear(run.observed[4].max, {0, 10});

  // Symmetric signed activation: scale = absmax / 127 (ptq.md 4.4).
  EXPECT_EQ(run.params[0].dtype, ir::DType::kInt8);
  EXPECT_NEAR(run.params[0].scale[0], 19.0 / 3.0 / 127.0, 1e-6);
  // Narrow weights with the zero-filter fix: high {0.1, 10} -> scale 2 * high / 254.
  ExpectNear(run.params[1].scale, {0.2f / 254.0f, 20.0f / 254.0f});
  EXPECT_EQ(run.params[1].zero_point, (std::vector<int32_t>{0, 0}));
  EXPECT_EQ(run.params[4].scale, run.params[1].scale);
  // Per-channel activation [-2, 4] / [6, 22]: signed, low = -high * 256/254.
  ExpectNear(run.params[3].scale, {6.0f / 127.0f, 22.0f / 127.0f});
}

TEST(MinMaxTest, UserRangeEstimatorOverridesOnlyGivenFields) {
  QuantizeParams params;
  params.activations_range.min.aggregator_type = AggregatorType::kMin;
  params.activations_range.max.aggregator_type = AggregatorType::kMax;
  const Calibrated run = Calibrate(DefaultSetup(), params);
  // Statistic types stay the defaults (MIN, MAX -> ABS_MAX when symmetric).
  ExpectNear(run.observed[0].min, {-6});
  ExpectNear(run.observed[0].max, {12});
  ExpectNear(run.observed[2].min, {-2});
  ExpectNear(run.observed[2].max, {22});
  // Weights keep their own defaults.
  ExpectNear(run.observed[1].max, {0, 10});

  // QUANTILE on both sides at p = 0.25: item quantiles of x are (-3.5, 2.5), (4.5, 9.5),
  // (-1, -1). Symmetric keeps the raw (not absolute) upper quantile: a NNCF quirk.
  QuantizeParams quantile;
  quantile.activations_range.min.statistics_type = StatisticType::kQuantile;
  quantile.activations_range.max.statistics_type = StatisticType::kQuantile;
  quantile.activations_range.min.quantile_outlier_prob = 0.25;
  quantile.activations_range.max.quantile_outlier_prob = 0.25;
  const Calibrated q = Calibrate(DefaultSetup(), quantile);
  ExpectNear(q.observed[0].min, {0});
  ExpectNear(q.observed[0].max, {11.0f / 3.0f});
}

TEST(MinMaxTest, HistogramSetIsPerTensorAndMustBeComplete) {
  QuantizeParams params;
  for (StatisticsCollectorParameters* side :
       {&params.activations_range.min, &params.activations_range.max}) {
    side->statistics_type = StatisticType::kRaw;
    side->aggregator_type = AggregatorType::kHistogram;
  }
  const Calibrated run = Calibrate(DefaultSetup(), params);
  // The histogram range of all values of x lies inside the global [-6, 12].
  ASSERT_EQ(run.observed[0].min.size(), 1u);
  EXPECT_GE(run.observed[0].min[0], -6.0f);
  EXPECT_LT(run.observed[0].min[0], 0.0f);
  EXPECT_LE(run.observed[0].max[0], 12.0f);
  EXPECT_GT(run.observed[0].max[0], 5.0f);
  // Per-channel activations fall back to MINMAX.
  ExpectNear(run.observed[3].min, {-2, 4});
  ExpectNear(run.observed[3].max, {6, 22});

  QuantizeParams partial;
  partial.activations_range.max.aggregator_type = AggregatorType::kHistogram;
  try {
    Calibrate(DefaultSetup(), partial);
    FAIL() << "a partial histogram set was accepted";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::kUnsupported);
  }
}

TEST(MinMaxTest, UnifiedGroupSharesMinOfMinsAndMaxOfMaxes) {
  QuantizationSetup setup;
  setup.quantizers = {Spec(0, "x", false, kAsym), Spec(1, "z", false, kAsym),
                      Spec(2, "y", false, kAsym)};
  setup.quantizers[0].unified_group = 0;
  setup.quantizers[1].unified_group = 0;
  setup.unified_groups = {{0, 1}};
  const Calibrated run = Calibrate(setup, QuantizeParams());
  // x: mean min -5/3, mean max 16/3; z: mean min 2/3, mean max 46/3.
  ExpectNear(run.observed[0].min, {-5.0f / 3.0f});
  ExpectNear(run.observed[1].max, {46.0f / 3.0f});
  // Unified [-5/3, 46/3]: 255 / 17 = 15 levels per unit, zero at level 25 exactly, so
  // scale = 17 / 255 and zero point -128 + 25.
  for (int id : {0, 1}) {
    EXPECT_NEAR(run.params[static_cast<size_t>(id)].scale[0], 17.0 / 255.0, 1e-6);
    EXPECT_EQ(run.params[static_cast<size_t>(id)].zero_point[0], -103);
  }
  EXPECT_EQ(run.params[0].scale, run.params[1].scale);
  // The third quantizer keeps its own range [-1/3, 46/3].
  EXPECT_GT(run.params[2].scale[0], 0.0f);
  EXPECT_NE(run.params[2].zero_point[0], -103);

  setup.quantizers[1].config.num_bits = 4;
  try {
    Calibrate(setup, QuantizeParams());
    FAIL() << "a unified group with different configs was accepted";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::kInternal);
  }
}

TEST(MinMaxTest, OverflowFixAndFp8) {
  QuantizationSetup setup = DefaultSetup();
  setup.quantizers[1].half_range = true;
  const Calibrated half = Calibrate(setup, QuantizeParams());
  ExpectNear(half.params[1].scale, {0.4f / 254.0f, 40.0f / 254.0f});

  QuantizeParams fp8;
  fp8.mode = QuantizationMode::kFp8E4M3;
  const Calibrated run = Calibrate(DefaultSetup(), fp8);
  EXPECT_EQ(run.params[1].dtype, ir::DType::kFloat8E4M3FN);
  ExpectNear({run.params[1].scale[1]}, {10.0f / 448.0f});
  // Per tensor: absmax 19/3, doubled by NNCF's activation scale 0.5.
  EXPECT_NEAR(run.params[0].scale[0], 2.0 * 19.0 / 3.0 / 448.0, 1e-7);
  EXPECT_EQ(run.params[0].zero_point[0], 0);
}

}  // namespace
}  // namespace nncf::algorithms::quantization
