// QuantizeLinear / DequantizeLinear / DynamicQuantizeLinear / MatMulNBits kernels against
// hand-computed vectors (the conformance data covers only opset 10/13 uint8/int8 per-tensor and
// per-axis).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/common/error.h"
#include "core/exec/kernel.h"
#include "core/exec/kernel_registry.h"
#include "core/ir/dtype.h"
#include "core/ir/node.h"
#include "core/ir/tensor.h"

namespace nncf::exec {
namespace {

using ir::DType;
using Input = std::optional<ir::Tensor>;

template <typename T>
ir::Tensor Make(DType dtype, std::vector<int64_t> dims, const std::vector<T>& values) {
  return ir::Tensor::FromBytes("", dtype, std::move(dims), values.data(),
                               values.size() * sizeof(T));
}
ir::Tensor F32(std::vector<int64_t> dims, const std::vector<float>& v) {
  return Make(DType::kFloat, std::move(dims), v);
}
ir::Tensor F16(std::vector<int64_t> dims, const std::vector<float>& v) {
  std::vector<uint16_t> bits;
  for (float x : v) bits.push_back(ir::FloatToHalf(x));
  return Make(DType::kFloat16, std::move(dims), bits);
}
ir::Tensor BF16(std::vector<int64_t> dims, const std::vector<float>& v) {
  std::vector<uint16_t> bits;
  for (float x : v) bits.push_back(ir::FloatToBFloat16(x));
  return Make(DType::kBFloat16, std::move(dims), bits);
}
// int4 / uint4 / float4 codes, packed here independently of the kernels: low nibble first.
ir::Tensor Packed4(DType dtype, std::vector<int64_t> dims, const std::vector<int>& codes) {
  std::vector<uint8_t> bytes((codes.size() + 1) / 2, 0);
  for (size_t i = 0; i < codes.size(); ++i) {
    const uint8_t nibble = static_cast<uint8_t>(codes[i] & 0xF);
    bytes[i / 2] |= static_cast<uint8_t>(i % 2 == 0 ? nibble : nibble << 4);
  }
  return Make(dtype, std::move(dims), bytes);
}
ir::Tensor Scalar(DType dtype, double v) {
  switch (dtype) {
    case DType::kFloat:
      return F32({}, {static_cast<float>(v)});
    case DType::kInt8:
      return Make<int8_t>(dtype, {}, {static_cast<int8_t>(v)});
    case DType::kUint8:
      return Make<uint8_t>(dtype, {}, {static_cast<uint8_t>(v)});
    case DType::kInt16:
      return Make<int16_t>(dtype, {}, {static_cast<int16_t>(v)});
    case DType::kUint16:
      return Make<uint16_t>(dtype, {}, {static_cast<uint16_t>(v)});
    default:
      return Make<uint8_t>(dtype, {}, {static_cast<uint8_t>(v)});  // float8 code
  }
}

std::vector<ir::Tensor> RunOp(const std::string& domain, const std::string& op, int64_t opset,
                              const std::vector<ir::Attribute>& attributes,
                              const std::vector<Input>& inputs, size_t num_outputs = 1) {
  ir::Node node;
  node.op_type = op;
  node.domain = domain;
  node.name = "q";
  node.attributes = attributes;
  std::vector<const ir::Tensor*> pointers;
  for (size_t i = 0; i < inputs.size(); ++i) {
    node.inputs.push_back(inputs[i] ? "in" + std::to_string(i) : "");
    pointers.push_back(inputs[i] ? &*inputs[i] : nullptr);
  }
  for (size_t i = 0; i < num_outputs; ++i) node.outputs.push_back("out" + std::to_string(i));
  const KernelFactory factory = KernelRegistry::Global().Find(domain, op, opset);
  if (factory == nullptr) throw Error(ErrorCode::kUnsupported, "no kernel for " + op);
  const NodeInfo info(node, opset);
  std::unique_ptr<Kernel> kernel = factory(info);
  std::vector<ir::Tensor> outputs(num_outputs);
  RunContext context;
  kernel->Run(pointers, outputs, context);
  return outputs;
}

ir::Tensor Q(int64_t opset, const std::vector<ir::Attribute>& attributes, const ir::Tensor& x,
             const ir::Tensor& scale, Input zero_point = std::nullopt) {
  std::vector<Input> inputs = {x, scale};
  if (zero_point) inputs.push_back(zero_point);
  return RunOp("", "QuantizeLinear", opset, attributes, inputs)[0];
}
ir::Tensor DQ(int64_t opset, const std::vector<ir::Attribute>& attributes, const ir::Tensor& x,
              const ir::Tensor& scale, Input zero_point = std::nullopt) {
  std::vector<Input> inputs = {x, scale};
  if (zero_point) inputs.push_back(zero_point);
  return RunOp("", "DequantizeLinear", opset, attributes, inputs)[0];
}

std::vector<double> Values(const ir::Tensor& t) {
  std::vector<double> v;
  for (int64_t i = 0; i < t.NumElements(); ++i) v.push_back(t.GetAsDouble(i));
  return v;
}
std::vector<uint8_t> Bytes(const ir::Tensor& t) {
  return std::vector<uint8_t>(t.bytes(), t.bytes() + t.ByteSize());
}

ErrorCode CodeOf(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("'q'"), std::string::npos)
        << "error does not name the node: " << e.what();
    return e.code();
  }
  return ErrorCode::kOk;
}

