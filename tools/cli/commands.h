// The subcommands of the nncf tool. Each Add*Command registers its options on `app` and returns
// the function that runs it once parsing selected it; failures throw CliError.
#pragma once

#include <CLI/CLI.hpp>

#include <functional>

namespace nncf_cli {

struct GlobalOptions {
  bool quiet = false;    // no progress output
  bool verbose = false;  // the library's info-level log on stderr
};

struct Command {
  CLI::App* app;
  std::function<void()> run;
};

Command AddInfoCommand(CLI::App& app, const GlobalOptions& global);
Command AddQuantizeCommand(CLI::App& app, const GlobalOptions& global);
Command AddCompressWeightsCommand(CLI::App& app, const GlobalOptions& global);
Command AddStripCommand(CLI::App& app, const GlobalOptions& global);
Command AddInferCommand(CLI::App& app, const GlobalOptions& global);
Command AddAccuracyControlCommand(CLI::App& app, const GlobalOptions& global);

}  // namespace nncf_cli
