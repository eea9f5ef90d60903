#include "core/ir/tensor.h"

#include <cstdint>
#include <cstring>
#include <limits>
#include <string>

#include "core/common/error.h"

namespace nncf::ir {

namespace {

// Whether elements stored as `dtype` may be read as T.
template <typename T>
bool StoresAs(DType dtype);

template <>
bool StoresAs<float>(DType dtype) {
  return dtype == DType::kFloat;
}
template <>
bool StoresAs<double>(DType dtype) {
  return dtype == DType::kDouble;
}
template <>
bool StoresAs<int8_t>(DType dtype) {
  return dtype == DType::kInt8;
}
template <>
bool StoresAs<uint8_t>(DType dtype) {
  // Raw bytes of the 8-bit floats and of the packed 4-bit types.
  switch (dtype) {
    case DType::kUint8:
    case DType::kFloat8E4M3FN:
    case DType::kFloat8E4M3FNUZ:
    case DType::kFloat8E5M2:
    case DType::kFloat8E5M2FNUZ:
    case DType::kUint4:
    case DType::kInt4:
    case DType::kFloat4E2M1:
      return true;
    default:
      return false;
  }
}
template <>
bool StoresAs<int16_t>(DType dtype) {
  return dtype == DType::kInt16;
}
template <>
bool StoresAs<uint16_t>(DType dtype) {
  // Bit patterns of the 16-bit floats.
  return dtype == DType::kUint16 || dtype == DType::kFloat16 || dtype == DType::kBFloat16;
}
template <>
bool StoresAs<int32_t>(DType dtype) {
  return dtype == DType::kInt32;
}
template <>
bool StoresAs<int64_t>(DType dtype) {
  return dtype == DType::kInt64;
}
template <>
bool StoresAs<uint32_t>(DType dtype) {
  return dtype == DType::kUint32;
}
template <>
bool StoresAs<uint64_t>(DType dtype) {
  return dtype == DType::kUint64;
}
template <>
bool StoresAs<bool>(DType dtype) {
  return dtype == DType::kBool;
}

template <typename T>
const char* TypeSpelling();
template <>
const char* TypeSpelling<float>() {
  return "float";
}
template <>
const char* TypeSpelling<double>() {
  return "double";
}
template <>
const char* TypeSpelling<int8_t>() {
  return "int8_t";
}
template <>
const char* TypeSpelling<uint8_t>() {
  return "uint8_t";
}
template <>
const char* TypeSpelling<int16_t>() {
  return "int16_t";
}
template <>
const char* TypeSpelling<uint16_t>() {
  return "uint16_t";
}
template <>
const char* TypeSpelling<int32_t>() {
  return "int32_t";
}
template <>
const char* TypeSpelling<int64_t>() {
  return "int64_t";
}
template <>
const char* TypeSpelling<uint32_t>() {
  return "uint32_t";
}
template <>
const char* TypeSpelling<uint64_t>() {
  return "uint64_t";
}
template <>
const char* TypeSpelling<bool>() {
  return "bool";
}

template <typename T>
T LoadElement(const uint8_t* bytes, int64_t index) {
  T value;
  std::memcpy(&value, bytes + static_cast<size_t>(index) * sizeof(T), sizeof(T));
  return value;
}

std::string TensorLabel(const Tensor& tensor) {
  return "tensor '" + tensor.name + "'";
}

// Checks that the tensor's buffer holds all of its elements.
void CheckStorage(const Tensor& tensor) {
  const size_t needed = tensor.ByteSize();
  const size_t held = tensor.data ? tensor.data->size() : 0;
  if (held < needed) {
    Fail(ErrorCode::kInvalidModel, TensorLabel(tensor) + " of " + DTypeName(tensor.dtype) +
                                       " needs " + std::to_string(needed) + " bytes but holds " +
                                       std::to_string(held));
  }
}

}  // namespace

int64_t Tensor::NumElements() const {
  int64_t count = 1;
  for (int64_t dim : dims) {
    if (dim < 0) {
      Fail(ErrorCode::kInvalidModel,
           TensorLabel(*this) + " has negative dimension " + std::to_string(dim));
    }
    if (dim != 0 && count > std::numeric_limits<int64_t>::max() / dim) {
      Fail(ErrorCode::kInvalidModel, TensorLabel(*this) + " has too many elements");
    }
    count *= dim;
  }
  return count;
}

size_t Tensor::ByteSize() const {
  if (dtype == DType::kString) {
    size_t total = 0;
    for (const std::string& element : strings) total += element.size();
    return total;
  }
  if (DTypeBits(dtype) == 0) {
    Fail(ErrorCode::kInvalidModel, TensorLabel(*this) + " has element type " + DTypeName(dtype));
  }
  return StorageBytes(dtype, NumElements());
}

template <typename T>
const T* Tensor::DataAs() const {
  if (!StoresAs<T>(dtype)) {
    Fail(ErrorCode::kInvalidArgument, TensorLabel(*this) + " holds " + DTypeName(dtype) +
                                          ", not readable as " + TypeSpelling<T>());
  }
  CheckStorage(*this);
  if (!data) return nullptr;
  const uint8_t* raw = data->data();
  if (reinterpret_cast<uintptr_t>(raw) % alignof(T) != 0) {
    // Mapped external data can start at any file offset; importers copy such tensors.
    Fail(ErrorCode::kInternal,
         TensorLabel(*this) + " data is not aligned for " + TypeSpelling<T>() + " access");
  }
  return reinterpret_cast<const T*>(raw);
}

template const float* Tensor::DataAs<float>() const;
template const double* Tensor::DataAs<double>() const;
template const int8_t* Tensor::DataAs<int8_t>() const;
template const uint8_t* Tensor::DataAs<uint8_t>() const;
template const int16_t* Tensor::DataAs<int16_t>() const;
template const uint16_t* Tensor::DataAs<uint16_t>() const;
template const int32_t* Tensor::DataAs<int32_t>() const;
template const int64_t* Tensor::DataAs<int64_t>() const;
template const uint32_t* Tensor::DataAs<uint32_t>() const;
template const uint64_t* Tensor::DataAs<uint64_t>() const;
template const bool* Tensor::DataAs<bool>() const;

Tensor Tensor::Zeros(std::string name, DType dtype, std::vector<int64_t> dims) {
  Tensor tensor;
  tensor.name = std::move(name);
  tensor.dtype = dtype;
  tensor.dims = std::move(dims);
  const int64_t count = tensor.NumElements();
  if (dtype == DType::kString) {
    tensor.strings.assign(static_cast<size_t>(count), std::string());
    return tensor;
  }
  if (DTypeBits(dtype) == 0) {
    Fail(ErrorCode::kInvalidArgument,
         TensorLabel(tensor) + " cannot have element type " + DTypeName(dtype));
  }
  tensor.data = std::make_shared<OwnedBuffer>(StorageBytes(dtype, count));
  return tensor;
}

Tensor Tensor::FromBytes(std::string name, DType dtype, std::vector<int64_t> dims,
                         const void* bytes, size_t nbytes) {
  Tensor tensor;
  tensor.name = std::move(name);
  tensor.dtype = dtype;
  tensor.dims = std::move(dims);
  if (DTypeBits(dtype) == 0) {
    Fail(ErrorCode::kInvalidArgument,
         TensorLabel(tensor) + " cannot be built from bytes as " + DTypeName(dtype));
  }
  const size_t expected = StorageBytes(dtype, tensor.NumElements());
  if (nbytes != expected) {
    Fail(ErrorCode::kInvalidArgument, TensorLabel(tensor) + " of " + DTypeName(dtype) + " needs " +
                                          std::to_string(expected) + " bytes, got " +
                                          std::to_string(nbytes));
  }
  if (nbytes > 0 && bytes == nullptr) {
    Fail(ErrorCode::kInvalidArgument, TensorLabel(tensor) + " built from a null pointer");
  }
  tensor.data = std::make_shared<OwnedBuffer>(bytes, nbytes);
  return tensor;
}

std::vector<float> Tensor::ToFloats() const {
  const int64_t count = NumElements();
  std::vector<float> values(static_cast<size_t>(count));
  if (count == 0) return values;
  switch (dtype) {
    case DType::kFloat:
      std::memcpy(values.data(), DataAs<float>(), values.size() * sizeof(float));
      break;
    case DType::kFloat16: {
      const uint16_t* bits = DataAs<uint16_t>();
      for (int64_t i = 0; i < count; ++i) values[static_cast<size_t>(i)] = HalfToFloat(bits[i]);
      break;
    }
    case DType::kBFloat16: {
      const uint16_t* bits = DataAs<uint16_t>();
      for (int64_t i = 0; i < count; ++i) {
        values[static_cast<size_t>(i)] = BFloat16ToFloat(bits[i]);
      }
      break;
    }
    default:
      for (int64_t i = 0; i < count; ++i) {
        values[static_cast<size_t>(i)] = static_cast<float>(GetAsDouble(i));
      }
  }
  return values;
}

Tensor Tensor::FromFloats(std::string name, DType dtype, std::vector<int64_t> dims,
                          const std::vector<float>& values) {
  switch (dtype) {
    case DType::kFloat:
      return FromBytes(std::move(name), dtype, std::move(dims), values.data(),
                       values.size() * sizeof(float));
    case DType::kDouble: {
      const std::vector<double> wide(values.begin(), values.end());
      return FromBytes(std::move(name), dtype, std::move(dims), wide.data(),
                       wide.size() * sizeof(double));
    }
    case DType::kFloat16:
    case DType::kBFloat16: {
      std::vector<uint16_t> bits(values.size());
      for (size_t i = 0; i < values.size(); ++i) {
        bits[i] = dtype == DType::kFloat16 ? FloatToHalf(values[i]) : FloatToBFloat16(values[i]);
      }
      return FromBytes(std::move(name), dtype, std::move(dims), bits.data(),
                       bits.size() * sizeof(uint16_t));
    }
    default:
      Fail(ErrorCode::kInvalidArgument,
           "tensor '" + name + "': cannot store float values as " + DTypeName(dtype));
  }
}

double Tensor::GetAsDouble(int64_t index) const {
  const int64_t count = NumElements();
  if (index < 0 || index >= count) {
    Fail(ErrorCode::kInvalidArgument, TensorLabel(*this) + " has no element " +
                                          std::to_string(index) + " (it has " +
                                          std::to_string(count) + ")");
  }
  if (dtype == DType::kString) {
    Fail(ErrorCode::kInvalidArgument, TensorLabel(*this) + " holds strings, not numbers");
  }
  CheckStorage(*this);
  const uint8_t* raw = bytes();
  switch (dtype) {
    case DType::kFloat:
      return LoadElement<float>(raw, index);
    case DType::kDouble:
      return LoadElement<double>(raw, index);
    case DType::kUint8:
      return LoadElement<uint8_t>(raw, index);
    case DType::kInt8:
      return LoadElement<int8_t>(raw, index);
    case DType::kUint16:
      return LoadElement<uint16_t>(raw, index);
    case DType::kInt16:
      return LoadElement<int16_t>(raw, index);
    case DType::kInt32:
      return LoadElement<int32_t>(raw, index);
    case DType::kInt64:
      return static_cast<double>(LoadElement<int64_t>(raw, index));
    case DType::kUint32:
      return LoadElement<uint32_t>(raw, index);
    case DType::kUint64:
      return static_cast<double>(LoadElement<uint64_t>(raw, index));
    case DType::kBool:
      return LoadElement<uint8_t>(raw, index) != 0 ? 1.0 : 0.0;
    case DType::kFloat16:
      return HalfToFloat(LoadElement<uint16_t>(raw, index));
    case DType::kBFloat16:
      return BFloat16ToFloat(LoadElement<uint16_t>(raw, index));
    case DType::kFloat8E4M3FN:
    case DType::kFloat8E4M3FNUZ:
    case DType::kFloat8E5M2:
    case DType::kFloat8E5M2FNUZ:
      return Float8ToFloat(dtype, LoadElement<uint8_t>(raw, index));
    case DType::kUint4:
      return GetNibble(raw, index);
    case DType::kInt4:
      return SignExtendInt4(GetNibble(raw, index));
    case DType::kFloat4E2M1:
      return Float4E2M1ToFloat(GetNibble(raw, index));
    case DType::kComplex64:
    case DType::kComplex128:
      Fail(ErrorCode::kUnsupported,
           TensorLabel(*this) + " holds complex numbers, which have no single real value");
    case DType::kUndefined:
    case DType::kString:
      break;
  }
  Fail(ErrorCode::kInvalidArgument,
       TensorLabel(*this) + " has element type " + DTypeName(dtype) + ", not a number");
}

}  // namespace nncf::ir
