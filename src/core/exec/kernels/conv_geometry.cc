#include "core/exec/kernels/conv_geometry.h"

#include <algorithm>
#include <string>

#include "core/exec/tensor_util.h"

namespace nncf::exec {

using onednn::NodeLabel;

namespace {

AutoPad ParseAutoPad(const NodeInfo& info) {
  const std::string value = info.GetString("auto_pad", "NOTSET");
  if (value == "NOTSET" || value.empty()) return AutoPad::kNotSet;
  if (value == "SAME_UPPER") return AutoPad::kSameUpper;
  if (value == "SAME_LOWER") return AutoPad::kSameLower;
  if (value == "VALID") return AutoPad::kValid;
  info.Fail(ErrorCode::kUnsupported, "attribute auto_pad has unsupported value '" + value + "'");
}

std::vector<int64_t> AttrOrDefault(const NodeLabel& label, const std::vector<int64_t>& values,
                                   size_t n, int64_t fallback, const char* name) {
  if (values.empty()) return std::vector<int64_t>(n, fallback);
  if (values.size() != n) {
    label.Fail(ErrorCode::kInvalidArgument,
               std::string("attribute ") + name + " has " + std::to_string(values.size()) +
                   " values, expected " + std::to_string(n) + " for the input rank");
  }
  return values;
}

// Fills in, kernel, stride, dilation and pads (not out) from the attributes and the shapes.
Geometry BaseGeometry(const NodeLabel& label, const ConvAttributes& a,
                      const std::vector<int64_t>& x_dims, const std::vector<int64_t>& w_dims) {
  const size_t n = x_dims.size() - 2;
  Geometry g;
  g.in.assign(x_dims.begin() + 2, x_dims.end());
  g.kernel.assign(w_dims.begin() + 2, w_dims.end());
  if (!a.kernel_shape.empty() && a.kernel_shape != g.kernel) {
    label.Fail(ErrorCode::kInvalidArgument,
               "attribute kernel_shape " + ShapeString(a.kernel_shape) +
                   " does not match the weight shape " + ShapeString(w_dims));
  }
  g.stride = AttrOrDefault(label, a.strides, n, 1, "strides");
  g.dilation = AttrOrDefault(label, a.dilations, n, 1, "dilations");
  std::vector<int64_t> pads = AttrOrDefault(label, a.pads, 2 * n, 0, "pads");
  g.pad_begin.assign(pads.begin(), pads.begin() + n);
  g.pad_end.assign(pads.begin() + n, pads.end());
  for (size_t i = 0; i < n; ++i) {
    if (g.kernel[i] < 1 || g.in[i] < 1) {
      label.Fail(ErrorCode::kInvalidArgument, "empty spatial extent in input " +
                                                  ShapeString(x_dims) + " or weight " +
                                                  ShapeString(w_dims));
    }
  }
  return g;
}

}  // namespace

ConvAttributes::ConvAttributes(const NodeInfo& info) {
  auto_pad = ParseAutoPad(info);
  group = info.GetInt("group", 1);
  dilations = info.GetInts("dilations");
  kernel_shape = info.GetInts("kernel_shape");
  pads = info.GetInts("pads");
  strides = info.GetInts("strides");
  output_padding = info.GetInts("output_padding");
  output_shape = info.GetInts("output_shape");
  if (group < 1) {
    info.Fail(ErrorCode::kInvalidModel,
              "attribute group must be >= 1, got " + std::to_string(group));
  }
  for (int64_t v : dilations) {
    if (v < 1) info.Fail(ErrorCode::kInvalidModel, "attribute dilations must be >= 1");
  }
  for (int64_t v : strides) {
    if (v < 1) info.Fail(ErrorCode::kInvalidModel, "attribute strides must be >= 1");
  }
  for (int64_t v : pads) {
    if (v < 0) info.Fail(ErrorCode::kInvalidModel, "attribute pads must be >= 0");
  }
}

int64_t KernelRange(const Geometry& g, size_t i) {
  return (g.kernel[i] - 1) * g.dilation[i] + 1;
}

Geometry ConvGeometry(const NodeLabel& label, const ConvAttributes& a,
                      const std::vector<int64_t>& x_dims, const std::vector<int64_t>& w_dims) {
  Geometry g = BaseGeometry(label, a, x_dims, w_dims);
  const size_t n = g.in.size();
  g.out.resize(n);
  for (size_t i = 0; i < n; ++i) {
    const int64_t range = KernelRange(g, i);
    if (a.auto_pad == AutoPad::kSameUpper || a.auto_pad == AutoPad::kSameLower) {
      g.out[i] = (g.in[i] + g.stride[i] - 1) / g.stride[i];
      const int64_t total = std::max<int64_t>(0, (g.out[i] - 1) * g.stride[i] + range - g.in[i]);
      const int64_t small = total / 2;
      g.pad_begin[i] = a.auto_pad == AutoPad::kSameUpper ? small : total - small;
      g.pad_end[i] = total - g.pad_begin[i];
      continue;
    }
    if (a.auto_pad == AutoPad::kValid) g.pad_begin[i] = g.pad_end[i] = 0;
    const int64_t span = g.in[i] + g.pad_begin[i] + g.pad_end[i] - range;
    if (span < 0) {
      label.Fail(ErrorCode::kInvalidArgument,
                 "kernel extent " + std::to_string(range) + " exceeds padded input extent " +
                     std::to_string(g.in[i] + g.pad_begin[i] + g.pad_end[i]) + " in input " +
                     ShapeString(x_dims));
    }
    g.out[i] = span / g.stride[i] + 1;
  }
  return g;
}

// Output extents without any padding or output_padding ("full" transposed convolution) are
// in = s*(in-1) + range; the node's output is a window of it starting at pad_begin.
Geometry ConvTransposeGeometry(const NodeLabel& label, const ConvAttributes& a,
                               const std::vector<int64_t>& x_dims,
                               const std::vector<int64_t>& w_dims) {
  Geometry g = BaseGeometry(label, a, x_dims, w_dims);
  const size_t n = g.in.size();
  std::vector<int64_t> extra = AttrOrDefault(label, a.output_padding, n, 0, "output_padding");
  std::vector<int64_t> wanted;
  if (!a.output_shape.empty()) {
    wanted = a.output_shape;
    if (wanted.size() == n + 2) wanted.erase(wanted.begin(), wanted.begin() + 2);
    if (wanted.size() != n) {
      label.Fail(ErrorCode::kInvalidArgument, "attribute output_shape " +
                                                  ShapeString(a.output_shape) +
                                                  " does not match the input rank");
    }
  }
  g.out.resize(n);
  for (size_t i = 0; i < n; ++i) {
    const int64_t full = g.stride[i] * (g.in[i] - 1) + extra[i] + KernelRange(g, i);
    const bool same = a.auto_pad == AutoPad::kSameUpper || a.auto_pad == AutoPad::kSameLower;
    if (!wanted.empty() || same) {
      g.out[i] = wanted.empty() ? g.in[i] * g.stride[i] : wanted[i];
      const int64_t total = full - g.out[i];
      // Floor division (as the spec writes it): a negative total (output larger than the full
      // result) extends the end.
      const int64_t small = total >= 0 ? total / 2 : -((1 - total) / 2);
      if (a.auto_pad == AutoPad::kSameUpper) {
        g.pad_begin[i] = small;
        g.pad_end[i] = total - small;
      } else {
        g.pad_begin[i] = total - small;
        g.pad_end[i] = small;
      }
    } else {
      if (a.auto_pad == AutoPad::kValid) g.pad_begin[i] = g.pad_end[i] = 0;
      g.out[i] = full - g.pad_begin[i] - g.pad_end[i];
    }
    if (g.out[i] < 1) {
      label.Fail(ErrorCode::kInvalidArgument, "output extent " + std::to_string(g.out[i]) +
                                                  " is not positive for input " +
                                                  ShapeString(x_dims));
    }
  }
  return g;
}

}  // namespace nncf::exec
