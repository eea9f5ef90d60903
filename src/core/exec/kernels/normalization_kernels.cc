// BatchNormalization (inference), LayerNormalization, InstanceNormalization and
// GroupNormalization. Statistics are accumulated in double, which keeps results independent of
// the thread count and accurate for f16/bf16; data is read through f32 (or f64 for doubles).
#include <cmath>
#include <cstdint>
#include <memory>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "core/common/parallel_for.h"
#include "core/exec/kernel_registry.h"
#include "core/exec/kernels/onednn_util.h"
#include "core/exec/tensor_util.h"
#include "core/exec/uninitialized_tensor.h"

namespace nncf::exec {
namespace {

using onednn::NodeLabel;

const std::vector<ir::DType> kFloatTypes = {ir::DType::kFloat, ir::DType::kFloat16,
                                            ir::DType::kBFloat16, ir::DType::kDouble};

int64_t Product(const std::vector<int64_t>& v, size_t begin = 0) {
  int64_t p = 1;
  for (size_t i = begin; i < v.size(); ++i) p *= v[i];
  return p;
}

std::vector<double> ReadDoubles(const ir::Tensor& t) {
  std::vector<double> v(static_cast<size_t>(t.NumElements()));
  for (size_t i = 0; i < v.size(); ++i) v[i] = t.GetAsDouble(static_cast<int64_t>(i));
  return v;
}

// The data tensor as doubles in and out, whatever its float dtype.
std::vector<double> ReadData(const ir::Tensor& x) {
  if (x.dtype == ir::DType::kDouble) {
    const double* p = x.DataAs<double>();
    return std::vector<double>(p, p + x.NumElements());
  }
  onednn::FloatView view(x);
  return std::vector<double>(view.data(), view.data() + x.NumElements());
}

ir::Tensor WriteData(const std::vector<double>& values, ir::DType dtype,
                     std::vector<int64_t> dims) {
  if (dtype == ir::DType::kDouble) {
    ir::Tensor t = NewTensor(dtype, std::move(dims));
    std::copy(values.begin(), values.end(), MutableData<double>(t));
    return t;
  }
  std::vector<float> f(values.begin(), values.end());
  return onednn::FloatsToTensor(f.data(), dtype, std::move(dims));
}

void RequireShape(const NodeLabel& label, const ir::Tensor& t, const char* what,
                  const std::vector<int64_t>& want) {
  if (t.dims != want) {
    label.Fail(ErrorCode::kInvalidArgument, std::string("input ") + what + " has shape " +
                                                ShapeString(t.dims) + ", expected " +
                                                ShapeString(want));
  }
}

class BatchNormKernel : public Kernel {
 public:
  explicit BatchNormKernel(const NodeInfo& info)
      : label_(info), epsilon_(info.GetFloat("epsilon", 1e-5f)) {
    const bool has_stat_outputs = [&] {
      for (size_t i = 1; i < info.num_outputs(); ++i) {
        if (!info.node().outputs[i].empty()) return true;
      }
      return false;
    }();
    if (info.opset() >= 14 && info.GetInt("training_mode", 0) != 0) {
      info.Fail(ErrorCode::kUnsupported,
                "attribute training_mode=1 (training-mode batch statistics) is not supported");
    }
    if (info.opset() < 7 && info.GetInt("is_test", 0) == 0 && has_stat_outputs) {
      info.Fail(ErrorCode::kUnsupported,
                "attribute is_test=0 with statistics outputs (training mode) is not supported");
    }
    if (info.opset() < 14 && has_stat_outputs) {
      info.Fail(ErrorCode::kUnsupported,
                "running mean/variance outputs (training mode) are not supported");
    }
    spatial_ = info.opset() >= 9 || info.GetInt("spatial", 1) != 0;
  }

