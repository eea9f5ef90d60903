// Shape-only ops (views that share the input's storage), shape queries and constant producers.
#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>
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
using datamove::TypeTag;
using datamove::VisitCarrier;

template <typename K>
std::unique_ptr<Kernel> Make(const NodeInfo& info) {
  return std::make_unique<K>(info);
}

ir::Tensor Int64Tensor(std::vector<int64_t> dims, const std::vector<int64_t>& values) {
  ir::Tensor t = NewTensor(ir::DType::kInt64, std::move(dims));
  std::copy(values.begin(), values.end(), MutableData<int64_t>(t));
  return t;
}

class ReshapeKernel final : public Kernel {
 public:
  explicit ReshapeKernel(const NodeInfo& info)
      : info_(info), allow_zero_(info.GetInt("allowzero", 0) != 0) {
    if (info.opset() < 5) shape_attr_ = info.GetInts("shape");
  }
  void Run(const std::vector<const ir::Tensor*>& inputs, std::vector<ir::Tensor>& outputs,
           const RunContext&) override {
    const ir::Tensor& data = RequireInput(inputs, 0, info_, "data");
    const std::vector<int64_t> shape =
        info_.opset() < 5 ? shape_attr_
                          : ReadInt64s(RequireInput(inputs, 1, info_, "shape"), info_, "shape");
    std::vector<int64_t> dims(shape.size());
    int64_t inferred = -1, known = 1;
    for (size_t i = 0; i < shape.size(); ++i) {
      int64_t d = shape[i];
      if (d == 0 && !allow_zero_) {
        if (i >= data.dims.size()) {
          info_.Fail(ErrorCode::kInvalidArgument, "shape " + ShapeString(shape) + " copies dim " +
                                                      std::to_string(i) + " of input shape " +
                                                      ShapeString(data.dims));
        }
        d = data.dims[i];
      }
      if (d == -1) {
        if (inferred >= 0) {
          info_.Fail(ErrorCode::kInvalidArgument,
                     "shape " + ShapeString(shape) + " has more than one -1");
        }
        inferred = static_cast<int64_t>(i);
      } else if (d < 0) {
        info_.Fail(ErrorCode::kInvalidArgument, "shape " + ShapeString(shape) + " is invalid");
      } else {
        known *= d;
      }
      dims[i] = d;
    }
    const int64_t total = data.NumElements();
    if (inferred >= 0) {
      if (known == 0 || total % known != 0) {
        info_.Fail(ErrorCode::kInvalidArgument,
                   "cannot reshape " + ShapeString(data.dims) + " to " + ShapeString(shape));
      }
      dims[static_cast<size_t>(inferred)] = total / known;
    } else if (known != total) {
      info_.Fail(ErrorCode::kInvalidArgument,
                 "cannot reshape " + ShapeString(data.dims) + " to " + ShapeString(shape));
    }
    outputs[0] = ShareData(data, std::move(dims));
  }

 private:
  NodeInfo info_;
  bool allow_zero_;
  std::vector<int64_t> shape_attr_;
};

class FlattenKernel final : public Kernel {
 public:
  explicit FlattenKernel(const NodeInfo& info) : info_(info), axis_(info.GetInt("axis", 1)) {}
  void Run(const std::vector<const ir::Tensor*>& inputs, std::vector<ir::Tensor>& outputs,
           const RunContext&) override {
    const ir::Tensor& x = RequireInput(inputs, 0, info_, "input");
    const int64_t rank = static_cast<int64_t>(x.dims.size());
    int64_t axis = axis_ < 0 ? axis_ + rank : axis_;
    if (axis < 0 || axis > rank) {
      info_.Fail(
          ErrorCode::kInvalidArgument,
          "axis " + std::to_string(axis_) + " is out of range for rank " + std::to_string(rank));
    }
    const size_t a = static_cast<size_t>(axis);
    outputs[0] = ShareData(x, {Product(x.dims, 0, a), Product(x.dims, a, x.dims.size())});
  }

 private:
  NodeInfo info_;
  int64_t axis_;
};

// Axes of Squeeze/Unsqueeze: attribute before opset 13, input from 13.
std::vector<int64_t> ReadAxes(const NodeInfo& info, const std::vector<const ir::Tensor*>& inputs,
                              bool* has) {
  return datamove::IntsFromAttrOrInput(info, "axes", 1, 13, inputs, has);
}

