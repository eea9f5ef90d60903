// Shared pieces of the oneDNN-backed kernels: the CPU engine, f32 views of f16/bf16 tensors,
// f32 output staging, and a small per-shape cache of primitives.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include <oneapi/dnnl/dnnl.hpp>

#include "core/exec/kernel.h"
#include "core/ir/tensor.h"

namespace nncf::exec::onednn {

// The node label a kernel keeps for run-time errors (the ir::Node may not outlive compilation).
class NodeLabel {
 public:
  explicit NodeLabel(const NodeInfo& info) : label_(info.Label()) {}
  const std::string& str() const { return label_; }
  [[noreturn]] void Fail(ErrorCode code, const std::string& message) const;

 private:
  std::string label_;
};

// One CPU engine for the process (engines are thread-safe to share).
const dnnl::engine& Engine();

dnnl::memory::dims ToDims(const std::vector<int64_t>& dims);

// f32, f16 or bf16: the dtypes computed through f32.
bool IsFloat32Like(ir::DType dtype);

// Checks that `tensor` is present and has a dtype in `allowed`, naming `what` otherwise.
const ir::Tensor& RequireInput(const NodeLabel& info, const std::vector<const ir::Tensor*>& inputs,
                               size_t index, const char* what);
void RequireDType(const NodeLabel& info, const ir::Tensor& tensor, const char* what,
                  const std::vector<ir::DType>& allowed);
// Fails unless `tensor` has the dtype of `reference`.
void RequireSameDType(const NodeLabel& info, const ir::Tensor& tensor, const char* what,
                      const ir::Tensor& reference);

// Elements of an f32/f16/bf16 tensor as f32: f32 data is used in place, others are converted.
class FloatView {
 public:
  explicit FloatView(const ir::Tensor& tensor);
  const float* data() const { return data_; }

 private:
  std::vector<float> converted_;
  const float* data_ = nullptr;
};

// A new output tensor of `dtype` (f32/f16/bf16) filled through an f32 buffer: f32 outputs are
// written in place, others converted by Finish().
class FloatOutput {
 public:
  FloatOutput(ir::DType dtype, std::vector<int64_t> dims);
  float* data() { return data_; }
  ir::Tensor Finish();

 private:
  ir::Tensor tensor_;
  std::vector<float> staging_;
  float* data_ = nullptr;
};

// Converts f32 values into a new tensor of dtype f32/f16/bf16.
ir::Tensor FloatsToTensor(const float* values, ir::DType dtype, std::vector<int64_t> dims);

// Per-shape state (primitives), keyed by the input dims; bounded so dynamic shapes cannot grow
// it without limit. Callers hold mutex() while using an entry.
template <typename Entry>
class ShapeCache {
 public:
  std::mutex& mutex() { return mutex_; }
  // Returns the entry for `key`, or nullptr. Caller holds mutex().
  Entry* Find(const std::vector<int64_t>& key) {
    auto it = entries_.find(key);
    return it == entries_.end() ? nullptr : it->second.get();
  }
  Entry* Insert(const std::vector<int64_t>& key, std::unique_ptr<Entry> entry) {
    if (entries_.size() >= kMaxEntries) entries_.clear();
    return (entries_[key] = std::move(entry)).get();
  }

 private:
  static constexpr size_t kMaxEntries = 32;
  std::mutex mutex_;
  std::map<std::vector<int64_t>, std::unique_ptr<Entry>> entries_;
};

// Appends every dims vector, each prefixed by its rank, to make a cache key.
void AppendKey(std::vector<int64_t>& key, const std::vector<int64_t>& dims);

// Attributes for every cached primitive: a user-managed scratchpad, so one primitive can run on
// several threads at once (with the library's scratchpad it cannot: oneDNN shares it).
dnnl::primitive_attr CachedPrimitiveAttr();

// Executes `primitive` with `args` on the calling thread's stream and waits, giving it the
// thread's scratchpad buffer when it asks for one (never shared between threads); oneDNN errors
// become nncf errors naming the node.
void Execute(const NodeLabel& info, const dnnl::primitive& primitive,
             const std::unordered_map<int, dnnl::memory>& args);

}  // namespace nncf::exec::onednn
