// What every long operation gets: progress reporting with cancellation. The C API adapts
// nncf_progress_fn to this; a progress function returning false cancels the operation.
#pragma once

#include <functional>
#include <string>

#include "core/common/error.h"

namespace nncf {

class Context {
 public:
  using ProgressFn = std::function<bool(const std::string& stage, double fraction)>;

  Context() = default;
  explicit Context(ProgressFn progress) : progress_(std::move(progress)) {}

  // Reports progress; throws Error(kCancelled) if the callback asks to stop.
  void Progress(const std::string& stage, double fraction) const {
    if (progress_ && !progress_(stage, fraction)) {
      Fail(ErrorCode::kCancelled, "cancelled by the progress callback during '" + stage + "'");
    }
  }

 private:
  ProgressFn progress_;
};

}  // namespace nncf
