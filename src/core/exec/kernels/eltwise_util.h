// Shared machinery of the elementwise, activation and reduction kernels: dtype dispatch, the
// float16/bfloat16 widening (they are computed in float), broadcasting loops and a generic
// unary kernel. Private to src/core/exec/kernels.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "core/common/parallel_for.h"
#include "core/exec/kernel.h"
#include "core/exec/tensor_util.h"
#include "core/exec/uninitialized_tensor.h"
#include "core/ir/tensor.h"

namespace nncf::exec::eltwise {

template <typename T>
struct Tag {
  using type = T;
};

// Sets of element types an op accepts.
enum TypeSet : uint32_t {
  kFloats = 1,    // float, double, float16, bfloat16
  kSigned = 2,    // int8..int64
  kUnsigned = 4,  // uint8..uint64
  kBool = 8,      //
  kInts = kSigned | kUnsigned,
  kNumeric = kFloats | kInts,
  kAll = kNumeric | kBool,
};

bool IsHalfLike(ir::DType dtype);  // float16 or bfloat16: computed in float
bool InTypeSet(ir::DType dtype, uint32_t set);
// kUnsupported naming the node, the operand and the dtype.
[[noreturn]] void FailDType(const NodeInfo& info, const char* operand, ir::DType dtype);
// Checks that `dtype` is in `set`, else FailDType.
void RequireDType(const NodeInfo& info, const char* operand, ir::DType dtype, uint32_t set);

// float16/bfloat16 -> float (new tensor); other dtypes are returned as a copy of the handle.
ir::Tensor WidenToFloat(const ir::Tensor& tensor);
// float -> float16/bfloat16 (round to nearest even).
ir::Tensor NarrowFromFloat(const ir::Tensor& tensor, ir::DType target);

// Calls f(Tag<T>{}) for the storage type T of a dtype with plain C++ storage (float, double,
// integers, bool). Half-like and narrower types are not dispatched here: fails kUnsupported.
template <typename F>
void DispatchPlain(ir::DType dtype, const NodeInfo& info, const char* operand, F&& f) {
  switch (dtype) {
    case ir::DType::kFloat:
      return f(Tag<float>{});
    case ir::DType::kDouble:
      return f(Tag<double>{});
    case ir::DType::kInt8:
      return f(Tag<int8_t>{});
    case ir::DType::kInt16:
      return f(Tag<int16_t>{});
    case ir::DType::kInt32:
      return f(Tag<int32_t>{});
    case ir::DType::kInt64:
      return f(Tag<int64_t>{});
    case ir::DType::kUint8:
      return f(Tag<uint8_t>{});
    case ir::DType::kUint16:
      return f(Tag<uint16_t>{});
    case ir::DType::kUint32:
      return f(Tag<uint32_t>{});
    case ir::DType::kUint64:
      return f(Tag<uint64_t>{});
    case ir::DType::kBool:
      return f(Tag<bool>{});
    default:
      FailDType(info, operand, dtype);
  }
}

// Whether storage type T belongs to a TypeSet (half-like types are computed as float).
template <typename T>
constexpr bool Accepts(uint32_t set) {
  if constexpr (std::is_same_v<T, bool>) {
    return (set & kBool) != 0;
  } else if constexpr (std::is_floating_point_v<T>) {
    return (set & kFloats) != 0;
  } else if constexpr (std::is_signed_v<T>) {
    return (set & kSigned) != 0;
  } else {
    return (set & kUnsigned) != 0;
  }
}

// Base of stateless elementwise functors (they ignore the node).
struct Stateless {
  explicit Stateless(const NodeInfo& /*info*/) {}
};

template <typename T>
constexpr ir::DType DTypeOf() {
  if constexpr (std::is_same_v<T, float>) return ir::DType::kFloat;
  if constexpr (std::is_same_v<T, double>) return ir::DType::kDouble;
  if constexpr (std::is_same_v<T, int8_t>) return ir::DType::kInt8;
  if constexpr (std::is_same_v<T, int16_t>) return ir::DType::kInt16;
  if constexpr (std::is_same_v<T, int32_t>) return ir::DType::kInt32;
  if constexpr (std::is_same_v<T, int64_t>) return ir::DType::kInt64;
  if constexpr (std::is_same_v<T, uint8_t>) return ir::DType::kUint8;
  if constexpr (std::is_same_v<T, uint16_t>) return ir::DType::kUint16;
  if constexpr (std::is_same_v<T, uint32_t>) return ir::DType::kUint32;
  if constexpr (std::is_same_v<T, uint64_t>) return ir::DType::kUint64;
  if constexpr (std::is_same_v<T, bool>) return ir::DType::kBool;
  return ir::DType::kUndefined;
}

// Broadcast operand shapes with adjacent dims merged where both operands are either contiguous or
// broadcast alike, and size-1 output dims dropped: same iteration, longer inner loops (a per-
// channel bias over NCHW becomes [N, C, H*W]). Never empty.
struct CoalescedShapes {
  std::vector<int64_t> out, a, b;
};
CoalescedShapes CoalesceBroadcast(const std::vector<int64_t>& a, const std::vector<int64_t>& b,
                                  const std::vector<int64_t>& out);

// out[i] = f(a[ia], b[ib]) over the broadcast of a and b to `out_dims`. Fast paths for equal
// shapes and scalar operands; otherwise rows of the last output dim with strides 0 or 1. Large
// outputs are split over `num_threads` (contiguous ranges: same bytes for any thread count).
template <typename A, typename B, typename O, typename F>
void BroadcastBinary(const A* a, const std::vector<int64_t>& a_dims, const B* b,
                     const std::vector<int64_t>& b_dims, O* out,
                     const std::vector<int64_t>& out_dims, F f, int num_threads = 1) {
  int64_t n = 1;
  for (int64_t d : out_dims) n *= d;
  if (n == 0) return;
  int64_t na = 1, nb = 1;
  for (int64_t d : a_dims) na *= d;
  for (int64_t d : b_dims) nb *= d;
  if (na == n && nb == n) {
    ParallelFor(num_threads, n, 1, [&](int64_t begin, int64_t end) {
      for (int64_t i = begin; i < end; ++i) out[i] = f(a[i], b[i]);
    });
    return;
  }
  if (na == 1 && nb == n) {
    const A s = a[0];
    ParallelFor(num_threads, n, 1, [&](int64_t begin, int64_t end) {
      for (int64_t i = begin; i < end; ++i) out[i] = f(s, b[i]);
    });
    return;
  }
  if (nb == 1 && na == n) {
    const B s = b[0];
    ParallelFor(num_threads, n, 1, [&](int64_t begin, int64_t end) {
      for (int64_t i = begin; i < end; ++i) out[i] = f(a[i], s);
    });
    return;
  }
  const CoalescedShapes shapes = CoalesceBroadcast(a_dims, b_dims, out_dims);
  const size_t rank = shapes.out.size();
  const std::vector<int64_t> sa = BroadcastStrides(shapes.a, shapes.out);
  const std::vector<int64_t> sb = BroadcastStrides(shapes.b, shapes.out);
  const std::vector<int64_t>& dims = shapes.out;
  const int64_t inner = dims[rank - 1];
  const int64_t ia = sa[rank - 1], ib = sb[rank - 1];
  ParallelFor(num_threads, n / inner, inner, [&](int64_t row_begin, int64_t row_end) {
    // Odometer position of the first row of this range.
    std::vector<int64_t> index(rank, 0);
    int64_t oa = 0, ob = 0;
    for (int64_t d = static_cast<int64_t>(rank) - 2, r = row_begin; d >= 0; --d) {
      index[d] = r % dims[d];
      r /= dims[d];
      oa += index[d] * sa[d];
      ob += index[d] * sb[d];
    }
    for (int64_t row = row_begin; row < row_end; ++row) {
      const int64_t o = row * inner;
      if (ia == 1 && ib == 1) {
        for (int64_t j = 0; j < inner; ++j) out[o + j] = f(a[oa + j], b[ob + j]);
      } else if (ia == 1) {
        const B s = b[ob];
        for (int64_t j = 0; j < inner; ++j) out[o + j] = f(a[oa + j], s);
      } else if (ib == 1) {
        const A s = a[oa];
        for (int64_t j = 0; j < inner; ++j) out[o + j] = f(s, b[ob + j]);
      } else {
        for (int64_t j = 0; j < inner; ++j) out[o + j] = f(a[oa], b[ob]);
      }
      // Advance the odometer over the outer dims.
      for (size_t d = rank - 1; d-- > 0;) {
        oa += sa[d];
        ob += sb[d];
        if (++index[d] < dims[d]) break;
        oa -= sa[d] * dims[d];
        ob -= sb[d] * dims[d];
        index[d] = 0;
      }
    }
  });
}

// Element offsets of each operand for every output element of a multi-way broadcast.
class BroadcastIndexer {
 public:
  BroadcastIndexer(const std::vector<std::vector<int64_t>>& input_dims,
                   const std::vector<int64_t>& out_dims);
  int64_t size() const { return size_; }
  // Calls f(i, offsets) for each output element i in order.
  template <typename F>
  void ForEach(F f) const {
    const size_t rank = out_dims_.size();
    std::vector<int64_t> index(rank, 0), off(strides_.size(), 0);
    for (int64_t i = 0; i < size_; ++i) {
      f(i, off.data());
      for (size_t d = rank; d-- > 0;) {
        for (size_t k = 0; k < strides_.size(); ++k) off[k] += strides_[k][d];
        if (++index[d] < out_dims_[d]) break;
        for (size_t k = 0; k < strides_.size(); ++k) off[k] -= strides_[k][d] * out_dims_[d];
        index[d] = 0;
      }
    }
  }

