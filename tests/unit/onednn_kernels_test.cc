// Edge cases of the oneDNN-backed kernels that the ONNX node tests lack. The f32 oneDNN paths are
// checked against the same kernels' f64 plain-loop paths or against direct loops here.
#include <dlfcn.h>
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "core/common/error.h"
#include "core/exec/kernel_registry.h"
#include "core/ir/dtype.h"
#include "core/ir/node.h"
#include "core/ir/tensor.h"

namespace nncf::exec {
namespace {

ir::Tensor Floats(std::vector<int64_t> dims, const std::vector<float>& values) {
  return ir::Tensor::FromBytes("", ir::DType::kFloat, std::move(dims), values.data(),
                               values.size() * sizeof(float));
}

ir::Tensor ToDouble(const ir::Tensor& t) {
  std::vector<double> v(static_cast<size_t>(t.NumElements()));
  for (size_t i = 0; i < v.size(); ++i) v[i] = t.GetAsDouble(static_cast<int64_t>(i));
  return ir::Tensor::FromBytes("", ir::DType::kDouble, t.dims, v.data(), v.size() * 8);
}

ir::Tensor ToHalf(const ir::Tensor& t) {
  std::vector<uint16_t> v(static_cast<size_t>(t.NumElements()));
  for (size_t i = 0; i < v.size(); ++i) {
    v[i] = ir::FloatToHalf(static_cast<float>(t.GetAsDouble(static_cast<int64_t>(i))));
  }
  return ir::Tensor::FromBytes("", ir::DType::kFloat16, t.dims, v.data(), v.size() * 2);
}

ir::Tensor Random(std::vector<int64_t> dims, uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
  int64_t n = 1;
  for (int64_t d : dims) n *= d;
  std::vector<float> v(static_cast<size_t>(n));
  for (float& x : v) x = dist(rng);
  return Floats(std::move(dims), v);
}

ir::Node MakeNode(const std::string& op, size_t num_inputs, std::vector<ir::Attribute> attrs,
                  size_t num_outputs = 1) {
  ir::Node node;
  node.name = "n_" + op;
  node.op_type = op;
  for (size_t i = 0; i < num_inputs; ++i) node.inputs.push_back("in" + std::to_string(i));
  for (size_t i = 0; i < num_outputs; ++i) node.outputs.push_back("out" + std::to_string(i));
  node.attributes = std::move(attrs);
  return node;
}

std::vector<ir::Tensor> RunNode(const ir::Node& node, const std::vector<const ir::Tensor*>& inputs,
                                int64_t opset = 17) {
  KernelFactory factory = KernelRegistry::Global().Find("", node.op_type, opset);
  if (factory == nullptr) throw std::runtime_error("no kernel for " + node.op_type);
  std::unique_ptr<Kernel> kernel = factory(NodeInfo(node, opset));
  std::vector<ir::Tensor> outputs(node.outputs.size());
  kernel->Run(inputs, outputs, RunContext{});
  return outputs;
}

void ExpectClose(const ir::Tensor& actual, const ir::Tensor& expected, double tolerance) {
  ASSERT_EQ(actual.dims, expected.dims);
  for (int64_t i = 0; i < actual.NumElements(); ++i) {
    ASSERT_NEAR(actual.GetAsDouble(i), expected.GetAsDouble(i), tolerance) << "element " << i;
  }
}

// f32 (oneDNN) and f64 (plain loops) runs of one node must agree.
void ExpectFloatMatchesDouble(const ir::Node& node, const std::vector<ir::Tensor>& inputs,
                              std::vector<int64_t> expected_dims) {
  std::vector<const ir::Tensor*> f, d;
  std::vector<ir::Tensor> doubles;
  doubles.reserve(inputs.size());
  for (const ir::Tensor& t : inputs) doubles.push_back(ToDouble(t));
  for (size_t i = 0; i < inputs.size(); ++i) {
    f.push_back(&inputs[i]);
    d.push_back(&doubles[i]);
  }
  std::vector<ir::Tensor> yf = RunNode(node, f), yd = RunNode(node, d);
  EXPECT_EQ(yf[0].dims, expected_dims);
  EXPECT_EQ(yf[0].dtype, ir::DType::kFloat);
  EXPECT_EQ(yd[0].dtype, ir::DType::kDouble);
  ExpectClose(yf[0], yd[0], 1e-4);
}

TEST(OneDnnConv, DepthwiseWithBias) {
  ir::Node node =
      MakeNode("Conv", 3,
               {ir::Attribute::Int("group", 4), ir::Attribute::Ints("pads", {1, 1, 1, 1}),
                ir::Attribute::Ints("kernel_shape", {3, 3})});
  ExpectFloatMatchesDouble(node, {Random({2, 4, 7, 6}, 1), Random({4, 1, 3, 3}, 2), Random({4}, 3)},
                           {2, 4, 7, 6});
}

TEST(OneDnnConv, SameUpperAndLowerWithStride) {
  for (const char* mode : {"SAME_UPPER", "SAME_LOWER"}) {
    ir::Node node =
        MakeNode("Conv", 2,
                 {ir::Attribute::String("auto_pad", mode), ir::Attribute::Ints("strides", {2, 2})});
    ExpectFloatMatchesDouble(node, {Random({1, 3, 8, 7}, 4), Random({5, 3, 4, 3}, 5)},
                             {1, 5, 4, 4});
  }
}

TEST(OneDnnConv, DilatedAsymmetricPads1dAnd3d) {
  ir::Node node1 =
      MakeNode("Conv", 2,
               {ir::Attribute::Ints("dilations", {2}), ir::Attribute::Ints("pads", {0, 3}),
                ir::Attribute::Ints("strides", {3})});
  // (10 + 3 - 5) / 3 + 1 = 3
  ExpectFloatMatchesDouble(node1, {Random({2, 2, 10}, 6), Random({3, 2, 3}, 7)}, {2, 3, 3});
  ir::Node node3 = MakeNode(
      "Conv", 3, {ir::Attribute::Int("group", 2), ir::Attribute::Ints("pads", {1, 0, 2, 0, 1, 1})});
  ExpectFloatMatchesDouble(
      node3, {Random({1, 4, 4, 5, 3}, 8), Random({6, 2, 2, 2, 2}, 9), Random({6}, 10)},
      {1, 6, 4, 5, 5});
}

TEST(OneDnnConvTranspose, GroupedWithOutputPaddingAndPads) {
  ir::Node node = MakeNode(
      "ConvTranspose", 3,
      {ir::Attribute::Int("group", 2), ir::Attribute::Ints("strides", {2, 3}),
       ir::Attribute::Ints("pads", {1, 0, 0, 2}), ir::Attribute::Ints("output_padding", {1, 2}),
       ir::Attribute::Ints("dilations", {1, 2})});
  // H: 2*(3-1)+1+3-1-0 = 7; W: 3*(4-1)+2+(2*2+1)-0-2 = 14
  ExpectFloatMatchesDouble(
      node, {Random({2, 4, 3, 4}, 11), Random({4, 3, 3, 3}, 12), Random({6}, 13)}, {2, 6, 7, 14});
}

TEST(OneDnnConvTranspose, OutputShapeAndSameUpper) {
  ir::Node node =
      MakeNode("ConvTranspose", 2,
               {ir::Attribute::Ints("strides", {2}), ir::Attribute::Ints("output_shape", {12})});
  ExpectFloatMatchesDouble(node, {Random({1, 2, 5}, 14), Random({2, 3, 3}, 15)}, {1, 3, 12});
  ir::Node same = MakeNode(
      "ConvTranspose", 2,
      {ir::Attribute::Ints("strides", {2, 2}), ir::Attribute::String("auto_pad", "SAME_UPPER")});
  ExpectFloatMatchesDouble(same, {Random({1, 1, 3, 3}, 16), Random({1, 2, 3, 3}, 17)},
                           {1, 2, 6, 6});
}

TEST(OneDnnGemm, BroadcastCWithTransposes) {
  const int64_t m = 3, k = 4, n = 5;
  ir::Tensor a = Random({k, m}, 20), b = Random({n, k}, 21);
  for (const std::vector<int64_t>& c_dims : {std::vector<int64_t>{n}, std::vector<int64_t>{m, 1},
                                             std::vector<int64_t>{1}, std::vector<int64_t>{}}) {
    ir::Tensor c = Random(c_dims, 22);
    ir::Node node =
        MakeNode("Gemm", 3,
                 {ir::Attribute::Int("transA", 1), ir::Attribute::Int("transB", 1),
                  ir::Attribute::Float("alpha", 0.5f), ir::Attribute::Float("beta", -2.0f)});
    std::vector<ir::Tensor> y = RunNode(node, {&a, &b, &c}, 13);
    ASSERT_EQ(y[0].dims, (std::vector<int64_t>{m, n}));
    const std::vector<int64_t> cs = {c_dims.size() == 2 ? 1 : 0,
                                     c_dims.size() >= 1 && c_dims.back() == n ? 1 : 0};
    for (int64_t i = 0; i < m; ++i) {
      for (int64_t j = 0; j < n; ++j) {
        double want = 0;
        for (int64_t kk = 0; kk < k; ++kk)
          want += a.GetAsDouble(kk * m + i) * b.GetAsDouble(j * k + kk);
        want = 0.5 * want - 2.0 * c.GetAsDouble(i * cs[0] + j * cs[1]);
        EXPECT_NEAR(y[0].GetAsDouble(i * n + j), want, 1e-5);
      }
    }
  }
  ir::Tensor bad_c = Random({2, 5}, 23);
  ir::Node node =
      MakeNode("Gemm", 3, {ir::Attribute::Int("transA", 1), ir::Attribute::Int("transB", 1)});
  try {
    RunNode(node, {&a, &b, &bad_c}, 13);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument);
    EXPECT_NE(std::string(e.what()).find("Gemm 'n_Gemm'"), std::string::npos) << e.what();
  }
}

TEST(OneDnnMatMul, BatchBroadcastingAnd1d) {
  ir::Tensor a = Random({2, 1, 3, 4}, 30), b = Random({3, 4, 5}, 31);
  ir::Node node = MakeNode("MatMul", 2, {});
  std::vector<ir::Tensor> y = RunNode(node, {&a, &b});
  ASSERT_EQ(y[0].dims, (std::vector<int64_t>{2, 3, 3, 5}));
  for (int64_t p = 0; p < 2; ++p) {
    for (int64_t q = 0; q < 3; ++q) {
      for (int64_t i = 0; i < 3; ++i) {
        for (int64_t j = 0; j < 5; ++j) {
          double want = 0;
          for (int64_t kk = 0; kk < 4; ++kk) {
            want += a.GetAsDouble((p * 3 + i) * 4 + kk) * b.GetAsDouble((q * 4 + kk) * 5 + j);
          }
          EXPECT_NEAR(y[0].GetAsDouble(((p * 3 + q) * 3 + i) * 5 + j), want, 1e-5);
        }
      }
    }
  }
  ir::Tensor v = Random({4}, 32);
  EXPECT_EQ(RunNode(node, {&v, &b})[0].dims, (std::vector<int64_t>{3, 5}));
  ir::Tensor w = Random({5}, 33);
  EXPECT_EQ(RunNode(node, {&a, &v})[0].dims, (std::vector<int64_t>{2, 1, 3}));
  ExpectFloatMatchesDouble(node, {a, b}, {2, 3, 3, 5});
  try {
    RunNode(node, {&a, &w});
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument);
    EXPECT_NE(std::string(e.what()).find("MatMul 'n_MatMul'"), std::string::npos) << e.what();
  }
}

