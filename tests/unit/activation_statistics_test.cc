// Data-aware mixed precision: the activation statistics against hand-computed values, and the
// ranking they give compared with the data-free one (weight_compression.md section 3).
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "algorithms/weight_compression/activation_statistics.h"
#include "algorithms/weight_compression/compress_weights.h"
#include "algorithms/weight_compression/weight_quantization.h"
#include "core/common/error.h"
#include "model_builder.h"
#include "vector_dataset.h"

namespace nncf::algorithms::wc {
namespace {

using testing::FloatItem;
using testing::ModelBuilder;
using testing::VectorDataset;

// x [2, 3] -> MatMul(W [3, 2]) -> y.
ir::Model OneMatMul() {
  ModelBuilder b;
  b.Input("x", {2, 3}).Output("y", {2, 2});
  b.Floats("w", {3, 2}, {1, 2, 3, 4, 5, 6});
  b.Node("MatMul", {"x", "w"}, {"y"}, {}, "mm");
  return b.Build();
}

// Item 1: channels (1,3), (-2,0), (0.5,0.5) over the two rows: variances 1, 1, 0; max |x| 3, 2,
// 0.5; squares 14.5 of 6 elements. Item 2: (0,0), (4,-4), (-1,1): variances 0, 16, 1; max |x|
// 0, 4, 1; squares 34.
//   max_variance   = (1 + 16) / 2 = 8.5
//   mean_variance  = (2/3 + 17/3) / 2 = 19/6
//   mean_magnitude = (5.5/3 + 5/3) / 2 = 1.75
//   hawq: acc = 14.5 / 6, then (acc + 34) / 6; times 2 / 2 items.
TEST(ActivationStatistics, NnccfReducersOnTwoItems) {
  VectorDataset dataset({FloatItem("x", {2, 3}, {1, -2, 0.5f, 3, 0, 0.5f}),
                         FloatItem("x", {2, 3}, {0, 4, -1, 0, -4, 1})});
  const auto stats =
      CollectActivationStatistics(OneMatMul(), dataset, {"x"}, 128, 1, Context(), "test");
  ASSERT_EQ(stats.count("x"), 1u);
  const ActivationStatistics& x = stats.at("x");
  EXPECT_EQ(x.items, 2);
  EXPECT_DOUBLE_EQ(x.max_variance, 8.5);
  EXPECT_NEAR(x.mean_variance, 19.0 / 6.0, 1e-12);
  EXPECT_NEAR(x.mean_magnitude, 1.75, 1e-12);
  EXPECT_NEAR(x.hawq, (14.5 / 6.0 + 34.0) / 6.0, 1e-12);
  EXPECT_DOUBLE_EQ(ActivationSensitivity(x, SensitivityMetric::kMaxActivationVariance), 8.5);
  EXPECT_NEAR(ActivationSensitivity(x, SensitivityMetric::kHessianInputActivation),
              (14.5 / 6.0 + 34.0) / 6.0, 1e-12);
}

TEST(ActivationStatistics, SubsetSizeCountsItems) {
  VectorDataset dataset({FloatItem("x", {2, 3}, {1, -2, 0.5f, 3, 0, 0.5f}),
                         FloatItem("x", {2, 3}, {0, 4, -1, 0, -4, 1})});
  const auto stats =
      CollectActivationStatistics(OneMatMul(), dataset, {"x"}, 1, 1, Context(), "test");
  EXPECT_EQ(stats.at("x").items, 1);
  EXPECT_DOUBLE_EQ(stats.at("x").max_variance, 1.0);
}

TEST(ActivationStatistics, BadItemsAndOneDimensionalActivations) {
  VectorDataset wrong({FloatItem("x", {2, 4}, {1, 2, 3, 4, 5, 6, 7, 8})});
  try {
    CollectActivationStatistics(OneMatMul(), wrong, {"x"}, 128, 1, Context(), "test");
    ADD_FAILURE() << "no error";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::kInvalidArgument);
    EXPECT_NE(std::string(error.what()).find("item 0: input 'x' has shape [2,4]"),
              std::string::npos)
        << error.what();
  }
  ModelBuilder b;
  b.Input("v", {3}).Output("y", {2});
  b.Floats("w", {3, 2}, {1, 2, 3, 4, 5, 6});
  b.Node("MatMul", {"v", "w"}, {"y"}, {}, "mm");
  VectorDataset vectors({FloatItem("v", {3}, {1, 2, 3})});
  try {
    CollectActivationStatistics(b.Build(), vectors, {"v"}, 128, 1, Context(), "test");
    ADD_FAILURE() << "no error";
  } catch (const Error& error) {
    EXPECT_NE(std::string(error.what()).find("'v' has rank 1"), std::string::npos) << error.what();
  }
}

// Two ratio-defining MatMuls reading separate inputs, then a last MatMul (kept at backup).
// w_a's rows span a wide range, so its int8 error is large (a low score) and data-free ranking
// sends it to 4 bit; its input a varies a lot and b hardly at all, which raises a's
// activation-weighted score above b's, so the data-aware ranking sends w_b instead.
ir::Model TwoBranches() {
  ModelBuilder b;
  b.Input("a", {4, 8}).Input("b", {4, 8}).Output("y", {4, 8});
  std::vector<float> wa(64), wb(64), wc(64);
  for (int i = 0; i < 64; ++i) {
    wa[i] = (i % 8 == 0 ? 40.0f : 1.0f) * static_cast<float>((i * 7) % 11 - 5) / 5.0f;
    wb[i] = static_cast<float>((i * 5) % 9 - 4) / 4.0f;
    wc[i] = static_cast<float>((i * 3) % 7 - 3) / 3.0f;
  }
  b.Floats("w_a", {8, 8}, wa).Floats("w_b", {8, 8}, wb).Floats("w_c", {8, 8}, wc);
  b.Node("MatMul", {"a", "w_a"}, {"ha"}, {}, "mm_a");
  b.Node("MatMul", {"b", "w_b"}, {"hb"}, {}, "mm_b");
  b.Node("Add", {"ha", "hb"}, {"h"}, {}, "add");
  b.Node("MatMul", {"h", "w_c"}, {"y"}, {}, "mm_c");
  return b.Build();
}

std::vector<data::Sample> BranchItems() {
  std::vector<data::Sample> items;
  for (int k = 0; k < 3; ++k) {
    std::vector<float> a(32), b(32);
    for (int i = 0; i < 32; ++i) {
      a[i] = 10.0f * static_cast<float>((i * (k + 1)) % 5 - 2);
      b[i] = 0.01f * static_cast<float>((i + k) % 3);
    }
    data::Sample sample;
    sample.Set(ModelBuilder::FloatTensor("a", {4, 8}, a));
    sample.Set(ModelBuilder::FloatTensor("b", {4, 8}, b));
    items.push_back(sample);
  }
  return items;
}

std::string ModeOf(const CompressWeightsReport& report, const std::string& node) {
  for (const LayerReport& layer : report.layers) {
    if (layer.node == node) return layer.mode;
  }
  return "";
}

TEST(DataAwareMixedPrecision, ActivationsChangeWhichLayerGoesToFourBits) {
  const ir::Model model = TwoBranches();
  CompressWeightsParams params;
  params.mode = WeightMode::kInt4Asym;
  params.group_size = -1;
  // Of two equal layers, 0.6 puts exactly the lower-scored one in 4 bit (the second would bring
  // the share to 1 >= 0.6).
  params.ratio = 0.6;
  params.num_threads = 1;

  CompressWeightsReport data_free;
  CompressWeights(model, params, Context(), &data_free);
  EXPECT_EQ(data_free.sensitivity_metric, "weight_quantization_error");
  EXPECT_EQ(ModeOf(data_free, "mm_a"), "int4_asym");
  EXPECT_EQ(ModeOf(data_free, "mm_b"), "int8_asym");

  VectorDataset dataset(BranchItems());
  CompressWeightsReport data_aware;
  CompressWeights(model, &dataset, params, Context(), &data_aware);
  EXPECT_EQ(data_aware.sensitivity_metric, "max_activation_variance");
  EXPECT_EQ(data_aware.statistics_items, 3);
  EXPECT_EQ(ModeOf(data_aware, "mm_a"), "int8_asym");
  EXPECT_EQ(ModeOf(data_aware, "mm_b"), "int4_asym");
  // Each score is the data-free weight score times the input's statistic.
  VectorDataset again(BranchItems());
  const auto stats = CollectActivationStatistics(model, again, {"a", "b"}, 128, 1, Context(), "t");
  for (const LayerReport& layer : data_aware.layers) {
    if (layer.node != "mm_a" && layer.node != "mm_b") continue;
    const std::string input = layer.node == "mm_a" ? "a" : "b";
    const double expected =
        WeightQuantizationScore(*model.graph->FindInitializer(layer.weight), 0, 1) *
        stats.at(input).max_variance;
    EXPECT_NEAR(layer.sensitivity, expected, 1e-9 * expected) << layer.node;
  }

  // HESSIAN_INPUT_ACTIVATION multiplies the Frobenius norm of the int8 error (not inverted).
  params.sensitivity_metric = SensitivityMetric::kHessianInputActivation;
  VectorDataset third(BranchItems());
  CompressWeightsReport hawq;
  CompressWeights(model, &third, params, Context(), &hawq);
  for (const LayerReport& layer : hawq.layers) {
    if (layer.node != "mm_a" && layer.node != "mm_b") continue;
    const std::string input = layer.node == "mm_a" ? "a" : "b";
    const double expected =
        WeightQuantizationFrobenius(*model.graph->FindInitializer(layer.weight), 0, 1) *
        stats.at(input).hawq;
    EXPECT_NEAR(layer.sensitivity, expected, 1e-9 * expected) << layer.node;
  }
}

TEST(DataAwareMixedPrecision, WithoutRatioTheDatasetIsNotRead) {
  CompressWeightsParams params;
  params.mode = WeightMode::kInt4Asym;
  params.group_size = -1;
  params.num_threads = 1;
  VectorDataset dataset({});  // empty: reading it would fail
  CompressWeightsReport report;
  CompressWeights(TwoBranches(), &dataset, params, Context(), &report);
  EXPECT_EQ(report.statistics_items, 0);
  EXPECT_EQ(report.sensitivity_metric, "");
}

TEST(DataAwareMixedPrecision, EmptyDatasetWithRatioFails) {
  CompressWeightsParams params;
  params.mode = WeightMode::kInt4Asym;
  params.group_size = -1;
  params.ratio = 0.5;
  VectorDataset dataset({});
  try {
    CompressWeights(TwoBranches(), &dataset, params, Context(), nullptr);
    ADD_FAILURE() << "no error";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::kInvalidArgument) << error.what();
  }
}

TEST(WeightQuantizationFrobenius, NormOfTheInt8Error) {
  // Per output channel (axis 0 reduced) int8 asym of [0, 1, 2, 3] is exact up to rounding of the
  // scale 3/255: codes 0, 85, 170, 255 restore the values exactly, so the error is 0.
  ir::Tensor exact = ModelBuilder::FloatTensor("w", {4, 1}, {0, 1, 2, 3});
  EXPECT_NEAR(WeightQuantizationFrobenius(exact, 0, 1), 0.0, 1e-6);
  ir::Tensor tensor = ModelBuilder::FloatTensor("w", {3, 1}, {0, 0.001f, 1});
  // scale 1/255: 0.001 -> code 0 (0.255 rounds down), restored 0: error 0.001.
  EXPECT_NEAR(WeightQuantizationFrobenius(tensor, 0, 1), 0.001, 1e-6);
}

}  // namespace
}  // namespace nncf::algorithms::wc
