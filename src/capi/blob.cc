// Byte buffers the library hands out (serialized models, JSON).
#include <memory>
#include <string>
#include <utility>

#include "capi/api_impl.h"

namespace nncf::capi {

nncf_blob* NewBlob(std::string bytes) {
  auto blob = std::make_unique<nncf_blob>();
  blob->bytes = std::move(bytes);
  return blob.release();
}

}  // namespace nncf::capi

extern "C" {

const void* nncf_blob_data(const nncf_blob* blob) {
  return blob ? blob->bytes.data() : nullptr;
}

size_t nncf_blob_size(const nncf_blob* blob) {
  return blob ? blob->bytes.size() : 0;
}

void nncf_blob_free(nncf_blob* blob) {
  delete blob;
}

}  // extern "C"