TEST(OneDnnKernels, Float16Inputs) {
  ir::Tensor x = Random({1, 2, 5, 5}, 40), w = Random({3, 2, 3, 3}, 41);
  ir::Tensor xh = ToHalf(x), wh = ToHalf(w);
  ir::Node conv = MakeNode("Conv", 2, {});
  ir::Tensor yf = RunNode(conv, {&x, &w})[0];
  ir::Tensor yh = RunNode(conv, {&xh, &wh})[0];
  EXPECT_EQ(yh.dtype, ir::DType::kFloat16);
  ExpectClose(yh, yf, 2e-2);
  ir::Tensor a = Random({4, 6}, 42), b = Random({6, 3}, 43);
  ir::Tensor ah = ToHalf(a), bh = ToHalf(b);
  ir::Node matmul = MakeNode("MatMul", 2, {});
  ir::Tensor mh = RunNode(matmul, {&ah, &bh})[0];
  EXPECT_EQ(mh.dtype, ir::DType::kFloat16);
  ExpectClose(mh, RunNode(matmul, {&a, &b})[0], 2e-2);
  // Mixed dtypes are rejected, naming the node.
  try {
    RunNode(matmul, {&a, &bh});
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument);
  }
}

// oneDNN follows the OpenMP thread count of the calling thread; libgomp is loaded with oneDNN.
void SetOmpThreads(int n) {
  using SetFn = void (*)(int);
  auto fn = reinterpret_cast<SetFn>(dlsym(RTLD_DEFAULT, "omp_set_num_threads"));
  ASSERT_NE(fn, nullptr) << "libgomp (oneDNN's OpenMP runtime) is not loaded";
  fn(n);
}

