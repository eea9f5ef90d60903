// A port of NNCF's QuantizerPropagationSolver and QuantizerPropagationStateGraph. The order in
// which nodes, edges and quantizers are visited follows networkx's insertion-ordered adjacency
// and NNCF's node keys, because the placement NNCF produces depends on it (which branch merges
// first, which clone keeps the original quantizer).
#include "algorithms/quantization/quantizer_propagation.h"

#include <algorithm>
#include <deque>
#include <functional>
#include <map>
#include <queue>

#include "core/common/error.h"

namespace nncf::algorithms::quantization {
namespace {

enum class QType { kPreHook, kPostHook, kOperator, kBarrier };
enum class UnifiedScaleType { kAlways, kOnlyPerTensor };
enum class Transition {
  kShouldNotTransition,
  kShouldTransition,
  kShouldMerge,
  kShouldWaitForMerge
};

struct QNode {
  QType type = QType::kOperator;
  std::string key;
  bool alive = true;
  // Insertion points.
  int target = -1;      // NncfGraph node the hook belongs to
  int input_port = -1;  // pre-hook port; -1 for a post-hook
  int pq = -1;          // propagating quantizer sitting here
  std::vector<int> affecting;
  // Operators.
  std::vector<int> underlying;  // NncfGraph nodes, primary first
  Metatype metatype = Metatype::kUnknown;
  bool noop = false;  // user/pattern-ignored: NNCF swaps the metatype for NoopMetatype
  QuantizationTrait trait = QuantizationTrait::kNonQuantizable;
  bool ignored = false;
  std::set<int> associated_ips;
};

struct QEdge {
  int from = -1, to = -1;
  bool alive = true;
  bool is_integer = false;
  int input_port = -1;
  std::vector<int> affecting;
};

// A networkx (Multi)DiGraph with insertion-ordered adjacency.
class OrderedGraph {
 public:
  int AddNode(QNode node) {
    nodes_.push_back(std::move(node));
    succ_.emplace_back();
    pred_.emplace_back();
    return static_cast<int>(nodes_.size()) - 1;
  }
  void RemoveNode(int n) {
    for (int e : OutEdges(n)) RemoveEdge(e);
    for (int e : InEdges(n)) RemoveEdge(e);
    nodes_[static_cast<size_t>(n)].alive = false;
  }
  // Multigraph insertion: always a new edge.
  int AddEdge(int u, int v, QEdge attrs) {
    attrs.from = u;
    attrs.to = v;
    attrs.alive = true;
    edges_.push_back(std::move(attrs));
    const int e = static_cast<int>(edges_.size()) - 1;
    auto& keys = keys_[{u, v}];
    if (keys.empty()) {
      succ_[static_cast<size_t>(u)].push_back(v);
      pred_[static_cast<size_t>(v)].push_back(u);
    }
    keys.push_back(e);
    return e;
  }
  // DiGraph insertion: an existing u->v edge takes the new attributes and keeps its place.
  int SetEdge(int u, int v, QEdge attrs) {
    const int existing = Edge(u, v);
    if (existing < 0) return AddEdge(u, v, std::move(attrs));
    attrs.from = u;
    attrs.to = v;
    edges_[static_cast<size_t>(existing)] = std::move(attrs);
    return existing;
  }
  void RemoveEdge(int e) {
    QEdge& edge = edges_[static_cast<size_t>(e)];
    if (!edge.alive) return;
    edge.alive = false;
    auto& keys = keys_[{edge.from, edge.to}];
    keys.erase(std::find(keys.begin(), keys.end(), e));
    if (keys.empty()) {
      auto& succ = succ_[static_cast<size_t>(edge.from)];
      succ.erase(std::find(succ.begin(), succ.end(), edge.to));
      auto& pred = pred_[static_cast<size_t>(edge.to)];
      pred.erase(std::find(pred.begin(), pred.end(), edge.from));
    }
  }
  int Edge(int u, int v) const {
    auto it = keys_.find({u, v});
    return it == keys_.end() || it->second.empty() ? -1 : it->second.front();
  }
  std::vector<int> OutEdges(int n) const {
    std::vector<int> result;
    for (int v : succ_[static_cast<size_t>(n)]) {
      const auto& keys = keys_.at({n, v});
      result.insert(result.end(), keys.begin(), keys.end());
    }
    return result;
  }
  std::vector<int> InEdges(int n) const {
    std::vector<int> result;
    for (int u : pred_[static_cast<size_t>(n)]) {
      const auto& keys = keys_.at({u, n});
      result.insert(result.end(), keys.begin(), keys.end());
    }
    return result;
  }
  const std::vector<int>& Succ(int n) const { return succ_[static_cast<size_t>(n)]; }
  const std::vector<int>& Pred(int n) const { return pred_[static_cast<size_t>(n)]; }
  std::vector<int> NodeOrder() const {
    std::vector<int> order;
    for (size_t i = 0; i < nodes_.size(); ++i) {
      if (nodes_[i].alive) order.push_back(static_cast<int>(i));
    }
    return order;
  }
  // networkx lexicographical_topological_sort: among ready nodes the smallest key first.
  std::vector<int> LexicographicalTopologicalSort() const {
    std::map<int, int> in_degree;
    for (int n : NodeOrder()) in_degree[n] = static_cast<int>(InEdges(n).size());
    auto greater = [this](int a, int b) { return node(a).key > node(b).key; };
    std::priority_queue<int, std::vector<int>, decltype(greater)> ready(greater);
    for (const auto& [n, degree] : in_degree) {
      if (degree == 0) ready.push(n);
    }
    std::vector<int> order;
    while (!ready.empty()) {
      const int n = ready.top();
      ready.pop();
      order.push_back(n);
      for (int e : OutEdges(n)) {
        if (--in_degree[edge(e).to] == 0) ready.push(edge(e).to);
      }
    }
    return order;
  }
  QNode& node(int n) { return nodes_[static_cast<size_t>(n)]; }
  const QNode& node(int n) const { return nodes_[static_cast<size_t>(n)]; }
  QEdge& edge(int e) { return edges_[static_cast<size_t>(e)]; }
  const QEdge& edge(int e) const { return edges_[static_cast<size_t>(e)]; }
  QEdge& edge(int u, int v) { return edges_[static_cast<size_t>(Edge(u, v))]; }

 private:
  std::vector<QNode> nodes_;
  std::vector<QEdge> edges_;
  std::vector<std::vector<int>> succ_, pred_;
  std::map<std::pair<int, int>, std::vector<int>> keys_;
};

using Path = std::vector<std::pair<int, int>>;  // edges (from, to), walking upwards

struct PropagatingQuantizer {
  int id = 0;
  std::vector<QuantizerConfig> configs;
  int location = -1;
  int last_accepting = -1;
  Path path;
  std::set<std::pair<int, int>> affected_edges;
  std::set<int> affected_ips, affected_ops, sinks;
  std::set<int> downstream;
  std::optional<UnifiedScaleType> unified_type;
};

bool IsInsertionPoint(QType type) {
  return type == QType::kPreHook || type == QType::kPostHook;
}

void RemoveFirst(std::vector<int>& list, int value) {
  auto it = std::find(list.begin(), list.end(), value);
  if (it != list.end()) list.erase(it);
}

bool Contains(const std::vector<QuantizerConfig>& list, const QuantizerConfig& config) {
  return std::find(list.begin(), list.end(), config) != list.end();
}

bool SameMultiset(std::vector<QuantizerConfig> a, std::vector<QuantizerConfig> b) {
  if (a.size() != b.size()) return false;
  for (const QuantizerConfig& config : a) {
    auto it = std::find(b.begin(), b.end(), config);
    if (it == b.end()) return false;
    b.erase(it);
  }
  return true;
}

// QuantizerConfig.__lt__: higher bit width, per-tensor, symmetric first.
bool ConfigLess(const QuantizerConfig& a, const QuantizerConfig& b) {
  if (a.num_bits != b.num_bits) return a.num_bits > b.num_bits;
  if (a.per_channel != b.per_channel) return !a.per_channel;
  if (a.mode != b.mode) return a.mode == QuantizationScheme::kSymmetric;
  return false;
}

bool IsValidRequantizationFor(const QuantizerConfig& self, const QuantizerConfig& other) {
  if (self.num_bits > other.num_bits) return false;
  if (self.mode == QuantizationScheme::kAsymmetric && other.mode == QuantizationScheme::kSymmetric)
    return false;
  if (!self.signedness_to_force && other.signedness_to_force) return false;
  if (self.signedness_to_force == true && other.signedness_to_force == false) return false;
  if (self.narrow_range != other.narrow_range) return false;
  return true;
}

bool IsRedundantWithDownstream(const QuantizerConfig& up, const QuantizerConfig& down) {
  if (down.num_bits != up.num_bits) return false;
  const bool mode_ok = down.mode == up.mode || (down.mode == QuantizationScheme::kAsymmetric &&
                                                up.mode == QuantizationScheme::kSymmetric);
  const bool granularity_ok =
      down.per_channel == up.per_channel || (down.per_channel && !up.per_channel);
  return mode_ok && granularity_ok && down.narrow_range == up.narrow_range;
}

QuantizerConfig DefaultQuantizerConfig() {
  return QuantizerConfig{};
}

// Multi-config quantization point of MultiConfigQuantizerSetup.
struct QuantizationPoint {
  bool is_weight = false;
  int ip = -1;    // activation: insertion point node of the state graph
  int node = -1;  // weight: NncfGraph node
  std::vector<QuantizerConfig> configs;
  std::vector<int> directly_quantized;
};

struct QuantizerSetup {
  std::vector<std::pair<int, QuantizationPoint>> points;  // in insertion order
  std::vector<std::pair<int, std::vector<int>>> unified_groups;
  int next_unified_gid = 0;

