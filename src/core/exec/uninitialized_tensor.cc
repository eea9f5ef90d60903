#include "core/exec/uninitialized_tensor.h"

#include <memory>
#include <utility>

#include "core/ir/buffer.h"
#include "core/ir/dtype.h"

namespace nncf::exec {
namespace {

thread_local std::shared_ptr<BufferRecycler> current_recycler;

}  // namespace

std::unique_ptr<uint8_t[]> BufferRecycler::Take(size_t size) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = free_.find(size);
  if (it == free_.end()) return nullptr;
  std::unique_ptr<uint8_t[]> storage = std::move(it->second);
  free_.erase(it);
  cached_bytes_ -= size;
  return storage;
}

void BufferRecycler::Give(std::unique_ptr<uint8_t[]> storage, size_t size) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (cached_bytes_ + size > max_cached_bytes_) return;  // freed on return
  free_.emplace(size, std::move(storage));
  cached_bytes_ += size;
}

size_t BufferRecycler::cached_bytes() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return cached_bytes_;
}

std::shared_ptr<BufferRecycler> CurrentBufferRecycler() {
  return current_recycler;
}

ScopedBufferRecycling::ScopedBufferRecycling(std::shared_ptr<BufferRecycler> recycler)
    : previous_(std::move(current_recycler)) {
  current_recycler = std::move(recycler);
}

ScopedBufferRecycling::~ScopedBufferRecycling() {
  current_recycler = std::move(previous_);
}

ir::Tensor NewTensorUninitialized(ir::DType dtype, std::vector<int64_t> dims) {
  const size_t bits = ir::DTypeBits(dtype);
  if (dtype == ir::DType::kString || bits == 0 || bits % 8 != 0) {
    return ir::Tensor::Zeros("", dtype, std::move(dims));
  }
  ir::Tensor tensor;
  tensor.dtype = dtype;
  tensor.dims = std::move(dims);
  const size_t bytes = static_cast<size_t>(tensor.NumElements()) * (bits / 8);
  if (current_recycler && bytes >= BufferRecycler::kMinBytes) {
    std::unique_ptr<uint8_t[]> storage = current_recycler->Take(bytes);
    if (!storage) storage.reset(new uint8_t[bytes]);
    std::weak_ptr<BufferRecycler> home = current_recycler;
    tensor.data = std::make_shared<ir::OwnedBuffer>(
        ir::kUninitialized, std::move(storage), bytes,
        [home](std::unique_ptr<uint8_t[]> released, size_t size) {
          if (std::shared_ptr<BufferRecycler> recycler = home.lock()) {
            recycler->Give(std::move(released), size);
          }
        });
    return tensor;
  }
  tensor.data = std::make_shared<ir::OwnedBuffer>(ir::kUninitialized, bytes);
  return tensor;
}

}  // namespace nncf::exec
