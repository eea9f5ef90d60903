// A computation graph as ONNX's GraphProto: nodes in file order, graph inputs/outputs, value
// infos, initializers. Values are referred to by name; subgraphs live in node attributes and may
// refer to names of enclosing graphs.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/ir/node.h"
#include "core/ir/tensor.h"
#include "core/ir/type.h"

namespace nncf::ir {

struct Graph {
  std::string name;
  std::vector<Node> nodes;
  std::vector<ValueInfo> inputs;
  std::vector<ValueInfo> outputs;
  std::vector<ValueInfo> value_info;
  std::vector<Tensor> initializers;
  // Kept serialized: no algorithm edits them, but their names are valid value names.
  std::vector<std::string> sparse_initializers;       // serialized SparseTensorProto
  std::vector<std::string> sparse_initializer_names;  // parallel to sparse_initializers
  std::vector<std::string> quantization_annotations;  // serialized TensorAnnotation
  std::string doc_string;
  std::string unknown_fields;
  uint32_t explicit_defaults = 0;

  const Tensor* FindInitializer(const std::string& value_name) const;
  Tensor* FindInitializer(const std::string& value_name);
  const ValueInfo* FindValueInfo(
      const std::string& value_name) const;  // inputs, outputs, value_info
  bool IsInitializer(const std::string& value_name) const { return FindInitializer(value_name); }
  // Graph inputs that are not initializers (what a caller must feed).
  std::vector<const ValueInfo*> RealInputs() const;
};

}  // namespace nncf::ir
