// Progress of long library calls on stderr: a redrawn bar on a terminal, a line per tenth
// otherwise. Ctrl-C asks the running call to stop (it then fails with NNCF_ERR_CANCELLED).
#pragma once

#include <string>

#include "nncf.h"

namespace nncf_cli {

class ProgressReporter {
 public:
  // quiet: report nothing (cancellation by Ctrl-C still works).
  explicit ProgressReporter(bool quiet);
  ~ProgressReporter();
  ProgressReporter(const ProgressReporter&) = delete;
  ProgressReporter& operator=(const ProgressReporter&) = delete;

  // For the params' progress field, with `this` as progress_user_data.
  static int32_t Callback(void* user_data, const char* stage, double fraction);

  // Ends the current bar line, if any.
  void Finish();

 private:
  int32_t Report(const char* stage, double fraction);

  bool quiet_;
  bool terminal_;
  std::string stage_;
  int last_step_ = -1;  // percent drawn on a terminal, tenth printed otherwise
  bool line_open_ = false;
};

}  // namespace nncf_cli
