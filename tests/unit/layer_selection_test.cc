#include "algorithms/weight_compression/layer_selection.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "algorithms/common/ignored_scope.h"
#include "algorithms/weight_compression/compress_weights.h"
#include "algorithms/weight_compression/mixed_precision.h"
#include "core/common/error.h"

namespace nncf::algorithms::wc {
namespace {

ir::Node MakeNode(std::string op, std::vector<std::string> inputs, std::vector<std::string> outputs,
                  std::string name) {
  ir::Node node;
  node.op_type = std::move(op);
  node.inputs = std::move(inputs);
  node.outputs = std::move(outputs);
  node.name = std::move(name);
  return node;
}

void AddWeight(ir::Graph& graph, const std::string& name, std::vector<int64_t> dims,
               ir::DType dtype = ir::DType::kFloat) {
  graph.initializers.push_back(ir::Tensor::Zeros(name, dtype, std::move(dims)));
}

// ids -> embed(Gather E[100,16]) -> mm1(W1[16,32]) -> gemm(W2[8,32], transB) -> mm3(W3[8,16])
// -> conv(K[4,2,3,3]): the last weighted node is the Conv, the last MatMul is mm3.
ir::Graph MakeGraph() {
  ir::Graph graph;
  ir::ValueInfo ids;
  ids.name = "ids";
  graph.inputs.push_back(ids);
  graph.nodes.push_back(MakeNode("Gather", {"E", "ids"}, {"e"}, "embed"));
  graph.nodes.push_back(MakeNode("MatMul", {"e", "W1"}, {"a"}, "mm1"));
  ir::Node gemm = MakeNode("Gemm", {"a", "W2"}, {"b"}, "gemm");
  gemm.attributes.push_back(ir::Attribute::Int("transB", 1));
  graph.nodes.push_back(gemm);
  graph.nodes.push_back(MakeNode("MatMul", {"b", "W3"}, {"c"}, "mm3"));
  graph.nodes.push_back(MakeNode("Conv", {"c", "K"}, {"d"}, "conv"));
  AddWeight(graph, "E", {100, 16});
  AddWeight(graph, "W1", {16, 32});
  AddWeight(graph, "W2", {8, 32});
  AddWeight(graph, "W3", {8, 16});
  AddWeight(graph, "K", {4, 2, 3, 3});
  ir::ValueInfo d;
  d.name = "d";
  graph.outputs.push_back(d);
  return graph;
}

LayerPlanOptions Int4Options(int64_t group_size = 8) {
  LayerPlanOptions options;
  options.mode = WeightMode::kInt4Sym;
  options.group_size = group_size;
  options.backup = WeightMode::kInt8Asym;
  options.fallback = GroupSizeFallback::kError;
  return options;
}

std::vector<std::string> RatioDefiningNodes(const LayerPlan& plan) {
  std::vector<std::string> names;
  for (size_t i : plan.ratio_defining) names.push_back(plan.weights[i].weight.node_name);
  return names;
}

const PlannedWeight& Find(const LayerPlan& plan, const std::string& node) {
  for (const PlannedWeight& weight : plan.weights) {
    if (weight.weight.node_name == node) return weight;
  }
  throw std::runtime_error("no weight for node " + node);
}

TEST(LayerSelectionTest, TopologicalOrderIsKahnWithSmallestIndexFirst) {
  ir::Graph graph;
  graph.nodes.push_back(MakeNode("Relu", {"a"}, {"b"}, "n0"));  // needs n2
  graph.nodes.push_back(MakeNode("Relu", {"x"}, {"c"}, "n1"));
  graph.nodes.push_back(MakeNode("Relu", {"x"}, {"a"}, "n2"));
  graph.nodes.push_back(MakeNode("Add", {"b", "c"}, {"d"}, "n3"));
  graph.nodes.push_back(MakeNode("Relu", {"x"}, {"f"}, "n4"));
  // Ready at start: n1, n2, n4 -> n1; then n2 -> frees n0 (index 0 beats n4).
  EXPECT_EQ(TopologicalOrder(graph), (std::vector<size_t>{1, 2, 0, 3, 4}));
}

TEST(LayerSelectionTest, CandidatesAndReductionAxes) {
  const std::vector<WeightCandidate> candidates = FindWeightCandidates(MakeGraph());
  ASSERT_EQ(candidates.size(), 5u);
  EXPECT_EQ(candidates[0].node_name, "embed");
  EXPECT_EQ(candidates[0].kind, LayerKind::kEmbedding);
  EXPECT_EQ(candidates[0].reduction_axes, (std::vector<int64_t>{1}));
  EXPECT_EQ(candidates[0].site.input_index, 0);
  EXPECT_EQ(candidates[1].reduction_axes, (std::vector<int64_t>{0}));  // MatMul [K, N]
  EXPECT_EQ(candidates[1].site.input_index, 1);
  EXPECT_EQ(candidates[2].reduction_axes, (std::vector<int64_t>{1}));  // Gemm transB [N, K]
  EXPECT_TRUE(candidates[2].site.transposed);
  EXPECT_EQ(candidates[3].reduction_axes, (std::vector<int64_t>{0}));
  EXPECT_EQ(candidates[4].kind, LayerKind::kConvolution);
  EXPECT_EQ(candidates[4].reduction_axes, (std::vector<int64_t>{1, 2, 3}));
  EXPECT_EQ(candidates[4].num_weights, 72);
}

TEST(LayerSelectionTest, OtherLayoutsGetTheirAxes) {
  ir::Graph graph;
  graph.nodes.push_back(MakeNode("MatMul", {"A", "x"}, {"y"}, "left"));  // weight on port 0
  graph.nodes.push_back(MakeNode("MatMul", {"x", "M"}, {"z"}, "moe"));   // [E, K, N]
  graph.nodes.push_back(MakeNode("ConvTranspose", {"x", "T"}, {"t"}, "deconv"));
  graph.nodes.push_back(MakeNode("Gather", {"I", "x"}, {"g"}, "int_gather"));
  AddWeight(graph, "A", {8, 16});
  AddWeight(graph, "M", {4, 16, 8});
  AddWeight(graph, "T", {3, 5, 2, 2});
  AddWeight(graph, "I", {10, 4}, ir::DType::kInt64);
  const std::vector<WeightCandidate> candidates = FindWeightCandidates(graph);
  ASSERT_EQ(candidates.size(), 3u);  // a Gather on an int64 table is not an embedding
  EXPECT_EQ(candidates[0].reduction_axes, (std::vector<int64_t>{1}));  // A [M, K] reduces K
  EXPECT_EQ(candidates[0].site.input_index, 0);
  EXPECT_EQ(candidates[1].reduction_axes, (std::vector<int64_t>{1}));
  EXPECT_EQ(candidates[2].reduction_axes, (std::vector<int64_t>{0, 2, 3}));
}

TEST(LayerSelectionTest, DefaultKeepsLastMatMulEmbeddingAndConvInBackup) {
  const LayerPlan plan = PlanLayers(MakeGraph(), {}, Int4Options());
  ASSERT_EQ(plan.weights.size(), 5u);
  EXPECT_FALSE(plan.last_layer_skipped);
  // The last MatMul is mm3 even though the Conv comes after it.
  EXPECT_EQ(RatioDefiningNodes(plan), (std::vector<std::string>{"mm1", "gemm"}));
  for (const char* node : {"mm1", "gemm"}) {
    ASSERT_TRUE(Find(plan, node).config);
    EXPECT_EQ(Find(plan, node).config->mode, WeightMode::kInt4Sym);
    EXPECT_EQ(Find(plan, node).config->group_size, 8);
  }
  for (const char* node : {"embed", "mm3", "conv"}) {
    ASSERT_TRUE(Find(plan, node).config) << node;
    EXPECT_EQ(Find(plan, node).config->mode, WeightMode::kInt8Asym) << node;
    EXPECT_EQ(Find(plan, node).config->group_size, -1) << node;
  }
}

TEST(LayerSelectionTest, AllLayersAddsLastMatMulAndEmbeddingsButNeverConvs) {
  LayerPlanOptions options = Int4Options();
  options.all_layers = true;
  const LayerPlan plan = PlanLayers(MakeGraph(), {}, options);
  EXPECT_EQ(RatioDefiningNodes(plan), (std::vector<std::string>{"mm1", "gemm", "mm3", "embed"}));
  EXPECT_EQ(Find(plan, "conv").config->mode, WeightMode::kInt8Asym);
}

TEST(LayerSelectionTest, SkippedLastNodeKeepsLastMatMulRatioDefining) {
  const LayerPlan plan = PlanLayers(MakeGraph(), {"conv"}, Int4Options());
  EXPECT_TRUE(plan.last_layer_skipped);
  ASSERT_EQ(plan.skipped.size(), 1u);
  EXPECT_EQ(plan.skipped[0].node_name, "conv");
  EXPECT_EQ(RatioDefiningNodes(plan), (std::vector<std::string>{"mm1", "gemm", "mm3"}));
}

TEST(LayerSelectionTest, IgnoredScopeByNamePatternTypeAndSubgraph) {
  const ir::Graph graph = MakeGraph();
  IgnoredScope scope;
  scope.names = {"mm1"};
  scope.patterns = {"gem"};
  scope.types = {"Gather"};
  const LayerPlan plan = PlanLayers(graph, MatchIgnoredScope(graph, scope), Int4Options());
  std::vector<std::string> skipped;
  for (const WeightCandidate& weight : plan.skipped) skipped.push_back(weight.node_name);
  EXPECT_EQ(skipped, (std::vector<std::string>{"embed", "mm1", "gemm"}));
  EXPECT_TRUE(RatioDefiningNodes(plan).empty());  // mm3 is the last MatMul and stays backup

  IgnoredScope sub;
  sub.subgraphs.push_back(Subgraph{{"a"}, {"c"}});  // gemm and mm3
  const LayerPlan plan2 = PlanLayers(graph, MatchIgnoredScope(graph, sub), Int4Options());
  EXPECT_EQ(plan2.skipped.size(), 2u);
  // mm1 is now the last MatMul among the compressed ones; the last weighted node (conv) was
  // not skipped, so the last entry of the MatMul list (mm1) is dropped.
  EXPECT_TRUE(RatioDefiningNodes(plan2).empty());
}

TEST(LayerSelectionTest, BackupNoneLeavesTheRestFloat) {
  LayerPlanOptions options = Int4Options();
  options.backup.reset();
  const LayerPlan plan = PlanLayers(MakeGraph(), {}, options);
  EXPECT_FALSE(Find(plan, "embed").config);
  EXPECT_FALSE(Find(plan, "mm3").config);
  EXPECT_FALSE(Find(plan, "conv").config);
  EXPECT_TRUE(Find(plan, "mm1").config);
}

TEST(LayerSelectionTest, Int8ModesCompressEveryWeightPerChannel) {
  LayerPlanOptions options;
  options.mode = WeightMode::kInt8Sym;
  options.group_size = -1;
  const LayerPlan plan = PlanLayers(MakeGraph(), {}, options);
  EXPECT_EQ(plan.ratio_defining.size(), 5u);
  for (const PlannedWeight& weight : plan.weights) {
    ASSERT_TRUE(weight.config);
    EXPECT_EQ(weight.config->mode, WeightMode::kInt8Sym);
    EXPECT_EQ(weight.config->group_size, -1);
  }
}

TEST(LayerSelectionTest, SharedWeightIsCompressedOnce) {
  ir::Graph graph;
  graph.nodes.push_back(MakeNode("MatMul", {"x", "W"}, {"a"}, "first"));
  graph.nodes.push_back(MakeNode("MatMul", {"a", "W"}, {"b"}, "second"));
  graph.nodes.push_back(MakeNode("MatMul", {"b", "V"}, {"c"}, "third"));
  AddWeight(graph, "W", {8, 8});
  AddWeight(graph, "V", {8, 8});
  const LayerPlan plan = PlanLayers(graph, {}, Int4Options());
  ASSERT_EQ(plan.weights.size(), 2u);
  EXPECT_EQ(plan.weights[0].weight.node_name, "first");
  EXPECT_TRUE(plan.skipped.empty());
  EXPECT_EQ(RatioDefiningNodes(plan), (std::vector<std::string>{"first"}));

  // A shared weight on the last node marks the last layer as skipped.
  ir::Graph tail;
  tail.nodes.push_back(MakeNode("MatMul", {"x", "W"}, {"a"}, "first"));
  tail.nodes.push_back(MakeNode("MatMul", {"a", "V"}, {"b"}, "mid"));
  tail.nodes.push_back(MakeNode("MatMul", {"b", "W"}, {"c"}, "tied_head"));
  AddWeight(tail, "W", {8, 8});
  AddWeight(tail, "V", {8, 8});
  const LayerPlan tied = PlanLayers(tail, {}, Int4Options());
  EXPECT_TRUE(tied.last_layer_skipped);
  EXPECT_EQ(RatioDefiningNodes(tied), (std::vector<std::string>{"first", "mid"}));
}

TEST(LayerSelectionTest, GroupSizeFallbackModes) {
  // W1 reduces 16 rows, W2 (transB) reduces 32 columns; group size 64 divides neither.
  LayerPlanOptions options = Int4Options(64);
  LayerPlan error_plan = PlanLayers(MakeGraph(), {}, options);
  try {
    ValidateGroupSizes(error_plan, WeightMode::kInt4Sym);
    FAIL() << "expected an error";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::kInvalidArgument);
    const std::string message = error.what();
    EXPECT_NE(message.find("'mm1'"), std::string::npos) << message;
    EXPECT_NE(message.find("'gemm'"), std::string::npos) << message;
    EXPECT_NE(message.find("channel 16"), std::string::npos) << message;
    EXPECT_NE(message.find("channel 32"), std::string::npos) << message;
  }
  // After mixed precision moves them to backup, nothing is left to complain about.
  AssignMixedPrecision(error_plan, {}, WeightConfig{WeightMode::kInt8Asym, -1});
  EXPECT_NO_THROW(ValidateGroupSizes(error_plan, WeightMode::kInt4Sym));

