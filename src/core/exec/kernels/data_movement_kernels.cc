// Ops that rearrange elements: Transpose, Concat, Split, Slice, the gathers, Tile, Pad, TopK,
// CumSum and Resize/Upsample. Pure moves run on element-size carriers (see datamove_util.h).
#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>
#include <numeric>
#include <string>
#include <vector>

#include "core/exec/kernel_registry.h"
#include "core/exec/kernels/datamove_util.h"
#include "core/exec/tensor_util.h"

namespace nncf::exec {
namespace {

using datamove::MovedInput;
using datamove::MovedOutput;
using datamove::Product;
using datamove::RequireInput;
using datamove::ShareData;
using datamove::StridedCopy;
using datamove::VisitCarrier;

template <typename K>
std::unique_ptr<Kernel> Make(const NodeInfo& info) {
  return std::make_unique<K>(info);
}

template <typename T>
using CarrierOf = typename T::type;

bool OutputWanted(const NodeInfo& info, size_t index) {
  return index < info.node().outputs.size() && !info.node().outputs[index].empty();
}

// ---------------------------------------------------------------------------------------------
class TransposeKernel final : public Kernel {
 public:
  explicit TransposeKernel(const NodeInfo& info) : info_(info), perm_(info.GetInts("perm")) {}
  void Run(const std::vector<const ir::Tensor*>& inputs, std::vector<ir::Tensor>& outputs,
           const RunContext&) override {
    const ir::Tensor& x = RequireInput(inputs, 0, info_, "data");
    const size_t rank = x.dims.size();
    std::vector<int64_t> perm = perm_;
    if (perm.empty()) {
      for (size_t i = rank; i-- > 0;) perm.push_back(static_cast<int64_t>(i));
    }
    if (perm.size() != rank) {
      info_.Fail(
          ErrorCode::kInvalidArgument,
          "perm " + ShapeString(perm) + " does not match input shape " + ShapeString(x.dims));
    }
    std::vector<bool> seen(rank, false);
    bool identity = true;
    for (size_t i = 0; i < rank; ++i) {
      const int64_t p = perm[i] < 0 ? perm[i] + static_cast<int64_t>(rank) : perm[i];
      if (p < 0 || p >= static_cast<int64_t>(rank) || seen[static_cast<size_t>(p)]) {
        info_.Fail(ErrorCode::kInvalidArgument,
                   "perm " + ShapeString(perm_) + " is not a permutation");
      }
      seen[static_cast<size_t>(p)] = true;
      perm[i] = p;
      identity = identity && p == static_cast<int64_t>(i);
    }
    std::vector<int64_t> dims(rank), strides(rank);
    const std::vector<int64_t> in_strides = Strides(x.dims);
    for (size_t i = 0; i < rank; ++i) {
      dims[i] = x.dims[static_cast<size_t>(perm[i])];
      strides[i] = in_strides[static_cast<size_t>(perm[i])];
    }
    if (identity) {
      outputs[0] = ShareData(x, dims);
      return;
    }
    MovedInput in(x);
    MovedOutput out(x.dtype, dims);
    VisitCarrier(x.dtype, info_, [&](auto tag) {
      using T = CarrierOf<decltype(tag)>;
      StridedCopy(in.data<T>(), 0, strides, dims, out.data<T>());
    });
    outputs[0] = out.Finish();
  }

 private:
  NodeInfo info_;
  std::vector<int64_t> perm_;
};

// ---------------------------------------------------------------------------------------------
class ConcatKernel final : public Kernel {
 public:
  explicit ConcatKernel(const NodeInfo& info)
      : info_(info), axis_(info.opset() < 4 ? info.GetInt("axis", 1) : info.RequireInt("axis")) {}
  void Run(const std::vector<const ir::Tensor*>& inputs, std::vector<ir::Tensor>& outputs,
           const RunContext&) override {
    if (inputs.empty()) info_.Fail(ErrorCode::kInvalidArgument, "needs at least one input");
    const ir::Tensor& first = RequireInput(inputs, 0, info_, "0");
    const int64_t rank = static_cast<int64_t>(first.dims.size());
    const size_t axis = static_cast<size_t>(NormalizeAxis(axis_, rank, info_));
    std::vector<int64_t> dims = first.dims;
    dims[axis] = 0;
    for (size_t i = 0; i < inputs.size(); ++i) {
      const ir::Tensor& t = RequireInput(inputs, i, info_, std::to_string(i).c_str());
      bool same = t.dims.size() == first.dims.size() && t.dtype == first.dtype;
      for (size_t k = 0; same && k < t.dims.size(); ++k) {
        same = k == axis || t.dims[k] == first.dims[k];
      }
      if (!same) {
        info_.Fail(ErrorCode::kInvalidArgument,
                   "input " + std::to_string(i) + " of shape " + ShapeString(t.dims) + " (" +
                       ir::DTypeName(t.dtype) + ") cannot be concatenated with " +
                       ShapeString(first.dims) + " (" + ir::DTypeName(first.dtype) + ") on axis " +
                       std::to_string(axis_));
      }
      dims[axis] += t.dims[axis];
    }
    const int64_t outer = Product(dims, 0, axis), inner = Product(dims, axis + 1, dims.size());
    std::vector<MovedInput> moved;
    moved.reserve(inputs.size());
    for (const ir::Tensor* t : inputs) moved.emplace_back(*t);
    MovedOutput out(first.dtype, dims);
    VisitCarrier(first.dtype, info_, [&](auto tag) {
      using T = CarrierOf<decltype(tag)>;
      T* dst = out.data<T>();
      for (int64_t o = 0; o < outer; ++o) {
        for (size_t i = 0; i < inputs.size(); ++i) {
          const int64_t chunk = inputs[i]->dims[axis] * inner;
          const T* src = moved[i].data<T>() + o * chunk;
          dst = std::copy(src, src + chunk, dst);
        }
      }
    });
    outputs[0] = out.Finish();
  }