TEST(OneDnnKernels, DeterministicAcrossThreadCounts) {
  ir::Tensor x = Random({2, 16, 20, 20}, 50), w = Random({32, 16, 3, 3}, 51);
  ir::Tensor a = Random({64, 256}, 52), b = Random({256, 48}, 53);
  ir::Node conv = MakeNode("Conv", 2, {ir::Attribute::Ints("pads", {1, 1, 1, 1})});
  ir::Node matmul = MakeNode("MatMul", 2, {});
  std::vector<std::string> results[2];
  for (int threads : {1, 2}) {
    SetOmpThreads(threads);
    for (int repeat = 0; repeat < 2; ++repeat) {
      ir::Tensor yc = RunNode(conv, {&x, &w})[0];
      ir::Tensor ym = RunNode(matmul, {&a, &b})[0];
      results[threads - 1].push_back(
          std::string(reinterpret_cast<const char*>(yc.bytes()), yc.ByteSize()) +
          std::string(reinterpret_cast<const char*>(ym.bytes()), ym.ByteSize()));
    }
  }
  SetOmpThreads(2);
  EXPECT_EQ(results[0][0], results[0][1]);
  EXPECT_EQ(results[1][0], results[1][1]);
  EXPECT_EQ(results[0][0], results[1][0]);
}

