// MaxPool (with Indices), AveragePool, LpPool, GlobalAveragePool and GlobalMaxPool on plain loops
// over precomputed window bounds: pooling is memory-bound, and ONNX's Indices output,
// storage_order and ceil_mode/count_include_pad divisors are direct to express here.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
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

enum class PoolKind { kMax, kAverage, kLp };

int64_t Product(const std::vector<int64_t>& v) {
  int64_t p = 1;
  for (int64_t d : v) p *= d;
  return p;
}

bool NextIndex(std::vector<int64_t>& index, const std::vector<int64_t>& extent) {
  for (size_t i = index.size(); i-- > 0;) {
    if (++index[i] < extent[i]) return true;
    index[i] = 0;
  }
  return false;
}

struct PoolGeometry {
  std::vector<int64_t> in, kernel, stride, dilation, pad_begin, pad_end, out;
};

class PoolKernel : public Kernel {
 public:
  PoolKernel(const NodeInfo& info, PoolKind kind, bool global)
      : label_(info), kind_(kind), global_(global) {
    if (global_) return;
    const std::string auto_pad = info.GetString("auto_pad", "NOTSET");
    if (auto_pad == "SAME_UPPER" || auto_pad == "SAME_LOWER") {
      same_ = true;
      same_upper_ = auto_pad == "SAME_UPPER";
    } else if (auto_pad == "VALID") {
      valid_ = true;
    } else if (auto_pad != "NOTSET" && !auto_pad.empty()) {
      info.Fail(ErrorCode::kUnsupported,
                "attribute auto_pad has unsupported value '" + auto_pad + "'");
    }
    kernel_shape_ = info.GetInts("kernel_shape");
    if (kernel_shape_.empty()) {
      info.Fail(ErrorCode::kInvalidModel, "required attribute 'kernel_shape' is missing");
    }
    for (int64_t k : kernel_shape_) {
      if (k < 1) info.Fail(ErrorCode::kInvalidModel, "attribute kernel_shape must be >= 1");
    }
    strides_ = info.GetInts("strides");
    dilations_ = info.GetInts("dilations");
    pads_ = info.GetInts("pads");
    ceil_mode_ = info.GetInt("ceil_mode", 0) != 0;
    count_include_pad_ = info.GetInt("count_include_pad", 0) != 0;
    storage_order_ = info.GetInt("storage_order", 0);
    if (storage_order_ != 0 && storage_order_ != 1) {
      info.Fail(ErrorCode::kUnsupported,
                "attribute storage_order has unsupported value " + std::to_string(storage_order_));
    }
    p_ = info.GetInt("p", 2);
    if (kind_ == PoolKind::kLp && p_ < 1) {
      info.Fail(ErrorCode::kUnsupported, "attribute p has unsupported value " + std::to_string(p_));
    }
    const size_t n = kernel_shape_.size();
    auto check = [&](const std::vector<int64_t>& v, size_t want, const char* name, int64_t min) {
      if (!v.empty() && v.size() != want) {
        info.Fail(ErrorCode::kInvalidModel, std::string("attribute ") + name + " has " +
                                                std::to_string(v.size()) + " values, expected " +
                                                std::to_string(want));
      }
      for (int64_t x : v) {
        if (x < min)
          info.Fail(ErrorCode::kInvalidModel,
                    std::string("attribute ") + name + " has invalid value " + std::to_string(x));
      }
    };
    check(strides_, n, "strides", 1);
    check(dilations_, n, "dilations", 1);
    check(pads_, 2 * n, "pads", 0);
  }