// ---------------------------------------------------------------------------------------------

TEST(QuantizeLinear, Uint8RoundsHalfToEvenAndSaturates) {
  const ir::Tensor x = F32({9}, {0, 1, 3, 5, -1, -3, 254, 1000, -1000});
  const ir::Tensor y = Q(10, {}, x, Scalar(DType::kFloat, 2), Scalar(DType::kUint8, 128));
  EXPECT_EQ(y.dtype, DType::kUint8);
  EXPECT_EQ(y.dims, std::vector<int64_t>({9}));
  // x/2 = 0, .5, 1.5, 2.5, -.5, -1.5, 127, 500, -500 -> 0, 0, 2, 2, 0, -2, 127 (+128), clamped.
  EXPECT_EQ(Bytes(y), std::vector<uint8_t>({128, 128, 130, 130, 128, 126, 255, 255, 0}));
}

TEST(QuantizeLinear, MissingZeroPointMeansUint8Zero) {
  const ir::Tensor y = Q(13, {}, F32({3}, {-1, 2.6f, 300}), Scalar(DType::kFloat, 1));
  EXPECT_EQ(y.dtype, DType::kUint8);
  EXPECT_EQ(Bytes(y), std::vector<uint8_t>({0, 3, 255}));
}

TEST(QuantizeLinear, Int8Saturation) {
  const ir::Tensor y = Q(13, {}, F32({4}, {-300, 127.5f, -128.5f, 126.5f}),
                         Scalar(DType::kFloat, 1), Scalar(DType::kInt8, 0));
  EXPECT_EQ(y.dtype, DType::kInt8);
  EXPECT_EQ(Values(y), std::vector<double>({-128, 127, -128, 126}));
}

TEST(QuantizeLinear, Int32InputAtOpset10) {
  const ir::Tensor x = Make<int32_t>(DType::kInt32, {3}, {10, -7, 1000});
  const ir::Tensor y = Q(10, {}, x, Scalar(DType::kFloat, 4), Scalar(DType::kInt8, 1));
  // 2.5 -> 2, -1.75 -> -2, 250 -> clamp
  EXPECT_EQ(Values(y), std::vector<double>({3, -1, 127}));
}

const std::vector<float> kAxisInput = {1, 2, 3, 4, 5, 6, -1, -2, -3, -4, -5, -6};  // [2, 3, 2]
const std::vector<double> kAxisQuantized = {1, 2, 3, 3, 0, 1, -1, -2, -1, -1, -2, -3};

TEST(QuantizeLinear, PerAxisOnMiddleAxis) {
  const ir::Tensor scale = F32({3}, {1, 2, 4});
  const ir::Tensor zp = Make<int8_t>(DType::kInt8, {3}, {0, 1, -1});
  for (int64_t axis : {1, -2}) {
    const ir::Tensor y =
        Q(13, {ir::Attribute::Int("axis", axis)}, F32({2, 3, 2}, kAxisInput), scale, zp);
    EXPECT_EQ(y.dims, std::vector<int64_t>({2, 3, 2}));
    EXPECT_EQ(Values(y), kAxisQuantized) << "axis " << axis;
  }
}

