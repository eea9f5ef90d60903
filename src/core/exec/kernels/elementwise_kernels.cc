// Elementwise arithmetic, math, comparison, logic, Where and Cast kernels. float16/bfloat16 are
// computed in float; the loops are plain so that the compiler vectorises them.
#include <cmath>
#include <cstring>
#include <limits>
#include <memory>
#include <string>
#include <type_traits>
#include <vector>

#include "core/exec/kernel_registry.h"
#include "core/exec/kernels/eltwise_util.h"
#include "core/exec/tensor_util.h"
#include "core/ir/dtype.h"

namespace nncf::exec {
namespace {

using eltwise::Accepts;
using eltwise::DispatchPlain;
using eltwise::FailDType;
using eltwise::IsHalfLike;
using eltwise::kAll;
using eltwise::kBool;
using eltwise::kFloats;
using eltwise::kInts;
using eltwise::kNumeric;
using eltwise::kSigned;
using eltwise::kUnsigned;
using eltwise::NarrowFromFloat;
using eltwise::NodeKernel;
using eltwise::RequireDType;
using eltwise::Stateless;
using eltwise::UnaryKernel;
using eltwise::WidenToFloat;

// ---------------------------------------------------------------------------------------------
// Binary ops: Op provides kTypes, kBoolResult and `template <typename T> R operator()(T, T)`.

template <typename Op>
class BinaryKernel : public NodeKernel {
 public:
  explicit BinaryKernel(const NodeInfo& info) : NodeKernel(info), op_(this->info()) {}
  static std::unique_ptr<Kernel> Create(const NodeInfo& info) {
    return std::make_unique<BinaryKernel<Op>>(info);
  }

  void Run(const std::vector<const ir::Tensor*>& inputs, std::vector<ir::Tensor>& outputs,
           const RunContext& context) override {
    const ir::Tensor& a = Input(inputs, 0);
    const ir::Tensor& b = Input(inputs, 1);
    if (a.dtype != b.dtype) {
      info().Fail(ErrorCode::kInvalidArgument, std::string("inputs have different element types ") +
                                                   ir::DTypeName(a.dtype) + " and " +
                                                   ir::DTypeName(b.dtype));
    }
    RequireDType(info(), "input", a.dtype, Op::kTypes);
    const std::vector<int64_t> out_dims = BroadcastShapes(a.dims, b.dims, info());
    if (IsHalfLike(a.dtype)) {
      ir::Tensor result = Compute(WidenToFloat(a), WidenToFloat(b), out_dims, context.num_threads);
      outputs[0] = Op::kBoolResult ? std::move(result) : NarrowFromFloat(result, a.dtype);
    } else {
      outputs[0] = Compute(a, b, out_dims, context.num_threads);
    }
  }

 private:
  ir::Tensor Compute(const ir::Tensor& a, const ir::Tensor& b, const std::vector<int64_t>& out_dims,
                     int num_threads) const {
    ir::Tensor out = NewTensorUninitialized(Op::kBoolResult ? ir::DType::kBool : a.dtype, out_dims);
    DispatchPlain(a.dtype, info(), "input", [&](auto tag) {
      using T = typename decltype(tag)::type;
      if constexpr (Accepts<T>(Op::kTypes)) {
        using R = std::conditional_t<Op::kBoolResult, bool, T>;
        eltwise::BroadcastBinary(
            a.DataAs<T>(), a.dims, b.DataAs<T>(), b.dims, MutableData<R>(out), out_dims,
            [this](T x, T y) -> R { return op_(x, y); }, num_threads);
      } else {
        FailDType(info(), "input", a.dtype);
      }
    });
    return out;
  }

