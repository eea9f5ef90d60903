// The exception boundary and argument checks shared by every C entry point.
//
//   nncf_status* nncf_x(const nncf_model* model, nncf_blob** out) {
//     NNCF_API_BEGIN
//     NNCF_CHECK_ARG(model);
//     NNCF_CHECK_ARG(out);
//     ...
//     NNCF_API_END
//   }
//
// NNCF_API_END turns nncf::Error into a status with its code, std::bad_alloc into
// NNCF_ERR_OUT_OF_MEMORY, and anything else into NNCF_ERR_INTERNAL; it returns NULL on success.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <type_traits>

#include "capi/handles.h"
#include "core/common/error.h"
#include "nncf.h"

namespace nncf::capi {

// A new status, or the preallocated out-of-memory status when allocation fails. Never throws.
nncf_status* MakeStatus(nncf_code code, const char* message) noexcept;
// Converts the exception being handled (call only inside a catch block).
nncf_status* StatusFromCurrentException() noexcept;

// A blob that owns `bytes`.
nncf_blob* NewBlob(std::string bytes);

// Throws kInvalidArgument "<function>: argument '<name>' is NULL".
[[noreturn]] void FailNullArgument(const char* function, const char* argument);

// Reads a caller's versioned struct (params, callbacks) into a full-size copy: fields past the
// caller's struct_size keep the defaults from `fill_defaults`, and NULL means all defaults.
// struct_size 0 and sizes larger than this library's struct fail with kVersionMismatch naming
// the struct and both sizes.
template <typename T>
T ReadVersionedStruct(const T* in, const char* type_name, void (*fill_defaults)(T*, uint32_t));

// Checks the struct_size of a caller's struct that the library reads (params) or fills (such as
// nncf_tensor_info): 0, less than the struct_size field itself, and sizes beyond the library's
// fail with kVersionMismatch.
void CheckStructSize(uint32_t struct_size, size_t library_size, const char* type_name);
// Copies the library's full struct into the caller's, limited to the caller's struct_size, which
// is kept.
template <typename T>
void WriteVersionedStruct(const T& full, T* out, const char* type_name);

// Fills `out` with defaults for a caller whose struct has `struct_size` bytes: our defaults for the
// bytes we know, zero for any tail we do not (a later call then reports the size mismatch).
template <typename T>
void FillDefaultsForCaller(const T& defaults, T* out, uint32_t struct_size);

// --- template definitions ---

template <typename T>
T ReadVersionedStruct(const T* in, const char* type_name, void (*fill_defaults)(T*, uint32_t)) {
  static_assert(std::is_trivially_copyable_v<T>, "versioned structs are plain C structs");
  T result;
  std::memset(&result, 0, sizeof(T));
  fill_defaults(&result, sizeof(T));
  if (in == nullptr) return result;
  CheckStructSize(in->struct_size, sizeof(T), type_name);
  std::memcpy(&result, in, in->struct_size);
  result.struct_size = sizeof(T);
  return result;
}

template <typename T>
void WriteVersionedStruct(const T& full, T* out, const char* type_name) {
  const uint32_t caller_size = out->struct_size;
  CheckStructSize(caller_size, sizeof(T), type_name);
  std::memcpy(out, &full, caller_size);
  out->struct_size = caller_size;
}

template <typename T>
void FillDefaultsForCaller(const T& defaults, T* out, uint32_t struct_size) {
  if (out == nullptr || struct_size < sizeof(uint32_t)) return;
  const size_t known = struct_size < sizeof(T) ? struct_size : sizeof(T);
  std::memcpy(out, &defaults, known);
  if (struct_size > sizeof(T)) {
    std::memset(reinterpret_cast<unsigned char*>(out) + sizeof(T), 0, struct_size - sizeof(T));
  }
  out->struct_size = struct_size;
}

}  // namespace nncf::capi

#define NNCF_API_BEGIN try {
#define NNCF_API_END                                   \
  }                                                    \
  catch (...) {                                        \
    return ::nncf::capi::StatusFromCurrentException(); \
  }                                                    \
  return nullptr;

// Reports a NULL pointer argument by its parameter name, prefixed with the function's name.
#define NNCF_CHECK_ARG(arg) \
  if ((arg) == nullptr) ::nncf::capi::FailNullArgument(__func__, #arg)