  QuantizationPoint* Find(int id) {
    for (auto& [point_id, point] : points) {
      if (point_id == id) return &point;
    }
    return nullptr;
  }
  int UnifiedGroupOf(int id) const {
    for (const auto& [gid, members] : unified_groups) {
      if (std::find(members.begin(), members.end(), id) != members.end()) return gid;
    }
    return -1;
  }
  std::vector<int>* Group(int gid) {
    for (auto& [group_id, members] : unified_groups) {
      if (group_id == gid) return &members;
    }
    return nullptr;
  }
  int RegisterUnifiedGroup(std::vector<int> members) {
    unified_groups.emplace_back(next_unified_gid, std::move(members));
    return next_unified_gid++;
  }
  void RemoveFromUnifiedGroups(int id, bool drop_empty) {
    for (auto it = unified_groups.begin(); it != unified_groups.end(); ++it) {
      auto& members = it->second;
      auto found = std::find(members.begin(), members.end(), id);
      if (found == members.end()) continue;
      members.erase(found);
      if (drop_empty && members.empty()) unified_groups.erase(it);
      return;
    }
  }
  void Discard(int id) {
    points.erase(std::remove_if(points.begin(), points.end(),
                                [id](const auto& entry) { return entry.first == id; }),
                 points.end());
    for (auto& [gid, members] : unified_groups) {
      members.erase(std::remove(members.begin(), members.end(), id), members.end());
    }
  }
};

class Solver {
 public:
  explicit Solver(const PropagationInput& input) : in_(input), graph_(*input.graph) {
    // Ignored nodes keep their weights in float (weight_ignored_scopes).
    for (const auto& [node, configs] : input.weight_nodes) {
      if (!input.ignored.count(input.graph->node(node).name)) {
        weight_configs_.emplace_back(node, configs);
      }
    }
  }

  PropagationResult Run() {
    BuildInsertionPointGraph();
    MergeFusedPatterns();
    BuildStateGraph();
    for (Metatype metatype : in_.metatypes_to_ignore) {
      for (int n : NodesByMetatype(metatype)) AddNodeToIgnored(n);
    }
    for (int n : PostProcessingNodes()) AddNodeToIgnored(n);
    SetTraits();
    SetupInitialQuantizers();
    while (!active_.empty()) {
      const int pq = active_.back();
      active_.pop_back();
      PropagationStep(pq);
    }
    FilterElementwiseQuantizers();
    // Weights of fused nodes other than the first one are not quantized.
    for (int n : g_.NodeOrder()) {
      const QNode& node = g_.node(n);
      if (node.type != QType::kOperator) continue;
      for (size_t i = 1; i < node.underlying.size(); ++i) EraseWeightNode(node.underlying[i]);
    }

    QuantizerSetup multi = CreateQuantizerSetup(weight_configs_);
    QuantizerSetup single = SelectFirstConfig(multi);
    Finalize(multi, single);
    MergeRedundantSubsequentQuantizers();
    std::vector<std::pair<int, std::vector<QuantizerConfig>>> final_weights;
    for (const auto& [id, point] : single.points) {
      if (point.is_weight) final_weights.emplace_back(point.node, point.configs);
    }
    QuantizerSetup final_setup = SelectFirstConfig(CreateQuantizerSetup(final_weights));
    return MakeResult(final_setup);
  }

 private:
  // ---- Insertion point graph (common/insertion_point_graph.py) ----

  void BuildInsertionPointGraph() {
    const int count = static_cast<int>(graph_.nodes().size());
    op_of_.assign(static_cast<size_t>(count), -1);
    // Operators in lexicographical topological order of the inference graph.
    std::map<int, int> in_degree;
    for (int n = 0; n < count; ++n) {
      if (!Kept(n)) continue;
      in_degree[n] = 0;
    }
    for (const GraphEdge& edge : graph_.edges()) {
      if (Kept(edge.from) && Kept(edge.to)) ++in_degree[edge.to];
    }
    auto greater = [this](int a, int b) { return graph_.NodeKey(a) > graph_.NodeKey(b); };
    std::priority_queue<int, std::vector<int>, decltype(greater)> ready(greater);
    for (const auto& [n, degree] : in_degree) {
      if (degree == 0) ready.push(n);
    }
    std::vector<int> order;
    while (!ready.empty()) {
      const int n = ready.top();
      ready.pop();
      order.push_back(n);
      for (int succ : graph_.Successors(n)) {
        if (!Kept(succ)) continue;
        in_degree[succ] -= static_cast<int>(graph_.EdgesBetween(n, succ).size());
        if (in_degree[succ] == 0) ready.push(succ);
      }
    }
    for (int n : order) {
      QNode node;
      node.type = QType::kOperator;
      node.key = graph_.NodeKey(n);
      node.underlying = {n};
      node.metatype = graph_.node(n).metatype;
      op_of_[static_cast<size_t>(n)] = ip_.AddNode(node);
    }
    for (int n = 0; n < count; ++n) {
      if (!Kept(n)) continue;
      for (int succ : graph_.Successors(n)) {
        if (!Kept(succ)) continue;
        for (int e : graph_.EdgesBetween(n, succ)) {
          QEdge attrs;
          attrs.is_integer = !graph_.edges()[static_cast<size_t>(e)].is_float;
          attrs.input_port = graph_.edges()[static_cast<size_t>(e)].to_port;
          ip_.AddEdge(op_of_[static_cast<size_t>(n)], op_of_[static_cast<size_t>(succ)], attrs);
        }
      }
    }
    for (int op : ip_.LexicographicalTopologicalSort()) {
      const int nncf_node = ip_.node(op).underlying.front();
      const std::string op_key = ip_.node(op).key;
      std::map<int, int> edge_by_port;
      for (int e : ip_.InEdges(op)) edge_by_port[ip_.edge(e).input_port] = e;
      std::vector<int> encountered;
      for (const auto& [port, e] : edge_by_port) {
        QNode hook;
        hook.type = QType::kPreHook;
        hook.key = "PRE HOOK " + std::to_string(port) + " " + op_key;
        hook.target = nncf_node;
        hook.input_port = port;
        const int h = ip_.AddNode(hook);
        const QEdge attrs = ip_.edge(e);
        ip_.AddEdge(attrs.from, h, attrs);
        ip_.AddEdge(h, op, attrs);
        ip_.node(op).associated_ips.insert(h);
        encountered.push_back(e);
      }
      for (int e : encountered) ip_.RemoveEdge(e);

      QNode hook;
      hook.type = QType::kPostHook;
      hook.key = "POST HOOK " + op_key;
      hook.target = nncf_node;
      const int h = ip_.AddNode(hook);
      bool has_integer_outputs = false;
      for (int e : ip_.OutEdges(op)) {
        const QEdge attrs = ip_.edge(e);
        ip_.RemoveEdge(e);
        ip_.AddEdge(h, attrs.to, attrs);
        has_integer_outputs |= attrs.is_integer;
      }
      QEdge to_hook;
      to_hook.is_integer = has_integer_outputs;
      ip_.AddEdge(op, h, to_hook);
      ip_.node(op).associated_ips.insert(h);
    }
    // A post-hook with an integer output makes all its edges to pre-hooks integer.
    for (int n : ip_.NodeOrder()) {
      if (ip_.node(n).type != QType::kPostHook) continue;
      bool any_integer = false;
      for (int e : ip_.OutEdges(n)) any_integer |= ip_.edge(e).is_integer;
      if (!any_integer) continue;
      for (int e : ip_.OutEdges(n)) {
        if (ip_.node(ip_.edge(e).to).type == QType::kPreHook) ip_.edge(e).is_integer = true;
      }
    }
  }

