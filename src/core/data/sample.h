// One dataset item: an ordered set of named tensors (model inputs, and extra entries such as labels
// that no model input consumes).
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "core/ir/tensor.h"

namespace nncf::data {

class Sample {
 public:
  // Adds the tensor, or replaces the one with the same name (keeping its position).
  void Set(ir::Tensor tensor);
  size_t size() const { return tensors_.size(); }
  bool empty() const { return tensors_.empty(); }
  const ir::Tensor& at(size_t index) const { return tensors_.at(index); }
  const std::vector<ir::Tensor>& tensors() const { return tensors_; }
  // nullptr when no tensor has this name.
  const ir::Tensor* Find(const std::string& name) const;
  void Clear() { tensors_.clear(); }

 private:
  std::vector<ir::Tensor> tensors_;
};

}  // namespace nncf::data
