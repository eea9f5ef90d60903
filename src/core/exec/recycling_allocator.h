// A std::vector allocator for large buffers whose every element is written before it is read
// (weight codes): resize() leaves the bytes unset instead of zero-filling them, and blocks of
// BufferRecycler::kMinBytes or more come from and go back to the BufferRecycler that was
// current on the constructing thread (ScopedBufferRecycling), so quantizing a model's many
// same-shaped weights does not fault fresh pages in for each one. Without a recycler it is a
// plain allocator (new[] / delete[]).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <new>
#include <type_traits>
#include <utility>

#include "core/exec/uninitialized_tensor.h"

namespace nncf::exec {

template <typename T>
class RecyclingAllocator {
  static_assert(std::is_trivially_destructible_v<T>, "raw byte blocks hold trivial types only");

 public:
  using value_type = T;

  RecyclingAllocator() : home_(CurrentBufferRecycler()) {}
  template <typename U>
  RecyclingAllocator(const RecyclingAllocator<U>& other) : home_(other.home()) {}

  T* allocate(std::size_t n) {
    const std::size_t bytes = n * sizeof(T);
    std::unique_ptr<uint8_t[]> block;
    if (bytes >= BufferRecycler::kMinBytes) {
      if (std::shared_ptr<BufferRecycler> recycler = home_.lock()) block = recycler->Take(bytes);
    }
    if (!block) block.reset(new uint8_t[bytes]);
    return reinterpret_cast<T*>(block.release());
  }

  void deallocate(T* p, std::size_t n) {
    std::unique_ptr<uint8_t[]> block(reinterpret_cast<uint8_t*>(p));
    const std::size_t bytes = n * sizeof(T);
    if (bytes < BufferRecycler::kMinBytes) return;
    if (std::shared_ptr<BufferRecycler> recycler = home_.lock()) {
      recycler->Give(std::move(block), bytes);
    }
  }

  // Value-less construction (resize) default-initializes: trivial types stay unset.
  template <typename U>
  void construct(U* p) noexcept(std::is_nothrow_default_constructible_v<U>) {
    ::new (static_cast<void*>(p)) U;
  }
  template <typename U, typename... Args>
  void construct(U* p, Args&&... args) {
    ::new (static_cast<void*>(p)) U(std::forward<Args>(args)...);
  }

  const std::weak_ptr<BufferRecycler>& home() const { return home_; }

  // Any allocator can free any block (all are new[] blocks), so all compare equal.
  template <typename U>
  bool operator==(const RecyclingAllocator<U>&) const {
    return true;
  }
  template <typename U>
  bool operator!=(const RecyclingAllocator<U>&) const {
    return false;
  }

 private:
  std::weak_ptr<BufferRecycler> home_;
};

}  // namespace nncf::exec
