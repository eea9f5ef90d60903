// A float Conv with its following Relu and/or residual Add folded in (oneDNN post-ops), and
// activations optionally kept channels-last between such convolutions. The executor builds these
// when the intermediate values are neither requested nor observed; only fused convolutions ever
// read a channels-last tensor (its dims stay N, C, spatial...; only the element order differs).
#pragma once

#include <memory>

#include "core/exec/kernel.h"

namespace nncf::exec {

struct FusedConvSpec {
  bool relu = false;       // Relu after the (residual) sum
  bool hardswish = false;  // HardSwish after the (residual) sum (not with relu)
  bool residual = false;   // input 3 is added to the convolution output
  bool x_channels_last = false;
  bool residual_channels_last = false;
  bool y_channels_last = false;
};

// Inputs: X, W (float32), B (nullptr when absent), R (the residual, when spec.residual).
// `info` describes the Conv node (attributes, label).
std::unique_ptr<Kernel> MakeFusedConv(const NodeInfo& info, const FusedConvSpec& spec);

}  // namespace nncf::exec