  void MergeFusedPatterns() {
    MatchGraph match_graph;
    std::vector<int> nncf_of_match;
    std::vector<int> match_of_nncf(graph_.nodes().size(), -1);
    for (size_t n = 0; n < graph_.nodes().size(); ++n) {
      if (!Kept(static_cast<int>(n))) continue;
      match_of_nncf[n] = static_cast<int>(nncf_of_match.size());
      nncf_of_match.push_back(static_cast<int>(n));
      match_graph.metatypes.push_back(graph_.nodes()[n].metatype);
      match_graph.keys.push_back(graph_.NodeKey(static_cast<int>(n)));
    }
    for (int n : nncf_of_match) {
      for (int succ : graph_.Successors(n)) {
        if (!Kept(succ)) continue;
        for (size_t i = 0; i < graph_.EdgesBetween(n, succ).size(); ++i) {
          match_graph.edges.emplace_back(match_of_nncf[static_cast<size_t>(n)],
                                         match_of_nncf[static_cast<size_t>(succ)]);
        }
      }
    }
    for (const std::vector<int>& match : FindMatches(match_graph, in_.hw_patterns, true)) {
      if (match.size() == 1) continue;
      const int first =
          op_of_[static_cast<size_t>(nncf_of_match[static_cast<size_t>(match.front())])];
      const int last =
          op_of_[static_cast<size_t>(nncf_of_match[static_cast<size_t>(match.back())])];
      std::vector<QEdge> in_edges, out_edges;
      for (int e : ip_.InEdges(first)) in_edges.push_back(ip_.edge(e));
      for (int e : ip_.OutEdges(last)) out_edges.push_back(ip_.edge(e));
      QNode merged = ip_.node(first);
      merged.associated_ips.clear();
      merged.underlying.clear();
      merged.key.clear();
      for (int m : match) {
        const int op = op_of_[static_cast<size_t>(nncf_of_match[static_cast<size_t>(m)])];
        for (int hook : ip_.node(op).associated_ips) {
          bool keep = false;
          for (const QEdge& edge : in_edges) keep |= edge.from == hook || edge.to == hook;
          for (const QEdge& edge : out_edges) keep |= edge.from == hook || edge.to == hook;
          if (keep) {
            merged.associated_ips.insert(hook);
          } else {
            ip_.RemoveNode(hook);
          }
        }
        merged.underlying.push_back(ip_.node(op).underlying.front());
        merged.key += ip_.node(op).key + "\n";
        ip_.RemoveNode(op);
      }
      const int merged_id = ip_.AddNode(merged);
      for (int n : merged.underlying) op_of_[static_cast<size_t>(n)] = merged_id;
      for (const QEdge& edge : in_edges) ip_.AddEdge(edge.from, merged_id, edge);
      for (const QEdge& edge : out_edges) ip_.AddEdge(merged_id, edge.to, edge);
    }
  }

  // ---- The state graph (QuantizerPropagationStateGraph.__init__) ----

  void BuildStateGraph() {
    std::map<int, int> new_id;
    for (int n : ip_.NodeOrder()) {
      QNode node = ip_.node(n);
      node.associated_ips.clear();
      if (node.type == QType::kOperator) {
        const GraphNode& primary = graph_.node(node.underlying.front());
        auto ignored = in_.ignored.find(primary.name);
        if (ignored != in_.ignored.end()) {
          node.ignored = true;
          node.noop = true;
        }
        if (primary.metatype == Metatype::kModelInput) input_nodes_.push_back(-1);
        if (primary.metatype == Metatype::kModelOutput) output_nodes_.push_back(-1);
      }
      const int id = g_.AddNode(node);
      new_id[n] = id;
      if (node.type == QType::kOperator) {
        const Metatype primary = graph_.node(node.underlying.front()).metatype;
        if (primary == Metatype::kModelInput) input_nodes_.back() = id;
        if (primary == Metatype::kModelOutput) output_nodes_.back() = id;
        if (node.ignored) ignored_keys_.push_back(id);
      }
    }
    for (int n : ip_.NodeOrder()) {
      for (int e : ip_.OutEdges(n)) {
        QEdge attrs = ip_.edge(e);
        attrs.affecting.clear();
        g_.SetEdge(new_id[n], new_id[attrs.to], attrs);
      }
    }
    for (int n : ignored_keys_) {
      QNode barrier;
      barrier.type = QType::kBarrier;
      barrier.key = "BARRIER " + g_.node(n).key;
      const int b = g_.AddNode(barrier);
      const std::vector<int> next = g_.Succ(n);
      for (int s : next) {
        const QEdge attrs = g_.edge(n, s);
        g_.SetEdge(n, b, attrs);
        g_.SetEdge(b, s, attrs);
        g_.RemoveEdge(g_.Edge(n, s));
      }
    }
  }

  std::optional<Metatype> OpMeta(int n) const {
    const QNode& node = g_.node(n);
    if (node.noop) return std::nullopt;
    return node.metatype;
  }

  std::vector<int> NodesByMetatype(Metatype metatype) const {
    std::vector<int> result;
    for (int n : g_.NodeOrder()) {
      if (g_.node(n).type == QType::kOperator && OpMeta(n) == metatype) result.push_back(n);
    }
    return result;
  }

  void EraseWeightNode(int nncf_node) {
    weight_configs_.erase(
        std::remove_if(weight_configs_.begin(), weight_configs_.end(),
                       [nncf_node](const auto& entry) { return entry.first == nncf_node; }),
        weight_configs_.end());
  }

  void AddNodeToIgnored(int n) {
    QNode& node = g_.node(n);
    node.ignored = true;
    if (std::find(ignored_keys_.begin(), ignored_keys_.end(), n) == ignored_keys_.end()) {
      ignored_keys_.push_back(n);
    }
    autogenerated_.insert(graph_.node(node.underlying.front()).name);
    for (int underlying : node.underlying) EraseWeightNode(underlying);
  }

  bool HasUnderlyingWeights(int n) const {
    const QNode& node = g_.node(n);
    if (node.type != QType::kOperator) return false;
    for (int underlying : node.underlying) {
      for (const auto& [weighted, configs] : in_.weight_nodes) {
        if (weighted == underlying) return true;
      }
    }
    return false;
  }

  // PostprocessingNodeLocator: paths from the outputs up to a weighted node or an input that
  // pass TopK / NonMaxSuppression are ignored, except weighted nodes and the outputs.
  std::set<int> PostProcessingNodes() const {
    std::vector<int> outputs = NodesByMetatype(Metatype::kModelOutput);
    std::set<int> ignored;
    auto extend = [&](const std::vector<int>& path) {
      for (int n : path) {
        if (g_.node(n).type == QType::kOperator && !HasUnderlyingWeights(n) &&
            std::find(outputs.begin(), outputs.end(), n) == outputs.end()) {
          ignored.insert(n);
        }
      }
    };
    std::vector<std::pair<std::vector<int>, bool>> stack;
    for (int output : outputs) stack.push_back({{output}, false});
    std::set<int> visited;
    while (!stack.empty()) {
      auto [path, encountered] = stack.back();
      stack.pop_back();
      const int n = path.back();
      visited.insert(n);
      if (g_.node(n).type == QType::kOperator) {
        const auto meta = OpMeta(n);
        if (meta == Metatype::kTopK || meta == Metatype::kNonMaxSuppression) encountered = true;
      }
      const bool is_input =
          std::find(input_nodes_.begin(), input_nodes_.end(), n) != input_nodes_.end();
      if (HasUnderlyingWeights(n) || is_input) {
        if (encountered) extend(path);
        continue;
      }
      for (int pred : g_.Pred(n)) {
        const bool seen = visited.count(pred) > 0;
        if (seen && encountered && ignored.count(pred)) {
          extend(path);
        } else if (seen && !encountered && !ignored.count(pred)) {
          // Already explored without a post-processing marker above.
        } else {
          std::vector<int> next = path;
          next.push_back(pred);
          stack.push_back({next, encountered});
        }
      }
    }
    return ignored;
  }

  std::vector<QuantizerConfig> AllowedConfigs(Metatype metatype) const {
    auto hw = HwActivationConfigs(metatype);
    if (hw) return *hw;
    if (TraitOf(metatype) == QuantizationTrait::kInputsQuantizable) {
      return {in_.default_activation_config};
    }
    return {};
  }

