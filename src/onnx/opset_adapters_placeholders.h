// Handing a model to ONNX's C++ library (checker, version converter, shape inference) without
// copying its weights: large tensors are exported as external-data placeholders that point at
// an always-present file, and are put back by name afterwards. None of those ONNX passes reads
// large weights; the small tensors they do read (shapes, axes, scales) stay inline.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "core/ir/tensor.h"
#include "onnx/proto_convert.h"

namespace nncf::onnx {

class PlaceholderWriter final : public ExternalDataWriter {
 public:
  // Tensors over `inline_limit` bytes become placeholders.
  explicit PlaceholderWriter(size_t inline_limit = 4096) : inline_limit_(inline_limit) {}

  bool Write(const ir::Tensor& tensor, ExternalDataEntries* entries) override {
    if (tensor.dtype == ir::DType::kString || tensor.ByteSize() <= inline_limit_) return false;
    entries->clear();
    entries->emplace_back("location", kPlaceholderLocation);
    entries->emplace_back(kIndexKey, std::to_string(tensors_.size()));
    tensors_.push_back(tensor);
    return true;
  }

  // The tensors replaced so far, in placeholder-index order.
  const std::vector<ir::Tensor>& tensors() const { return tensors_; }

  // A file that exists everywhere, so that ONNX's checker accepts the location; nothing reads it.
  static constexpr const char* kPlaceholderLocation = "/dev/null";
  static constexpr const char* kIndexKey = "nncf_placeholder";

 private:
  size_t inline_limit_;
  std::vector<ir::Tensor> tensors_;  // copies share the original buffers
};

}  // namespace nncf::onnx
