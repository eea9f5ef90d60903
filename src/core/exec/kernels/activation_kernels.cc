// Activation kernels: pointwise nonlinearities, Clip, PRelu and the Softmax family.
// float16/bfloat16 are computed in float.
#include <Eigen/Core>
#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>
#include <string>
#include <type_traits>
#include <unsupported/Eigen/SpecialFunctions>
#include <vector>

#include "core/common/parallel_for.h"
#include "core/exec/kernel_registry.h"
#include "core/exec/kernels/eltwise_util.h"
#include "core/exec/tensor_util.h"
#include "core/exec/uninitialized_tensor.h"

namespace nncf::exec {
namespace {

using eltwise::Accepts;
using eltwise::DispatchPlain;
using eltwise::FailDType;
using eltwise::IsHalfLike;
using eltwise::kFloats;
using eltwise::kNumeric;
using eltwise::kSigned;
using eltwise::NarrowFromFloat;
using eltwise::NodeKernel;
using eltwise::RequireDType;
using eltwise::Stateless;
using eltwise::UnaryKernel;
using eltwise::WidenToFloat;

struct ReluOp : Stateless {
  using Stateless::Stateless;
  static constexpr uint32_t kTypes = kFloats | kSigned;  // integers since opset 14
  template <typename T>
  T operator()(T x) const {
    return x < T{0} ? T{0} : x;
  }
};

// Ops with one float attribute `alpha` (and sometimes `beta`/`gamma`).
class LeakyReluOp {
 public:
  explicit LeakyReluOp(const NodeInfo& info) : alpha_(info.GetFloat("alpha", 0.01f)) {}
  static constexpr uint32_t kTypes = kFloats;
  template <typename T>
  T operator()(T x) const {
    return x < 0 ? static_cast<T>(alpha_) * x : x;
  }

 private:
  float alpha_;
};

class EluOp {
 public:
  explicit EluOp(const NodeInfo& info) : alpha_(info.GetFloat("alpha", 1.0f)) {}
  static constexpr uint32_t kTypes = kFloats;
  template <typename T>
  T operator()(T x) const {
    return x < 0 ? static_cast<T>(alpha_) * (std::exp(x) - T{1}) : x;
  }

 private:
  float alpha_;
};

class SeluOp {
 public:
  explicit SeluOp(const NodeInfo& info)
      : alpha_(info.GetFloat("alpha", 1.67326319217681884765625f)),
        gamma_(info.GetFloat("gamma", 1.05070102214813232421875f)) {}
  static constexpr uint32_t kTypes = kFloats;
  template <typename T>
  T operator()(T x) const {
    const T y = x <= 0 ? static_cast<T>(alpha_) * (std::exp(x) - T{1}) : x;
    return static_cast<T>(gamma_) * y;
  }

 private:
  float alpha_, gamma_;
};

class CeluOp {
 public:
  explicit CeluOp(const NodeInfo& info) : alpha_(info.GetFloat("alpha", 1.0f)) {}
  static constexpr uint32_t kTypes = kFloats;
  template <typename T>
  T operator()(T x) const {
    const T a = static_cast<T>(alpha_);
    return std::max(T{0}, x) + std::min(T{0}, a * (std::exp(x / a) - T{1}));
  }

