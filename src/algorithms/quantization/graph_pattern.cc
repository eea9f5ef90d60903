// GraphPattern composition and node-induced multigraph matching, as NNCF does it with networkx.
#include "algorithms/quantization/graph_pattern.h"

#include <algorithm>
#include <functional>
#include <map>
#include <queue>

namespace nncf::algorithms::quantization {

int GraphPattern::AddNode(const std::string& label, std::set<Metatype> metatypes) {
  PatternNode node;
  node.key = counter_++;
  node.label = label;
  node.metatypes = std::move(metatypes);
  nodes_.push_back(node);
  return node.key;
}

int GraphPattern::AddAnyNode(const std::string& label) {
  const int key = AddNode(label, {});
  nodes_.back().any = true;
  return key;
}

int GraphPattern::AddNonPatternNode(const std::string& label) {
  const int key = AddNode(label, {});
  nodes_.back().non_pattern = true;
  return key;
}

const PatternNode* GraphPattern::FindNode(int key) const {
  for (const PatternNode& node : nodes_) {
    if (node.key == key) return &node;
  }
  return nullptr;
}

PatternNode& GraphPattern::MutableNode(int key) {
  for (PatternNode& node : nodes_) {
    if (node.key == key) return node;
  }
  return nodes_.front();  // keys come from this pattern; never reached
}

std::vector<std::pair<int, int>> GraphPattern::UniteWithCopy(const GraphPattern& graph) {
  std::vector<std::pair<int, int>> mapping;
  std::map<int, int> new_key;
  for (const PatternNode& node : graph.nodes_) {
    PatternNode copy = node;
    copy.key = counter_++;
    new_key[node.key] = copy.key;
    mapping.emplace_back(node.key, copy.key);
    nodes_.push_back(copy);
  }
  for (const auto& [from, to] : graph.edges_) edges_.emplace_back(new_key[from], new_key[to]);
  return mapping;
}

std::vector<int> GraphPattern::TopologicalKeys() const {
  std::map<int, int> in_degree;
  for (const PatternNode& node : nodes_) in_degree[node.key] = 0;
  for (const auto& edge : edges_) ++in_degree[edge.second];
  std::priority_queue<int, std::vector<int>, std::greater<int>> ready;
  for (const auto& [key, degree] : in_degree) {
    if (degree == 0) ready.push(key);
  }
  std::vector<int> order;
  while (!ready.empty()) {
    const int key = ready.top();
    ready.pop();
    order.push_back(key);
    for (const auto& edge : edges_) {
      if (edge.first == key && --in_degree[edge.second] == 0) ready.push(edge.second);
    }
  }
  return order;
}

std::vector<GraphPattern> GraphPattern::Components() const {
  std::map<int, int> parent;
  for (const PatternNode& node : nodes_) parent[node.key] = node.key;
  std::function<int(int)> find = [&](int key) {
    while (parent[key] != key) key = parent[key] = parent[parent[key]];
    return key;
  };
  for (const auto& [from, to] : edges_) parent[find(from)] = find(to);
  std::vector<int> roots;
  std::vector<GraphPattern> components;
  for (const PatternNode& node : nodes_) {
    const int root = find(node.key);
    auto it = std::find(roots.begin(), roots.end(), root);
    size_t index = static_cast<size_t>(it - roots.begin());
    if (it == roots.end()) {
      roots.push_back(root);
      components.emplace_back();
      components.back().counter_ = counter_;
    }
    components[index].nodes_.push_back(node);
  }
  for (const auto& edge : edges_) {
    const size_t index = static_cast<size_t>(
        std::find(roots.begin(), roots.end(), find(edge.first)) - roots.begin());
    components[index].edges_.push_back(edge);
  }
  return components;
}

GraphPattern GraphPattern::Plus(const GraphPattern& other) const {
  GraphPattern result;
  for (const GraphPattern& self_part : Components()) {
    for (const GraphPattern& other_part : other.Components()) {
      auto self_map = result.UniteWithCopy(self_part);
      auto other_map = result.UniteWithCopy(other_part);
      auto mapped = [](const std::vector<std::pair<int, int>>& mapping, int key) {
        for (const auto& [old_key, new_key] : mapping) {
          if (old_key == key) return new_key;
        }
        return key;
      };
      const int last = mapped(self_map, self_part.TopologicalKeys().back());
      const int first = mapped(other_map, other_part.TopologicalKeys().front());
      const PatternNode* first_node = result.FindNode(first);
      if (first_node->any || first_node->non_pattern) {
        std::vector<int> successors;
        for (const auto& [from, to] : result.edges_) {
          if (from == first &&
              std::find(successors.begin(), successors.end(), to) == successors.end()) {
            successors.push_back(to);
          }
        }
        for (int successor : successors) result.edges_.emplace_back(last, successor);
        result.edges_.erase(std::remove_if(result.edges_.begin(), result.edges_.end(),
                                           [first](const std::pair<int, int>& edge) {
                                             return edge.first == first || edge.second == first;
                                           }),
                            result.edges_.end());
        result.nodes_.erase(
            std::remove_if(result.nodes_.begin(), result.nodes_.end(),
                           [first](const PatternNode& node) { return node.key == first; }),
            result.nodes_.end());
      } else {
        result.edges_.emplace_back(last, first);
      }
    }
  }
  return result;
}

void GraphPattern::JoinParallel(const GraphPattern& other, int degree) {
  const int self_key = nodes_.front().key;
  auto mapping = UniteWithCopy(other);
  for (int i = 0; i < degree; ++i) edges_.emplace_back(self_key, mapping.front().second);
}

void GraphPattern::AddAlternative(const GraphPattern& other) {
  UniteWithCopy(other);
}

namespace {

class Matcher {
 public:
  Matcher(const MatchGraph& graph, const GraphPattern& pattern) : graph_(graph), pattern_(pattern) {
    const size_t n = graph.metatypes.size();
    succ_.assign(n, {});
    pred_.assign(n, {});
    for (const auto& [from, to] : graph.edges) {
      if (edge_count_[{from, to}]++ == 0) {
        succ_[static_cast<size_t>(from)].push_back(to);
        pred_[static_cast<size_t>(to)].push_back(from);
      }
    }
    for (size_t i = 0; i < pattern.nodes().size(); ++i) index_[pattern.nodes()[i].key] = i;
    for (const auto& [from, to] : pattern.edges())
      ++pattern_edge_count_[{index_[from], index_[to]}];
    OrderPatternNodes();
  }

