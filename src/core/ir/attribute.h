// A node attribute as ONNX's AttributeProto. Every field is kept independently so that an untouched
// model exports unchanged; algorithms use the typed constructors and accessors.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/ir/box.h"
#include "core/ir/tensor.h"
#include "core/ir/type.h"

namespace nncf::ir {

struct Graph;

// Values match ONNX's AttributeProto.AttributeType.
enum class AttributeType : int32_t {
  kUndefined = 0,
  kFloat = 1,
  kInt = 2,
  kString = 3,
  kTensor = 4,
  kGraph = 5,
  kFloats = 6,
  kInts = 7,
  kStrings = 8,
  kTensors = 9,
  kGraphs = 10,
  kSparseTensor = 11,
  kSparseTensors = 12,
  kTypeProto = 13,
  kTypeProtos = 14,
};

// ONNX's spelling of the type: "float", "ints", "graph", ...; "undefined" otherwise.
const char* AttributeTypeName(AttributeType type);

struct Attribute {
  std::string name;
  AttributeType type = AttributeType::kUndefined;
  std::string ref_attr_name;  // attribute reference inside a function body
  std::string doc_string;

  std::optional<float> f;
  std::optional<int64_t> i;
  std::optional<std::string> s;
  std::optional<Tensor> t;
  std::optional<Box<Graph>> g;
  std::optional<std::string> sparse_tensor;  // serialized SparseTensorProto
  std::optional<Type> tp;
  std::vector<float> floats;
  std::vector<int64_t> ints;
  std::vector<std::string> strings;
  std::vector<Tensor> tensors;
  std::vector<Box<Graph>> graphs;
  std::vector<std::string> sparse_tensors;  // serialized SparseTensorProto each
  std::vector<Type> type_protos;

  std::string unknown_fields;
  uint32_t explicit_defaults = 0;

  static Attribute Float(std::string name, float value);
  static Attribute Int(std::string name, int64_t value);
  static Attribute String(std::string name, std::string value);
  static Attribute Ints(std::string name, std::vector<int64_t> values);
  static Attribute Floats(std::string name, std::vector<float> values);
  static Attribute TensorValue(std::string name, Tensor value);
};

}  // namespace nncf::ir
