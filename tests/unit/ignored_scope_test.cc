#include "algorithms/common/ignored_scope.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/common/error.h"

namespace nncf::algorithms {
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

// x -> mm1 -> a -> relu -> b -> gemm -> c -> mm3 -> d ; x -> (unnamed Relu) -> e
ir::Graph MakeGraph() {
  ir::Graph graph;
  ir::ValueInfo x;
  x.name = "x";
  graph.inputs.push_back(x);
  graph.nodes.push_back(MakeNode("MatMul", {"x", "w1"}, {"a"}, "mm1"));
  graph.nodes.push_back(MakeNode("Relu", {"a"}, {"b"}, "relu"));
  graph.nodes.push_back(MakeNode("Gemm", {"b", "w2"}, {"c"}, "gemm"));
  graph.nodes.push_back(MakeNode("MatMul", {"c", "w3"}, {"d"}, "mm3"));
  graph.nodes.push_back(MakeNode("Relu", {"x"}, {"e"}, ""));
  for (const char* name : {"w1", "w2", "w3"}) {
    graph.initializers.push_back(ir::Tensor::Zeros(name, ir::DType::kFloat, {2, 2}));
  }
  ir::ValueInfo d;
  d.name = "d";
  graph.outputs.push_back(d);
  return graph;
}

TEST(IgnoredScopeTest, EmptyScopeMatchesNothing) {
  EXPECT_TRUE(MatchIgnoredScope(MakeGraph(), IgnoredScope()).empty());
}

TEST(IgnoredScopeTest, NamesAreExact) {
  IgnoredScope scope;
  scope.names = {"mm1", "gemm"};
  EXPECT_EQ(MatchIgnoredScope(MakeGraph(), scope), (std::set<std::string>{"mm1", "gemm"}));
}

TEST(IgnoredScopeTest, UnnamedNodesGetNncfNames) {
  const ir::Graph graph = MakeGraph();
  EXPECT_EQ(NodeNameForScope(graph, 4), "Relu_nncf_4");
  EXPECT_EQ(NodeNameForScope(graph, 0), "mm1");
  IgnoredScope scope;
  scope.names = {"Relu_nncf_4"};
  EXPECT_EQ(MatchIgnoredScope(graph, scope), (std::set<std::string>{"Relu_nncf_4"}));
}

TEST(IgnoredScopeTest, PatternsMatchAtTheStartOnly) {
  IgnoredScope scope;
  scope.patterns = {"mm"};
  EXPECT_EQ(MatchIgnoredScope(MakeGraph(), scope), (std::set<std::string>{"mm1", "mm3"}));
  scope.patterns = {"m\\d"};  // would find "m1" inside "mm1" with a search
  EXPECT_THROW(MatchIgnoredScope(MakeGraph(), scope), Error);
  scope.patterns = {".*3$"};
  EXPECT_EQ(MatchIgnoredScope(MakeGraph(), scope), (std::set<std::string>{"mm3"}));
}

TEST(IgnoredScopeTest, TypesMatchOpTypes) {
  IgnoredScope scope;
  scope.types = {"Relu"};
  EXPECT_EQ(MatchIgnoredScope(MakeGraph(), scope), (std::set<std::string>{"relu", "Relu_nncf_4"}));
}

TEST(IgnoredScopeTest, SubgraphTakesEveryNodeBetweenItsValues) {
  IgnoredScope scope;
  scope.subgraphs.push_back(Subgraph{{"a"}, {"c"}});
  EXPECT_EQ(MatchIgnoredScope(MakeGraph(), scope), (std::set<std::string>{"relu", "gemm"}));
  scope.subgraphs = {Subgraph{{"x"}, {"d"}}};
  // The unnamed Relu hangs off x but does not lead to d.
  EXPECT_EQ(MatchIgnoredScope(MakeGraph(), scope),
            (std::set<std::string>{"mm1", "relu", "gemm", "mm3"}));
}

TEST(IgnoredScopeTest, ValidateListsEveryRuleThatMatchesNothing) {
  IgnoredScope scope;
  scope.names = {"mm1", "nope", "missing"};
  scope.patterns = {"zzz"};
  scope.types = {"Conv"};
  scope.subgraphs.push_back(Subgraph{{"d"}, {"a"}});
  scope.subgraphs.push_back(Subgraph{{"ghost"}, {"a"}});
  try {
    MatchIgnoredScope(MakeGraph(), scope);
    FAIL() << "expected an error";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::kInvalidArgument);
    const std::string message = error.what();
    for (const char* part : {"'nope'", "'missing'", "'zzz'", "'Conv'", "#0", "#1", "'ghost'"}) {
      EXPECT_NE(message.find(part), std::string::npos) << part << " in " << message;
    }
    EXPECT_EQ(message.find("'mm1'"), std::string::npos) << message;
  }
  scope.validate = false;
  EXPECT_EQ(MatchIgnoredScope(MakeGraph(), scope), (std::set<std::string>{"mm1"}));
}

TEST(IgnoredScopeTest, BadRegexIsInvalidArgument) {
  IgnoredScope scope;
  scope.patterns = {"(unclosed"};
  scope.validate = false;
  try {
    MatchIgnoredScope(MakeGraph(), scope);
    FAIL() << "expected an error";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::kInvalidArgument);
    EXPECT_NE(std::string(error.what()).find("(unclosed"), std::string::npos);
  }
}

TEST(IgnoredScopeTest, MergeAppendsRulesAndKeepsValidationOnlyIfBothAskForIt) {
  IgnoredScope scope;
  scope.validate = false;
  IgnoredScope extra;
  extra.names = {"a"};
  extra.types = {"Conv"};
  extra.subgraphs.push_back({{"x"}, {"y"}});
  MergeIgnoredScope(&scope, extra);  // an empty scope takes the other's validation
  EXPECT_EQ(scope.names, std::vector<std::string>{"a"});
  EXPECT_EQ(scope.types, std::vector<std::string>{"Conv"});
  EXPECT_EQ(scope.subgraphs.size(), 1u);
  EXPECT_TRUE(scope.validate);
  IgnoredScope lax;
  lax.patterns = {"b.*"};
  lax.validate = false;
  MergeIgnoredScope(&scope, lax);
  EXPECT_EQ(scope.patterns, std::vector<std::string>{"b.*"});
  EXPECT_FALSE(scope.validate);
}

}  // namespace
}  // namespace nncf::algorithms