  // Calls `visit` with each mapping pattern node (by position) -> graph node.
  void ForEach(const std::function<void(const std::vector<int>&)>& visit) {
    visit_ = &visit;
    mapping_.assign(pattern_.nodes().size(), -1);
    used_.assign(graph_.metatypes.size(), false);
    Extend(0);
  }

  const std::vector<int>& GraphSucc(int node) const { return succ_[static_cast<size_t>(node)]; }
  const std::vector<int>& GraphPred(int node) const { return pred_[static_cast<size_t>(node)]; }

 private:
  int PatternEdges(size_t a, size_t b) const {
    auto it = pattern_edge_count_.find({a, b});
    return it == pattern_edge_count_.end() ? 0 : it->second;
  }
  int GraphEdges(int a, int b) const {
    auto it = edge_count_.find({a, b});
    return it == edge_count_.end() ? 0 : it->second;
  }

  // Start from the first node with a concrete metatype; then always pick a node adjacent to the
  // nodes already placed, so candidates come from the graph neighbours.
  void OrderPatternNodes() {
    const auto& nodes = pattern_.nodes();
    std::vector<bool> placed(nodes.size(), false);
    size_t start = 0;
    for (size_t i = 0; i < nodes.size(); ++i) {
      if (!nodes[i].any && !nodes[i].non_pattern) {
        start = i;
        break;
      }
    }
    order_.push_back(start);
    anchor_.push_back({-1, false});
    placed[start] = true;
    while (order_.size() < nodes.size()) {
      bool added = false;
      for (size_t i = 0; i < nodes.size() && !added; ++i) {
        if (placed[i]) continue;
        for (size_t j : order_) {
          if (PatternEdges(j, i) > 0 || PatternEdges(i, j) > 0) {
            order_.push_back(i);
            anchor_.push_back({static_cast<int>(j), PatternEdges(j, i) > 0});
            placed[i] = true;
            added = true;
            break;
          }
        }
      }
      if (!added) {  // disconnected pattern (never built by NNCF); search the whole graph
        for (size_t i = 0; i < nodes.size(); ++i) {
          if (!placed[i]) {
            order_.push_back(i);
            anchor_.push_back({-1, false});
            placed[i] = true;
            break;
          }
        }
      }
    }
  }

  bool NodeMatches(size_t p, int g) const {
    const PatternNode& node = pattern_.nodes()[p];
    if (node.any || node.non_pattern) return true;
    return node.metatypes.count(graph_.metatypes[static_cast<size_t>(g)]) > 0;
  }

  bool Consistent(size_t p, int g) const {
    if (PatternEdges(p, p) != GraphEdges(g, g)) return false;
    for (size_t q = 0; q < mapping_.size(); ++q) {
      if (mapping_[q] < 0) continue;
      if (PatternEdges(p, q) != GraphEdges(g, mapping_[q])) return false;
      if (PatternEdges(q, p) != GraphEdges(mapping_[q], g)) return false;
    }
    return true;
  }

