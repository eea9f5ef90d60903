// An nncf::data::Dataset over samples held in memory, for tests. It can pretend not to know its
// length (items are then read until kNotFound, as with a streaming source) and counts reads.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "core/common/error.h"
#include "core/data/dataset.h"
#include "model_builder.h"

namespace nncf::testing {

class VectorDataset : public data::Dataset {
 public:
  explicit VectorDataset(std::vector<data::Sample> items, bool known_length = true)
      : items_(std::move(items)), known_length_(known_length) {}
  int64_t Length() const override {
    return known_length_ ? static_cast<int64_t>(items_.size()) : -1;
  }
  int64_t BatchSize() const override { return 0; }
  data::Sample GetItem(int64_t index) override {
    ++reads;
    if (index < 0 || index >= static_cast<int64_t>(items_.size())) {
      Fail(ErrorCode::kNotFound, "item " + std::to_string(index) + " is past the end");
    }
    return items_[static_cast<size_t>(index)];
  }
  int reads = 0;

 private:
  std::vector<data::Sample> items_;
  bool known_length_;
};

// A dataset item holding one float tensor.
inline data::Sample FloatItem(const std::string& name, std::vector<int64_t> dims,
                              const std::vector<float>& values) {
  data::Sample sample;
  sample.Set(ModelBuilder::FloatTensor(name, std::move(dims), values));
  return sample;
}

}  // namespace nncf::testing