 private:
  NodeInfo info_;
  int64_t axis_;
};

// ---------------------------------------------------------------------------------------------
class SplitKernel final : public Kernel {
 public:
  explicit SplitKernel(const NodeInfo& info)
      : info_(info), axis_(info.GetInt("axis", 0)), num_outputs_(info.GetInt("num_outputs", 0)) {}
  void Run(const std::vector<const ir::Tensor*>& inputs, std::vector<ir::Tensor>& outputs,
           const RunContext&) override {
    const ir::Tensor& x = RequireInput(inputs, 0, info_, "input");
    const int64_t rank = static_cast<int64_t>(x.dims.size());
    const size_t axis = static_cast<size_t>(NormalizeAxis(axis_, rank, info_));
    const int64_t dim = x.dims[axis];
    const int64_t n = static_cast<int64_t>(outputs.size());
    std::vector<int64_t> split;
    if (info_.opset() < 13 && info_.Has("split")) {
      split = info_.GetInts("split");
    } else if (inputs.size() > 1 && inputs[1] != nullptr) {
      split = ReadInt64s(*inputs[1], info_, "split");
    } else if (num_outputs_ > 0 || info_.opset() >= 18) {
      const int64_t parts = num_outputs_ > 0 ? num_outputs_ : n;
      const int64_t chunk = (dim + parts - 1) / parts;
      for (int64_t i = 0; i < parts; ++i) {
        split.push_back(std::max<int64_t>(0, std::min(chunk, dim - i * chunk)));
      }
    } else {
      if (n == 0 || dim % n != 0) {
        info_.Fail(ErrorCode::kInvalidArgument, "axis of size " + std::to_string(dim) +
                                                    " cannot be split into " + std::to_string(n) +
                                                    " equal parts");
      }
      split.assign(static_cast<size_t>(n), dim / std::max<int64_t>(n, 1));
    }
    int64_t total = 0;
    for (int64_t s : split) {
      if (s < 0) info_.Fail(ErrorCode::kInvalidArgument, "negative split " + ShapeString(split));
      total += s;
    }
    if (static_cast<int64_t>(split.size()) != n || total != dim) {
      info_.Fail(ErrorCode::kInvalidArgument, "split " + ShapeString(split) + " does not divide " +
                                                  "axis of size " + std::to_string(dim) + " into " +
                                                  std::to_string(n) + " outputs");
    }
    const int64_t outer = Product(x.dims, 0, axis),
                  inner = Product(x.dims, axis + 1, x.dims.size());
    MovedInput in(x);
    int64_t offset = 0;
    for (size_t i = 0; i < split.size(); ++i) {
      std::vector<int64_t> dims = x.dims;
      dims[axis] = split[i];
      MovedOutput out(x.dtype, dims);
      VisitCarrier(x.dtype, info_, [&](auto tag) {
        using T = CarrierOf<decltype(tag)>;
        const T* src = in.data<T>();
        T* dst = out.data<T>();
        const int64_t chunk = split[i] * inner;
        for (int64_t o = 0; o < outer; ++o) {
          const T* from = src + o * dim * inner + offset * inner;
          dst = std::copy(from, from + chunk, dst);
        }
      });
      offset += split[i];
      if (OutputWanted(info_, i)) outputs[i] = out.Finish();
    }
  }

 private:
  NodeInfo info_;
  int64_t axis_;
  int64_t num_outputs_;
};

// ---------------------------------------------------------------------------------------------
class SliceKernel final : public Kernel {
 public:
  explicit SliceKernel(const NodeInfo& info) : info_(info) {}
  void Run(const std::vector<const ir::Tensor*>& inputs, std::vector<ir::Tensor>& outputs,
           const RunContext&) override {
    const ir::Tensor& x = RequireInput(inputs, 0, info_, "data");
    std::vector<int64_t> starts, ends, axes, steps;
    if (info_.opset() < 10) {
      starts = info_.GetInts("starts");
      ends = info_.GetInts("ends");
      axes = info_.GetInts("axes");
    } else {
      starts = ReadInt64s(RequireInput(inputs, 1, info_, "starts"), info_, "starts");
      ends = ReadInt64s(RequireInput(inputs, 2, info_, "ends"), info_, "ends");
      if (inputs.size() > 3 && inputs[3]) axes = ReadInt64s(*inputs[3], info_, "axes");
      if (inputs.size() > 4 && inputs[4]) steps = ReadInt64s(*inputs[4], info_, "steps");
    }
    const int64_t rank = static_cast<int64_t>(x.dims.size());
    if (axes.empty()) {
      for (size_t i = 0; i < starts.size(); ++i) axes.push_back(static_cast<int64_t>(i));
    }
    if (steps.empty()) steps.assign(starts.size(), 1);
    if (ends.size() != starts.size() || axes.size() != starts.size() ||
        steps.size() != starts.size()) {
      info_.Fail(ErrorCode::kInvalidArgument, "starts, ends, axes and steps differ in length");
    }
    std::vector<int64_t> dims = x.dims, strides = Strides(x.dims);
    std::vector<bool> seen(x.dims.size(), false);
    int64_t offset = 0;
    for (size_t i = 0; i < starts.size(); ++i) {
      const size_t a = static_cast<size_t>(NormalizeAxis(axes[i], rank, info_));
      if (seen[a]) info_.Fail(ErrorCode::kInvalidArgument, "axes repeat " + ShapeString(axes));
      seen[a] = true;
      const int64_t dim = x.dims[a], step = steps[i];
      if (step == 0) info_.Fail(ErrorCode::kInvalidArgument, "steps must not be zero");
      int64_t start = starts[i], end = ends[i];
      if (start < 0) start += dim;
      if (end < 0) end += dim;
      int64_t count;
      if (step > 0) {
        start = std::clamp<int64_t>(start, 0, dim);
        end = std::clamp<int64_t>(end, 0, dim);
        count = end > start ? (end - start + step - 1) / step : 0;
      } else {
        start = std::clamp<int64_t>(start, 0, dim - 1);
        end = std::clamp<int64_t>(end, -1, dim - 1);
        count = start > end ? (start - end - step - 1) / -step : 0;
      }
      dims[a] = count;
      if (count > 0) offset += start * strides[a];
      strides[a] *= step;
    }
    MovedInput in(x);
    MovedOutput out(x.dtype, dims);
    VisitCarrier(x.dtype, info_, [&](auto tag) {
      using T = CarrierOf<decltype(tag)>;
      StridedCopy(in.data<T>(), offset, strides, dims, out.data<T>());
    });
    outputs[0] = out.Finish();
  }

 private:
  NodeInfo info_;
};

// ---------------------------------------------------------------------------------------------
int64_t CheckedIndex(int64_t index, int64_t dim, const NodeInfo& info) {
  const int64_t i = index < 0 ? index + dim : index;
  if (i < 0 || i >= dim) {
    info.Fail(ErrorCode::kInvalidArgument, "index " + std::to_string(index) +
                                               " is out of range for an axis of size " +
                                               std::to_string(dim));
  }
  return i;
}

class GatherKernel final : public Kernel {
 public:
  explicit GatherKernel(const NodeInfo& info) : info_(info), axis_(info.GetInt("axis", 0)) {}
  void Run(const std::vector<const ir::Tensor*>& inputs, std::vector<ir::Tensor>& outputs,
           const RunContext&) override {
    const ir::Tensor& x = RequireInput(inputs, 0, info_, "data");
    const ir::Tensor& idx_t = RequireInput(inputs, 1, info_, "indices");
    const int64_t rank = static_cast<int64_t>(x.dims.size());
    if (rank == 0) info_.Fail(ErrorCode::kInvalidArgument, "data must have rank >= 1");
    const size_t axis = static_cast<size_t>(NormalizeAxis(axis_, rank, info_));
    std::vector<int64_t> indices = ReadInt64s(idx_t, info_, "indices");
    const int64_t dim = x.dims[axis];
    for (int64_t& i : indices) i = CheckedIndex(i, dim, info_);
    std::vector<int64_t> dims(x.dims.begin(), x.dims.begin() + static_cast<int64_t>(axis));
    dims.insert(dims.end(), idx_t.dims.begin(), idx_t.dims.end());
    dims.insert(dims.end(), x.dims.begin() + static_cast<int64_t>(axis) + 1, x.dims.end());
    const int64_t outer = Product(x.dims, 0, axis),
                  inner = Product(x.dims, axis + 1, x.dims.size());
    MovedInput in(x);
    MovedOutput out(x.dtype, dims);
    VisitCarrier(x.dtype, info_, [&](auto tag) {
      using T = CarrierOf<decltype(tag)>;
      const T* src = in.data<T>();
      T* dst = out.data<T>();
      for (int64_t o = 0; o < outer; ++o) {
        for (int64_t i : indices) {
          const T* from = src + (o * dim + i) * inner;
          dst = std::copy(from, from + inner, dst);
        }
      }
    });
    outputs[0] = out.Finish();
  }

