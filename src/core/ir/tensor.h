// A named, typed, shaped array. Element bytes are always kept little-endian and packed as ONNX's
// raw_data would hold them (4-bit types two per byte, low nibble first); `encoding` remembers how
// the source stored them so an untouched model exports to the same protobuf.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/ir/buffer.h"
#include "core/ir/dtype.h"

namespace nncf::ir {

enum class TensorEncoding {
  kRaw,         // raw_data
  kTypedField,  // float_data / int32_data / int64_data / double_data / uint64_data / string_data
  kExternal,    // data_location = EXTERNAL
};

struct Tensor {
  std::string name;
  DType dtype = DType::kUndefined;
  std::vector<int64_t> dims;
  std::shared_ptr<const Buffer> data;  // null for string tensors; may be empty (0 elements)
  std::vector<std::string> strings;    // kString elements
  std::string doc_string;

  // Round-trip record of the source form.
  TensorEncoding encoding = TensorEncoding::kRaw;
  std::vector<std::pair<std::string, std::string>> external_data;  // location, offset, length, ...
  std::optional<std::pair<int64_t, int64_t>> segment;              // TensorProto.segment
  std::string unknown_fields;  // serialized protobuf fields this build does not know
  // Bit set of fields the source wrote explicitly with their default value (owned by src/onnx,
  // so that export reproduces proto2 field presence exactly).
  uint32_t explicit_defaults = 0;

  int64_t NumElements() const;  // product of dims (1 for a scalar)
  size_t ByteSize() const;      // bytes of element data (packed for 4-bit types)
  const uint8_t* bytes() const { return data ? data->data() : nullptr; }
  bool IsMapped() const { return data && data->mapped_path() != nullptr; }

  // Typed read access; the dtype must match T (checked, throws kInvalidArgument).
  template <typename T>
  const T* DataAs() const;

  // Fresh tensor with owned zeroed storage.
  static Tensor Zeros(std::string name, DType dtype, std::vector<int64_t> dims);
  // Fresh tensor that copies `bytes` (must be exactly StorageBytes(dtype, numel)).
  static Tensor FromBytes(std::string name, DType dtype, std::vector<int64_t> dims,
                          const void* bytes, size_t nbytes);
  // Element i converted to double (any numeric dtype, including 4- and 8-bit ones).
  double GetAsDouble(int64_t index) const;
  // Every element as float32 (any numeric dtype; float32 data is copied as is).
  std::vector<float> ToFloats() const;
  // float32 results stored as a float type (float32, float16, bfloat16, double); any other dtype
  // is kInvalidArgument naming the tensor.
  static Tensor FromFloats(std::string name, DType dtype, std::vector<int64_t> dims,
                           const std::vector<float>& values);
};

}  // namespace nncf::ir
