// Fast bias correction feeds each layer a blob that holds one value per input channel (the
// channel's mean) and reads back the mean of every output channel. For a convolution that mean
// has a closed form: each kernel tap sees the blob for the share of output positions whose
// window places it inside the input (zero padding elsewhere), so
//   mean[oc] = bias[oc] + sum_{ic, tap} W[oc, ic, tap] * means[ic] * share(tap).
// Evaluating it costs one pass over the weights instead of a convolution over the full
// activation shape (and a compiled convolution primitive) per layer and model.
#pragma once

#include <cstdint>
#include <vector>

#include "core/ir/graph.h"
#include "core/ir/tensor.h"

namespace nncf::algorithms::quantization {

// Mean over every axis but the channel axis 1 of Conv(blob, weight, bias) where the blob has
// dims `input_shape` and holds means[c] throughout input channel c. `conv` supplies the
// attributes (any group, pads, auto_pad, strides, dilations, 1 to 3 spatial dims); weight and
// bias (may be null) are float32. Accumulated in double; the same on any thread count. Throws
// kInvalidArgument for shapes that do not fit the attributes.
std::vector<float> ConvOutputMeansOfChannelBlob(const ir::Node& conv, int64_t opset,
                                                const std::vector<int64_t>& input_shape,
                                                const ir::Tensor& weight, const ir::Tensor* bias,
                                                const std::vector<float>& means, int num_threads);

}  // namespace nncf::algorithms::quantization