class SqueezeKernel final : public Kernel {
 public:
  explicit SqueezeKernel(const NodeInfo& info) : info_(info) {}
  void Run(const std::vector<const ir::Tensor*>& inputs, std::vector<ir::Tensor>& outputs,
           const RunContext&) override {
    const ir::Tensor& x = RequireInput(inputs, 0, info_, "data");
    bool has = false;
    const std::vector<int64_t> axes = ReadAxes(info_, inputs, &has);
    const int64_t rank = static_cast<int64_t>(x.dims.size());
    std::vector<bool> drop(x.dims.size(), false);
    if (!has) {
      for (size_t i = 0; i < x.dims.size(); ++i) drop[i] = x.dims[i] == 1;
    }
    for (int64_t axis : axes) {
      const size_t a = static_cast<size_t>(NormalizeAxis(axis, rank, info_));
      if (x.dims[a] != 1) {
        info_.Fail(ErrorCode::kInvalidArgument, "cannot squeeze axis " + std::to_string(axis) +
                                                    " of shape " + ShapeString(x.dims));
      }
      drop[a] = true;
    }
    std::vector<int64_t> dims;
    for (size_t i = 0; i < x.dims.size(); ++i) {
      if (!drop[i]) dims.push_back(x.dims[i]);
    }
    outputs[0] = ShareData(x, std::move(dims));
  }

 private:
  NodeInfo info_;
};

class UnsqueezeKernel final : public Kernel {
 public:
  explicit UnsqueezeKernel(const NodeInfo& info) : info_(info) {}
  void Run(const std::vector<const ir::Tensor*>& inputs, std::vector<ir::Tensor>& outputs,
           const RunContext&) override {
    const ir::Tensor& x = RequireInput(inputs, 0, info_, "data");
    bool has = false;
    const std::vector<int64_t> axes = ReadAxes(info_, inputs, &has);
    if (!has) info_.Fail(ErrorCode::kInvalidArgument, "axes are required");
    const int64_t out_rank = static_cast<int64_t>(x.dims.size() + axes.size());
    std::vector<bool> inserted(static_cast<size_t>(out_rank), false);
    for (int64_t axis : axes) {
      const size_t a = static_cast<size_t>(NormalizeAxis(axis, out_rank, info_));
      if (inserted[a]) {
        info_.Fail(ErrorCode::kInvalidArgument, "axis " + std::to_string(axis) + " is repeated");
      }
      inserted[a] = true;
    }
    std::vector<int64_t> dims;
    size_t next = 0;
    for (size_t i = 0; i < inserted.size(); ++i) dims.push_back(inserted[i] ? 1 : x.dims[next++]);
    outputs[0] = ShareData(x, std::move(dims));
  }

 private:
  NodeInfo info_;
};

class ShapeKernel final : public Kernel {
 public:
  explicit ShapeKernel(const NodeInfo& info)
      : info_(info),
        start_(info.GetInt("start", 0)),
        end_(info.GetInt("end", std::numeric_limits<int64_t>::max())) {}
  void Run(const std::vector<const ir::Tensor*>& inputs, std::vector<ir::Tensor>& outputs,
           const RunContext&) override {
    const ir::Tensor& x = RequireInput(inputs, 0, info_, "data");
    const int64_t rank = static_cast<int64_t>(x.dims.size());
    auto clamp = [rank](int64_t v) {
      if (v < 0) v += rank;
      return std::max<int64_t>(0, std::min(v, rank));
    };
    const int64_t start = clamp(start_), end = std::max(start, clamp(end_));
    outputs[0] = Int64Tensor({end - start},
                             std::vector<int64_t>(x.dims.begin() + start, x.dims.begin() + end));
  }

 private:
  NodeInfo info_;
  int64_t start_, end_;
};

class SizeKernel final : public Kernel {
 public:
  explicit SizeKernel(const NodeInfo& info) : info_(info) {}
  void Run(const std::vector<const ir::Tensor*>& inputs, std::vector<ir::Tensor>& outputs,
           const RunContext&) override {
    outputs[0] = Int64Tensor({}, {RequireInput(inputs, 0, info_, "data").NumElements()});
  }

 private:
  NodeInfo info_;
};