 private:
  float alpha_;
};

struct SigmoidOp : Stateless {
  using Stateless::Stateless;
  static constexpr uint32_t kTypes = kFloats;
  // Below this Eigen's exp clamps its argument (near -88): the deep negative tail, where the
  // result is a denormal or 0 (-inf included), takes the scalar formula.
  static constexpr float kExpClampedBelow = -87.0f;
  // The same sign split with Eigen's vectorized exp (within a few ulp of expf) instead of a libm
  // call per element; NaN stays NaN.
  static void FloatSpan(const float* in, float* out, int64_t n) {
    const Eigen::Map<const Eigen::ArrayXf> x(in, static_cast<Eigen::Index>(n));
    Eigen::Map<Eigen::ArrayXf> y(out, static_cast<Eigen::Index>(n));
    y = (-x.abs()).exp();
    y = (x >= 0.0f).select(1.0f / (1.0f + y), y / (1.0f + y));
    for (int64_t i = 0; i < n; ++i) {
      if (in[i] < kExpClampedBelow) out[i] = Logistic(in[i]);
    }
  }
  template <typename T>
  T operator()(T x) const {
    return Logistic(x);
  }
  template <typename T>
  static T Logistic(T x) {
    // Split by sign so that exp never overflows.
    if (x >= 0) return T{1} / (T{1} + std::exp(-x));
    const T e = std::exp(x);
    return e / (T{1} + e);
  }
};

class HardSigmoidOp {
 public:
  explicit HardSigmoidOp(const NodeInfo& info)
      : alpha_(info.GetFloat("alpha", 0.2f)), beta_(info.GetFloat("beta", 0.5f)) {}
  static constexpr uint32_t kTypes = kFloats;
  template <typename T>
  T operator()(T x) const {
    const T y = static_cast<T>(alpha_) * x + static_cast<T>(beta_);
    return std::max(T{0}, std::min(T{1}, y));
  }

 private:
  float alpha_, beta_;
};

struct HardSwishOp : Stateless {
  using Stateless::Stateless;
  static constexpr uint32_t kTypes = kFloats;
  // The same arithmetic in a loop the compiler vectorizes (min/max of floats map to minps/maxps).
  static void FloatSpan(const float* in, float* out, int64_t n) {
    for (int64_t i = 0; i < n; ++i) {
      const float y = in[i] * static_cast<float>(1.0 / 6.0) + 0.5f;
      out[i] = in[i] * std::max(0.0f, std::min(1.0f, y));
    }
  }
  template <typename T>
  T operator()(T x) const {
    const T y = x * static_cast<T>(1.0 / 6.0) + static_cast<T>(0.5);
    return x * std::max(T{0}, std::min(T{1}, y));
  }
};

struct TanhOp : Stateless {
  using Stateless::Stateless;
  static constexpr uint32_t kTypes = kFloats;
  template <typename T>
  T operator()(T x) const {
    return std::tanh(x);
  }
};

struct ErfOp : Stateless {
  using Stateless::Stateless;
  static constexpr uint32_t kTypes = kNumeric;
  // Eigen's vectorized rational approximation (the one XLA uses; within a few 1e-7 of erff), with
  // NaN passed through: its clamp to [-4, 4] would turn NaN into +-1.
  static void FloatSpan(const float* in, float* out, int64_t n) {
    const Eigen::Map<const Eigen::ArrayXf> x(in, static_cast<Eigen::Index>(n));
    Eigen::Map<Eigen::ArrayXf> y(out, static_cast<Eigen::Index>(n));
    y = x.erf();
    y = (x != x).select(x, y);
  }
  template <typename T>
  T operator()(T x) const {
    if constexpr (std::is_floating_point_v<T>) {
      return std::erf(x);
    } else {
      // Integer Erf (allowed by the schema) rounds the float result.
      return static_cast<T>(std::nearbyint(std::erf(static_cast<double>(x))));
    }
  }
};

class GeluOp {
 public:
  explicit GeluOp(const NodeInfo& info) {
    const std::string approximate = info.GetString("approximate", "none");
    if (approximate != "none" && approximate != "tanh") {
      info.Fail(ErrorCode::kUnsupported,
                "attribute 'approximate' = '" + approximate + "' (must be none or tanh)");
    }
    tanh_ = approximate == "tanh";
  }
  static constexpr uint32_t kTypes = kFloats;
  template <typename T>
  T operator()(T x) const {
    if (tanh_) {
      const T k = static_cast<T>(0.7978845608028654);  // sqrt(2 / pi)
      return static_cast<T>(0.5) * x *
             (T{1} + std::tanh(k * (x + static_cast<T>(0.044715) * x * x * x)));
    }
    return static_cast<T>(0.5) * x * (T{1} + std::erf(x * static_cast<T>(0.7071067811865476)));
  }