TEST(OneDnnKernels, BadShapesNameTheNode) {
  ir::Tensor x = Random({1, 3, 5, 5}, 60), w = Random({4, 2, 3, 3}, 61);
  ir::Node conv = MakeNode("Conv", 2, {});
  try {
    RunNode(conv, {&x, &w});
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument);
    EXPECT_NE(std::string(e.what()).find("Conv 'n_Conv'"), std::string::npos) << e.what();
  }
  ir::Tensor big = Random({4, 3, 7, 7}, 62);
  try {
    RunNode(conv, {&x, &big});
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument);
  }
  ir::Node pool = MakeNode("MaxPool", 1, {ir::Attribute::Ints("kernel_shape", {2})});
  try {
    RunNode(pool, {&x});
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument);
    EXPECT_NE(std::string(e.what()).find("MaxPool 'n_MaxPool'"), std::string::npos);
  }
  ir::Node bn = MakeNode("BatchNormalization", 5, {ir::Attribute::Int("training_mode", 1)});
  try {
    RunNode(bn, {&x, &x, &x, &x, &x}, 15);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kUnsupported);
    EXPECT_NE(std::string(e.what()).find("training_mode"), std::string::npos);
  }
}

TEST(OneDnnPool, MaxPoolIndicesColumnMajor) {
  // 1x1x2x3 input; a 2x2 window with stride 1 gives 1x2 outputs.
  ir::Tensor x = Floats({1, 1, 2, 3}, {1, 9, 2, 3, 4, 8});
  for (int64_t order : {0, 1}) {
    ir::Node node = MakeNode(
        "MaxPool", 1,
        {ir::Attribute::Ints("kernel_shape", {2, 2}), ir::Attribute::Int("storage_order", order)},
        2);
    std::vector<ir::Tensor> y = RunNode(node, {&x});
    ASSERT_EQ(y[1].dims, (std::vector<int64_t>{1, 1, 1, 2}));
    EXPECT_EQ(y[0].GetAsDouble(0), 9);
    EXPECT_EQ(y[0].GetAsDouble(1), 9);
    // 9 sits at (h=0, w=1): row-major 1, column-major 0 + 1 * 2 = 2.
    EXPECT_EQ(y[1].DataAs<int64_t>()[0], order == 0 ? 1 : 2);
  }
}

