// Conv and ConvTranspose: f32/f16/bf16 on oneDNN (primitives cached per input shape, weights
// prepared once per weight buffer), f64 on plain loops.
#include <algorithm>
#include <cstring>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "core/exec/kernel_registry.h"
#include "core/exec/kernels/conv_geometry.h"
#include "core/exec/kernels/fused_conv.h"
#include "core/exec/kernels/onednn_util.h"
#include "core/exec/tensor_util.h"
#include "core/exec/uninitialized_tensor.h"
#include "core/ir/buffer.h"

namespace nncf::exec {
namespace {

using dnnl::memory;
using onednn::NodeLabel;

// Checks dtypes and channel counts; returns the output channel count.
int64_t CheckConvShapes(const NodeLabel& label, const ConvAttributes& a, bool transpose,
                        const ir::Tensor& x, const ir::Tensor& w, const ir::Tensor* b) {
  onednn::RequireDType(
      label, x, "X",
      {ir::DType::kFloat, ir::DType::kFloat16, ir::DType::kBFloat16, ir::DType::kDouble});
  onednn::RequireSameDType(label, w, "W", x);
  if (b) onednn::RequireSameDType(label, *b, "B", x);
  if (x.dims.size() < 3 || w.dims.size() != x.dims.size()) {
    label.Fail(ErrorCode::kInvalidArgument, "input X " + ShapeString(x.dims) + " and weight W " +
                                                ShapeString(w.dims) +
                                                " must have the same rank >= 3");
  }
  const int64_t channels = x.dims[1];
  int64_t out_channels = 0;
  bool ok = false;
  if (transpose) {
    out_channels = w.dims[1] * a.group;
    ok = w.dims[0] == channels && channels % a.group == 0;
  } else {
    out_channels = w.dims[0];
    ok = w.dims[1] * a.group == channels && out_channels % a.group == 0;
  }
  if (!ok) {
    label.Fail(ErrorCode::kInvalidArgument, "weight W " + ShapeString(w.dims) +
                                                " does not fit input X " + ShapeString(x.dims) +
                                                " with group " + std::to_string(a.group));
  }
  if (b && (b->dims.size() != 1 || b->dims[0] != out_channels)) {
    label.Fail(ErrorCode::kInvalidArgument, "bias B " + ShapeString(b->dims) +
                                                " must have shape [" +
                                                std::to_string(out_channels) + "]");
  }
  return out_channels;
}

int64_t Product(const std::vector<int64_t>& v) {
  int64_t p = 1;
  for (int64_t d : v) p *= d;
  return p;
}

// Advances a multi-index over `extent`; false after the last one.
bool NextIndex(std::vector<int64_t>& index, const std::vector<int64_t>& extent) {
  for (size_t i = index.size(); i-- > 0;) {
    if (++index[i] < extent[i]) return true;
    index[i] = 0;
  }
  return false;
}

// Plain-loop convolution for f64 (and any spatial rank).
void ReferenceConv(const Geometry& g, int64_t batch, int64_t channels, int64_t out_channels,
                   int64_t group, const double* x, const double* w, const double* b, double* y) {
  const size_t n = g.in.size();
  const int64_t in_size = Product(g.in), out_size = Product(g.out), k_size = Product(g.kernel);
  const int64_t cg = channels / group, mg = out_channels / group;
  const std::vector<int64_t> in_strides = Strides(g.in), k_strides = Strides(g.kernel);
  std::vector<int64_t> o(n), k(n);
  for (int64_t bn = 0; bn < batch; ++bn) {
    for (int64_t m = 0; m < out_channels; ++m) {
      const int64_t grp = m / mg;
      double* yp = y + (bn * out_channels + m) * out_size;
      std::fill(o.begin(), o.end(), 0);
      int64_t oi = 0;
      do {
        double acc = b ? b[m] : 0.0;
        std::fill(k.begin(), k.end(), 0);
        do {
          int64_t offset = 0;
          bool inside = true;
          for (size_t i = 0; i < n && inside; ++i) {
            const int64_t pos = o[i] * g.stride[i] - g.pad_begin[i] + k[i] * g.dilation[i];
            inside = pos >= 0 && pos < g.in[i];
            offset += pos * in_strides[i];
          }
          if (!inside) continue;
          int64_t koff = 0;
          for (size_t i = 0; i < n; ++i) koff += k[i] * k_strides[i];
          for (int64_t c = 0; c < cg; ++c) {
            acc += x[(bn * channels + grp * cg + c) * in_size + offset] *
                   w[(m * cg + c) * k_size + koff];
          }
        } while (NextIndex(k, g.kernel));
        yp[oi++] = acc;
      } while (NextIndex(o, g.out));
    }
  }
}

// Plain-loop transposed convolution for f64: scatters each input into the output window.
void ReferenceConvTranspose(const Geometry& g, int64_t batch, int64_t channels,
                            int64_t out_channels, int64_t group, const double* x, const double* w,
                            const double* b, double* y) {
  const size_t n = g.in.size();
  const int64_t in_size = Product(g.in), out_size = Product(g.out), k_size = Product(g.kernel);
  const int64_t cg = channels / group, mg = out_channels / group;
  const std::vector<int64_t> out_strides = Strides(g.out), k_strides = Strides(g.kernel);
  for (int64_t bn = 0; bn < batch; ++bn) {
    for (int64_t m = 0; m < out_channels; ++m) {
      double* yp = y + (bn * out_channels + m) * out_size;
      std::fill(yp, yp + out_size, b ? b[m] : 0.0);
    }
    std::vector<int64_t> p(n), k(n);
    for (int64_t c = 0; c < channels; ++c) {
      const int64_t grp = c / cg;
      const double* xp = x + (bn * channels + c) * in_size;
      std::fill(p.begin(), p.end(), 0);
      int64_t pi = 0;
      do {
        const double xv = xp[pi++];
        std::fill(k.begin(), k.end(), 0);
        do {
          int64_t offset = 0, koff = 0;
          bool inside = true;
          for (size_t i = 0; i < n && inside; ++i) {
            const int64_t pos = p[i] * g.stride[i] + k[i] * g.dilation[i] - g.pad_begin[i];
            inside = pos >= 0 && pos < g.out[i];
            offset += pos * out_strides[i];
            koff += k[i] * k_strides[i];
          }
          if (!inside) continue;
          for (int64_t mm = 0; mm < mg; ++mm) {
            const int64_t m = grp * mg + mm;
            y[(bn * out_channels + m) * out_size + offset] += xv * w[(c * mg + mm) * k_size + koff];
          }
        } while (NextIndex(k, g.kernel));
      } while (NextIndex(p, g.in));
    }
  }
}

memory::desc PlainDesc(const std::vector<int64_t>& dims) {
  return memory::desc(onednn::ToDims(dims), memory::data_type::f32, Strides(dims));
}

// N, C, spatial... dims stored channels-last (NHWC for 2-D).
memory::desc ChannelsLastDesc(const std::vector<int64_t>& dims) {
  std::vector<int64_t> strides(dims.size());
  int64_t step = dims[1];
  strides[1] = 1;
  for (size_t i = dims.size(); i-- > 2;) {
    strides[i] = step;
    step *= dims[i];
  }
  strides[0] = step;
  return memory::desc(onednn::ToDims(dims), memory::data_type::f32, onednn::ToDims(strides));
}

memory::desc LayoutDesc(const std::vector<int64_t>& dims, bool channels_last) {
  return channels_last ? ChannelsLastDesc(dims) : PlainDesc(dims);
}

// Copies `from` (layout `from_desc`) into `to` (layout `to_desc`), same dims.
void Relayout(const NodeLabel& label, const memory::desc& from_desc, const float* from,
              const memory::desc& to_desc, float* to) {
  const auto& engine = onednn::Engine();
  if (from_desc == to_desc) {
    std::memcpy(to, from, from_desc.get_size());
    return;
  }
  memory src(from_desc, engine, const_cast<float*>(from));
  memory dst(to_desc, engine, to);
  onednn::Execute(label, dnnl::reorder(src, dst), {{DNNL_ARG_FROM, src}, {DNNL_ARG_TO, dst}});
}

// oneDNN dilation counts the gaps between taps (ONNX dilation minus one).
memory::dims OneDnnDilation(const Geometry& g) {
  memory::dims d;
  for (int64_t v : g.dilation) d.push_back(v - 1);
  return d;
}

// A primitive for one input shape, with its weights prepared (converted to f32 and reordered to
// the primitive's layout) for the weight buffer they came from.
struct PrimitiveEntry {
  dnnl::primitive primitive;
  memory::desc src_desc, weights_user_desc, weights_desc, dst_desc;
  // The plain (ONNX) layouts of X and Y; differ from src_desc / dst_desc when the primitive
  // prefers a blocked layout, and then X and Y are reordered around it.
  memory::desc src_user_desc, dst_user_desc;
  std::shared_ptr<const ir::Buffer> weights_source;
  memory weights;
};

// Weights in the primitive's layout; reuses the prepared copy while W is the same buffer (held,
// so its address cannot be reused by another tensor).
memory PrepareWeights(const NodeLabel& label, PrimitiveEntry& entry, const ir::Tensor& w) {
  const auto& engine = onednn::Engine();
  const bool direct = w.dtype == ir::DType::kFloat && entry.weights_desc == entry.weights_user_desc;
  if (direct) {
    return memory(entry.weights_desc, engine, const_cast<uint8_t*>(w.bytes()));
  }
  if (entry.weights_source && entry.weights_source == w.data) return entry.weights;
  onednn::FloatView view(w);
  memory user(entry.weights_user_desc, engine, const_cast<float*>(view.data()));
  memory prepared(entry.weights_desc, engine);
  if (entry.weights_desc == entry.weights_user_desc) {
    std::memcpy(prepared.get_data_handle(), view.data(), entry.weights_desc.get_size());
  } else {
    dnnl::reorder reorder(user, prepared);
    onednn::Execute(label, reorder, {{DNNL_ARG_FROM, user}, {DNNL_ARG_TO, prepared}});
  }
  entry.weights_source = w.data;
  entry.weights = prepared;
  return prepared;
}

class ConvKernelBase : public Kernel {
 public:
  ConvKernelBase(const NodeInfo& info, bool transpose, const FusedConvSpec* fused = nullptr)
      : label_(info), attrs_(info), transpose_(transpose), fused_(fused != nullptr) {
    if (fused) spec_ = *fused;
  }