  Op op_;
};

// Integer arithmetic wraps (as two's complement hardware does) instead of being undefined.
template <typename T>
T WrapAdd(T a, T b) {
  using U = std::make_unsigned_t<T>;
  return static_cast<T>(static_cast<U>(a) + static_cast<U>(b));
}
template <typename T>
T WrapSub(T a, T b) {
  using U = std::make_unsigned_t<T>;
  return static_cast<T>(static_cast<U>(a) - static_cast<U>(b));
}
template <typename T>
T WrapMul(T a, T b) {
  using U = std::make_unsigned_t<T>;
  if constexpr (sizeof(T) < sizeof(unsigned)) {
    return static_cast<T>(static_cast<unsigned>(static_cast<U>(a)) *
                          static_cast<unsigned>(static_cast<U>(b)));
  } else {
    return static_cast<T>(static_cast<U>(a) * static_cast<U>(b));
  }
}

struct AddOp : Stateless {
  using Stateless::Stateless;
  static constexpr uint32_t kTypes = kNumeric;
  static constexpr bool kBoolResult = false;
  template <typename T>
  T operator()(T a, T b) const {
    if constexpr (std::is_integral_v<T>) return WrapAdd(a, b);
    return a + b;
  }
};

struct SubOp : Stateless {
  using Stateless::Stateless;
  static constexpr uint32_t kTypes = kNumeric;
  static constexpr bool kBoolResult = false;
  template <typename T>
  T operator()(T a, T b) const {
    if constexpr (std::is_integral_v<T>) return WrapSub(a, b);
    return a - b;
  }
};

struct MulOp : Stateless {
  using Stateless::Stateless;
  static constexpr uint32_t kTypes = kNumeric;
  static constexpr bool kBoolResult = false;
  template <typename T>
  T operator()(T a, T b) const {
    if constexpr (std::is_integral_v<T>) return WrapMul(a, b);
    return a * b;
  }
};

// Integer division truncates toward zero; division by zero gives 0 rather than trapping.
template <typename T>
T SafeIntDiv(T a, T b) {
  if (b == 0) return 0;
  if constexpr (std::is_signed_v<T>) {
    if (b == -1) return WrapSub(T{0}, a);
  }
  return static_cast<T>(a / b);
}

struct DivOp : Stateless {
  using Stateless::Stateless;
  static constexpr uint32_t kTypes = kNumeric;
  static constexpr bool kBoolResult = false;
  template <typename T>
  T operator()(T a, T b) const {
    if constexpr (std::is_integral_v<T>) return SafeIntDiv(a, b);
    return a / b;
  }
};

class ModOp {
 public:
  explicit ModOp(const NodeInfo& info) : fmod_(info.GetInt("fmod", 0) != 0) {
    if (info.GetInt("fmod", 0) != 0 && info.GetInt("fmod", 0) != 1) {
      info.Fail(
          ErrorCode::kUnsupported,
          "attribute 'fmod' = " + std::to_string(info.GetInt("fmod", 0)) + " (must be 0 or 1)");
    }
  }
  static constexpr uint32_t kTypes = kNumeric;
  static constexpr bool kBoolResult = false;
  template <typename T>
  T operator()(T a, T b) const {
    if constexpr (std::is_floating_point_v<T>) {
      const T r = std::fmod(a, b);
      if (fmod_ || r == 0 || (r < 0) == (b < 0)) return r;
      return r + b;  // Python-style: the result takes the divisor's sign
    } else {
      if (b == 0) return 0;
      if constexpr (std::is_signed_v<T>) {
        if (b == -1) return 0;
        const T r = static_cast<T>(a % b);
        if (fmod_ || r == 0 || (r < 0) == (b < 0)) return r;
        return static_cast<T>(r + b);
      } else {
        return static_cast<T>(a % b);
      }
    }
  }

 private:
  bool fmod_;
};

template <typename Cmp>
struct CompareOp : Stateless {
  using Stateless::Stateless;
  static constexpr uint32_t kTypes = kAll;
  static constexpr bool kBoolResult = true;
  template <typename T>
  bool operator()(T a, T b) const {
    return Cmp{}(a, b);
  }
};

struct EqualCmp {
  template <typename T>
  bool operator()(T a, T b) const {
    return a == b;
  }
};
struct LessCmp {
  template <typename T>
  bool operator()(T a, T b) const {
    return a < b;
  }
};
struct GreaterCmp {
  template <typename T>
  bool operator()(T a, T b) const {
    return a > b;
  }
};
struct LessEqualCmp {
  template <typename T>
  bool operator()(T a, T b) const {
    return a <= b;
  }
};
struct GreaterEqualCmp {
  template <typename T>
  bool operator()(T a, T b) const {
    return a >= b;
  }
};

template <typename Fn>
struct LogicOp : Stateless {
  using Stateless::Stateless;
  static constexpr uint32_t kTypes = kBool;
  static constexpr bool kBoolResult = true;
  template <typename T>
  bool operator()(T a, T b) const {
    return Fn{}(a, b);
  }
};
struct AndFn {
  bool operator()(bool a, bool b) const { return a && b; }
};
struct OrFn {
  bool operator()(bool a, bool b) const { return a || b; }
};
struct XorFn {
  bool operator()(bool a, bool b) const { return a != b; }
};

class BitShiftOp {
 public:
  explicit BitShiftOp(const NodeInfo& info) {
    const std::string direction = info.GetString("direction", "");
    if (direction != "LEFT" && direction != "RIGHT") {
      info.Fail(ErrorCode::kUnsupported,
                "attribute 'direction' = '" + direction + "' (must be LEFT or RIGHT)");
    }
    left_ = direction == "LEFT";
  }
  static constexpr uint32_t kTypes = kUnsigned;
  static constexpr bool kBoolResult = false;
  template <typename T>
  T operator()(T a, T b) const {
    // Shifting by the width or more is undefined in C++; all bits are shifted out.
    if (b >= sizeof(T) * 8) return 0;
    if constexpr (sizeof(T) < sizeof(unsigned)) {
      return static_cast<T>(left_ ? static_cast<unsigned>(a) << b : static_cast<unsigned>(a) >> b);
    } else {
      return left_ ? static_cast<T>(a << b) : static_cast<T>(a >> b);
    }
  }

