#include "core/exec/kernels/datamove_util.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "core/ir/dtype.h"

namespace nncf::exec::datamove {

MovedInput::MovedInput(const ir::Tensor& tensor) : source_(&tensor) {
  if (!ir::IsSubByte(tensor.dtype)) return;
  unpacked_ = true;
  storage_ = ir::Tensor::Zeros("", ir::DType::kUint8, tensor.dims);
  const int64_t n = tensor.NumElements();
  uint8_t* out = MutableData<uint8_t>(storage_);
  for (int64_t i = 0; i < n; ++i) out[i] = ir::GetNibble(tensor.bytes(), i);
}

MovedOutput::MovedOutput(ir::DType dtype, std::vector<int64_t> dims)
    : dtype_(dtype),
      tensor_(NewTensor(ir::IsSubByte(dtype) ? ir::DType::kUint8 : dtype, std::move(dims))) {}

ir::Tensor MovedOutput::Finish() {
  if (!ir::IsSubByte(dtype_)) return std::move(tensor_);
  ir::Tensor packed = NewTensor(dtype_, tensor_.dims);
  const int64_t n = packed.NumElements();
  uint8_t* out = MutableBytes(packed);
  const uint8_t* in = tensor_.bytes();
  for (int64_t i = 0; i < n; ++i) ir::SetNibble(out, i, in[i]);
  return packed;
}

ir::Tensor ShareData(const ir::Tensor& source, std::vector<int64_t> dims) {
  ir::Tensor out;
  out.dtype = source.dtype;
  out.dims = std::move(dims);
  out.data = source.data;
  out.strings = source.strings;
  return out;
}

void CoalesceDims(std::vector<int64_t>& dims, std::vector<int64_t>& strides) {
  std::vector<int64_t> d, s;
  for (size_t k = 0; k < dims.size(); ++k) {
    if (dims[k] == 1) continue;
    if (!d.empty() && s.back() == strides[k] * dims[k]) {
      d.back() *= dims[k];
      s.back() = strides[k];
    } else {
      d.push_back(dims[k]);
      s.push_back(strides[k]);
    }
  }
  dims = std::move(d);
  strides = std::move(s);
}

int64_t Product(const std::vector<int64_t>& dims, size_t begin, size_t end) {
  int64_t p = 1;
  for (size_t i = begin; i < end && i < dims.size(); ++i) p *= dims[i];
  return p;
}

namespace {
template <typename T>
std::vector<uint8_t> BytesOf(T value) {
  std::vector<uint8_t> bytes(sizeof(T));
  std::memcpy(bytes.data(), &value, sizeof(T));
  return bytes;
}

template <typename T>
T CastTo(double value) {
  if constexpr (std::is_integral_v<T>) {
    if (std::isnan(value)) return 0;
    // Out-of-range casts are undefined in C++; saturate instead.
    if (value <= static_cast<double>(std::numeric_limits<T>::lowest()))
      return std::numeric_limits<T>::lowest();
    if (value >= static_cast<double>(std::numeric_limits<T>::max()))
      return std::numeric_limits<T>::max();
    return static_cast<T>(value);
  } else {
    return static_cast<T>(value);
  }
}
}  // namespace

std::vector<uint8_t> ScalarBytes(ir::DType dtype, double value, const NodeInfo& info) {
  using ir::DType;
  switch (dtype) {
    case DType::kFloat:
      return BytesOf(static_cast<float>(value));
    case DType::kDouble:
      return BytesOf(value);
    case DType::kFloat16:
      return BytesOf(ir::FloatToHalf(static_cast<float>(value)));
    case DType::kBFloat16:
      return BytesOf(ir::FloatToBFloat16(static_cast<float>(value)));
    case DType::kFloat8E4M3FN:
    case DType::kFloat8E4M3FNUZ:
    case DType::kFloat8E5M2:
    case DType::kFloat8E5M2FNUZ:
      return BytesOf(ir::FloatToFloat8(dtype, static_cast<float>(value), true));
    case DType::kFloat4E2M1:
      return BytesOf(ir::FloatToFloat4E2M1(static_cast<float>(value)));
    case DType::kInt4:
      return BytesOf(static_cast<uint8_t>(
          static_cast<uint8_t>(std::max(-8.0, std::min(7.0, std::nearbyint(value)))) & 0xF));
    case DType::kUint4:
      return BytesOf(static_cast<uint8_t>(std::max(0.0, std::min(15.0, std::nearbyint(value)))));
    case DType::kBool:
      return BytesOf(static_cast<uint8_t>(value != 0));
    case DType::kUint8:
      return BytesOf(CastTo<uint8_t>(value));
    case DType::kInt8:
      return BytesOf(CastTo<int8_t>(value));
    case DType::kUint16:
      return BytesOf(CastTo<uint16_t>(value));
    case DType::kInt16:
      return BytesOf(CastTo<int16_t>(value));
    case DType::kUint32:
      return BytesOf(CastTo<uint32_t>(value));
    case DType::kInt32:
      return BytesOf(CastTo<int32_t>(value));
    case DType::kUint64:
      return BytesOf(CastTo<uint64_t>(value));
    case DType::kInt64:
      return BytesOf(CastTo<int64_t>(value));
    case DType::kComplex64: {
      float parts[2] = {static_cast<float>(value), 0.0f};
      std::vector<uint8_t> b(8);
      std::memcpy(b.data(), parts, 8);
      return b;
    }
    case DType::kComplex128: {
      double parts[2] = {value, 0.0};
      std::vector<uint8_t> b(16);
      std::memcpy(b.data(), parts, 16);
      return b;
    }
    default:
      info.Fail(ErrorCode::kUnsupported,
                std::string("cannot make a scalar of type ") + ir::DTypeName(dtype));
  }
}

std::vector<int64_t> IntsFromAttrOrInput(const NodeInfo& info, const std::string& attr,
                                         size_t input_index, int64_t input_since,
                                         const std::vector<const ir::Tensor*>& inputs, bool* has) {
  if (info.opset() < input_since) {
    *has = info.Has(attr);
    return info.GetInts(attr);
  }
  if (input_index >= inputs.size() || inputs[input_index] == nullptr) {
    *has = false;
    return {};
  }
  *has = true;
  return ReadInt64s(*inputs[input_index], info, attr.c_str());
}

double ScalarInput(const ir::Tensor& tensor, const NodeInfo& info, const char* what) {
  if (tensor.NumElements() != 1 || tensor.dtype == ir::DType::kString) {
    info.Fail(
        ErrorCode::kInvalidArgument,
        std::string(what) + " must be a numeric scalar, got shape " + ShapeString(tensor.dims));
  }
  return tensor.GetAsDouble(0);
}

const ir::Tensor& RequireInput(const std::vector<const ir::Tensor*>& inputs, size_t index,
                               const NodeInfo& info, const char* what) {
  if (index >= inputs.size() || inputs[index] == nullptr) {
    info.Fail(ErrorCode::kInvalidArgument, std::string("missing input ") + what);
  }
  return *inputs[index];
}

}  // namespace nncf::exec::datamove
