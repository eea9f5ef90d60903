// Convolution geometry shared by the Conv/ConvTranspose kernels and the algorithms that reason
// about a convolution's windows (fast bias correction): attributes, pads (auto_pad included) and
// output extents per spatial dimension, as the ONNX operator definitions give them.
#pragma once

#include <cstdint>
#include <vector>

#include "core/exec/kernel.h"
#include "core/exec/kernels/onednn_util.h"

namespace nncf::exec {

enum class AutoPad { kNotSet, kSameUpper, kSameLower, kValid };

// Attributes shared by Conv and ConvTranspose, checked against the input ranks at run time.
struct ConvAttributes {
  AutoPad auto_pad = AutoPad::kNotSet;
  int64_t group = 1;
  std::vector<int64_t> dilations, kernel_shape, pads, strides;
  std::vector<int64_t> output_padding, output_shape;  // ConvTranspose only

  explicit ConvAttributes(const NodeInfo& info);
};

// Per-spatial-dimension geometry of one call.
struct Geometry {
  std::vector<int64_t> in, kernel, stride, dilation, pad_begin, pad_end, out;
};

// Extent of one kernel window along spatial dimension i: (kernel - 1) * dilation + 1.
int64_t KernelRange(const Geometry& g, size_t i);

// Geometry of a Conv with input dims x_dims [N, C, spatial...] and weight dims w_dims; fails
// through `label` on attributes that do not fit the ranks or an empty output.
Geometry ConvGeometry(const onednn::NodeLabel& label, const ConvAttributes& a,
                      const std::vector<int64_t>& x_dims, const std::vector<int64_t>& w_dims);

// The same for ConvTranspose (output_shape and output_padding honoured).
Geometry ConvTransposeGeometry(const onednn::NodeLabel& label, const ConvAttributes& a,
                               const std::vector<int64_t>& x_dims,
                               const std::vector<int64_t>& w_dims);

}  // namespace nncf::exec
