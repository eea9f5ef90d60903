// Process-wide logger. The sink can be swapped at any time from any thread (C API:
// nncf_set_log_callback); messages below the minimum level cost one atomic load.
#pragma once

#include <string>

namespace nncf {

enum class LogLevel : int { kDebug = 0, kInfo = 1, kWarning = 2, kError = 3, kNone = 4 };

using LogSink = void (*)(void* user_data, int level, const char* component, const char* message);

// sink == nullptr restores the default sink (stderr).
void SetLogSink(LogSink sink, void* user_data, LogLevel min_level);
bool LogEnabled(LogLevel level);
void Log(LogLevel level, const char* component, const std::string& message);

}  // namespace nncf
