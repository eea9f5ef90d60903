#include "core/common/logging.h"

#include <atomic>
#include <cstdio>
#include <mutex>

namespace nncf {
namespace {

void StderrSink(void*, int level, const char* component, const char* message) {
  static const char* const kNames[] = {"debug", "info", "warning", "error"};
  const char* name = (level >= 0 && level < 4) ? kNames[level] : "log";
  std::fprintf(stderr, "[nncf %s] %s: %s\n", name, component, message);
}

struct SinkState {
  LogSink sink = StderrSink;
  void* user_data = nullptr;
};

std::mutex& SinkMutex() {
  static std::mutex mutex;
  return mutex;
}
SinkState& Sink() {
  static SinkState state;
  return state;
}
std::atomic<int> g_min_level{static_cast<int>(LogLevel::kWarning)};

}  // namespace

void SetLogSink(LogSink sink, void* user_data, LogLevel min_level) {
  std::lock_guard<std::mutex> lock(SinkMutex());
  Sink().sink = sink ? sink : StderrSink;
  Sink().user_data = sink ? user_data : nullptr;
  g_min_level.store(sink ? static_cast<int>(min_level) : static_cast<int>(LogLevel::kWarning));
}

bool LogEnabled(LogLevel level) {
  return static_cast<int>(level) >= g_min_level.load(std::memory_order_relaxed) &&
         level != LogLevel::kNone;
}

void Log(LogLevel level, const char* component, const std::string& message) {
  if (!LogEnabled(level)) return;
  // Holding the lock while calling out keeps a swapped-out sink's user_data from being used after
  // the caller of SetLogSink has released it.
  std::lock_guard<std::mutex> lock(SinkMutex());
  Sink().sink(Sink().user_data, static_cast<int>(level), component, message.c_str());
}

}  // namespace nncf
