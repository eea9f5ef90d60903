// The node and initializer structure of an ONNX model file, read straight from the protobuf
// wire format. The C API describes inputs, outputs and op counts but not edges; drawing the
// graph and finding compressed weights need them, and the tool links nothing but libnncf.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "nncf.h"

namespace nncf_cli {

struct GraphNode {
  std::string name;
  std::string op_type;
  std::string domain;
  std::vector<std::string> inputs;
  std::vector<std::string> outputs;
};

struct GraphInitializer {
  std::string name;
  nncf_dtype dtype = NNCF_DTYPE_UNDEFINED;
  std::vector<int64_t> dims;
};

struct GraphStructure {
  std::string name;
  std::vector<GraphNode> nodes;  // top-level graph only; subgraphs are not descended into
  std::vector<GraphInitializer> initializers;
  std::vector<std::string> inputs;  // graph inputs that are not initializers
  std::vector<std::string> outputs;
};

// Reads `path` (a .onnx file; external data is not touched). Throws CliError: i/o when the file
// cannot be read, invalid input when it is not a ModelProto.
GraphStructure ReadGraphStructure(const std::string& path);

// Initializers stored in a low-bit type (int8/uint8, 4-bit, float8, float4) that feed a
// DequantizeLinear's data input, a MatMulNBits' weight input or a Cast (the NF4 and E2M1
// lookups): the quantized or compressed weights of the model, by name.
std::map<std::string, const GraphInitializer*> CompressedWeights(const GraphStructure& graph);

}  // namespace nncf_cli
