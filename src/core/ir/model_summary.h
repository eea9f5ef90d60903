// A compact JSON description of a model for logs, tools and the C API's model inspection.
#pragma once

#include <string>

#include "core/ir/model.h"

namespace nncf::ir {

// Deterministic, unformatted JSON object with the keys:
//   ir_version, producer_name, producer_version,
//   opset_imports: [{domain, version}] in model order,
//   graph_name (null without a graph), node_count (main graph, subgraphs not included),
//   op_histogram: {"Conv": 3, "com.microsoft.MatMulNBits": 1} (keys sorted; the default domain
//     is left out of the key),
//   inputs / outputs: [{name, dtype, shape}]; inputs exclude initializers. dtype is the
//     DTypeName spelling or null for non-tensor/untyped values; shape is null when the rank is
//     unknown, else a list of ints, dim_param strings, or null for unknown dims,
//   initializer_count, initializer_bytes (element bytes held, string bytes for string tensors),
//   function_count, quantize_linear_count, dequantize_linear_count (main graph, any domain).
// Throws nncf::Error(kOutOfMemory) if the JSON cannot be built.
std::string ModelSummaryJson(const Model& model);

}  // namespace nncf::ir
