// SmoothQuant on hand-made MatMul/Gemm models: scales, weights and the inserted Mul checked against
// values computed by hand from ptq.md 7.1 (s = a^alpha / (w^(1-alpha) + eps), clipped to
// [quantile_0.1(s), 100], the group takes the scale of its member with the largest min/max ratio),
// and the smoothed float model computing what the original computes.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "algorithms/quantization/nncf_graph.h"
#include "algorithms/quantization/smooth_quant.h"
#include "algorithms/quantization/statistics.h"
#include "core/common/context.h"
#include "core/data/dataset.h"
#include "core/exec/executor.h"
#include "core/ir/dtype.h"
#include "model_builder.h"
#include "npy_io.h"
#include "onnx/model_io.h"
#include "onnx/opset_conversion.h"
#include "vector_dataset.h"

namespace nncf::algorithms::quantization {
namespace {

using testing::FloatItem;
using testing::ModelBuilder;
using testing::VectorDataset;

// The two calibration items of the small models: per-channel |x| maxima [1,4,1] and [3,1,0.5],
// so the aggregated activation statistic is a = [3, 4, 1].
std::vector<data::Sample> TwoItems(const std::string& input = "x") {
  return {FloatItem(input, {2, 3}, {1, -2, 0.5f, 0.25f, 4, -1}),
          FloatItem(input, {2, 3}, {-3, 1, 0, 0.5f, 0.5f, 0.5f})};
}

const std::vector<float> kW1 = {1, -2, 0.5f, 0.25f, -4, 2};       // [3,2]: row |max| 2, 0.5, 4
const std::vector<float> kW2 = {0.5f, 0.1f, -1, 3, 0.2f, -0.2f};  // [3,2]: row |max| 0.5, 3, 0.2

// x[2,3] feeds MatMul mm1 (W1) and MatMul mm2 (W2).
ir::Model TwoMatMulsSharingInput() {
  ModelBuilder b;
  b.Input("x", {2, 3}).Output("y1", {2, 2}).Output("y2", {2, 2});
  b.Floats("W1", {3, 2}, kW1).Floats("W2", {3, 2}, kW2);
  b.Node("MatMul", {"x", "W1"}, {"y1"}, {}, "mm1");
  b.Node("MatMul", {"x", "W2"}, {"y2"}, {}, "mm2");
  return b.Build();
}

struct SmoothQuantRun {
  ir::Model input;  // the shape-inferred model SmoothQuant saw
  ir::Model output;
  std::vector<SmoothedGroup> groups;
};

SmoothQuantRun RunSmoothQuant(const ir::Model& model, std::vector<data::Sample> items,
                              const QuantizeParams& params,
                              const std::set<std::string>& ignored = {}) {
  SmoothQuantRun run;
  run.input = onnx::InferShapes(model);
  NncfGraph graph = NncfGraph::Build(run.input);
  SmoothQuant smooth_quant(run.input, graph, params, ignored);
  StatisticsCollector collector;
  smooth_quant.Register(collector);
  VectorDataset dataset(std::move(items));
  collector.Collect(run.input, dataset, params.subset_size, 1, Context(), "smooth quant");
  run.output = smooth_quant.Apply(run.input, collector, &run.groups);
  return run;
}

QuantizeParams Alpha(double matmul, double convolution = -1) {
  QuantizeParams params;
  params.model_type = ModelType::kTransformer;
  params.smooth_quant_alpha_matmul = matmul;
  params.smooth_quant_alpha_convolution = convolution;
  return params;
}

std::vector<float> Values(const ir::Tensor& tensor) {
  std::vector<float> values(static_cast<size_t>(tensor.NumElements()));
  for (size_t i = 0; i < values.size(); ++i) {
    values[i] = static_cast<float>(tensor.GetAsDouble(static_cast<int64_t>(i)));
  }
  return values;
}

void ExpectValues(const ir::Tensor* tensor, const std::vector<float>& expected,
                  double relative = 2e-6) {
  ASSERT_NE(tensor, nullptr);
  const std::vector<float> actual = Values(*tensor);
  ASSERT_EQ(actual.size(), expected.size()) << tensor->name;
  for (size_t i = 0; i < expected.size(); ++i) {
    EXPECT_NEAR(actual[i], expected[i], relative * std::fabs(expected[i]) + 1e-7)
        << tensor->name << "[" << i << "]";
  }
}

const ir::Node* FindNode(const ir::Model& model, const std::string& name) {
  for (const ir::Node& node : model.graph->nodes) {
    if (node.name == name) return &node;
  }
  return nullptr;
}

exec::NamedTensors Infer(const ir::Model& model, const exec::NamedTensors& feeds) {
  exec::ExecutorOptions options;
  options.num_threads = 1;
  exec::Executor executor(std::make_shared<const ir::Model>(model), options);
  return executor.Run(feeds);
}

TEST(SmoothQuantTest, ConsumersOfOneTensorShareTheScaleOfTheBestRatio) {
  // alpha 0.5, a = [3,4,1]. mm1: w = [2,0.5,4], s = sqrt(a/w) = [1.2247449, 2.8284271, 0.5],
  // quantile_0.1 = 0.5 + 0.2 * 0.7247449 = 0.6449490 lifts the last one; ratio 0.228.
  // mm2: w = [0.5,3,0.2], s = [2.4494897, 1.1547005, 2.2360680], quantile_0.1 = 1.1547005 + 0.2 *
  // (2.2360680 - 1.1547005) = 1.3709740; ratio 1.3709740 / 2.4494897 = 0.5597 wins.
  const std::vector<float> s = {2.4494897f, 1.3709740f, 2.2360680f};
  SmoothQuantRun run = RunSmoothQuant(TwoMatMulsSharingInput(), TwoItems(), Alpha(0.5));

  ASSERT_EQ(run.groups.size(), 1u);
  const std::string mul = "nncf_model_input_0_0_0/nncf_smooth_quant";
  EXPECT_EQ(run.groups[0].mul_node, mul);
  EXPECT_EQ(run.groups[0].source_tensor, "x");
  EXPECT_EQ(run.groups[0].nodes, (std::vector<std::string>{"mm1", "mm2"}));
  EXPECT_DOUBLE_EQ(run.groups[0].alpha, 0.5);

  const ir::Graph& graph = *run.output.graph;
  std::vector<float> w1, w2;
  for (size_t i = 0; i < kW1.size(); ++i) w1.push_back(kW1[i] * s[i / 2]);
  for (size_t i = 0; i < kW2.size(); ++i) w2.push_back(kW2[i] * s[i / 2]);
  ExpectValues(graph.FindInitializer("W1"), w1);
  ExpectValues(graph.FindInitializer("W2"), w2);

  // One Mul by 1/s on x, first in the graph (x is a graph input), feeding both MatMuls.
  const ir::Tensor* scale = graph.FindInitializer(mul + "_scale");
  ExpectValues(scale, {1 / s[0], 1 / s[1], 1 / s[2]});
  EXPECT_EQ(scale->dims, (std::vector<int64_t>{1, 3}));
  EXPECT_EQ(scale->dtype, ir::DType::kFloat);
  ASSERT_EQ(graph.nodes.size(), 3u);
  EXPECT_EQ(graph.nodes[0].name, mul);
  EXPECT_EQ(graph.nodes[0].op_type, "Mul");
  EXPECT_EQ(graph.nodes[0].inputs, (std::vector<std::string>{"x", mul + "_scale"}));
  EXPECT_EQ(graph.nodes[0].outputs, (std::vector<std::string>{mul + "_output"}));
  EXPECT_EQ(FindNode(run.output, "mm1")->inputs[0], mul + "_output");
  EXPECT_EQ(FindNode(run.output, "mm2")->inputs[0], mul + "_output");
  // The input model is untouched.
  ExpectValues(run.input.graph->FindInitializer("W1"), kW1, 0);
}

TEST(SmoothQuantTest, GemmTransBSmoothsTheColumnsOfB) {
  // B is [C_OUT=2, C_IN=3] with transB: per input channel |max| over the rows: w = [3, 0.5, 2].
  // s = sqrt(a/w) = [1, 2.8284271, 0.7071068]; quantile_0.1 = 0.7071068 + 0.2 * 0.2928932 =
  // 0.7656854.
  const std::vector<float> b_values = {1, -0.5f, 2, -3, 0.25f, 1};
  const std::vector<float> s = {1.0f, 2.8284271f, 0.7656854f};
  ModelBuilder b;
  b.Input("x", {2, 3}).Output("y", {2, 2}).Floats("B", {2, 3}, b_values);
  b.Node("Relu", {"x"}, {"r"}, {}, "relu");
  b.Node("Gemm", {"r", "B"}, {"y"}, {ir::Attribute::Int("transB", 1)}, "gemm");
  // Relu leaves the statistics as they were for the items below: a = [3, 4, 1].
  std::vector<data::Sample> items = {FloatItem("x", {2, 3}, {3, 0, 0.5f, 0, 4, -1}),
                                     FloatItem("x", {2, 3}, {-1, 1, 1, 0, 0, 0})};
  SmoothQuantRun run = RunSmoothQuant(b.Build(), items, Alpha(0.5));

  ASSERT_EQ(run.groups.size(), 1u);
  const std::string mul = "relu_0_0/nncf_smooth_quant";
  EXPECT_EQ(run.groups[0].mul_node, mul);
  std::vector<float> scaled;
  for (size_t i = 0; i < b_values.size(); ++i) scaled.push_back(b_values[i] * s[i % 3]);
  ExpectValues(run.output.graph->FindInitializer("B"), scaled);
  ExpectValues(run.output.graph->FindInitializer(mul + "_scale"), {1 / s[0], 1 / s[1], 1 / s[2]});
  // Inserted right after its source node.
  ASSERT_EQ(run.output.graph->nodes.size(), 3u);
  EXPECT_EQ(run.output.graph->nodes[0].name, "relu");
  EXPECT_EQ(run.output.graph->nodes[1].name, mul);
  EXPECT_EQ(FindNode(run.output, "gemm")->inputs[0], mul + "_output");
}

TEST(SmoothQuantTest, AlphaWeighsActivationsAgainstWeights) {
  // Default alpha 0.95 on mm1 alone: s = a^0.95 / w^0.05 for a = [3,4,1], w = [2,0.5,4]:
  // [2.8391 / 1.0353, 3.7321 / 0.9659, 1 / 1.0718] = [2.7424, 3.8637, 0.9330]; quantile_0.1 =
  // 0.9330 + 0.2 * (2.7424 - 0.9330) = 1.2949.
  ModelBuilder b;
  b.Input("x", {2, 3}).Output("y1", {2, 2}).Floats("W1", {3, 2}, kW1);
  b.Node("MatMul", {"x", "W1"}, {"y1"}, {}, "mm1");
  QuantizeParams params;
  params.model_type = ModelType::kTransformer;  // alphas at their defaults
  SmoothQuantRun run = RunSmoothQuant(b.Build(), TwoItems(), params);
  ASSERT_EQ(run.groups.size(), 1u);
  EXPECT_DOUBLE_EQ(run.groups[0].alpha, 0.95);
  const double s0 = std::pow(3.0, 0.95) / std::pow(2.0, 0.05);
  const double s1 = std::pow(4.0, 0.95) / std::pow(0.5, 0.05);
  const double s2 = std::pow(1.0, 0.95) / std::pow(4.0, 0.05);
  const double s2_clipped = s2 + 0.2 * (s0 - s2);
  ExpectValues(
      run.output.graph->FindInitializer("nncf_model_input_0_0_0/nncf_smooth_quant_scale"),
      {static_cast<float>(1 / s0), static_cast<float>(1 / s1), static_cast<float>(1 / s2_clipped)},
      2e-5);

  // A negative alpha switches MatMul smoothing off: nothing changes.
  SmoothQuantRun off = RunSmoothQuant(b.Build(), TwoItems(), Alpha(-1));
  EXPECT_TRUE(off.groups.empty());
  EXPECT_EQ(off.output.graph->nodes.size(), 1u);
  ExpectValues(off.output.graph->FindInitializer("W1"), kW1, 0);
}

TEST(SmoothQuantTest, ScalesAreClippedToTheQuantileAndToOneHundred) {
  // a = [1e6, 1, 1, 1] against w = [1e-4, 1, 1, 1] at alpha 0.5: s = [1e5, 1, 1, 1] is capped at
  // 100, and the quantile (1) leaves the rest.
  ModelBuilder b;
  b.Input("x", {1, 4}).Output("y", {1, 1});
  b.Floats("W", {4, 1}, {1e-4f, 1, -1, 1});
  b.Node("MatMul", {"x", "W"}, {"y"}, {}, "mm");
  SmoothQuantRun run =
      RunSmoothQuant(b.Build(), {FloatItem("x", {1, 4}, {-1e6f, 1, 1, -1})}, Alpha(0.5));
  ASSERT_EQ(run.groups.size(), 1u);
  ExpectValues(run.output.graph->FindInitializer("W"), {1e-2f, 1, -1, 1}, 1e-6);
  ExpectValues(run.output.graph->FindInitializer("nncf_model_input_0_0_0/nncf_smooth_quant_scale"),
               {0.01f, 1, 1, 1}, 1e-6);
}

TEST(SmoothQuantTest, IgnoredNodesAreNotSmoothed) {
  // mm2 ignored: the group is mm1 alone, with its own scale s = [1.2247449, 2.8284271, 0.6449490].
  const std::vector<float> s = {1.2247449f, 2.8284271f, 0.6449490f};
  SmoothQuantRun run = RunSmoothQuant(TwoMatMulsSharingInput(), TwoItems(), Alpha(0.5), {"mm2"});
  ASSERT_EQ(run.groups.size(), 1u);
  EXPECT_EQ(run.groups[0].nodes, (std::vector<std::string>{"mm1"}));
  std::vector<float> w1;
  for (size_t i = 0; i < kW1.size(); ++i) w1.push_back(kW1[i] * s[i / 2]);
  ExpectValues(run.output.graph->FindInitializer("W1"), w1);
  ExpectValues(run.output.graph->FindInitializer("W2"), kW2, 0);
  const std::string mul = "nncf_model_input_0_0_0/nncf_smooth_quant";
  EXPECT_EQ(FindNode(run.output, "mm1")->inputs[0], mul + "_output");
  EXPECT_EQ(FindNode(run.output, "mm2")->inputs[0], "x");
}

TEST(SmoothQuantTest, SharedWeightsAreSkipped) {
  // One initializer read by two MatMuls: scaling it for one input would break the other.
  ModelBuilder b;
  b.Input("x", {2, 3}).Input("z", {2, 3}).Output("y1", {2, 2}).Output("y2", {2, 2});
  b.Floats("W", {3, 2}, kW1).Floats("W2", {3, 2}, kW2);
  b.Node("MatMul", {"x", "W"}, {"y1"}, {}, "mm1");
  b.Node("MatMul", {"z", "W"}, {"y2"}, {}, "mm2");
  b.Node("MatMul", {"z", "W2"}, {"y3"}, {}, "mm3");
  b.Output("y3", {2, 2});
  std::vector<data::Sample> items = TwoItems();
  for (data::Sample& item : items) {
    ir::Tensor z = item.at(0);
    z.name = "z";
    item.Set(z);
  }
  SmoothQuantRun run = RunSmoothQuant(b.Build(), items, Alpha(0.5));
  // Only mm3 (its own weight) is smoothed, on z.
  ASSERT_EQ(run.groups.size(), 1u);
  EXPECT_EQ(run.groups[0].nodes, (std::vector<std::string>{"mm3"}));
  EXPECT_EQ(run.groups[0].mul_node, "nncf_model_input_1_0_0/nncf_smooth_quant");
  ExpectValues(run.output.graph->FindInitializer("W"), kW1, 0);
  EXPECT_EQ(FindNode(run.output, "mm1")->inputs[0], "x");
  EXPECT_EQ(FindNode(run.output, "mm2")->inputs[0], "z");
}

TEST(SmoothQuantTest, Fp16ModelsGetFp16Scales) {
  // Same numbers as mm1 alone; every value involved is exact in fp16 except the scales.
  const std::vector<float> s = {1.2247449f, 2.8284271f, 0.6449490f};
  ModelBuilder b;
  b.Input("x", {2, 3}, ir::DType::kFloat16).Output("y1", {2, 2}, ir::DType::kFloat16);
  std::vector<uint16_t> w_bits;
  for (float v : kW1) w_bits.push_back(ir::FloatToHalf(v));
  b.Initializer(ir::Tensor::FromBytes("W1", ir::DType::kFloat16, {3, 2}, w_bits.data(),
                                      w_bits.size() * sizeof(uint16_t)));
  b.Node("MatMul", {"x", "W1"}, {"y1"}, {}, "mm1");
  std::vector<data::Sample> items;
  for (const data::Sample& item : TwoItems()) {
    const std::vector<float> values = Values(item.at(0));
    std::vector<uint16_t> bits;
    for (float v : values) bits.push_back(ir::FloatToHalf(v));
    data::Sample half;
    half.Set(ir::Tensor::FromBytes("x", ir::DType::kFloat16, {2, 3}, bits.data(),
                                   bits.size() * sizeof(uint16_t)));
    items.push_back(half);
  }
  SmoothQuantRun run = RunSmoothQuant(b.Build(), items, Alpha(0.5));
  ASSERT_EQ(run.groups.size(), 1u);
  const ir::Tensor* scale =
      run.output.graph->FindInitializer("nncf_model_input_0_0_0/nncf_smooth_quant_scale");
  ASSERT_NE(scale, nullptr);
  EXPECT_EQ(scale->dtype, ir::DType::kFloat16);
  ExpectValues(scale, {1 / s[0], 1 / s[1], 1 / s[2]}, 1e-3);
  const ir::Tensor* w1 = run.output.graph->FindInitializer("W1");
  EXPECT_EQ(w1->dtype, ir::DType::kFloat16);
  std::vector<float> expected;
  for (size_t i = 0; i < kW1.size(); ++i) expected.push_back(kW1[i] * s[i / 2]);
  ExpectValues(w1, expected, 1e-3);
}

TEST(SmoothQuantTest, SmoothedModelComputesTheSameOutputs) {
  // A two-layer MLP with bias on a [1,4,8] activation plus a Gemm head: every MatMul is smoothed,
  // and the float outputs agree to fp32 rounding.
  ModelBuilder b(17);
  b.Input("x", {1, 4, 8}).Output("y", {1, 4, 8}).Output("h", {4, 3});
  b.Random("W1", {8, 16}, 1.0f, 1).Random("B1", {16}, 0.5f, 2).Random("W2", {16, 8}, 0.3f, 3);
  b.Random("G", {3, 8}, 2.0f, 4).Random("GB", {3}, 1.0f, 5).Int64s("flat", {2}, {4, 8});
  b.Node("MatMul", {"x", "W1"}, {"m1"}, {}, "fc1");
  b.Node("Add", {"m1", "B1"}, {"a1"}, {}, "fc1_bias");
  b.Node("Relu", {"a1"}, {"r1"}, {}, "act");
  b.Node("MatMul", {"r1", "W2"}, {"y"}, {}, "fc2");
  b.Node("Reshape", {"x", "flat"}, {"x2"}, {}, "flatten");
  b.Node("Gemm", {"x2", "G", "GB"}, {"h"}, {ir::Attribute::Int("transB", 1)}, "head");
  std::vector<data::Sample> items;
  for (uint32_t seed = 10; seed < 14; ++seed) {
    ModelBuilder random;
    random.Random("x", {1, 4, 8}, 3.0f, seed);
    data::Sample item;
    item.Set(random.model().graph->initializers[0]);
    items.push_back(item);
  }
  SmoothQuantRun run = RunSmoothQuant(b.Build(), items, Alpha(0.95));
  ASSERT_EQ(run.groups.size(), 3u);
  EXPECT_EQ(run.groups[0].mul_node, "nncf_model_input_0_0_0/nncf_smooth_quant");
  EXPECT_EQ(run.groups[1].mul_node, "act_0_0/nncf_smooth_quant");
  EXPECT_EQ(run.groups[2].mul_node, "flatten_0_0/nncf_smooth_quant");
  // The [1,4,8] activation gets a [1,1,8] scale, the [4,8] one a [1,8] scale.
  EXPECT_EQ(run.output.graph->FindInitializer(run.groups[0].mul_node + "_scale")->dims,
            (std::vector<int64_t>{1, 1, 8}));
  EXPECT_EQ(run.output.graph->FindInitializer(run.groups[2].mul_node + "_scale")->dims,
            (std::vector<int64_t>{1, 8}));

  ModelBuilder probe;
  probe.Random("x", {1, 4, 8}, 5.0f, 99);
  exec::NamedTensors feeds = {{"x", probe.model().graph->initializers[0]}};
  exec::NamedTensors before = Infer(run.input, feeds);
  exec::NamedTensors after = Infer(run.output, feeds);
  ASSERT_EQ(before.size(), after.size());
  for (size_t o = 0; o < before.size(); ++o) {
    const std::vector<float> expected = Values(before[o].second);
    const std::vector<float> actual = Values(after[o].second);
    ASSERT_EQ(actual.size(), expected.size());
    float magnitude = 0;
    for (float v : expected) magnitude = std::max(magnitude, std::fabs(v));
    for (size_t i = 0; i < expected.size(); ++i) {
      EXPECT_NEAR(actual[i], expected[i], 1e-5 * magnitude) << before[o].first << "[" << i << "]";
    }
  }
}

TEST(SmoothQuantTest, UnnamedNodesKeepTheNamesTheGraphGaveThem) {
  // Inserting a Mul shifts node indices; NNCF renames unnamed nodes in place, so do we.
  ModelBuilder b;
  b.Input("x", {2, 3}).Output("y1", {2, 2}).Floats("W1", {3, 2}, kW1);
  b.Node("Relu", {"x"}, {"r"}, {}, "relu");
  b.Node("MatMul", {"r", "W1"}, {"y1"}, {}, "mm");
  b.model().graph->nodes[0].name.clear();
  b.model().graph->nodes[1].name.clear();
  SmoothQuantRun run = RunSmoothQuant(b.Build(), TwoItems(), Alpha(0.5));
  ASSERT_EQ(run.groups.size(), 1u);
  EXPECT_EQ(run.groups[0].mul_node, "Relu_nncf_0_0_0/nncf_smooth_quant");
  EXPECT_EQ(run.groups[0].nodes, (std::vector<std::string>{"MatMul_nncf_1"}));
  ASSERT_EQ(run.output.graph->nodes.size(), 3u);
  EXPECT_EQ(run.output.graph->nodes[0].name, "Relu_nncf_0");
  EXPECT_EQ(run.output.graph->nodes[2].name, "MatMul_nncf_1");
}

TEST(SmoothQuantTest, VitModelKeepsItsLogits) {
  // The bundled transformer (tests/transformer): ten groups (patch embedding; per block q/k/v
  // sharing the LayerNorm output, proj, fc1, fc2; the head Gemm), none on the attention MatMuls,
  // and the smoothed float model computes the same logits.
  const std::filesystem::path dir =
      std::filesystem::path(NNCF_SOURCE_DIR) / "tests" / "transformer";
  onnx::LoadOptions load;
  const ir::Model model = onnx::LoadModelFile((dir / "vit_fashion_mnist.onnx").string(), load);
  const ir::Tensor pixels = testing::ReadNpy((dir / "calibration_images.npy").string());
  auto image = [&](int64_t index) {
    std::vector<float> values(28 * 28);
    for (size_t i = 0; i < values.size(); ++i) {
      values[i] =
          (pixels.DataAs<uint8_t>()[index * 28 * 28 + static_cast<int64_t>(i)] / 255.0f - 0.5f) /
          0.5f;
    }
    return ModelBuilder::FloatTensor("image", {1, 1, 28, 28}, values);
  };
  std::vector<data::Sample> items;
  for (int64_t i = 0; i < 20; ++i) {
    data::Sample item;
    item.Set(image(i));
    items.push_back(item);
  }
  QuantizeParams params = Alpha(0.95);
  params.subset_size = 20;
  SmoothQuantRun run = RunSmoothQuant(model, items, params);
  ASSERT_EQ(run.groups.size(), 10u);
  std::set<std::string> smoothed;
  for (const SmoothedGroup& group : run.groups) {
    smoothed.insert(group.nodes.begin(), group.nodes.end());
    EXPECT_EQ(FindNode(run.output, group.mul_node)->op_type, "Mul");
  }
  EXPECT_EQ(smoothed.size(), 14u);
  EXPECT_EQ(smoothed.count("/blocks/blocks.0/attn/MatMul"), 0u);
  EXPECT_EQ(smoothed.count("/blocks/blocks.0/attn/MatMul_1"), 0u);
  EXPECT_EQ(run.groups[1].nodes, (std::vector<std::string>{"/blocks/blocks.0/attn/q/MatMul",
                                                           "/blocks/blocks.0/attn/k/MatMul",
                                                           "/blocks/blocks.0/attn/v/MatMul"}));

  for (int64_t i = 100; i < 104; ++i) {
    exec::NamedTensors feeds = {{"image", image(i)}};
    const std::vector<float> expected = Values(Infer(run.input, feeds)[0].second);
    const std::vector<float> actual = Values(Infer(run.output, feeds)[0].second);
    ASSERT_EQ(actual.size(), expected.size());
    for (size_t k = 0; k < expected.size(); ++k) {
      EXPECT_NEAR(actual[k], expected[k], 1e-4 * (1 + std::fabs(expected[k]))) << i << "/" << k;
    }
  }
}

}  // namespace
}  // namespace nncf::algorithms::quantization
