// Private helpers of the shape and data-movement kernels. These ops move elements without looking
// at them, so they run on a "carrier" type of the element's size (std::string for strings); 4-bit
// types are unpacked to one byte per element around the move and packed again afterwards.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <string>
#include <type_traits>
#include <vector>

#include "core/exec/kernel.h"
#include "core/exec/tensor_util.h"
#include "core/ir/tensor.h"

namespace nncf::exec::datamove {

struct Bytes16 {
  uint64_t lo, hi;
};

template <typename T>
struct TypeTag {
  using type = T;
};

// Calls fn(TypeTag<T>{}) with T the carrier of `dtype` (the unpacked byte for 4-bit types).
template <typename Fn>
void VisitCarrier(ir::DType dtype, const NodeInfo& info, Fn&& fn) {
  if (dtype == ir::DType::kString) return fn(TypeTag<std::string>{});
  if (ir::IsSubByte(dtype)) return fn(TypeTag<uint8_t>{});
  switch (ir::DTypeBits(dtype)) {
    case 8:
      return fn(TypeTag<uint8_t>{});
    case 16:
      return fn(TypeTag<uint16_t>{});
    case 32:
      return fn(TypeTag<uint32_t>{});
    case 64:
      return fn(TypeTag<uint64_t>{});
    case 128:
      return fn(TypeTag<Bytes16>{});
    default:
      info.Fail(ErrorCode::kUnsupported,
                std::string("element type ") + ir::DTypeName(dtype) + " is not supported");
  }
}

// An input as carrier elements: the tensor itself, or an unpacked copy of a 4-bit tensor.
class MovedInput {
 public:
  explicit MovedInput(const ir::Tensor& tensor);
  const ir::Tensor& tensor() const { return unpacked_ ? storage_ : *source_; }
  template <typename T>
  const T* data() const {
    if constexpr (std::is_same_v<T, std::string>) {
      return tensor().strings.data();
    } else {
      return reinterpret_cast<const T*>(tensor().bytes());
    }
  }

 private:
  const ir::Tensor* source_;
  ir::Tensor storage_;
  bool unpacked_ = false;
};

// An output being filled with carrier elements; Finish() packs 4-bit types.
class MovedOutput {
 public:
  MovedOutput(ir::DType dtype, std::vector<int64_t> dims);
  template <typename T>
  T* data() {
    if constexpr (std::is_same_v<T, std::string>) {
      return tensor_.strings.data();
    } else {
      return reinterpret_cast<T*>(MutableBytes(tensor_));
    }
  }
  const std::vector<int64_t>& dims() const { return tensor_.dims; }
  ir::Tensor Finish();

 private:
  ir::DType dtype_;
  ir::Tensor tensor_;
};

// Merges adjacent output dims that are also adjacent in the input (in_strides in elements), so
// copies run over the fewest, longest dims. Size-1 dims are dropped.
void CoalesceDims(std::vector<int64_t>& dims, std::vector<int64_t>& strides);

// out (contiguous, shape `dims`) [i] = in[offset + sum(index_k * strides[k])]. Contiguous inner
// runs are block copies; a batched 2-D transpose in the innermost dims is copied in tiles.
template <typename T>
void StridedCopy(const T* in, int64_t offset, std::vector<int64_t> strides,
                 std::vector<int64_t> dims, T* out) {
  for (int64_t d : dims) {
    if (d == 0) return;
  }
  CoalesceDims(dims, strides);
  const size_t rank = dims.size();
  if (rank == 0) {
    out[0] = in[offset];
    return;
  }
  const bool tiled = rank >= 2 && strides[rank - 1] != 1 && strides[rank - 2] == 1;
  const size_t loop_rank = tiled ? rank - 2 : rank - 1;
  int64_t outer = 1;
  for (size_t k = 0; k < loop_rank; ++k) outer *= dims[k];
  std::vector<int64_t> index(loop_rank, 0);
  int64_t src = offset;
  for (int64_t o = 0; o < outer; ++o) {
    if (tiled) {
      const int64_t rows = dims[rank - 2], cols = dims[rank - 1], col_stride = strides[rank - 1];
      constexpr int64_t kTile = 32;
      for (int64_t r0 = 0; r0 < rows; r0 += kTile) {
        const int64_t r1 = std::min(rows, r0 + kTile);
        for (int64_t c0 = 0; c0 < cols; c0 += kTile) {
          const int64_t c1 = std::min(cols, c0 + kTile);
          for (int64_t c = c0; c < c1; ++c) {
            const T* from = in + src + c * col_stride;
            for (int64_t r = r0; r < r1; ++r) out[r * cols + c] = from[r];
          }
        }
      }
      out += rows * cols;
    } else {
      const int64_t n = dims[rank - 1], step = strides[rank - 1];
      const T* from = in + src;
      if (step == 1) {
        std::copy(from, from + n, out);
      } else if (step == 0) {
        std::fill(out, out + n, *from);
      } else {
        for (int64_t i = 0; i < n; ++i) out[i] = from[i * step];
      }
      out += n;
    }
    for (size_t k = loop_rank; k-- > 0;) {
      src += strides[k];
      if (++index[k] < dims[k]) break;
      src -= strides[k] * dims[k];
      index[k] = 0;
    }
  }
}

// A tensor with `dims` sharing the element storage of `source` (no copy; strings are copied).
ir::Tensor ShareData(const ir::Tensor& source, std::vector<int64_t> dims);

// Product of dims[begin, end).
int64_t Product(const std::vector<int64_t>& dims, size_t begin, size_t end);
inline int64_t Product(const std::vector<int64_t>& dims) {
  return Product(dims, 0, dims.size());
}

// Little-endian bytes of one element of `dtype` holding `value` (converted as a cast would);
// 4-bit types give one unpacked byte. Fails for strings.
std::vector<uint8_t> ScalarBytes(ir::DType dtype, double value, const NodeInfo& info);

// Copies a carrier element from raw bytes (a scalar produced by ScalarBytes or read from a tensor).
template <typename T>
T CarrierFromBytes(const uint8_t* bytes) {
  T value;
  std::memcpy(&value, bytes, sizeof(T));
  return value;
}

// Ints attribute before `input_since` opset, int64 input `input_index` from it; has=false when
// neither is present.
std::vector<int64_t> IntsFromAttrOrInput(const NodeInfo& info, const std::string& attr,
                                         size_t input_index, int64_t input_since,
                                         const std::vector<const ir::Tensor*>& inputs, bool* has);

// Scalar (or one-element) input as double; fails naming `what` otherwise.
double ScalarInput(const ir::Tensor& tensor, const NodeInfo& info, const char* what);

// Rejects a missing required input naming it.
const ir::Tensor& RequireInput(const std::vector<const ir::Tensor*>& inputs, size_t index,
                               const NodeInfo& info, const char* what);

}  // namespace nncf::exec::datamove
