// nncf_abi_sizeof: lets hand-written bindings compare their struct mirrors with the library's.

#include <cstring>

#include "nncf.h"

namespace {

struct StructSize {
  const char* name;
  size_t size;
};

#define NNCF_ABI_ENTRY(type) \
  { #type, sizeof(type) }

// Every struct defined in include/nncf.h. tests/abi/struct_sizes_test.sh fails when a struct is
// added to the header without an entry here.
constexpr StructSize kPublicStructs[] = {
    NNCF_ABI_ENTRY(nncf_tensor_info),
    NNCF_ABI_ENTRY(nncf_model_load_params),
    NNCF_ABI_ENTRY(nncf_model_save_params),
    NNCF_ABI_ENTRY(nncf_dataset_callbacks),
    NNCF_ABI_ENTRY(nncf_infer_params),
    NNCF_ABI_ENTRY(nncf_subgraph),
    NNCF_ABI_ENTRY(nncf_ignored_scope),
    NNCF_ABI_ENTRY(nncf_compress_weights_params),
    NNCF_ABI_ENTRY(nncf_quantization_parameters),
    NNCF_ABI_ENTRY(nncf_quantize_params),
    NNCF_ABI_ENTRY(nncf_validation_output),
    NNCF_ABI_ENTRY(nncf_accuracy_control_params),
    NNCF_ABI_ENTRY(nncf_accuracy_control_summary),
};

#undef NNCF_ABI_ENTRY

}  // namespace

extern "C" size_t nncf_abi_sizeof(const char* type_name) {
  if (type_name == nullptr) return 0;
  for (const StructSize& entry : kPublicStructs) {
    if (std::strcmp(entry.name, type_name) == 0) return entry.size;
  }
  return 0;
}
