#include "cli_error.h"

#include <string>

namespace nncf_cli {

int ExitCodeFor(nncf_code code) {
  switch (code) {
    case NNCF_OK:
      return kExitOk;
    case NNCF_ERR_INVALID_ARGUMENT:
      return kExitUsage;
    case NNCF_ERR_NOT_FOUND:
    case NNCF_ERR_INVALID_MODEL:
    case NNCF_ERR_INVALID_CONFIG:
      return kExitInvalidInput;
    case NNCF_ERR_UNSUPPORTED:
    case NNCF_ERR_VERSION_MISMATCH:
      return kExitUnsupported;
    case NNCF_ERR_IO:
      return kExitIo;
    case NNCF_ERR_CANCELLED:
      return kExitCancelled;
    case NNCF_ERR_CALLBACK:
      return kExitCallback;
    default:
      return kExitOther;
  }
}

const char* ExitCodeHelp() {
  return "Exit codes: 0 ok, 1 other error, 2 usage (bad option or value), 3 invalid model/data/"
         "config,\n4 unsupported, 5 file i/o, 6 cancelled (Ctrl-C), 7 data callback failed, 8 "
         "accuracy-control\nmissed --max-drop (the best model is still written).";
}

namespace {

[[noreturn]] void Throw(nncf_status* status, const std::string& what, int exit_code) {
  std::string message =
      what + ": " + nncf_code_string(nncf_status_code(status)) + ": " + nncf_status_message(status);
  nncf_status_free(status);
  throw CliError(exit_code, message);
}

// The exit code of a failed call: NNCF_ERR_INVALID_ARGUMENT is a usage error, except when the
// library rejects a data item ("calibration item 3: input 'x' has shape ..."): that is --data
// that does not fit the model, an invalid input.
int ExitCodeForStatus(const nncf_status* status) {
  const nncf_code code = nncf_status_code(status);
  if (code == NNCF_ERR_INVALID_ARGUMENT &&
      std::string(nncf_status_message(status)).rfind("calibration item ", 0) == 0) {
    return kExitInvalidInput;
  }
  return ExitCodeFor(code);
}

}  // namespace

void Check(nncf_status* status, const std::string& what) {
  if (status != nullptr) Throw(status, what, ExitCodeForStatus(status));
}

void CheckWrite(nncf_status* status, const std::string& what) {
  if (status == nullptr) return;
  const nncf_code code = nncf_status_code(status);
  Throw(status, what, code == NNCF_ERR_NOT_FOUND ? kExitIo : ExitCodeForStatus(status));
}

}  // namespace nncf_cli