  void Run(const std::vector<const ir::Tensor*>& inputs, std::vector<ir::Tensor>& outputs,
           const RunContext& context) override {
    const ir::Tensor& x = onednn::RequireInput(label_, inputs, 0, "X");
    std::vector<ir::DType> allowed = {ir::DType::kFloat, ir::DType::kFloat16, ir::DType::kBFloat16,
                                      ir::DType::kDouble};
    if (kind_ == PoolKind::kMax && !global_) {
      allowed.push_back(ir::DType::kInt8);
      allowed.push_back(ir::DType::kUint8);
    }
    onednn::RequireDType(label_, x, "X", allowed);
    if (x.dims.size() < 3) {
      label_.Fail(ErrorCode::kInvalidArgument,
                  "input X " + ShapeString(x.dims) + " must have rank >= 3 (N, C, spatial...)");
    }
    const PoolGeometry g = Geometry(x.dims);
    std::vector<int64_t> y_dims = {x.dims[0], x.dims[1]};
    y_dims.insert(y_dims.end(), g.out.begin(), g.out.end());
    const bool want_indices = outputs.size() > 1 && kind_ == PoolKind::kMax;
    ir::Tensor indices;
    int64_t* idx = nullptr;
    if (want_indices) {
      indices = NewTensor(ir::DType::kInt64, y_dims);
      idx = MutableData<int64_t>(indices);
    }
    switch (x.dtype) {
      case ir::DType::kDouble: {
        ir::Tensor y = NewTensorUninitialized(x.dtype, y_dims);
        PoolPlanes<double>(g, x.dims, x.DataAs<double>(), MutableData<double>(y), idx,
                           context.num_threads);
        outputs[0] = std::move(y);
        break;
      }
      case ir::DType::kInt8: {
        ir::Tensor y = NewTensorUninitialized(x.dtype, y_dims);
        PoolPlanes<int8_t>(g, x.dims, x.DataAs<int8_t>(), MutableData<int8_t>(y), idx,
                           context.num_threads);
        outputs[0] = std::move(y);
        break;
      }
      case ir::DType::kUint8: {
        ir::Tensor y = NewTensorUninitialized(x.dtype, y_dims);
        PoolPlanes<uint8_t>(g, x.dims, x.DataAs<uint8_t>(), MutableData<uint8_t>(y), idx,
                            context.num_threads);
        outputs[0] = std::move(y);
        break;
      }
      default: {
        onednn::FloatView xv(x);
        onednn::FloatOutput y(x.dtype, y_dims);
        PoolPlanes<float>(g, x.dims, xv.data(), y.data(), idx, context.num_threads);
        outputs[0] = y.Finish();
      }
    }
    if (want_indices) outputs[1] = std::move(indices);
  }

 private:
  PoolGeometry Geometry(const std::vector<int64_t>& x_dims) const {
    PoolGeometry g;
    g.in.assign(x_dims.begin() + 2, x_dims.end());
    const size_t n = g.in.size();
    if (global_) {
      g.kernel = g.in;
      g.stride.assign(n, 1);
      g.dilation.assign(n, 1);
      g.out.assign(n, 1);
      g.pad_begin.assign(n, 0);
      g.pad_end.assign(n, 0);
      return g;
    }
    if (kernel_shape_.size() != n) {
      label_.Fail(ErrorCode::kInvalidArgument,
                  "attribute kernel_shape " + ShapeString(kernel_shape_) +
                      " does not match the spatial rank of input X " + ShapeString(x_dims));
    }
    g.kernel = kernel_shape_;
    // assign() rather than a conditional copy: GCC 12 at -O3 misreads the latter as a bad free.
    if (strides_.empty()) {
      g.stride.assign(n, 1);
    } else {
      g.stride.assign(strides_.begin(), strides_.end());
    }
    if (dilations_.empty()) {
      g.dilation.assign(n, 1);
    } else {
      g.dilation.assign(dilations_.begin(), dilations_.end());
    }
    g.pad_begin.assign(n, 0);
    g.pad_end.assign(n, 0);
    if (!pads_.empty() && !valid_ && !same_) {
      g.pad_begin.assign(pads_.begin(), pads_.begin() + n);
      g.pad_end.assign(pads_.begin() + n, pads_.end());
    }
    g.out.resize(n);
    for (size_t i = 0; i < n; ++i) {
      const int64_t range = (g.kernel[i] - 1) * g.dilation[i] + 1;
      if (same_) {
        g.out[i] = (g.in[i] + g.stride[i] - 1) / g.stride[i];
        const int64_t total = std::max<int64_t>(0, (g.out[i] - 1) * g.stride[i] + range - g.in[i]);
        g.pad_begin[i] = same_upper_ ? total / 2 : total - total / 2;
        g.pad_end[i] = total - g.pad_begin[i];
        continue;
      }
      const int64_t span = g.in[i] + g.pad_begin[i] + g.pad_end[i] - range;
      if (span < 0) {
        label_.Fail(ErrorCode::kInvalidArgument, "kernel extent " + std::to_string(range) +
                                                     " exceeds the padded extent of input X " +
                                                     ShapeString(x_dims));
      }
      g.out[i] = (ceil_mode_ ? (span + g.stride[i] - 1) / g.stride[i] : span / g.stride[i]) + 1;
      // A window must start inside the input or its left padding.
      if (ceil_mode_ && (g.out[i] - 1) * g.stride[i] >= g.in[i] + g.pad_begin[i]) --g.out[i];
    }
    return g;
  }

