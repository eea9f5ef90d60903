#include "progress.h"

#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <cstdio>

namespace nncf_cli {

namespace {

volatile std::sig_atomic_t g_interrupted = 0;

extern "C" void OnInterrupt(int) {
  g_interrupted = 1;
}

constexpr int kBarWidth = 30;

}  // namespace

ProgressReporter::ProgressReporter(bool quiet) : quiet_(quiet), terminal_(isatty(2) == 1) {
  g_interrupted = 0;
  struct sigaction action {};
  action.sa_handler = OnInterrupt;
  sigemptyset(&action.sa_mask);
  sigaction(SIGINT, &action, nullptr);
}

ProgressReporter::~ProgressReporter() {
  Finish();
  signal(SIGINT, SIG_DFL);
}

int32_t ProgressReporter::Callback(void* user_data, const char* stage, double fraction) {
  return static_cast<ProgressReporter*>(user_data)->Report(stage ? stage : "", fraction);
}

void ProgressReporter::Finish() {
  if (line_open_) std::fputc('\n', stderr);
  line_open_ = false;
}

int32_t ProgressReporter::Report(const char* stage, double fraction) {
  if (g_interrupted) return 0;
  if (quiet_) return 1;
  fraction = std::clamp(fraction, 0.0, 1.0);
  if (stage_ != stage) {
    Finish();
    stage_ = stage;
    last_step_ = -1;
  }
  if (terminal_) {
    const int percent = static_cast<int>(fraction * 100.0);
    if (percent == last_step_) return 1;
    last_step_ = percent;
    const int filled = static_cast<int>(fraction * kBarWidth);
    char bar[kBarWidth + 1];
    for (int i = 0; i < kBarWidth; ++i) bar[i] = i < filled ? '#' : '.';
    bar[kBarWidth] = '\0';
    std::fprintf(stderr, "\r[%s] %3d%% %s\x1b[K", bar, percent, stage);
    line_open_ = true;
  } else {
    const int tenth = static_cast<int>(fraction * 10.0);
    if (tenth == last_step_) return 1;
    last_step_ = tenth;
    std::fprintf(stderr, "%s: %d%%\n", stage, tenth * 10);
  }
  std::fflush(stderr);
  return 1;
}

}  // namespace nncf_cli