// The 2-D max pool (max of the kernel rows first, then of the kernel columns) against a direct
// window scan: padding, strides, dilation, ceil mode, and NaN, which wins its windows.
TEST(OneDnnPool, MaxPool2DMatchesDirectWindows) {
  struct Case {
    std::vector<int64_t> kernel, strides, pads, dilations;
    int64_t ceil;
  };
  const std::vector<Case> cases = {{{3, 3}, {2, 2}, {1, 1, 1, 1}, {1, 1}, 0},
                                   {{2, 3}, {1, 2}, {0, 1, 1, 0}, {2, 1}, 1},
                                   {{3, 2}, {3, 1}, {2, 0, 2, 1}, {1, 2}, 1}};
  ir::Tensor x = Random({2, 3, 9, 11}, 80);
  std::vector<float> values = x.ToFloats();
  values[5] = std::numeric_limits<float>::quiet_NaN();
  values[150] = std::numeric_limits<float>::quiet_NaN();
  x = Floats({2, 3, 9, 11}, values);
  for (const Case& c : cases) {
    ir::Node node = MakeNode(
        "MaxPool", 1,
        {ir::Attribute::Ints("kernel_shape", c.kernel), ir::Attribute::Ints("strides", c.strides),
         ir::Attribute::Ints("pads", c.pads), ir::Attribute::Ints("dilations", c.dilations),
         ir::Attribute::Int("ceil_mode", c.ceil)});
    const ir::Tensor y = RunNode(node, {&x}, 12)[0];
    const int64_t oh = y.dims[2], ow = y.dims[3];
    for (int64_t p = 0; p < 6; ++p) {
      for (int64_t i = 0; i < oh; ++i) {
        for (int64_t j = 0; j < ow; ++j) {
          float best = -std::numeric_limits<float>::infinity();
          bool nan = false;
          for (int64_t a = 0; a < c.kernel[0]; ++a) {
            for (int64_t b = 0; b < c.kernel[1]; ++b) {
              const int64_t h = i * c.strides[0] - c.pads[0] + a * c.dilations[0];
              const int64_t w = j * c.strides[1] - c.pads[1] + b * c.dilations[1];
              if (h < 0 || h >= 9 || w < 0 || w >= 11) continue;
              const float v = values[(p * 9 + h) * 11 + w];
              nan = nan || std::isnan(v);
              best = std::max(best, v);
            }
          }
          const float got = y.DataAs<float>()[(p * oh + i) * ow + j];
          if (nan) {
            EXPECT_TRUE(std::isnan(got)) << p << " " << i << " " << j;
          } else {
            EXPECT_EQ(got, best) << p << " " << i << " " << j;
          }
        }
      }
    }
  }
}