class ConstantKernel final : public Kernel {
 public:
  explicit ConstantKernel(const NodeInfo& info) {
    int set = 0;
    if (const ir::Tensor* t = info.GetTensor("value")) {
      value_ = ShareData(*t, t->dims);
      ++set;
    }
    if (info.Has("sparse_value")) {
      info.Fail(ErrorCode::kUnsupported, "attribute 'sparse_value' is not supported");
    }
    if (info.Has("value_float")) {
      const float v = info.GetFloat("value_float", 0.0f);
      value_ = ir::Tensor::FromBytes("", ir::DType::kFloat, {}, &v, sizeof v);
      ++set;
    }
    if (info.Has("value_floats")) {
      const std::vector<float> v = info.GetFloats("value_floats");
      value_ = ir::Tensor::FromBytes("", ir::DType::kFloat, {static_cast<int64_t>(v.size())},
                                     v.data(), v.size() * sizeof(float));
      ++set;
    }
    if (info.Has("value_int")) {
      value_ = Int64Tensor({}, {info.GetInt("value_int", 0)});
      ++set;
    }
    if (info.Has("value_ints")) {
      const std::vector<int64_t> v = info.GetInts("value_ints");
      value_ = Int64Tensor({static_cast<int64_t>(v.size())}, v);
      ++set;
    }
    if (info.Has("value_string")) {
      value_ = NewTensor(ir::DType::kString, {});
      value_.strings[0] = info.GetString("value_string", "");
      ++set;
    }
    if (info.Has("value_strings")) {
      const std::vector<std::string> v = info.GetStrings("value_strings");
      value_ = NewTensor(ir::DType::kString, {static_cast<int64_t>(v.size())});
      value_.strings = v;
      ++set;
    }
    if (set != 1) {
      info.Fail(ErrorCode::kInvalidModel,
                "exactly one value attribute must be set, got " + std::to_string(set));
    }
  }
  void Run(const std::vector<const ir::Tensor*>&, std::vector<ir::Tensor>& outputs,
           const RunContext&) override {
    outputs[0] = ShareData(value_, value_.dims);
  }

 private:
  ir::Tensor value_;
};

class ConstantOfShapeKernel final : public Kernel {
 public:
  explicit ConstantOfShapeKernel(const NodeInfo& info) : info_(info) {
    if (const ir::Tensor* t = info.GetTensor("value")) {
      if (t->NumElements() != 1) {
        info.Fail(ErrorCode::kInvalidModel,
                  "attribute 'value' must hold one element, got shape " + ShapeString(t->dims));
      }
      value_ = ShareData(*t, {1});
    } else {
      value_ = NewTensor(ir::DType::kFloat, {1});
    }
  }
  void Run(const std::vector<const ir::Tensor*>& inputs, std::vector<ir::Tensor>& outputs,
           const RunContext&) override {
    const std::vector<int64_t> dims =
        ReadInt64s(RequireInput(inputs, 0, info_, "input"), info_, "input");
    for (int64_t d : dims) {
      if (d < 0) info_.Fail(ErrorCode::kInvalidArgument, "negative dim in " + ShapeString(dims));
    }
    MovedInput value(value_);
    MovedOutput out(value_.dtype, dims);
    const int64_t n = Product(dims);
    VisitCarrier(value_.dtype, info_, [&](auto tag) {
      using T = typename decltype(tag)::type;
      std::fill(out.data<T>(), out.data<T>() + n, value.data<T>()[0]);
    });
    outputs[0] = out.Finish();
  }

 private:
  NodeInfo info_;
  ir::Tensor value_;
};

