#include "core/exec/kernels/residual_tail.h"

#include <utility>
#include <vector>

#include "core/common/error.h"
#include "core/common/parallel_for.h"
#include "core/exec/tensor_util.h"
#include "core/exec/uninitialized_tensor.h"

namespace nncf::exec {
namespace {

class ResidualTailKernel final : public Kernel {
 public:
  ResidualTailKernel(std::shared_ptr<Kernel> add, std::shared_ptr<Kernel> relu, bool channels_last)
      : add_(std::move(add)), relu_(std::move(relu)), channels_last_(channels_last) {}

  void Run(const std::vector<const ir::Tensor*>& inputs, std::vector<ir::Tensor>& outputs,
           const RunContext& context) override {
    const ir::Tensor& a = *inputs.at(0);
    const ir::Tensor& b = *inputs.at(1);
    if (a.dtype == ir::DType::kFloat && b.dtype == ir::DType::kFloat && a.dims == b.dims) {
      outputs.at(0) = AddInPlaceOrder(a, b, context.num_threads);
      return;
    }
    if (channels_last_ && (a.dims.size() < 3 || b.dims.size() < 3)) {
      Fail(ErrorCode::kInternal, "channels-last residual operands of rank below 3");
    }
    const ir::Tensor a_plain = channels_last_ ? ChannelsLastToPlain(a) : ir::Tensor();
    const ir::Tensor b_plain = channels_last_ ? ChannelsLastToPlain(b) : ir::Tensor();
    std::vector<ir::Tensor> sum(1);
    add_->Run({channels_last_ ? &a_plain : &a, channels_last_ ? &b_plain : &b}, sum, context);
    ir::Tensor result = std::move(sum[0]);
    if (relu_) {
      std::vector<ir::Tensor> activated(1);
      relu_->Run({&result}, activated, context);
      result = std::move(activated[0]);
    }
    outputs.at(0) = channels_last_ ? PlainToChannelsLast(result) : std::move(result);
  }

 private:
  ir::Tensor AddInPlaceOrder(const ir::Tensor& a, const ir::Tensor& b, int num_threads) const {
    ir::Tensor y = NewTensorUninitialized(ir::DType::kFloat, a.dims);
    const float* x0 = a.DataAs<float>();
    const float* x1 = b.DataAs<float>();
    float* out = MutableData<float>(y);
    const bool relu = relu_ != nullptr;
    ParallelFor(num_threads, a.NumElements(), 1, [&](int64_t begin, int64_t end) {
      for (int64_t i = begin; i < end; ++i) {
        const float v = x0[i] + x1[i];
        out[i] = relu && v < 0.0f ? 0.0f : v;  // Relu's rule: NaN passes through
      }
    });
    return y;
  }

  std::shared_ptr<Kernel> add_, relu_;
  bool channels_last_;
};

}  // namespace

std::unique_ptr<Kernel> MakeResidualTail(std::shared_ptr<Kernel> add, std::shared_ptr<Kernel> relu,
                                         bool channels_last) {
  return std::make_unique<ResidualTailKernel>(std::move(add), std::move(relu), channels_last);
}

}  // namespace nncf::exec
