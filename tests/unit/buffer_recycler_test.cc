// BufferRecycler: large uninitialized value buffers released during a run are handed to the next
// allocation of the same size; the cap bounds what it keeps; buffers that outlive it are freed.
#include <gtest/gtest.h>

#include <memory>
#include <vector>

#include "core/exec/recycling_allocator.h"
#include "core/exec/uninitialized_tensor.h"
#include "core/ir/buffer.h"

namespace nncf::exec {
namespace {

constexpr int64_t kBig = 1 << 18;  // floats: 1 MiB, above BufferRecycler::kMinBytes

TEST(BufferRecycler, ReleasedStorageIsReusedForTheSameSize) {
  auto recycler = std::make_shared<BufferRecycler>(size_t{16} << 20);
  const ScopedBufferRecycling scope(recycler);
  const uint8_t* first = nullptr;
  {
    const ir::Tensor a = NewTensorUninitialized(ir::DType::kFloat, {kBig});
    first = a.bytes();
  }
  EXPECT_EQ(recycler->cached_bytes(), size_t{kBig} * 4);
  const ir::Tensor b = NewTensorUninitialized(ir::DType::kFloat, {kBig});
  EXPECT_EQ(b.bytes(), first);
  EXPECT_EQ(recycler->cached_bytes(), 0u);
  // Another size does not take it; small tensors never enter the recycler.
  const ir::Tensor c = NewTensorUninitialized(ir::DType::kFloat, {kBig / 2});
  EXPECT_NE(c.bytes(), first);
  { const ir::Tensor small = NewTensorUninitialized(ir::DType::kFloat, {16}); }
  EXPECT_EQ(recycler->cached_bytes(), 0u);
}

TEST(BufferRecycler, CapBoundsTheKeptStorage) {
  auto recycler = std::make_shared<BufferRecycler>(size_t{kBig} * 4 * 2);  // two buffers
  const ScopedBufferRecycling scope(recycler);
  {
    std::vector<ir::Tensor> live;
    for (int i = 0; i < 5; ++i) live.push_back(NewTensorUninitialized(ir::DType::kFloat, {kBig}));
  }
  EXPECT_EQ(recycler->cached_bytes(), size_t{kBig} * 4 * 2);
}

TEST(BufferRecycler, BuffersOutlivingTheRecyclerAreFreed) {
  ir::Tensor survivor;
  {
    auto recycler = std::make_shared<BufferRecycler>(size_t{16} << 20);
    const ScopedBufferRecycling scope(recycler);
    survivor = NewTensorUninitialized(ir::DType::kFloat, {kBig});
  }
  // The recycler is gone; dropping the tensor frees its storage (ASan checks the rest).
  survivor = ir::Tensor();
  // Outside any scope, allocation is plain.
  const ir::Tensor plain = NewTensorUninitialized(ir::DType::kFloat, {kBig});
  EXPECT_NE(plain.bytes(), nullptr);
}

using RecycledBytes = std::vector<uint8_t, RecyclingAllocator<uint8_t>>;

TEST(RecyclingAllocator, VectorsTakeAndReturnBlocksOfTheScopesRecycler) {
  auto recycler = std::make_shared<BufferRecycler>(size_t{16} << 20);
  const uint8_t* first = nullptr;
  {
    const ScopedBufferRecycling scope(recycler);
    RecycledBytes a;
    a.resize(kBig);
    a[kBig - 1] = 7;
    first = a.data();
  }
  // Freed into the recycler that was current when the vector was made.
  EXPECT_EQ(recycler->cached_bytes(), size_t{kBig});
  {
    const ScopedBufferRecycling scope(recycler);
    RecycledBytes b;
    b.resize(kBig);
    EXPECT_EQ(b.data(), first);
    EXPECT_EQ(recycler->cached_bytes(), 0u);
    // Values given explicitly are still written; small vectors never enter the recycler.
    RecycledBytes filled(64, 3);
    EXPECT_EQ(filled, RecycledBytes(64, 3));
  }
  EXPECT_EQ(recycler->cached_bytes(), size_t{kBig});
}

TEST(RecyclingAllocator, WithoutARecyclerOrAfterItIsGoneBlocksAreFreed) {
  RecycledBytes outlives;
  {
    auto recycler = std::make_shared<BufferRecycler>(size_t{16} << 20);
    const ScopedBufferRecycling scope(recycler);
    outlives.resize(kBig);
  }
  outlives = RecycledBytes();  // its recycler is gone: freed (ASan checks the rest)
  RecycledBytes plain;
  plain.resize(kBig);
  plain.push_back(1);
  EXPECT_EQ(plain.size(), size_t{kBig} + 1);
  EXPECT_EQ(plain.back(), 1);
}

}  // namespace
}  // namespace nncf::exec
