// NncfGraph::Build: node ids and names, edges with ports and dtypes, metatype refinement,
// weights through Transpose chains, biases, shared weights.
#include "algorithms/quantization/nncf_graph.h"

#include <gtest/gtest.h>

#include "core/common/error.h"
#include "model_builder.h"
#include "onnx/opset_conversion.h"

namespace nncf::algorithms::quantization {
namespace {

using testing::ModelBuilder;

NncfGraph BuildGraph(const ModelBuilder& builder) {
  return NncfGraph::Build(onnx::InferShapes(builder.Build()));
}

const GraphEdge& EdgeTo(const NncfGraph& graph, const std::string& node, int port) {
  const int index = graph.FindNode(node);
  for (int e : graph.InEdges(index)) {
    if (graph.edges()[static_cast<size_t>(e)].to_port == port) {
      return graph.edges()[static_cast<size_t>(e)];
    }
  }
  ADD_FAILURE() << "no edge into " << node << ":" << port;
  return graph.edges().front();
}

TEST(NncfGraphTest, NodesInputsOutputsAndEdges) {
  ModelBuilder b;
  b.Input("X", {1, 4})
      .Random("W", {4, 4})
      .Node("MatMul", {"X", "W"}, {"A"}, {}, "mm")
      .Node("Mul", {"A", "A"}, {"B"}, {}, "sq")
      .Node("Relu", {"B"}, {"C"})
      .Output("C", {1, 4});
  // An unnamed node is named "<op_type>_nncf_<index>" as NNCF renames it.
  b.model().graph->nodes[2].name.clear();
  const NncfGraph graph = BuildGraph(b);

  ASSERT_EQ(graph.nodes().size(), 5u);
  EXPECT_EQ(graph.node(0).name, "mm");
  EXPECT_EQ(graph.node(2).name, "Relu_nncf_2");
  EXPECT_EQ(graph.node(3).name, "nncf_model_input_0");
  EXPECT_EQ(graph.node(3).metatype, Metatype::kModelInput);
  EXPECT_EQ(graph.node(4).name, "nncf_model_output_0");
  EXPECT_EQ(graph.NodeKey(2), "2 Relu_nncf_2");
  EXPECT_EQ(graph.ModelInputNodes(), std::vector<int>{3});
  EXPECT_EQ(graph.ModelOutputNodes(), std::vector<int>{4});

  // The weight makes no edge; x*x makes two parallel edges on ports 0 and 1.
  EXPECT_EQ(graph.InEdges(0).size(), 1u);
  EXPECT_EQ(graph.EdgesBetween(0, 1).size(), 2u);
  EXPECT_EQ(EdgeTo(graph, "sq", 1).tensor, "A");
  EXPECT_EQ(EdgeTo(graph, "sq", 1).from, 0);
  const GraphEdge& input_edge = EdgeTo(graph, "mm", 0);
  EXPECT_EQ(input_edge.from, 3);
  EXPECT_TRUE(input_edge.is_float);
  ASSERT_TRUE(input_edge.shape.has_value());
  EXPECT_EQ(*input_edge.shape, (std::vector<int64_t>{1, 4}));
  EXPECT_EQ(graph.Successors(0), std::vector<int>{1});
  EXPECT_EQ(graph.Producer("B"), 1);
  EXPECT_EQ(graph.TopologicalOrder(), (std::vector<int>{3, 0, 1, 2, 4}));
}

TEST(NncfGraphTest, DtypesDecideWhatIsFloat) {
  ModelBuilder b;
  b.Input("H", {2, 2}, ir::DType::kFloat16)
      .Input("D", {2, 2}, ir::DType::kDouble)
      .Input("I", {2}, ir::DType::kInt64)
      .Node("Relu", {"H"}, {"H2"}, {}, "relu_h")
      .Node("Relu", {"D"}, {"D2"}, {}, "relu_d")
      .Node("Neg", {"I"}, {"I2"}, {}, "neg_i")
      .Output("H2", {2, 2}, ir::DType::kFloat16)
      .Output("D2", {2, 2}, ir::DType::kDouble)
      .Output("I2", {2}, ir::DType::kInt64);
  const NncfGraph graph = BuildGraph(b);
  EXPECT_TRUE(EdgeTo(graph, "relu_h", 0).is_float);  // fp16 is quantized, unlike in NNCF
  EXPECT_FALSE(EdgeTo(graph, "relu_d", 0).is_float);
  EXPECT_EQ(EdgeTo(graph, "relu_d", 0).dtype, ir::DType::kDouble);
  EXPECT_FALSE(EdgeTo(graph, "neg_i", 0).is_float);
}

TEST(NncfGraphTest, ConvRefinementAndBias) {
  ModelBuilder b;
  b.Input("X", {1, 4, 8, 8})
      .Random("W_dw", {4, 1, 3, 3})
      .Random("B_dw", {4})
      .Random("W_g", {8, 2, 3, 3})
      .Random("B_g", {8})
      .Random("W_c", {2, 8, 1, 1})
      .Node("Conv", {"X", "W_dw", "B_dw"}, {"A"}, {ir::Attribute::Int("group", 4)}, "dw")
      .Node("Conv", {"A", "W_g", "B_g"}, {"B"}, {ir::Attribute::Int("group", 2)}, "grouped")
      .Node("Conv", {"B", "W_c"}, {"C"}, {}, "plain")
      .Output("C", {1, 2, 4, 4});
  const NncfGraph graph = BuildGraph(b);
  const GraphNode& dw = graph.node(graph.FindNode("dw"));
  const GraphNode& grouped = graph.node(graph.FindNode("grouped"));
  const GraphNode& plain = graph.node(graph.FindNode("plain"));
  EXPECT_EQ(dw.metatype, Metatype::kDepthwiseConv);
  EXPECT_EQ(grouped.metatype, Metatype::kGroupConv);
  EXPECT_EQ(plain.metatype, Metatype::kConv);
  ASSERT_TRUE(dw.bias.has_value());
  EXPECT_EQ(dw.bias->tensor, "B_dw");
  EXPECT_EQ(dw.bias->port, 2);
  EXPECT_FALSE(grouped.bias.has_value());  // group conv is not in NNCF's bias list
  EXPECT_FALSE(plain.bias.has_value());    // no third input
  ASSERT_NE(plain.WeightOnPort(1), nullptr);
  EXPECT_EQ(plain.WeightOnPort(1)->shape, (std::vector<int64_t>{2, 8, 1, 1}));
  EXPECT_EQ(plain.WeightOnPort(1)->dtype, ir::DType::kFloat);
}

TEST(NncfGraphTest, WeightsThroughTransposeAndMatMulBias) {
  ModelBuilder b;
  b.Input("X", {2, 3})
      .Random("W", {4, 3})
      .Floats("bias", {4}, {1, 2, 3, 4})
      .Node("Transpose", {"W"}, {"Wt"}, {ir::Attribute::Ints("perm", {1, 0})}, "wt")
      .Node("MatMul", {"X", "Wt"}, {"A"}, {}, "mm")
      .Node("Add", {"A", "bias"}, {"Y"}, {}, "add")
      .Output("Y", {2, 4});
  const NncfGraph graph = BuildGraph(b);
  const GraphNode& mm = graph.node(graph.FindNode("mm"));
  ASSERT_EQ(mm.weights.size(), 1u);
  EXPECT_EQ(mm.weights[0].port, 1);
  EXPECT_EQ(mm.weights[0].tensor, "Wt");
  EXPECT_EQ(mm.weights[0].initializer, "W");
  EXPECT_EQ(mm.weights[0].shape, (std::vector<int64_t>{3, 4}));
  EXPECT_EQ(mm.WeightOnPort(0), nullptr);
  ASSERT_TRUE(mm.bias.has_value());
  EXPECT_EQ(mm.bias->node, "add");
  EXPECT_EQ(mm.bias->port, 1);
  EXPECT_EQ(mm.bias->tensor, "bias");
  EXPECT_FALSE(mm.weight_shared);
}

TEST(NncfGraphTest, GemmAttributesSharedWeightsAndEmbedding) {
  ModelBuilder b;
  b.Input("ids", {2}, ir::DType::kInt64)
      .Random("table", {10, 4})
      .Random("W", {4, 4})
      .Node("Gather", {"table", "ids"}, {"E"}, {}, "embed")
      .Node("Gemm", {"E", "W"}, {"A"}, {ir::Attribute::Int("transB", 1)}, "gemm")
      .Node("MatMul", {"A", "W"}, {"Y"}, {}, "mm")
      .Output("Y", {2, 4});
  const NncfGraph graph = BuildGraph(b);
  const GraphNode& embed = graph.node(graph.FindNode("embed"));
  const GraphNode& gemm = graph.node(graph.FindNode("gemm"));
  EXPECT_EQ(embed.metatype, Metatype::kEmbedding);
  ASSERT_NE(embed.WeightOnPort(0), nullptr);
  EXPECT_EQ(embed.WeightOnPort(0)->tensor, "table");
  EXPECT_FALSE(gemm.trans_a);
  EXPECT_TRUE(gemm.trans_b);
  EXPECT_TRUE(gemm.weight_shared);
  EXPECT_TRUE(graph.node(graph.FindNode("mm")).weight_shared);
  EXPECT_EQ(graph.Consumers("W"), (std::vector<std::pair<int, int>>{{1, 1}, {2, 1}}));
}

TEST(NncfGraphTest, UnknownAndCustomDomainOps) {
  ModelBuilder b;
  b.Input("X", {2, 4})
      .Random("scale", {4})
      .Node("LayerNormalization", {"X", "scale"}, {"A"}, {}, "ln")
      .Node("Relu", {"A"}, {"Y"}, {}, "custom", "com.example")
      .Output("Y", {2, 4});
  b.model().SetOpset("com.example", 1);
  const ir::Model model = onnx::InferShapes(b.Build());
  const NncfGraph graph = NncfGraph::Build(model);
  EXPECT_EQ(graph.node(graph.FindNode("ln")).metatype, Metatype::kUnknown);
  EXPECT_EQ(graph.node(graph.FindNode("custom")).metatype, Metatype::kUnknown);
}

TEST(NncfGraphTest, DuplicateNodeNamesAreRejected) {
  ModelBuilder b;
  b.Input("X", {2})
      .Node("Relu", {"X"}, {"A"}, {}, "same")
      .Node("Relu", {"A"}, {"Y"}, {}, "same")
      .Output("Y", {2});
  try {
    NncfGraph::Build(b.Build());
    FAIL() << "expected an error";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::kInvalidModel);
    EXPECT_NE(std::string(error.what()).find("'same'"), std::string::npos);
  }
}

}  // namespace
}  // namespace nncf::algorithms::quantization
