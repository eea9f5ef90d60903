// The process-wide log callback, forwarded to the core logger (which serializes calls and makes
// swapping the callback safe while other threads log).
#include <type_traits>

#include "core/common/logging.h"
#include "nncf.h"

static_assert(std::is_same_v<nncf_log_fn, nncf::LogSink>,
              "nncf_log_fn and nncf::LogSink must stay the same function type");

extern "C" {

void nncf_set_log_callback(nncf_log_fn fn, void* user_data, nncf_log_level min_level) {
  if (min_level < NNCF_LOG_DEBUG) min_level = NNCF_LOG_DEBUG;
  if (min_level > NNCF_LOG_NONE) min_level = NNCF_LOG_NONE;
  try {
    nncf::SetLogSink(fn, user_data, static_cast<nncf::LogLevel>(min_level));
  } catch (...) {
    // Locking a mutex is the only thing that can throw here; the old logger then stays installed.
  }
}

}  // extern "C"