// 1-D max and average pooling and 2-D average pooling of interior windows take the direct
// paths; checked against window sums and maxima computed here.
TEST(OneDnnPool, OneDimensionalAndInteriorAveragePools) {
  const ir::Tensor x = Random({2, 3, 20}, 81);
  const std::vector<float> v = x.ToFloats();
  for (const char* op : {"MaxPool", "AveragePool"}) {
    ir::Node node = MakeNode(
        op, 1, {ir::Attribute::Ints("kernel_shape", {4}), ir::Attribute::Ints("strides", {3})});
    const ir::Tensor y = RunNode(node, {&x}, 19)[0];
    ASSERT_EQ(y.dims, (std::vector<int64_t>{2, 3, 6}));
    for (int64_t p = 0; p < 6; ++p) {
      for (int64_t j = 0; j < 6; ++j) {
        float best = -INFINITY, sum = 0;
        for (int64_t k = 0; k < 4; ++k) {
          best = std::max(best, v[p * 20 + j * 3 + k]);
          sum += v[p * 20 + j * 3 + k];
        }
        const float expected = op[0] == 'M' ? best : sum / 4;
        EXPECT_FLOAT_EQ(y.DataAs<float>()[p * 6 + j], expected) << op << " " << p << " " << j;
      }
    }
  }
  const ir::Tensor x2 = Random({1, 2, 7, 9}, 82);
  const std::vector<float> v2 = x2.ToFloats();
  ir::Node avg = MakeNode(
      "AveragePool", 1,
      {ir::Attribute::Ints("kernel_shape", {3, 2}), ir::Attribute::Ints("strides", {2, 3})});
  const ir::Tensor y2 = RunNode(avg, {&x2}, 19)[0];
  ASSERT_EQ(y2.dims, (std::vector<int64_t>{1, 2, 3, 3}));
  for (int64_t p = 0; p < 2; ++p) {
    for (int64_t i = 0; i < 3; ++i) {
      for (int64_t j = 0; j < 3; ++j) {
        float sum = 0;
        for (int64_t a = 0; a < 3; ++a) {
          for (int64_t b = 0; b < 2; ++b) sum += v2[(p * 7 + i * 2 + a) * 9 + j * 3 + b];
        }
        EXPECT_FLOAT_EQ(y2.DataAs<float>()[(p * 3 + i) * 3 + j], sum / 6) << p << i << j;
      }
    }
  }
}

// Rows of at least eight outputs are pooled tap by tap across the row: the same maxima (NaN
// kept) and the same window sums, against direct windows. Dilation and overlapping windows
// included.
TEST(OneDnnPool, LongRowsPoolTapByTap) {
  const int64_t length = 103;
  const ir::Tensor base = Random({2, 3, length}, 83);
  std::vector<float> v = base.ToFloats();
  v[7] = std::numeric_limits<float>::quiet_NaN();
  v[length + 50] = std::numeric_limits<float>::quiet_NaN();
  const ir::Tensor x = Floats({2, 3, length}, v);
  struct Case {
    int64_t kernel, stride, dilation;
  };
  for (const Case& c : {Case{4, 4, 1}, Case{3, 2, 1}, Case{3, 2, 2}}) {
    for (const char* op : {"MaxPool", "AveragePool"}) {
      if (op[0] == 'A' && c.dilation != 1) continue;
      std::vector<ir::Attribute> attributes = {ir::Attribute::Ints("kernel_shape", {c.kernel}),
                                               ir::Attribute::Ints("strides", {c.stride})};
      if (c.dilation != 1) attributes.push_back(ir::Attribute::Ints("dilations", {c.dilation}));
      const ir::Tensor y = RunNode(MakeNode(op, 1, attributes), {&x}, 19)[0];
      const int64_t ow = (length - (c.kernel - 1) * c.dilation - 1) / c.stride + 1;
      ASSERT_GE(ow, 8);
      ASSERT_EQ(y.dims, (std::vector<int64_t>{2, 3, ow}));
      for (int64_t p = 0; p < 6; ++p) {
        for (int64_t j = 0; j < ow; ++j) {
          float best = -INFINITY, sum = 0;
          bool nan = false;
          for (int64_t k = 0; k < c.kernel; ++k) {
            const float value = v[p * length + j * c.stride + k * c.dilation];
            nan = nan || std::isnan(value);
            best = std::max(best, value);
            sum += value;
          }
          const float got = y.DataAs<float>()[p * ow + j];
          if (nan) {
            EXPECT_TRUE(std::isnan(got)) << op << " " << p << " " << j;
          } else if (op[0] == 'M') {
            EXPECT_EQ(got, best) << op << " " << p << " " << j;
          } else {
            EXPECT_EQ(got, sum / static_cast<float>(c.kernel)) << op << " " << p << " " << j;
          }
        }
      }
    }
  }
  // 2-D average of interior windows, rows of ten outputs.
  const ir::Tensor x2 = Random({1, 2, 6, 31}, 84);
  const std::vector<float> v2 = x2.ToFloats();
  const ir::Tensor y2 = RunNode(MakeNode("AveragePool", 1,
                                         {ir::Attribute::Ints("kernel_shape", {2, 4}),
                                          ir::Attribute::Ints("strides", {2, 3})}),
                                {&x2}, 19)[0];
  ASSERT_EQ(y2.dims, (std::vector<int64_t>{1, 2, 3, 10}));
  for (int64_t p = 0; p < 2; ++p) {
    for (int64_t i = 0; i < 3; ++i) {
      for (int64_t j = 0; j < 10; ++j) {
        float sum = 0;
        for (int64_t a = 0; a < 2; ++a) {
          for (int64_t b = 0; b < 4; ++b) sum += v2[(p * 6 + i * 2 + a) * 31 + j * 3 + b];
        }
        EXPECT_EQ(y2.DataAs<float>()[(p * 3 + i) * 10 + j], sum / 8) << p << i << j;
      }
    }
  }
}