 private:
  bool tanh_ = false;
};

template <typename T>
T Softplus(T x) {
  // log(1 + exp(x)) without overflow for large x.
  return x > 0 ? x + std::log1p(std::exp(-x)) : std::log1p(std::exp(x));
}

struct SoftplusOp : Stateless {
  using Stateless::Stateless;
  static constexpr uint32_t kTypes = kFloats;
  template <typename T>
  T operator()(T x) const {
    return Softplus(x);
  }
};

struct SoftsignOp : Stateless {
  using Stateless::Stateless;
  static constexpr uint32_t kTypes = kFloats;
  template <typename T>
  T operator()(T x) const {
    return x / (T{1} + std::fabs(x));
  }
};

class ThresholdedReluOp {
 public:
  explicit ThresholdedReluOp(const NodeInfo& info) : alpha_(info.GetFloat("alpha", 1.0f)) {}
  static constexpr uint32_t kTypes = kFloats;
  template <typename T>
  T operator()(T x) const {
    return x > static_cast<T>(alpha_) ? x : T{0};
  }

 private:
  float alpha_;
};

struct MishOp : Stateless {
  using Stateless::Stateless;
  static constexpr uint32_t kTypes = kFloats;
  template <typename T>
  T operator()(T x) const {
    return x * std::tanh(Softplus(x));
  }
};

// Clip: bounds from attributes before opset 11, from optional scalar inputs since.
class ClipKernel : public NodeKernel {
 public:
  explicit ClipKernel(const NodeInfo& info)
      : NodeKernel(info),
        attr_min_(info.GetFloat("min", std::numeric_limits<float>::lowest())),
        attr_max_(info.GetFloat("max", std::numeric_limits<float>::max())) {}
  static std::unique_ptr<Kernel> Create(const NodeInfo& info) {
    return std::make_unique<ClipKernel>(info);
  }

  void Run(const std::vector<const ir::Tensor*>& inputs, std::vector<ir::Tensor>& outputs,
           const RunContext& context) override {
    const ir::Tensor& input = Input(inputs, 0);
    RequireDType(info(), "input", input.dtype, info().opset() >= 12 ? kNumeric : kFloats);
    const bool from_inputs = info().opset() >= 11;
    const ir::Tensor* bound_min = from_inputs && inputs.size() > 1 ? inputs[1] : nullptr;
    const ir::Tensor* bound_max = from_inputs && inputs.size() > 2 ? inputs[2] : nullptr;
    for (const ir::Tensor* bound : {bound_min, bound_max}) {
      if (bound == nullptr) continue;
      if (bound->dtype != input.dtype) {
        info().Fail(ErrorCode::kInvalidArgument, std::string("bound has element type ") +
                                                     ir::DTypeName(bound->dtype) + ", input has " +
                                                     ir::DTypeName(input.dtype));
      }
      if (bound->NumElements() != 1) {
        info().Fail(ErrorCode::kInvalidArgument,
                    "bounds must be scalars, got shape " + ShapeString(bound->dims));
      }
    }
    const ir::Tensor x = WidenToFloat(input);
    ir::Tensor y = NewTensorUninitialized(x.dtype, x.dims);
    DispatchPlain(x.dtype, info(), "input", [&](auto tag) {
      using T = typename decltype(tag)::type;
      if constexpr (std::is_same_v<T, bool>) {
        FailDType(info(), "input", input.dtype);
      } else {
        T lo = std::numeric_limits<T>::lowest();
        T hi = std::numeric_limits<T>::max();
        if (!from_inputs) {
          lo = static_cast<T>(attr_min_);
          hi = static_cast<T>(attr_max_);
        }
        if (bound_min) lo = static_cast<T>(bound_min->GetAsDouble(0));
        if (bound_max) hi = static_cast<T>(bound_max->GetAsDouble(0));
        const T* in = x.DataAs<T>();
        T* out = MutableData<T>(y);
        ParallelFor(context.num_threads, x.NumElements(), 1, [&](int64_t begin, int64_t end) {
          for (int64_t i = begin; i < end; ++i) {
            T v = in[i] < lo ? lo : in[i];
            out[i] = hi < v ? hi : v;
          }
        });
      }
    });
    outputs[0] = IsHalfLike(input.dtype) ? NarrowFromFloat(y, input.dtype) : std::move(y);
  }

