// NNCF's GraphPattern (common/graph/patterns/patterns.py) and its matcher (graph_matching.py):
// small multigraphs of metatype sets composed with join (a + b) and alternatives (a | b), matched
// as node-induced subgraphs of a model graph, optionally strictly (no edges leaving the inside).
#pragma once

#include <set>
#include <string>
#include <utility>
#include <vector>

#include "algorithms/quantization/metatype.h"

namespace nncf::algorithms::quantization {

struct PatternNode {
  int key = 0;
  std::string label;
  std::set<Metatype> metatypes;
  bool any = false;          // ANY_PATTERN_NODE: matches anything, part of the match
  bool non_pattern = false;  // NON_PATTERN_NODE: matches anything, not part of the match
  bool exclude = false;      // PATTERN_NODE_TO_EXCLUDE: matched but left out of the result
};

class GraphPattern {
 public:
  // Returns the new node's key.
  int AddNode(const std::string& label, std::set<Metatype> metatypes);
  int AddAnyNode(const std::string& label);
  int AddNonPatternNode(const std::string& label);
  void SetExclude(int key) { MutableNode(key).exclude = true; }
  void AddEdge(int from, int to) { edges_.emplace_back(from, to); }

  // NNCF's `self + other`: every component of this joined to every component of `other`, the
  // last node of one to the first node of the other (an ANY / NON_PATTERN first node of `other`
  // is dropped and its successors are connected instead).
  GraphPattern Plus(const GraphPattern& other) const;
  // join_patterns(other) without explicit edges.
  void Join(const GraphPattern& other) { *this = Plus(other); }
  // join_patterns_parallel: both patterns have one node; `degree` parallel edges between them.
  void JoinParallel(const GraphPattern& other, int degree);
  // add_pattern_alternative: `other` becomes one more weakly connected component.
  void AddAlternative(const GraphPattern& other);

  const std::vector<PatternNode>& nodes() const { return nodes_; }
  const std::vector<std::pair<int, int>>& edges() const { return edges_; }
  // Weakly connected components, ordered by their first node in insertion order.
  std::vector<GraphPattern> Components() const;
  const PatternNode* FindNode(int key) const;

 private:
  PatternNode& MutableNode(int key);
  // Copies `graph` with fresh keys from this pattern's counter; returns the key mapping.
  std::vector<std::pair<int, int>> UniteWithCopy(const GraphPattern& graph);
  std::vector<int> TopologicalKeys() const;  // lexicographical topological sort by key

  std::vector<PatternNode> nodes_;
  std::vector<std::pair<int, int>> edges_;
  int counter_ = 0;
};

// The graph a pattern is matched against: nodes in NNCF's order with metatypes and NNCF keys
// (for sorting matches), and directed multi-edges.
struct MatchGraph {
  std::vector<Metatype> metatypes;
  std::vector<std::string> keys;
  std::vector<std::pair<int, int>> edges;
};

// find_subgraphs_matching_pattern: the patterns' components, longest first, each match a list
// of node indices in lexicographical topological order; no node is in two matches.
std::vector<std::vector<int>> FindMatches(const MatchGraph& graph, const GraphPattern& pattern,
                                          bool strict);

}  // namespace nncf::algorithms::quantization