  // Pool over (N*C) planes split across threads; each plane is pooled by one thread.
  template <typename T>
  void PoolPlanes(const PoolGeometry& g, const std::vector<int64_t>& x_dims, const T* x, T* y,
                  int64_t* indices, int num_threads) const {
    const int64_t planes = x_dims[0] * x_dims[1];
    const int64_t in_size = Product(g.in), out_size = Product(g.out);
    ParallelFor(num_threads, planes, std::max<int64_t>(in_size, 1),
                [&](int64_t begin, int64_t end) {
                  std::vector<int64_t> dims = x_dims;
                  dims[0] = end - begin;
                  dims[1] = 1;
                  int64_t* idx = indices ? indices + begin * out_size : nullptr;
                  Pool<T>(g, dims, x + begin * in_size, y + begin * out_size, idx);
                  // Indices count from the start of the whole tensor.
                  if (idx) {
                    for (int64_t i = 0; i < (end - begin) * out_size; ++i)
                      idx[i] += begin * in_size;
                  }
                });
  }

  template <typename T>
  void Pool(const PoolGeometry& g, const std::vector<int64_t>& x_dims, const T* x, T* y,
            int64_t* indices) const {
    const size_t n = g.in.size();
    const int64_t planes = x_dims[0] * x_dims[1];
    const int64_t in_size = Product(g.in), out_size = Product(g.out);
    const std::vector<int64_t> in_strides = Strides(g.in);
    // Column-major spatial strides for storage_order=1 indices.
    std::vector<int64_t> col_strides(n, 1);
    for (size_t i = 1; i < n; ++i) col_strides[i] = col_strides[i - 1] * g.in[i - 1];
    using Acc = std::conditional_t<std::is_same_v<T, double>, double, float>;
    if ((n == 1 || n == 2) && indices == nullptr &&
        (kind_ == PoolKind::kMax || kind_ == PoolKind::kAverage)) {
      // 1-D pooling is 2-D pooling over a height of 1.
      const PoolGeometry g2 = n == 2 ? g : Promote1D(g);
      if (kind_ == PoolKind::kMax) {
        MaxPool2D(g2, planes, x, y);
        return;
      }
      if (InteriorWindows(g2)) {
        AveragePool2D<T, Acc>(g2, planes, x, y);
        return;
      }
    }
    if (global_ && indices == nullptr && in_size > 0 &&
        (kind_ == PoolKind::kMax || kind_ == PoolKind::kAverage)) {
      // One window per plane, the plane itself: a straight pass in the same order (and so the
      // same sums) as the window walk below.
      for (int64_t plane = 0; plane < planes; ++plane) {
        const T* xp = x + plane * in_size;
        if (kind_ == PoolKind::kMax) {
          T best = xp[0];
          for (int64_t i = 1; i < in_size; ++i) {
            const T v = xp[i];
            if (v > best || (std::is_floating_point_v<T> && v != v && best == best)) best = v;
          }
          y[plane] = best;
        } else {
          Acc sum = 0;
          for (int64_t i = 0; i < in_size; ++i) sum += static_cast<Acc>(xp[i]);
          y[plane] = static_cast<T>(sum / in_size);
        }
      }
      return;
    }
    std::vector<int64_t> o(n), k(n);
    for (int64_t plane = 0; plane < planes && out_size > 0; ++plane) {
      const T* xp = x + plane * in_size;
      std::fill(o.begin(), o.end(), 0);
      int64_t oi = 0;
      do {
        T best_t = std::numeric_limits<T>::lowest();
        int64_t best_index = 0;
        bool found = false;
        Acc sum = 0;
        int64_t valid = 0, padded = 0;
        std::fill(k.begin(), k.end(), 0);
        do {
          int64_t offset = 0, col_offset = 0;
          bool inside = true, in_padded = true;
          for (size_t i = 0; i < n; ++i) {
            const int64_t pos = o[i] * g.stride[i] - g.pad_begin[i] + k[i] * g.dilation[i];
            inside = inside && pos >= 0 && pos < g.in[i];
            in_padded = in_padded && pos < g.in[i] + g.pad_end[i];
            offset += pos * in_strides[i];
            col_offset += pos * col_strides[i];
          }
          padded += in_padded;
          if (!inside) continue;
          ++valid;
          const T v = xp[offset];
          if (kind_ == PoolKind::kMax) {
            if (!found || v > best_t ||
                (std::is_floating_point_v<T> && v != v && best_t == best_t)) {
              best_t = v;
              best_index = storage_order_ == 1 ? col_offset : offset;
              found = true;
            }
          } else if (kind_ == PoolKind::kAverage) {
            sum += static_cast<Acc>(v);
          } else {
            sum += static_cast<Acc>(std::pow(std::fabs(static_cast<Acc>(v)), static_cast<Acc>(p_)));
          }
        } while (NextIndex(k, g.kernel));
        if (kind_ == PoolKind::kMax) {
          y[plane * out_size + oi] = best_t;
          if (indices) indices[plane * out_size + oi] = plane * in_size + best_index;
        } else if (kind_ == PoolKind::kAverage) {
          const int64_t divisor = count_include_pad_ ? padded : valid;
          y[plane * out_size + oi] = static_cast<T>(divisor > 0 ? sum / divisor : Acc(0));
        } else {
          y[plane * out_size + oi] = static_cast<T>(std::pow(sum, Acc(1) / static_cast<Acc>(p_)));
        }
        ++oi;
      } while (NextIndex(o, g.out));
    }
  }

