// Owning smart pointers for the C API's handles.
#pragma once

#include <memory>
#include <string>

#include "nncf.h"

namespace nncf_cli {

struct ModelDeleter {
  void operator()(nncf_model* model) const { nncf_model_free(model); }
};
struct SampleDeleter {
  void operator()(nncf_sample* sample) const { nncf_sample_free(sample); }
};
struct DatasetDeleter {
  void operator()(nncf_dataset* dataset) const { nncf_dataset_free(dataset); }
};
struct BlobDeleter {
  void operator()(nncf_blob* blob) const { nncf_blob_free(blob); }
};
struct ConfigDeleter {
  void operator()(nncf_config* config) const { nncf_config_free(config); }
};

using ModelPtr = std::unique_ptr<nncf_model, ModelDeleter>;
using SamplePtr = std::unique_ptr<nncf_sample, SampleDeleter>;
using DatasetPtr = std::unique_ptr<nncf_dataset, DatasetDeleter>;
using BlobPtr = std::unique_ptr<nncf_blob, BlobDeleter>;
using ConfigPtr = std::unique_ptr<nncf_config, ConfigDeleter>;

inline std::string BlobText(const nncf_blob* blob) {
  return std::string(static_cast<const char*>(nncf_blob_data(blob)), nncf_blob_size(blob));
}

// A tensor info with struct_size set, ready for the *_info calls.
inline nncf_tensor_info EmptyTensorInfo() {
  nncf_tensor_info info{};
  info.struct_size = sizeof info;
  return info;
}

}  // namespace nncf_cli
