// The model as a Graphviz dot graph, in the spirit of NNCF's dump_graphs: operators as boxes,
// edges labelled with tensor names, inserted quantizers and compressed weights highlighted.
#pragma once

#include <string>

#include "graph_structure.h"

namespace nncf_cli {

std::string GraphToDot(const GraphStructure& graph);

// Writes `dot_path`; when Graphviz's `dot` is on PATH also renders the .svg next to it (same
// name, .svg extension) and returns its path, else returns "". Throws CliError (i/o).
std::string WriteGraphFiles(const GraphStructure& graph, const std::string& dot_path);

}  // namespace nncf_cli
