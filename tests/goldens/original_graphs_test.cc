// Checks make_golden_models.py against NNCF's original/*.dot: every rebuilt model, seen the way
// NNCF's graph builder sees it after shape inference, has the nodes (names and op types) and edges
// (with shapes and float/integer style) of NNCF's reference. Independent of quantization.
#include <gtest/gtest.h>

#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include "core/common/error.h"
#include "dot_graph.h"
#include "golden_cases.h"
#include "model_structure.h"

namespace nncf::testing::goldens {
namespace {

namespace fs = std::filesystem;

// Both flavours NNCF has written: strict with one edge per pair, and a multigraph with keys.
TEST(DotGraph, ReadsBothFlavours) {
  const DotGraph strict = ParseDot(
      "strict digraph  {\n\"0 Conv 1\" [id=0, type=Conv];\n\"1 nncf_model_output_0\" [id=1, "
      "type=nncf_model_output];\n\"0 Conv 1\" -> \"1 nncf_model_output_0\"  [label=\"[1, 3]\", "
      "style=solid];\n}\n");
  ASSERT_EQ(strict.nodes.size(), 2u);
  EXPECT_EQ(strict.nodes[0].id, "0");
  EXPECT_EQ(strict.nodes[0].name, "Conv 1");
  EXPECT_EQ(strict.nodes[0].type, "Conv");
  ASSERT_EQ(strict.edges.size(), 1u);
  EXPECT_EQ(strict.edges[0].from, "Conv 1");
  EXPECT_EQ(strict.edges[0].to, "nncf_model_output_0");
  EXPECT_EQ(strict.edges[0].label, "[1, 3]");
  EXPECT_EQ(strict.edges[0].style, "solid");

  const DotGraph multi = ParseDot(
      "digraph {\n\"2 nncf_model_input_0\" [id=2, type=\"nncf_model_input\"];\n\"0 C\" [id=0, "
      "type=Concat];\n\"2 nncf_model_input_0\" -> \"0 C\" [key=0, style=dashed, label=\"[]\"];\n"
      "\"2 nncf_model_input_0\" -> \"0 C\" [key=1, style=dashed, label=\"[]\"];\n}\n");
  ASSERT_EQ(multi.nodes.size(), 2u);
  EXPECT_EQ(multi.nodes[0].type, "nncf_model_input");
  ASSERT_EQ(multi.edges.size(), 2u);
  EXPECT_EQ(multi.edges[1].style, "dashed");
  EXPECT_EQ(multi.edges[1].label, "[]");
  // Parallel edges count once, as networkx reads a reference into a DiGraph.
  DotGraph single = multi;
  single.edges.pop_back();
  EXPECT_TRUE(DotGraphDifferences(multi, single).empty());
  single.edges[0].style = "solid";
  EXPECT_EQ(DotGraphDifferences(multi, single).size(), 2u);

  EXPECT_THROW(ParseDot("digraph { \"Conv\" [type=Conv]; }"), Error);
  EXPECT_THROW(ParseDot("digraph { \"0 a\" -> ; }"), Error);
}

const std::vector<std::string>& OriginalReferences() {
  static const std::vector<std::string> names = {
      "activation_matmul_model",
      "attention_model",
      "double_input_output_model",
      "embedding_model",
      "float64_model",
      "gemm_weight_transpose_model",
      "int_edges_model",
      "linear_model",
      "many_input_ports_quantizable_model",
      "multi_input_output_model",
      "multi_input_output_parallel_edges_model",
      "non_shape_model",
      "one_convolutional_identity_bias_model",
      "one_convolutional_model",
      "one_input_port_quantizable_model",
      "output_with_no_parents_model",
      "reshape_weight_model",
      "shape_of_model",
      "unified_embedding_model",
      "weight_matmul_model",
      "weight_propagation_conv_model",
      "weight_propagation_matmul_model",
      "weight_sharing_model",
  };
  return names;
}

TEST(GoldenReferences, EveryOriginalGraphHasACase) {
  const fs::path dir = ReferenceDir();
  if (dir.empty())
    GTEST_SKIP() << "NNCF's reference data (../shared/reference/nncf_goldens) is absent";
  std::set<std::string> on_disk;
  for (const auto& entry : fs::directory_iterator(dir / "original")) {
    if (entry.path().extension() == ".dot") on_disk.insert(entry.path().stem().string());
  }
  const std::set<std::string> covered(OriginalReferences().begin(), OriginalReferences().end());
  EXPECT_EQ(on_disk, covered);
}

class OriginalGraph : public ::testing::TestWithParam<std::string> {};

TEST_P(OriginalGraph, MatchesNncfReference) {
  const fs::path dir = ReferenceDir();
  if (dir.empty())
    GTEST_SKIP() << "NNCF's reference data (../shared/reference/nncf_goldens) is absent";
  const std::string& name = GetParam();
  const DotGraph expected = ReadDotFile((dir / "original" / (name + ".dot")).string());
  const ir::Model model = LoadGoldenModel(name);
  const DotGraph actual = ModelStructure(InferLikeNncf(model));
  std::string report;
  for (const std::string& d : DotGraphDifferences(expected, actual)) report += "\n  " + d;
  EXPECT_TRUE(report.empty()) << name << " differs from NNCF's original graph:" << report;
}

INSTANTIATE_TEST_SUITE_P(Nncf, OriginalGraph, ::testing::ValuesIn(OriginalReferences()),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           return info.param;
                         });

}  // namespace
}  // namespace nncf::testing::goldens