TEST(DequantizeLinear, PerAxisOnMiddleAxis) {
  std::vector<int8_t> q;
  for (double v : kAxisQuantized) q.push_back(static_cast<int8_t>(v));
  const ir::Tensor y = DQ(13, {ir::Attribute::Int("axis", 1)}, Make(DType::kInt8, {2, 3, 2}, q),
                          F32({3}, {1, 2, 4}), Make<int8_t>(DType::kInt8, {3}, {0, 1, -1}));
  EXPECT_EQ(y.dtype, DType::kFloat);
  EXPECT_EQ(Values(y), std::vector<double>({1, 2, 4, 4, 4, 8, -1, -2, -4, -4, -4, -8}));
}

TEST(QuantizeLinear, PerAxisScaleOfWrongLengthFails) {
  const ir::Tensor x = F32({2, 3, 2}, kAxisInput);
  EXPECT_EQ(CodeOf([&] {
              Q(13, {ir::Attribute::Int("axis", 0)}, x, F32({3}, {1, 2, 4}));
            }),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(CodeOf([&] {
              Q(13, {ir::Attribute::Int("axis", 3)}, x, F32({3}, {1, 2, 4}));
            }),
            ErrorCode::kInvalidArgument);
  // Opset 10 has no per-axis form.
  EXPECT_EQ(CodeOf([&] { Q(10, {}, x, F32({3}, {1, 2, 4})); }), ErrorCode::kInvalidArgument);
}

// Blocked int4, x [2, 5], axis 1, block 2: blocks {0,1} {2,3} {4} (partial last block).
const std::vector<float> kBlockScales = {1, 2, 4, 0.5f, 1, 10};
const std::vector<int> kBlockZeroPoints = {0, 1, -1, 2, 0, 0};
const std::vector<int> kBlockQuantized = {1, -2, 3, 3, 1, 4, -7, 4, -8, 7};

TEST(QuantizeLinear, BlockedInt4WithPartialLastBlock) {
  const ir::Tensor x = F32({2, 5}, {1, -2, 3, 5, 7, 1, -4.5f, 3.5f, -20, 100});
  const ir::Tensor y =
      Q(21, {ir::Attribute::Int("axis", 1), ir::Attribute::Int("block_size", 2)}, x,
        F32({2, 3}, kBlockScales), Packed4(DType::kInt4, {2, 3}, kBlockZeroPoints));
  EXPECT_EQ(y.dtype, DType::kInt4);
  EXPECT_EQ(y.dims, std::vector<int64_t>({2, 5}));
  std::vector<double> expected(kBlockQuantized.begin(), kBlockQuantized.end());
  EXPECT_EQ(Values(y), expected);
  // Packing: element 2i in the low nibble of byte i.
  EXPECT_EQ(Bytes(y), std::vector<uint8_t>({0xE1, 0x33, 0x41, 0x49, 0x78}));
}

TEST(DequantizeLinear, BlockedInt4WithPartialLastBlock) {
  const ir::Tensor y = DQ(21, {ir::Attribute::Int("axis", -1), ir::Attribute::Int("block_size", 2)},
                          Packed4(DType::kInt4, {2, 5}, kBlockQuantized), F32({2, 3}, kBlockScales),
                          Packed4(DType::kInt4, {2, 3}, kBlockZeroPoints));
  EXPECT_EQ(Values(y), std::vector<double>({1, -2, 4, 4, 8, 1, -4.5, 4, -8, 70}));
}

TEST(DequantizeLinear, BlockedOnAxisZero) {
  // x [3, 2] uint8, axis 0, block 2: rows {0,1} and {2}.
  const ir::Tensor y =
      DQ(21, {ir::Attribute::Int("axis", 0), ir::Attribute::Int("block_size", 2)},
         Make<uint8_t>(DType::kUint8, {3, 2}, {10, 20, 30, 40, 50, 60}), F32({2, 2}, {1, 2, 3, 4}),
         Make<uint8_t>(DType::kUint8, {2, 2}, {10, 0, 50, 1}));
  EXPECT_EQ(Values(y), std::vector<double>({0, 40, 20, 80, 0, 236}));
}

TEST(QuantizeLinear, BlockedScaleShapeIsChecked) {
  const ir::Tensor x = F32({2, 5}, std::vector<float>(10, 1.0f));
  const auto attrs = std::vector<ir::Attribute>{ir::Attribute::Int("axis", 1),
                                                ir::Attribute::Int("block_size", 2)};
  EXPECT_EQ(CodeOf([&] {
              Q(21, attrs, x, F32({2, 2}, {1, 1, 1, 1}));
            }),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(CodeOf([&] { Q(21, attrs, x, F32({6}, std::vector<float>(6, 1))); }),
            ErrorCode::kInvalidArgument);
}

TEST(QuantizeLinear, Uint4FromOutputDtypeWithoutZeroPoint) {
  const ir::Tensor y = Q(21, {ir::Attribute::Int("output_dtype", 21)},
                         F32({5}, {0, 7.5f, 8.5f, 20, -1}), Scalar(DType::kFloat, 1));
  EXPECT_EQ(y.dtype, DType::kUint4);
  EXPECT_EQ(Values(y), std::vector<double>({0, 8, 8, 15, 0}));
  EXPECT_EQ(Bytes(y), std::vector<uint8_t>({0x80, 0xF8, 0x00}));
}

TEST(QuantizeLinear, OutputDtypeChecks) {
  const ir::Tensor x = F32({2}, {1, 2});
  // A float output type is not a quantized type.
  EXPECT_EQ(
      CodeOf([&] { Q(21, {ir::Attribute::Int("output_dtype", 1)}, x, Scalar(DType::kFloat, 1)); }),
      ErrorCode::kUnsupported);
  // Zero point type disagrees with output_dtype.
  EXPECT_EQ(CodeOf([&] {
              Q(21, {ir::Attribute::Int("output_dtype", 3)}, x, Scalar(DType::kFloat, 1),
                Scalar(DType::kUint8, 0));
            }),
            ErrorCode::kInvalidArgument);
  // int4 exists from opset 21 only.
  EXPECT_EQ(CodeOf([&] { Q(19, {}, x, Scalar(DType::kFloat, 1), Packed4(DType::kInt4, {}, {0})); }),
            ErrorCode::kInvalidArgument);
}

TEST(QuantizeLinear, SixteenBitTypes) {
  const ir::Tensor i16 = Q(21, {}, F32({3}, {40000, -40000, 1.5f}), Scalar(DType::kFloat, 1),
                           Scalar(DType::kInt16, 0));
  EXPECT_EQ(i16.dtype, DType::kInt16);
  EXPECT_EQ(Values(i16), std::vector<double>({32767, -32768, 2}));
  const ir::Tensor u16 = Q(21, {}, F32({3}, {-200, 70000, 2.5f}), Scalar(DType::kFloat, 1),
                           Scalar(DType::kUint16, 100));
  EXPECT_EQ(Values(u16), std::vector<double>({0, 65535, 102}));
  const ir::Tensor back = DQ(21, {}, u16, Scalar(DType::kFloat, 0.5), Scalar(DType::kUint16, 100));
  EXPECT_EQ(Values(back), std::vector<double>({-50, 32717.5, 1}));
}

TEST(QuantizeLinear, Float8SaturateOnAndOff) {
  const ir::Tensor x = F32({4}, {1000, -1000, 1.0f, 0.3f});
  const ir::Tensor zp = Scalar(DType::kFloat8E4M3FN, 0);
  const ir::Tensor sat = Q(19, {}, x, Scalar(DType::kFloat, 1), zp);
  EXPECT_EQ(sat.dtype, DType::kFloat8E4M3FN);
  // 448 = 0x7E, -448 = 0xFE, 1.0 = 0x38, 0.3 -> 0.3125 = 0x2A
  EXPECT_EQ(Bytes(sat), std::vector<uint8_t>({0x7E, 0xFE, 0x38, 0x2A}));
  const ir::Tensor nosat =
      Q(19, {ir::Attribute::Int("saturate", 0)}, x, Scalar(DType::kFloat, 1), zp);
  EXPECT_TRUE(std::isnan(nosat.GetAsDouble(0)));
  EXPECT_TRUE(std::isnan(nosat.GetAsDouble(1)));
  EXPECT_EQ(nosat.GetAsDouble(2), 1.0);

  const ir::Tensor big = F32({1}, {100000});
  const ir::Tensor e5_zp = Scalar(DType::kFloat8E5M2, 0);
  EXPECT_EQ(Q(19, {}, big, Scalar(DType::kFloat, 1), e5_zp).GetAsDouble(0), 57344.0);
  EXPECT_TRUE(
      std::isinf(Q(19, {ir::Attribute::Int("saturate", 0)}, big, Scalar(DType::kFloat, 1), e5_zp)
                     .GetAsDouble(0)));
  EXPECT_EQ(CodeOf([&] {
              Q(19, {ir::Attribute::Int("saturate", 2)}, big, Scalar(DType::kFloat, 1), e5_zp);
            }),
            ErrorCode::kInvalidModel);
}

TEST(DequantizeLinear, Float8) {
  // e4m3fn codes 0x38 (1.0), 0xC0 (-2.0), 0x2A (0.3125)
  const ir::Tensor x = Make<uint8_t>(DType::kFloat8E4M3FN, {3}, {0x38, 0xC0, 0x2A});
  const ir::Tensor y = DQ(19, {}, x, Scalar(DType::kFloat, 4));
  EXPECT_EQ(Values(y), std::vector<double>({4, -8, 1.25}));
}

TEST(QuantizeLinear, Float4E2M1RoundsHalfToEvenAndSaturates) {
  const ir::Tensor x = F32({7}, {0.25f, 0.75f, 2.5f, 5, 100, -3, 1.4f});
  const ir::Tensor zp = Packed4(DType::kFloat4E2M1, {}, {0});
  const ir::Tensor y = Q(23, {}, x, Scalar(DType::kFloat, 1), zp);
  EXPECT_EQ(y.dtype, DType::kFloat4E2M1);
  EXPECT_EQ(Values(y), std::vector<double>({0, 1, 2, 4, 6, -3, 1.5}));
  EXPECT_EQ(CodeOf([&] { Q(21, {}, x, Scalar(DType::kFloat, 1), zp); }),
            ErrorCode::kInvalidArgument);
  // codes: 1 = 0.5, 0xF = -6
  const ir::Tensor back =
      DQ(23, {}, Packed4(DType::kFloat4E2M1, {2}, {1, 0xF}), Scalar(DType::kFloat, 2));
  EXPECT_EQ(Values(back), std::vector<double>({1, -12}));
}

TEST(DequantizeLinear, OutputTakesTheScaleType) {
  const ir::Tensor x = Make<int8_t>(DType::kInt8, {2}, {-2, 3});
  const ir::Tensor h = DQ(19, {}, x, F16({}, {0.5f}), Scalar(DType::kInt8, 1));
  EXPECT_EQ(h.dtype, DType::kFloat16);
  EXPECT_EQ(Values(h), std::vector<double>({-1.5, 1.0}));
  const ir::Tensor b = DQ(19, {}, x, BF16({}, {0.5f}), Scalar(DType::kInt8, 1));
  EXPECT_EQ(b.dtype, DType::kBFloat16);
  EXPECT_EQ(Values(b), std::vector<double>({-1.5, 1.0}));
  // float16 scales exist from opset 19.
  EXPECT_EQ(CodeOf([&] { DQ(13, {}, x, F16({}, {0.5f})); }), ErrorCode::kInvalidArgument);
}

TEST(QuantizeLinear, HalfInputAndScale) {
  const ir::Tensor y =
      Q(19, {}, F16({3}, {1.0f, 2.5f, -7.0f}), F16({}, {0.5f}), Scalar(DType::kInt8, 0));
  EXPECT_EQ(Values(y), std::vector<double>({2, 5, -14}));
}

TEST(DequantizeLinear, Int32AndDefaultZeroPoint) {
  const ir::Tensor i32 =
      DQ(10, {}, Make<int32_t>(DType::kInt32, {2}, {-1000000, 7}), Scalar(DType::kFloat, 0.5));
  EXPECT_EQ(Values(i32), std::vector<double>({-500000, 3.5}));
  const ir::Tensor u8 =
      DQ(10, {}, Make<uint8_t>(DType::kUint8, {2}, {0, 255}), Scalar(DType::kFloat, 2));
  EXPECT_EQ(Values(u8), std::vector<double>({0, 510}));
  EXPECT_EQ(CodeOf([&] {
              DQ(13, {}, Make<uint8_t>(DType::kUint8, {2}, {0, 255}), Scalar(DType::kFloat, 2),
                 Scalar(DType::kInt8, 0));
            }),
            ErrorCode::kInvalidArgument);
}

TEST(DynamicQuantizeLinear, RangeIncludesZero) {
  const std::vector<ir::Tensor> out =
      RunOp("", "DynamicQuantizeLinear", 11, {}, {F32({5}, {0, 255, 127.5f, 128.5f, 3})}, 3);
  EXPECT_EQ(Bytes(out[0]), std::vector<uint8_t>({0, 255, 128, 128, 3}));
  EXPECT_EQ(out[1].GetAsDouble(0), 1.0);
  EXPECT_EQ(out[2].GetAsDouble(0), 0.0);
  // Only negative values: max is 0, so the zero point is 255.
  const std::vector<ir::Tensor> neg =
      RunOp("", "DynamicQuantizeLinear", 11, {}, {F32({2}, {-255, -127.5f})}, 3);
  EXPECT_EQ(Bytes(neg[0]), std::vector<uint8_t>({0, 127}));  // -127.5 rounds to -128
  EXPECT_EQ(neg[2].GetAsDouble(0), 255.0);
}

// ---------------------------------------------------------------------------------------------
// MatMulNBits

struct NBitsCase {
  int64_t m, k, n, bits, block_size;
  std::vector<float> a;          // [m, k]
  std::vector<int> codes;        // [n, k]
  std::vector<float> scales;     // [n, blocks]
  std::vector<int> zero_points;  // [n, blocks], empty = default
  std::vector<float> bias;       // [n] or empty
  int64_t blocks() const { return (k + block_size - 1) / block_size; }
};

NBitsCase MakeCase(int64_t m, int64_t k, int64_t n, int64_t bits, int64_t block_size,
                   bool zero_points, bool bias) {
  NBitsCase c{m, k, n, bits, block_size, {}, {}, {}, {}, {}};
  const int levels = 1 << bits;
  for (int64_t i = 0; i < m * k; ++i) c.a.push_back(static_cast<float>((i * 7) % 11) * 0.25f - 1);
  for (int64_t i = 0; i < n * k; ++i) c.codes.push_back(static_cast<int>((i * 5 + 3) % levels));
  for (int64_t i = 0; i < n * c.blocks(); ++i) {
    c.scales.push_back(0.125f * static_cast<float>(i % 4 + 1));
    if (zero_points) c.zero_points.push_back(static_cast<int>((i * 3 + 1) % levels));
  }
  if (bias) {
    for (int64_t i = 0; i < n; ++i) c.bias.push_back(0.5f * static_cast<float>(i) - 1);
  }
  return c;
}

// Bit stream of `bits`-wide codes, low bits first, one stream per (row, block) blob.
std::vector<uint8_t> PackB(const NBitsCase& c) {
  const int64_t blob = c.block_size * c.bits / 8;
  std::vector<uint8_t> bytes(static_cast<size_t>(c.n * c.blocks() * blob), 0);
  for (int64_t row = 0; row < c.n; ++row) {
    for (int64_t kk = 0; kk < c.k; ++kk) {
      const int64_t block = kk / c.block_size, j = kk % c.block_size;
      const int64_t bit = j * c.bits;
      uint8_t& byte = bytes[(row * c.blocks() + block) * blob + bit / 8];
      byte |= static_cast<uint8_t>(c.codes[row * c.k + kk] << (bit % 8));
    }
  }
  return bytes;
}

std::vector<uint8_t> PackZeroPoints(const NBitsCase& c) {
  const int64_t row_bytes = (c.blocks() * c.bits + 7) / 8;
  std::vector<uint8_t> bytes(static_cast<size_t>(c.n * row_bytes), 0);
  for (int64_t row = 0; row < c.n; ++row) {
    for (int64_t b = 0; b < c.blocks(); ++b) {
      const int64_t bit = b * c.bits;
      bytes[row * row_bytes + bit / 8] |=
          static_cast<uint8_t>(c.zero_points[row * c.blocks() + b] << (bit % 8));
    }
  }
  return bytes;
}

// Y = A x W^T + bias with W dequantized element by element, in double.
std::vector<double> Reference(const NBitsCase& c) {
  std::vector<double> y(static_cast<size_t>(c.m * c.n), 0.0);
  for (int64_t r = 0; r < c.m; ++r) {
    for (int64_t col = 0; col < c.n; ++col) {
      double sum = c.bias.empty() ? 0.0 : c.bias[col];
      for (int64_t kk = 0; kk < c.k; ++kk) {
        const int64_t q = col * c.blocks() + kk / c.block_size;
        const double zp = c.zero_points.empty() ? std::pow(2.0, c.bits - 1) : c.zero_points[q];
        sum += c.a[r * c.k + kk] * (c.codes[col * c.k + kk] - zp) * c.scales[q];
      }
      y[r * c.n + col] = sum;
    }
  }
  return y;
}

std::vector<ir::Attribute> NBitsAttributes(const NBitsCase& c) {
  return {ir::Attribute::Int("K", c.k), ir::Attribute::Int("N", c.n),
          ir::Attribute::Int("bits", c.bits), ir::Attribute::Int("block_size", c.block_size),
          ir::Attribute::Int("accuracy_level", 4)};
}

ir::Tensor RunNBits(const NBitsCase& c, Input zero_points, bool half = false) {
  auto floats = [&](std::vector<int64_t> dims, const std::vector<float>& v) {
    return half ? F16(std::move(dims), v) : F32(std::move(dims), v);
  };
  const int64_t blob = c.block_size * c.bits / 8;
  std::vector<Input> inputs = {floats({c.m, c.k}, c.a),
                               Make(DType::kUint8, {c.n, c.blocks(), blob}, PackB(c)),
                               floats({c.n * c.blocks()}, c.scales), zero_points};
  if (!c.bias.empty()) {
    inputs.push_back(std::nullopt);
    inputs.push_back(floats({c.n}, c.bias));
  }
  return RunOp("com.microsoft", "MatMulNBits", 1, NBitsAttributes(c), inputs)[0];
}

void ExpectClose(const ir::Tensor& y, const std::vector<double>& expected, double tolerance) {
  ASSERT_EQ(y.NumElements(), static_cast<int64_t>(expected.size()));
  for (size_t i = 0; i < expected.size(); ++i) {
    EXPECT_NEAR(y.GetAsDouble(static_cast<int64_t>(i)), expected[i],
                tolerance * (1 + std::fabs(expected[i])))
        << "element " << i;
  }
}

TEST(MatMulNBits, NibbleOrderIsLowFirst) {
  // K = 16, N = 1, one block: byte 0 = 0x21 holds k0 = 1 (low nibble) and k1 = 2 (high nibble).
  std::vector<uint8_t> b(8, 0x88);
  b[0] = 0x21;
  const std::vector<ir::Attribute> attrs = {ir::Attribute::Int("K", 16), ir::Attribute::Int("N", 1),
                                            ir::Attribute::Int("block_size", 16)};
  for (int hot = 0; hot < 2; ++hot) {
    std::vector<float> a(16, 0.0f);
    a[hot] = 1.0f;
    const ir::Tensor y =
        RunOp("com.microsoft", "MatMulNBits", 1, attrs,
              {F32({1, 16}, a), Make(DType::kUint8, {1, 1, 8}, b), F32({1}, {0.5f})})[0];
    EXPECT_EQ(y.dims, std::vector<int64_t>({1, 1}));
    EXPECT_EQ(y.GetAsDouble(0), hot == 0 ? (1 - 8) * 0.5 : (2 - 8) * 0.5);
  }
}

TEST(MatMulNBits, DefaultZeroPointAndPartialBlock) {
  const NBitsCase c = MakeCase(3, 40, 5, 4, 16, /*zero_points=*/false, /*bias=*/false);
  const ir::Tensor y = RunNBits(c, std::nullopt);
  EXPECT_EQ(y.dtype, DType::kFloat);
  EXPECT_EQ(y.dims, std::vector<int64_t>({3, 5}));
  ExpectClose(y, Reference(c), 1e-5);
}

TEST(MatMulNBits, PackedZeroPointsAndBias) {
  // 3 blocks per row: packed zero points take 2 bytes per row, the last nibble unused.
  const NBitsCase c = MakeCase(2, 40, 4, 4, 16, true, true);
  ExpectClose(RunNBits(c, Make(DType::kUint8, {c.n, 2}, PackZeroPoints(c))), Reference(c), 1e-5);
}

TEST(MatMulNBits, FloatZeroPoints) {
  const NBitsCase c = MakeCase(2, 64, 3, 4, 32, true, false);
  std::vector<float> zp(c.zero_points.begin(), c.zero_points.end());
  ExpectClose(RunNBits(c, F32({c.n * c.blocks()}, zp)), Reference(c), 1e-5);
}

TEST(MatMulNBits, EightAndTwoBits) {
  const NBitsCase c8 = MakeCase(2, 50, 3, 8, 16, true, true);
  ExpectClose(RunNBits(c8, Make(DType::kUint8, {c8.n * c8.blocks()}, PackZeroPoints(c8))),
              Reference(c8), 1e-5);
  const NBitsCase c2 = MakeCase(2, 70, 3, 2, 32, true, false);
  ExpectClose(RunNBits(c2, Make(DType::kUint8, {c2.n, 1}, PackZeroPoints(c2))), Reference(c2),
              1e-5);
  const NBitsCase c2d = MakeCase(1, 32, 2, 2, 16, false, false);
  ExpectClose(RunNBits(c2d, std::nullopt), Reference(c2d), 1e-5);
}

TEST(MatMulNBits, Float16AndBatchedInput) {
  const NBitsCase c = MakeCase(4, 32, 3, 4, 16, false, true);
  const ir::Tensor y = RunNBits(c, std::nullopt, /*half=*/true);
  EXPECT_EQ(y.dtype, DType::kFloat16);
  ExpectClose(y, Reference(c), 2e-3);

  // A [2, 2, K] keeps its leading dims.
  const int64_t blob = c.block_size * c.bits / 8;
  const ir::Tensor y3 =
      RunOp("com.microsoft", "MatMulNBits", 1, NBitsAttributes(c),
            {F32({2, 2, c.k}, c.a), Make(DType::kUint8, {c.n, c.blocks(), blob}, PackB(c)),
             F32({c.n * c.blocks()}, c.scales), std::nullopt, std::nullopt, F32({c.n}, c.bias)})[0];
  EXPECT_EQ(y3.dims, std::vector<int64_t>({2, 2, 3}));
  ExpectClose(y3, Reference(c), 1e-5);
}

TEST(MatMulNBits, BadInputsFailClearly) {
  const NBitsCase c = MakeCase(1, 32, 2, 4, 16, false, false);
  const std::vector<float> a(32, 1.0f);
  const ir::Tensor b = Make(DType::kUint8, {2, 2, 8}, PackB(c));
  const ir::Tensor scales = F32({4}, c.scales);
  auto run = [&](const std::vector<ir::Attribute>& attrs, const std::vector<Input>& inputs) {
    return CodeOf([&] { RunOp("com.microsoft", "MatMulNBits", 1, attrs, inputs); });
  };
  const auto attrs = NBitsAttributes(c);
  EXPECT_EQ(run(attrs, {F32({1, 31}, std::vector<float>(31, 1)), b, scales}),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(run(attrs, {F32({1, 32}, a), Make(DType::kUint8, {2, 2, 7}, std::vector<uint8_t>(28)),
                        scales}),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(run(attrs, {F32({1, 32}, a), b, F16({4}, c.scales)}), ErrorCode::kInvalidArgument);
  EXPECT_EQ(
      run(attrs, {F32({1, 32}, a), b, scales, Make(DType::kUint8, {3}, std::vector<uint8_t>(3))}),
      ErrorCode::kInvalidArgument);
  EXPECT_EQ(run(attrs, {F32({1, 32}, a), b, scales, std::nullopt,
                        Make<int32_t>(DType::kInt32, {32}, std::vector<int32_t>(32))}),
            ErrorCode::kUnsupported);
  std::vector<ir::Attribute> three_bits = attrs;
  three_bits[2] = ir::Attribute::Int("bits", 3);
  EXPECT_EQ(run(three_bits, {F32({1, 32}, a), b, scales}), ErrorCode::kUnsupported);
  std::vector<ir::Attribute> odd_block = attrs;
  odd_block[3] = ir::Attribute::Int("block_size", 24);
  EXPECT_EQ(run(odd_block, {F32({1, 32}, a), b, scales}), ErrorCode::kInvalidModel);
}

}  // namespace
}  // namespace nncf::exec
