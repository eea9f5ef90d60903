// NumPy .npy files as IR tensors, for tests that exchange arrays with ONNX Runtime's Node
// scripts (tests/ort/npy.js). Little-endian, C order; versions 1 to 3 are read, 1.0 is written.
#pragma once

#include <string>

#include "core/ir/tensor.h"

namespace nncf::testing {

// Fails with kIo when the file cannot be read, kInvalidArgument for a malformed or unsupported
// file (Fortran order, big-endian or unknown dtype), naming the path.
ir::Tensor ReadNpy(const std::string& path);
// Supports the fixed-width numeric dtypes and bool (not the 4- and 8-bit float formats).
void WriteNpy(const std::string& path, const ir::Tensor& tensor);

}  // namespace nncf::testing
