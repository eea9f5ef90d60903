// The graphs NNCF writes as Graphviz .dot for its reference tests (networkx through pydot): node
// statements `"<id> <name>" [id=<id>, type=<op type>];` and edge statements
// `"<id> <a>" -> "<id> <b>" [label="[1, 3, 32, 32]", style=solid];` (style dashed: an integer
// edge). Both flavours NNCF has written are read: `strict digraph` with one edge per node pair,
// and `digraph` with `key=<k>` on parallel edges.
#pragma once

#include <set>
#include <string>
#include <tuple>
#include <vector>

namespace nncf::testing {

struct DotNode {
  std::string id;    // the number before the name
  std::string name;  // node name: ONNX node, nncf_model_input_<i> or nncf_model_output_<i>
  std::string type;  // ONNX op type, nncf_model_input or nncf_model_output
};

struct DotEdge {
  std::string from, to;  // node names
  std::string label;     // tensor shape as NNCF prints it, "[1, 32, 30, 30]"
  std::string style;     // "solid" for float edges, "dashed" for integer ones
};

struct DotGraph {
  std::vector<DotNode> nodes;
  std::vector<DotEdge> edges;

  const DotNode* FindNode(const std::string& name) const;
  std::vector<const DotEdge*> EdgesFrom(const std::string& name) const;
  std::vector<const DotEdge*> EdgesTo(const std::string& name) const;
};

// Throws nncf::Error(kInvalidArgument) naming the line of a statement it cannot read.
DotGraph ParseDot(const std::string& text);
// Throws nncf::Error(kIo) when the file cannot be read.
DotGraph ReadDotFile(const std::string& path);

// Everything that differs between two graphs, one readable line per difference: nodes by name
// with their types; edges as (from, to, label, style), parallel edges counted once as networkx
// does when it reads a reference. Empty when they are equal.
std::vector<std::string> DotGraphDifferences(const DotGraph& expected, const DotGraph& actual);

}  // namespace nncf::testing
