#include "algorithms/quantization/channel_means.h"

#include <cstring>
#include <string>
#include <vector>

#include "core/common/error.h"

namespace nncf::algorithms::quantization {

namespace {

int64_t ResolveAxis(int64_t axis, size_t rank, const std::string& what) {
  const int64_t r = static_cast<int64_t>(rank);
  const int64_t resolved = axis < 0 ? axis + r : axis;
  if (resolved < 0 || resolved >= r) {
    Fail(ErrorCode::kInvalidArgument, "channel axis " + std::to_string(axis) + " is outside " +
                                          what + " of rank " + std::to_string(rank));
  }
  return resolved;
}

// Elements before and after the channel axis: the tensor viewed as [outer, channels, inner].
void SplitAround(const std::vector<int64_t>& dims, int64_t axis, int64_t* outer, int64_t* inner) {
  *outer = 1;
  *inner = 1;
  for (int64_t i = 0; i < axis; ++i) *outer *= dims[static_cast<size_t>(i)];
  for (size_t i = static_cast<size_t>(axis) + 1; i < dims.size(); ++i) *inner *= dims[i];
}

}  // namespace

bool IsCorrectableFloat(ir::DType dtype) {
  return dtype == ir::DType::kFloat || dtype == ir::DType::kFloat16 ||
         dtype == ir::DType::kBFloat16 || dtype == ir::DType::kDouble;
}

std::vector<float> MeanPerChannel(const ir::Tensor& tensor, int64_t channel_axis) {
  const std::vector<float> values = tensor.ToFloats();
  if (tensor.dims.empty()) return values;
  const int64_t axis = ResolveAxis(channel_axis, tensor.dims.size(), "'" + tensor.name + "'");
  const int64_t channels = tensor.dims[static_cast<size_t>(axis)];
  int64_t outer = 0, inner = 0;
  SplitAround(tensor.dims, axis, &outer, &inner);
  std::vector<double> sums(static_cast<size_t>(channels), 0.0);
  for (int64_t o = 0; o < outer; ++o) {
    for (int64_t c = 0; c < channels; ++c) {
      const float* row = values.data() + (o * channels + c) * inner;
      double sum = 0;
      for (int64_t i = 0; i < inner; ++i) sum += row[i];
      sums[static_cast<size_t>(c)] += sum;
    }
  }
  std::vector<float> means(static_cast<size_t>(channels), 0.0f);
  const double count = static_cast<double>(outer * inner);
  if (count > 0) {
    for (size_t c = 0; c < means.size(); ++c) means[c] = static_cast<float>(sums[c] / count);
  }
  return means;
}

ir::Tensor ChannelBlob(const std::string& name, ir::DType dtype, const std::vector<int64_t>& shape,
                       int64_t channel_axis, const std::vector<float>& means) {
  const int64_t axis = ResolveAxis(channel_axis, shape.size(), "the input blob '" + name + "'");
  const int64_t channels = shape[static_cast<size_t>(axis)];
  if (channels != static_cast<int64_t>(means.size())) {
    Fail(ErrorCode::kInvalidArgument, "input blob '" + name + "' has " + std::to_string(channels) +
                                          " channels on axis " + std::to_string(channel_axis) +
                                          " but the statistics hold " +
                                          std::to_string(means.size()) + " channel means");
  }
  int64_t outer = 0, inner = 0;
  SplitAround(shape, axis, &outer, &inner);
  std::vector<float> values(static_cast<size_t>(outer * channels * inner));
  for (int64_t o = 0; o < outer; ++o) {
    for (int64_t c = 0; c < channels; ++c) {
      float* row = values.data() + (o * channels + c) * inner;
      for (int64_t i = 0; i < inner; ++i) row[i] = means[static_cast<size_t>(c)];
    }
  }
  return ir::Tensor::FromFloats(name, dtype, shape, values);
}

}  // namespace nncf::algorithms::quantization