 private:
  NodeInfo info_;
  int64_t axis_;
};

class GatherElementsKernel final : public Kernel {
 public:
  explicit GatherElementsKernel(const NodeInfo& info)
      : info_(info), axis_(info.GetInt("axis", 0)) {}
  void Run(const std::vector<const ir::Tensor*>& inputs, std::vector<ir::Tensor>& outputs,
           const RunContext&) override {
    const ir::Tensor& x = RequireInput(inputs, 0, info_, "data");
    const ir::Tensor& idx_t = RequireInput(inputs, 1, info_, "indices");
    const int64_t rank = static_cast<int64_t>(x.dims.size());
    if (rank == 0 || idx_t.dims.size() != x.dims.size()) {
      info_.Fail(ErrorCode::kInvalidArgument, "indices " + ShapeString(idx_t.dims) +
                                                  " must have the rank of data " +
                                                  ShapeString(x.dims));
    }
    const size_t axis = static_cast<size_t>(NormalizeAxis(axis_, rank, info_));
    for (size_t k = 0; k < x.dims.size(); ++k) {
      if (k != axis && idx_t.dims[k] > x.dims[k]) {
        info_.Fail(ErrorCode::kInvalidArgument,
                   "indices " + ShapeString(idx_t.dims) + " exceed data " + ShapeString(x.dims));
      }
    }
    const std::vector<int64_t> indices = ReadInt64s(idx_t, info_, "indices");
    const std::vector<int64_t> data_strides = Strides(x.dims);
    const int64_t n = static_cast<int64_t>(indices.size());
    std::vector<int64_t> sources(indices.size());
    std::vector<int64_t> pos(x.dims.size(), 0);
    int64_t base = 0;  // data offset of `pos` with the axis coordinate zero
    for (int64_t e = 0; e < n; ++e) {
      sources[static_cast<size_t>(e)] =
          base +
          CheckedIndex(indices[static_cast<size_t>(e)], x.dims[axis], info_) * data_strides[axis];
      for (size_t k = pos.size(); k-- > 0;) {
        if (k != axis) base += data_strides[k];
        if (++pos[k] < idx_t.dims[k]) break;
        if (k != axis) base -= data_strides[k] * idx_t.dims[k];
        pos[k] = 0;
      }
    }
    MovedInput in(x);
    MovedOutput out(x.dtype, idx_t.dims);
    VisitCarrier(x.dtype, info_, [&](auto tag) {
      using T = CarrierOf<decltype(tag)>;
      const T* src = in.data<T>();
      T* dst = out.data<T>();
      for (int64_t e = 0; e < n; ++e) dst[e] = src[sources[static_cast<size_t>(e)]];
    });
    outputs[0] = out.Finish();
  }

 private:
  NodeInfo info_;
  int64_t axis_;
};

class GatherNDKernel final : public Kernel {
 public:
  explicit GatherNDKernel(const NodeInfo& info)
      : info_(info), batch_dims_(info.GetInt("batch_dims", 0)) {}
  void Run(const std::vector<const ir::Tensor*>& inputs, std::vector<ir::Tensor>& outputs,
           const RunContext&) override {
    const ir::Tensor& x = RequireInput(inputs, 0, info_, "data");
    const ir::Tensor& idx_t = RequireInput(inputs, 1, info_, "indices");
    const size_t r = x.dims.size(), q = idx_t.dims.size();
    const size_t b = static_cast<size_t>(batch_dims_);
    if (batch_dims_ < 0 || q < 1 || r < 1 || b >= std::min(r, q)) {
      info_.Fail(ErrorCode::kInvalidArgument, "batch_dims " + std::to_string(batch_dims_) +
                                                  " is invalid for data " + ShapeString(x.dims) +
                                                  " and indices " + ShapeString(idx_t.dims));
    }
    const size_t last = static_cast<size_t>(idx_t.dims[q - 1]);
    bool ok = last <= r - b;
    for (size_t k = 0; ok && k < b; ++k) ok = x.dims[k] == idx_t.dims[k];
    if (!ok) {
      info_.Fail(ErrorCode::kInvalidArgument,
                 "indices " + ShapeString(idx_t.dims) + " do not fit data " + ShapeString(x.dims));
    }
    const std::vector<int64_t> indices = ReadInt64s(idx_t, info_, "indices");
    std::vector<int64_t> dims(idx_t.dims.begin(), idx_t.dims.end() - 1);
    dims.insert(dims.end(), x.dims.begin() + static_cast<int64_t>(b + last), x.dims.end());
    const int64_t batches = Product(x.dims, 0, b);
    const int64_t per_batch = Product(idx_t.dims, b, q - 1);
    const int64_t slice = Product(x.dims, b + last, r);
    const int64_t batch_stride = Product(x.dims, b, r);
    const std::vector<int64_t> strides = Strides(x.dims);
    std::vector<int64_t> sources;
    sources.reserve(static_cast<size_t>(batches * per_batch));
    for (int64_t bi = 0; bi < batches; ++bi) {
      for (int64_t j = 0; j < per_batch; ++j) {
        const size_t at = static_cast<size_t>((bi * per_batch + j) * static_cast<int64_t>(last));
        int64_t offset = bi * batch_stride;
        for (size_t k = 0; k < last; ++k) {
          offset += CheckedIndex(indices[at + k], x.dims[b + k], info_) * strides[b + k];
        }
        sources.push_back(offset);
      }
    }
    MovedInput in(x);
    MovedOutput out(x.dtype, dims);
    VisitCarrier(x.dtype, info_, [&](auto tag) {
      using T = CarrierOf<decltype(tag)>;
      const T* src = in.data<T>();
      T* dst = out.data<T>();
      for (int64_t s : sources) dst = std::copy(src + s, src + s + slice, dst);
    });
    outputs[0] = out.Finish();
  }

 private:
  NodeInfo info_;
  int64_t batch_dims_;
};

// ---------------------------------------------------------------------------------------------
template <typename T>
void TileInto(const T* in, const std::vector<int64_t>& in_dims, const std::vector<int64_t>& reps,
              const std::vector<int64_t>& in_strides, const std::vector<int64_t>& out_strides,
              size_t dim, T* out) {
  const int64_t n = in_dims[dim];
  if (dim + 1 == in_dims.size()) {
    for (int64_t r = 0; r < reps[dim]; ++r) out = std::copy(in, in + n, out);
    return;
  }
  for (int64_t i = 0; i < n; ++i) {
    TileInto(in + i * in_strides[dim], in_dims, reps, in_strides, out_strides, dim + 1,
             out + i * out_strides[dim]);
  }
  // The block for this dim's first repeat is complete; the other repeats are copies of it.
  const int64_t block = n * out_strides[dim];
  for (int64_t r = 1; r < reps[dim]; ++r) std::copy(out, out + block, out + r * block);
}

class TileKernel final : public Kernel {
 public:
  explicit TileKernel(const NodeInfo& info) : info_(info) {}
  void Run(const std::vector<const ir::Tensor*>& inputs, std::vector<ir::Tensor>& outputs,
           const RunContext&) override {
    const ir::Tensor& x = RequireInput(inputs, 0, info_, "input");
    const std::vector<int64_t> reps =
        ReadInt64s(RequireInput(inputs, 1, info_, "repeats"), info_, "repeats");
    if (reps.size() != x.dims.size()) {
      info_.Fail(
          ErrorCode::kInvalidArgument,
          "repeats " + ShapeString(reps) + " do not match input shape " + ShapeString(x.dims));
    }
    std::vector<int64_t> dims(x.dims.size());
    for (size_t k = 0; k < dims.size(); ++k) {
      if (reps[k] < 0) info_.Fail(ErrorCode::kInvalidArgument, "negative repeats");
      dims[k] = x.dims[k] * reps[k];
    }
    MovedInput in(x);
    MovedOutput out(x.dtype, dims);
    if (Product(dims) > 0) {
      VisitCarrier(x.dtype, info_, [&](auto tag) {
        using T = CarrierOf<decltype(tag)>;
        if (dims.empty()) {
          out.data<T>()[0] = in.data<T>()[0];
        } else {
          TileInto(in.data<T>(), x.dims, reps, Strides(x.dims), Strides(dims), 0, out.data<T>());
        }
      });
    }
    outputs[0] = out.Finish();
  }

