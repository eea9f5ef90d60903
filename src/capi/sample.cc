// Samples: named tensors copied in by the caller (or a dataset callback).
#include <string>
#include <utility>
#include <vector>

#include "capi/api_impl.h"
#include "core/ir/dtype.h"
#include "core/ir/tensor.h"

namespace nncf::capi {
namespace {

std::string ShapeText(const std::vector<int64_t>& dims) {
  std::string text = "[";
  for (size_t i = 0; i < dims.size(); ++i) {
    if (i) text += ",";
    text += std::to_string(dims[i]);
  }
  return text + "]";
}

ir::Tensor CheckedTensor(const char* name, nncf_dtype dtype, const int64_t* shape, size_t ndim,
                         const void* data, size_t nbytes) {
  const std::string tensor = std::string("tensor '") + name + "'";
  if (*name == '\0') Fail(ErrorCode::kInvalidArgument, "nncf_sample_set_tensor: name is empty");
  if (shape == nullptr && ndim > 0) {
    Fail(ErrorCode::kInvalidArgument,
         tensor + ": shape is NULL but ndim is " + std::to_string(ndim));
  }
  if (data == nullptr && nbytes > 0) {
    Fail(ErrorCode::kInvalidArgument,
         tensor + ": data is NULL but nbytes is " + std::to_string(nbytes));
  }
  if (!ir::IsKnownDType(dtype) || dtype == NNCF_DTYPE_UNDEFINED) {
    Fail(ErrorCode::kInvalidArgument,
         tensor + ": unknown dtype " + std::to_string(dtype) + " (see nncf_dtype)");
  }
  const auto type = static_cast<ir::DType>(dtype);
  if (type == ir::DType::kString) {
    Fail(ErrorCode::kUnsupported,
         tensor + ": string tensors have no fixed-size bytes and cannot be set from raw data");
  }
  std::vector<int64_t> dims(shape, shape + ndim);
  int64_t count = 1;
  for (size_t i = 0; i < ndim; ++i) {
    if (dims[i] < 0) {
      Fail(ErrorCode::kInvalidArgument, tensor + ": dimension " + std::to_string(i) + " is " +
                                            std::to_string(dims[i]) +
                                            "; sample shapes must be concrete and non-negative");
    }
    if (__builtin_mul_overflow(count, dims[i], &count)) {
      Fail(ErrorCode::kInvalidArgument,
           tensor + ": shape " + ShapeText(dims) + " has too many elements");
    }
  }
  const size_t expected = ir::StorageBytes(type, count);
  if (nbytes != expected) {
    Fail(ErrorCode::kInvalidArgument, tensor + ": nbytes is " + std::to_string(nbytes) + " but " +
                                          ir::DTypeName(type) + " " + ShapeText(dims) + " needs " +
                                          std::to_string(expected) + " bytes");
  }
  if (nbytes == 0) return ir::Tensor::Zeros(name, type, std::move(dims));
  return ir::Tensor::FromBytes(name, type, std::move(dims), data, nbytes);
}

void FillInfo(const ir::Tensor& tensor, nncf_tensor_info* info) {
  nncf_tensor_info full;
  std::memset(&full, 0, sizeof full);
  full.struct_size = sizeof full;
  full.name = tensor.name.c_str();
  full.dtype = static_cast<nncf_dtype>(tensor.dtype);
  full.ndim = tensor.dims.size();
  full.shape = tensor.dims.data();
  full.dim_params = nullptr;
  full.has_shape = 1;
  full.data = tensor.bytes();
  full.nbytes = tensor.ByteSize();
  WriteVersionedStruct(full, info, "nncf_tensor_info");
}

}  // namespace
}  // namespace nncf::capi

extern "C" {

nncf_status* nncf_sample_create(nncf_sample** out) {
  NNCF_API_BEGIN
  NNCF_CHECK_ARG(out);
  *out = new nncf_sample;
  NNCF_API_END
}

void nncf_sample_free(nncf_sample* sample) {
  delete sample;
}

nncf_status* nncf_sample_set_tensor(nncf_sample* sample, const char* name, nncf_dtype dtype,
                                    const int64_t* shape, size_t ndim, const void* data,
                                    size_t nbytes) {
  NNCF_API_BEGIN
  NNCF_CHECK_ARG(sample);
  NNCF_CHECK_ARG(name);
  sample->impl.Set(nncf::capi::CheckedTensor(name, dtype, shape, ndim, data, nbytes));
  NNCF_API_END
}

size_t nncf_sample_num_tensors(const nncf_sample* sample) {
  return sample ? sample->impl.size() : 0;
}

nncf_status* nncf_sample_tensor_info(const nncf_sample* sample, size_t index,
                                     nncf_tensor_info* info) {
  NNCF_API_BEGIN
  NNCF_CHECK_ARG(sample);
  NNCF_CHECK_ARG(info);
  if (index >= sample->impl.size()) {
    nncf::Fail(nncf::ErrorCode::kInvalidArgument,
               "nncf_sample_tensor_info: index " + std::to_string(index) +
                   " is out of range; the sample has " + std::to_string(sample->impl.size()) +
                   " tensors");
  }
  nncf::capi::FillInfo(sample->impl.at(index), info);
  NNCF_API_END
}

nncf_status* nncf_sample_find_tensor(const nncf_sample* sample, const char* name,
                                     nncf_tensor_info* info) {
  NNCF_API_BEGIN
  NNCF_CHECK_ARG(sample);
  NNCF_CHECK_ARG(name);
  NNCF_CHECK_ARG(info);
  const nncf::ir::Tensor* tensor = sample->impl.Find(name);
  if (tensor == nullptr) {
    nncf::Fail(
        nncf::ErrorCode::kNotFound,
        std::string("nncf_sample_find_tensor: the sample has no tensor named '") + name + "'");
  }
  nncf::capi::FillInfo(*tensor, info);
  NNCF_API_END
}

}  // extern "C"