TEST(OneDnnEinsum, DiagonalTraceAndEllipsis) {
  ir::Tensor m = Floats({3, 3}, {1, 2, 3, 4, 5, 6, 7, 8, 9});
  ir::Node trace = MakeNode("Einsum", 1, {ir::Attribute::String("equation", "ii")});
  ir::Tensor t = RunNode(trace, {&m}, 12)[0];
  EXPECT_TRUE(t.dims.empty());
  EXPECT_EQ(t.GetAsDouble(0), 15);
  ir::Node diag = MakeNode("Einsum", 1, {ir::Attribute::String("equation", "ii->i")});
  ir::Tensor d = RunNode(diag, {&m}, 12)[0];
  EXPECT_EQ(d.GetAsDouble(2), 9);
  ir::Tensor a = Random({2, 3, 4}, 70), b = Random({4, 5}, 71);
  ir::Node batched = MakeNode("Einsum", 2, {ir::Attribute::String("equation", "...ij,jk")});
  ir::Tensor e = RunNode(batched, {&a, &b}, 12)[0];
  ir::Node matmul = MakeNode("MatMul", 2, {});
  ExpectClose(e, RunNode(matmul, {&a, &b})[0], 1e-5);
}

TEST(OneDnnNorm, LayerNormStatsOutputs) {
  ir::Tensor x = Random({2, 3, 4}, 80), s = Random({3, 4}, 81), b = Random({4}, 82);
  ir::Node node = MakeNode("LayerNormalization", 3, {ir::Attribute::Int("axis", 1)}, 3);
  std::vector<ir::Tensor> y = RunNode(node, {&x, &s, &b});
  ASSERT_EQ(y[1].dims, (std::vector<int64_t>{2, 1, 1}));
  for (int64_t r = 0; r < 2; ++r) {
    double mean = 0, var = 0;
    for (int64_t i = 0; i < 12; ++i) mean += x.GetAsDouble(r * 12 + i) / 12;
    for (int64_t i = 0; i < 12; ++i) var += std::pow(x.GetAsDouble(r * 12 + i) - mean, 2) / 12;
    const double inv = 1 / std::sqrt(var + 1e-5);
    EXPECT_NEAR(y[1].GetAsDouble(r), mean, 1e-6);
    EXPECT_NEAR(y[2].GetAsDouble(r), inv, 1e-4);
    for (int64_t i = 0; i < 12; ++i) {
      EXPECT_NEAR(
          y[0].GetAsDouble(r * 12 + i),
          (x.GetAsDouble(r * 12 + i) - mean) * inv * s.GetAsDouble(i) + b.GetAsDouble(i % 4), 1e-5);
    }
  }
}

}  // namespace
}  // namespace nncf::exec
