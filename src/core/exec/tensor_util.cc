#include "core/exec/tensor_util.h"

#include <algorithm>
#include <cstring>
#include <string>

#include "core/common/error.h"
#include "core/exec/uninitialized_tensor.h"
#include "core/ir/buffer.h"

namespace nncf::exec {

ir::Tensor NewTensor(ir::DType dtype, std::vector<int64_t> dims) {
  return ir::Tensor::Zeros("", dtype, std::move(dims));
}

uint8_t* MutableBytes(ir::Tensor& tensor) {
  if (!tensor.data) {
    if (tensor.ByteSize() == 0) return nullptr;
    Fail(ErrorCode::kInternal, "tensor '" + tensor.name + "' has no storage");
  }
  auto* owned = dynamic_cast<const ir::OwnedBuffer*>(tensor.data.get());
  if (owned == nullptr || tensor.data.use_count() != 1) {
    Fail(ErrorCode::kInternal, "tensor '" + tensor.name + "' is not privately owned");
  }
  return const_cast<ir::OwnedBuffer*>(owned)->mutable_data();
}

std::vector<int64_t> BroadcastShapes(const std::vector<int64_t>& a, const std::vector<int64_t>& b,
                                     const NodeInfo& info) {
  const size_t rank = std::max(a.size(), b.size());
  std::vector<int64_t> out(rank);
  for (size_t i = 0; i < rank; ++i) {
    const int64_t da = i < rank - a.size() ? 1 : a[i - (rank - a.size())];
    const int64_t db = i < rank - b.size() ? 1 : b[i - (rank - b.size())];
    if (da == db || db == 1) {
      out[i] = da;
    } else if (da == 1) {
      out[i] = db;
    } else {
      info.Fail(ErrorCode::kInvalidArgument,
                "shapes " + ShapeString(a) + " and " + ShapeString(b) + " do not broadcast");
    }
  }
  return out;
}

std::vector<int64_t> Strides(const std::vector<int64_t>& dims) {
  std::vector<int64_t> strides(dims.size(), 1);
  for (size_t i = dims.size(); i-- > 1;) strides[i - 1] = strides[i] * dims[i];
  return strides;
}

std::vector<int64_t> BroadcastStrides(const std::vector<int64_t>& in,
                                      const std::vector<int64_t>& out) {
  std::vector<int64_t> strides(out.size(), 0);
  const std::vector<int64_t> own = Strides(in);
  const size_t offset = out.size() - in.size();
  for (size_t i = 0; i < in.size(); ++i) {
    strides[offset + i] = in[i] == 1 ? 0 : own[i];
  }
  return strides;
}

int64_t NormalizeAxis(int64_t axis, int64_t rank, const NodeInfo& info) {
  if (axis < -rank || axis >= std::max<int64_t>(rank, 1)) {
    info.Fail(ErrorCode::kInvalidArgument,
              "axis " + std::to_string(axis) + " is out of range for rank " + std::to_string(rank));
  }
  return axis < 0 ? axis + rank : axis;
}

std::vector<int64_t> ReadInt64s(const ir::Tensor& tensor, const NodeInfo& info, const char* what) {
  const int64_t n = tensor.NumElements();
  std::vector<int64_t> values(static_cast<size_t>(n));
  if (tensor.dtype == ir::DType::kInt64) {
    const int64_t* p = tensor.DataAs<int64_t>();
    std::copy(p, p + n, values.begin());
  } else if (tensor.dtype == ir::DType::kInt32) {
    const int32_t* p = tensor.DataAs<int32_t>();
    std::copy(p, p + n, values.begin());
  } else {
    info.Fail(ErrorCode::kInvalidArgument,
              std::string(what) + " must be int32 or int64, got " + ir::DTypeName(tensor.dtype));
  }
  return values;
}

std::string ShapeString(const std::vector<int64_t>& dims) {
  std::string s = "[";
  for (size_t i = 0; i < dims.size(); ++i) {
    if (i) s += ", ";
    s += std::to_string(dims[i]);
  }
  return s + "]";
}

namespace {

ir::Tensor SwapChannelAxis(const ir::Tensor& x, bool to_channels_last) {
  const size_t bits = ir::DTypeBits(x.dtype);
  if (x.dims.size() < 3 || bits == 0 || bits % 8 != 0) {
    Fail(ErrorCode::kInternal,
         "a channels-last conversion needs a byte-sized element type and "
         "rank >= 3, got " +
             std::string(ir::DTypeName(x.dtype)) + " " + ShapeString(x.dims));
  }
  const int64_t n = x.dims[0], c = x.dims[1];
  int64_t s = 1;
  for (size_t d = 2; d < x.dims.size(); ++d) s *= x.dims[d];
  ir::Tensor y = NewTensorUninitialized(x.dtype, x.dims);
  y.name = x.name;
  const size_t bytes = bits / 8;
  const uint8_t* src = x.bytes();
  uint8_t* dst = MutableBytes(y);
  for (int64_t b = 0; b < n; ++b) {
    for (int64_t p = 0; p < s; ++p) {
      for (int64_t ch = 0; ch < c; ++ch) {
        const int64_t plain = (b * c + ch) * s + p, last = (b * s + p) * c + ch;
        std::memcpy(dst + bytes * (to_channels_last ? last : plain),
                    src + bytes * (to_channels_last ? plain : last), bytes);
      }
    }
  }
  return y;
}

}  // namespace

ir::Tensor PlainToChannelsLast(const ir::Tensor& plain) {
  return SwapChannelAxis(plain, true);
}

ir::Tensor ChannelsLastToPlain(const ir::Tensor& channels_last) {
  return SwapChannelAxis(channels_last, false);
}

}  // namespace nncf::exec