 private:
  NodeInfo info_;
};

// ---------------------------------------------------------------------------------------------
// out[p] = in[maps[0][p0], maps[1][p1], ...], or `fill` where any map entry is -1 (Pad, Resize
// nearest).
template <typename T>
void GatherByAxisMaps(const T* src, const std::vector<int64_t>& in_dims,
                      const std::vector<int64_t>& out_dims,
                      const std::vector<std::vector<int64_t>>& maps, const T& fill, T* dst) {
  const size_t rank = out_dims.size();
  const int64_t total = Product(out_dims);
  if (total == 0) return;
  if (rank == 0) {
    dst[0] = src[0];
    return;
  }
  const std::vector<int64_t> in_strides = Strides(in_dims);
  std::vector<int64_t> pos(rank, 0);
  const std::vector<int64_t>& inner = maps[rank - 1];
  const int64_t width = out_dims[rank - 1];
  for (int64_t e = 0; e < total; e += width) {
    int64_t row = 0;
    bool outside = false;
    for (size_t k = 0; k + 1 < rank; ++k) {
      const int64_t s = maps[k][static_cast<size_t>(pos[k])];
      outside = outside || s < 0;
      row += s * in_strides[k];
    }
    for (int64_t o = 0; o < width; ++o) {
      const int64_t s = inner[static_cast<size_t>(o)];
      dst[e + o] = outside || s < 0 ? fill : src[row + s];
    }
    for (size_t k = rank - 1; k-- > 0;) {
      if (++pos[k] < out_dims[k]) break;
      pos[k] = 0;
    }
  }
}

class PadKernel final : public Kernel {
 public:
  explicit PadKernel(const NodeInfo& info)
      : info_(info), mode_(info.GetString("mode", "constant")) {
    if (mode_ != "constant" && mode_ != "reflect" && mode_ != "edge" &&
        !(mode_ == "wrap" && info.opset() >= 19)) {
      info.Fail(ErrorCode::kUnsupported, "attribute 'mode' value '" + mode_ + "' is not supported");
    }
    if (info.opset() < 11) {
      pads_attr_ = info.GetInts(info.opset() < 2 ? "paddings" : "pads");
      value_attr_ = info.GetFloat("value", 0.0f);
    }
  }
  void Run(const std::vector<const ir::Tensor*>& inputs, std::vector<ir::Tensor>& outputs,
           const RunContext&) override {
    const ir::Tensor& x = RequireInput(inputs, 0, info_, "data");
    const size_t rank = x.dims.size();
    std::vector<int64_t> pads =
        info_.opset() < 11 ? pads_attr_
                           : ReadInt64s(RequireInput(inputs, 1, info_, "pads"), info_, "pads");
    std::vector<int64_t> axes;
    if (info_.opset() >= 18 && inputs.size() > 3 && inputs[3] != nullptr) {
      axes = ReadInt64s(*inputs[3], info_, "axes");
    } else {
      for (size_t k = 0; k < rank; ++k) axes.push_back(static_cast<int64_t>(k));
    }
    if (pads.size() != 2 * axes.size()) {
      info_.Fail(ErrorCode::kInvalidArgument,
                 "pads " + ShapeString(pads) + " do not match input shape " + ShapeString(x.dims));
    }
    std::vector<int64_t> begin(rank, 0), end(rank, 0);
    for (size_t i = 0; i < axes.size(); ++i) {
      const size_t a =
          static_cast<size_t>(NormalizeAxis(axes[i], static_cast<int64_t>(rank), info_));
      begin[a] = pads[i];
      end[a] = pads[i + axes.size()];
    }
    // Per dim: the source coordinate of each output coordinate, -1 for the constant.
    std::vector<int64_t> dims(rank);
    std::vector<std::vector<int64_t>> source(rank);
    for (size_t k = 0; k < rank; ++k) {
      const int64_t n = x.dims[k];
      dims[k] = n + begin[k] + end[k];
      if (dims[k] < 0) {
        info_.Fail(
            ErrorCode::kInvalidArgument,
            "pads " + ShapeString(pads) + " remove more than input shape " + ShapeString(x.dims));
      }
      source[k].resize(static_cast<size_t>(dims[k]));
      for (int64_t o = 0; o < dims[k]; ++o) {
        int64_t s = o - begin[k];
        if (s < 0 || s >= n) {
          if (mode_ != "constant" && n == 0) {
            info_.Fail(ErrorCode::kInvalidArgument, "cannot pad an empty axis in mode " + mode_);
          }
          if (mode_ == "constant") {
            s = -1;
          } else if (mode_ == "edge") {
            s = std::clamp<int64_t>(s, 0, n - 1);
          } else if (mode_ == "wrap") {
            s = ((s % n) + n) % n;
          } else if (n == 1) {
            s = 0;
          } else {
            const int64_t period = 2 * (n - 1);
            s = ((s % period) + period) % period;
            if (s >= n) s = period - s;
          }
        }
        source[k][static_cast<size_t>(o)] = s;
      }
    }
    MovedInput in(x);
    MovedOutput out(x.dtype, dims);
    VisitCarrier(x.dtype, info_, [&](auto tag) {
      using T = CarrierOf<decltype(tag)>;
      const T fill = ConstantValue<T>(inputs, x);
      const T* src = in.data<T>();
      T* dst = out.data<T>();
      GatherByAxisMaps(src, x.dims, dims, source, fill, dst);
    });
    outputs[0] = out.Finish();
  }

 private:
  template <typename T>
  T ConstantValue(const std::vector<const ir::Tensor*>& inputs, const ir::Tensor& x) const {
    const ir::Tensor* value = info_.opset() >= 11 && inputs.size() > 2 ? inputs[2] : nullptr;
    if constexpr (std::is_same_v<T, std::string>) {
      return value != nullptr && !value->strings.empty() ? value->strings[0] : std::string();
    } else {
      if (value != nullptr && value->NumElements() > 0) {
        if (value->dtype != x.dtype) {
          info_.Fail(ErrorCode::kInvalidArgument, "constant_value type differs from data type");
        }
        MovedInput moved(*value);
        return moved.data<T>()[0];
      }
      const std::vector<uint8_t> bytes = datamove::ScalarBytes(x.dtype, value_attr_, info_);
      return datamove::CarrierFromBytes<T>(bytes.data());
    }
  }

