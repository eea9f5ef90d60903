// nncf.IgnoredScope matching on the main graph.
#include "algorithms/common/ignored_scope.h"

#include <map>
#include <regex>
#include <string>
#include <vector>

#include "core/common/error.h"

namespace nncf::algorithms {
namespace {

std::string JoinQuoted(const std::vector<std::string>& items) {
  std::string text;
  for (const std::string& item : items) {
    if (!text.empty()) text += ", ";
    text += "'" + item + "'";
  }
  return text;
}

// Nodes lying on some path from one of `inputs` to one of `outputs`: in a DAG that is exactly
// the nodes reachable forwards from an input that also reach an output backwards.
std::vector<size_t> NodesOfSubgraph(const ir::Graph& graph, const Subgraph& subgraph,
                                    std::vector<std::string>* unknown_values) {
  std::map<std::string, size_t> producer;
  std::multimap<std::string, size_t> consumers;
  std::set<std::string> known_values;
  for (const ir::ValueInfo& input : graph.inputs) known_values.insert(input.name);
  for (const ir::Tensor& init : graph.initializers) known_values.insert(init.name);
  for (size_t i = 0; i < graph.nodes.size(); ++i) {
    for (const std::string& output : graph.nodes[i].outputs) {
      if (output.empty()) continue;
      producer[output] = i;
      known_values.insert(output);
    }
    for (const std::string& input : graph.nodes[i].inputs) {
      if (!input.empty()) consumers.emplace(input, i);
    }
  }
  for (const std::string& value : subgraph.inputs) {
    if (!known_values.count(value)) unknown_values->push_back(value);
  }
  for (const std::string& value : subgraph.outputs) {
    if (!known_values.count(value)) unknown_values->push_back(value);
  }

  std::vector<bool> forward(graph.nodes.size(), false);
  std::vector<std::string> pending(subgraph.inputs.begin(), subgraph.inputs.end());
  // A subgraph input that is itself produced by a node starts at that value's consumers.
  while (!pending.empty()) {
    const std::string value = pending.back();
    pending.pop_back();
    auto [begin, end] = consumers.equal_range(value);
    for (auto it = begin; it != end; ++it) {
      if (forward[it->second]) continue;
      forward[it->second] = true;
      for (const std::string& out : graph.nodes[it->second].outputs) {
        if (!out.empty()) pending.push_back(out);
      }
    }
  }

  std::vector<bool> backward(graph.nodes.size(), false);
  pending.assign(subgraph.outputs.begin(), subgraph.outputs.end());
  while (!pending.empty()) {
    const std::string value = pending.back();
    pending.pop_back();
    auto it = producer.find(value);
    if (it == producer.end() || backward[it->second]) continue;
    backward[it->second] = true;
    for (const std::string& in : graph.nodes[it->second].inputs) {
      if (!in.empty()) pending.push_back(in);
    }
  }

  std::vector<size_t> nodes;
  for (size_t i = 0; i < graph.nodes.size(); ++i) {
    if (forward[i] && backward[i]) nodes.push_back(i);
  }
  return nodes;
}

}  // namespace

std::string NodeNameForScope(const ir::Graph& graph, size_t index) {
  const ir::Node& node = graph.nodes.at(index);
  if (!node.name.empty()) return node.name;
  return node.op_type + "_nncf_" + std::to_string(index);
}

std::set<std::string> MatchIgnoredScope(const ir::Graph& graph, const IgnoredScope& scope) {
  std::set<std::string> matched;
  if (scope.empty()) return matched;
  std::vector<std::string> names;
  names.reserve(graph.nodes.size());
  for (size_t i = 0; i < graph.nodes.size(); ++i) names.push_back(NodeNameForScope(graph, i));
  const std::set<std::string> all_names(names.begin(), names.end());

  std::vector<std::string> unmatched_names;
  for (const std::string& name : scope.names) {
    if (all_names.count(name)) {
      matched.insert(name);
    } else {
      unmatched_names.push_back(name);
    }
  }

  std::vector<std::string> unmatched_patterns;
  for (const std::string& pattern : scope.patterns) {
    std::regex regex;
    try {
      regex = std::regex(pattern, std::regex::ECMAScript);
    } catch (const std::regex_error& error) {
      Fail(ErrorCode::kInvalidArgument,
           "ignored scope: pattern '" + pattern + "' is not a valid regex: " + error.what());
    }
    bool any = false;
    for (const std::string& name : names) {
      // NNCF uses re.match: anchored at the start, not a full match.
      if (std::regex_search(name, regex, std::regex_constants::match_continuous)) {
        matched.insert(name);
        any = true;
      }
    }
    if (!any) unmatched_patterns.push_back(pattern);
  }

  std::vector<std::string> unmatched_types;
  for (const std::string& type : scope.types) {
    bool any = false;
    for (size_t i = 0; i < graph.nodes.size(); ++i) {
      if (graph.nodes[i].op_type == type) {
        matched.insert(names[i]);
        any = true;
      }
    }
    if (!any) unmatched_types.push_back(type);
  }

  std::vector<std::string> bad_subgraphs;
  for (size_t s = 0; s < scope.subgraphs.size(); ++s) {
    std::vector<std::string> unknown_values;
    const std::vector<size_t> nodes = NodesOfSubgraph(graph, scope.subgraphs[s], &unknown_values);
    for (size_t i : nodes) matched.insert(names[i]);
    if (!unknown_values.empty()) {
      bad_subgraphs.push_back("#" + std::to_string(s) + " (unknown values " +
                              JoinQuoted(unknown_values) + ")");
    } else if (nodes.empty()) {
      bad_subgraphs.push_back("#" + std::to_string(s) + " (no node between inputs " +
                              JoinQuoted(scope.subgraphs[s].inputs) + " and outputs " +
                              JoinQuoted(scope.subgraphs[s].outputs) + ")");
    }
  }

  if (scope.validate) {
    std::string problems;
    auto add = [&problems](const std::string& what, const std::vector<std::string>& items,
                           bool quote) {
      if (items.empty()) return;
      if (!problems.empty()) problems += "; ";
      std::string list;
      if (quote) {
        list = JoinQuoted(items);
      } else {
        for (const std::string& item : items) list += (list.empty() ? "" : ", ") + item;
      }
      problems += what + " " + list;
    };
    add("names", unmatched_names, true);
    add("patterns", unmatched_patterns, true);
    add("types", unmatched_types, true);
    add("subgraphs", bad_subgraphs, false);
    if (!problems.empty()) {
      Fail(ErrorCode::kInvalidArgument,
           "ignored scope: these rules match no node of the graph: " + problems);
    }
  }
  return matched;
}

void MergeIgnoredScope(IgnoredScope* scope, const IgnoredScope& extra) {
  const bool had_rules = !scope->empty();
  scope->names.insert(scope->names.end(), extra.names.begin(), extra.names.end());
  scope->patterns.insert(scope->patterns.end(), extra.patterns.begin(), extra.patterns.end());
  scope->types.insert(scope->types.end(), extra.types.begin(), extra.types.end());
  scope->subgraphs.insert(scope->subgraphs.end(), extra.subgraphs.begin(), extra.subgraphs.end());
  scope->validate = had_rules ? (scope->validate && extra.validate) : extra.validate;
}

}  // namespace nncf::algorithms