  void SetTraits() {
    for (int n : g_.NodeOrder()) {
      QNode& node = g_.node(n);
      if (node.type != QType::kOperator) continue;
      if (node.ignored || node.noop) {
        node.trait = QuantizationTrait::kNonQuantizable;
        continue;
      }
      node.trait = TraitOf(node.metatype);
    }
  }

  // ---- Initial quantizers ----

  void SetupInitialQuantizers() {
    for (int n : g_.LexicographicalTopologicalSort()) {
      if (g_.node(n).type != QType::kOperator) continue;
      if (std::find(ignored_keys_.begin(), ignored_keys_.end(), n) != ignored_keys_.end()) continue;
      SetupInitialQuantizersForOperator(n);
    }
  }

  void SetupInitialQuantizersForOperator(int n) {
    std::vector<int> preds = g_.Pred(n);
    std::sort(preds.begin(), preds.end(),
              [this](int a, int b) { return g_.node(a).key < g_.node(b).key; });
    if (preds.empty()) return;
    const QNode& node = g_.node(n);
    const auto meta = OpMeta(n);
    const bool is_output = meta == Metatype::kModelOutput;
    if (!in_.quantize_outputs && is_output) return;
    if (node.trait != QuantizationTrait::kInputsQuantizable && !is_output) return;
    std::vector<QuantizerConfig> configs =
        is_output ? std::vector<QuantizerConfig>{in_.default_activation_config}
                  : AllowedConfigs(node.metatype);
    const bool attention = meta == Metatype::kAttention;
    const GraphNode& primary = graph_.node(node.underlying.front());
    if (!configs.empty()) {
      QuantizerConstraints constraints = in_.activation_constraints;
      if (attention) constraints.mode = QuantizationScheme::kSymmetric;
      std::vector<QuantizerConfig> filtered;
      for (const QuantizerConfig& config : configs) {
        if (constraints.Compatible(config)) filtered.push_back(config);
      }
      if (filtered.empty()) {
        Fail(ErrorCode::kInvalidArgument,
             "activation quantization parameters are incompatible with every hardware config of '" +
                 primary.name + "' (" + primary.op_type + ")");
      }
      configs = filtered;
    } else {
      configs = {DefaultQuantizerConfig()};
    }
    std::vector<int> hooks;
    for (int pred : preds) {
      const int port = g_.node(pred).input_port;
      if (attention && std::find(in_.attention_ports.begin(), in_.attention_ports.end(), port) ==
                           in_.attention_ports.end()) {
        continue;
      }
      if (!g_.edge(pred, n).is_integer) hooks.push_back(pred);
    }
    for (int hook : hooks) {
      const int pq = AddPropagatingQuantizer(configs, hook, std::nullopt, -1);
      pqs_[static_cast<size_t>(pq)].last_accepting = hook;
      active_.push_front(pq);
    }
  }

  // ---- Quantizer bookkeeping (QuantizerPropagationStateGraph) ----

  PropagatingQuantizer& Pq(int id) { return pqs_[static_cast<size_t>(id)]; }

  int NewPq(std::vector<QuantizerConfig> configs, int location,
            std::optional<UnifiedScaleType> type) {
    if (pqs_.empty()) pqs_.emplace_back();  // ids start at 1
    PropagatingQuantizer pq;
    pq.id = static_cast<int>(pqs_.size());
    pq.configs = std::move(configs);
    pq.location = location;
    pq.unified_type = type;
    pqs_.push_back(pq);
    return pq.id;
  }

  int AddPropagatingQuantizer(const std::vector<QuantizerConfig>& configs, int hook,
                              std::optional<UnifiedScaleType> type, int gid_override) {
    const int id = NewPq(configs, hook, type);
    if (type) {
      if (gid_override < 0) {
        RegisterGroup({id});
      } else {
        groups_[gid_override].insert(id);
      }
    }
    g_.node(hook).pq = id;
    g_.node(hook).affecting.push_back(id);
    const int op = g_.Succ(hook).front();
    g_.node(op).affecting.push_back(id);
    g_.edge(hook, op).affecting.push_back(id);
    PropagatingQuantizer& pq = Pq(id);
    pq.affected_edges.insert({hook, op});
    pq.affected_ips.insert(hook);
    pq.affected_ops.insert(op);
    pq.sinks.insert(op);
    return id;
  }

  int RegisterGroup(std::set<int> members) {
    groups_[next_gid_] = std::move(members);
    return next_gid_++;
  }

  int GroupOf(int pq) const {
    for (const auto& [gid, members] : groups_) {
      if (members.count(pq)) return gid;
    }
    return -1;
  }

  void MergeGroups(int to, int from) {
    if (to == from || !groups_.count(from)) return;
    groups_[to].insert(groups_[from].begin(), groups_[from].end());
    groups_.erase(from);
  }

  void UnifyScales(int primary, int secondary) {
    Pq(primary).unified_type = UnifiedScaleType::kAlways;
    Pq(secondary).unified_type = Pq(primary).unified_type;
    int gid = GroupOf(primary);
    if (gid < 0) gid = RegisterGroup({primary});
    groups_[gid].insert(secondary);
  }

  int Clone(int id) {
    PropagatingQuantizer copy = Pq(id);
    const int clone = NewPq(copy.configs, copy.location, copy.unified_type);
    copy.id = clone;
    Pq(clone) = copy;
    for (const auto& [u, v] : copy.affected_edges) g_.edge(u, v).affecting.push_back(clone);
    for (int n : copy.affected_ips) g_.node(n).affecting.push_back(clone);
    for (int n : copy.affected_ops) g_.node(n).affecting.push_back(clone);
    if (copy.unified_type) {
      const int gid = GroupOf(id);
      if (gid >= 0) groups_[gid].insert(clone);
    }
    return clone;
  }

  void Remove(int id, bool keep_at_current_node = false) {
    PropagatingQuantizer& pq = Pq(id);
    for (const auto& [u, v] : pq.affected_edges) RemoveFirst(g_.edge(u, v).affecting, id);
    for (int n : pq.affected_ips) RemoveFirst(g_.node(n).affecting, id);
    for (int n : pq.affected_ops) RemoveFirst(g_.node(n).affecting, id);
    if (!keep_at_current_node) g_.node(pq.location).pq = -1;
    pq.affected_ips.clear();
    pq.affected_edges.clear();
    if (pq.unified_type) {
      const int gid = GroupOf(id);
      if (gid >= 0) groups_[gid].erase(id);
    }
    EraseWeightDependency(id);
  }

  void EraseWeightDependency(int id) {
    weight_dependent_.erase(
        std::remove_if(weight_dependent_.begin(), weight_dependent_.end(),
                       [id](const std::pair<int, int>& entry) { return entry.first == id; }),
        weight_dependent_.end());
  }

  void MarkDependentOnWeights(int pq, int op) {
    for (const auto& entry : weight_dependent_) {
      if (entry.first == pq) return;
    }
    weight_dependent_.emplace_back(pq, op);
  }

  void Propagate(int id, const Path& path) {
    PropagatingQuantizer& pq = Pq(id);
    if (g_.node(pq.location).pq == id) g_.node(pq.location).pq = -1;
    for (const auto& [from, to] : path) {
      g_.edge(from, to).affecting.push_back(id);
      pq.affected_edges.insert({from, to});
      pq.path.emplace_back(from, to);
      QNode& node = g_.node(from);
      if (IsInsertionPoint(node.type)) {
        node.affecting.push_back(id);
        pq.affected_ips.insert(from);
        pq.last_accepting = from;
      } else if (node.type == QType::kOperator) {
        node.affecting.push_back(id);
        pq.affected_ops.insert(from);
      }
    }
    pq.location = path.back().first;
    g_.node(pq.location).pq = id;
  }

  int Backtrack(int id) {
    PropagatingQuantizer& pq = Pq(id);
    if (pq.last_accepting < 0) {
      std::set<int> inbound;
      for (int e : g_.InEdges(pq.location)) {
        inbound.insert(g_.edge(e).affecting.begin(), g_.edge(e).affecting.end());
      }
      for (int other : inbound) {
        Pq(other).affected_edges.insert(pq.affected_edges.begin(), pq.affected_edges.end());
        Pq(other).affected_ips.insert(pq.affected_ips.begin(), pq.affected_ips.end());
      }
      for (const auto& [u, v] : pq.affected_edges) {
        for (int other : inbound) g_.edge(u, v).affecting.push_back(other);
      }
      for (int n : pq.affected_ips) {
        for (int other : inbound) g_.node(n).affecting.push_back(other);
      }
      Remove(id);
      return -1;
    }
    g_.node(pq.location).pq = -1;
    while (pq.location != pq.last_accepting && !pq.path.empty()) {
      const auto [from, to] = pq.path.back();
      pq.path.pop_back();
      RemoveFirst(g_.edge(from, to).affecting, id);
      pq.affected_edges.erase({from, to});
      if (IsInsertionPoint(g_.node(from).type)) {
        RemoveFirst(g_.node(from).affecting, id);
        pq.affected_ips.erase(from);
      }
      if (IsInsertionPoint(g_.node(to).type)) pq.location = to;
    }
    g_.node(pq.location).pq = id;
    return id;
  }