  void Extend(size_t depth) {
    if (depth == order_.size()) {
      (*visit_)(mapping_);
      return;
    }
    const size_t p = order_[depth];
    const auto [anchor, from_anchor] = anchor_[depth];
    std::vector<int> candidates;
    if (anchor < 0) {
      for (size_t g = 0; g < graph_.metatypes.size(); ++g)
        candidates.push_back(static_cast<int>(g));
    } else {
      const int image = mapping_[static_cast<size_t>(anchor)];
      candidates =
          from_anchor ? succ_[static_cast<size_t>(image)] : pred_[static_cast<size_t>(image)];
    }
    for (int g : candidates) {
      if (used_[static_cast<size_t>(g)] || !NodeMatches(p, g) || !Consistent(p, g)) continue;
      mapping_[p] = g;
      used_[static_cast<size_t>(g)] = true;
      Extend(depth + 1);
      used_[static_cast<size_t>(g)] = false;
      mapping_[p] = -1;
    }
  }

  const MatchGraph& graph_;
  const GraphPattern& pattern_;
  std::map<std::pair<int, int>, int> edge_count_;
  std::map<std::pair<size_t, size_t>, int> pattern_edge_count_;
  std::vector<std::vector<int>> succ_, pred_;
  std::map<int, size_t> index_;
  std::vector<size_t> order_;
  std::vector<std::pair<int, bool>> anchor_;
  std::vector<int> mapping_;
  std::vector<bool> used_;
  const std::function<void(const std::vector<int>&)>* visit_ = nullptr;
};

// _is_subgraph_matching_strict: starting nodes may have outside predecessors only, last nodes
// outside successors only, inner nodes neither.
bool IsStrictMatch(const Matcher& matcher, const GraphPattern& pattern,
                   const std::vector<int>& mapping) {
  const auto& nodes = pattern.nodes();
  std::set<int> inside(mapping.begin(), mapping.end());
  for (size_t p = 0; p < nodes.size(); ++p) {
    if (nodes[p].non_pattern) continue;
    bool has_pred = false, has_succ = false;
    for (const auto& [from, to] : pattern.edges()) {
      if (to == nodes[p].key) has_pred = true;
      if (from == nodes[p].key) has_succ = true;
    }
    const bool starting = !has_pred && has_succ;
    const bool last = has_pred && !has_succ;
    bool external_succ = false, external_pred = false;
    for (int s : matcher.GraphSucc(mapping[p])) external_succ |= !inside.count(s);
    for (int s : matcher.GraphPred(mapping[p])) external_pred |= !inside.count(s);
    if (starting && external_succ) return false;
    if (last && external_pred) return false;
    if (!starting && !last && (external_succ || external_pred)) return false;
  }
  return true;
}

std::vector<int> SortMatch(const MatchGraph& graph, const std::set<int>& nodes) {
  std::map<int, int> in_degree;
  for (int n : nodes) in_degree[n] = 0;
  std::set<std::pair<int, int>> edges;
  for (const auto& edge : graph.edges) {
    if (nodes.count(edge.first) && nodes.count(edge.second)) edges.insert(edge);
  }
  for (const auto& edge : edges) ++in_degree[edge.second];
  auto key_less = [&graph](int a, int b) {
    return graph.keys[static_cast<size_t>(a)] > graph.keys[static_cast<size_t>(b)];
  };
  std::priority_queue<int, std::vector<int>, decltype(key_less)> ready(key_less);
  for (const auto& [n, degree] : in_degree) {
    if (degree == 0) ready.push(n);
  }
  std::vector<int> order;
  while (!ready.empty()) {
    const int n = ready.top();
    ready.pop();
    order.push_back(n);
    for (const auto& edge : edges) {
      if (edge.first == n && --in_degree[edge.second] == 0) ready.push(edge.second);
    }
  }
  return order;
}

}  // namespace

std::vector<std::vector<int>> FindMatches(const MatchGraph& graph, const GraphPattern& pattern,
                                          bool strict) {
  std::vector<GraphPattern> components = pattern.Components();
  auto length = [](const GraphPattern& p) {
    size_t count = 0;
    for (const PatternNode& node : p.nodes()) count += node.non_pattern ? 0 : 1;
    return count;
  };
  std::stable_sort(
      components.begin(), components.end(),
      [&length](const GraphPattern& a, const GraphPattern& b) { return length(a) > length(b); });
  std::vector<std::vector<int>> matches;
  std::set<int> matched;
  for (const GraphPattern& component : components) {
    Matcher matcher(graph, component);
    matcher.ForEach([&](const std::vector<int>& mapping) {
      if (strict && !IsStrictMatch(matcher, component, mapping)) return;
      std::set<int> kept;
      for (size_t p = 0; p < mapping.size(); ++p) {
        const PatternNode& node = component.nodes()[p];
        if (!node.non_pattern && !node.exclude) kept.insert(mapping[p]);
      }
      for (int n : kept) {
        if (matched.count(n)) return;
      }
      matched.insert(kept.begin(), kept.end());
      matches.push_back(SortMatch(graph, kept));
    });
  }
  return matches;
}

}  // namespace nncf::algorithms::quantization
