// Moving a model between default-domain opsets. Up to opset 17 ONNX's version converter does the
// work; from 17 to 23 our own adapters rewrite the ops whose signatures changed (Reduce*, Split,
// Pad, Resize at 18; QuantizeLinear/DequantizeLinear at 19 and 21; ...).
#pragma once

#include <cstdint>

#include "core/ir/model.h"

namespace nncf::onnx {

// Returns a copy of `model` at `target_opset`. Throws nncf::Error(kUnsupported) naming the node
// whose op cannot be converted; never converts downwards past a node's requirements silently.
ir::Model ConvertOpset(const ir::Model& model, int64_t target_opset);

// Fills shapes and dtypes of intermediate values (value_info). Uses ONNX shape inference for
// opset <= 17 and fails with kUnsupported past it for ops it cannot infer. An inference that
// produces nothing for a graph with nodes is an error, not success.
ir::Model InferShapes(const ir::Model& model);

}  // namespace nncf::onnx