  void MergeIntoPath(int id, const Path& path, int fallback_survivor = -1) {
    PropagatingQuantizer& pq = Pq(id);
    g_.node(pq.location).pq = -1;
    std::vector<int> surviving;
    for (const auto& [from, to] : path) {
      QEdge& edge = g_.edge(from, to);
      if (!edge.affecting.empty()) {
        surviving = edge.affecting;
        break;
      }
      pq.affected_edges.insert({from, to});
      edge.affecting.push_back(id);
      const QNode& node = g_.node(from);
      if (IsInsertionPoint(node.type) && node.pq >= 0) {
        surviving = {node.pq};
        break;
      }
      if (!node.affecting.empty()) {
        surviving = node.affecting;
        break;
      }
    }
    // NNCF raises an internal error here; the upstream quantizer that made the downstream one
    // redundant is the natural survivor.
    if (surviving.empty() && fallback_survivor >= 0) surviving = {fallback_survivor};
    if (surviving.empty()) {
      Fail(ErrorCode::kInternal, "quantizer propagation: no surviving quantizer to merge #" +
                                     std::to_string(id) + " into");
    }
    for (int other : surviving) {
      PropagatingQuantizer& survivor = Pq(other);
      survivor.affected_ops.insert(pq.affected_ops.begin(), pq.affected_ops.end());
      survivor.sinks.insert(pq.sinks.begin(), pq.sinks.end());
      survivor.affected_ips.insert(pq.affected_ips.begin(), pq.affected_ips.end());
      survivor.affected_edges.insert(pq.affected_edges.begin(), pq.affected_edges.end());
      survivor.downstream.erase(id);
      for (const auto& [u, v] : pq.affected_edges) {
        QNode& to_node = g_.node(v);
        if (to_node.type != QType::kBarrier) to_node.affecting.push_back(other);
      }
    }
    if (pq.unified_type) {
      const int gid = GroupOf(id);
      for (int other : surviving) {
        if (gid < 0) break;
        if (Pq(other).unified_type) {
          const int other_gid = GroupOf(other);
          if (other_gid >= 0) MergeGroups(gid, other_gid);
        } else {
          groups_[gid].insert(other);
        }
      }
    }
    for (const auto& [u, v] : pq.affected_edges) {
      for (int other : surviving) g_.edge(u, v).affecting.push_back(other);
    }
    Remove(id);
  }

  // ---- Graph queries ----

  // Paths (lists of edges) from `node` up to the nearest insertion points, grouped by the
  // unified-scale group they open (Concat feeding a weighted op); -1 is "no group".
  std::vector<std::pair<int, std::vector<Path>>> PathsGrouped(int start, bool unify) const {
    std::vector<std::pair<int, std::vector<Path>>> groups;
    int next_group = 0;
    auto add_path = [&groups](int group, Path path) {
      for (auto& [gid, paths] : groups) {
        if (gid == group) {
          paths.push_back(std::move(path));
          return;
        }
      }
      groups.emplace_back(group, std::vector<Path>{std::move(path)});
    };
    std::function<void(std::pair<int, int>, Path, int)> helper = [&](std::pair<int, int> edge,
                                                                     Path path, int group) {
      path.push_back(edge);
      const int cur = edge.first;
      const QNode& node = g_.node(cur);
      if (IsInsertionPoint(node.type)) {
        add_path(group, std::move(path));
        return;
      }
      if (node.type == QType::kOperator && unify) {
        const auto meta = OpMeta(cur);
        if (meta == Metatype::kConcat && group < 0 && g_.InEdges(cur).size() > 1 &&
            FollowedByWeightedTypes(cur)) {
          group = next_group++;
        }
      }
      for (int e : g_.InEdges(cur)) helper({g_.edge(e).from, cur}, path, group);
    };
    for (int e : g_.InEdges(start)) {
      const int from = g_.edge(e).from;
      if (g_.node(from).type == QType::kBarrier) continue;
      helper({from, start}, {}, -1);
    }
    return groups;
  }

  std::vector<Path> Paths(int start) const {
    std::vector<Path> all;
    for (auto& [gid, paths] : PathsGrouped(start, false)) {
      all.insert(all.end(), paths.begin(), paths.end());
    }
    return all;
  }

  bool FollowedByWeightedTypes(int concat) const {
    std::deque<int> queue(g_.Succ(concat).begin(), g_.Succ(concat).end());
    while (!queue.empty()) {
      const int n = queue.front();
      queue.pop_front();
      const QNode& node = g_.node(n);
      if (node.type != QType::kOperator) {
        queue.insert(queue.end(), g_.Succ(n).begin(), g_.Succ(n).end());
        continue;
      }
      const auto meta = OpMeta(n);
      if (node.trait == QuantizationTrait::kAgnostic || meta == Metatype::kConcat) {
        queue.insert(queue.end(), g_.Succ(n).begin(), g_.Succ(n).end());
      }
      if (meta == Metatype::kConv || meta == Metatype::kConvTranspose || meta == Metatype::kGemm ||
          meta == Metatype::kMatMul || meta == Metatype::kAttention) {
        return true;
      }
    }
    return false;
  }

  std::set<int> PqsDominatedBy(int start) const {
    std::set<int> result;
    std::set<int> visited;
    std::deque<int> queue = {start};
    while (!queue.empty()) {
      const int n = queue.front();
      queue.pop_front();
      bool finished = false;
      const QNode& node = g_.node(n);
      if (IsInsertionPoint(node.type) && node.pq >= 0) {
        result.insert(node.pq);
        finished = true;
      }
      visited.insert(n);
      if (finished) continue;
      for (int s : g_.Succ(n)) {
        if (!visited.count(s)) queue.push_front(s);
      }
    }
    return result;
  }

  void NonAgnosticOpsDominatedBy(int n, std::vector<int>& out) const {
    for (int s : g_.Succ(n)) {
      const QNode& node = g_.node(s);
      if (node.type == QType::kOperator && node.trait != QuantizationTrait::kAgnostic) {
        out.push_back(s);
        return;
      }
      NonAgnosticOpsDominatedBy(s, out);
    }
  }

  bool AllOutputsAreQuantized(int start) const {
    std::deque<int> queue(g_.Succ(start).begin(), g_.Succ(start).end());
    while (!queue.empty()) {
      const int n = queue.front();
      queue.pop_front();
      const QNode& node = g_.node(n);
      if (node.type == QType::kOperator) {
        if (node.trait != QuantizationTrait::kAgnostic) return false;
      } else if (IsInsertionPoint(node.type) && node.pq >= 0) {
        continue;
      }
      queue.insert(queue.end(), g_.Succ(n).begin(), g_.Succ(n).end());
    }
    return true;
  }

  bool IsBranchingNodeDominatingOutputs(int n) {
    if (!output_dominators_) {
      output_dominators_.emplace();
      for (int output : output_nodes_) {
        // One state per output, shared by the whole walk (as NNCF's LocalState is).
        bool encountered = false;
        std::vector<std::pair<int, size_t>> stack;
        auto visit = [&](int node_id) {
          const QNode& node = g_.node(node_id);
          if (g_.Succ(node_id).size() > 1) {
            if (!encountered) output_dominators_->insert(node_id);
            return;
          }
          if (node.type == QType::kOperator) {
            const auto meta = OpMeta(node_id);
            if (meta != Metatype::kModelOutput &&
                (node.trait == QuantizationTrait::kInputsQuantizable ||
                 node.trait == QuantizationTrait::kOutputQuantizationAsWeights ||
                 node.trait == QuantizationTrait::kNonQuantizable)) {
              encountered = true;
            }
          }
          stack.emplace_back(node_id, 0);
        };
        visit(output);
        while (!stack.empty()) {
          auto& [node_id, next] = stack.back();
          const std::vector<int>& preds = g_.Pred(node_id);
          if (next < preds.size()) {
            const int child = preds[next++];
            visit(child);
          } else {
            stack.pop_back();
          }
        }
      }
    }
    return output_dominators_->count(n) > 0;
  }

