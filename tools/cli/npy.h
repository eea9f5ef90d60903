// NumPy .npy arrays: parsing from bytes and writing files. Little-endian, C order; format
// versions 1 to 3 are read, 1.0 is written.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "nncf.h"

namespace nncf_cli {

struct Array {
  nncf_dtype dtype = NNCF_DTYPE_UNDEFINED;
  std::vector<int64_t> shape;
  std::vector<uint8_t> data;  // element bytes, C order

  int64_t ElementCount() const;
  size_t ElementSize() const;
};

// Parses a whole .npy image; `origin` names the file (and array) in errors. Throws CliError
// (invalid input) for malformed or unsupported arrays: Fortran order, big-endian, object or
// string dtypes.
Array ParseNpy(const uint8_t* bytes, size_t size, const std::string& origin);
Array ReadNpyFile(const std::string& path);

// The .npy "descr" for a dtype ("<f4"); empty when NumPy has no such dtype (int4, float8).
std::string NpyDescr(nncf_dtype dtype);
void WriteNpyFile(const std::string& path, nncf_dtype dtype, const std::vector<int64_t>& shape,
                  const void* data, size_t nbytes);

// Reads a whole file; throws CliError (i/o) naming it.
std::vector<uint8_t> ReadFileBytes(const std::string& path);

}  // namespace nncf_cli