class RangeKernel final : public Kernel {
 public:
  explicit RangeKernel(const NodeInfo& info) : info_(info) {}
  void Run(const std::vector<const ir::Tensor*>& inputs, std::vector<ir::Tensor>& outputs,
           const RunContext&) override {
    const ir::Tensor& start = RequireInput(inputs, 0, info_, "start");
    const ir::Tensor& limit = RequireInput(inputs, 1, info_, "limit");
    const ir::Tensor& delta = RequireInput(inputs, 2, info_, "delta");
    if (limit.dtype != start.dtype || delta.dtype != start.dtype) {
      info_.Fail(ErrorCode::kInvalidArgument, "start, limit and delta must have one type");
    }
    for (const ir::Tensor* t : {&start, &limit, &delta}) {
      if (t->NumElements() != 1) {
        info_.Fail(ErrorCode::kInvalidArgument,
                   "start, limit and delta must be scalars, got shape " + ShapeString(t->dims));
      }
    }
    switch (start.dtype) {
      case ir::DType::kFloat:
        outputs[0] = Fill<float>(start, limit, delta);
        break;
      case ir::DType::kDouble:
        outputs[0] = Fill<double>(start, limit, delta);
        break;
      case ir::DType::kInt16:
        outputs[0] = Fill<int16_t>(start, limit, delta);
        break;
      case ir::DType::kInt32:
        outputs[0] = Fill<int32_t>(start, limit, delta);
        break;
      case ir::DType::kInt64:
        outputs[0] = Fill<int64_t>(start, limit, delta);
        break;
      default:
        info_.Fail(ErrorCode::kUnsupported,
                   std::string("element type ") + ir::DTypeName(start.dtype) + " is not supported");
    }
  }

 private:
  template <typename T>
  ir::Tensor Fill(const ir::Tensor& start_t, const ir::Tensor& limit_t,
                  const ir::Tensor& delta_t) const {
    const T start = start_t.DataAs<T>()[0], limit = limit_t.DataAs<T>()[0];
    const T delta = delta_t.DataAs<T>()[0];
    if (delta == 0) info_.Fail(ErrorCode::kInvalidArgument, "delta must not be zero");
    int64_t count = 0;
    if constexpr (std::is_integral_v<T>) {
      const int64_t diff = static_cast<int64_t>(limit) - static_cast<int64_t>(start);
      const int64_t d = delta;
      if ((diff > 0 && d > 0) || (diff < 0 && d < 0)) count = (diff + d - (d > 0 ? 1 : -1)) / d;
    } else {
      const double c = std::ceil((static_cast<double>(limit) - start) / delta);
      if (!(c <= static_cast<double>(std::numeric_limits<int32_t>::max()))) {
        info_.Fail(ErrorCode::kInvalidArgument, "range is too long");
      }
      count = std::max<int64_t>(0, static_cast<int64_t>(c));
    }
    ir::Tensor out = NewTensor(start_t.dtype, {count});
    T* p = MutableData<T>(out);
    for (int64_t i = 0; i < count; ++i) p[i] = static_cast<T>(start + static_cast<T>(i) * delta);
    return out;
  }

  NodeInfo info_;
};

class IdentityKernel final : public Kernel {
 public:
  explicit IdentityKernel(const NodeInfo& info) : info_(info) {}
  void Run(const std::vector<const ir::Tensor*>& inputs, std::vector<ir::Tensor>& outputs,
           const RunContext&) override {
    const ir::Tensor& x = RequireInput(inputs, 0, info_, "input");
    outputs[0] = ShareData(x, x.dims);
  }

 private:
  NodeInfo info_;
};

// Inference semantics: the output is the input and the mask is all kept. Opset 12+ training mode
// is only computable when the ratio is zero (random drops cannot be reproduced).
class DropoutKernel final : public Kernel {
 public:
  explicit DropoutKernel(const NodeInfo& info) : info_(info) {}
  void Run(const std::vector<const ir::Tensor*>& inputs, std::vector<ir::Tensor>& outputs,
           const RunContext&) override {
    const ir::Tensor& x = RequireInput(inputs, 0, info_, "data");
    if (info_.opset() >= 12 && inputs.size() > 2 && inputs[2] != nullptr &&
        datamove::ScalarInput(*inputs[2], info_, "training_mode") != 0) {
      const double ratio =
          inputs[1] != nullptr ? datamove::ScalarInput(*inputs[1], info_, "ratio") : 0.5;
      if (ratio != 0) {
        info_.Fail(ErrorCode::kUnsupported,
                   "training_mode=1 with ratio " + std::to_string(ratio) + " is not supported");
      }
    }
    outputs[0] = ShareData(x, x.dims);
    if (outputs.size() > 1 && !info_.node().outputs[1].empty()) {
      const ir::DType mask_type = info_.opset() >= 10 ? ir::DType::kBool : x.dtype;
      const std::vector<uint8_t> one = datamove::ScalarBytes(mask_type, 1.0, info_);
      ir::Tensor mask = NewTensor(mask_type, x.dims);
      uint8_t* p = MutableBytes(mask);
      for (int64_t i = 0; i < x.NumElements(); ++i) {
        std::copy(one.begin(), one.end(), p + i * static_cast<int64_t>(one.size()));
      }
      outputs[1] = std::move(mask);
    }
  }