  NodeInfo info_;
  std::string mode_;
  std::vector<int64_t> pads_attr_;
  float value_attr_ = 0.0f;
};

// ---------------------------------------------------------------------------------------------
// Typed element loads for ops that compare or add values; 16-bit floats go through float.
template <typename Fn>
void VisitNumeric(ir::DType dtype, const NodeInfo& info, Fn&& fn) {
  using ir::DType;
  switch (dtype) {
    case DType::kFloat:
      return fn(datamove::TypeTag<float>{});
    case DType::kDouble:
      return fn(datamove::TypeTag<double>{});
    case DType::kFloat16:
    case DType::kBFloat16:
      return fn(datamove::TypeTag<uint16_t>{});
    case DType::kInt8:
      return fn(datamove::TypeTag<int8_t>{});
    case DType::kUint8:
      return fn(datamove::TypeTag<uint8_t>{});
    case DType::kInt16:
      return fn(datamove::TypeTag<int16_t>{});
    case DType::kUint16:
      return fn(datamove::TypeTag<uint16_t>{});
    case DType::kInt32:
      return fn(datamove::TypeTag<int32_t>{});
    case DType::kUint32:
      return fn(datamove::TypeTag<uint32_t>{});
    case DType::kInt64:
      return fn(datamove::TypeTag<int64_t>{});
    case DType::kUint64:
      return fn(datamove::TypeTag<uint64_t>{});
    default:
      info.Fail(ErrorCode::kUnsupported,
                std::string("element type ") + ir::DTypeName(dtype) + " is not supported");
  }
}

bool IsHalf(ir::DType dtype) {
  return dtype == ir::DType::kFloat16 || dtype == ir::DType::kBFloat16;
}
float HalfLoad(ir::DType dtype, uint16_t bits) {
  return dtype == ir::DType::kFloat16 ? ir::HalfToFloat(bits) : ir::BFloat16ToFloat(bits);
}
uint16_t HalfStore(ir::DType dtype, float v) {
  return dtype == ir::DType::kFloat16 ? ir::FloatToHalf(v) : ir::FloatToBFloat16(v);
}

class TopKKernel final : public Kernel {
 public:
  explicit TopKKernel(const NodeInfo& info)
      : info_(info),
        axis_(info.GetInt("axis", -1)),
        largest_(info.GetInt("largest", 1) != 0),
        k_attr_(info.opset() < 10 ? info.RequireInt("k") : 0) {}
  void Run(const std::vector<const ir::Tensor*>& inputs, std::vector<ir::Tensor>& outputs,
           const RunContext&) override {
    const ir::Tensor& x = RequireInput(inputs, 0, info_, "X");
    const int64_t rank = static_cast<int64_t>(x.dims.size());
    if (rank == 0) info_.Fail(ErrorCode::kInvalidArgument, "X must have rank >= 1");
    const size_t axis = static_cast<size_t>(NormalizeAxis(axis_, rank, info_));
    int64_t k = k_attr_;
    if (info_.opset() >= 10) {
      const std::vector<int64_t> kv = ReadInt64s(RequireInput(inputs, 1, info_, "K"), info_, "K");
      if (kv.size() != 1) info_.Fail(ErrorCode::kInvalidArgument, "K must hold one value");
      k = kv[0];
    }
    const int64_t dim = x.dims[axis];
    if (k < 0 || k > dim) {
      info_.Fail(
          ErrorCode::kInvalidArgument,
          "k " + std::to_string(k) + " is out of range for an axis of size " + std::to_string(dim));
    }
    std::vector<int64_t> dims = x.dims;
    dims[axis] = k;
    ir::Tensor values = NewTensor(x.dtype, dims);
    ir::Tensor indices = NewTensor(ir::DType::kInt64, dims);
    const int64_t outer = Product(x.dims, 0, axis),
                  inner = Product(x.dims, axis + 1, x.dims.size());
    VisitNumeric(x.dtype, info_, [&](auto tag) {
      using T = CarrierOf<decltype(tag)>;
      using Key = std::conditional_t<std::is_same_v<T, uint16_t>, float, T>;
      const bool half = IsHalf(x.dtype);
      const T* src = x.DataAs<T>();
      T* vout = MutableData<T>(values);
      int64_t* iout = MutableData<int64_t>(indices);
      std::vector<std::pair<Key, int64_t>> row(static_cast<size_t>(dim));
      // NaN ranks above every number (as numpy's sort places it last), ties by lower index.
      auto before = [this](const std::pair<Key, int64_t>& a, const std::pair<Key, int64_t>& b) {
        if (a.first != b.first) {
          if constexpr (std::is_floating_point_v<Key>) {
            if (std::isnan(a.first) || std::isnan(b.first)) {
              if (std::isnan(a.first) && std::isnan(b.first)) return a.second < b.second;
              return largest_ ? std::isnan(a.first) : std::isnan(b.first);
            }
          }
          return largest_ ? a.first > b.first : a.first < b.first;
        }
        return a.second < b.second;
      };
      for (int64_t o = 0; o < outer; ++o) {
        for (int64_t in = 0; in < inner; ++in) {
          const T* base = src + o * dim * inner + in;
          for (int64_t j = 0; j < dim; ++j) {
            const T v = base[j * inner];
            Key key;
            if constexpr (std::is_same_v<T, uint16_t>) {
              key = half ? HalfLoad(x.dtype, v) : static_cast<float>(v);
            } else {
              key = v;
            }
            row[static_cast<size_t>(j)] = {key, j};
          }
          std::partial_sort(row.begin(), row.begin() + k, row.end(), before);
          for (int64_t j = 0; j < k; ++j) {
            const int64_t at = (o * k + j) * inner + in;
            const int64_t from = row[static_cast<size_t>(j)].second;
            vout[at] = base[from * inner];
            iout[at] = from;
          }
        }
      }
    });
    outputs[0] = std::move(values);
    if (outputs.size() > 1) outputs[1] = std::move(indices);
  }

