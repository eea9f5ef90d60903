// Kernel outputs whose every element the kernel writes: allocated without zero-filling.
#pragma once

#include <cstdint>
#include <vector>

#include "core/ir/tensor.h"

namespace nncf::exec {

// A fresh tensor with owned storage whose bytes are unset (MutableBytes accepts it). Sub-byte and
// string types fall back to zero-filled storage so padding bits stay deterministic.
ir::Tensor NewTensorUninitialized(ir::DType dtype, std::vector<int64_t> dims);

}  // namespace nncf::exec