  void Run(const std::vector<const ir::Tensor*>& inputs, std::vector<ir::Tensor>& outputs,
           const RunContext& /*context*/) override {
    const ir::Tensor& x = onednn::RequireInput(label_, inputs, 0, "X");
    const ir::Tensor& w = onednn::RequireInput(label_, inputs, 1, "W");
    const ir::Tensor* b = inputs.size() > 2 ? inputs[2] : nullptr;
    const int64_t out_channels = CheckConvShapes(label_, attrs_, transpose_, x, w, b);
    const Geometry g = transpose_ ? ConvTransposeGeometry(label_, attrs_, x.dims, w.dims)
                                  : ConvGeometry(label_, attrs_, x.dims, w.dims);
    std::vector<int64_t> y_dims = {x.dims[0], out_channels};
    y_dims.insert(y_dims.end(), g.out.begin(), g.out.end());
    if (fused_) {
      RunFused(inputs, g, x, w, b, out_channels, y_dims, outputs);
      return;
    }
    if (x.dtype == ir::DType::kDouble) {
      ir::Tensor y = NewTensor(ir::DType::kDouble, y_dims);
      if (y.NumElements() > 0) {
        const double* bias = b ? b->DataAs<double>() : nullptr;
        auto run = transpose_ ? ReferenceConvTranspose : ReferenceConv;
        run(g, x.dims[0], x.dims[1], out_channels, attrs_.group, x.DataAs<double>(),
            w.DataAs<double>(), bias, MutableData<double>(y));
      }
      outputs[0] = std::move(y);
      return;
    }
    if (g.in.size() > 3) {
      label_.Fail(ErrorCode::kUnsupported, "float convolution over " + std::to_string(g.in.size()) +
                                               " spatial dimensions (at most 3)");
    }
    onednn::FloatOutput y(x.dtype, y_dims);
    if (Product(y_dims) > 0 && x.dims[0] > 0) {
      if (transpose_) {
        RunTranspose(g, x, w, b, out_channels, y.data());
      } else {
        RunConv(g, x, w, b, out_channels, y_dims, y.data());
      }
    }
    outputs[0] = y.Finish();
  }

