#include "core/exec/kernels/onednn_util.h"

#include <algorithm>
#include <memory>
#include <utility>

#include "core/exec/tensor_util.h"
#include "core/ir/dtype.h"

namespace nncf::exec::onednn {

void NodeLabel::Fail(ErrorCode code, const std::string& message) const {
  nncf::Fail(code, label_ + ": " + message);
}

const dnnl::engine& Engine() {
  static const dnnl::engine engine(dnnl::engine::kind::cpu, 0);
  return engine;
}

dnnl::memory::dims ToDims(const std::vector<int64_t>& dims) {
  return dnnl::memory::dims(dims.begin(), dims.end());
}

bool IsFloat32Like(ir::DType dtype) {
  return dtype == ir::DType::kFloat || dtype == ir::DType::kFloat16 ||
         dtype == ir::DType::kBFloat16;
}

const ir::Tensor& RequireInput(const NodeLabel& info, const std::vector<const ir::Tensor*>& inputs,
                               size_t index, const char* what) {
  if (index >= inputs.size() || inputs[index] == nullptr) {
    info.Fail(ErrorCode::kInvalidArgument, std::string("input ") + what + " is missing");
  }
  return *inputs[index];
}

void RequireDType(const NodeLabel& info, const ir::Tensor& tensor, const char* what,
                  const std::vector<ir::DType>& allowed) {
  if (std::find(allowed.begin(), allowed.end(), tensor.dtype) != allowed.end()) return;
  std::string names;
  for (ir::DType d : allowed) names += std::string(names.empty() ? "" : ", ") + ir::DTypeName(d);
  info.Fail(ErrorCode::kInvalidArgument, std::string("input ") + what + " has dtype " +
                                             ir::DTypeName(tensor.dtype) + ", expected one of " +
                                             names);
}

void RequireSameDType(const NodeLabel& info, const ir::Tensor& tensor, const char* what,
                      const ir::Tensor& reference) {
  if (tensor.dtype != reference.dtype) {
    info.Fail(ErrorCode::kInvalidArgument, std::string("input ") + what + " has dtype " +
                                               ir::DTypeName(tensor.dtype) + ", expected " +
                                               ir::DTypeName(reference.dtype));
  }
}

FloatView::FloatView(const ir::Tensor& tensor) {
  const int64_t n = tensor.NumElements();
  switch (tensor.dtype) {
    case ir::DType::kFloat:
      data_ = n == 0 ? nullptr : tensor.DataAs<float>();
      return;
    case ir::DType::kFloat16: {
      const uint16_t* p = tensor.DataAs<uint16_t>();
      converted_.resize(static_cast<size_t>(n));
      for (int64_t i = 0; i < n; ++i) converted_[i] = ir::HalfToFloat(p[i]);
      break;
    }
    case ir::DType::kBFloat16: {
      const uint16_t* p = tensor.DataAs<uint16_t>();
      converted_.resize(static_cast<size_t>(n));
      for (int64_t i = 0; i < n; ++i) converted_[i] = ir::BFloat16ToFloat(p[i]);
      break;
    }
    default:
      Fail(ErrorCode::kInternal, std::string("FloatView of dtype ") + ir::DTypeName(tensor.dtype));
  }
  data_ = converted_.data();
}

FloatOutput::FloatOutput(ir::DType dtype, std::vector<int64_t> dims)
    : tensor_(NewTensor(dtype, std::move(dims))) {
  if (dtype == ir::DType::kFloat) {
    data_ = MutableData<float>(tensor_);
  } else {
    staging_.assign(static_cast<size_t>(tensor_.NumElements()), 0.0f);
    data_ = staging_.data();
  }
}

namespace {
void StoreFloats(const float* values, int64_t n, ir::Tensor& out) {
  if (n == 0) return;
  switch (out.dtype) {
    case ir::DType::kFloat:
      std::copy(values, values + n, MutableData<float>(out));
      break;
    case ir::DType::kFloat16: {
      uint16_t* p = MutableData<uint16_t>(out);
      for (int64_t i = 0; i < n; ++i) p[i] = ir::FloatToHalf(values[i]);
      break;
    }
    case ir::DType::kBFloat16: {
      uint16_t* p = MutableData<uint16_t>(out);
      for (int64_t i = 0; i < n; ++i) p[i] = ir::FloatToBFloat16(values[i]);
      break;
    }
    default:
      Fail(ErrorCode::kInternal, std::string("float output of dtype ") + ir::DTypeName(out.dtype));
  }
}
}  // namespace

ir::Tensor FloatOutput::Finish() {
  if (tensor_.dtype != ir::DType::kFloat) {
    StoreFloats(staging_.data(), tensor_.NumElements(), tensor_);
  }
  return std::move(tensor_);
}

ir::Tensor FloatsToTensor(const float* values, ir::DType dtype, std::vector<int64_t> dims) {
  ir::Tensor out = NewTensor(dtype, std::move(dims));
  StoreFloats(values, out.NumElements(), out);
  return out;
}

void AppendKey(std::vector<int64_t>& key, const std::vector<int64_t>& dims) {
  key.push_back(static_cast<int64_t>(dims.size()));
  key.insert(key.end(), dims.begin(), dims.end());
}

dnnl::primitive_attr CachedPrimitiveAttr() {
  dnnl::primitive_attr attr;
  attr.set_scratchpad_mode(dnnl::scratchpad_mode::user);
  return attr;
}

void Execute(const NodeLabel& info, const dnnl::primitive& primitive,
             const std::unordered_map<int, dnnl::memory>& args) {
  try {
    // One stream and one scratchpad buffer per calling thread: an execution is synchronous, so
    // concurrent runs on other threads never share them, and sub-millisecond steps do not pay
    // for a stream and a zero-filled scratchpad each.
    thread_local dnnl::stream stream(Engine());
    thread_local std::unique_ptr<uint8_t[]> scratch;
    thread_local size_t scratch_capacity = 0;
    const dnnl_memory_desc_t* scratch_md =
        dnnl_primitive_desc_query_md(primitive.get_primitive_desc(), dnnl_query_scratchpad_md, 0);
    const size_t scratch_bytes = scratch_md ? dnnl_memory_desc_get_size(scratch_md) : 0;
    if (scratch_bytes == 0) {
      primitive.execute(stream, args);
    } else {
      if (scratch_capacity < scratch_bytes) {
        scratch.reset(new uint8_t[scratch_bytes]);
        scratch_capacity = scratch_bytes;
      }
      std::unordered_map<int, dnnl::memory> with_scratch = args;
      with_scratch.emplace(DNNL_ARG_SCRATCHPAD,
                           dnnl::memory(dnnl::memory::desc(*scratch_md), Engine(), scratch.get()));
      primitive.execute(stream, with_scratch);
    }
    stream.wait();
  } catch (const dnnl::error& e) {
    info.Fail(ErrorCode::kInternal, std::string("oneDNN execution failed: ") + e.what());
  }
}

}  // namespace nncf::exec::onednn
