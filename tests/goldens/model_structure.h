// NNCF's view of an ONNX model as its reference .dot files show it (GraphConverter plus
// get_graph_for_structure_analysis(extended=True)), built independently of the library's own
// NncfGraph so that the reference check tests the models and the quantizer, not a shared helper:
// - one node per ONNX node (Constant included), unnamed nodes as "<op_type>_nncf_<index>";
// - nncf_model_input_<i> for the i-th graph input that is not an initializer, nncf_model_output_<i>
//   for the i-th graph output when a node produces it;
// - an edge per (value, consuming input) for values made by a node or a graph input, never for
//   initializers; a value without any type information makes no edge (as NNCF skips it);
// - edge label: the value's shape ("[1, 3, 32, 32]", -1 for a symbolic or unknown dim, "[]" when
//   the shape is unknown), style "solid" for float32 values and "dashed" for any other type.
//   Type and shape come from the last of value_info, graph inputs, graph outputs, initializers
//   that names the value, as NNCF's edge info mapping takes them.
#pragma once

#include "core/ir/model.h"
#include "dot_graph.h"

namespace nncf::testing {

// `model` should already carry inferred value types (InferLikeNncf), as NNCF infers shapes
// before it builds its graph.
DotGraph ModelStructure(const ir::Model& model);

// The value types NNCF's graph builder sees: onnx.shape_inference.infer_shapes of a current onnx
// (non-strict), where a graph output keeps the type it declares even when inference disagrees
// (float64_model declares [1, 3, 10, 10] for a [1, 32, 8, 8] Conv result) or knows more
// (output_with_no_parents_model declares no shape). onnx::InferShapes rejects a conflicting
// declaration, so inference then runs on a copy whose outputs declare only their element type.
// Past opset 17, an op without an opset adapter (Attention) leaves the declared types alone.
ir::Model InferLikeNncf(const ir::Model& model);

}  // namespace nncf::testing