 private:
  bool left_ = true;
};

// ---------------------------------------------------------------------------------------------
// Pow: base and exponent may have different types; the result has the base's type.

template <typename T, typename E>
T PowValue(T base, E exponent) {
  if constexpr (std::is_integral_v<T> && std::is_integral_v<E>) {
    if constexpr (std::is_signed_v<E>) {
      if (exponent < 0) {
        if (base == 1) return 1;
        if (base == -1) return (exponent % 2 == 0) ? 1 : -1;
        return 0;
      }
    }
    T result = 1;
    T factor = base;
    auto e = static_cast<uint64_t>(exponent);
    while (e != 0) {
      if (e & 1) result = WrapMul(result, factor);
      factor = WrapMul(factor, factor);
      e >>= 1;
    }
    return result;
  } else {
    const double value = std::pow(static_cast<double>(base), static_cast<double>(exponent));
    if constexpr (std::is_integral_v<T>) {
      if (std::isnan(value)) return 0;
      if (value <= static_cast<double>(std::numeric_limits<T>::lowest())) {
        return std::numeric_limits<T>::lowest();
      }
      if (value >= static_cast<double>(std::numeric_limits<T>::max())) {
        return std::numeric_limits<T>::max();
      }
    }
    return static_cast<T>(value);
  }
}

class PowKernel : public NodeKernel {
 public:
  using NodeKernel::NodeKernel;
  static std::unique_ptr<Kernel> Create(const NodeInfo& info) {
    return std::make_unique<PowKernel>(info);
  }

  void Run(const std::vector<const ir::Tensor*>& inputs, std::vector<ir::Tensor>& outputs,
           const RunContext& context) override {
    const ir::Tensor& x = Input(inputs, 0);
    const ir::Tensor& y = Input(inputs, 1);
    const uint32_t base_types = info().opset() >= 12 ? kFloats | kSigned : kFloats;
    const uint32_t exponent_types = info().opset() >= 12 ? kNumeric : kFloats;
    RequireDType(info(), "base", x.dtype, base_types);
    if (x.dtype == ir::DType::kInt8 || x.dtype == ir::DType::kInt16) {
      FailDType(info(), "base", x.dtype);
    }
    RequireDType(info(), "exponent", y.dtype, exponent_types);
    const std::vector<int64_t> out_dims = BroadcastShapes(x.dims, y.dims, info());
    const ir::Tensor base = WidenToFloat(x);
    const ir::Tensor exponent = WidenToFloat(y);
    ir::Tensor out = NewTensorUninitialized(base.dtype, out_dims);
    DispatchPlain(base.dtype, info(), "base", [&](auto base_tag) {
      using T = typename decltype(base_tag)::type;
      if constexpr (std::is_same_v<T, bool> || std::is_unsigned_v<T>) {
        FailDType(info(), "base", x.dtype);
      } else {
        DispatchPlain(exponent.dtype, info(), "exponent", [&](auto exp_tag) {
          using E = typename decltype(exp_tag)::type;
          if constexpr (std::is_same_v<E, bool>) {
            FailDType(info(), "exponent", y.dtype);
          } else {
            eltwise::BroadcastBinary(
                base.DataAs<T>(), base.dims, exponent.DataAs<E>(), exponent.dims,
                MutableData<T>(out), out_dims, [](T b, E e) { return PowValue(b, e); },
                context.num_threads);
          }
        });
      }
    });
    outputs[0] = IsHalfLike(x.dtype) ? NarrowFromFloat(out, x.dtype) : std::move(out);
  }
};

// ---------------------------------------------------------------------------------------------
// Variadic Max, Min, Sum, Mean with multidirectional broadcasting.

enum class Fold { kMax, kMin, kSum, kMean };

template <Fold kFold>
class VariadicKernel : public NodeKernel {
 public:
  using NodeKernel::NodeKernel;
  static std::unique_ptr<Kernel> Create(const NodeInfo& info) {
    return std::make_unique<VariadicKernel<kFold>>(info);
  }

