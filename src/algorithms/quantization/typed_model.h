// The model with inferred value types, for analysis only: placement, statistics shapes and Q/DQ
// element types read it, the output model keeps the caller's value_info.
#pragma once

#include "core/ir/model.h"

namespace nncf::algorithms::quantization {

// Drops declared value_info and graph-output shapes before shape inference, because models in the
// wild declare output shapes that contradict inference and ONNX's checker then refuses the whole
// inference (output element types are kept). When inference cannot run at all (an operator
// shape inference does not know, such as opset-23 Attention), returns the model with its
// declared types only and logs a warning: values without a type are then left unquantized.
ir::Model TypedCopy(const ir::Model& model);

}  // namespace nncf::algorithms::quantization
