// Kernel outputs whose every element the kernel writes: allocated without zero-filling, and,
// during an executor run, from storage the run's earlier values released.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <vector>

#include "core/ir/tensor.h"

namespace nncf::exec {

// A fresh tensor with owned storage whose bytes are unset (MutableBytes accepts it). Sub-byte and
// string types fall back to zero-filled storage so padding bits stay deterministic.
ir::Tensor NewTensorUninitialized(ir::DType dtype, std::vector<int64_t> dims);

// Large value buffers released by one run are handed to the next allocation of the same size
// instead of going back to the system: a fresh multi-megabyte allocation is mmap-ed and faults
// every page in again (5 to 7% of a ResNet-50 or BERT run). Holds at most `max_cached_bytes` of
// free storage; thread-safe. Buffers that outlive the recycler are freed normally.
class BufferRecycler {
 public:
  static constexpr size_t kMinBytes = size_t{1} << 18;  // smaller ones come cheaply from malloc

  explicit BufferRecycler(size_t max_cached_bytes) : max_cached_bytes_(max_cached_bytes) {}
  std::unique_ptr<uint8_t[]> Take(size_t size);  // null when none of that size is free
  void Give(std::unique_ptr<uint8_t[]> storage, size_t size);
  size_t cached_bytes() const;

 private:
  mutable std::mutex mutex_;
  std::multimap<size_t, std::unique_ptr<uint8_t[]>> free_;
  size_t cached_bytes_ = 0;
  size_t max_cached_bytes_;
};

// The recycler NewTensorUninitialized and RecyclingAllocator use on this thread (may be null).
std::shared_ptr<BufferRecycler> CurrentBufferRecycler();

// While alive, NewTensorUninitialized on this thread draws on and returns to `recycler`.
class ScopedBufferRecycling {
 public:
  explicit ScopedBufferRecycling(std::shared_ptr<BufferRecycler> recycler);
  ~ScopedBufferRecycling();
  ScopedBufferRecycling(const ScopedBufferRecycling&) = delete;
  ScopedBufferRecycling& operator=(const ScopedBufferRecycling&) = delete;

 private:
  std::shared_ptr<BufferRecycler> previous_;
};

}  // namespace nncf::exec