 private:
  // Weight dims as oneDNN sees them: a leading group dim when group > 1.
  std::vector<int64_t> GroupedWeightDims(int64_t out_channels, int64_t in_channels,
                                         const std::vector<int64_t>& kernel) const {
    std::vector<int64_t> dims;
    if (attrs_.group > 1) dims.push_back(attrs_.group);
    dims.push_back(out_channels / attrs_.group);
    dims.push_back(in_channels / attrs_.group);
    dims.insert(dims.end(), kernel.begin(), kernel.end());
    return dims;
  }

  // Copies out of `entry` under the lock (entries may be evicted while another thread runs).
  struct Prepared {
    dnnl::primitive primitive;
    memory::desc src_desc, dst_desc, src_user_desc, dst_user_desc;
    memory weights;
  };

  Prepared Lookup(const std::vector<int64_t>& key, const ir::Tensor& w,
                  const std::function<std::unique_ptr<PrimitiveEntry>()>& create) {
    std::lock_guard<std::mutex> lock(cache_.mutex());
    PrimitiveEntry* entry = cache_.Find(key);
    if (entry == nullptr) entry = cache_.Insert(key, create());
    Prepared p;
    p.primitive = entry->primitive;
    p.src_desc = entry->src_desc;
    p.dst_desc = entry->dst_desc;
    p.src_user_desc = entry->src_user_desc;
    p.dst_user_desc = entry->dst_user_desc;
    p.weights = PrepareWeights(label_, *entry, w);
    return p;
  }

