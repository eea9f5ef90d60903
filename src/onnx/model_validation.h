// Checks a model before any algorithm sees it. Debian's ONNX 1.12 checker and shape inference know
// IR <= 8 and opset <= 17; past that the checks are ours.
#pragma once

#include "core/ir/model.h"

namespace nncf::onnx {

// Highest default-domain opset and IR version that Debian's ONNX 1.12 can check and infer.
constexpr int64_t kOnnxLibMaxOpset = 17;
constexpr int64_t kOnnxLibMaxIrVersion = 8;
// Highest versions this library reads and writes.
constexpr int64_t kMaxSupportedOpset = 23;
constexpr int64_t kMaxSupportedIrVersion = 11;

// Structural checks (graph names resolve in scope, every node input is produced, initialized or a
// graph input, single assignment, known opset versions, valid attribute types), then ONNX's own
// checker where it applies. Throws nncf::Error(kInvalidModel / kUnsupported) naming the node,
// value or opset at fault.
void ValidateModel(const ir::Model& model);

}  // namespace nncf::onnx