  // ---- Solver (QuantizerPropagationSolver) ----

  bool InActive(int pq) const {
    return std::find(active_.begin(), active_.end(), pq) != active_.end();
  }

  Transition CheckBranchingTransition(int pq, int branching) {
    if (IsBranchingNodeDominatingOutputs(branching) && !in_.quantize_outputs) {
      return Transition::kShouldNotTransition;
    }
    std::vector<int> dominated;
    NonAgnosticOpsDominatedBy(branching, dominated);
    std::set<int> dominated_pqs;
    for (int op : dominated) {
      const QNode& node = g_.node(op);
      if (OpMeta(op) == Metatype::kAttention && !AllOutputsAreQuantized(branching)) {
        return Transition::kShouldNotTransition;
      }
      if (!node.affecting.empty()) {
        dominated_pqs.insert(node.affecting.begin(), node.affecting.end());
        continue;
      }
      if (node.trait != QuantizationTrait::kConcat) return Transition::kShouldNotTransition;
      std::set<int> active_under_concat;
      for (int other : PqsDominatedBy(op)) {
        if (InActive(other)) active_under_concat.insert(other);
      }
      if (active_under_concat.empty()) return Transition::kShouldNotTransition;
      dominated_pqs.insert(active_under_concat.begin(), active_under_concat.end());
    }
    dominated_pqs.erase(pq);
    return dominated_pqs.empty() ? Transition::kShouldTransition : Transition::kShouldWaitForMerge;
  }

  std::optional<Transition> CheckAffectingConflicts(int pq, const std::vector<int>& affecting,
                                                    bool cloned) {
    if (cloned) return std::nullopt;
    const auto& mine = Pq(pq).configs;
    const auto& theirs = Pq(affecting.front()).configs;
    if (mine == theirs || mine.empty() || theirs.empty()) return Transition::kShouldMerge;
    return Transition::kShouldNotTransition;
  }

  Transition CheckTransitionViaPath(int pq, const Path& path, bool cloned) {
    for (const auto& [from, to] : path) {
      QNode& from_node = g_.node(from);
      if (from_node.type == QType::kOperator) {
        if (from_node.trait == QuantizationTrait::kOutputQuantizationAsWeights) {
          MarkDependentOnWeights(pq, from);
          return Transition::kShouldNotTransition;
        }
        if (from_node.trait == QuantizationTrait::kNonQuantizable ||
            from_node.trait == QuantizationTrait::kInputsQuantizable) {
          return Transition::kShouldNotTransition;
        }
      }
      QEdge& edge = g_.edge(from, to);
      if (edge.is_integer) return Transition::kShouldNotTransition;
      if (!edge.affecting.empty()) {
        if (auto status = CheckAffectingConflicts(pq, edge.affecting, cloned)) return *status;
      }
      if (IsInsertionPoint(from_node.type) && !from_node.affecting.empty()) {
        const std::vector<int> potential = from_node.affecting;
        auto status = CheckAffectingConflicts(pq, potential, cloned);
        if (status == Transition::kShouldNotTransition) {
          for (int other : potential) {
            Pq(other).affected_edges.insert({from, to});
            g_.edge(from, to).affecting.push_back(other);
          }
          return *status;
        }
        if (status) return *status;
      }
      if (g_.Succ(from).size() > 1) {
        const Transition status = CheckBranchingTransition(pq, from);
        if (status == Transition::kShouldNotTransition ||
            status == Transition::kShouldWaitForMerge) {
          return status;
        }
      }
    }
    return Transition::kShouldTransition;
  }

  std::pair<std::optional<std::vector<QuantizerConfig>>,
            std::vector<std::optional<std::vector<QuantizerConfig>>>>
  MergedConfigs(const std::vector<std::vector<QuantizerConfig>>& lists) const {
    std::vector<std::optional<std::vector<QuantizerConfig>>> unchanged(lists.begin(), lists.end());
    if (in_.rule == PropagationRule::kDoNotMergeBranches) return {std::nullopt, unchanged};
    if (in_.rule == PropagationRule::kMergeIfAllBranchesSame) {
      for (size_t i = 1; i < lists.size(); ++i) {
        if (!SameMultiset(lists.front(), lists[i])) return {std::nullopt, unchanged};
      }
      return {lists.front(),
              std::vector<std::optional<std::vector<QuantizerConfig>>>(lists.size())};
    }
    std::vector<QuantizerConfig> all;
    for (const auto& list : lists) {
      for (const QuantizerConfig& config : list) {
        if (!Contains(all, config)) all.push_back(config);
      }
    }
    const bool requantize = in_.rule == PropagationRule::kMergeWithPotentialRequantization;
    std::vector<QuantizerConfig> merged;
    for (const QuantizerConfig& config : all) {
      bool compatible = true;
      for (const auto& list : lists) {
        if (Contains(list, config)) continue;
        if (!requantize) {
          compatible = false;
          break;
        }
        for (const QuantizerConfig& other : list) {
          if (!IsValidRequantizationFor(other, config)) compatible = false;
        }
        if (!compatible) break;
      }
      if (compatible) merged.push_back(config);
    }
    if (merged.empty()) return {std::nullopt, unchanged};
    size_t max_len = 0;
    for (const auto& list : lists) max_len = std::max(max_len, list.size());
    std::vector<std::pair<QuantizerConfig, size_t>> prioritized;
    for (const QuantizerConfig& config : merged) {
      size_t priority = 0;
      for (const auto& list : lists) {
        auto it = std::find(list.begin(), list.end(), config);
        priority += it == list.end() ? max_len + 1 : static_cast<size_t>(it - list.begin());
      }
      prioritized.emplace_back(config, priority);
    }
    std::stable_sort(prioritized.begin(), prioritized.end(),
                     [](const auto& a, const auto& b) { return a.second < b.second; });
    std::vector<QuantizerConfig> sorted;
    size_t start = 0;
    while (start < prioritized.size()) {
      size_t end = start;
      while (end < prioritized.size() && prioritized[end].second == prioritized[start].second)
        ++end;
      std::vector<QuantizerConfig> slice;
      for (size_t i = start; i < end; ++i) slice.push_back(prioritized[i].first);
      std::stable_sort(slice.begin(), slice.end(), ConfigLess);
      sorted.insert(sorted.end(), slice.begin(), slice.end());
      start = end;
    }
    std::vector<std::optional<std::vector<QuantizerConfig>>> branches(lists.size());
    if (requantize) {
      for (size_t i = 0; i < lists.size(); ++i) {
        if (!SameMultiset(lists[i], sorted)) branches[i] = lists[i];
      }
    }
    return {sorted, branches};
  }

  Path ShortestPath(int from, int to) const {
    std::map<int, int> parent;
    std::deque<int> queue = {from};
    parent[from] = from;
    while (!queue.empty()) {
      const int n = queue.front();
      queue.pop_front();
      if (n == to) break;
      for (int s : g_.Succ(n)) {
        if (parent.count(s)) continue;
        parent[s] = n;
        queue.push_back(s);
      }
    }
    Path path;
    if (!parent.count(to)) return path;
    std::vector<int> nodes = {to};
    while (nodes.back() != from) nodes.push_back(parent[nodes.back()]);
    std::reverse(nodes.begin(), nodes.end());
    for (size_t i = 0; i + 1 < nodes.size(); ++i) path.emplace_back(nodes[i], nodes[i + 1]);
    return path;
  }