  void Run(const std::vector<const ir::Tensor*>& inputs, std::vector<ir::Tensor>& outputs,
           const RunContext& /*context*/) override {
    if (inputs.empty()) info().Fail(ErrorCode::kInvalidArgument, "needs at least one input");
    const ir::DType dtype = Input(inputs, 0).dtype;
    const bool minmax = kFold == Fold::kMax || kFold == Fold::kMin;
    RequireDType(info(), "input", dtype, minmax && info().opset() >= 12 ? kNumeric : kFloats);
    for (size_t i = 1; i < inputs.size(); ++i) {
      if (Input(inputs, i).dtype != dtype) {
        info().Fail(ErrorCode::kInvalidArgument, "input " + std::to_string(i) +
                                                     " has element type " +
                                                     ir::DTypeName(Input(inputs, i).dtype) +
                                                     ", input 0 has " + ir::DTypeName(dtype));
      }
    }
    ir::Tensor acc = WidenToFloat(Input(inputs, 0));
    if (inputs.size() == 1) {
      // Copy so the output never aliases the input's storage.
      acc = ir::Tensor::FromBytes("", acc.dtype, acc.dims, acc.bytes(), acc.ByteSize());
    }
    for (size_t i = 1; i < inputs.size(); ++i) {
      const ir::Tensor next = WidenToFloat(Input(inputs, i));
      const std::vector<int64_t> dims = BroadcastShapes(acc.dims, next.dims, info());
      ir::Tensor out = NewTensor(acc.dtype, dims);
      DispatchPlain(acc.dtype, info(), "input", [&](auto tag) {
        using T = typename decltype(tag)::type;
        if constexpr (std::is_same_v<T, bool>) {
          FailDType(info(), "input", dtype);
        } else {
          eltwise::BroadcastBinary(acc.DataAs<T>(), acc.dims, next.DataAs<T>(), next.dims,
                                   MutableData<T>(out), dims,
                                   [](T a, T b) { return Combine(a, b); });
        }
      });
      acc = std::move(out);
    }
    if constexpr (kFold == Fold::kMean) {
      const int64_t n = acc.NumElements();
      const auto count = static_cast<double>(inputs.size());
      if (acc.dtype == ir::DType::kDouble) {
        double* p = MutableData<double>(acc);
        for (int64_t i = 0; i < n; ++i) p[i] /= count;
      } else {
        float* p = MutableData<float>(acc);
        for (int64_t i = 0; i < n; ++i) p[i] = static_cast<float>(p[i] / count);
      }
    }
    outputs[0] = IsHalfLike(dtype) ? NarrowFromFloat(acc, dtype) : std::move(acc);
  }

