// What algorithms read calibration and validation data from (nncf.Dataset after its transform).
// Implementations live where the data comes from: the C API wraps user callbacks, tests wrap
// vectors. A dataset is used by one thread at a time.
#pragma once

#include <cstdint>

#include "core/data/sample.h"

namespace nncf::data {

class Dataset {
 public:
  virtual ~Dataset() = default;
  // Number of items, or -1 when unknown (then items are read until GetItem throws kNotFound).
  virtual int64_t Length() const = 0;
  // Batch size of each item if known, else 0.
  virtual int64_t BatchSize() const = 0;
  // Item `index` ready to feed the model. Throws nncf::Error: kNotFound past the end, kCallback
  // when a user callback failed, kCancelled when it asked to stop.
  virtual Sample GetItem(int64_t index) = 0;
};

}  // namespace nncf::data
