// Reduce* and ArgMax/ArgMin kernels. Every output element accumulates its inputs in increasing
// input order on one thread, so results do not depend on the thread count. Floating inputs
// accumulate in double; float16/bfloat16 are read as float.
#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>
#include <string>
#include <type_traits>
#include <vector>

#include "core/exec/kernel_registry.h"
#include "core/exec/kernels/eltwise_util.h"
#include "core/exec/tensor_util.h"

namespace nncf::exec {
namespace {

using eltwise::DispatchPlain;
using eltwise::FailDType;
using eltwise::IsHalfLike;
using eltwise::kNumeric;
using eltwise::NarrowFromFloat;
using eltwise::NodeKernel;
using eltwise::RequireDType;
using eltwise::WidenToFloat;

enum class Reduce { kSum, kMean, kMax, kMin, kProd, kL1, kL2, kLogSum, kLogSumExp, kSumSquare };

// Calls f(in_offset, out_offset, n, out_step) for each row of the last input dim: out_step is 0
// when that dim is reduced and 1 otherwise. Rows come in input order.
template <typename F>
void ForEachRow(const std::vector<int64_t>& dims, const std::vector<bool>& reduced, F f) {
  const size_t rank = dims.size();
  int64_t total = 1;
  for (int64_t d : dims) total *= d;
  if (total == 0) return;
  if (rank == 0) {
    f(int64_t{0}, int64_t{0}, int64_t{1}, int64_t{0});
    return;
  }
  // Output strides over the input dims (0 on reduced dims).
  std::vector<int64_t> out_strides(rank, 0);
  int64_t stride = 1;
  for (size_t d = rank; d-- > 0;) {
    if (!reduced[d]) {
      out_strides[d] = stride;
      stride *= dims[d];
    }
  }
  const int64_t inner = dims[rank - 1];
  const int64_t step = out_strides[rank - 1];
  std::vector<int64_t> index(rank, 0);
  int64_t out_offset = 0;
  for (int64_t in_offset = 0; in_offset < total; in_offset += inner) {
    f(in_offset, out_offset, inner, step);
    for (size_t d = rank - 1; d-- > 0;) {
      out_offset += out_strides[d];
      if (++index[d] < dims[d]) break;
      out_offset -= out_strides[d] * dims[d];
      index[d] = 0;
    }
  }
}

template <Reduce kOp>
class ReduceKernel : public NodeKernel {
 public:
  explicit ReduceKernel(const NodeInfo& info)
      : NodeKernel(info),
        keepdims_(info.GetInt("keepdims", 1) != 0),
        noop_with_empty_axes_(info.GetInt("noop_with_empty_axes", 0) != 0),
        axes_from_input_(info.opset() >= (kOp == Reduce::kSum ? 13 : 18)),
        attr_axes_(info.GetInts("axes")) {}
  static std::unique_ptr<Kernel> Create(const NodeInfo& info) {
    return std::make_unique<ReduceKernel<kOp>>(info);
  }

  void Run(const std::vector<const ir::Tensor*>& inputs, std::vector<ir::Tensor>& outputs,
           const RunContext& /*context*/) override {
    const ir::Tensor& input = Input(inputs, 0);
    RequireDType(info(), "input", input.dtype, kNumeric);
    std::vector<int64_t> axes = attr_axes_;
    if (axes_from_input_) {
      axes.clear();
      if (inputs.size() > 1 && inputs[1] != nullptr) axes = ReadInt64s(*inputs[1], info(), "axes");
    }
    const auto rank = static_cast<int64_t>(input.dims.size());
    std::vector<bool> reduced(rank, axes.empty() && !noop_with_empty_axes_);
    for (int64_t axis : axes) reduced[NormalizeAxis(axis, rank, info())] = true;
    std::vector<int64_t> out_dims;
    int64_t count = 1;
    for (int64_t d = 0; d < rank; ++d) {
      if (reduced[d]) {
        count *= input.dims[d];
        if (keepdims_) out_dims.push_back(1);
      } else {
        out_dims.push_back(input.dims[d]);
      }
    }
    const ir::Tensor x = WidenToFloat(input);
    ir::Tensor y = NewTensor(x.dtype, out_dims);
    DispatchPlain(x.dtype, info(), "input", [&](auto tag) {
      using T = typename decltype(tag)::type;
      if constexpr (std::is_same_v<T, bool>) {
        FailDType(info(), "input", input.dtype);
      } else {
        Compute<T>(x, reduced, count, MutableData<T>(y), y.NumElements());
      }
    });
    outputs[0] = IsHalfLike(input.dtype) ? NarrowFromFloat(y, input.dtype) : std::move(y);
  }

