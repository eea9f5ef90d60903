// nncf: the command-line face of libnncf. Links only the public C API (include/nncf.h).
#include <CLI/CLI.hpp>

#include <cstdio>
#include <exception>
#include <iostream>
#include <string>
#include <vector>

#include "cli_error.h"
#include "commands.h"
#include "nncf.h"

namespace {

const char* LevelName(nncf_log_level level) {
  switch (level) {
    case NNCF_LOG_DEBUG:
      return "debug";
    case NNCF_LOG_INFO:
      return "info";
    case NNCF_LOG_WARNING:
      return "warning";
    default:
      return "error";
  }
}

void LogToStderr(void*, nncf_log_level level, const char* component, const char* message) {
  std::fprintf(stderr, "nncf %s [%s] %s\n", LevelName(level), component, message);
}

}  // namespace

int main(int argc, char** argv) {
  using nncf_cli::CliError;
  CLI::App app("nncf " + std::string(nncf_version_string()) +
               ": neural network compression for ONNX models (libnncf)");
  app.footer(nncf_cli::ExitCodeHelp());
  app.require_subcommand(1);
  app.set_version_flag("--version", nncf_version_string());
  nncf_cli::GlobalOptions global;
  app.add_flag("-q,--quiet", global.quiet, "No progress output on stderr");
  app.add_flag("-v,--verbose", global.verbose, "Show the library's info messages on stderr");

  std::vector<nncf_cli::Command> commands = {nncf_cli::AddInfoCommand(app, global),
                                             nncf_cli::AddQuantizeCommand(app, global),
                                             nncf_cli::AddCompressWeightsCommand(app, global),
                                             nncf_cli::AddStripCommand(app, global),
                                             nncf_cli::AddInferCommand(app, global),
                                             nncf_cli::AddAccuracyControlCommand(app, global)};
  for (nncf_cli::Command& command : commands) {
    command.app->footer(nncf_cli::ExitCodeHelp());
    // Global flags work after the subcommand name too.
    command.app->fallthrough();
  }

  try {
    app.parse(argc, argv);
  } catch (const CLI::Success& success) {
    return app.exit(success);
  } catch (const CLI::ParseError& error) {
    app.exit(error);
    return nncf_cli::kExitUsage;
  }

  if (global.verbose) nncf_set_log_callback(LogToStderr, nullptr, NNCF_LOG_INFO);
  try {
    for (nncf_cli::Command& command : commands) {
      if (command.app->parsed()) command.run();
    }
  } catch (const CliError& error) {
    std::cerr << "nncf: error: " << error.what() << "\n";
    return error.exit_code();
  } catch (const std::exception& error) {
    std::cerr << "nncf: error: " << error.what() << "\n";
    return nncf_cli::kExitOther;
  }
  return nncf_cli::kExitOk;
}