  options.fallback = GroupSizeFallback::kIgnore;
  const LayerPlan ignore = PlanLayers(MakeGraph(), {}, options);
  EXPECT_TRUE(ignore.ratio_defining.empty());
  EXPECT_FALSE(Find(ignore, "mm1").config);
  EXPECT_FALSE(Find(ignore, "gemm").config);

  options.fallback = GroupSizeFallback::kAdjust;
  options.min_adjusted_group_size = 16;
  const LayerPlan adjust = PlanLayers(MakeGraph(), {}, options);
  EXPECT_EQ(Find(adjust, "mm1").config->group_size, 16);
  EXPECT_EQ(Find(adjust, "gemm").config->group_size, 32);
  options.min_adjusted_group_size = 32;
  const LayerPlan adjust32 = PlanLayers(MakeGraph(), {}, options);
  EXPECT_EQ(RatioDefiningNodes(adjust32), (std::vector<std::string>{"gemm"}));
  EXPECT_EQ(Find(adjust32, "mm1").config->mode, WeightMode::kInt8Asym);
}

TEST(LayerSelectionTest, Float16EmbeddingsAndUnsupportedWeights) {
  ir::Graph graph;
  graph.nodes.push_back(MakeNode("Gather", {"E", "ids"}, {"e"}, "embed"));
  graph.nodes.push_back(MakeNode("MatMul", {"e", "Q"}, {"a"}, "int_weight"));
  graph.nodes.push_back(MakeNode("MatMul", {"a", "W"}, {"b"}, "mm"));
  AddWeight(graph, "E", {10, 8}, ir::DType::kFloat16);
  AddWeight(graph, "Q", {8, 8}, ir::DType::kInt8);
  AddWeight(graph, "W", {8, 8}, ir::DType::kBFloat16);
  const LayerPlan plan = PlanLayers(graph, {}, Int4Options());
  ASSERT_EQ(plan.weights.size(), 2u);
  EXPECT_EQ(plan.weights[0].weight.node_name, "embed");
  EXPECT_EQ(plan.weights[1].weight.node_name, "mm");
  ASSERT_EQ(plan.skipped.size(), 1u);
  EXPECT_EQ(plan.skipped[0].node_name, "int_weight");
}

TEST(MixedPrecisionTest, LowestScoresTakePrimaryUntilTheRatioWouldBeReached) {
  const std::vector<double> scores = {3, 1, 2, 1};
  const std::vector<int64_t> sizes = {10, 20, 30, 40};
  // Ascending, stable: 1 (20), 3 (40), 2 (30), 0 (10). 20/100 < 0.5; 60/100 >= 0.5 stops,
  // even though weight 0 alone would still fit (NNCF breaks, it does not skip).
  EXPECT_EQ(SelectPrimaryByRatio(scores, sizes, 0.5), (std::vector<size_t>{1}));
  EXPECT_EQ(SelectPrimaryByRatio(scores, sizes, 0.61), (std::vector<size_t>{1, 3}));
  EXPECT_EQ(SelectPrimaryByRatio(scores, sizes, 0.0), (std::vector<size_t>{}));
  EXPECT_EQ(SelectPrimaryByRatio(scores, sizes, 1.0), (std::vector<size_t>{1, 3, 2}));
}

}  // namespace
}  // namespace nncf::algorithms::wc
