// Errors inside the library are nncf::Error exceptions; src/capi turns them into nncf_status.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>

namespace nncf {

// Values match the public nncf_code constants in include/nncf.h.
enum class ErrorCode : int32_t {
  kOk = 0,
  kInvalidArgument = 1,
  kNotFound = 2,
  kInvalidModel = 3,
  kUnsupported = 4,
  kIo = 5,
  kOutOfMemory = 6,
  kCancelled = 7,
  kCallback = 8,
  kVersionMismatch = 9,
  kInvalidConfig = 10,
  kInternal = 11,
};

class Error : public std::runtime_error {
 public:
  Error(ErrorCode code, const std::string& message) : std::runtime_error(message), code_(code) {}
  ErrorCode code() const { return code_; }

 private:
  ErrorCode code_;
};

[[noreturn]] inline void Fail(ErrorCode code, const std::string& message) {
  throw Error(code, message);
}

}  // namespace nncf