 private:
  std::vector<int64_t> out_dims_;
  std::vector<std::vector<int64_t>> strides_;
  int64_t size_ = 1;
};

// Base of the kernels here: keeps its own copy of the node so that error labels and attributes
// stay valid for the kernel's lifetime.
class NodeKernel : public Kernel {
 public:
  explicit NodeKernel(const NodeInfo& info) : node_(info.node()), info_(node_, info.opset()) {}
  NodeKernel(const NodeKernel&) = delete;
  NodeKernel& operator=(const NodeKernel&) = delete;

 protected:
  const NodeInfo& info() const { return info_; }
  // inputs[index], failing kInvalidArgument when it is absent.
  const ir::Tensor& Input(const std::vector<const ir::Tensor*>& inputs, size_t index) const;

 private:
  ir::Node node_;
  NodeInfo info_;
};

// A kernel applying Op elementwise. Op is built from the NodeInfo, names its accepted TypeSet in
// `kTypes` and provides `template <typename T> T operator()(T) const` for those types.
// Ops with a vectorized float32 path expose `static void FloatSpan(const float* in, float* out,
// int64_t n)`; the kernel uses it for float tensors (each element is still computed on its own,
// so chunking does not change the results).
template <typename Op, typename = void>
struct HasFloatSpan : std::false_type {};
template <typename Op>
struct HasFloatSpan<Op,
                    std::void_t<decltype(Op::FloatSpan(static_cast<const float*>(nullptr),
                                                       static_cast<float*>(nullptr), int64_t{0}))>>
    : std::true_type {};

template <typename Op>
class UnaryKernel : public NodeKernel {
 public:
  explicit UnaryKernel(const NodeInfo& info) : NodeKernel(info), op_(this->info()) {}
  static std::unique_ptr<Kernel> Create(const NodeInfo& info) {
    return std::make_unique<UnaryKernel<Op>>(info);
  }