  void Run(const std::vector<const ir::Tensor*>& inputs, std::vector<ir::Tensor>& outputs,
           const RunContext& context) override {
    const ir::Tensor& x = onednn::RequireInput(label_, inputs, 0, "X");
    onednn::RequireDType(label_, x, "X", kFloatTypes);
    if (x.dims.size() < 2) {
      label_.Fail(ErrorCode::kInvalidArgument,
                  "input X " + ShapeString(x.dims) + " must have rank >= 2");
    }
    const int64_t batch = x.dims[0], channels = x.dims[1], inner = Product(x.dims, 2);
    // spatial=0 (before opset 9): one set of parameters per (channel, position).
    const std::vector<int64_t> param_dims =
        spatial_ ? std::vector<int64_t>{channels}
                 : std::vector<int64_t>(x.dims.begin() + 1, x.dims.end());
    const char* names[] = {"scale", "B", "input_mean", "input_var"};
    std::vector<double> params[4];
    for (size_t i = 0; i < 4; ++i) {
      const ir::Tensor& p = onednn::RequireInput(label_, inputs, i + 1, names[i]);
      onednn::RequireDType(label_, p, names[i], kFloatTypes);
      if (p.NumElements() != Product(param_dims) || (p.dims != param_dims && p.dims.size() != 1)) {
        RequireShape(label_, p, names[i], param_dims);
      }
      params[i] = ReadDoubles(p);
    }
    const int64_t per_param = spatial_ ? inner : 1;
    const int64_t num_params = Product(param_dims);
    std::vector<double> a(static_cast<size_t>(num_params)), b(a.size());
    for (int64_t i = 0; i < num_params; ++i) {
      a[i] = params[0][i] / std::sqrt(params[3][i] + static_cast<double>(epsilon_));
      b[i] = params[1][i] - params[2][i] * a[i];
    }
    if (x.dtype == ir::DType::kFloat && x.data) {
      // float32: y = x * a + b per (item, channel) plane, a and b rounded to float once (as ORT
      // and oneDNN compute it), planes spread over the threads.
      std::vector<float> af(a.begin(), a.end()), bf(b.begin(), b.end());
      ir::Tensor y = NewTensorUninitialized(ir::DType::kFloat, x.dims);
      const float* in = x.DataAs<float>();
      float* out = MutableData<float>(y);
      const int64_t rows = batch * channels;
      ParallelFor(context.num_threads, rows, inner, [&](int64_t begin, int64_t end) {
        for (int64_t row = begin; row < end; ++row) {
          const float* src = in + row * inner;
          float* dst = out + row * inner;
          if (spatial_) {
            const float scale = af[static_cast<size_t>(row % channels)];
            const float shift = bf[static_cast<size_t>(row % channels)];
            for (int64_t i = 0; i < inner; ++i) dst[i] = src[i] * scale + shift;
          } else {
            const float* scale = af.data() + (row % channels) * inner;
            const float* shift = bf.data() + (row % channels) * inner;
            for (int64_t i = 0; i < inner; ++i) dst[i] = src[i] * scale[i] + shift[i];
          }
        }
      });
      outputs[0] = std::move(y);
      return;
    }
    std::vector<double> data = ReadData(x);
    for (int64_t n = 0; n < batch; ++n) {
      double* p = data.data() + n * channels * inner;
      for (int64_t i = 0; i < channels * inner; ++i) {
        const int64_t k = i / per_param;
        p[i] = p[i] * a[k] + b[k];
      }
    }
    outputs[0] = WriteData(data, x.dtype, x.dims);
  }