  // Output rows at least this long are pooled tap by tap across the row.
  static constexpr int64_t kVectorRow = 8;

  static PoolGeometry Promote1D(const PoolGeometry& g) {
    PoolGeometry g2;
    g2.in = {1, g.in[0]};
    g2.out = {1, g.out[0]};
    g2.kernel = {1, g.kernel[0]};
    g2.stride = {1, g.stride[0]};
    g2.dilation = {1, g.dilation[0]};
    g2.pad_begin = {0, g.pad_begin[0]};
    g2.pad_end = {0, g.pad_end[0]};
    return g2;
  }

  // Every window lies inside the input without padding or dilation: an average divides by the
  // kernel size whatever count_include_pad says.
  static bool InteriorWindows(const PoolGeometry& g) {
    for (size_t i = 0; i < g.in.size(); ++i) {
      if (g.pad_begin[i] != 0 || g.pad_end[i] != 0 || g.dilation[i] != 1 ||
          (g.out[i] - 1) * g.stride[i] + g.kernel[i] > g.in[i]) {
        return false;
      }
    }
    return true;
  }

  // 2-D average pooling of interior windows: the same taps in the same order (rows, then
  // columns) as the general walk, so the same sums, without its per-tap index arithmetic.
  template <typename T, typename Acc>
  static void AveragePool2D(const PoolGeometry& g, int64_t planes, const T* x, T* y) {
    const int64_t ih = g.in[0], iw = g.in[1], oh = g.out[0], ow = g.out[1];
    const int64_t kh = g.kernel[0], kw = g.kernel[1];
    const int64_t taps = kh * kw, sw = g.stride[1];
    // Tap by tap across a whole output row (vectorizable); every output still adds its taps in
    // the walk's order, so the sums are the same.
    std::vector<Acc> sums(static_cast<size_t>(ow));
    if (ow < kVectorRow) {
      // Few outputs per row (global pooling): one window at a time.
      for (int64_t plane = 0; plane < planes; ++plane) {
        const T* xp = x + plane * ih * iw;
        T* yp = y + plane * oh * ow;
        for (int64_t i = 0; i < oh; ++i) {
          for (int64_t j = 0; j < ow; ++j) {
            const T* window = xp + (i * g.stride[0]) * iw + j * sw;
            Acc sum = 0;
            for (int64_t a = 0; a < kh; ++a) {
              for (int64_t b = 0; b < kw; ++b) sum += static_cast<Acc>(window[a * iw + b]);
            }
            yp[i * ow + j] = static_cast<T>(sum / taps);
          }
        }
      }
      return;
    }
    for (int64_t plane = 0; plane < planes; ++plane) {
      const T* xp = x + plane * ih * iw;
      T* yp = y + plane * oh * ow;
      for (int64_t i = 0; i < oh; ++i) {
        std::fill(sums.begin(), sums.end(), Acc(0));
        Acc* sum = sums.data();
        for (int64_t a = 0; a < kh; ++a) {
          for (int64_t b = 0; b < kw; ++b) {
            const T* tap = xp + (i * g.stride[0] + a) * iw + b;
            for (int64_t j = 0; j < ow; ++j) sum[j] += static_cast<Acc>(tap[j * sw]);
          }
        }
        for (int64_t j = 0; j < ow; ++j) yp[i * ow + j] = static_cast<T>(sum[j] / taps);
      }
    }
  }