 private:
  NodeInfo info_;
  int64_t axis_;
  bool largest_;
  int64_t k_attr_;
};

// ---------------------------------------------------------------------------------------------
class CumSumKernel final : public Kernel {
 public:
  explicit CumSumKernel(const NodeInfo& info)
      : info_(info),
        exclusive_(info.GetInt("exclusive", 0) != 0),
        reverse_(info.GetInt("reverse", 0) != 0) {}
  void Run(const std::vector<const ir::Tensor*>& inputs, std::vector<ir::Tensor>& outputs,
           const RunContext&) override {
    const ir::Tensor& x = RequireInput(inputs, 0, info_, "x");
    const std::vector<int64_t> axis_v =
        ReadInt64s(RequireInput(inputs, 1, info_, "axis"), info_, "axis");
    if (axis_v.size() != 1) info_.Fail(ErrorCode::kInvalidArgument, "axis must be a scalar");
    const int64_t rank = static_cast<int64_t>(x.dims.size());
    if (rank == 0) info_.Fail(ErrorCode::kInvalidArgument, "x must have rank >= 1");
    const size_t axis = static_cast<size_t>(NormalizeAxis(axis_v[0], rank, info_));
    const int64_t dim = x.dims[axis];
    const int64_t outer = Product(x.dims, 0, axis),
                  inner = Product(x.dims, axis + 1, x.dims.size());
    ir::Tensor out = NewTensor(x.dtype, x.dims);
    VisitNumeric(x.dtype, info_, [&](auto tag) {
      using T = CarrierOf<decltype(tag)>;
      const bool half = IsHalf(x.dtype);
      using Acc = std::conditional_t<std::is_same_v<T, uint16_t>, float, T>;
      const T* src = x.DataAs<T>();
      T* dst = MutableData<T>(out);
      for (int64_t o = 0; o < outer; ++o) {
        for (int64_t in = 0; in < inner; ++in) {
          Acc sum = 0;
          for (int64_t step = 0; step < dim; ++step) {
            const int64_t j = reverse_ ? dim - 1 - step : step;
            const int64_t at = (o * dim + j) * inner + in;
            Acc v;
            if constexpr (std::is_same_v<T, uint16_t>) {
              v = half ? HalfLoad(x.dtype, src[at]) : static_cast<Acc>(src[at]);
            } else {
              v = src[at];
            }
            if (!exclusive_) sum = static_cast<Acc>(sum + v);
            if constexpr (std::is_same_v<T, uint16_t>) {
              dst[at] = half ? HalfStore(x.dtype, sum) : static_cast<T>(sum);
            } else {
              dst[at] = sum;
            }
            if (exclusive_) sum = static_cast<Acc>(sum + v);
          }
        }
      }
    });
    outputs[0] = std::move(out);
  }

 private:
  NodeInfo info_;
  bool exclusive_, reverse_;
};

// ---------------------------------------------------------------------------------------------
// Resize (10..23) and Upsample (7..9). Each axis is resampled separately: nearest picks one source
// index per output coordinate; linear and cubic are tensor-product filters, so applying the 1-D
// filter axis after axis gives the N-D result.
class ResizeKernel final : public Kernel {
 public:
  explicit ResizeKernel(const NodeInfo& info)
      : info_(info),
        upsample_(info.node().op_type == "Upsample"),
        mode_(info.GetString("mode", "nearest")),
        coordinate_mode_(info.GetString("coordinate_transformation_mode", "half_pixel")),
        nearest_mode_(info.GetString("nearest_mode", "round_prefer_floor")),
        keep_aspect_(info.GetString("keep_aspect_ratio_policy", "stretch")),
        cubic_a_(info.GetFloat("cubic_coeff_a", -0.75f)),
        exclude_outside_(info.GetInt("exclude_outside", 0) != 0),
        extrapolation_(info.GetFloat("extrapolation_value", 0.0f)),
        antialias_(info.GetInt("antialias", 0) != 0),
        axes_(info.GetInts("axes")) {
    legacy_ = upsample_ || info.opset() < 11;
    if (mode_ == "bilinear" && upsample_) mode_ = "linear";
    if (mode_ != "nearest" && mode_ != "linear" && !(mode_ == "cubic" && !legacy_)) {
      info.Fail(ErrorCode::kUnsupported, "attribute 'mode' value '" + mode_ + "' is not supported");
    }
    if (legacy_) {
      coordinate_mode_ = "asymmetric";
    } else {
      static const char* const kModes[] = {
          "half_pixel", "half_pixel_symmetric", "pytorch_half_pixel", "align_corners",
          "asymmetric", "tf_half_pixel_for_nn", "tf_crop_and_resize"};
      if (std::find(std::begin(kModes), std::end(kModes), coordinate_mode_) == std::end(kModes)) {
        info.Fail(ErrorCode::kUnsupported, "attribute 'coordinate_transformation_mode' value '" +
                                               coordinate_mode_ + "' is not supported");
      }
    }
    if (nearest_mode_ != "round_prefer_floor" && nearest_mode_ != "round_prefer_ceil" &&
        nearest_mode_ != "floor" && nearest_mode_ != "ceil") {
      info.Fail(ErrorCode::kUnsupported,
                "attribute 'nearest_mode' value '" + nearest_mode_ + "' is not supported");
    }
    if (keep_aspect_ != "stretch" && keep_aspect_ != "not_larger" &&
        keep_aspect_ != "not_smaller") {
      info.Fail(ErrorCode::kUnsupported, "attribute 'keep_aspect_ratio_policy' value '" +
                                             keep_aspect_ + "' is not supported");
    }
    if (upsample_ && info.opset() < 9) scales_attr_ = info.GetFloats("scales");
  }

  void Run(const std::vector<const ir::Tensor*>& inputs, std::vector<ir::Tensor>& outputs,
           const RunContext&) override {
    const ir::Tensor& x = RequireInput(inputs, 0, info_, "X");
    const size_t rank = x.dims.size();
    auto present = [&](size_t i) -> const ir::Tensor* {
      return i < inputs.size() && inputs[i] != nullptr && inputs[i]->NumElements() > 0 ? inputs[i]
                                                                                       : nullptr;
    };
    std::vector<double> scales_in;
    std::vector<int64_t> sizes_in;
    std::vector<double> roi_in;
    if (legacy_) {
      if (upsample_ && info_.opset() < 9) {
        scales_in.assign(scales_attr_.begin(), scales_attr_.end());
      } else {
        const ir::Tensor* s = present(1);
        if (!s) info_.Fail(ErrorCode::kInvalidArgument, "missing input scales");
        scales_in = ReadFloats(*s, "scales");
      }
    } else {
      if (const ir::Tensor* r = present(1)) roi_in = ReadFloats(*r, "roi");
      if (const ir::Tensor* s = present(2)) scales_in = ReadFloats(*s, "scales");
      if (const ir::Tensor* s = present(3)) sizes_in = ReadInt64s(*s, info_, "sizes");
      if (scales_in.empty() == sizes_in.empty()) {
        info_.Fail(ErrorCode::kInvalidArgument, "exactly one of scales and sizes must be given");
      }
    }
    std::vector<size_t> axes;
    if (axes_.empty()) {
      for (size_t k = 0; k < rank; ++k) axes.push_back(k);
    } else {
      for (int64_t a : axes_) {
        axes.push_back(static_cast<size_t>(NormalizeAxis(a, static_cast<int64_t>(rank), info_)));
      }
    }
    const size_t n = axes.size();
    if ((!scales_in.empty() && scales_in.size() != n) ||
        (!sizes_in.empty() && sizes_in.size() != n)) {
      info_.Fail(ErrorCode::kInvalidArgument,
                 "scales/sizes length does not match input shape " + ShapeString(x.dims));
    }
    std::vector<double> roi_start(rank, 0.0), roi_end(rank, 1.0);
    if (coordinate_mode_ == "tf_crop_and_resize") {
      if (roi_in.size() != 2 * n) {
        info_.Fail(ErrorCode::kInvalidArgument,
                   "roi must hold " + std::to_string(2 * n) + " values for tf_crop_and_resize");
      }
      for (size_t i = 0; i < n; ++i) {
        roi_start[axes[i]] = roi_in[i];
        roi_end[axes[i]] = roi_in[i + n];
      }
    }
    std::vector<double> scale(rank, 1.0);
    std::vector<int64_t> dims = x.dims;
    if (!scales_in.empty()) {
      for (size_t i = 0; i < n; ++i) {
        const size_t a = axes[i];
        if (!(scales_in[i] > 0)) {
          info_.Fail(ErrorCode::kInvalidArgument, "scales must be positive");
        }
        scale[a] = scales_in[i];
        dims[a] = static_cast<int64_t>(
            std::floor(x.dims[a] * (roi_end[a] - roi_start[a]) * scales_in[i] + 1e-9));
      }
    } else {
      double common = keep_aspect_ == "not_larger" ? std::numeric_limits<double>::infinity() : 0;
      for (size_t i = 0; i < n; ++i) {
        const size_t a = axes[i];
        if (sizes_in[i] < 0) info_.Fail(ErrorCode::kInvalidArgument, "sizes must be >= 0");
        const double s = static_cast<double>(sizes_in[i]) / static_cast<double>(x.dims[a]);
        common = keep_aspect_ == "not_larger" ? std::min(common, s) : std::max(common, s);
        scale[a] = s;
        dims[a] = sizes_in[i];
      }
      if (keep_aspect_ != "stretch") {
        for (size_t a : axes) {
          scale[a] = common;
          dims[a] = static_cast<int64_t>(std::nearbyint(common * static_cast<double>(x.dims[a])));
        }
      }
    }
    if (mode_ == "nearest") {
      RunNearest(x, dims, scale, roi_start, roi_end, outputs);
    } else {
      RunFilter(x, dims, scale, roi_start, roi_end, outputs);
    }
  }