  // Plain kernel: X and Y in ONNX layout (oneDNN then runs im2col + GEMM, which beats its direct
  // convolutions once those need a reorder on either side). Fused kernel: Y channels-last (X
  // reordered to it when plain), with `sum` (Y holds the residual on entry) and Relu post-ops.
  void RunConv(const Geometry& g, const ir::Tensor& x, const ir::Tensor& w, const ir::Tensor* b,
               int64_t out_channels, const std::vector<int64_t>& y_dims, float* y, bool sum = false,
               bool relu = false, bool hardswish = false) {
    std::vector<int64_t> key;
    onednn::AppendKey(key, x.dims);
    onednn::AppendKey(key, w.dims);
    key.push_back(b != nullptr);
    key.push_back(static_cast<int64_t>(w.dtype));
    key.push_back(sum);
    key.push_back(relu);
    key.push_back(hardswish);
    auto create = [&]() {
      auto entry = std::make_unique<PrimitiveEntry>();
      const std::vector<int64_t> wd = GroupedWeightDims(out_channels, x.dims[1], g.kernel);
      entry->src_user_desc = LayoutDesc(x.dims, fused_ && spec_.x_channels_last);
      entry->dst_user_desc = fused_ ? ChannelsLastDesc(y_dims) : PlainDesc(y_dims);
      entry->weights_user_desc = PlainDesc(wd);
      const memory::desc src_desc = fused_ ? ChannelsLastDesc(x.dims) : PlainDesc(x.dims);
      const memory::desc dst_desc = entry->dst_user_desc;
      const memory::desc any_weights(onednn::ToDims(wd), memory::data_type::f32,
                                     memory::format_tag::any);
      const memory::desc bias_desc = b ? PlainDesc({out_channels}) : memory::desc();
      try {
        dnnl::convolution_forward::desc desc(
            dnnl::prop_kind::forward_inference, dnnl::algorithm::convolution_direct, src_desc,
            any_weights, bias_desc, dst_desc, onednn::ToDims(g.stride), OneDnnDilation(g),
            onednn::ToDims(g.pad_begin), onednn::ToDims(g.pad_end));
        dnnl::post_ops ops;
        if (sum) ops.append_sum(1.0f);
        if (relu) ops.append_eltwise(1.0f, dnnl::algorithm::eltwise_relu, 0.0f, 0.0f);
        // oneDNN 2.6's hardswish is x * relu6(x + 3) / 6, ONNX's HardSwish.
        if (hardswish) ops.append_eltwise(1.0f, dnnl::algorithm::eltwise_hardswish, 0.0f, 0.0f);
        dnnl::primitive_attr attr = onednn::CachedPrimitiveAttr();
        attr.set_post_ops(ops);
        dnnl::convolution_forward::primitive_desc pd(desc, attr, onednn::Engine());
        entry->src_desc = pd.src_desc();
        entry->dst_desc = pd.dst_desc();
        entry->weights_desc = pd.weights_desc();
        entry->primitive = dnnl::convolution_forward(pd);
      } catch (const dnnl::error& e) {
        label_.Fail(ErrorCode::kInternal,
                    std::string("oneDNN rejected the convolution: ") + e.what());
      }
      return entry;
    };
    Prepared p = Lookup(key, w, create);
    const auto& engine = onednn::Engine();
    onednn::FloatView xv(x);
    memory x_user(p.src_user_desc, engine, const_cast<float*>(xv.data()));
    memory y_user(p.dst_user_desc, engine, y);
    memory src = x_user, dst = y_user;
    if (p.src_desc != p.src_user_desc) {
      src = memory(p.src_desc, engine);
      onednn::Execute(label_, dnnl::reorder(x_user, src),
                      {{DNNL_ARG_FROM, x_user}, {DNNL_ARG_TO, src}});
    }
    if (p.dst_desc != p.dst_user_desc) dst = memory(p.dst_desc, engine);
    std::unordered_map<int, memory> args = {
        {DNNL_ARG_SRC, src}, {DNNL_ARG_WEIGHTS, p.weights}, {DNNL_ARG_DST, dst}};
    std::unique_ptr<onednn::FloatView> bv;
    if (b) {
      bv = std::make_unique<onednn::FloatView>(*b);
      args[DNNL_ARG_BIAS] =
          memory(PlainDesc({out_channels}), engine, const_cast<float*>(bv->data()));
    }
    onednn::Execute(label_, p.primitive, args);
    if (p.dst_desc != p.dst_user_desc) {
      onednn::Execute(label_, dnnl::reorder(dst, y_user),
                      {{DNNL_ARG_FROM, dst}, {DNNL_ARG_TO, y_user}});
    }
  }

