// nncf.IgnoredScope: which nodes an algorithm must leave alone.
#pragma once

#include <set>
#include <string>
#include <vector>

#include "core/ir/graph.h"

namespace nncf::algorithms {

struct Subgraph {
  std::vector<std::string> inputs;   // value names
  std::vector<std::string> outputs;  // value names
};

struct IgnoredScope {
  std::vector<std::string> names;     // exact node names
  std::vector<std::string> patterns;  // std::regex (ECMAScript), matched at the start of the name
  std::vector<std::string> types;     // op types
  std::vector<Subgraph> subgraphs;    // every node on a path from an input to an output
  bool validate = true;

  bool empty() const {
    return names.empty() && patterns.empty() && types.empty() && subgraphs.empty();
  }
};

// Adds the rules of `extra` to `scope`. When `scope` already had rules, validation stays on only
// if both ask for it.
void MergeIgnoredScope(IgnoredScope* scope, const IgnoredScope& extra);

// Names of the main-graph nodes the scope matches (nodes without names are matched by their
// "{op_type}_nncf_{index}" name, as NNCF names them). With validate, every rule that matches
// nothing is reported in one nncf::Error(kInvalidArgument) that lists them all; a bad regex is
// kInvalidArgument naming it.
std::set<std::string> MatchIgnoredScope(const ir::Graph& graph, const IgnoredScope& scope);

// The name NNCF gives node `index` of `graph` ("{op_type}_nncf_{index}" when it has none).
std::string NodeNameForScope(const ir::Graph& graph, size_t index);

}  // namespace nncf::algorithms