 private:
  template <typename T>
  static T Combine(T a, T b) {
    if constexpr (kFold == Fold::kSum || kFold == Fold::kMean) {
      if constexpr (std::is_integral_v<T>) return WrapAdd(a, b);
      return a + b;
    } else {
      if constexpr (std::is_floating_point_v<T>) {
        if (std::isnan(a) || std::isnan(b)) return std::numeric_limits<T>::quiet_NaN();
      }
      if constexpr (kFold == Fold::kMax) return a < b ? b : a;
      return b < a ? b : a;
    }
  }
};

// ---------------------------------------------------------------------------------------------
// Unary math.

struct AbsOp : Stateless {
  using Stateless::Stateless;
  static constexpr uint32_t kTypes = kNumeric;
  template <typename T>
  T operator()(T x) const {
    if constexpr (std::is_unsigned_v<T>) return x;
    if constexpr (std::is_integral_v<T>) return x < 0 ? WrapSub(T{0}, x) : x;
    return std::fabs(x);
  }
};

struct NegOp : Stateless {
  using Stateless::Stateless;
  static constexpr uint32_t kTypes = kFloats | kSigned;
  template <typename T>
  T operator()(T x) const {
    if constexpr (std::is_integral_v<T>) return WrapSub(T{0}, x);
    return -x;
  }
};

struct SignOp : Stateless {
  using Stateless::Stateless;
  static constexpr uint32_t kTypes = kNumeric;
  template <typename T>
  T operator()(T x) const {
    if constexpr (std::is_floating_point_v<T>) {
      if (std::isnan(x)) return x;
    }
    return static_cast<T>((T{0} < x) - (x < T{0}));
  }
};

struct ReciprocalOp : Stateless {
  using Stateless::Stateless;
  static constexpr uint32_t kTypes = kFloats;
  template <typename T>
  T operator()(T x) const {
    return T{1} / x;
  }
};

// Float-only math functions from <cmath>.
#define NNCF_FLOAT_FN(OpName, fn)               \
  struct OpName : Stateless {                   \
    using Stateless::Stateless;                 \
    static constexpr uint32_t kTypes = kFloats; \
    template <typename T>                       \
    T operator()(T x) const {                   \
      return std::fn(x);                        \
    }                                           \
  }
NNCF_FLOAT_FN(ExpOp, exp);
NNCF_FLOAT_FN(LogOp, log);
NNCF_FLOAT_FN(SqrtOp, sqrt);
NNCF_FLOAT_FN(FloorOp, floor);
NNCF_FLOAT_FN(CeilOp, ceil);
NNCF_FLOAT_FN(RoundOp, nearbyint);  // default rounding mode: half to even
NNCF_FLOAT_FN(SinOp, sin);
NNCF_FLOAT_FN(CosOp, cos);
NNCF_FLOAT_FN(TanOp, tan);
NNCF_FLOAT_FN(AsinOp, asin);
NNCF_FLOAT_FN(AcosOp, acos);
NNCF_FLOAT_FN(AtanOp, atan);
NNCF_FLOAT_FN(SinhOp, sinh);
NNCF_FLOAT_FN(CoshOp, cosh);
NNCF_FLOAT_FN(AsinhOp, asinh);
NNCF_FLOAT_FN(AcoshOp, acosh);
NNCF_FLOAT_FN(AtanhOp, atanh);
#undef NNCF_FLOAT_FN

struct NotOp : Stateless {
  using Stateless::Stateless;
  static constexpr uint32_t kTypes = kBool;
  template <typename T>
  T operator()(T x) const {
    return !x;
  }
};

// IsNaN and IsInf: float input, bool output.
class FloatClassKernel : public NodeKernel {
 public:
  explicit FloatClassKernel(const NodeInfo& info)
      : NodeKernel(info),
        is_nan_(info.node().op_type == "IsNaN"),
        positive_(info.GetInt("detect_positive", 1) != 0),
        negative_(info.GetInt("detect_negative", 1) != 0) {}
  static std::unique_ptr<Kernel> Create(const NodeInfo& info) {
    return std::make_unique<FloatClassKernel>(info);
  }

  void Run(const std::vector<const ir::Tensor*>& inputs, std::vector<ir::Tensor>& outputs,
           const RunContext& /*context*/) override {
    const ir::Tensor& input = Input(inputs, 0);
    RequireDType(info(), "input", input.dtype, kFloats);
    const ir::Tensor x = WidenToFloat(input);
    ir::Tensor y = NewTensor(ir::DType::kBool, x.dims);
    bool* out = MutableData<bool>(y);
    DispatchPlain(x.dtype, info(), "input", [&](auto tag) {
      using T = typename decltype(tag)::type;
      if constexpr (std::is_floating_point_v<T>) {
        const T* in = x.DataAs<T>();
        const int64_t n = x.NumElements();
        for (int64_t i = 0; i < n; ++i) {
          const T v = in[i];
          out[i] = is_nan_ ? std::isnan(v)
                           : std::isinf(v) && ((v > 0 && positive_) || (v < 0 && negative_));
        }
      } else {
        FailDType(info(), "input", input.dtype);
      }
    });
    outputs[0] = std::move(y);
  }

