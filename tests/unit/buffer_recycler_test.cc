// BufferRecycler: large uninitialized value buffers released during a run are handed to the next
// allocation of the same size; the cap bounds what it keeps; buffers that outlive it are freed.
#include <gtest/gtest.h>

#include <memory>
#include <vector>

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

}  // namespace
}  // namespace nncf::exec
