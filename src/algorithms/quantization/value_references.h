// Who reads a value by name: node inputs of a graph and, through If/Loop/Scan bodies, nodes of
// nested subgraphs that refer to an enclosing graph's value (unless the subgraph defines a value
// of the same name itself). Used to rewire consumers to a DequantizeLinear output and to tell
// whether a folded weight's float initializer is still needed.
#pragma once

#include <string>

#include "core/ir/graph.h"
#include "core/ir/node.h"

namespace nncf::algorithms::quantization {

// True when one of the node's subgraph attributes (recursively) reads `value` from outside.
bool SubgraphsRead(const ir::Node& node, const std::string& value);

// True when the node reads `value` as a direct input or from one of its subgraphs.
bool NodeReads(const ir::Node& node, const std::string& value);

// Replaces outer-scope references to `from` by `to` in the node's subgraphs (node inputs and
// subgraph outputs, which If/Loop/Scan bind by position). Returns how many were replaced.
int RewireSubgraphs(ir::Node& node, const std::string& from, const std::string& to);

// True when any node of the graph reads `value` or the graph lists it as an output.
bool GraphReads(const ir::Graph& graph, const std::string& value);

}  // namespace nncf::algorithms::quantization
