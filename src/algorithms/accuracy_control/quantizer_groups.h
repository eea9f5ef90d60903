// Groups of quantizers that accuracy control reverts together (ptq.md 8.3, NNCF's
// find_groups_of_quantizers_to_rank): removing a quantizer makes the ops it serves float, and
// those ops must lose every other input quantizer too, which pulls in further ops through the
// shared quantizers. Each group is closed under that rule.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "core/ir/graph.h"

namespace nncf::algorithms::accuracy_control {

struct QuantizerGroup {
  std::vector<std::string> quantize_nodes;    // QuantizeLinear names, graph order
  std::vector<std::string> dequantize_nodes;  // DequantizeLinear names, graph order
  std::vector<std::string> operations;        // quantizable ops that become float, graph order
  // DequantizeLinear nodes whose QuantizeLinear reads an initializer (weight quantizers).
  std::vector<std::string> weight_dequantize_nodes;
  // The same nodes as indices into the graph the group was found in (names may be empty).
  std::vector<size_t> quantizer_indices;  // Q and DQ, ascending
  std::vector<size_t> operation_indices;  // ascending
};

// The groups of a quantized model whose weights are not folded (weight quantizers are
// initializer -> QuantizeLinear -> DequantizeLinear). Flooding starts from QuantizeLinear nodes
// in reverse topological order, as NNCF does; each quantizer belongs to exactly one group.
std::vector<QuantizerGroup> FindQuantizerGroups(const ir::Graph& quantized);

}  // namespace nncf::algorithms::accuracy_control