 private:
  bool is_nan_, positive_, negative_;
};

// ---------------------------------------------------------------------------------------------
// Where(condition, X, Y) with three-way broadcasting; copies elements of any byte-sized type.

class WhereKernel : public NodeKernel {
 public:
  using NodeKernel::NodeKernel;
  static std::unique_ptr<Kernel> Create(const NodeInfo& info) {
    return std::make_unique<WhereKernel>(info);
  }

  void Run(const std::vector<const ir::Tensor*>& inputs, std::vector<ir::Tensor>& outputs,
           const RunContext& /*context*/) override {
    const ir::Tensor& cond = Input(inputs, 0);
    const ir::Tensor& x = Input(inputs, 1);
    const ir::Tensor& y = Input(inputs, 2);
    if (cond.dtype != ir::DType::kBool) FailDType(info(), "condition", cond.dtype);
    if (x.dtype != y.dtype) {
      info().Fail(ErrorCode::kInvalidArgument, std::string("X and Y have different types ") +
                                                   ir::DTypeName(x.dtype) + " and " +
                                                   ir::DTypeName(y.dtype));
    }
    const bool strings = x.dtype == ir::DType::kString;
    const size_t bits = ir::DTypeBits(x.dtype);
    if (!strings && (bits == 0 || bits % 8 != 0)) FailDType(info(), "X", x.dtype);
    const std::vector<int64_t> dims =
        BroadcastShapes(BroadcastShapes(cond.dims, x.dims, info()), y.dims, info());
    ir::Tensor out = NewTensor(x.dtype, dims);
    const eltwise::BroadcastIndexer indexer({cond.dims, x.dims, y.dims}, dims);
    const bool* c = cond.DataAs<bool>();
    if (strings) {
      indexer.ForEach([&](int64_t i, const int64_t* off) {
        out.strings[i] = c[off[0]] ? x.strings[off[1]] : y.strings[off[2]];
      });
    } else {
      const size_t size = bits / 8;
      const uint8_t* px = x.bytes();
      const uint8_t* py = y.bytes();
      uint8_t* po = MutableBytes(out);
      indexer.ForEach([&](int64_t i, const int64_t* off) {
        const uint8_t* src = c[off[0]] ? px + off[1] * size : py + off[2] * size;
        std::memcpy(po + i * size, src, size);
      });
    }
    outputs[0] = std::move(out);
  }
};

// ---------------------------------------------------------------------------------------------
// Cast and CastLike.

template <typename To, typename From>
To ConvertValue(From v) {
  if constexpr (std::is_same_v<To, bool>) {
    return v != From{0};
  } else if constexpr (std::is_integral_v<To> && std::is_floating_point_v<From>) {
    // Out-of-range float-to-int conversion is undefined in C++: clamp, NaN becomes 0.
    if (std::isnan(v)) return 0;
    if (v <= static_cast<From>(std::numeric_limits<To>::lowest())) {
      return std::numeric_limits<To>::lowest();
    }
    if (v >= static_cast<From>(std::numeric_limits<To>::max())) {
      return std::numeric_limits<To>::max();
    }
    return static_cast<To>(v);
  } else {
    return static_cast<To>(v);
  }
}

bool IsPlain(ir::DType dtype) {
  return eltwise::InTypeSet(dtype, kAll) && !IsHalfLike(dtype);
}

bool IsNarrowFloat(ir::DType dtype) {
  switch (dtype) {
    case ir::DType::kFloat16:
    case ir::DType::kBFloat16:
    case ir::DType::kFloat8E4M3FN:
    case ir::DType::kFloat8E4M3FNUZ:
    case ir::DType::kFloat8E5M2:
    case ir::DType::kFloat8E5M2FNUZ:
    case ir::DType::kFloat4E2M1:
      return true;
    default:
      return false;
  }
}

class CastKernel : public NodeKernel {
 public:
  explicit CastKernel(const NodeInfo& info) : NodeKernel(info) {
    like_ = info.node().op_type == "CastLike";
    if (!like_) {
      const int64_t to = info.RequireInt("to");
      if (!ir::IsKnownDType(static_cast<int32_t>(to)) || to == 0) {
        info.Fail(ErrorCode::kUnsupported,
                  "attribute 'to' = " + std::to_string(to) + " is not a known element type");
      }
      to_ = static_cast<ir::DType>(to);
    }
    saturate_ = info.opset() < 19 || info.GetInt("saturate", 1) != 0;
  }
  static std::unique_ptr<Kernel> Create(const NodeInfo& info) {
    return std::make_unique<CastKernel>(info);
  }

