// Element type names and widths, answered by the core's dtype table.
#include "core/ir/dtype.h"
#include "nncf.h"

extern "C" {

const char* nncf_dtype_name(nncf_dtype dtype) {
  if (!nncf::ir::IsKnownDType(dtype)) return "unknown";
  return nncf::ir::DTypeName(static_cast<nncf::ir::DType>(dtype));
}

size_t nncf_dtype_bits(nncf_dtype dtype) {
  if (!nncf::ir::IsKnownDType(dtype)) return 0;
  return nncf::ir::DTypeBits(static_cast<nncf::ir::DType>(dtype));
}

}  // extern "C"
