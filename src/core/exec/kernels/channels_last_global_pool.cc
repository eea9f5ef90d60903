#include "core/exec/kernels/channels_last_global_pool.h"

#include <string>
#include <vector>

#include "core/common/error.h"
#include "core/common/parallel_for.h"
#include "core/exec/kernels/onednn_util.h"
#include "core/exec/tensor_util.h"
#include "core/exec/uninitialized_tensor.h"

namespace nncf::exec {
namespace {

class ChannelsLastGlobalAveragePool final : public Kernel {
 public:
  explicit ChannelsLastGlobalAveragePool(const NodeInfo& info) : label_(info) {}

  void Run(const std::vector<const ir::Tensor*>& inputs, std::vector<ir::Tensor>& outputs,
           const RunContext& context) override {
    const ir::Tensor& x = onednn::RequireInput(label_, inputs, 0, "X");
    if (x.dtype != ir::DType::kFloat || x.dims.size() < 3) {
      label_.Fail(ErrorCode::kInternal,
                  "a channels-last input must be float32 of rank >= 3, got " + ShapeString(x.dims));
    }
    const int64_t n = x.dims[0], c = x.dims[1];
    int64_t s = 1;
    for (size_t d = 2; d < x.dims.size(); ++d) s *= x.dims[d];
    std::vector<int64_t> dims = x.dims;
    for (size_t d = 2; d < dims.size(); ++d) dims[d] = 1;
    ir::Tensor y = NewTensorUninitialized(ir::DType::kFloat, dims);
    const float* in = x.DataAs<float>();
    float* out = MutableData<float>(y);
    ParallelFor(context.num_threads, n, s * c, [&](int64_t begin, int64_t end) {
      for (int64_t b = begin; b < end; ++b) {
        const float* image = in + b * s * c;
        float* sum = out + b * c;
        for (int64_t ch = 0; ch < c; ++ch) sum[ch] = 0.0f;
        // Position by position across the channels (vectorizable); each channel still adds its
        // positions in ascending order.
        for (int64_t p = 0; p < s; ++p) {
          const float* row = image + p * c;
          for (int64_t ch = 0; ch < c; ++ch) sum[ch] += row[ch];
        }
        const float count = static_cast<float>(s);
        for (int64_t ch = 0; ch < c; ++ch) sum[ch] = s > 0 ? sum[ch] / count : 0.0f;
      }
    });
    outputs.at(0) = std::move(y);
  }

 private:
  onednn::NodeLabel label_;
};

}  // namespace

std::unique_ptr<Kernel> MakeChannelsLastGlobalAveragePool(const NodeInfo& info) {
  return std::make_unique<ChannelsLastGlobalAveragePool>(info);
}

}  // namespace nncf::exec
