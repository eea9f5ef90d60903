#include "algorithms/quantization/conv_output_means.h"

#include <string>

#include "core/common/error.h"
#include "core/common/parallel_for.h"
#include "core/exec/kernels/conv_geometry.h"

namespace nncf::algorithms::quantization {

std::vector<float> ConvOutputMeansOfChannelBlob(const ir::Node& conv, int64_t opset,
                                                const std::vector<int64_t>& input_shape,
                                                const ir::Tensor& weight, const ir::Tensor* bias,
                                                const std::vector<float>& means, int num_threads) {
  const exec::NodeInfo info(conv, opset);
  const exec::onednn::NodeLabel label(info);
  const std::vector<int64_t>& w_dims = weight.dims;
  if (weight.dtype != ir::DType::kFloat || w_dims.size() < 3 ||
      input_shape.size() != w_dims.size()) {
    label.Fail(ErrorCode::kInvalidArgument,
               "closed-form output means need a float32 weight of rank >= 3 and an input of the "
               "same rank");
  }
  const exec::ConvAttributes attrs(info);
  const exec::Geometry g = exec::ConvGeometry(label, attrs, input_shape, w_dims);
  const int64_t out_channels = w_dims[0], group_channels = w_dims[1];
  const int64_t in_channels = input_shape[1];
  if (in_channels != group_channels * attrs.group || out_channels % attrs.group != 0 ||
      static_cast<int64_t>(means.size()) != in_channels ||
      (bias != nullptr &&
       (bias->dtype != ir::DType::kFloat || bias->NumElements() != out_channels))) {
    label.Fail(ErrorCode::kInvalidArgument,
               "input " + std::to_string(in_channels) + " channels, weight " +
                   std::to_string(out_channels) + "x" + std::to_string(group_channels) +
                   ", group " + std::to_string(attrs.group) + ", " + std::to_string(means.size()) +
                   " channel means: they do not fit");
  }

  // share[tap]: the product over spatial dims of the fraction of output positions whose window
  // puts this tap inside the input.
  const size_t spatial = g.in.size();
  std::vector<std::vector<double>> per_dim(spatial);
  for (size_t d = 0; d < spatial; ++d) {
    per_dim[d].resize(static_cast<size_t>(g.kernel[d]));
    for (int64_t k = 0; k < g.kernel[d]; ++k) {
      int64_t inside = 0;
      for (int64_t o = 0; o < g.out[d]; ++o) {
        const int64_t at = o * g.stride[d] - g.pad_begin[d] + k * g.dilation[d];
        inside += at >= 0 && at < g.in[d] ? 1 : 0;
      }
      per_dim[d][static_cast<size_t>(k)] =
          static_cast<double>(inside) / static_cast<double>(g.out[d]);
    }
  }
  int64_t taps = 1;
  for (size_t d = 0; d < spatial; ++d) taps *= g.kernel[d];
  std::vector<double> share(static_cast<size_t>(taps), 1.0);
  for (int64_t t = 0; t < taps; ++t) {
    int64_t rest = t;
    for (size_t d = spatial; d-- > 0;) {
      share[static_cast<size_t>(t)] *= per_dim[d][static_cast<size_t>(rest % g.kernel[d])];
      rest /= g.kernel[d];
    }
  }

  // coefficient[ic * taps + t] = means[ic] * share[t] (per group): each output channel's mean is
  // then one dot product with its weights, summed in eight interleaved lanes (a fixed order, the
  // same on any thread count) so the loop vectorizes.
  const int64_t row = group_channels * taps;
  std::vector<double> coefficient(static_cast<size_t>(attrs.group * row));
  for (int64_t ic = 0; ic < in_channels; ++ic) {
    for (int64_t t = 0; t < taps; ++t) {
      coefficient[static_cast<size_t>(ic * taps + t)] =
          static_cast<double>(means[static_cast<size_t>(ic)]) * share[static_cast<size_t>(t)];
    }
  }
  const float* w = weight.DataAs<float>();
  const float* b = bias != nullptr ? bias->DataAs<float>() : nullptr;
  const int64_t per_group_out = out_channels / attrs.group;
  std::vector<float> result(static_cast<size_t>(out_channels));
  ParallelFor(num_threads, out_channels, row, [&](int64_t begin, int64_t end) {
    for (int64_t oc = begin; oc < end; ++oc) {
      const float* kernel = w + oc * row;
      const double* c = coefficient.data() + (oc / per_group_out) * row;
      double lane[8] = {0, 0, 0, 0, 0, 0, 0, 0};
      int64_t i = 0;
      for (; i + 8 <= row; i += 8) {
        for (int l = 0; l < 8; ++l) lane[l] += static_cast<double>(kernel[i + l]) * c[i + l];
      }
      for (; i < row; ++i) lane[i % 8] += static_cast<double>(kernel[i]) * c[i];
      const double dot =
          ((lane[0] + lane[1]) + (lane[2] + lane[3])) + ((lane[4] + lane[5]) + (lane[6] + lane[7]));
      result[static_cast<size_t>(oc)] =
          static_cast<float>((b != nullptr ? static_cast<double>(b[oc]) : 0.0) + dot);
    }
  });
  return result;
}

}  // namespace nncf::algorithms::quantization