  void Run(const std::vector<const ir::Tensor*>& inputs, std::vector<ir::Tensor>& outputs,
           const RunContext& /*context*/) override {
    const ir::Tensor& x = Input(inputs, 0);
    const ir::DType to = like_ ? Input(inputs, 1).dtype : to_;
    outputs[0] = Convert(x, to);
  }

 private:
  void CheckSupported(ir::DType dtype, const char* operand) const {
    if (dtype == ir::DType::kString || dtype == ir::DType::kComplex64 ||
        dtype == ir::DType::kComplex128 || ir::DTypeBits(dtype) == 0) {
      FailDType(info(), operand, dtype);
    }
  }

  ir::Tensor Convert(const ir::Tensor& x, ir::DType to) const {
    CheckSupported(x.dtype, "input");
    CheckSupported(to, "target");
    const int64_t n = x.NumElements();
    if (!IsPlain(x.dtype)) {
      // Narrow formats are exact in float, 4-bit integers in 8-bit ones.
      const ir::DType wide = x.dtype == ir::DType::kInt4    ? ir::DType::kInt8
                             : x.dtype == ir::DType::kUint4 ? ir::DType::kUint8
                                                            : ir::DType::kFloat;
      if (to == x.dtype) {
        return ir::Tensor::FromBytes("", x.dtype, x.dims, x.bytes(), x.ByteSize());
      }
      ir::Tensor widened = NewTensor(wide, x.dims);
      DispatchPlain(wide, info(), "input", [&](auto tag) {
        using T = typename decltype(tag)::type;
        T* out = MutableData<T>(widened);
        for (int64_t i = 0; i < n; ++i) out[i] = static_cast<T>(x.GetAsDouble(i));
      });
      return Convert(widened, to);
    }
    if (IsPlain(to)) return PlainCast(x, to);
    if (IsNarrowFloat(to)) {
      const ir::Tensor f = PlainCast(x, ir::DType::kFloat);
      const float* in = f.DataAs<float>();
      ir::Tensor out = NewTensor(to, x.dims);
      uint8_t* bytes = MutableBytes(out);
      if (to == ir::DType::kFloat16 || to == ir::DType::kBFloat16) {
        auto* half = reinterpret_cast<uint16_t*>(bytes);
        for (int64_t i = 0; i < n; ++i) {
          half[i] = to == ir::DType::kFloat16 ? ir::FloatToHalf(in[i]) : ir::FloatToBFloat16(in[i]);
        }
      } else if (to == ir::DType::kFloat4E2M1) {
        for (int64_t i = 0; i < n; ++i) ir::SetNibble(bytes, i, ir::FloatToFloat4E2M1(in[i]));
      } else {
        for (int64_t i = 0; i < n; ++i) bytes[i] = ir::FloatToFloat8(to, in[i], saturate_);
      }
      return out;
    }
    // int4 / uint4: round half to even, then saturate to the 4-bit range.
    const ir::Tensor d = PlainCast(x, ir::DType::kDouble);
    const double* in = d.DataAs<double>();
    const bool is_signed = to == ir::DType::kInt4;
    const double lo = is_signed ? -8.0 : 0.0, hi = is_signed ? 7.0 : 15.0;
    ir::Tensor out = NewTensor(to, x.dims);
    uint8_t* bytes = MutableBytes(out);
    for (int64_t i = 0; i < n; ++i) {
      double v = std::isnan(in[i]) ? 0.0 : std::nearbyint(in[i]);
      v = v < lo ? lo : (v > hi ? hi : v);
      ir::SetNibble(bytes, i, static_cast<uint8_t>(static_cast<int>(v) & 0xF));
    }
    return out;
  }

  ir::Tensor PlainCast(const ir::Tensor& x, ir::DType to) const {
    ir::Tensor out = NewTensor(to, x.dims);
    const int64_t n = x.NumElements();
    DispatchPlain(x.dtype, info(), "input", [&](auto from_tag) {
      using From = typename decltype(from_tag)::type;
      const From* in = x.DataAs<From>();
      DispatchPlain(to, info(), "target", [&](auto to_tag) {
        using To = typename decltype(to_tag)::type;
        To* o = MutableData<To>(out);
        for (int64_t i = 0; i < n; ++i) o[i] = ConvertValue<To>(in[i]);
      });
    });
    return out;
  }

