// The Add (and following Relu) that joins a residual branch, as one step. When a convolution's
// output is observed (the statistics pass of quantization watches the inputs of residual Adds),
// the convolution can no longer absorb the Add and Relu as post-ops; this step keeps them one
// pass, and lets both operands and the result stay channels-last between fused convolutions.
#pragma once

#include <memory>

#include "core/exec/kernel.h"

namespace nncf::exec {

// Inputs A, B; output relu(A + B) (or A + B). Equal-shaped float32 operands are added in place
// of whatever element order they share; anything else (broadcasting, other types) goes through
// `add` and `relu` (the nodes' own kernels; relu may be null), converting channels-last operands
// to the plain order and the result back when `channels_last`.
std::unique_ptr<Kernel> MakeResidualTail(std::shared_ptr<Kernel> add, std::shared_ptr<Kernel> relu,
                                         bool channels_last);

}  // namespace nncf::exec
