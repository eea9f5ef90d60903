// Errors of the nncf command-line tool and the exit code each error class maps to.
#pragma once

#include <stdexcept>
#include <string>

#include "nncf.h"

namespace nncf_cli {

// Exit codes by error class; docs/cli.md and the --help footer list the same table.
enum ExitCode : int {
  kExitOk = 0,
  kExitOther = 1,         // internal error, out of memory, anything unclassified
  kExitUsage = 2,         // bad command line, or an option value the library refuses
  kExitInvalidInput = 3,  // malformed model, data or config; a named tensor that does not exist
  kExitUnsupported = 4,   // valid input the library does not handle, or a forbidden opset upgrade
  kExitIo = 5,            // a file cannot be read or written
  kExitCancelled = 6,     // interrupted (Ctrl-C)
  kExitCallback = 7,      // reading the calibration data failed inside the library's callback
  kExitTargetMissed = 8,  // accuracy-control could not meet --max-drop (best model still written)
};

// The exit code for a library status code.
int ExitCodeFor(nncf_code code);

// The --help footer: the exit code table in a few lines.
const char* ExitCodeHelp();

// An error the tool reports as "nncf: error: <message>" before exiting with exit_code.
class CliError : public std::runtime_error {
 public:
  CliError(int exit_code, const std::string& message)
      : std::runtime_error(message), exit_code_(exit_code) {}
  int exit_code() const { return exit_code_; }

 private:
  int exit_code_;
};

// Throws CliError when status is not NULL (freeing it): "<what>: NNCF_ERR_X: <message>".
void Check(nncf_status* status, const std::string& what);
// Check for calls that write files: NNCF_ERR_NOT_FOUND (a missing directory) is an i/o error.
void CheckWrite(nncf_status* status, const std::string& what);

}  // namespace nncf_cli
