// Helpers every kernel family uses: allocating outputs, writable access, broadcasting, axes.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/exec/kernel.h"
#include "core/ir/tensor.h"

namespace nncf::exec {

// A fresh tensor with owned, zero-filled storage.
ir::Tensor NewTensor(ir::DType dtype, std::vector<int64_t> dims);

// Writable element pointer of a tensor made by NewTensor (owned storage, not shared). Throws
// kInternal for mapped or shared storage: kernels never write into their inputs.
uint8_t* MutableBytes(ir::Tensor& tensor);
template <typename T>
T* MutableData(ir::Tensor& tensor) {
  return reinterpret_cast<T*>(MutableBytes(tensor));
}

// Numpy-style multidirectional broadcast; fails with kInvalidArgument naming the node and shapes.
std::vector<int64_t> BroadcastShapes(const std::vector<int64_t>& a, const std::vector<int64_t>& b,
                                     const NodeInfo& info);
// Row-major strides (in elements).
std::vector<int64_t> Strides(const std::vector<int64_t>& dims);
// For an input of shape `in` broadcast to `out`: strides over `out`'s dims, 0 where broadcast.
std::vector<int64_t> BroadcastStrides(const std::vector<int64_t>& in,
                                      const std::vector<int64_t>& out);
// Negative axes count from the end; out of [-rank, rank) fails naming the node.
int64_t NormalizeAxis(int64_t axis, int64_t rank, const NodeInfo& info);
// int32/int64 tensor to int64 values (shape, axes, indices inputs); other dtypes fail.
std::vector<int64_t> ReadInt64s(const ir::Tensor& tensor, const NodeInfo& info, const char* what);
std::string ShapeString(const std::vector<int64_t>& dims);  // "[1, 3, 224, 224]"

// The same values in the other element order: [N, C, spatial...] (plain) to [N, spatial..., C]
// (channels-last, how fused convolutions keep activations) or back. dims stay the logical
// [N, C, spatial...] either way; rank >= 3, any byte-sized element type.
ir::Tensor PlainToChannelsLast(const ir::Tensor& plain);
ir::Tensor ChannelsLastToPlain(const ir::Tensor& channels_last);

}  // namespace nncf::exec