 private:
  NodeLabel label_;
  float epsilon_;
  bool spatial_ = true;
};

// Mean and inverse standard deviation of `count` values.
// Sum in four interleaved lanes (element i into lane i % 4, lanes combined pairwise): a fixed
// order, so the same on every machine, without one long dependency chain of additions.
template <typename Term>
double LaneSum(int64_t count, const Term& term) {
  double lane[4] = {0, 0, 0, 0};
  int64_t i = 0;
  for (; i + 4 <= count; i += 4) {
    for (int l = 0; l < 4; ++l) lane[l] += term(i + l);
  }
  for (; i < count; ++i) lane[i % 4] += term(i);
  return (lane[0] + lane[1]) + (lane[2] + lane[3]);
}

void Moments(const double* p, int64_t count, double epsilon, double& mean, double& inv_std) {
  const double sum = LaneSum(count, [p](int64_t i) { return p[i]; });
  mean = count > 0 ? sum / static_cast<double>(count) : 0.0;
  const double m = mean;
  const double sq = LaneSum(count, [p, m](int64_t i) { return (p[i] - m) * (p[i] - m); });
  const double var = count > 0 ? sq / static_cast<double>(count) : 0.0;
  inv_std = 1.0 / std::sqrt(var + epsilon);
}

class LayerNormKernel : public Kernel {
 public:
  explicit LayerNormKernel(const NodeInfo& info)
      : label_(info),
        axis_(info.GetInt("axis", -1)),
        epsilon_(info.GetFloat("epsilon", 1e-5f)),
        stash_type_(info.GetInt("stash_type", 1)) {
    if (stash_type_ != 1 && stash_type_ != 11 && stash_type_ != 10 && stash_type_ != 16) {
      info.Fail(ErrorCode::kUnsupported,
                "attribute stash_type has unsupported value " + std::to_string(stash_type_));
    }
  }

