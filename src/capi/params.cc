// Defaults of the versioned structs, filled for the size the caller was compiled with.
#include <cstring>

#include "capi/api_impl.h"

namespace {

template <typename T>
T Zeroed() {
  T value;
  std::memset(&value, 0, sizeof(T));
  value.struct_size = sizeof(T);
  return value;
}

}  // namespace

extern "C" {

void nncf_model_load_params_default(nncf_model_load_params* params, uint32_t struct_size) {
  auto defaults = Zeroed<nncf_model_load_params>();
  defaults.base_dir = nullptr;
  defaults.mmap_external_data = 1;
  defaults.validate = 1;
  nncf::capi::FillDefaultsForCaller(defaults, params, struct_size);
}

void nncf_model_save_params_default(nncf_model_save_params* params, uint32_t struct_size) {
  auto defaults = Zeroed<nncf_model_save_params>();
  defaults.external_data = NNCF_EXTERNAL_DATA_AUTO;
  defaults.external_data_file = nullptr;
  defaults.size_threshold = 1024;
  defaults.progress = nullptr;
  defaults.progress_user_data = nullptr;
  nncf::capi::FillDefaultsForCaller(defaults, params, struct_size);
}

void nncf_dataset_callbacks_default(nncf_dataset_callbacks* callbacks, uint32_t struct_size) {
  auto defaults = Zeroed<nncf_dataset_callbacks>();
  defaults.batch_size = 0;
  nncf::capi::FillDefaultsForCaller(defaults, callbacks, struct_size);
}

}  // extern "C"
