// Value types as in ONNX's TypeProto: tensors with (partly) symbolic shapes, and the sequence,
// map, optional, sparse and opaque types that must survive a round trip.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/ir/dtype.h"

namespace nncf::ir {

struct Dim {
  std::optional<int64_t> value;      // dim_value
  std::optional<std::string> param;  // dim_param
  std::string denotation;
  std::string unknown_fields;
  uint32_t explicit_defaults = 0;  // see Tensor::explicit_defaults
  bool IsStatic() const { return value.has_value(); }
};

struct Shape {
  std::vector<Dim> dims;
  std::string unknown_fields;
};

struct Type {
  enum class Kind { kUnset, kTensor, kSparseTensor, kSequence, kMap, kOptional, kOpaque };
  Kind kind = Kind::kUnset;
  int32_t elem_type = 0;  // tensor / sparse tensor element type (raw ONNX number)
  bool elem_type_set = false;
  std::optional<Shape> shape;  // tensor / sparse tensor; nullopt = rank unknown
  int32_t map_key_type = 0;
  std::shared_ptr<Type> inner;  // sequence / optional element, map value
  std::string opaque_domain, opaque_name;
  std::string denotation;
  std::string unknown_fields;        // of the TypeProto itself
  std::string inner_unknown_fields;  // of the kind-specific sub-message
  uint32_t explicit_defaults = 0;    // see Tensor::explicit_defaults

  static Type MakeTensor(DType dtype, const std::vector<int64_t>& dims);  // -1 = unknown dim
  bool IsTensor() const { return kind == Kind::kTensor; }
  DType tensor_dtype() const { return static_cast<DType>(elem_type); }
};

struct ValueInfo {
  std::string name;
  std::optional<Type> type;  // absent in the source when nullopt
  std::string doc_string;
  std::string unknown_fields;  // e.g. IR 10 metadata_props, unknown to ONNX 1.12
  uint32_t explicit_defaults = 0;
};

}  // namespace nncf::ir