  void Run(const std::vector<const ir::Tensor*>& inputs, std::vector<ir::Tensor>& outputs,
           const RunContext& context) override {
    const ir::Tensor& x = onednn::RequireInput(label_, inputs, 0, "X");
    const ir::Tensor& scale = onednn::RequireInput(label_, inputs, 1, "Scale");
    const ir::Tensor* bias = inputs.size() > 2 ? inputs[2] : nullptr;
    onednn::RequireDType(label_, x, "X", kFloatTypes);
    onednn::RequireSameDType(label_, scale, "Scale", x);
    if (bias) onednn::RequireSameDType(label_, *bias, "B", x);
    const int64_t rank = static_cast<int64_t>(x.dims.size());
    if (axis_ < -rank || axis_ >= rank) {
      label_.Fail(ErrorCode::kInvalidArgument, "attribute axis " + std::to_string(axis_) +
                                                   " is out of range for input X " +
                                                   ShapeString(x.dims));
    }
    const size_t axis = static_cast<size_t>(axis_ < 0 ? axis_ + rank : axis_);
    const std::vector<int64_t> norm_dims(x.dims.begin() + static_cast<int64_t>(axis), x.dims.end());
    const int64_t inner = Product(norm_dims);
    const int64_t outer = inner == 0 ? 0 : x.NumElements() / inner;
    const std::vector<int64_t> scale_strides = ParamStrides(scale, "Scale", norm_dims);
    std::vector<int64_t> bias_strides;
    if (bias) bias_strides = ParamStrides(*bias, "B", norm_dims);
    const std::vector<double> s = ReadDoubles(scale);
    const std::vector<double> b = bias ? ReadDoubles(*bias) : std::vector<double>();
    const std::vector<int64_t> norm_strides = Strides(norm_dims);
    // Flat offsets into Scale/B for each position of the normalized block.
    std::vector<int64_t> s_off(static_cast<size_t>(inner)), b_off(s_off.size());
    for (int64_t i = 0; i < inner; ++i) {
      int64_t rest = i, so = 0, bo = 0;
      for (size_t d = 0; d < norm_dims.size(); ++d) {
        const int64_t idx = rest / norm_strides[d];
        rest %= norm_strides[d];
        so += idx * scale_strides[d];
        if (bias) bo += idx * bias_strides[d];
      }
      s_off[i] = so;
      b_off[i] = bo;
    }
    bool dense_params = static_cast<int64_t>(s.size()) == inner &&
                        (!bias || static_cast<int64_t>(b.size()) == inner);
    for (int64_t i = 0; dense_params && i < inner; ++i) {
      dense_params = s_off[i] == i && (!bias || b_off[i] == i);
    }
    std::vector<double> means(static_cast<size_t>(outer)), inv_stds(means.size());
    // Rows are independent: one thread normalises each row, in double, as the generic path.
    const auto normalize_rows = [&](auto* values, auto* out) {
      ParallelFor(context.num_threads, outer, inner * 4, [&](int64_t begin, int64_t end) {
        std::vector<double> row(static_cast<size_t>(inner));
        for (int64_t r = begin; r < end; ++r) {
          const auto* in = values + r * inner;
          for (int64_t i = 0; i < inner; ++i) row[i] = static_cast<double>(in[i]);
          Moments(row.data(), inner, epsilon_, means[r], inv_stds[r]);
          auto* o = out + r * inner;
          using T = std::remove_reference_t<decltype(*o)>;
          if (dense_params) {
            // Scale and B cover the normalized block element for element (the usual case).
            for (int64_t i = 0; i < inner; ++i) {
              o[i] = static_cast<T>((row[i] - means[r]) * inv_stds[r] * s[i] + (bias ? b[i] : 0.0));
            }
            continue;
          }
          for (int64_t i = 0; i < inner; ++i) {
            o[i] = static_cast<T>((row[i] - means[r]) * inv_stds[r] * s[s_off[i]] +
                                  (bias ? b[b_off[i]] : 0.0));
          }
        }
      });
    };
    if (x.dtype == ir::DType::kFloat || x.dtype == ir::DType::kDouble) {
      ir::Tensor y = NewTensorUninitialized(x.dtype, x.dims);
      if (x.dtype == ir::DType::kFloat) {
        normalize_rows(x.DataAs<float>(), MutableData<float>(y));
      } else {
        normalize_rows(x.DataAs<double>(), MutableData<double>(y));
      }
      outputs[0] = std::move(y);
    } else {
      std::vector<double> data = ReadData(x);
      normalize_rows(static_cast<const double*>(data.data()), data.data());
      outputs[0] = WriteData(data, x.dtype, x.dims);
    }
    std::vector<int64_t> stat_dims = x.dims;
    for (size_t d = axis; d < stat_dims.size(); ++d) stat_dims[d] = 1;
    const ir::DType stat_type = static_cast<ir::DType>(stash_type_);
    if (outputs.size() > 1) outputs[1] = WriteData(means, stat_type, stat_dims);
    if (outputs.size() > 2) outputs[2] = WriteData(inv_stds, stat_type, stat_dims);
  }

 private:
  // Strides over the normalized dims for a parameter broadcast to them (unidirectionally).
  std::vector<int64_t> ParamStrides(const ir::Tensor& p, const char* what,
                                    const std::vector<int64_t>& norm_dims) const {
    bool ok = p.dims.size() <= norm_dims.size();
    for (size_t i = 0; ok && i < p.dims.size(); ++i) {
      const int64_t want = norm_dims[norm_dims.size() - p.dims.size() + i];
      ok = p.dims[i] == want || p.dims[i] == 1;
    }
    if (!ok) {
      label_.Fail(ErrorCode::kInvalidArgument,
                  std::string("input ") + what + " " + ShapeString(p.dims) +
                      " does not broadcast to the normalized shape " + ShapeString(norm_dims));
    }
    return BroadcastStrides(p.dims, norm_dims);
  }

  NodeLabel label_;
  int64_t axis_;
  float epsilon_;
  int64_t stash_type_;
};

// InstanceNormalization (groups == channels, per-channel affine) and GroupNormalization.
class GroupNormKernel : public Kernel {
 public:
  GroupNormKernel(const NodeInfo& info, bool instance)
      : label_(info),
        instance_(instance),
        epsilon_(info.GetFloat("epsilon", 1e-5f)),
        num_groups_(instance ? 0 : info.RequireInt("num_groups")),
        per_channel_params_(instance || info.opset() >= 21) {
    if (!instance && num_groups_ < 1) {
      info.Fail(ErrorCode::kInvalidModel,
                "attribute num_groups must be >= 1, got " + std::to_string(num_groups_));
    }
  }