 private:
  std::vector<double> ReadFloats(const ir::Tensor& t, const char* what) const {
    if (t.dtype != ir::DType::kFloat && t.dtype != ir::DType::kDouble &&
        t.dtype != ir::DType::kFloat16) {
      info_.Fail(ErrorCode::kInvalidArgument, std::string(what) + " must be floating point");
    }
    std::vector<double> v(static_cast<size_t>(t.NumElements()));
    for (size_t i = 0; i < v.size(); ++i) v[i] = t.GetAsDouble(static_cast<int64_t>(i));
    return v;
  }

  // The source coordinate of output coordinate `out` along one axis. Like the ONNX reference,
  // align_corners and tf_crop_and_resize divide by the unrounded resized length in_len * scale.
  double SourceCoordinate(int64_t out, double scale, int64_t in_len, int64_t out_len,
                          double roi_start, double roi_end) const {
    const double x = static_cast<double>(out);
    const double resized = scale * static_cast<double>(in_len);
    const std::string& m = coordinate_mode_;
    if (m == "asymmetric") return x / scale;
    if (m == "half_pixel") return (x + 0.5) / scale - 0.5;
    if (m == "pytorch_half_pixel") return out_len > 1 ? (x + 0.5) / scale - 0.5 : 0.0;
    if (m == "tf_half_pixel_for_nn") return (x + 0.5) / scale;
    if (m == "align_corners") {
      return resized == 1 ? 0.0 : x * static_cast<double>(in_len - 1) / (resized - 1);
    }
    if (m == "half_pixel_symmetric") {
      const double adjustment = static_cast<double>(out_len) / (scale * in_len);
      const double center = static_cast<double>(in_len) / 2;
      return center * (1 - adjustment) + (x + 0.5) / scale - 0.5;
    }
    // tf_crop_and_resize
    const double span = static_cast<double>(in_len - 1);
    if (resized == 1) return 0.5 * (roi_start + roi_end) * span;
    return roi_start * span + x * (roi_end - roi_start) * span / (resized - 1);
  }

  bool Extrapolates(double source, int64_t in_len) const {
    return coordinate_mode_ == "tf_crop_and_resize" &&
           (source < 0 || source > static_cast<double>(in_len - 1));
  }

  int64_t NearestIndex(double source, double scale) const {
    if (legacy_) {
      // Opset 10 and Upsample: truncate when enlarging, ceil when shrinking (as ONNX Runtime).
      return static_cast<int64_t>(scale < 1 ? std::ceil(source) : std::floor(source));
    }
    const double fl = std::floor(source);
    if (nearest_mode_ == "floor") return static_cast<int64_t>(fl);
    if (nearest_mode_ == "ceil") return static_cast<int64_t>(std::ceil(source));
    if (source - fl == 0.5) {
      return static_cast<int64_t>(nearest_mode_ == "round_prefer_floor" ? fl : fl + 1);
    }
    return static_cast<int64_t>(std::round(source));
  }

  void RunNearest(const ir::Tensor& x, const std::vector<int64_t>& dims,
                  const std::vector<double>& scale, const std::vector<double>& roi_start,
                  const std::vector<double>& roi_end, std::vector<ir::Tensor>& outputs) const {
    const size_t rank = x.dims.size();
    std::vector<std::vector<int64_t>> maps(rank);
    for (size_t k = 0; k < rank; ++k) {
      const int64_t in_len = x.dims[k];
      maps[k].resize(static_cast<size_t>(dims[k]));
      for (int64_t o = 0; o < dims[k]; ++o) {
        const double s = SourceCoordinate(o, scale[k], in_len, dims[k], roi_start[k], roi_end[k]);
        maps[k][static_cast<size_t>(o)] =
            Extrapolates(s, in_len) ? -1
                                    : std::clamp<int64_t>(NearestIndex(s, scale[k]), 0,
                                                          std::max<int64_t>(in_len - 1, 0));
      }
      if (in_len == 0 && dims[k] > 0) {
        info_.Fail(ErrorCode::kInvalidArgument, "cannot resize an empty axis");
      }
    }
    MovedInput in(x);
    MovedOutput out(x.dtype, dims);
    VisitCarrier(x.dtype, info_, [&](auto tag) {
      using T = CarrierOf<decltype(tag)>;
      T fill{};
      if constexpr (!std::is_same_v<T, std::string>) {
        const std::vector<uint8_t> bytes = datamove::ScalarBytes(x.dtype, extrapolation_, info_);
        fill = datamove::CarrierFromBytes<T>(bytes.data());
      }
      GatherByAxisMaps(in.data<T>(), x.dims, dims, maps, fill, out.data<T>());
    });
    outputs[0] = out.Finish();
  }

  // The linear (triangle) or cubic (Keys, coefficient a) filter at distance d >= 0.
  double Filter(double d) const {
    if (mode_ == "linear") return std::max(0.0, 1 - d);
    const double a = cubic_a_;
    if (d < 1) return ((a + 2) * d - (a + 3)) * d * d + 1;
    if (d < 2) return ((a * d - 5 * a) * d + 8 * a) * d - 4 * a;
    return 0;
  }