  // 2-D max pooling without indices: the window clipped to the input once per output row and
  // column instead of testing every tap (same result, NaN handling included).
  template <typename T>
  static void MaxPool2D(const PoolGeometry& g, int64_t planes, const T* x, T* y) {
    const int64_t ih = g.in[0], iw = g.in[1], oh = g.out[0], ow = g.out[1];
    const int64_t kh = g.kernel[0], kw = g.kernel[1], dh = g.dilation[0], dw = g.dilation[1];
    // First and one-past-last valid tap per output column.
    std::vector<int64_t> col_begin(static_cast<size_t>(ow)), col_end(static_cast<size_t>(ow));
    for (int64_t j = 0; j < ow; ++j) {
      const int64_t start = j * g.stride[1] - g.pad_begin[1];
      int64_t b = 0, e = kw;
      while (b < kw && start + b * dw < 0) ++b;
      while (e > b && start + (e - 1) * dw >= iw) --e;
      col_begin[j] = b;
      col_end[j] = e;
    }
    // Per output row: the element-wise max of its kernel rows (contiguous, vectorizable) into
    // `rows_max`, then the kernel columns of that single row per output. The kept value is the
    // largest, or NaN when the window holds one.
    std::vector<T> rows_max(static_cast<size_t>(iw));
    const bool interior_columns =
        g.pad_begin[1] == 0 && (ow - 1) * g.stride[1] + (kw - 1) * dw < iw;
    for (int64_t plane = 0; plane < planes; ++plane) {
      const T* xp = x + plane * ih * iw;
      T* yp = y + plane * oh * ow;
      for (int64_t i = 0; i < oh; ++i) {
        const int64_t row_start = i * g.stride[0] - g.pad_begin[0];
        int64_t rb = 0, re = kh;
        while (rb < kh && row_start + rb * dh < 0) ++rb;
        while (re > rb && row_start + (re - 1) * dh >= ih) --re;
        if (rb >= re) {
          std::fill(yp + i * ow, yp + (i + 1) * ow, std::numeric_limits<T>::lowest());
          continue;
        }
        // A single kernel row (1-D pooling, or rows clipped to one) is read in place.
        const T* first = xp + (row_start + rb * dh) * iw;
        const T* m = first;
        if (re - rb > 1) {
          T* rows = rows_max.data();
          std::copy(first, first + iw, rows);
          for (int64_t r = rb + 1; r < re; ++r) {
            const T* row = xp + (row_start + r * dh) * iw;
            for (int64_t c = 0; c < iw; ++c) {
              const T a = row[c];
              rows[c] = (a > rows[c] || a != a) ? a : rows[c];
            }
          }
          m = rows;
        }
        if (interior_columns && ow >= kVectorRow) {
          // Whole windows, no clipping: tap by tap across all outputs of the row (loops the
          // compiler vectorizes without branches), each output taking its taps in order with
          // the NaN-keeping max.
          T* out = yp + i * ow;
          const int64_t sw = g.stride[1];
          for (int64_t j = 0; j < ow; ++j) out[j] = m[j * sw];
          for (int64_t c = 1; c < kw; ++c) {
            const T* tap = m + c * dw;
            for (int64_t j = 0; j < ow; ++j) {
              const T a = tap[j * sw];
              out[j] = (a > out[j] || a != a) ? a : out[j];
            }
          }
          continue;
        }
        for (int64_t j = 0; j < ow; ++j) {
          const int64_t window = j * g.stride[1] - g.pad_begin[1];
          T best = std::numeric_limits<T>::lowest();
          bool found = false;
          for (int64_t c = col_begin[j]; c < col_end[j]; ++c) {
            const T v = m[window + c * dw];
            if (!found || v > best || (std::is_floating_point_v<T> && v != v && best == best)) {
              best = v;
              found = true;
            }
          }
          yp[i * ow + j] = best;
        }
      }
    }
  }