  void Run(const std::vector<const ir::Tensor*>& inputs, std::vector<ir::Tensor>& outputs,
           const RunContext& context) override {
    const ir::Tensor& x = Input(inputs, 0);
    RequireDType(info(), "input", x.dtype, Op::kTypes);
    if (IsHalfLike(x.dtype)) {
      const ir::Tensor wide = WidenToFloat(x);
      outputs[0] = NarrowFromFloat(Apply(wide, context.num_threads), x.dtype);
    } else {
      outputs[0] = Apply(x, context.num_threads);
    }
  }

 private:
  ir::Tensor Apply(const ir::Tensor& x, int num_threads) const {
    ir::Tensor y = NewTensorUninitialized(x.dtype, x.dims);
    DispatchPlain(x.dtype, info(), "input", [&](auto tag) {
      using T = typename decltype(tag)::type;
      if constexpr (Accepts<T>(Op::kTypes)) {
        const T* in = x.DataAs<T>();
        T* out = MutableData<T>(y);
        // Transcendental ops (Erf, Tanh, ...) cost several times a copy per element.
        if constexpr (std::is_same_v<T, float> && HasFloatSpan<Op>::value) {
          ParallelFor(num_threads, x.NumElements(), 4, [&](int64_t begin, int64_t end) {
            Op::FloatSpan(in + begin, out + begin, end - begin);
          });
        } else {
          ParallelFor(num_threads, x.NumElements(), 4, [&](int64_t begin, int64_t end) {
            for (int64_t i = begin; i < end; ++i) out[i] = op_(in[i]);
          });
        }
      } else {
        FailDType(info(), "input", x.dtype);
      }
    });
    return y;
  }

  Op op_;
};

}  // namespace nncf::exec::eltwise
