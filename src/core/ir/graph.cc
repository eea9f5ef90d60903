#include "core/ir/graph.h"

namespace nncf::ir {

const Tensor* Graph::FindInitializer(const std::string& value_name) const {
  for (const Tensor& t : initializers) {
    if (t.name == value_name) return &t;
  }
  return nullptr;
}

Tensor* Graph::FindInitializer(const std::string& value_name) {
  for (Tensor& t : initializers) {
    if (t.name == value_name) return &t;
  }
  return nullptr;
}

const ValueInfo* Graph::FindValueInfo(const std::string& value_name) const {
  for (const auto* list : {&inputs, &outputs, &value_info}) {
    for (const ValueInfo& v : *list) {
      if (v.name == value_name) return &v;
    }
  }
  return nullptr;
}

std::vector<const ValueInfo*> Graph::RealInputs() const {
  std::vector<const ValueInfo*> result;
  for (const ValueInfo& v : inputs) {
    if (!IsInitializer(v.name)) result.push_back(&v);
  }
  return result;
}

}  // namespace nncf::ir