 private:
  NodeInfo info_;
};

class ExpandKernel final : public Kernel {
 public:
  explicit ExpandKernel(const NodeInfo& info) : info_(info) {}
  void Run(const std::vector<const ir::Tensor*>& inputs, std::vector<ir::Tensor>& outputs,
           const RunContext&) override {
    const ir::Tensor& x = RequireInput(inputs, 0, info_, "input");
    const std::vector<int64_t> shape =
        ReadInt64s(RequireInput(inputs, 1, info_, "shape"), info_, "shape");
    const std::vector<int64_t> dims = BroadcastShapes(x.dims, shape, info_);
    MovedInput in(x);
    MovedOutput out(x.dtype, dims);
    VisitCarrier(x.dtype, info_, [&](auto tag) {
      using T = typename decltype(tag)::type;
      datamove::StridedCopy(in.data<T>(), 0, BroadcastStrides(x.dims, dims), dims, out.data<T>());
    });
    outputs[0] = out.Finish();
  }

 private:
  NodeInfo info_;
};

class EyeLikeKernel final : public Kernel {
 public:
  explicit EyeLikeKernel(const NodeInfo& info)
      : info_(info), k_(info.GetInt("k", 0)), dtype_(info.GetInt("dtype", 0)) {}
  void Run(const std::vector<const ir::Tensor*>& inputs, std::vector<ir::Tensor>& outputs,
           const RunContext&) override {
    const ir::Tensor& x = RequireInput(inputs, 0, info_, "input");
    if (x.dims.size() != 2) {
      info_.Fail(ErrorCode::kInvalidArgument, "input must be 2-D, got " + ShapeString(x.dims));
    }
    const ir::DType dtype = dtype_ != 0 ? static_cast<ir::DType>(dtype_) : x.dtype;
    if (!ir::IsKnownDType(static_cast<int32_t>(dtype)) || dtype == ir::DType::kString ||
        ir::IsSubByte(dtype)) {
      info_.Fail(ErrorCode::kUnsupported, "dtype " + std::to_string(dtype_) + " is not supported");
    }
    const std::vector<uint8_t> one = datamove::ScalarBytes(dtype, 1.0, info_);
    ir::Tensor out = NewTensor(dtype, x.dims);
    uint8_t* p = MutableBytes(out);
    const int64_t rows = x.dims[0], cols = x.dims[1];
    for (int64_t r = 0; r < rows; ++r) {
      const int64_t c = r + k_;
      if (c >= 0 && c < cols) {
        std::copy(one.begin(), one.end(), p + (r * cols + c) * static_cast<int64_t>(one.size()));
      }
    }
    outputs[0] = std::move(out);
  }

 private:
  NodeInfo info_;
  int64_t k_;
  int64_t dtype_;
};

}  // namespace

void RegisterShapeKernels(KernelRegistry& registry) {
  constexpr int64_t kLast = 23;
  registry.Register("", "Reshape", 1, kLast, &Make<ReshapeKernel>);
  registry.Register("", "Flatten", 1, kLast, &Make<FlattenKernel>);
  registry.Register("", "Squeeze", 1, kLast, &Make<SqueezeKernel>);
  registry.Register("", "Unsqueeze", 1, kLast, &Make<UnsqueezeKernel>);
  registry.Register("", "Shape", 1, kLast, &Make<ShapeKernel>);
  registry.Register("", "Size", 1, kLast, &Make<SizeKernel>);
  registry.Register("", "Constant", 1, kLast, &Make<ConstantKernel>);
  registry.Register("", "ConstantOfShape", 9, kLast, &Make<ConstantOfShapeKernel>);
  registry.Register("", "Range", 11, kLast, &Make<RangeKernel>);
  registry.Register("", "Identity", 1, kLast, &Make<IdentityKernel>);
  registry.Register("", "Dropout", 1, kLast, &Make<DropoutKernel>);
  registry.Register("", "Expand", 8, kLast, &Make<ExpandKernel>);
  registry.Register("", "EyeLike", 9, kLast, &Make<EyeLikeKernel>);
}

}  // namespace nncf::exec
