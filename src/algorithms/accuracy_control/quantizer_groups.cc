#include "algorithms/accuracy_control/quantizer_groups.h"

#include <algorithm>
#include <map>
#include <set>

#include "algorithms/quantization/hw_config.h"
#include "algorithms/quantization/metatype.h"

namespace nncf::algorithms::accuracy_control {
namespace {

namespace q = quantization;

enum class Role { kQuantizer, kQuantizable, kAgnostic, kConstant, kOther };

Role RoleOf(const ir::Node& node) {
  if (!node.domain.empty() && node.domain != "ai.onnx") return Role::kOther;
  if (node.op_type == "QuantizeLinear" || node.op_type == "DequantizeLinear") {
    return Role::kQuantizer;
  }
  // Shape subgraphs carry integers only: NNCF removes them before flooding.
  if (node.op_type == "Constant" || node.op_type == "Shape") return Role::kConstant;
  switch (q::TraitOf(q::MetatypeForOpType(node.op_type))) {
    case q::QuantizationTrait::kInputsQuantizable:
      return Role::kQuantizable;
    case q::QuantizationTrait::kAgnostic:
    case q::QuantizationTrait::kConcat:
      return Role::kAgnostic;
    default:
      return Role::kOther;
  }
}

// Producer and consumer node indices of the main graph, by node.
class Adjacency {
 public:
  explicit Adjacency(const ir::Graph& graph)
      : parents_(graph.nodes.size()), children_(graph.nodes.size()) {
    std::map<std::string, size_t> producer;
    for (size_t i = 0; i < graph.nodes.size(); ++i) {
      for (const std::string& out : graph.nodes[i].outputs) {
        if (!out.empty()) producer[out] = i;
      }
    }
    for (size_t i = 0; i < graph.nodes.size(); ++i) {
      for (const std::string& in : graph.nodes[i].inputs) {
        auto it = producer.find(in);
        if (in.empty() || it == producer.end()) continue;
        AddUnique(parents_[i], it->second);
        AddUnique(children_[it->second], i);
      }
    }
  }
  const std::vector<size_t>& parents(size_t node) const { return parents_[node]; }
  const std::vector<size_t>& children(size_t node) const { return children_[node]; }

 private:
  static void AddUnique(std::vector<size_t>& list, size_t value) {
    if (std::find(list.begin(), list.end(), value) == list.end()) list.push_back(value);
  }
  std::vector<std::vector<size_t>> parents_;
  std::vector<std::vector<size_t>> children_;
};

// NNCF's find_quantizer_nodes_to_cut: two work lists, one walking to children and one to
// parents, alternating; the result is the closed set of quantizers and the ops they serve.
void Flood(const ir::Graph& graph, const Adjacency& adjacency, const std::vector<Role>& roles,
           size_t start, std::set<size_t>* to_cut, std::set<size_t>* operations) {
  std::set<size_t> seen_children, seen_parents;
  std::vector<size_t> to_see_children{start}, to_see_parents;
  to_cut->insert(start);
  auto visit = [&](size_t node, bool parents) {
    const std::vector<size_t>& relatives =
        parents ? adjacency.parents(node) : adjacency.children(node);
    for (size_t relative : relatives) {
      const Role role = roles[relative];
      if (role == Role::kQuantizable) {
        if (parents) {
          if (seen_children.count(relative)) continue;
          to_see_children.push_back(relative);
        } else {
          operations->insert(relative);
          if (!seen_parents.count(relative)) to_see_parents.push_back(relative);
        }
      } else if (role == Role::kQuantizer) {
        if (parents) {
          if (seen_children.count(relative)) continue;
          to_cut->insert(relative);
          to_see_children.push_back(relative);
          const std::vector<size_t>& grand = adjacency.parents(relative);
          if (std::all_of(grand.begin(), grand.end(),
                          [&roles](size_t g) { return roles[g] == Role::kQuantizer; })) {
            to_see_parents.push_back(relative);
          }
        } else if (roles[node] == Role::kQuantizer) {
          to_cut->insert(relative);
          to_see_children.push_back(relative);
        } else {
          seen_children.insert(relative);
        }
      } else if (role != Role::kConstant) {
        if (!seen_parents.count(relative)) to_see_parents.push_back(relative);
        if (!seen_children.count(relative) && role == Role::kAgnostic) {
          to_see_children.push_back(relative);
        }
      }
    }
    (parents ? seen_parents : seen_children).insert(node);
  };
  while (!to_see_parents.empty() || !to_see_children.empty()) {
    if (!to_see_children.empty()) {
      const size_t node = to_see_children.back();
      to_see_children.pop_back();
      visit(node, false);
    }
    if (!to_see_parents.empty()) {
      const size_t node = to_see_parents.back();
      to_see_parents.pop_back();
      visit(node, true);
    }
  }
  (void)graph;
}

}  // namespace

std::vector<QuantizerGroup> FindQuantizerGroups(const ir::Graph& quantized) {
  const Adjacency adjacency(quantized);
  std::vector<Role> roles;
  roles.reserve(quantized.nodes.size());
  for (const ir::Node& node : quantized.nodes) roles.push_back(RoleOf(node));

  std::vector<QuantizerGroup> groups;
  std::set<size_t> processed;
  // ONNX stores nodes in topological order: reverse file order is reverse topological order.
  for (size_t k = quantized.nodes.size(); k-- > 0;) {
    if (quantized.nodes[k].op_type != "QuantizeLinear" || roles[k] != Role::kQuantizer) continue;
    if (processed.count(k)) continue;
    std::set<size_t> to_cut, operations;
    Flood(quantized, adjacency, roles, k, &to_cut, &operations);
    QuantizerGroup group;
    for (size_t node : to_cut) {
      processed.insert(node);
      group.quantizer_indices.push_back(node);
      const ir::Node& n = quantized.nodes[node];
      if (n.op_type == "QuantizeLinear") {
        group.quantize_nodes.push_back(n.name);
      } else {
        group.dequantize_nodes.push_back(n.name);
        // A weight quantizer: the DequantizeLinear's QuantizeLinear (or the DequantizeLinear
        // itself, folded) reads an initializer.
        const std::string& source = n.inputs.empty() ? std::string() : n.inputs[0];
        bool weight = quantized.IsInitializer(source);
        for (size_t parent : adjacency.parents(node)) {
          const ir::Node& p = quantized.nodes[parent];
          if (p.op_type == "QuantizeLinear" && !p.inputs.empty() &&
              quantized.IsInitializer(p.inputs[0])) {
            weight = true;
          }
        }
        if (weight) group.weight_dequantize_nodes.push_back(n.name);
      }
    }
    for (size_t node : operations) {
      group.operations.push_back(quantized.nodes[node].name);
      group.operation_indices.push_back(node);
    }
    groups.push_back(std::move(group));
  }
  return groups;
}

}  // namespace nncf::algorithms::accuracy_control