  std::vector<int> MergeQuantizersForBranchingNode(
      const std::vector<int>& to_merge, const std::optional<std::vector<QuantizerConfig>>& merged,
      const std::vector<std::optional<std::vector<QuantizerConfig>>>& branches, int branching) {
    std::vector<int> targets;
    const QType type = g_.node(branching).type;
    if (IsInsertionPoint(type)) {
      targets.push_back(branching);
    } else if (type == QType::kOperator) {
      for (const Path& path : Paths(branching)) targets.push_back(path.front().first);
    }
    if (targets.empty()) return {};
    for (size_t i = 0; i < to_merge.size(); ++i) {
      if (branches[i]) Pq(to_merge[i]).configs = *branches[i];
    }
    if (!merged) return {};
    std::optional<UnifiedScaleType> major;
    for (size_t i = 0; i < to_merge.size(); ++i) {
      if (branches[i]) continue;
      const auto type_i = Pq(to_merge[i]).unified_type;
      if (type_i == UnifiedScaleType::kAlways && !major) major = UnifiedScaleType::kAlways;
      if (type_i == UnifiedScaleType::kOnlyPerTensor) major = UnifiedScaleType::kOnlyPerTensor;
    }
    int merge_gid = -1;
    if (major) merge_gid = RegisterGroup({});
    std::vector<int> merge_pqs;
    for (int target : targets) {
      int merge_pq;
      if (g_.node(target).type == QType::kPreHook) {
        merge_pq = AddPropagatingQuantizer(*merged, target, major, merge_gid);
      } else {
        merge_pq = NewPq(*merged, target, major);
        Pq(merge_pq).last_accepting = target;
        Pq(merge_pq).affected_ips.insert(target);
        g_.node(target).pq = merge_pq;
        g_.node(target).affecting.push_back(merge_pq);
        if (merge_gid >= 0) groups_[merge_gid].insert(merge_pq);
      }
      merge_pqs.push_back(merge_pq);
    }
    std::set<int> gids_to_merge;
    for (size_t i = 0; i < to_merge.size(); ++i) {
      if (!branches[i] && Pq(to_merge[i]).unified_type) {
        const int gid = GroupOf(to_merge[i]);
        if (gid >= 0) gids_to_merge.insert(gid);
      }
    }
    for (int gid : gids_to_merge) MergeGroups(merge_gid, gid);
    for (size_t i = 0; i < to_merge.size(); ++i) {
      const int pq = to_merge[i];
      if (!branches[i]) {
        MergeIntoPath(pq, ShortestPath(branching, Pq(pq).location));
      } else {
        Pq(pq).configs = *branches[i];
        for (int merge_pq : merge_pqs) Pq(merge_pq).downstream.insert(pq);
      }
      for (int merge_pq : merge_pqs) {
        Pq(merge_pq).sinks.insert(Pq(pq).sinks.begin(), Pq(pq).sinks.end());
      }
    }
    return merge_pqs;
  }

  void HandleQuantizerMerge(const std::set<int>& waiting, int branching) {
    const std::vector<int> waiting_list(waiting.begin(), waiting.end());
    bool abort = false;
    for (int pq : waiting_list) {
      if (CheckBranchingTransition(pq, branching) == Transition::kShouldNotTransition) abort = true;
    }
    std::vector<int> merge_pqs, merged_pqs, unmerged_pqs;
    if (!abort) {
      std::vector<std::vector<QuantizerConfig>> lists;
      for (int pq : waiting_list) lists.push_back(Pq(pq).configs);
      auto [merged, branches] = MergedConfigs(lists);
      merge_pqs = MergeQuantizersForBranchingNode(waiting_list, merged, branches, branching);
      for (size_t i = 0; i < waiting_list.size(); ++i) {
        (branches[i] ? unmerged_pqs : merged_pqs).push_back(waiting_list[i]);
      }
    } else {
      unmerged_pqs = waiting_list;
    }
    std::vector<int> to_cull(active_.rbegin(), active_.rend());
    active_.clear();
    for (int pq : to_cull) {
      if (std::find(merged_pqs.begin(), merged_pqs.end(), pq) != merged_pqs.end()) continue;
      if (std::find(unmerged_pqs.begin(), unmerged_pqs.end(), pq) != unmerged_pqs.end()) {
        if (Backtrack(pq) >= 0) finished_.push_back(pq);
      } else {
        active_.push_front(pq);
      }
    }
    for (int pq : merge_pqs) active_.push_front(pq);
    for (int pq : waiting_on_[branching]) blocking_node_.erase(pq);
    waiting_on_.erase(branching);
  }

  void PropagationStep(int id) {
    const int cur = Pq(id).location;
    if (blocking_node_.count(id)) {
      const int branching = blocking_node_[id];
      std::set<int> active_dominated;
      for (int other : PqsDominatedBy(branching)) {
        if (InActive(other) || other == id) active_dominated.insert(other);
      }
      const std::set<int> waiting = waiting_on_[branching];
      if (waiting == active_dominated) {
        active_.push_back(id);
        HandleQuantizerMerge(waiting, branching);
      } else {
        active_.push_front(id);
      }
      return;
    }
    const std::vector<Path> paths = Paths(cur);
    if (paths.empty()) {
      for (int pred : g_.Pred(cur)) {
        const QNode& node = g_.node(pred);
        if (node.type == QType::kOperator &&
            node.trait == QuantizationTrait::kOutputQuantizationAsWeights) {
          MarkDependentOnWeights(id, pred);
          break;
        }
      }
      if (Backtrack(id) >= 0) finished_.push_back(id);
      return;
    }
    std::vector<int> to_process;
    std::vector<std::vector<int>> unified_groups;
    bool did_clone = false;
    bool assigned = false;
    for (const auto& [gid, group_paths] : PathsGrouped(cur, true)) {
      std::vector<int> group;
      for (size_t i = 0; i < group_paths.size(); ++i) {
        int pq = id;
        if (assigned) {
          pq = Clone(id);
          did_clone = true;
        }
        assigned = true;
        to_process.push_back(pq);
        if (gid >= 0) group.push_back(pq);
      }
      if (gid >= 0) unified_groups.push_back(group);
    }
    for (const std::vector<int>& group : unified_groups) {
      Pq(group.front()).unified_type = UnifiedScaleType::kOnlyPerTensor;
      for (size_t i = 1; i < group.size(); ++i) UnifyScales(group.front(), group[i]);
    }
    std::vector<int> surviving;
    for (size_t i = 0; i < paths.size() && i < to_process.size(); ++i) {
      const int pq = to_process[i];
      const Path& path = paths[i];
      switch (CheckTransitionViaPath(pq, path, did_clone)) {
        case Transition::kShouldNotTransition:
          if (did_clone && pq != id) {
            Remove(pq, true);
          } else if (Backtrack(pq) >= 0) {
            finished_.push_back(pq);
          }
          break;
        case Transition::kShouldTransition:
          Propagate(pq, path);
          surviving.push_back(pq);
          break;
        case Transition::kShouldMerge:
          MergeIntoPath(pq, path);
          break;
        case Transition::kShouldWaitForMerge: {
          int branching = -1;
          for (const auto& [from, to] : path) {
            if (g_.Succ(from).size() > 1) {
              branching = path.front().first;
              break;
            }
          }
          waiting_on_[branching].insert(pq);
          blocking_node_[pq] = branching;
          surviving.push_back(pq);
          break;
        }
      }
    }
    for (int pq : surviving) active_.push_front(pq);
  }

  // _filter_quantizers_by_metatypes: a quantizer created for an elementwise op with a constant
  // operand, that did not move and serves only that op, is dropped.
  void FilterElementwiseQuantizers() {
    static const std::set<Metatype> kElementwise = {
        Metatype::kAdd,   Metatype::kMul,         Metatype::kSub,     Metatype::kDiv,
        Metatype::kLess,  Metatype::kLessOrEqual, Metatype::kGreater, Metatype::kGreaterOrEqual,
        Metatype::kEqual, Metatype::kMod,         Metatype::kOr,      Metatype::kNot,
        Metatype::kAnd,   Metatype::kXor,         Metatype::kMaximum, Metatype::kMinimum,
        Metatype::kMean};
    std::vector<int> to_remove;
    for (int id : finished_) {
      const PropagatingQuantizer& pq = Pq(id);
      if (pq.sinks.empty()) continue;
      const int op = *pq.sinks.begin();
      const auto meta = OpMeta(op);
      if (pq.sinks.size() == 1 && meta && kElementwise.count(*meta) &&
          g_.node(op).affecting.size() == 1 && pq.path.size() <= 1) {
        to_remove.push_back(id);
      }
    }
    for (int id : to_remove) {
      Remove(id);
      finished_.erase(std::find(finished_.begin(), finished_.end(), id));
    }
  }

  // ---- Setups ----

  std::vector<int> AllPropagatingQuantizers() const {
    std::vector<int> result;
    for (int n : g_.NodeOrder()) {
      const QNode& node = g_.node(n);
      if (IsInsertionPoint(node.type) && node.pq >= 0) result.push_back(node.pq);
    }
    std::sort(result.begin(), result.end());
    result.erase(std::unique(result.begin(), result.end()), result.end());
    return result;
  }

  static std::vector<QuantizerConfig> WeightActivationIntersection(
      const std::vector<QuantizerConfig>& weights,
      const std::vector<QuantizerConfig>& activations) {
    std::vector<QuantizerConfig> extended;
    for (const QuantizerConfig& config : activations) {
      if (config.signedness_to_force) continue;
      for (bool sign : {true, false}) {
        QuantizerConfig signed_config = config;
        signed_config.signedness_to_force = sign;
        extended.push_back(signed_config);
      }
    }
    extended.insert(extended.end(), activations.begin(), activations.end());
    std::vector<QuantizerConfig> result;
    for (const QuantizerConfig& config : weights) {
      if (Contains(extended, config)) result.push_back(config);
    }
    return result;
  }

