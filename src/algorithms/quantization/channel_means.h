// Per-channel views of activations for bias correction: reading float-like tensors as floats,
// NNCF's mean per channel (mean over every axis but the channel one) and the constant blob that
// FastBiasCorrection feeds (every slice along the channel axis holds that channel's mean).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/ir/dtype.h"
#include "core/ir/tensor.h"

namespace nncf::algorithms::quantization {

// True for the element types bias correction reads and writes: fp32, fp16, bf16, fp64.
bool IsCorrectableFloat(ir::DType dtype);

// Mean over every axis except `channel_axis` (negative counts from the end), accumulated in
// double; a rank-0 tensor gives its single value. The same reduction the statistics collector
// does with keep_axes = {channel_axis}. Throws kInvalidArgument for an axis outside the rank.
std::vector<float> MeanPerChannel(const ir::Tensor& tensor, int64_t channel_axis);

// A tensor of `shape` whose slice i along `channel_axis` is filled with means[i]. Throws
// kInvalidArgument when the channel dimension differs from means.size().
ir::Tensor ChannelBlob(const std::string& name, ir::DType dtype, const std::vector<int64_t>& shape,
                       int64_t channel_axis, const std::vector<float>& means);

}  // namespace nncf::algorithms::quantization
