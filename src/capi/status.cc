// Status objects and the exception boundary behind NNCF_API_END.
#include <exception>
#include <new>
#include <string>

#include "capi/api_impl.h"

namespace nncf::capi {
namespace {

// Returned when not even a status can be allocated; nncf_status_free leaves it alone.
nncf_status* OutOfMemoryStatus() noexcept {
  static nncf_status* status = [] {
    static nncf_status storage;
    storage.code = NNCF_ERR_OUT_OF_MEMORY;
    storage.message = "out of memory";
    storage.is_static = true;
    return &storage;
  }();
  return status;
}

}  // namespace

nncf_status* MakeStatus(nncf_code code, const char* message) noexcept {
  try {
    auto* status = new nncf_status;
    status->code = code;
    status->message = message ? message : "";
    return status;
  } catch (...) {
    return OutOfMemoryStatus();
  }
}

nncf_status* StatusFromCurrentException() noexcept {
  try {
    throw;
  } catch (const Error& e) {
    return MakeStatus(static_cast<nncf_code>(e.code()), e.what());
  } catch (const std::bad_alloc&) {
    return OutOfMemoryStatus();
  } catch (const std::exception& e) {
    return MakeStatus(NNCF_ERR_INTERNAL, (std::string("internal error: ") + e.what()).c_str());
  } catch (...) {
    return MakeStatus(NNCF_ERR_INTERNAL, "internal error: unknown exception");
  }
}

void FailNullArgument(const char* function, const char* argument) {
  Fail(ErrorCode::kInvalidArgument,
       std::string(function) + ": argument '" + argument + "' is NULL");
}

void CheckStructSize(uint32_t struct_size, size_t library_size, const char* type_name) {
  if (struct_size == 0) {
    Fail(ErrorCode::kVersionMismatch,
         std::string(type_name) + ".struct_size is 0; set it to sizeof(" + type_name +
             "), or fill the struct with its _default() function or NNCF_*_INIT macro");
  }
  if (struct_size < sizeof(uint32_t)) {
    Fail(ErrorCode::kVersionMismatch, std::string(type_name) + ".struct_size is " +
                                          std::to_string(struct_size) +
                                          ", smaller than the struct_size field itself");
  }
  if (struct_size > library_size) {
    Fail(ErrorCode::kVersionMismatch,
         std::string(type_name) + ".struct_size is " + std::to_string(struct_size) +
             " but this library's " + type_name + " has " + std::to_string(library_size) +
             " bytes: the caller was built against a newer nncf.h than the library (" +
             nncf_version_string() + ")");
  }
}

}  // namespace nncf::capi

extern "C" {

nncf_code nncf_status_code(const nncf_status* status) {
  return status ? status->code : NNCF_OK;
}

const char* nncf_status_message(const nncf_status* status) {
  return status ? status->message.c_str() : "";
}

void nncf_status_free(nncf_status* status) {
  if (status && !status->is_static) delete status;
}

nncf_status* nncf_status_create(nncf_code code, const char* message) {
  if (code == NNCF_OK) return nullptr;
  return nncf::capi::MakeStatus(code, message);
}

const char* nncf_code_string(nncf_code code) {
  switch (code) {
    case NNCF_OK:
      return "NNCF_OK";
    case NNCF_ERR_INVALID_ARGUMENT:
      return "NNCF_ERR_INVALID_ARGUMENT";
    case NNCF_ERR_NOT_FOUND:
      return "NNCF_ERR_NOT_FOUND";
    case NNCF_ERR_INVALID_MODEL:
      return "NNCF_ERR_INVALID_MODEL";
    case NNCF_ERR_UNSUPPORTED:
      return "NNCF_ERR_UNSUPPORTED";
    case NNCF_ERR_IO:
      return "NNCF_ERR_IO";
    case NNCF_ERR_OUT_OF_MEMORY:
      return "NNCF_ERR_OUT_OF_MEMORY";
    case NNCF_ERR_CANCELLED:
      return "NNCF_ERR_CANCELLED";
    case NNCF_ERR_CALLBACK:
      return "NNCF_ERR_CALLBACK";
    case NNCF_ERR_VERSION_MISMATCH:
      return "NNCF_ERR_VERSION_MISMATCH";
    case NNCF_ERR_INVALID_CONFIG:
      return "NNCF_ERR_INVALID_CONFIG";
    case NNCF_ERR_INTERNAL:
      return "NNCF_ERR_INTERNAL";
    default:
      return "NNCF_ERR_UNKNOWN";
  }
}

}  // extern "C"