  bool like_ = false;
  ir::DType to_ = ir::DType::kUndefined;
  bool saturate_ = true;
};

template <typename Op>
void RegisterUnary(KernelRegistry& r, const char* name, int64_t since) {
  r.Register("", name, since, 23, &UnaryKernel<Op>::Create);
}

template <typename Op>
void RegisterBinary(KernelRegistry& r, const char* name, int64_t since) {
  r.Register("", name, since, 23, &BinaryKernel<Op>::Create);
}

}  // namespace

void RegisterElementwiseKernels(KernelRegistry& registry) {
  // Binary ops use numpy broadcasting from opset 7 (before: the 'broadcast'/'axis' attributes).
  RegisterBinary<AddOp>(registry, "Add", 7);
  RegisterBinary<SubOp>(registry, "Sub", 7);
  RegisterBinary<MulOp>(registry, "Mul", 7);
  RegisterBinary<DivOp>(registry, "Div", 7);
  RegisterBinary<ModOp>(registry, "Mod", 10);
  RegisterBinary<CompareOp<EqualCmp>>(registry, "Equal", 7);
  RegisterBinary<CompareOp<LessCmp>>(registry, "Less", 7);
  RegisterBinary<CompareOp<GreaterCmp>>(registry, "Greater", 7);
  RegisterBinary<CompareOp<LessEqualCmp>>(registry, "LessOrEqual", 12);
  RegisterBinary<CompareOp<GreaterEqualCmp>>(registry, "GreaterOrEqual", 12);
  RegisterBinary<LogicOp<AndFn>>(registry, "And", 7);
  RegisterBinary<LogicOp<OrFn>>(registry, "Or", 7);
  RegisterBinary<LogicOp<XorFn>>(registry, "Xor", 7);
  RegisterBinary<BitShiftOp>(registry, "BitShift", 11);
  registry.Register("", "Pow", 7, 23, &PowKernel::Create);
  registry.Register("", "Max", 8, 23, &VariadicKernel<Fold::kMax>::Create);
  registry.Register("", "Min", 8, 23, &VariadicKernel<Fold::kMin>::Create);
  registry.Register("", "Sum", 8, 23, &VariadicKernel<Fold::kSum>::Create);
  registry.Register("", "Mean", 8, 23, &VariadicKernel<Fold::kMean>::Create);

  // Versions before 6 only differ by the ignored 'consumed_inputs' attribute.
  RegisterUnary<AbsOp>(registry, "Abs", 1);
  RegisterUnary<NegOp>(registry, "Neg", 1);
  RegisterUnary<SignOp>(registry, "Sign", 9);
  RegisterUnary<ReciprocalOp>(registry, "Reciprocal", 1);
  RegisterUnary<ExpOp>(registry, "Exp", 1);
  RegisterUnary<LogOp>(registry, "Log", 1);
  RegisterUnary<SqrtOp>(registry, "Sqrt", 1);
  RegisterUnary<FloorOp>(registry, "Floor", 1);
  RegisterUnary<CeilOp>(registry, "Ceil", 1);
  RegisterUnary<RoundOp>(registry, "Round", 11);
  RegisterUnary<SinOp>(registry, "Sin", 7);
  RegisterUnary<CosOp>(registry, "Cos", 7);
  RegisterUnary<TanOp>(registry, "Tan", 7);
  RegisterUnary<AsinOp>(registry, "Asin", 7);
  RegisterUnary<AcosOp>(registry, "Acos", 7);
  RegisterUnary<AtanOp>(registry, "Atan", 7);
  RegisterUnary<SinhOp>(registry, "Sinh", 9);
  RegisterUnary<CoshOp>(registry, "Cosh", 9);
  RegisterUnary<AsinhOp>(registry, "Asinh", 9);
  RegisterUnary<AcoshOp>(registry, "Acosh", 9);
  RegisterUnary<AtanhOp>(registry, "Atanh", 9);
  RegisterUnary<NotOp>(registry, "Not", 1);
  registry.Register("", "IsNaN", 9, 23, &FloatClassKernel::Create);
  registry.Register("", "IsInf", 10, 23, &FloatClassKernel::Create);
  registry.Register("", "Where", 9, 23, &WhereKernel::Create);
  registry.Register("", "Cast", 6, 23, &CastKernel::Create);
  registry.Register("", "CastLike", 15, 23, &CastKernel::Create);
}

}  // namespace nncf::exec