 private:
  template <typename T>
  using Acc = std::conditional_t<std::is_floating_point_v<T>, double,
                                 std::conditional_t<std::is_signed_v<T>, int64_t, uint64_t>>;

  template <typename T>
  static Acc<T> Initial() {
    using A = Acc<T>;
    if constexpr (kOp == Reduce::kProd) return A{1};
    if constexpr (kOp == Reduce::kMax) {
      if constexpr (std::is_floating_point_v<T>) return -std::numeric_limits<double>::infinity();
      return static_cast<A>(std::numeric_limits<T>::lowest());
    }
    if constexpr (kOp == Reduce::kMin) {
      if constexpr (std::is_floating_point_v<T>) return std::numeric_limits<double>::infinity();
      return static_cast<A>(std::numeric_limits<T>::max());
    }
    return A{0};
  }

  template <typename T>
  static void Accumulate(Acc<T>& acc, T value, double shift) {
    using A = Acc<T>;
    const A v = static_cast<A>(value);
    if constexpr (kOp == Reduce::kMax || kOp == Reduce::kMin) {
      if constexpr (std::is_floating_point_v<T>) {
        if (std::isnan(v) || std::isnan(acc)) {
          acc = std::numeric_limits<double>::quiet_NaN();
          return;
        }
      }
      if (kOp == Reduce::kMax ? v > acc : v < acc) acc = v;
    } else if constexpr (kOp == Reduce::kProd) {
      if constexpr (std::is_integral_v<T>) {
        acc = static_cast<A>(static_cast<uint64_t>(acc) * static_cast<uint64_t>(v));
      } else {
        acc *= v;
      }
    } else if constexpr (kOp == Reduce::kL1) {
      if constexpr (std::is_signed_v<A>) {
        acc += v < 0 ? -v : v;
      } else {
        acc += v;
      }
    } else if constexpr (kOp == Reduce::kL2 || kOp == Reduce::kSumSquare) {
      acc += v * v;
    } else if constexpr (kOp == Reduce::kLogSumExp) {
      acc += static_cast<A>(std::exp(static_cast<double>(v) - shift));
    } else {
      acc += v;
    }
  }

  template <typename T>
  static T Finish(Acc<T> acc, int64_t count, double shift) {
    if constexpr (kOp == Reduce::kMean) {
      if constexpr (std::is_integral_v<T>) {
        return count == 0 ? T{0} : static_cast<T>(acc / static_cast<Acc<T>>(count));
      } else {
        return static_cast<T>(acc / static_cast<double>(count));
      }
    } else if constexpr (kOp == Reduce::kL2) {
      return static_cast<T>(std::sqrt(static_cast<double>(acc)));
    } else if constexpr (kOp == Reduce::kLogSum) {
      return static_cast<T>(std::log(static_cast<double>(acc)));
    } else if constexpr (kOp == Reduce::kLogSumExp) {
      return static_cast<T>(std::log(static_cast<double>(acc)) + shift);
    } else {
      return static_cast<T>(acc);
    }
  }

  template <typename T>
  static void Compute(const ir::Tensor& x, const std::vector<bool>& reduced, int64_t count, T* out,
                      int64_t out_count) {
    const T* in = x.DataAs<T>();
    // LogSumExp subtracts each output's maximum first so that exp cannot overflow.
    std::vector<double> shift(kOp == Reduce::kLogSumExp ? out_count : 0, 0.0);
    if constexpr (kOp == Reduce::kLogSumExp) {
      std::vector<double> max_value(out_count, -std::numeric_limits<double>::infinity());
      ForEachRow(x.dims, reduced, [&](int64_t i, int64_t o, int64_t n, int64_t step) {
        for (int64_t j = 0; j < n; ++j) {
          max_value[o + j * step] =
              std::max(max_value[o + j * step], static_cast<double>(in[i + j]));
        }
      });
      for (int64_t o = 0; o < out_count; ++o) {
        if (std::isfinite(max_value[o])) shift[o] = max_value[o];
      }
    }
    std::vector<Acc<T>> acc(out_count, Initial<T>());
    ForEachRow(x.dims, reduced, [&](int64_t i, int64_t o, int64_t n, int64_t step) {
      for (int64_t j = 0; j < n; ++j) {
        const int64_t k = o + j * step;
        Accumulate<T>(acc[k], in[i + j], shift.empty() ? 0.0 : shift[k]);
      }
    });
    for (int64_t o = 0; o < out_count; ++o) {
      out[o] = Finish<T>(acc[o], count, shift.empty() ? 0.0 : shift[o]);
    }
  }

