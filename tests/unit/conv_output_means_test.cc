// The closed form of a convolution's per-channel output means on a constant-per-channel blob
// (fast bias correction) against running the convolution in the executor and averaging: 1-, 2-
// and 3-D, strides, dilations, asymmetric pads, every auto_pad, groups, with and without bias.
#include "algorithms/quantization/conv_output_means.h"

#include <gtest/gtest.h>

#include <cmath>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "algorithms/quantization/channel_means.h"
#include "core/common/error.h"
#include "core/exec/executor.h"
#include "model_builder.h"

namespace nncf::algorithms::quantization {
namespace {

using testing::ModelBuilder;

struct Case {
  std::string name;
  std::vector<int64_t> input;   // [N, C, spatial...]
  std::vector<int64_t> weight;  // [OC, C / group, kernel...]
  std::vector<ir::Attribute> attributes;
  bool bias = true;
};

std::vector<Case> Cases() {
  using ir::Attribute;
  return {
      {"2d 3x3 pad 1", {1, 4, 7, 6}, {5, 4, 3, 3}, {Attribute::Ints("pads", {1, 1, 1, 1})}},
      {"2d no bias stride 2",
       {2, 3, 9, 8},
       {4, 3, 3, 3},
       {Attribute::Ints("strides", {2, 2}), Attribute::Ints("pads", {0, 1, 2, 0})},
       false},
      {"2d dilation 2",
       {1, 3, 10, 10},
       {2, 3, 3, 3},
       {Attribute::Ints("dilations", {2, 2}), Attribute::Ints("pads", {2, 2, 2, 2})}},
      {"2d same_upper stride 2",
       {1, 3, 8, 7},
       {3, 3, 4, 3},
       {Attribute::String("auto_pad", "SAME_UPPER"), Attribute::Ints("strides", {2, 2})}},
      {"2d same_lower", {1, 2, 5, 6}, {3, 2, 2, 4}, {Attribute::String("auto_pad", "SAME_LOWER")}},
      {"2d valid", {1, 2, 6, 6}, {3, 2, 3, 3}, {Attribute::String("auto_pad", "VALID")}},
      {"2d groups 2",
       {1, 4, 6, 5},
       {6, 2, 3, 3},
       {Attribute::Int("group", 2), Attribute::Ints("pads", {1, 0, 1, 0})}},
      {"2d depthwise",
       {1, 3, 5, 5},
       {3, 1, 3, 3},
       {Attribute::Int("group", 3), Attribute::Ints("pads", {1, 1, 1, 1})}},
      {"1d",
       {1, 3, 11},
       {4, 3, 5},
       {Attribute::Ints("pads", {2, 1}), Attribute::Ints("strides", {3})}},
      {"3d", {1, 2, 4, 5, 3}, {3, 2, 2, 3, 3}, {Attribute::Ints("pads", {1, 0, 1, 0, 1, 1})}},
      {"2d 1x1", {1, 8, 4, 4}, {6, 8, 1, 1}, {}},
  };
}

TEST(ConvOutputMeans, ClosedFormMatchesTheExecutedConvolution) {
  std::mt19937 rng(3);
  std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
  for (const Case& c : Cases()) {
    std::vector<float> means(static_cast<size_t>(c.input[1]));
    for (float& m : means) m = dist(rng);
    ModelBuilder builder;
    builder.Input("x", c.input).Random("w", c.weight, 1.0f, 7);
    std::vector<std::string> inputs = {"x", "w"};
    if (c.bias) {
      builder.Random("b", {c.weight[0]}, 1.0f, 9);
      inputs.push_back("b");
    }
    builder.Node("Conv", inputs, {"y"}, c.attributes, "conv").Output("y");
    auto model = std::make_shared<const ir::Model>(builder.Build());
    const ir::Graph& graph = *model->graph;
    const ir::Node& conv = graph.nodes.at(0);

    const ir::Tensor blob = ChannelBlob("x", ir::DType::kFloat, c.input, 1, means);
    const exec::Executor executor(model, exec::ExecutorOptions());
    const exec::NamedTensors outputs = executor.Run({{"x", blob}});
    const std::vector<float> executed = MeanPerChannel(outputs.at(0).second, 1);

    for (int threads : {1, 3}) {
      const std::vector<float> closed = ConvOutputMeansOfChannelBlob(
          conv, 13, c.input, *graph.FindInitializer("w"),
          c.bias ? graph.FindInitializer("b") : nullptr, means, threads);
      ASSERT_EQ(closed.size(), executed.size()) << c.name;
      for (size_t i = 0; i < closed.size(); ++i) {
        EXPECT_NEAR(closed[i], executed[i], 2e-5 * (1.0 + std::fabs(executed[i])))
            << c.name << " channel " << i;
      }
    }
  }
}

TEST(ConvOutputMeans, ShapesThatDoNotFitNameTheNode) {
  ModelBuilder builder;
  builder.Input("x", {1, 3, 5, 5}).Random("w", {2, 3, 3, 3});
  builder.Node("Conv", {"x", "w"}, {"y"}, {}, "the_conv").Output("y");
  const ir::Model model = builder.Build();
  const ir::Tensor& w = *model.graph->FindInitializer("w");
  try {
    ConvOutputMeansOfChannelBlob(model.graph->nodes[0], 13, {1, 4, 5, 5}, w, nullptr,
                                 std::vector<float>(4, 1.0f), 1);
    FAIL() << "a 4-channel input for a 3-channel weight was accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument);
    EXPECT_NE(std::string(e.what()).find("the_conv"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace nncf::algorithms::quantization