  void Run(const std::vector<const ir::Tensor*>& inputs, std::vector<ir::Tensor>& outputs,
           const RunContext& /*context*/) override {
    const ir::Tensor& x = onednn::RequireInput(label_, inputs, 0, "X");
    const ir::Tensor& scale = onednn::RequireInput(label_, inputs, 1, "scale");
    const ir::Tensor& bias = onednn::RequireInput(label_, inputs, 2, "B");
    onednn::RequireDType(label_, x, "X", kFloatTypes);
    onednn::RequireSameDType(label_, scale, "scale", x);
    onednn::RequireSameDType(label_, bias, "B", x);
    if (x.dims.size() < 2) {
      label_.Fail(ErrorCode::kInvalidArgument,
                  "input X " + ShapeString(x.dims) + " must have rank >= 2");
    }
    const int64_t batch = x.dims[0], channels = x.dims[1], inner = Product(x.dims, 2);
    const int64_t groups = instance_ ? channels : num_groups_;
    if (channels % groups != 0) {
      label_.Fail(ErrorCode::kInvalidArgument, "channel count " + std::to_string(channels) +
                                                   " is not divisible by num_groups " +
                                                   std::to_string(groups));
    }
    const std::vector<int64_t> param_dims = {per_channel_params_ ? channels : groups};
    RequireShape(label_, scale, "scale", param_dims);
    RequireShape(label_, bias, "B", param_dims);
    const std::vector<double> s = ReadDoubles(scale), b = ReadDoubles(bias);
    const int64_t group_channels = channels / groups;
    std::vector<double> data = ReadData(x);
    for (int64_t n = 0; n < batch; ++n) {
      for (int64_t g = 0; g < groups; ++g) {
        double* p = data.data() + (n * channels + g * group_channels) * inner;
        double mean = 0, inv_std = 0;
        Moments(p, group_channels * inner, epsilon_, mean, inv_std);
        for (int64_t c = 0; c < group_channels; ++c) {
          const int64_t k = per_channel_params_ ? g * group_channels + c : g;
          double* q = p + c * inner;
          for (int64_t i = 0; i < inner; ++i) q[i] = (q[i] - mean) * inv_std * s[k] + b[k];
        }
      }
    }
    outputs[0] = WriteData(data, x.dtype, x.dims);
  }

 private:
  NodeLabel label_;
  bool instance_;
  float epsilon_;
  int64_t num_groups_;
  bool per_channel_params_;
};

std::unique_ptr<Kernel> MakeBatchNorm(const NodeInfo& info) {
  return std::make_unique<BatchNormKernel>(info);
}
std::unique_ptr<Kernel> MakeLayerNorm(const NodeInfo& info) {
  return std::make_unique<LayerNormKernel>(info);
}
std::unique_ptr<Kernel> MakeInstanceNorm(const NodeInfo& info) {
  return std::make_unique<GroupNormKernel>(info, true);
}
std::unique_ptr<Kernel> MakeGroupNorm(const NodeInfo& info) {
  return std::make_unique<GroupNormKernel>(info, false);
}

}  // namespace

void RegisterNormalizationKernels(KernelRegistry& registry) {
  registry.Register("", "BatchNormalization", 1, 23, MakeBatchNorm);
  registry.Register("", "LayerNormalization", 17, 23, MakeLayerNorm);
  registry.Register("", "InstanceNormalization", 1, 23, MakeInstanceNorm);
  registry.Register("", "GroupNormalization", 18, 23, MakeGroupNorm);
}

}  // namespace nncf::exec