  NodeLabel label_;
  PoolKind kind_;
  bool global_;
  bool same_ = false, same_upper_ = false, valid_ = false;
  std::vector<int64_t> kernel_shape_, strides_, dilations_, pads_;
  bool ceil_mode_ = false, count_include_pad_ = false;
  int64_t storage_order_ = 0, p_ = 2;
};

std::unique_ptr<Kernel> MakeMaxPool(const NodeInfo& info) {
  return std::make_unique<PoolKernel>(info, PoolKind::kMax, false);
}
std::unique_ptr<Kernel> MakeAveragePool(const NodeInfo& info) {
  return std::make_unique<PoolKernel>(info, PoolKind::kAverage, false);
}
std::unique_ptr<Kernel> MakeLpPool(const NodeInfo& info) {
  return std::make_unique<PoolKernel>(info, PoolKind::kLp, false);
}
std::unique_ptr<Kernel> MakeGlobalMaxPool(const NodeInfo& info) {
  return std::make_unique<PoolKernel>(info, PoolKind::kMax, true);
}
std::unique_ptr<Kernel> MakeGlobalAveragePool(const NodeInfo& info) {
  return std::make_unique<PoolKernel>(info, PoolKind::kAverage, true);
}

}  // namespace

void RegisterPoolKernels(KernelRegistry& registry) {
  registry.Register("", "MaxPool", 1, 23, MakeMaxPool);
  registry.Register("", "AveragePool", 1, 23, MakeAveragePool);
  registry.Register("", "LpPool", 2, 23, MakeLpPool);
  registry.Register("", "GlobalMaxPool", 1, 23, MakeGlobalMaxPool);
  registry.Register("", "GlobalAveragePool", 1, 23, MakeGlobalAveragePool);
}

}  // namespace nncf::exec