  // oneDNN computes the full transposed convolution (no padding); the node's output is the
  // window of it at pad_begin (positions past its end, from output_padding or a larger
  // output_shape, receive only the bias).
  void RunTranspose(const Geometry& g, const ir::Tensor& x, const ir::Tensor& w,
                    const ir::Tensor* b, int64_t out_channels, float* y) {
    const size_t n = g.in.size();
    std::vector<int64_t> full(n);
    for (size_t i = 0; i < n; ++i) full[i] = g.stride[i] * (g.in[i] - 1) + KernelRange(g, i);
    std::vector<int64_t> full_dims = {x.dims[0], out_channels};
    full_dims.insert(full_dims.end(), full.begin(), full.end());
    std::vector<int64_t> key;
    onednn::AppendKey(key, x.dims);
    onednn::AppendKey(key, w.dims);
    key.push_back(static_cast<int64_t>(w.dtype));
    auto create = [&]() {
      auto entry = std::make_unique<PrimitiveEntry>();
      const std::vector<int64_t> wd = GroupedWeightDims(out_channels, x.dims[1], g.kernel);
      // ONNX stores (C, M/group, k...): input channels outermost within a group.
      std::vector<int64_t> strides(wd.size());
      const int64_t k_size = Product(g.kernel);
      const size_t o = attrs_.group > 1 ? 1 : 0;
      const int64_t mg = out_channels / attrs_.group, cg = x.dims[1] / attrs_.group;
      if (o == 1) strides[0] = cg * mg * k_size;
      strides[o] = k_size;
      strides[o + 1] = mg * k_size;
      const std::vector<int64_t> ks = Strides(g.kernel);
      std::copy(ks.begin(), ks.end(), strides.begin() + o + 2);
      entry->weights_user_desc =
          memory::desc(onednn::ToDims(wd), memory::data_type::f32, onednn::ToDims(strides));
      entry->src_desc = PlainDesc(x.dims);
      entry->dst_desc = PlainDesc(full_dims);
      const memory::desc any_weights(onednn::ToDims(wd), memory::data_type::f32,
                                     memory::format_tag::any);
      const memory::dims zeros(n, 0);
      try {
        dnnl::deconvolution_forward::desc desc(
            dnnl::prop_kind::forward_inference, dnnl::algorithm::deconvolution_direct,
            entry->src_desc, any_weights, entry->dst_desc, onednn::ToDims(g.stride),
            OneDnnDilation(g), zeros, zeros);
        dnnl::deconvolution_forward::primitive_desc pd(desc, onednn::CachedPrimitiveAttr(),
                                                       onednn::Engine());
        entry->weights_desc = pd.weights_desc();
        entry->primitive = dnnl::deconvolution_forward(pd);
      } catch (const dnnl::error& e) {
        label_.Fail(ErrorCode::kInternal,
                    std::string("oneDNN rejected the transposed convolution: ") + e.what());
      }
      return entry;
    };
    Prepared p = Lookup(key, w, create);
    const auto& engine = onednn::Engine();
    onednn::FloatView xv(x);
    const bool window_is_full = g.out == full && std::all_of(g.pad_begin.begin(), g.pad_begin.end(),
                                                             [](int64_t v) { return v == 0; });
    std::vector<float> staging;
    float* full_data = y;
    if (!window_is_full) {
      staging.resize(static_cast<size_t>(Product(full_dims)));
      full_data = staging.data();
    }
    onednn::Execute(label_, p.primitive,
                    {{DNNL_ARG_SRC, memory(p.src_desc, engine, const_cast<float*>(xv.data()))},
                     {DNNL_ARG_WEIGHTS, p.weights},
                     {DNNL_ARG_DST, memory(p.dst_desc, engine, full_data)}});
    const int64_t planes = x.dims[0] * out_channels;
    const int64_t out_size = Product(g.out), full_size = Product(full);
    if (!window_is_full) {
      const std::vector<int64_t> full_strides = Strides(full);
      std::vector<int64_t> o(n);
      for (int64_t plane = 0; plane < planes; ++plane) {
        const float* src = full_data + plane * full_size;
        float* dst = y + plane * out_size;
        std::fill(o.begin(), o.end(), 0);
        int64_t oi = 0;
        do {
          int64_t offset = 0;
          bool inside = true;
          for (size_t i = 0; i < n && inside; ++i) {
            const int64_t pos = o[i] + g.pad_begin[i];
            inside = pos >= 0 && pos < full[i];
            offset += pos * full_strides[i];
          }
          dst[oi++] = inside ? src[offset] : 0.0f;
        } while (NextIndex(o, g.out));
      }
    }
    if (b) {
      onednn::FloatView bv(*b);
      for (int64_t plane = 0; plane < planes; ++plane) {
        const float bias = bv.data()[plane % out_channels];
        float* dst = y + plane * out_size;
        for (int64_t i = 0; i < out_size; ++i) dst[i] += bias;
      }
    }
  }

