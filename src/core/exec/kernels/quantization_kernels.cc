// QuantizeLinear / DequantizeLinear (opsets 10 to 23: per-tensor, per-axis and blocked; the 8- and
// 16-bit integers, int4/uint4, float8 and float4e2m1), DynamicQuantizeLinear and com.microsoft
// MatMulNBits. oneDNN 2.6 has no 4-bit or float8 types, so these are plain loops (and Eigen for
// the MatMulNBits product) over values widened to float/double.
#include <Eigen/Dense>
#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "core/exec/kernel_registry.h"
#include "core/exec/tensor_util.h"
#include "core/ir/dtype.h"

namespace nncf::exec {
namespace {

using ir::DType;

std::string Dims(const ir::Tensor& t) {
  return ShapeString(t.dims);
}

// ---------------------------------------------------------------------------------------------
// Element conversion

bool IsFloat8(DType t) {
  return t == DType::kFloat8E4M3FN || t == DType::kFloat8E4M3FNUZ || t == DType::kFloat8E5M2 ||
         t == DType::kFloat8E5M2FNUZ;
}

bool IsHalfOrFloat(DType t) {
  return t == DType::kFloat || t == DType::kFloat16 || t == DType::kBFloat16;
}

// Saturation range of the integer quantized types.
bool IntegerRange(DType t, int64_t* lo, int64_t* hi) {
  switch (t) {
    case DType::kInt8:
      *lo = -128, *hi = 127;
      return true;
    case DType::kUint8:
      *lo = 0, *hi = 255;
      return true;
    case DType::kInt16:
      *lo = -32768, *hi = 32767;
      return true;
    case DType::kUint16:
      *lo = 0, *hi = 65535;
      return true;
    case DType::kInt4:
      *lo = -8, *hi = 7;
      return true;
    case DType::kUint4:
      *lo = 0, *hi = 15;
      return true;
    default:
      return false;
  }
}

// The quantized element types each opset of QuantizeLinear/DequantizeLinear defines.
bool QuantizedTypeInOpset(DType t, int64_t opset) {
  switch (t) {
    case DType::kInt8:
    case DType::kUint8:
      return true;
    case DType::kFloat8E4M3FN:
    case DType::kFloat8E4M3FNUZ:
    case DType::kFloat8E5M2:
    case DType::kFloat8E5M2FNUZ:
      return opset >= 19;
    case DType::kInt16:
    case DType::kUint16:
    case DType::kInt4:
    case DType::kUint4:
      return opset >= 21;
    case DType::kFloat4E2M1:
      return opset >= 23;
    default:
      return false;
  }
}

template <typename T, typename Convert>
std::vector<double> WidenTyped(const ir::Tensor& t, Convert convert) {
  const int64_t n = t.NumElements();
  std::vector<double> out(static_cast<size_t>(n));
  const T* p = t.DataAs<T>();
  for (int64_t i = 0; i < n; ++i) out[i] = convert(p[i]);
  return out;
}

// Every element as double, decoding the narrow formats once per distinct code.
std::vector<double> ToDoubles(const ir::Tensor& t, const NodeInfo& info, const char* what) {
  const auto same = [](auto v) { return static_cast<double>(v); };
  switch (t.dtype) {
    case DType::kFloat:
      return WidenTyped<float>(t, same);
    case DType::kInt8:
      return WidenTyped<int8_t>(t, same);
    case DType::kUint8:
      return WidenTyped<uint8_t>(t, same);
    case DType::kInt16:
      return WidenTyped<int16_t>(t, same);
    case DType::kUint16:
      return WidenTyped<uint16_t>(t, same);
    case DType::kInt32:
      return WidenTyped<int32_t>(t, same);
    case DType::kFloat16:
      return WidenTyped<uint16_t>(t, [](uint16_t v) { return double{ir::HalfToFloat(v)}; });
    case DType::kBFloat16:
      return WidenTyped<uint16_t>(t, [](uint16_t v) { return double{ir::BFloat16ToFloat(v)}; });
    case DType::kFloat8E4M3FN:
    case DType::kFloat8E4M3FNUZ:
    case DType::kFloat8E5M2:
    case DType::kFloat8E5M2FNUZ: {
      std::array<double, 256> table;
      for (int code = 0; code < 256; ++code) {
        table[code] = ir::Float8ToFloat(t.dtype, static_cast<uint8_t>(code));
      }
      return WidenTyped<uint8_t>(t, [&](uint8_t v) { return table[v]; });
    }
    case DType::kInt4:
    case DType::kUint4:
    case DType::kFloat4E2M1: {
      const int64_t n = t.NumElements();
      std::vector<double> out(static_cast<size_t>(n));
      const uint8_t* packed = t.DataAs<uint8_t>();
      for (int64_t i = 0; i < n; ++i) {
        const uint8_t nibble = ir::GetNibble(packed, i);
        out[i] = t.dtype == DType::kInt4    ? ir::SignExtendInt4(nibble)
                 : t.dtype == DType::kUint4 ? nibble
                                            : ir::Float4E2M1ToFloat(nibble);
      }
      return out;
    }
    default:
      info.Fail(ErrorCode::kInvalidArgument,
                std::string(what) + " has unsupported element type " + ir::DTypeName(t.dtype));
  }
}

// A float/float16/bfloat16 tensor from float values.
ir::Tensor FromFloats(DType dtype, const std::vector<int64_t>& dims, const std::vector<float>& v) {
  ir::Tensor out = NewTensor(dtype, dims);
  const size_t n = v.size();
  if (dtype == DType::kFloat) {
    std::copy(v.begin(), v.end(), MutableData<float>(out));
  } else if (dtype == DType::kFloat16) {
    uint16_t* p = MutableData<uint16_t>(out);
    for (size_t i = 0; i < n; ++i) p[i] = ir::FloatToHalf(v[i]);
  } else {
    uint16_t* p = MutableData<uint16_t>(out);
    for (size_t i = 0; i < n; ++i) p[i] = ir::FloatToBFloat16(v[i]);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Granularity: which scale (and zero point) element applies to each element of x.

struct QuantLayout {
  enum class Kind { kPerTensor, kPerAxis, kBlocked };
  Kind kind = Kind::kPerTensor;
  int64_t outer = 1;     // product of x dims before the axis
  int64_t axis_dim = 1;  // x dim at the axis
  int64_t inner = 1;     // product of x dims after the axis
  int64_t block_size = 0;
  int64_t num_blocks = 0;  // scale dim at the axis (blocked)

  // f(x_index, scale_index) for every element of x, in order.
  template <typename F>
  void ForEach(F&& f) const {
    int64_t index = 0;
    for (int64_t o = 0; o < outer; ++o) {
      for (int64_t a = 0; a < axis_dim; ++a) {
        for (int64_t i = 0; i < inner; ++i, ++index) {
          switch (kind) {
            case Kind::kPerTensor:
              f(index, int64_t{0});
              break;
            case Kind::kPerAxis:
              f(index, a);
              break;
            case Kind::kBlocked:
              f(index, (o * num_blocks + a / block_size) * inner + i);
              break;
          }
        }
      }
    }
  }
};

QuantLayout ResolveLayout(const NodeInfo& info, const ir::Tensor& x, const ir::Tensor& scale,
                          int64_t axis_attr, int64_t block_size, const char* scale_name) {
  QuantLayout layout;
  const int64_t rank = static_cast<int64_t>(x.dims.size());
  const bool scalar_like =
      scale.dims.empty() || (scale.dims.size() == 1 && scale.dims[0] == 1 && block_size == 0);
  if (block_size == 0 && scalar_like) {
    layout.outer = x.NumElements();
    return layout;
  }
  if (info.opset() < 13) {
    info.Fail(ErrorCode::kInvalidArgument, std::string(scale_name) + " has shape " + Dims(scale) +
                                               "; opset " + std::to_string(info.opset()) +
                                               " quantizes per tensor only (a scalar scale)");
  }
  if (rank == 0) {
    info.Fail(ErrorCode::kInvalidArgument,
              std::string(scale_name) + " has shape " + Dims(scale) + " but the input is a scalar");
  }
  const int64_t axis = NormalizeAxis(axis_attr, rank, info);
  for (int64_t d = 0; d < axis; ++d) layout.outer *= x.dims[d];
  layout.axis_dim = x.dims[axis];
  for (int64_t d = axis + 1; d < rank; ++d) layout.inner *= x.dims[d];
  if (block_size == 0) {
    if (scale.dims.size() != 1 || scale.dims[0] != layout.axis_dim) {
      info.Fail(ErrorCode::kInvalidArgument, std::string(scale_name) + " has shape " + Dims(scale) +
                                                 "; per-axis quantization needs [" +
                                                 std::to_string(layout.axis_dim) + "] (input " +
                                                 Dims(x) + ", axis " + std::to_string(axis) + ")");
    }
    layout.kind = QuantLayout::Kind::kPerAxis;
    return layout;
  }
  layout.kind = QuantLayout::Kind::kBlocked;
  layout.block_size = block_size;
  layout.num_blocks = (layout.axis_dim + block_size - 1) / block_size;
  bool ok = scale.dims.size() == x.dims.size();
  for (int64_t d = 0; ok && d < rank; ++d) {
    ok = scale.dims[d] == (d == axis ? layout.num_blocks : x.dims[d]);
  }
  if (!ok) {
    info.Fail(ErrorCode::kInvalidArgument,
              std::string(scale_name) + " has shape " + Dims(scale) + "; blocked quantization of " +
                  Dims(x) + " along axis " + std::to_string(axis) + " with block_size " +
                  std::to_string(block_size) + " needs " + std::to_string(layout.num_blocks) +
                  " blocks at that axis and the input's other dims");
  }
  return layout;
}

void CheckZeroPointShape(const NodeInfo& info, const ir::Tensor& zero_point,
                         const ir::Tensor& scale, const char* zp_name, const char* scale_name) {
  if (zero_point.NumElements() != scale.NumElements() ||
      (zero_point.dims.size() > 1 && zero_point.dims != scale.dims)) {
    info.Fail(ErrorCode::kInvalidArgument, std::string(zp_name) + " has shape " + Dims(zero_point) +
                                               ", " + scale_name + " has " + Dims(scale) +
                                               "; they must match");
  }
}

const ir::Tensor& Required(const std::vector<const ir::Tensor*>& inputs, size_t index,
                           const NodeInfo& info, const char* name) {
  if (index >= inputs.size() || inputs[index] == nullptr) {
    info.Fail(ErrorCode::kInvalidArgument, std::string("input '") + name + "' is missing");
  }
  return *inputs[index];
}

const ir::Tensor* Optional(const std::vector<const ir::Tensor*>& inputs, size_t index) {
  return index < inputs.size() ? inputs[index] : nullptr;
}

void CheckScaleType(const NodeInfo& info, const ir::Tensor& scale, const char* name) {
  const bool ok =
      scale.dtype == DType::kFloat || (info.opset() >= 19 && IsHalfOrFloat(scale.dtype));
  if (!ok) {
    info.Fail(ErrorCode::kInvalidArgument,
              std::string(name) + " must be " +
                  (info.opset() >= 19 ? "float, float16 or bfloat16" : "float") + ", got " +
                  ir::DTypeName(scale.dtype));
  }
}

// Attributes shared by QuantizeLinear and DequantizeLinear.
struct QuantAttributes {
  int64_t axis = 1;
  int64_t block_size = 0;
};

QuantAttributes ParseQuantAttributes(const NodeInfo& info) {
  QuantAttributes a;
  if (info.opset() >= 13) a.axis = info.GetInt("axis", 1);
  if (info.opset() >= 21) a.block_size = info.GetInt("block_size", 0);
  if (a.block_size < 0) {
    info.Fail(ErrorCode::kInvalidModel,
              "attribute 'block_size' must be >= 0, got " + std::to_string(a.block_size));
  }
  return a;
}

// ---------------------------------------------------------------------------------------------
// Fast paths for the common case (float32 values and scales, 8-bit integers, per tensor or per
// axis): the same arithmetic as the general loops below, without widening to double.

bool IsEightBit(DType type) {
  return type == DType::kInt8 || type == DType::kUint8;
}

template <typename Q>
void QuantizeFloatTo8Bit(const QuantLayout& layout, const float* x, const float* scales,
                         const Q* zero_points, Q* y) {
  constexpr float lo = static_cast<float>(std::numeric_limits<Q>::min());
  constexpr float hi = static_cast<float>(std::numeric_limits<Q>::max());
  const bool per_tensor = layout.kind == QuantLayout::Kind::kPerTensor;
  int64_t index = 0;
  for (int64_t o = 0; o < layout.outer; ++o) {
    for (int64_t a = 0; a < layout.axis_dim; ++a) {
      const int64_t s = per_tensor ? 0 : a;
      const float scale = scales[s];
      const float zp = zero_points ? static_cast<float>(zero_points[s]) : 0.0f;
      for (int64_t i = 0; i < layout.inner; ++i, ++index) {
        const float v = std::nearbyint(x[index] / scale);
        const float r = std::isnan(v) ? 0.0f : v + zp;  // as the general loop below
        y[index] = static_cast<Q>(std::min(std::max(r, lo), hi));
      }
    }
  }
}

template <typename Q>
void Dequantize8BitToFloat(const QuantLayout& layout, const Q* x, const float* scales,
                           const Q* zero_points, float* y) {
  const bool per_tensor = layout.kind == QuantLayout::Kind::kPerTensor;
  int64_t index = 0;
  for (int64_t o = 0; o < layout.outer; ++o) {
    for (int64_t a = 0; a < layout.axis_dim; ++a) {
      const int64_t s = per_tensor ? 0 : a;
      const float scale = scales[s];
      const int32_t zp = zero_points ? static_cast<int32_t>(zero_points[s]) : 0;
      for (int64_t i = 0; i < layout.inner; ++i, ++index) {
        y[index] = static_cast<float>(static_cast<int32_t>(x[index]) - zp) * scale;
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// QuantizeLinear: y = saturate(round_half_even(x / scale) + zero_point)

template <typename T>
void StoreIntegers(const std::vector<int64_t>& q, ir::Tensor& out) {
  T* p = MutableData<T>(out);
  for (size_t i = 0; i < q.size(); ++i) p[i] = static_cast<T>(q[i]);
}

class QuantizeLinearKernel : public Kernel {
 public:
  explicit QuantizeLinearKernel(const NodeInfo& info)
      : info_(info), attrs_(ParseQuantAttributes(info)) {
    if (info.opset() >= 19) saturate_ = info.GetInt("saturate", 1);
    if (saturate_ != 0 && saturate_ != 1) {
      info.Fail(ErrorCode::kInvalidModel,
                "attribute 'saturate' must be 0 or 1, got " + std::to_string(saturate_));
    }
    if (info.opset() >= 21) {
      const int64_t code = info.GetInt("output_dtype", 0);
      if (code != 0) {
        const DType t = static_cast<DType>(code);
        if (!ir::IsKnownDType(static_cast<int32_t>(code)) ||
            !QuantizedTypeInOpset(t, info.opset())) {
          info.Fail(
              ErrorCode::kUnsupported,
              "attribute 'output_dtype' = " + std::to_string(code) + " (" +
                  (ir::IsKnownDType(static_cast<int32_t>(code)) ? ir::DTypeName(t) : "unknown") +
                  ") is not a quantized type of opset " + std::to_string(info.opset()));
        }
        output_dtype_ = t;
      }
    }
  }

  static std::unique_ptr<Kernel> Create(const NodeInfo& info) {
    return std::make_unique<QuantizeLinearKernel>(info);
  }

  void Run(const std::vector<const ir::Tensor*>& inputs, std::vector<ir::Tensor>& outputs,
           const RunContext& /*context*/) override {
    const ir::Tensor& x = Required(inputs, 0, info_, "x");
    const ir::Tensor& scale = Required(inputs, 1, info_, "y_scale");
    const ir::Tensor* zero_point = Optional(inputs, 2);
    const bool x_ok = x.dtype == DType::kFloat || x.dtype == DType::kInt32 ||
                      (info_.opset() >= 19 && IsHalfOrFloat(x.dtype));
    if (!x_ok) {
      info_.Fail(ErrorCode::kInvalidArgument,
                 std::string("input 'x' has unsupported element type ") + ir::DTypeName(x.dtype));
    }
    CheckScaleType(info_, scale, "y_scale");

    DType out_type = output_dtype_ != DType::kUndefined ? output_dtype_ : DType::kUint8;
    if (zero_point) {
      if (output_dtype_ != DType::kUndefined && zero_point->dtype != output_dtype_) {
        info_.Fail(ErrorCode::kInvalidArgument,
                   std::string("y_zero_point is ") + ir::DTypeName(zero_point->dtype) +
                       " but attribute 'output_dtype' asks for " + ir::DTypeName(output_dtype_));
      }
      out_type = zero_point->dtype;
      if (!QuantizedTypeInOpset(out_type, info_.opset())) {
        info_.Fail(ErrorCode::kInvalidArgument,
                   std::string("y_zero_point has element type ") + ir::DTypeName(out_type) +
                       ", not a quantized type of opset " + std::to_string(info_.opset()));
      }
      CheckZeroPointShape(info_, *zero_point, scale, "y_zero_point", "y_scale");
    }
    const QuantLayout layout =
        ResolveLayout(info_, x, scale, attrs_.axis, attrs_.block_size, "y_scale");

    if (x.dtype == DType::kFloat && scale.dtype == DType::kFloat && IsEightBit(out_type) &&
        layout.kind != QuantLayout::Kind::kBlocked) {
      ir::Tensor out = NewTensor(out_type, x.dims);
      if (out_type == DType::kUint8) {
        QuantizeFloatTo8Bit<uint8_t>(layout, x.DataAs<float>(), scale.DataAs<float>(),
                                     zero_point ? zero_point->DataAs<uint8_t>() : nullptr,
                                     MutableData<uint8_t>(out));
      } else {
        QuantizeFloatTo8Bit<int8_t>(layout, x.DataAs<float>(), scale.DataAs<float>(),
                                    zero_point ? zero_point->DataAs<int8_t>() : nullptr,
                                    MutableData<int8_t>(out));
      }
      outputs[0] = std::move(out);
      return;
    }
    const std::vector<double> xs = ToDoubles(x, info_, "x");
    const std::vector<double> scales = ToDoubles(scale, info_, "y_scale");
    const std::vector<double> zps = zero_point ? ToDoubles(*zero_point, info_, "y_zero_point")
                                               : std::vector<double>(scales.size(), 0.0);
    ir::Tensor out = NewTensor(out_type, x.dims);
    int64_t lo = 0, hi = 0;
    if (IntegerRange(out_type, &lo, &hi)) {
      std::vector<int64_t> q(xs.size());
      layout.ForEach([&](int64_t i, int64_t s) {
        // float division as the reference does; nearbyint rounds half to even by default.
        const float v = std::nearbyint(static_cast<float>(xs[i]) / static_cast<float>(scales[s]));
        double r = std::isnan(v) ? 0.0 : static_cast<double>(v) + zps[s];
        r = std::min(std::max(r, static_cast<double>(lo)), static_cast<double>(hi));
        q[i] = static_cast<int64_t>(r);
      });
      switch (out_type) {
        case DType::kInt8:
          StoreIntegers<int8_t>(q, out);
          break;
        case DType::kUint8:
          StoreIntegers<uint8_t>(q, out);
          break;
        case DType::kInt16:
          StoreIntegers<int16_t>(q, out);
          break;
        case DType::kUint16:
          StoreIntegers<uint16_t>(q, out);
          break;
        default: {  // int4 / uint4: two's complement nibbles, low nibble first
          uint8_t* packed = MutableData<uint8_t>(out);
          for (size_t i = 0; i < q.size(); ++i) {
            ir::SetNibble(packed, static_cast<int64_t>(i), static_cast<uint8_t>(q[i] & 0xF));
          }
        }
      }
    } else if (IsFloat8(out_type)) {
      uint8_t* p = MutableData<uint8_t>(out);
      layout.ForEach([&](int64_t i, int64_t s) {
        const float v =
            static_cast<float>(xs[i]) / static_cast<float>(scales[s]) + static_cast<float>(zps[s]);
        p[i] = ir::FloatToFloat8(out_type, v, saturate_ != 0);
      });
    } else {  // float4e2m1
      uint8_t* packed = MutableData<uint8_t>(out);
      layout.ForEach([&](int64_t i, int64_t s) {
        const float v =
            static_cast<float>(xs[i]) / static_cast<float>(scales[s]) + static_cast<float>(zps[s]);
        ir::SetNibble(packed, i, ir::FloatToFloat4E2M1(v));
      });
    }
    outputs[0] = std::move(out);
  }

 private:
  NodeInfo info_;
  QuantAttributes attrs_;
  int64_t saturate_ = 1;
  DType output_dtype_ = DType::kUndefined;
};

// ---------------------------------------------------------------------------------------------
// DequantizeLinear: y = (x - zero_point) * scale, in the scale's element type.

class DequantizeLinearKernel : public Kernel {
 public:
  explicit DequantizeLinearKernel(const NodeInfo& info)
      : info_(info), attrs_(ParseQuantAttributes(info)) {}

  static std::unique_ptr<Kernel> Create(const NodeInfo& info) {
    return std::make_unique<DequantizeLinearKernel>(info);
  }

  void Run(const std::vector<const ir::Tensor*>& inputs, std::vector<ir::Tensor>& outputs,
           const RunContext& /*context*/) override {
    const ir::Tensor& x = Required(inputs, 0, info_, "x");
    const ir::Tensor& scale = Required(inputs, 1, info_, "x_scale");
    const ir::Tensor* zero_point = Optional(inputs, 2);
    if (x.dtype != DType::kInt32 && !QuantizedTypeInOpset(x.dtype, info_.opset())) {
      info_.Fail(ErrorCode::kInvalidArgument,
                 std::string("input 'x' has element type ") + ir::DTypeName(x.dtype) +
                     ", not a quantized type of opset " + std::to_string(info_.opset()));
    }
    CheckScaleType(info_, scale, "x_scale");
    if (zero_point) {
      if (zero_point->dtype != x.dtype) {
        info_.Fail(ErrorCode::kInvalidArgument, std::string("x_zero_point is ") +
                                                    ir::DTypeName(zero_point->dtype) +
                                                    " but x is " + ir::DTypeName(x.dtype));
      }
      CheckZeroPointShape(info_, *zero_point, scale, "x_zero_point", "x_scale");
    }
    const QuantLayout layout =
        ResolveLayout(info_, x, scale, attrs_.axis, attrs_.block_size, "x_scale");

    if (scale.dtype == DType::kFloat && IsEightBit(x.dtype) &&
        layout.kind != QuantLayout::Kind::kBlocked) {
      ir::Tensor out = NewTensor(DType::kFloat, x.dims);
      if (x.dtype == DType::kUint8) {
        Dequantize8BitToFloat<uint8_t>(layout, x.DataAs<uint8_t>(), scale.DataAs<float>(),
                                       zero_point ? zero_point->DataAs<uint8_t>() : nullptr,
                                       MutableData<float>(out));
      } else {
        Dequantize8BitToFloat<int8_t>(layout, x.DataAs<int8_t>(), scale.DataAs<float>(),
                                      zero_point ? zero_point->DataAs<int8_t>() : nullptr,
                                      MutableData<float>(out));
      }
      outputs[0] = std::move(out);
      return;
    }
    const std::vector<double> xs = ToDoubles(x, info_, "x");
    const std::vector<double> scales = ToDoubles(scale, info_, "x_scale");
    const std::vector<double> zps = zero_point ? ToDoubles(*zero_point, info_, "x_zero_point")
                                               : std::vector<double>(scales.size(), 0.0);
    std::vector<float> y(xs.size());
    layout.ForEach([&](int64_t i, int64_t s) {
      y[i] = static_cast<float>(xs[i] - zps[s]) * static_cast<float>(scales[s]);
    });
    outputs[0] = FromFloats(scale.dtype, x.dims, y);
  }

 private:
  NodeInfo info_;
  QuantAttributes attrs_;
};

// ---------------------------------------------------------------------------------------------
// DynamicQuantizeLinear: uint8 asymmetric quantization with the range computed from x (and 0).

class DynamicQuantizeLinearKernel : public Kernel {
 public:
  explicit DynamicQuantizeLinearKernel(const NodeInfo& info) : info_(info) {}

  static std::unique_ptr<Kernel> Create(const NodeInfo& info) {
    return std::make_unique<DynamicQuantizeLinearKernel>(info);
  }

  void Run(const std::vector<const ir::Tensor*>& inputs, std::vector<ir::Tensor>& outputs,
           const RunContext& /*context*/) override {
    const ir::Tensor& x = Required(inputs, 0, info_, "x");
    if (x.dtype != DType::kFloat) {
      info_.Fail(ErrorCode::kInvalidArgument,
                 std::string("input 'x' must be float, got ") + ir::DTypeName(x.dtype));
    }
    const float* xs = x.DataAs<float>();
    const int64_t n = x.NumElements();
    float lo = 0.0f, hi = 0.0f;
    for (int64_t i = 0; i < n; ++i) {
      if (std::isnan(xs[i])) continue;
      lo = std::min(lo, xs[i]);
      hi = std::max(hi, xs[i]);
    }
    // All-zero input: any scale represents it; 1 keeps the division finite.
    const float scale = hi == lo ? 1.0f : (hi - lo) / 255.0f;
    const float zp = std::min(std::max(std::nearbyint(0.0f - lo / scale), 0.0f), 255.0f);
    ir::Tensor y = NewTensor(DType::kUint8, x.dims);
    uint8_t* q = MutableData<uint8_t>(y);
    for (int64_t i = 0; i < n; ++i) {
      const float v = std::nearbyint(xs[i] / scale);
      const float r = std::isnan(v) ? zp : std::min(std::max(v + zp, 0.0f), 255.0f);
      q[i] = static_cast<uint8_t>(r);
    }
    ir::Tensor y_scale = NewTensor(DType::kFloat, {});
    *MutableData<float>(y_scale) = scale;
    ir::Tensor y_zero_point = NewTensor(DType::kUint8, {});
    *MutableData<uint8_t>(y_zero_point) = static_cast<uint8_t>(zp);
    outputs[0] = std::move(y);
    if (outputs.size() > 1) outputs[1] = std::move(y_scale);
    if (outputs.size() > 2) outputs[2] = std::move(y_zero_point);
  }

 private:
  NodeInfo info_;
};

// ---------------------------------------------------------------------------------------------
// com.microsoft MatMulNBits: Y = A x dequant(B)^T + bias, B quantized in blocks along K.

// Code `index` of a bit stream packed low bits first (bits divides 8).
inline uint32_t UnpackCode(const uint8_t* packed, int64_t index, int bits) {
  const int64_t bit = index * bits;
  return (packed[bit / 8] >> (bit % 8)) & ((1u << bits) - 1);
}

class MatMulNBitsKernel : public Kernel {
 public:
  explicit MatMulNBitsKernel(const NodeInfo& info)
      : info_(info),
        k_(info.RequireInt("K")),
        n_(info.RequireInt("N")),
        bits_(info.GetInt("bits", 4)),
        block_size_(info.RequireInt("block_size")) {
    if (k_ <= 0 || n_ <= 0) {
      info.Fail(ErrorCode::kInvalidModel, "attributes K and N must be positive, got K=" +
                                              std::to_string(k_) + ", N=" + std::to_string(n_));
    }
    if (bits_ != 2 && bits_ != 4 && bits_ != 8) {
      info.Fail(ErrorCode::kUnsupported,
                "attribute 'bits' = " + std::to_string(bits_) + " (supported: 2, 4, 8)");
    }
    if (block_size_ < 16 || (block_size_ & (block_size_ - 1)) != 0) {
      info.Fail(ErrorCode::kInvalidModel,
                "attribute 'block_size' must be a power of two >= 16, got " +
                    std::to_string(block_size_));
    }
    blocks_ = (k_ + block_size_ - 1) / block_size_;
    blob_size_ = block_size_ * bits_ / 8;
  }

  static std::unique_ptr<Kernel> Create(const NodeInfo& info) {
    return std::make_unique<MatMulNBitsKernel>(info);
  }

  void Run(const std::vector<const ir::Tensor*>& inputs, std::vector<ir::Tensor>& outputs,
           const RunContext& /*context*/) override {
    const ir::Tensor& a = Required(inputs, 0, info_, "A");
    const ir::Tensor& b = Required(inputs, 1, info_, "B");
    const ir::Tensor& scales = Required(inputs, 2, info_, "scales");
    const ir::Tensor* zero_points = Optional(inputs, 3);
    if (Optional(inputs, 4) != nullptr) {
      info_.Fail(ErrorCode::kUnsupported,
                 "input 'g_idx' (deprecated act-order index) is not supported");
    }
    const ir::Tensor* bias = Optional(inputs, 5);

    if (!IsHalfOrFloat(a.dtype)) {
      info_.Fail(ErrorCode::kInvalidArgument,
                 std::string("input 'A' must be float, float16 or bfloat16, got ") +
                     ir::DTypeName(a.dtype));
    }
    if (a.dims.empty() || a.dims.back() != k_) {
      info_.Fail(ErrorCode::kInvalidArgument, "input 'A' has shape " + Dims(a) +
                                                  "; its last dim must be K=" + std::to_string(k_));
    }
    const int64_t b_count = n_ * blocks_ * blob_size_;
    if (b.dtype != DType::kUint8 || b.NumElements() != b_count) {
      info_.Fail(ErrorCode::kInvalidArgument, "input 'B' must be uint8 [" + std::to_string(n_) +
                                                  ", " + std::to_string(blocks_) + ", " +
                                                  std::to_string(blob_size_) + "], got " +
                                                  ir::DTypeName(b.dtype) + " " + Dims(b));
    }
    if (scales.dtype != a.dtype || scales.NumElements() != n_ * blocks_) {
      info_.Fail(ErrorCode::kInvalidArgument, std::string("input 'scales' must be ") +
                                                  ir::DTypeName(a.dtype) + " with " +
                                                  std::to_string(n_ * blocks_) + " elements, got " +
                                                  ir::DTypeName(scales.dtype) + " " + Dims(scales));
    }
    const int64_t zp_row_bytes = (blocks_ * bits_ + 7) / 8;
    if (zero_points) {
      const bool packed_ok =
          zero_points->dtype == DType::kUint8 && zero_points->NumElements() == n_ * zp_row_bytes;
      const bool float_ok =
          zero_points->dtype == a.dtype && zero_points->NumElements() == n_ * blocks_;
      if (!packed_ok && !float_ok) {
        info_.Fail(ErrorCode::kInvalidArgument,
                   "input 'zero_points' must be uint8 with " + std::to_string(n_ * zp_row_bytes) +
                       " elements (packed) or " + ir::DTypeName(a.dtype) + " with " +
                       std::to_string(n_ * blocks_) + ", got " + ir::DTypeName(zero_points->dtype) +
                       " " + Dims(*zero_points));
      }
    }
    if (bias && (bias->dtype != a.dtype || bias->NumElements() != n_)) {
      info_.Fail(ErrorCode::kInvalidArgument, std::string("input 'bias' must be ") +
                                                  ir::DTypeName(a.dtype) + " [" +
                                                  std::to_string(n_) + "], got " +
                                                  ir::DTypeName(bias->dtype) + " " + Dims(*bias));
    }

    const std::vector<float> weights = Dequantize(b, scales, zero_points, zp_row_bytes);
    const std::vector<double> a_values = ToDoubles(a, info_, "A");
    const int64_t m = a.NumElements() / k_;
    std::vector<float> a_float(a_values.begin(), a_values.end());
    std::vector<float> y(static_cast<size_t>(m * n_));
    using RowMajor = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
    Eigen::Map<const RowMajor> a_map(a_float.data(), m, k_);
    Eigen::Map<const RowMajor> w_map(weights.data(), n_, k_);
    Eigen::Map<RowMajor> y_map(y.data(), m, n_);
    y_map.noalias() = a_map * w_map.transpose();
    if (bias) {
      const std::vector<double> bias_values = ToDoubles(*bias, info_, "bias");
      for (int64_t r = 0; r < m; ++r) {
        for (int64_t c = 0; c < n_; ++c) y[r * n_ + c] += static_cast<float>(bias_values[c]);
      }
    }
    std::vector<int64_t> out_dims = a.dims;
    out_dims.back() = n_;
    outputs[0] = FromFloats(a.dtype, out_dims, y);
  }

 private:
  // [N, K] float weights.
  std::vector<float> Dequantize(const ir::Tensor& b, const ir::Tensor& scales,
                                const ir::Tensor* zero_points, int64_t zp_row_bytes) const {
    const uint8_t* codes = b.DataAs<uint8_t>();
    const std::vector<double> scale_values = ToDoubles(scales, info_, "scales");
    const bool packed_zp = zero_points && zero_points->dtype == DType::kUint8;
    const uint8_t* zp_codes = packed_zp ? zero_points->DataAs<uint8_t>() : nullptr;
    const std::vector<double> zp_values = zero_points && !packed_zp
                                              ? ToDoubles(*zero_points, info_, "zero_points")
                                              : std::vector<double>();
    const int bits = static_cast<int>(bits_);
    const float default_zp = static_cast<float>(1 << (bits - 1));
    std::vector<float> w(static_cast<size_t>(n_ * k_));
    for (int64_t row = 0; row < n_; ++row) {
      for (int64_t block = 0; block < blocks_; ++block) {
        const int64_t q = row * blocks_ + block;
        const float scale = static_cast<float>(scale_values[q]);
        float zp = default_zp;
        if (packed_zp) {
          zp = static_cast<float>(UnpackCode(zp_codes + row * zp_row_bytes, block, bits));
        } else if (zero_points) {
          zp = static_cast<float>(zp_values[q]);
        }
        const uint8_t* blob = codes + q * blob_size_;
        const int64_t k0 = block * block_size_;
        const int64_t count = std::min(block_size_, k_ - k0);
        float* dst = w.data() + row * k_ + k0;
        for (int64_t j = 0; j < count; ++j) {
          dst[j] = (static_cast<float>(UnpackCode(blob, j, bits)) - zp) * scale;
        }
      }
    }
    return w;
  }

  NodeInfo info_;
  int64_t k_, n_, bits_, block_size_;
  int64_t blocks_ = 0, blob_size_ = 0;
};

}  // namespace

void RegisterQuantizationKernels(KernelRegistry& registry) {
  registry.Register("", "QuantizeLinear", 10, 23, &QuantizeLinearKernel::Create);
  registry.Register("", "DequantizeLinear", 10, 23, &DequantizeLinearKernel::Create);
  registry.Register("", "DynamicQuantizeLinear", 11, 23, &DynamicQuantizeLinearKernel::Create);
  registry.Register("com.microsoft", "MatMulNBits", 1, 1, &MatMulNBitsKernel::Create);
}

}  // namespace nncf::exec
