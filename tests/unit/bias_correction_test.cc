// FastBiasCorrection and BiasCorrection on small models whose shifts are computed by hand.
//
// Every model is linear in its input, so the mean of an output channel is the layer applied to
// the per-channel input means: for y = W x + B, mean(y) = W m + B. With quantized weights Wq the
// quantized mean is Wq m + B, and the shift both algorithms find is (W - Wq) m. The quantized
// models are written by hand (int8 weight -> DequantizeLinear, activation Q -> DQ), so the test
// depends on neither placement nor Q/DQ insertion.
#include <gtest/gtest.h>

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "algorithms/quantization/bias_correction.h"
#include "algorithms/quantization/nncf_graph.h"
#include "algorithms/quantization/quantize_params.h"
#include "algorithms/quantization/statistics.h"
#include "core/common/context.h"
#include "core/common/error.h"
#include "core/data/dataset.h"
#include "core/data/sample.h"
#include "core/ir/dtype.h"
#include "model_builder.h"
#include "onnx/opset_conversion.h"
#include "vector_dataset.h"

namespace nncf::algorithms::quantization {
namespace {

using testing::FloatItem;
using testing::ModelBuilder;
using testing::VectorDataset;

// Two items of x [1, 2, 2, 2] whose channel means over both items are m = (1, 2).
std::vector<data::Sample> ImageItems() {
  return {FloatItem("x", {1, 2, 2, 2}, {0, 1, 2, 1, 1, 2, 3, 4}),
          FloatItem("x", {1, 2, 2, 2}, {1, 1, 1, 1, 0, 1, 2, 3})};
}

std::vector<float> Floats(const ir::Tensor& tensor) {
  std::vector<float> values;
  for (int64_t i = 0; i < tensor.NumElements(); ++i) {
    values.push_back(static_cast<float>(tensor.GetAsDouble(i)));
  }
  return values;
}

void ExpectNear(const std::vector<float>& actual, const std::vector<float>& expected,
                double tolerance = 1e-5) {
  ASSERT_EQ(actual.size(), expected.size());
  for (size_t i = 0; i < expected.size(); ++i) {
    EXPECT_NEAR(actual[i], expected[i], tolerance) << "element " << i;
  }
}

// A weight `name` of int8 `levels` times a per-tensor `scale` behind a DequantizeLinear whose
// output `name`_dq the quantized layer reads.
void QuantizedWeight(ModelBuilder& builder, const std::string& name, std::vector<int64_t> dims,
                     const std::vector<int8_t>& levels, float scale,
                     ir::DType scale_dtype = ir::DType::kFloat) {
  builder.Initializer(ir::Tensor::FromBytes(name + "_int8", ir::DType::kInt8, std::move(dims),
                                            levels.data(), levels.size()));
  if (scale_dtype == ir::DType::kFloat16) {
    const uint16_t half = ir::FloatToHalf(scale);
    builder.Initializer(
        ir::Tensor::FromBytes(name + "_scale", ir::DType::kFloat16, {}, &half, sizeof(half)));
  } else {
    builder.Floats(name + "_scale", {}, {scale});
  }
  builder.Node("DequantizeLinear", {name + "_int8", name + "_scale"}, {name + "_dq"}, {},
               name + "_DequantizeLinear");
}

// value -> QuantizeLinear -> DequantizeLinear (uint8, zero point 128) -> `value`_dq.
void ActivationQdq(ModelBuilder& builder, const std::string& value, float scale) {
  const uint8_t zero_point = 128;
  builder.Floats(value + "_a_scale", {}, {scale});
  builder.Initializer(
      ir::Tensor::FromBytes(value + "_a_zp", ir::DType::kUint8, {}, &zero_point, 1));
  builder.Node("QuantizeLinear", {value, value + "_a_scale", value + "_a_zp"}, {value + "_q"}, {},
               "QuantizeLinear_" + value);
  builder.Node("DequantizeLinear", {value + "_q", value + "_a_scale", value + "_a_zp"},
               {value + "_dq"}, {}, "DequantizeLinear_" + value);
}

struct Result {
  ir::Model quantized;
  std::vector<BiasShift> report;
};

// Collects statistics on `float_model` and corrects `quantized`.
Result Correct(const ir::Model& float_model, ir::Model quantized, std::vector<data::Sample> items,
               bool fast, std::optional<double> threshold = std::nullopt) {
  const ir::Model inferred = onnx::InferShapes(float_model);
  const NncfGraph graph = NncfGraph::Build(inferred);
  QuantizeParams params;
  params.subset_size = 10;  // BC: max(int(0.2 * 10), 1) = 2 items, the whole dataset
  params.fast_bias_correction = fast;
  params.bias_correction_threshold = threshold;
  std::unique_ptr<BiasCorrectionAlgorithm> algorithm = MakeBiasCorrection(inferred, graph, params);
  StatisticsCollector collector;
  algorithm->Register(collector);
  VectorDataset dataset(std::move(items));
  collector.Collect(inferred, dataset, params.subset_size, 1, Context(), "statistics");
  Result result;
  result.quantized = std::move(quantized);
  algorithm->Apply(result.quantized, collector, 1, Context(), &result.report);
  return result;
}

// W = [[0.35, -0.7], [1.1, 0.45]] stored as int8 levels [[3, -7], [11, 4]] at scale 0.1 (levels
// chosen by hand, not by a quantizer), so W - Wq = [[0.05, 0], [0, 0.05]].
const std::vector<float> kW1 = {0.35f, -0.7f, 1.1f, 0.45f};
const std::vector<int8_t> kW1Levels = {3, -7, 11, 4};

// x -> Conv(W1, B) -> y, 1x1 kernel.
ir::Model ConvModel(const std::vector<float>& bias, bool quantized) {
  ModelBuilder builder;
  builder.Input("x", {1, 2, 2, 2}).Output("y", {1, 2, 2, 2}).Floats("B", {2}, bias);
  std::string x = "x", w = "W";
  if (quantized) {
    ActivationQdq(builder, "x", 0.05f);
    QuantizedWeight(builder, "W", {2, 2, 1, 1}, kW1Levels, 0.1f);
    x = "x_dq";
    w = "W_dq";
  } else {
    builder.Floats("W", {2, 2, 1, 1}, kW1);
  }
  builder.Node("Conv", {x, w, "B"}, {"y"}, {}, "conv");
  return builder.Build();
}

TEST(FastBiasCorrection, ConvWithBias) {
  // shift = (W - Wq) m = (0.05 * 1, 0.05 * 2) = (0.05, 0.1).
  Result result = Correct(ConvModel({0.5f, -0.5f}, false), ConvModel({0.5f, -0.5f}, true),
                          ImageItems(), /*fast=*/true);
  ExpectNear(Floats(*result.quantized.graph->FindInitializer("B")), {0.55f, -0.4f});
  ASSERT_EQ(result.report.size(), 1u);
  EXPECT_EQ(result.report[0].node, "conv");
  EXPECT_EQ(result.report[0].bias_tensor, "B");
  ExpectNear(result.report[0].shift, {0.05f, 0.1f});
  EXPECT_NEAR(result.report[0].magnitude, 0.2, 1e-5);  // max(0.05 / 0.5, 0.1 / 0.5)
  EXPECT_TRUE(result.report[0].applied);
}

TEST(FastBiasCorrection, ThresholdRejectsLargeShift) {
  // Bias (0.5, -0.04): magnitude max(0.05 / 0.5, 0.1 / 0.04) = 2.5 >= 2.
  Result result = Correct(ConvModel({0.5f, -0.04f}, false), ConvModel({0.5f, -0.04f}, true),
                          ImageItems(), /*fast=*/true);
  ExpectNear(Floats(*result.quantized.graph->FindInitializer("B")), {0.5f, -0.04f}, 0);
  ASSERT_EQ(result.report.size(), 1u);
  EXPECT_NEAR(result.report[0].magnitude, 2.5, 1e-4);
  EXPECT_FALSE(result.report[0].applied);

  // A user threshold of 3 lets it through.
  Result raised = Correct(ConvModel({0.5f, -0.04f}, false), ConvModel({0.5f, -0.04f}, true),
                          ImageItems(), /*fast=*/true, 3.0);
  ExpectNear(Floats(*raised.quantized.graph->FindInitializer("B")), {0.55f, 0.06f});
  EXPECT_TRUE(raised.report[0].applied);
}

TEST(FastBiasCorrection, ZeroBiasIsCorrected) {
  // NNCF skips any bias holding an exact 0. Here the zero element is measured against the mean
  // |bias| of the non-zero ones: bias (0, 0.2), shift (0.05, 0.1): max(0.05 / 0.2, 0.1 / 0.2).
  Result result = Correct(ConvModel({0.0f, 0.2f}, false), ConvModel({0.0f, 0.2f}, true),
                          ImageItems(), /*fast=*/true);
  ExpectNear(Floats(*result.quantized.graph->FindInitializer("B")), {0.05f, 0.3f});
  EXPECT_NEAR(result.report[0].magnitude, 0.5, 1e-5);
  EXPECT_TRUE(result.report[0].applied);

  // All zero: against the mean |float output mean|. W m = (0.35 - 1.4, 1.1 + 0.9) = (-1.05, 2),
  // mean |.| = 1.525; magnitude 0.1 / 1.525.
  Result zeros = Correct(ConvModel({0.0f, 0.0f}, false), ConvModel({0.0f, 0.0f}, true),
                         ImageItems(), /*fast=*/true);
  ExpectNear(Floats(*zeros.quantized.graph->FindInitializer("B")), {0.05f, 0.1f});
  EXPECT_NEAR(zeros.report[0].magnitude, 0.1 / 1.525, 1e-5);
  EXPECT_TRUE(zeros.report[0].applied);
}

TEST(FastBiasCorrection, UnquantizedWeightIsSkipped) {
  // The float model as the "quantized" one: the weight has no DequantizeLinear.
  Result result = Correct(ConvModel({0.5f, -0.5f}, false), ConvModel({0.5f, -0.5f}, false),
                          ImageItems(), /*fast=*/true);
  EXPECT_TRUE(result.report.empty());
  ExpectNear(Floats(*result.quantized.graph->FindInitializer("B")), {0.5f, -0.5f}, 0);
}

// x [2, 3] -> Gemm(x, W [2, 3] transposed, C [2]) -> y [2, 2].
// W = [[0.35, -0.7, 0.2], [1.1, 0.45, -0.3]], levels [[3, -7, 2], [11, 4, -3]] at scale 0.1:
// W - Wq = [[0.05, 0, 0], [0, 0.05, 0]].
ir::Model GemmModel(bool quantized) {
  ModelBuilder builder;
  builder.Input("x", {2, 3}).Output("y", {2, 2}).Floats("C", {2}, {0.5f, -0.5f});
  std::string x = "x", w = "W";
  if (quantized) {
    ActivationQdq(builder, "x", 0.05f);
    QuantizedWeight(builder, "W", {2, 3}, {3, -7, 2, 11, 4, -3}, 0.1f);
    x = "x_dq";
    w = "W_dq";
  } else {
    builder.Floats("W", {2, 3}, {0.35f, -0.7f, 0.2f, 1.1f, 0.45f, -0.3f});
  }
  builder.Node("Gemm", {x, w, "C"}, {"y"}, {ir::Attribute::Int("transB", 1)}, "gemm");
  return builder.Build();
}

TEST(FastBiasCorrection, GemmTransB) {
  // Items: x rows average over both items to m = (2, 4, 6) along K (axis -1).
  std::vector<data::Sample> items = {FloatItem("x", {2, 3}, {1, 3, 5, 3, 5, 7}),
                                     FloatItem("x", {2, 3}, {2, 4, 6, 2, 4, 6})};
  // shift_n = sum_k (W - Wq)[n, k] m_k = (0.05 * 2, 0.05 * 4) = (0.1, 0.2).
  Result result = Correct(GemmModel(false), GemmModel(true), std::move(items), /*fast=*/true);
  ExpectNear(Floats(*result.quantized.graph->FindInitializer("C")), {0.6f, -0.3f});
  ASSERT_EQ(result.report.size(), 1u);
  ExpectNear(result.report[0].shift, {0.1f, 0.2f});
}

// x [1, 2, 3] -> MatMul(x, W [3, 2]) -> Add(b) -> y, with b an initializer or a Constant node.
// W = [[0.35, 1.1], [-0.7, 0.45], [0.2, -0.3]], levels [[3, 11], [-7, 4], [2, -3]] at 0.1:
// W - Wq = [[0.05, 0], [0, 0.05], [0, 0]].
ir::Model MatMulAddModel(bool quantized, bool constant_bias) {
  ModelBuilder builder;
  builder.Input("x", {1, 2, 3}).Output("y", {1, 2, 2});
  if (constant_bias) {
    builder.Node(
        "Constant", {}, {"b"},
        {ir::Attribute::TensorValue("value", ModelBuilder::FloatTensor("", {2}, {0.5f, -0.5f}))},
        "bias_constant");
  } else {
    builder.Floats("b", {2}, {0.5f, -0.5f});
  }
  std::string x = "x", w = "W";
  if (quantized) {
    ActivationQdq(builder, "x", 0.05f);
    QuantizedWeight(builder, "W", {3, 2}, {3, 11, -7, 4, 2, -3}, 0.1f);
    x = "x_dq";
    w = "W_dq";
  } else {
    builder.Floats("W", {3, 2}, {0.35f, 1.1f, -0.7f, 0.45f, 0.2f, -0.3f});
  }
  builder.Node("MatMul", {x, w}, {"mm"}, {}, "matmul");
  builder.Node("Add", {"mm", "b"}, {"y"}, {}, "add");
  return builder.Build();
}

std::vector<data::Sample> SequenceItems() {
  // m = (2, 4, 6) along the last axis over both items and both rows.
  return {FloatItem("x", {1, 2, 3}, {1, 3, 5, 3, 5, 7}),
          FloatItem("x", {1, 2, 3}, {2, 4, 6, 2, 4, 6})};
}

TEST(FastBiasCorrection, MatMulAdd) {
  // shift_n = sum_k (W - Wq)[k, n] m_k = (0.05 * 2, 0.05 * 4) = (0.1, 0.2) on the Add's bias.
  Result result = Correct(MatMulAddModel(false, false), MatMulAddModel(true, false),
                          SequenceItems(), /*fast=*/true);
  ExpectNear(Floats(*result.quantized.graph->FindInitializer("b")), {0.6f, -0.3f});
  ASSERT_EQ(result.report.size(), 1u);
  EXPECT_EQ(result.report[0].node, "matmul");
  EXPECT_EQ(result.report[0].bias_tensor, "b");
}

TEST(FastBiasCorrection, ConstantNodeBias) {
  Result result = Correct(MatMulAddModel(false, true), MatMulAddModel(true, true), SequenceItems(),
                          /*fast=*/true);
  const ir::Node* constant = nullptr;
  for (const ir::Node& node : result.quantized.graph->nodes) {
    if (node.name == "bias_constant") constant = &node;
  }
  ASSERT_NE(constant, nullptr);
  const ir::Attribute* value = constant->FindAttribute("value");
  ASSERT_NE(value, nullptr);
  ASSERT_TRUE(value->t.has_value());
  EXPECT_EQ(value->t->dtype, ir::DType::kFloat);
  ExpectNear(Floats(*value->t), {0.6f, -0.3f});
  EXPECT_EQ(result.quantized.graph->FindInitializer("b"), nullptr);
}

// The ConvModel in float16: x, weight scale and bias are fp16 (opset 19 for the fp16 scale).
// W = [[0.25, -0.75], [1.125, 0.5625]], levels [[2, -6], [9, 4]] at scale 0.125: W - Wq =
// [[0, 0], [0, 0.0625]]. Every value is exact in fp16.
ir::Model HalfConvModel(bool quantized) {
  auto half = [](const std::string& name, std::vector<int64_t> dims, std::vector<float> values) {
    std::vector<uint16_t> bits;
    for (float v : values) bits.push_back(ir::FloatToHalf(v));
    return ir::Tensor::FromBytes(name, ir::DType::kFloat16, std::move(dims), bits.data(),
                                 bits.size() * sizeof(uint16_t));
  };
  ModelBuilder builder(quantized ? 19 : 13);
  builder.Input("x", {1, 2, 2, 2}, ir::DType::kFloat16)
      .Output("y", {1, 2, 2, 2}, ir::DType::kFloat16)
      .Initializer(half("B", {2}, {0.5f, -0.25f}));
  std::string w = "W";
  if (quantized) {
    QuantizedWeight(builder, "W", {2, 2, 1, 1}, {2, -6, 9, 4}, 0.125f, ir::DType::kFloat16);
    w = "W_dq";
  } else {
    builder.Initializer(half("W", {2, 2, 1, 1}, {0.25f, -0.75f, 1.125f, 0.5625f}));
  }
  builder.Node("Conv", {"x", w, "B"}, {"y"}, {}, "conv");
  return builder.Build();
}

TEST(FastBiasCorrection, Float16BiasStaysFloat16) {
  std::vector<data::Sample> items;
  for (const data::Sample& item : ImageItems()) {
    std::vector<uint16_t> bits;
    const ir::Tensor& x = item.at(0);
    for (int64_t i = 0; i < x.NumElements(); ++i) {
      bits.push_back(ir::FloatToHalf(static_cast<float>(x.GetAsDouble(i))));
    }
    data::Sample sample;
    sample.Set(ir::Tensor::FromBytes("x", ir::DType::kFloat16, x.dims, bits.data(),
                                     bits.size() * sizeof(uint16_t)));
    items.push_back(sample);
  }
  // shift = (0, 0.0625 * 2) = (0, 0.125).
  Result result = Correct(HalfConvModel(false), HalfConvModel(true), std::move(items), true);
  const ir::Tensor* bias = result.quantized.graph->FindInitializer("B");
  ASSERT_NE(bias, nullptr);
  EXPECT_EQ(bias->dtype, ir::DType::kFloat16);
  ExpectNear(Floats(*bias), {0.5f, -0.125f}, 0);
}

// x -> [Q/DQ] -> conv1(W1, B1) -> y1 -> [Q/DQ] -> conv2(W2, B2) -> y2.
// W2 = [[0.25, 0.5], [-0.15, 0.3]], levels [[2, 5], [-1, 3]] at 0.1: W2 - W2q = [[0.05, 0],
// [-0.05, 0]].
ir::Model TwoConvModel(bool quantized) {
  ModelBuilder builder;
  builder.Input("x", {1, 2, 2, 2}).Output("y2", {1, 2, 2, 2});
  builder.Floats("B1", {2}, {0.5f, -0.5f}).Floats("B2", {2}, {0.1f, 0.2f});
  if (quantized) {
    ActivationQdq(builder, "x", 0.05f);
    QuantizedWeight(builder, "W1", {2, 2, 1, 1}, kW1Levels, 0.1f);
    builder.Node("Conv", {"x_dq", "W1_dq", "B1"}, {"y1"}, {}, "conv1");
    // A coarse activation quantizer: BC must remove it (y1 values are not multiples of 0.3).
    ActivationQdq(builder, "y1", 0.3f);
    QuantizedWeight(builder, "W2", {2, 2, 1, 1}, {2, 5, -1, 3}, 0.1f);
    builder.Node("Conv", {"y1_dq", "W2_dq", "B2"}, {"y2"}, {}, "conv2");
  } else {
    builder.Floats("W1", {2, 2, 1, 1}, kW1).Floats("W2", {2, 2, 1, 1}, {0.25f, 0.5f, -0.15f, 0.3f});
    builder.Node("Conv", {"x", "W1", "B1"}, {"y1"}, {}, "conv1");
    builder.Node("Conv", {"y1", "W2", "B2"}, {"y2"}, {}, "conv2");
  }
  return builder.Build();
}

TEST(BiasCorrection, TwoChainedLayersSeeCorrectedOutputs) {
  Result result = Correct(TwoConvModel(false), TwoConvModel(true), ImageItems(), /*fast=*/false);
  // conv1: shift (W1 - W1q) m = (0.05, 0.1); B1 = (0.55, -0.4).
  ExpectNear(Floats(*result.quantized.graph->FindInitializer("B1")), {0.55f, -0.4f});
  // conv2 is fed conv1's corrected output, whose mean is the float one: W1 m + B1 = (-0.55, 1.5).
  // shift (W2 - W2q) (-0.55, 1.5) = (-0.0275, 0.0275); an uncorrected conv1 would give
  // (W1q m + B1) = (-0.6, 1.4) and a shift of (-0.03, 0.03).
  ExpectNear(Floats(*result.quantized.graph->FindInitializer("B2")), {0.0725f, 0.2275f});
  ASSERT_EQ(result.report.size(), 2u);
  EXPECT_EQ(result.report[0].node, "conv1");
  EXPECT_EQ(result.report[1].node, "conv2");
  ExpectNear(result.report[1].shift, {-0.0275f, 0.0275f});
  EXPECT_NEAR(result.report[1].magnitude, 0.275, 1e-4);  // 0.0275 / 0.1
  // The quantized model keeps its activation quantizers.
  int quantizers = 0;
  for (const ir::Node& node : result.quantized.graph->nodes) {
    quantizers += node.op_type == "QuantizeLinear";
  }
  EXPECT_EQ(quantizers, 2);
}

// TwoConvModel plus a residual: s = y1 + y2 -> conv3(W3, B3) -> y3. W3 = [[0.45, 0.2], [0.6,
// -0.35]], levels [[4, 2], [6, -3]] at 0.1: W3 - W3q = [[0.05, 0], [0, -0.05]].
ir::Model ResidualModel(bool quantized) {
  ir::Model model = TwoConvModel(quantized);
  ModelBuilder builder;
  builder.model() = model;
  builder.model().graph->outputs.clear();
  builder.Output("y3", {1, 2, 2, 2}).Floats("B3", {2}, {0.3f, -0.6f});
  if (quantized) {
    builder.Node("Add", {"y1", "y2"}, {"s"}, {}, "add");
    QuantizedWeight(builder, "W3", {2, 2, 1, 1}, {4, 2, 6, -3}, 0.1f);
    builder.Node("Conv", {"s", "W3_dq", "B3"}, {"y3"}, {}, "conv3");
  } else {
    builder.Floats("W3", {2, 2, 1, 1}, {0.45f, 0.2f, 0.6f, -0.35f});
    builder.Node("Add", {"y1", "y2"}, {"s"}, {}, "add");
    builder.Node("Conv", {"s", "W3", "B3"}, {"y3"}, {}, "conv3");
  }
  return builder.Build();
}

TEST(BiasCorrection, ResidualSumSeesBothCorrectedBranches) {
  Result result = Correct(ResidualModel(false), ResidualModel(true), ImageItems(), false);
  ExpectNear(Floats(*result.quantized.graph->FindInitializer("B1")), {0.55f, -0.4f});
  ExpectNear(Floats(*result.quantized.graph->FindInitializer("B2")), {0.0725f, 0.2275f});
  // Both corrected branches have their float means: y1 (-0.55, 1.5), y2 = W2 y1 + B2 =
  // (0.7125, 0.7325), so s has (0.1625, 2.2325) and shift3 = (0.05 * 0.1625, -0.05 * 2.2325).
  ASSERT_EQ(result.report.size(), 3u);
  EXPECT_EQ(result.report[2].node, "conv3");
  ExpectNear(result.report[2].shift, {0.008125f, -0.111625f});
  ExpectNear(Floats(*result.quantized.graph->FindInitializer("B3")), {0.308125f, -0.711625f});
}

TEST(BiasCorrection, ZeroBiasAllowed) {
  // BC's magnitude |shift| / (|bias| + eps): the zero channel has 0.05 / eps > 1000 and the
  // user threshold decides. With threshold 1e9 the shift (0.05, 0.1) is applied to (0, 0.2).
  Result result = Correct(ConvModel({0.0f, 0.2f}, false), ConvModel({0.0f, 0.2f}, true),
                          ImageItems(), /*fast=*/false, 1e9);
  ExpectNear(Floats(*result.quantized.graph->FindInitializer("B")), {0.05f, 0.3f});
  EXPECT_NEAR(result.report[0].magnitude, 0.05 / 1.1920928955078125e-07, 5.0);
}

// Depthwise: x [1, 2, 2, 2] -> Conv(group 2, W [2, 1, 1, 1] = (0.35, 0.45)), levels (3, 4) at
// 0.1: W - Wq = (0.05, 0.05).
ir::Model DepthwiseModel(bool quantized) {
  ModelBuilder builder;
  builder.Input("x", {1, 2, 2, 2}).Output("y", {1, 2, 2, 2}).Floats("B", {2}, {0.5f, -0.5f});
  std::string x = "x", w = "W";
  if (quantized) {
    ActivationQdq(builder, "x", 0.05f);
    QuantizedWeight(builder, "W", {2, 1, 1, 1}, {3, 4}, 0.1f);
    x = "x_dq";
    w = "W_dq";
  } else {
    builder.Floats("W", {2, 1, 1, 1}, {0.35f, 0.45f});
  }
  builder.Node("Conv", {x, w, "B"}, {"y"}, {ir::Attribute::Int("group", 2)}, "depthwise");
  return builder.Build();
}

TEST(BiasCorrection, DepthwiseByBiasCorrectionOnly) {
  Result fast = Correct(DepthwiseModel(false), DepthwiseModel(true), ImageItems(), true);
  EXPECT_TRUE(fast.report.empty());
  ExpectNear(Floats(*fast.quantized.graph->FindInitializer("B")), {0.5f, -0.5f}, 0);

  // shift_c = (W - Wq)_c m_c = (0.05 * 1, 0.05 * 2).
  Result full = Correct(DepthwiseModel(false), DepthwiseModel(true), ImageItems(), false);
  ASSERT_EQ(full.report.size(), 1u);
  EXPECT_EQ(full.report[0].node, "depthwise");
  ExpectNear(Floats(*full.quantized.graph->FindInitializer("B")), {0.55f, -0.4f});
}

TEST(BiasCorrection, ApplyForAllNodesIsRejected) {
  const ir::Model model = onnx::InferShapes(ConvModel({0.5f, -0.5f}, false));
  const NncfGraph graph = NncfGraph::Build(model);
  QuantizeParams params;
  params.bias_correction_for_all_nodes = true;
  try {
    MakeBiasCorrection(model, graph, params);
    FAIL() << "expected an error";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::kUnsupported);
  }
}

}  // namespace
}  // namespace nncf::algorithms::quantization