 private:
  float attr_min_, attr_max_;
};

// PRelu: y = x < 0 ? slope * x : x, slope broadcast to x.
class PReluKernel : public NodeKernel {
 public:
  using NodeKernel::NodeKernel;
  static std::unique_ptr<Kernel> Create(const NodeInfo& info) {
    return std::make_unique<PReluKernel>(info);
  }

  void Run(const std::vector<const ir::Tensor*>& inputs, std::vector<ir::Tensor>& outputs,
           const RunContext& context) override {
    const ir::Tensor& input = Input(inputs, 0);
    const ir::Tensor& slope_in = Input(inputs, 1);
    RequireDType(info(), "input", input.dtype, info().opset() >= 9 ? kNumeric : kFloats);
    if (slope_in.dtype != input.dtype) {
      info().Fail(ErrorCode::kInvalidArgument, std::string("slope has element type ") +
                                                   ir::DTypeName(slope_in.dtype) + ", X has " +
                                                   ir::DTypeName(input.dtype));
    }
    const std::vector<int64_t> dims = BroadcastShapes(input.dims, slope_in.dims, info());
    if (dims != input.dims) {
      info().Fail(ErrorCode::kInvalidArgument, "slope of shape " + ShapeString(slope_in.dims) +
                                                   " does not broadcast to X of shape " +
                                                   ShapeString(input.dims));
    }
    const ir::Tensor x = WidenToFloat(input);
    const ir::Tensor slope = WidenToFloat(slope_in);
    ir::Tensor y = NewTensorUninitialized(x.dtype, dims);
    DispatchPlain(x.dtype, info(), "input", [&](auto tag) {
      using T = typename decltype(tag)::type;
      if constexpr (std::is_same_v<T, bool>) {
        FailDType(info(), "input", input.dtype);
      } else {
        eltwise::BroadcastBinary(
            x.DataAs<T>(), x.dims, slope.DataAs<T>(), slope.dims, MutableData<T>(y), dims,
            [](T v, T s) -> T {
              if constexpr (std::is_unsigned_v<T>) {
                return v;
              } else {
                return v < T{0} ? static_cast<T>(s * v) : v;
              }
            },
            context.num_threads);
      }
    });
    outputs[0] = IsHalfLike(input.dtype) ? NarrowFromFloat(y, input.dtype) : std::move(y);
  }
};

enum class SoftmaxKind { kSoftmax, kLogSoftmax, kHardmax };

// Before opset 13 the input is coerced to 2-D at `axis` and normalised over the flattened tail;
// from 13 it is normalised along `axis` alone.
template <SoftmaxKind kKind>
class SoftmaxKernel : public NodeKernel {
 public:
  explicit SoftmaxKernel(const NodeInfo& info)
      : NodeKernel(info), axis_(info.GetInt("axis", info.opset() >= 13 ? -1 : 1)) {}
  static std::unique_ptr<Kernel> Create(const NodeInfo& info) {
    return std::make_unique<SoftmaxKernel<kKind>>(info);
  }

  void Run(const std::vector<const ir::Tensor*>& inputs, std::vector<ir::Tensor>& outputs,
           const RunContext& context) override {
    const ir::Tensor& input = Input(inputs, 0);
    RequireDType(info(), "input", input.dtype, kFloats);
    const auto rank = static_cast<int64_t>(input.dims.size());
    const int64_t axis = NormalizeAxis(axis_, rank, info());
    int64_t outer = 1, length = 1, inner = 1;
    for (int64_t d = 0; d < rank; ++d) {
      const int64_t dim = input.dims[d];
      if (d < axis) {
        outer *= dim;
      } else if (d == axis || info().opset() < 13) {
        length *= dim;
      } else {
        inner *= dim;
      }
    }
    const ir::Tensor x = WidenToFloat(input);
    ir::Tensor y = NewTensorUninitialized(x.dtype, x.dims);
    DispatchPlain(x.dtype, info(), "input", [&](auto tag) {
      using T = typename decltype(tag)::type;
      if constexpr (std::is_floating_point_v<T>) {
        const T* in = x.DataAs<T>();
        T* out = MutableData<T>(y);
        // Each (outer, inner) lane is normalised by one thread.
        ParallelFor(context.num_threads, outer * inner, length * 4,
                    [&](int64_t begin, int64_t end) {
                      for (int64_t lane = begin; lane < end; ++lane) {
                        const int64_t o = lane / inner, i = lane % inner;
                        const int64_t base = o * length * inner + i;
                        Normalize(in + base, out + base, length, inner);
                      }
                    });
      } else {
        FailDType(info(), "input", input.dtype);
      }
    });
    outputs[0] = IsHalfLike(input.dtype) ? NarrowFromFloat(y, input.dtype) : std::move(y);
  }

