#include "core/data/sample.h"

#include <utility>

namespace nncf::data {

void Sample::Set(ir::Tensor tensor) {
  for (ir::Tensor& existing : tensors_) {
    if (existing.name == tensor.name) {
      existing = std::move(tensor);
      return;
    }
  }
  tensors_.push_back(std::move(tensor));
}

const ir::Tensor* Sample::Find(const std::string& name) const {
  for (const ir::Tensor& tensor : tensors_) {
    if (tensor.name == name) return &tensor;
  }
  return nullptr;
}

}  // namespace nncf::data