  QuantizerSetup CreateQuantizerSetup(
      const std::vector<std::pair<int, std::vector<QuantizerConfig>>>& weights) {
    QuantizerSetup setup;
    const std::vector<int> all = AllPropagatingQuantizers();
    for (int id : all) {
      const PropagatingQuantizer& pq = Pq(id);
      std::set<int> sinks = pq.sinks;
      if (!pq.downstream.empty()) {
        for (int down : pq.downstream) {
          for (int sink : Pq(down).sinks) sinks.erase(sink);
        }
      }
      QuantizationPoint point;
      point.ip = pq.location;
      point.configs = pq.configs;
      for (int sink : sinks) point.directly_quantized.push_back(g_.node(sink).underlying.front());
      setup.points.emplace_back(id, point);
    }
    const int max_activation_id = all.empty() ? 0 : all.back() + 1;
    int next_weight_id = max_activation_id + 1;
    std::vector<std::pair<int, int>> weight_point_of_node;  // wao op -> weight point
    for (const auto& [node, configs] : weights) {
      QuantizationPoint point;
      point.is_weight = true;
      point.node = node;
      point.configs = configs;
      point.directly_quantized = {node};
      setup.points.emplace_back(next_weight_id, point);
      for (const auto& [pq, op] : weight_dependent_) {
        const auto& underlying = g_.node(op).underlying;
        if (std::find(underlying.begin(), underlying.end(), node) != underlying.end()) {
          weight_point_of_node.emplace_back(op, next_weight_id);
        }
      }
      ++next_weight_id;
    }
    for (const auto& [gid, members] : groups_) {
      std::vector<int> ids;
      for (int pq : members) {
        if (setup.Find(pq)) ids.push_back(pq);
      }
      setup.RegisterUnifiedGroup(ids);
    }
    // OUTPUT_QUANTIZATION_AS_WEIGHTS: the activation quantizer after an Embedding is replaced
    // by the Embedding's weight quantizer when their configs intersect (per-tensor).
    for (const auto& [pq, op] : weight_dependent_) {
      int weight_point = -1;
      for (const auto& [wao_op, point] : weight_point_of_node) {
        if (wao_op == op) weight_point = point;
      }
      QuantizationPoint* activation = setup.Find(pq);
      if (weight_point < 0 || !activation) continue;
      std::vector<QuantizerConfig> common = setup.Find(weight_point)->configs;
      const int gid = setup.UnifiedGroupOf(pq);
      std::vector<int> group_members = {pq};
      if (gid >= 0) group_members = *setup.Group(gid);
      for (int member : group_members) {
        if (QuantizationPoint* point = setup.Find(member)) {
          common = WeightActivationIntersection(common, point->configs);
        }
      }
      common.erase(std::remove_if(common.begin(), common.end(),
                                  [](const QuantizerConfig& c) { return c.per_channel; }),
                   common.end());
      if (common.empty()) continue;
      setup.Find(weight_point)->configs = common;
      for (int member : group_members) {
        if (QuantizationPoint* point = setup.Find(member)) point->configs = common;
      }
      if (gid >= 0) setup.Group(gid)->push_back(weight_point);
      const std::vector<int> served = activation->directly_quantized;
      auto& target = setup.Find(weight_point)->directly_quantized;
      target.insert(target.end(), served.begin(), served.end());
      setup.Discard(pq);
    }
    return setup;
  }

  QuantizerSetup SelectFirstConfig(const QuantizerSetup& multi) {
    QuantizerSetup single = multi;
    for (auto& [id, point] : single.points) point.configs = {point.configs.front()};
    for (const auto& [gid, members] : multi.unified_groups) {
      std::vector<int> per_tensor, per_channel;
      for (int id : members) {
        const QuantizationPoint* point = single.Find(id);
        if (!point) continue;
        (point->configs.front().per_channel ? per_channel : per_tensor).push_back(id);
      }
      std::sort(per_tensor.begin(), per_tensor.end());
      if (!per_tensor.empty()) {
        for (int id : per_tensor) single.RemoveFromUnifiedGroups(id, true);
        single.RegisterUnifiedGroup(per_tensor);
      }
      for (int id : per_channel) single.RemoveFromUnifiedGroups(id, true);
    }
    return single;
  }

  void Finalize(const QuantizerSetup& multi, QuantizerSetup& single) {
    std::vector<std::pair<int, int>> pq_to_point;
    for (int id : finished_) {
      const int location = Pq(id).location;
      for (const auto& [point_id, point] : multi.points) {
        if (!point.is_weight && point.ip == location) pq_to_point.emplace_back(id, point_id);
      }
    }
    for (const auto& [pq, point_id] : pq_to_point) {
      QuantizationPoint* point = single.Find(point_id);
      if (!point) {
        Remove(pq);
        continue;
      }
      Pq(pq).configs = {point->configs.front()};
    }
  }

  void MergeRedundantSubsequentQuantizers() {
    std::vector<int> roots;
    for (int n : g_.NodeOrder()) {
      if (g_.Pred(n).empty()) roots.push_back(n);
    }
    for (int root : roots) {
      std::set<int> visited;
      struct Item {
        int node;
        int affecting;
        int prev;
      };
      std::deque<Item> queue = {{root, -1, root}};
      while (!queue.empty()) {
        const Item item = queue.front();
        queue.pop_front();
        int affecting = item.affecting;
        const int cur = item.node;
        bool integer_path = false;
        if (cur != item.prev) {
          const int e = g_.Edge(item.prev, cur);
          integer_path = e >= 0 && g_.edge(e).is_integer;
        }
        QNode& node = g_.node(cur);
        if (integer_path) {
          affecting = -1;
        } else if (IsInsertionPoint(node.type)) {
          if (node.pq >= 0) {
            const int here = node.pq;
            if (affecting < 0) {
              affecting = here;
            } else if (IsRedundantWithDownstream(Pq(affecting).configs.front(),
                                                 Pq(here).configs.front())) {
              MergeIntoPath(here, {{item.prev, cur}}, affecting);
            } else {
              affecting = here;
            }
          }
        } else if (node.type == QType::kBarrier) {
          affecting = -1;
        } else if (node.type == QType::kOperator && node.trait != QuantizationTrait::kAgnostic) {
          affecting = -1;
        }
        visited.insert(cur);
        for (int s : g_.Succ(cur)) {
          if (!visited.count(s)) queue.push_front({s, affecting, cur});
        }
      }
    }
  }

  PropagationResult MakeResult(const QuantizerSetup& setup) const {
    PropagationResult result;
    for (const auto& [id, point] : setup.points) {
      ProposedQuantizer quantizer;
      quantizer.id = id;
      quantizer.is_weight = point.is_weight;
      quantizer.config = point.configs.front();
      quantizer.directly_quantized = point.directly_quantized;
      if (point.is_weight) {
        quantizer.node = point.node;
      } else {
        const QNode& hook = g_.node(point.ip);
        quantizer.node = hook.target;
        if (hook.type == QType::kPreHook) quantizer.input_port = hook.input_port;
      }
      result.quantizers.push_back(quantizer);
    }
    for (const auto& [gid, members] : setup.unified_groups) {
      if (members.size() > 1) result.unified_groups.push_back(members);
    }
    result.autogenerated_ignored = autogenerated_;
    return result;
  }

  bool Kept(int n) const { return in_.in_inference_graph[static_cast<size_t>(n)]; }

  const PropagationInput& in_;
  const NncfGraph& graph_;
  OrderedGraph ip_;
  OrderedGraph g_;
  std::vector<int> op_of_;
  std::vector<int> input_nodes_, output_nodes_;
  std::vector<int> ignored_keys_;
  std::set<std::string> autogenerated_;
  std::vector<std::pair<int, std::vector<QuantizerConfig>>> weight_configs_;
  std::vector<PropagatingQuantizer> pqs_;
  std::deque<int> active_;
  std::vector<int> finished_;
  std::map<int, std::set<int>> waiting_on_;
  std::map<int, int> blocking_node_;
  std::map<int, std::set<int>> groups_;
  int next_gid_ = 0;
  std::vector<std::pair<int, int>> weight_dependent_;  // (quantizer, Embedding op), in order
  std::optional<std::set<int>> output_dominators_;
};

}  // namespace

PropagationResult RunQuantizerPropagation(const PropagationInput& input) {
  Solver solver(input);
  return solver.Run();
}

}  // namespace nncf::algorithms::quantization