  struct Tap {
    int64_t index;
    double weight;
  };
  // Per output coordinate: taps into the source axis, or none for the extrapolation value.
  std::vector<std::vector<Tap>> AxisTaps(int64_t in_len, int64_t out_len, double scale,
                                         double roi_start, double roi_end) const {
    std::vector<std::vector<Tap>> taps(static_cast<size_t>(out_len));
    const int64_t last = in_len - 1;
    for (int64_t o = 0; o < out_len; ++o) {
      const double s = SourceCoordinate(o, scale, in_len, out_len, roi_start, roi_end);
      if (Extrapolates(s, in_len)) continue;
      std::vector<Tap>& t = taps[static_cast<size_t>(o)];
      const double base = std::floor(s);
      const double r = s - base;
      const int64_t i0 = static_cast<int64_t>(base);
      // Antialiasing stretches the filter by 1/scale when shrinking (and renormalises).
      const double stretch = antialias_ ? std::min(scale, 1.0) : 1.0;
      const double support = mode_ == "linear" ? 1.0 : 2.0;
      const int64_t first = static_cast<int64_t>(std::floor(-support / stretch)) + 1;
      const int64_t end = 2 - first;
      double sum = 0;
      for (int64_t k = first; k < end; ++k) {
        const int64_t idx = i0 + k;
        if (exclude_outside_ && (idx < 0 || idx > last)) continue;
        const double w = Filter(std::abs((static_cast<double>(k) - r) * stretch));
        if (w == 0) continue;
        t.push_back({std::clamp<int64_t>(idx, 0, last), w});
        sum += w;
      }
      if ((exclude_outside_ || antialias_) && sum != 0) {
        for (Tap& tap : t) tap.weight /= sum;
      }
    }
    return taps;
  }

  template <typename C>
  void FilterAxis(const std::vector<C>& src, const std::vector<int64_t>& src_dims, size_t axis,
                  const std::vector<std::vector<Tap>>& taps, std::vector<C>& dst) const {
    const int64_t outer = Product(src_dims, 0, axis);
    const int64_t inner = Product(src_dims, axis + 1, src_dims.size());
    const int64_t in_len = src_dims[axis], out_len = static_cast<int64_t>(taps.size());
    dst.assign(static_cast<size_t>(outer * out_len * inner), static_cast<C>(extrapolation_));
    for (int64_t o = 0; o < outer; ++o) {
      for (int64_t j = 0; j < out_len; ++j) {
        const std::vector<Tap>& t = taps[static_cast<size_t>(j)];
        if (t.empty()) continue;
        C* out = dst.data() + (o * out_len + j) * inner;
        std::fill(out, out + inner, C(0));
        for (const Tap& tap : t) {
          const C w = static_cast<C>(tap.weight);
          const C* in = src.data() + (o * in_len + tap.index) * inner;
          for (int64_t i = 0; i < inner; ++i) out[i] += w * in[i];
        }
      }
    }
  }

  void RunFilter(const ir::Tensor& x, const std::vector<int64_t>& dims,
                 const std::vector<double>& scale, const std::vector<double>& roi_start,
                 const std::vector<double>& roi_end, std::vector<ir::Tensor>& outputs) const {
    if (x.dtype == ir::DType::kDouble) {
      FilterTyped<double>(x, dims, scale, roi_start, roi_end, outputs);
    } else {
      FilterTyped<float>(x, dims, scale, roi_start, roi_end, outputs);
    }
  }

  template <typename C>
  void FilterTyped(const ir::Tensor& x, const std::vector<int64_t>& dims,
                   const std::vector<double>& scale, const std::vector<double>& roi_start,
                   const std::vector<double>& roi_end, std::vector<ir::Tensor>& outputs) const {
    const ir::DType dtype = x.dtype;
    const bool integral = dtype == ir::DType::kUint8 || dtype == ir::DType::kInt8 ||
                          dtype == ir::DType::kInt32 || dtype == ir::DType::kInt64 ||
                          dtype == ir::DType::kUint16 || dtype == ir::DType::kInt16;
    if (!integral && dtype != ir::DType::kFloat && dtype != ir::DType::kDouble && !IsHalf(dtype)) {
      info_.Fail(ErrorCode::kUnsupported, std::string("element type ") + ir::DTypeName(dtype) +
                                              " is not supported in mode " + mode_);
    }
    std::vector<C> buffer(static_cast<size_t>(x.NumElements()));
    VisitNumeric(dtype, info_, [&](auto tag) {
      using T = CarrierOf<decltype(tag)>;
      const T* src = x.DataAs<T>();
      for (size_t i = 0; i < buffer.size(); ++i) {
        if constexpr (std::is_same_v<T, uint16_t>) {
          if (IsHalf(dtype)) {
            buffer[i] = static_cast<C>(HalfLoad(dtype, src[i]));
            continue;
          }
        }
        buffer[i] = static_cast<C>(src[i]);
      }
    });
    std::vector<int64_t> cur = x.dims;
    std::vector<C> next;
    for (size_t k = 0; k < cur.size(); ++k) {
      const bool identity =
          dims[k] == cur[k] && scale[k] == 1.0 && coordinate_mode_ != "tf_crop_and_resize";
      if (identity) continue;
      if (cur[k] == 0 && dims[k] > 0) {
        info_.Fail(ErrorCode::kInvalidArgument, "cannot resize an empty axis");
      }
      FilterAxis(buffer, cur, k, AxisTaps(cur[k], dims[k], scale[k], roi_start[k], roi_end[k]),
                 next);
      buffer.swap(next);
      cur[k] = dims[k];
    }
    ir::Tensor out = NewTensor(dtype, dims);
    VisitNumeric(dtype, info_, [&](auto tag) {
      using T = CarrierOf<decltype(tag)>;
      T* dst = MutableData<T>(out);
      for (size_t i = 0; i < buffer.size(); ++i) {
        if constexpr (std::is_integral_v<T>) {
          if (IsHalf(dtype)) {
            dst[i] = static_cast<T>(HalfStore(dtype, static_cast<float>(buffer[i])));
            continue;
          }
          const double v = std::nearbyint(static_cast<double>(buffer[i]));
          dst[i] =
              static_cast<T>(std::clamp(v, static_cast<double>(std::numeric_limits<T>::lowest()),
                                        static_cast<double>(std::numeric_limits<T>::max())));
        } else {
          dst[i] = static_cast<T>(buffer[i]);
        }
      }
    });
    outputs[0] = std::move(out);
  }

  NodeInfo info_;
  bool upsample_;
  bool legacy_ = false;
  std::string mode_, coordinate_mode_, nearest_mode_, keep_aspect_;
  float cubic_a_;
  bool exclude_outside_;
  float extrapolation_;
  bool antialias_;
  std::vector<int64_t> axes_;
  std::vector<float> scales_attr_;
};

}  // namespace

void RegisterDataMovementKernels(KernelRegistry& registry) {
  constexpr int64_t kLast = 23;
  registry.Register("", "Transpose", 1, kLast, &Make<TransposeKernel>);
  registry.Register("", "Concat", 1, kLast, &Make<ConcatKernel>);
  registry.Register("", "Split", 1, kLast, &Make<SplitKernel>);
  registry.Register("", "Slice", 1, kLast, &Make<SliceKernel>);
  registry.Register("", "Gather", 1, kLast, &Make<GatherKernel>);
  registry.Register("", "GatherElements", 11, kLast, &Make<GatherElementsKernel>);
  registry.Register("", "GatherND", 11, kLast, &Make<GatherNDKernel>);
  registry.Register("", "Tile", 6, kLast, &Make<TileKernel>);
  registry.Register("", "Pad", 1, kLast, &Make<PadKernel>);
  registry.Register("", "TopK", 1, kLast, &Make<TopKKernel>);
  registry.Register("", "CumSum", 11, kLast, &Make<CumSumKernel>);
  registry.Register("", "Resize", 10, kLast, &Make<ResizeKernel>);
  registry.Register("", "Upsample", 7, 9, &Make<ResizeKernel>);
}

}  // namespace nncf::exec