 private:
  template <typename T>
  static void Normalize(const T* in, T* out, int64_t length, int64_t stride) {
    if (length == 0) return;
    T max_value = in[0];
    int64_t argmax = 0;
    for (int64_t k = 1; k < length; ++k) {
      if (in[k * stride] > max_value) {
        max_value = in[k * stride];
        argmax = k;
      }
    }
    if constexpr (kKind == SoftmaxKind::kHardmax) {
      for (int64_t k = 0; k < length; ++k) out[k * stride] = k == argmax ? T{1} : T{0};
    } else {
      double sum = 0;
      for (int64_t k = 0; k < length; ++k) {
        const T e = std::exp(in[k * stride] - max_value);
        if constexpr (kKind == SoftmaxKind::kSoftmax) out[k * stride] = e;
        sum += e;
      }
      if constexpr (kKind == SoftmaxKind::kSoftmax) {
        const T scale = static_cast<T>(1.0 / sum);
        for (int64_t k = 0; k < length; ++k) out[k * stride] *= scale;
      } else {
        const T log_sum = static_cast<T>(std::log(sum));
        for (int64_t k = 0; k < length; ++k) {
          out[k * stride] = in[k * stride] - max_value - log_sum;
        }
      }
    }
  }

  int64_t axis_;
};

template <typename Op>
void RegisterUnary(KernelRegistry& r, const char* name, int64_t since) {
  r.Register("", name, since, 23, &UnaryKernel<Op>::Create);
}

}  // namespace

void RegisterActivationKernels(KernelRegistry& registry) {
  // Versions before 6 only differ by the ignored 'consumed_inputs' attribute.
  RegisterUnary<ReluOp>(registry, "Relu", 1);
  RegisterUnary<LeakyReluOp>(registry, "LeakyRelu", 1);
  RegisterUnary<EluOp>(registry, "Elu", 1);
  RegisterUnary<SeluOp>(registry, "Selu", 1);
  RegisterUnary<CeluOp>(registry, "Celu", 12);
  RegisterUnary<SigmoidOp>(registry, "Sigmoid", 1);
  RegisterUnary<HardSigmoidOp>(registry, "HardSigmoid", 1);
  RegisterUnary<HardSwishOp>(registry, "HardSwish", 14);
  RegisterUnary<TanhOp>(registry, "Tanh", 1);
  RegisterUnary<ErfOp>(registry, "Erf", 9);
  RegisterUnary<GeluOp>(registry, "Gelu", 20);
  RegisterUnary<SoftplusOp>(registry, "Softplus", 1);
  RegisterUnary<SoftsignOp>(registry, "Softsign", 1);
  RegisterUnary<ThresholdedReluOp>(registry, "ThresholdedRelu", 10);
  RegisterUnary<MishOp>(registry, "Mish", 18);
  registry.Register("", "Clip", 6, 23, &ClipKernel::Create);
  registry.Register("", "PRelu", 7, 23, &PReluKernel::Create);
  registry.Register("", "Softmax", 1, 23, &SoftmaxKernel<SoftmaxKind::kSoftmax>::Create);
  registry.Register("", "LogSoftmax", 1, 23, &SoftmaxKernel<SoftmaxKind::kLogSoftmax>::Create);
  registry.Register("", "Hardmax", 1, 23, &SoftmaxKernel<SoftmaxKind::kHardmax>::Create);
}

}  // namespace nncf::exec