  bool keepdims_;
  bool noop_with_empty_axes_;
  bool axes_from_input_;
  std::vector<int64_t> attr_axes_;
};

template <bool kMax>
class ArgReduceKernel : public NodeKernel {
 public:
  explicit ArgReduceKernel(const NodeInfo& info)
      : NodeKernel(info),
        axis_(info.GetInt("axis", 0)),
        keepdims_(info.GetInt("keepdims", 1) != 0),
        select_last_(info.GetInt("select_last_index", 0) != 0) {}
  static std::unique_ptr<Kernel> Create(const NodeInfo& info) {
    return std::make_unique<ArgReduceKernel<kMax>>(info);
  }

  void Run(const std::vector<const ir::Tensor*>& inputs, std::vector<ir::Tensor>& outputs,
           const RunContext& /*context*/) override {
    const ir::Tensor& input = Input(inputs, 0);
    RequireDType(info(), "input", input.dtype, kNumeric);
    const auto rank = static_cast<int64_t>(input.dims.size());
    const int64_t axis = NormalizeAxis(axis_, rank, info());
    int64_t outer = 1, length = rank == 0 ? 1 : input.dims[axis], inner = 1;
    std::vector<int64_t> out_dims;
    for (int64_t d = 0; d < rank; ++d) {
      if (d < axis) outer *= input.dims[d];
      if (d > axis) inner *= input.dims[d];
      if (d != axis) {
        out_dims.push_back(input.dims[d]);
      } else if (keepdims_) {
        out_dims.push_back(1);
      }
    }
    if (length == 0) {
      info().Fail(ErrorCode::kInvalidArgument,
                  "cannot take the arg" + std::string(kMax ? "max" : "min") +
                      " of an empty axis (input shape " + ShapeString(input.dims) + ")");
    }
    const ir::Tensor x = WidenToFloat(input);
    ir::Tensor y = NewTensor(ir::DType::kInt64, out_dims);
    int64_t* out = MutableData<int64_t>(y);
    DispatchPlain(x.dtype, info(), "input", [&](auto tag) {
      using T = typename decltype(tag)::type;
      if constexpr (std::is_same_v<T, bool>) {
        FailDType(info(), "input", input.dtype);
      } else {
        const T* in = x.DataAs<T>();
        for (int64_t o = 0; o < outer; ++o) {
          for (int64_t i = 0; i < inner; ++i) {
            const T* p = in + o * length * inner + i;
            T best = p[0];
            int64_t best_index = 0;
            for (int64_t k = 1; k < length; ++k) {
              const T v = p[k * inner];
              const bool better = kMax ? (v > best || (select_last_ && v == best))
                                       : (v < best || (select_last_ && v == best));
              if (better) {
                best = v;
                best_index = k;
              }
            }
            out[o * inner + i] = best_index;
          }
        }
      }
    });
    outputs[0] = std::move(y);
  }

 private:
  int64_t axis_;
  bool keepdims_;
  bool select_last_;
};

template <Reduce kOp>
void RegisterReduce(KernelRegistry& r, const char* name) {
  r.Register("", name, 1, 23, &ReduceKernel<kOp>::Create);
}

}  // namespace

void RegisterReductionKernels(KernelRegistry& registry) {
  // Axes come from the attribute before opset 18 (ReduceSum: 13) and from input 1 after.
  RegisterReduce<Reduce::kSum>(registry, "ReduceSum");
  RegisterReduce<Reduce::kMean>(registry, "ReduceMean");
  RegisterReduce<Reduce::kMax>(registry, "ReduceMax");
  RegisterReduce<Reduce::kMin>(registry, "ReduceMin");
  RegisterReduce<Reduce::kProd>(registry, "ReduceProd");
  RegisterReduce<Reduce::kL1>(registry, "ReduceL1");
  RegisterReduce<Reduce::kL2>(registry, "ReduceL2");
  RegisterReduce<Reduce::kLogSum>(registry, "ReduceLogSum");
  RegisterReduce<Reduce::kLogSumExp>(registry, "ReduceLogSumExp");
  RegisterReduce<Reduce::kSumSquare>(registry, "ReduceSumSquare");
  registry.Register("", "ArgMax", 1, 23, &ArgReduceKernel<true>::Create);
  registry.Register("", "ArgMin", 1, 23, &ArgReduceKernel<false>::Create);
}

}  // namespace nncf::exec
