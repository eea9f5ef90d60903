#include "core/exec/uninitialized_tensor.h"

#include <memory>
#include <utility>

#include "core/ir/buffer.h"
#include "core/ir/dtype.h"

namespace nncf::exec {

ir::Tensor NewTensorUninitialized(ir::DType dtype, std::vector<int64_t> dims) {
  const size_t bits = ir::DTypeBits(dtype);
  if (dtype == ir::DType::kString || bits == 0 || bits % 8 != 0) {
    return ir::Tensor::Zeros("", dtype, std::move(dims));
  }
  ir::Tensor tensor;
  tensor.dtype = dtype;
  tensor.dims = std::move(dims);
  const size_t bytes = static_cast<size_t>(tensor.NumElements()) * (bits / 8);
  tensor.data = std::make_shared<ir::OwnedBuffer>(ir::kUninitialized, bytes);
  return tensor;
}

}  // namespace nncf::exec