  // The fused form: float32 only (W is a float32 initializer, and X must match it).
  void RunFused(const std::vector<const ir::Tensor*>& inputs, const Geometry& g,
                const ir::Tensor& x, const ir::Tensor& w, const ir::Tensor* b, int64_t out_channels,
                const std::vector<int64_t>& y_dims, std::vector<ir::Tensor>& outputs) {
    if (x.dtype != ir::DType::kFloat) {
      label_.Fail(ErrorCode::kInvalidArgument,
                  std::string("input X has dtype ") + ir::DTypeName(x.dtype) + ", expected float");
    }
    if (g.in.size() > 3) {
      label_.Fail(ErrorCode::kUnsupported, "float convolution over " + std::to_string(g.in.size()) +
                                               " spatial dimensions (at most 3)");
    }
    const ir::Tensor* r = nullptr;
    if (spec_.residual) {
      r = &onednn::RequireInput(label_, inputs, 3, "residual");
      onednn::RequireSameDType(label_, *r, "residual", x);
    }
    // Every element is written below (by the primitive or a relayout).
    ir::Tensor y = NewTensorUninitialized(ir::DType::kFloat, y_dims);
    if (Product(y_dims) == 0 || x.dims[0] == 0) {
      outputs[0] = std::move(y);
      return;
    }
    float* yp = MutableData<float>(y);
    const bool sum = r != nullptr && r->dims == y_dims;
    const bool post_relu = spec_.relu && (r == nullptr || sum);
    const bool post_hardswish = spec_.hardswish && (r == nullptr || sum);
    const memory::desc cl_y = ChannelsLastDesc(y_dims);
    const memory::desc y_desc = LayoutDesc(y_dims, spec_.y_channels_last);
    // The primitive writes channels-last: straight into Y when Y is channels-last.
    std::vector<float> staging;
    float* dst = yp;
    if (!spec_.y_channels_last || (r != nullptr && !sum)) {
      staging.resize(static_cast<size_t>(Product(y_dims)));
      dst = staging.data();
    }
    if (sum) {
      Relayout(label_, LayoutDesc(r->dims, spec_.residual_channels_last), r->DataAs<float>(), cl_y,
               dst);
    }
    RunConv(g, x, w, b, out_channels, y_dims, dst, sum, post_relu, post_hardswish);
    if (r == nullptr || sum) {
      if (dst != yp) Relayout(label_, cl_y, dst, y_desc, yp);
      outputs[0] = std::move(y);
      return;
    }
    // A residual that broadcasts: add (and Relu) on the plain layout.
    std::vector<float> plain(staging.size());
    Relayout(label_, cl_y, dst, PlainDesc(y_dims), plain.data());
    std::vector<float> residual(static_cast<size_t>(Product(r->dims)));
    Relayout(label_, LayoutDesc(r->dims, spec_.residual_channels_last), r->DataAs<float>(),
             PlainDesc(r->dims), residual.data());
    if (r->dims.size() > y_dims.size()) {
      label_.Fail(ErrorCode::kInvalidArgument, "residual " + ShapeString(r->dims) +
                                                   " does not broadcast to " + ShapeString(y_dims));
    }
    const std::vector<int64_t> rs = BroadcastStrides(r->dims, y_dims);
    std::vector<int64_t> index(y_dims.size(), 0);
    for (size_t i = 0; i < plain.size(); ++i) {
      int64_t offset = 0;
      for (size_t d = 0; d < index.size(); ++d) offset += index[d] * rs[d];
      float v = plain[i] + residual[static_cast<size_t>(offset)];
      if (spec_.relu) v = std::max(v, 0.0f);
      if (spec_.hardswish) v = v * std::max(0.0f, std::min(1.0f, v * (1.0f / 6.0f) + 0.5f));
      plain[i] = v;
      NextIndex(index, y_dims);
    }
    Relayout(label_, PlainDesc(y_dims), plain.data(), y_desc, yp);
    outputs[0] = std::move(y);
  }

  NodeLabel label_;
  ConvAttributes attrs_;
  bool transpose_;
  bool fused_;
  FusedConvSpec spec_;
  onednn::ShapeCache<PrimitiveEntry> cache_;
};

std::unique_ptr<Kernel> MakeConv(const NodeInfo& info) {
  return std::make_unique<ConvKernelBase>(info, false);
}
}  // namespace

std::unique_ptr<Kernel> MakeFusedConv(const NodeInfo& info, const FusedConvSpec& spec) {
  return std::make_unique<ConvKernelBase>(info, false, &spec);
}

namespace {

std::unique_ptr<Kernel> MakeConvTranspose(const NodeInfo& info) {
  return std::make_unique<ConvKernelBase>(info, true);
}

}  // namespace

void RegisterConvKernels(KernelRegistry& registry) {
  registry.Register("", "Conv", 1, 23, MakeConv);
  registry.Register("", "ConvTranspose", 1, 23, MakeConvTranspose);
}

}  // namespace nncf::exec
