// Elementwise, activation and reduction kernels: the ONNX backend node tests of these ops run
// through the kernels directly, plus hand-computed cases for what that data lacks (Gelu, float8,
// int4, newer opsets) and for the error paths.
#include <gtest/gtest.h>
#include <onnx/onnx_pb.h>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <limits>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "core/exec/kernel_registry.h"
#include "core/exec/tensor_util.h"
#include "core/ir/dtype.h"
#include "onnx/model_io.h"
#include "onnx/proto_convert.h"

namespace nncf::exec {
namespace {

namespace fs = std::filesystem;

template <typename T>
ir::Tensor Make(ir::DType dtype, std::vector<int64_t> dims, const std::vector<T>& values) {
  return ir::Tensor::FromBytes("t", dtype, std::move(dims), values.data(),
                               values.size() * sizeof(T));
}
ir::Tensor Floats(std::vector<int64_t> dims, const std::vector<float>& values) {
  return Make(ir::DType::kFloat, std::move(dims), values);
}

ir::Node MakeNode(const std::string& op, size_t num_inputs, size_t num_outputs = 1) {
  ir::Node node;
  node.op_type = op;
  node.name = "n_" + op;
  for (size_t i = 0; i < num_inputs; ++i) node.inputs.push_back("in" + std::to_string(i));
  for (size_t i = 0; i < num_outputs; ++i) node.outputs.push_back("out" + std::to_string(i));
  return node;
}

void SetInt(ir::Node& node, const std::string& name, int64_t value) {
  ir::Attribute a;
  a.name = name;
  a.type = ir::AttributeType::kInt;
  a.i = value;
  node.attributes.push_back(a);
}
void SetFloat(ir::Node& node, const std::string& name, float value) {
  ir::Attribute a;
  a.name = name;
  a.type = ir::AttributeType::kFloat;
  a.f = value;
  node.attributes.push_back(a);
}
void SetString(ir::Node& node, const std::string& name, const std::string& value) {
  ir::Attribute a;
  a.name = name;
  a.type = ir::AttributeType::kString;
  a.s = value;
  node.attributes.push_back(a);
}
void SetInts(ir::Node& node, const std::string& name, const std::vector<int64_t>& values) {
  ir::Attribute a;
  a.name = name;
  a.type = ir::AttributeType::kInts;
  a.ints = values;
  node.attributes.push_back(a);
}

std::vector<ir::Tensor> RunNode(const ir::Node& node, int64_t opset,
                                const std::vector<const ir::Tensor*>& inputs) {
  const KernelFactory factory = KernelRegistry::Global().Find(node.domain, node.op_type, opset);
  if (factory == nullptr) {
    Fail(ErrorCode::kUnsupported,
         "no kernel for " + node.op_type + " at opset " + std::to_string(opset));
  }
  std::unique_ptr<Kernel> kernel = factory(NodeInfo(node, opset));
  std::vector<ir::Tensor> outputs(node.outputs.size());
  kernel->Run(inputs, outputs, RunContext{});
  return outputs;
}

ir::Tensor Run1(const ir::Node& node, int64_t opset, const std::vector<const ir::Tensor*>& in) {
  return RunNode(node, opset, in).at(0);
}

std::vector<double> Values(const ir::Tensor& t) {
  std::vector<double> v(t.NumElements());
  for (int64_t i = 0; i < t.NumElements(); ++i) v[i] = t.GetAsDouble(i);
  return v;
}

void ExpectNear(const ir::Tensor& t, const std::vector<double>& expected, double tol = 1e-6) {
  const std::vector<double> got = Values(t);
  ASSERT_EQ(got.size(), expected.size());
  for (size_t i = 0; i < got.size(); ++i) {
    if (std::isnan(expected[i])) {
      EXPECT_TRUE(std::isnan(got[i])) << "element " << i;
    } else if (std::isinf(expected[i])) {
      EXPECT_EQ(got[i], expected[i]) << "element " << i;
    } else {
      EXPECT_NEAR(got[i], expected[i], tol * (1 + std::fabs(expected[i]))) << "element " << i;
    }
  }
}

ErrorCode ErrorOf(const ir::Node& node, int64_t opset, const std::vector<const ir::Tensor*>& inputs,
                  std::string* message) {
  try {
    RunNode(node, opset, inputs);
  } catch (const Error& e) {
    *message = e.what();
    return e.code();
  }
  return ErrorCode::kOk;
}

// ---------------------------------------------------------------------------------------------
// ONNX backend node tests.

const std::set<std::string>& OwnedOps() {
  static const std::set<std::string> ops = {"Add",
                                            "Sub",
                                            "Mul",
                                            "Div",
                                            "Pow",
                                            "Mod",
                                            "Max",
                                            "Min",
                                            "Mean",
                                            "Sum",
                                            "Abs",
                                            "Neg",
                                            "Exp",
                                            "Log",
                                            "Sqrt",
                                            "Reciprocal",
                                            "Floor",
                                            "Ceil",
                                            "Round",
                                            "Sign",
                                            "Sin",
                                            "Cos",
                                            "Tan",
                                            "Asin",
                                            "Acos",
                                            "Atan",
                                            "Sinh",
                                            "Cosh",
                                            "Asinh",
                                            "Acosh",
                                            "Atanh",
                                            "IsNaN",
                                            "IsInf",
                                            "Equal",
                                            "Less",
                                            "Greater",
                                            "LessOrEqual",
                                            "GreaterOrEqual",
                                            "And",
                                            "Or",
                                            "Xor",
                                            "Not",
                                            "BitShift",
                                            "Where",
                                            "Cast",
                                            "CastLike",
                                            "Relu",
                                            "LeakyRelu",
                                            "PRelu",
                                            "Elu",
                                            "Selu",
                                            "Celu",
                                            "Sigmoid",
                                            "HardSigmoid",
                                            "HardSwish",
                                            "Tanh",
                                            "Erf",
                                            "Gelu",
                                            "Softplus",
                                            "Softsign",
                                            "ThresholdedRelu",
                                            "Mish",
                                            "Clip",
                                            "Softmax",
                                            "LogSoftmax",
                                            "Hardmax",
                                            "ReduceSum",
                                            "ReduceMean",
                                            "ReduceMax",
                                            "ReduceMin",
                                            "ReduceProd",
                                            "ReduceL1",
                                            "ReduceL2",
                                            "ReduceLogSum",
                                            "ReduceLogSumExp",
                                            "ReduceSumSquare",
                                            "ArgMax",
                                            "ArgMin"};
  return ops;
}

// Cases whose rejection is intended: string conversions are not supported by Cast.
bool ExpectedUnsupported(const std::string& test) {
  return test.find("STRING") != std::string::npos;
}

ir::Tensor LoadTensorFile(const fs::path& path) {
  std::ifstream file(path, std::ios::binary);
  std::stringstream buffer;
  buffer << file.rdbuf();
  ::onnx::TensorProto proto;
  if (!proto.ParseFromString(buffer.str())) Fail(ErrorCode::kIo, "cannot parse " + path.string());
  return onnx::TensorFromProto(proto, nullptr);
}

// The ONNX 1.12 data stores bfloat16 tensors as uint16; the graph declares the real type.
ir::Tensor Retag(ir::Tensor tensor, const std::optional<ir::Type>& declared) {
  if (declared && tensor.dtype == ir::DType::kUint16 &&
      declared->tensor_dtype() == ir::DType::kBFloat16) {
    tensor.dtype = ir::DType::kBFloat16;
  }
  return tensor;
}

// Returns "" on success, else the reason.
std::string RunCase(const ir::Model& model, const fs::path& data_dir, double rtol) {
  const ir::Graph& graph = *model.graph;
  const ir::Node& node = graph.nodes[0];
  std::map<std::string, ir::Tensor> values;
  for (const ir::Tensor& t : graph.initializers) values[t.name] = t;
  const std::vector<const ir::ValueInfo*> real_inputs = graph.RealInputs();
  for (size_t i = 0; i < real_inputs.size(); ++i) {
    const fs::path file = data_dir / ("input_" + std::to_string(i) + ".pb");
    if (!fs::exists(file)) return "missing " + file.string();
    values[real_inputs[i]->name] = Retag(LoadTensorFile(file), real_inputs[i]->type);
  }
  std::vector<const ir::Tensor*> inputs;
  for (const std::string& name : node.inputs) {
    inputs.push_back(name.empty() ? nullptr : &values.at(name));
  }
  std::vector<ir::Tensor> outputs;
  try {
    outputs = RunNode(node, model.DefaultOpset(), inputs);
  } catch (const Error& e) {
    return std::string("error: ") + e.what();
  }
  for (size_t i = 0; i < graph.outputs.size(); ++i) {
    const ir::Tensor expected = Retag(
        LoadTensorFile(data_dir / ("output_" + std::to_string(i) + ".pb")), graph.outputs[i].type);
    size_t slot = 0;
    while (slot < node.outputs.size() && node.outputs[slot] != graph.outputs[i].name) ++slot;
    if (slot == node.outputs.size()) return "output not produced";
    const ir::Tensor& got = outputs[slot];
    if (got.dtype != expected.dtype) {
      return std::string("dtype ") + ir::DTypeName(got.dtype) + " vs " +
             ir::DTypeName(expected.dtype);
    }
    if (got.dims != expected.dims) {
      return "shape " + ShapeString(got.dims) + " vs " + ShapeString(expected.dims);
    }
    for (int64_t k = 0; k < got.NumElements(); ++k) {
      const double g = got.GetAsDouble(k), e = expected.GetAsDouble(k);
      if (std::isnan(e) && std::isnan(g)) continue;
      if (std::isinf(e) && g == e) continue;
      if (!(std::fabs(g - e) <= 1e-7 + rtol * std::fabs(e))) {
        std::ostringstream s;
        s << "element " << k << ": got " << g << ", expected " << e;
        return s.str();
      }
    }
  }
  return "";
}

TEST(EltwiseConformance, NodeTests) {
  const fs::path root = fs::path(NNCF_ONNX_TESTDATA_DIR) / "node";
  if (!fs::exists(root)) GTEST_SKIP() << "no ONNX test data at " << root;
  int cases = 0, passed = 0;
  std::vector<std::string> failures;
  std::map<std::string, int> per_op;
  std::vector<fs::path> dirs;
  for (const auto& entry : fs::directory_iterator(root)) dirs.push_back(entry.path());
  std::sort(dirs.begin(), dirs.end());
  for (const fs::path& dir : dirs) {
    const std::string test = dir.filename().string();
    if (test.find("_expanded") != std::string::npos) continue;
    onnx::LoadOptions options;
    options.validate = false;
    ir::Model model;
    try {
      model = onnx::LoadModelFile((dir / "model.onnx").string(), options);
    } catch (const Error&) {
      continue;
    }
    if (!model.graph || model.graph->nodes.size() != 1) continue;
    const std::string& op = model.graph->nodes[0].op_type;
    if (!OwnedOps().count(op)) continue;
    for (const auto& data : fs::directory_iterator(dir)) {
      if (!data.is_directory()) continue;
      ++cases;
      ++per_op[op];
      // ONNX 1.12 made its float->bfloat16 expectations by truncation; we round to nearest even
      // as ONNX Runtime does, which may differ by one bfloat16 ulp (2^-7 relative).
      const double rtol = test.find("to_BFLOAT16") != std::string::npos ? 1.0 / 128 : 1e-3;
      const std::string reason = RunCase(model, data.path(), rtol);
      if (ExpectedUnsupported(test)) {
        if (reason.find("not supported") != std::string::npos) {
          ++passed;
        } else {
          failures.push_back(test + ": expected kUnsupported, got '" + reason + "'");
        }
      } else if (reason.empty()) {
        ++passed;
      } else {
        failures.push_back(test + ": " + reason);
      }
    }
  }
  std::cout << "eltwise node tests: " << passed << " / " << cases << " passed; cases per op:";
  for (const auto& [op, count] : per_op) std::cout << " " << op << "=" << count;
  std::cout << "\n";
  for (const std::string& f : failures) ADD_FAILURE() << f;
  EXPECT_GT(cases, 300);
}

// ---------------------------------------------------------------------------------------------
// Hand-computed cases.

TEST(EltwiseKernels, BroadcastAddRowsAndColumns) {
  const ir::Tensor a = Floats({2, 1, 3}, {1, 2, 3, 4, 5, 6});
  const ir::Tensor b = Floats({2, 1}, {10, 20});
  const ir::Tensor y = Run1(MakeNode("Add", 2), 14, {&a, &b});
  EXPECT_EQ(y.dims, (std::vector<int64_t>{2, 2, 3}));
  ExpectNear(y, {11, 12, 13, 21, 22, 23, 14, 15, 16, 24, 25, 26});
}

// Float Erf takes Eigen's vectorized approximation: within 5e-7 of the double-precision erf over
// [-6, 6], exactly +-1 beyond, and NaN stays NaN (its clamp would make NaN +-1).
TEST(EltwiseKernels, VectorizedErfAccuracyAndNan) {
  std::vector<float> x;
  for (int i = -60000; i <= 60000; ++i) x.push_back(static_cast<float>(i) * 1e-4f);
  x.push_back(std::numeric_limits<float>::quiet_NaN());
  x.push_back(std::numeric_limits<float>::infinity());
  x.push_back(-std::numeric_limits<float>::infinity());
  const ir::Tensor in = Floats({static_cast<int64_t>(x.size())}, x);
  const ir::Tensor y = Run1(MakeNode("Erf", 1), 13, {&in});
  const float* out = y.DataAs<float>();
  double worst = 0;
  for (size_t i = 0; i + 3 < x.size(); ++i) {
    worst = std::max(worst, std::fabs(double(out[i]) - std::erf(double(x[i]))));
  }
  EXPECT_LT(worst, 5e-7);
  EXPECT_TRUE(std::isnan(out[x.size() - 3]));
  EXPECT_EQ(out[x.size() - 2], 1.0f);
  EXPECT_EQ(out[x.size() - 1], -1.0f);
}

// Float Sigmoid takes Eigen's vectorized exp: within 3e-7 relative of the double-precision
// logistic over [-90, 90] (both tails included), 1 and 0 at +-inf, NaN stays NaN.
TEST(EltwiseKernels, VectorizedSigmoidAccuracyAndEdges) {
  std::vector<float> x;
  for (int i = -90000; i <= 90000; ++i) x.push_back(static_cast<float>(i) * 1e-3f);
  x.push_back(std::numeric_limits<float>::quiet_NaN());
  x.push_back(std::numeric_limits<float>::infinity());
  x.push_back(-std::numeric_limits<float>::infinity());
  const ir::Tensor in = Floats({static_cast<int64_t>(x.size())}, x);
  const ir::Tensor y = Run1(MakeNode("Sigmoid", 1), 13, {&in});
  const float* out = y.DataAs<float>();
  double worst = 0;
  for (size_t i = 0; i + 3 < x.size(); ++i) {
    const double expected = 1.0 / (1.0 + std::exp(-double(x[i])));
    if (expected < 1e-37) continue;  // float denormals: compared with the float formula below
    worst = std::max(worst, std::fabs(double(out[i]) - expected) / expected);
  }
  EXPECT_LT(worst, 3e-7);
  // The deep negative tail is the float formula exp(x) / (1 + exp(x)) exactly.
  for (size_t i = 0; x[i] < -87.5f; ++i) {
    const float e = std::exp(x[i]);
    ASSERT_EQ(out[i], e / (1.0f + e)) << x[i];
  }
  EXPECT_EQ(out[x.size() - 4], 1.0f);  // sigmoid(90)
  EXPECT_TRUE(std::isnan(out[x.size() - 3]));
  EXPECT_EQ(out[x.size() - 2], 1.0f);
  EXPECT_EQ(out[x.size() - 1], 0.0f);
}

// The channels-last conversions put element (n, c, p) at (n * S + p) * C + c and back, for any
// byte-sized type; rank below 3 is refused.
TEST(TensorUtil, ChannelsLastConversionsRoundTrip) {
  std::vector<float> values(2 * 3 * 4 * 5);
  for (size_t i = 0; i < values.size(); ++i) values[i] = static_cast<float>(i);
  const ir::Tensor plain = Floats({2, 3, 4, 5}, values);
  const ir::Tensor last = PlainToChannelsLast(plain);
  ASSERT_EQ(last.dims, plain.dims);
  for (int64_t b = 0; b < 2; ++b) {
    for (int64_t c = 0; c < 3; ++c) {
      for (int64_t p = 0; p < 20; ++p) {
        ASSERT_EQ(last.DataAs<float>()[(b * 20 + p) * 3 + c], values[(b * 3 + c) * 20 + p]);
      }
    }
  }
  const ir::Tensor back = ChannelsLastToPlain(last);
  EXPECT_EQ(std::vector<float>(back.DataAs<float>(), back.DataAs<float>() + values.size()), values);
  const ir::Tensor bytes = ir::Tensor::FromBytes("b", ir::DType::kUint8, {1, 2, 3},
                                                 std::vector<uint8_t>{1, 2, 3, 4, 5, 6}.data(), 6);
  const ir::Tensor bytes_last = PlainToChannelsLast(bytes);
  EXPECT_EQ(std::vector<uint8_t>(bytes_last.bytes(), bytes_last.bytes() + 6),
            (std::vector<uint8_t>{1, 4, 2, 5, 3, 6}));
  EXPECT_THROW(PlainToChannelsLast(Floats({2, 3}, {1, 2, 3, 4, 5, 6})), Error);
}

// Per-channel operands over NCHW exercise the merged-dims path; checked against direct indexing.
TEST(EltwiseKernels, BroadcastPerChannelMatchesDirectIndexing) {
  const std::vector<int64_t> dims = {2, 3, 2, 4};
  std::vector<float> x(48);
  for (size_t i = 0; i < x.size(); ++i) x[i] = static_cast<float>(i) * 0.5f;
  const ir::Tensor a = Floats(dims, x);
  const ir::Tensor bias = Floats({3, 1, 1}, {100, 200, 300});
  const ir::Tensor row = Floats({1, 3, 1, 4}, std::vector<float>(12, 1.0f));
  const ir::Tensor y = Run1(MakeNode("Sub", 2), 14, {&a, &bias});
  const ir::Tensor z = Run1(MakeNode("Div", 2), 14, {&row, &a});
  std::vector<double> expected_y, expected_z;
  for (int64_t i = 0; i < 48; ++i) {
    const int64_t c = (i / 8) % 3;
    expected_y.push_back(x[i] - 100.0 * (c + 1));
    expected_z.push_back(1.0 / x[i]);
  }
  expected_z[0] = std::numeric_limits<double>::infinity();
  ExpectNear(y, expected_y);
  ExpectNear(z, expected_z);
}

TEST(EltwiseKernels, ShapesThatDoNotBroadcastNameTheNode) {
  const ir::Tensor a = Floats({2, 3}, {1, 2, 3, 4, 5, 6});
  const ir::Tensor b = Floats({2}, {1, 2});
  std::string message;
  EXPECT_EQ(ErrorOf(MakeNode("Mul", 2), 14, {&a, &b}, &message), ErrorCode::kInvalidArgument);
  EXPECT_NE(message.find("Mul 'n_Mul'"), std::string::npos) << message;
}

TEST(EltwiseKernels, UnsupportedDTypeNamesNodeAndType) {
  const ir::Tensor a = Make<int32_t>(ir::DType::kInt32, {2}, {1, 2});
  std::string message;
  EXPECT_EQ(ErrorOf(MakeNode("Exp", 1), 13, {&a}, &message), ErrorCode::kUnsupported);
  EXPECT_NE(message.find("Exp 'n_Exp'"), std::string::npos) << message;
  EXPECT_NE(message.find("int32"), std::string::npos) << message;
}

TEST(EltwiseKernels, IntegerDivisionTruncatesAndModFollowsDivisorSign) {
  const ir::Tensor a = Make<int32_t>(ir::DType::kInt32, {4}, {7, -7, 7, -7});
  const ir::Tensor b = Make<int32_t>(ir::DType::kInt32, {4}, {2, 2, -2, 0});
  ExpectNear(Run1(MakeNode("Div", 2), 14, {&a, &b}), {3, -3, -3, 0});
  ExpectNear(Run1(MakeNode("Mod", 2), 13, {&a, &b}), {1, 1, -1, 0});
  ir::Node fmod = MakeNode("Mod", 2);
  SetInt(fmod, "fmod", 1);
  ExpectNear(Run1(fmod, 13, {&a, &b}), {1, -1, 1, 0});
}

TEST(EltwiseKernels, PowMixedTypes) {
  const ir::Tensor base = Make<int64_t>(ir::DType::kInt64, {3}, {2, 3, -2});
  const ir::Tensor exponent = Floats({3}, {3, 0.5f, 2});
  const ir::Tensor y = Run1(MakeNode("Pow", 2), 15, {&base, &exponent});
  EXPECT_EQ(y.dtype, ir::DType::kInt64);
  ExpectNear(y, {8, 1, 4});
}

TEST(EltwiseKernels, RoundHalfToEven) {
  const ir::Tensor x = Floats({6}, {0.5f, 1.5f, 2.5f, -0.5f, -1.5f, 2.4f});
  ExpectNear(Run1(MakeNode("Round", 1), 11, {&x}), {0, 2, 2, -0.0, -2, 2});
}

TEST(EltwiseKernels, Float16ComputedInFloat) {
  const std::vector<uint16_t> a = {ir::FloatToHalf(1.5f), ir::FloatToHalf(-2.0f)};
  const std::vector<uint16_t> b = {ir::FloatToHalf(0.25f), ir::FloatToHalf(4.0f)};
  const ir::Tensor ta = Make(ir::DType::kFloat16, {2}, a);
  const ir::Tensor tb = Make(ir::DType::kFloat16, {2}, b);
  const ir::Tensor y = Run1(MakeNode("Sub", 2), 14, {&ta, &tb});
  EXPECT_EQ(y.dtype, ir::DType::kFloat16);
  ExpectNear(y, {1.25, -6.0});
  const ir::Tensor less = Run1(MakeNode("Less", 2), 13, {&ta, &tb});
  EXPECT_EQ(less.dtype, ir::DType::kBool);
  ExpectNear(less, {0, 1});
}

TEST(EltwiseKernels, VariadicMeanBroadcasts) {
  const ir::Tensor a = Floats({2, 2}, {1, 2, 3, 4});
  const ir::Tensor b = Floats({2}, {10, 20});
  const ir::Tensor c = Floats({}, {4});
  ExpectNear(Run1(MakeNode("Mean", 3), 13, {&a, &b, &c}), {5, 26.0 / 3, 17.0 / 3, 28.0 / 3});
  ExpectNear(Run1(MakeNode("Max", 3), 13, {&a, &b, &c}), {10, 20, 10, 20});
}

TEST(EltwiseKernels, IsInfDirections) {
  const float inf = std::numeric_limits<float>::infinity();
  const ir::Tensor x = Floats({3}, {inf, -inf, 1});
  ir::Node node = MakeNode("IsInf", 1);
  SetInt(node, "detect_negative", 0);
  ExpectNear(Run1(node, 10, {&x}), {1, 0, 0});
}

TEST(EltwiseKernels, WhereBroadcastsThreeWays) {
  const ir::Tensor cond = Make<uint8_t>(ir::DType::kBool, {2, 1}, {1, 0});
  const ir::Tensor x = Floats({1, 2}, {1, 2});
  const ir::Tensor y = Floats({}, {9});
  ExpectNear(Run1(MakeNode("Where", 3), 16, {&cond, &x, &y}), {1, 2, 9, 9});
}

TEST(EltwiseKernels, CastToFloat8SaturatesOrNot) {
  const ir::Tensor x = Floats({3}, {1.0f, 1000.0f, -0.3f});
  ir::Node node = MakeNode("Cast", 1);
  SetInt(node, "to", static_cast<int64_t>(ir::DType::kFloat8E4M3FN));
  const ir::Tensor y = Run1(node, 19, {&x});
  EXPECT_EQ(y.dtype, ir::DType::kFloat8E4M3FN);
  ExpectNear(y, {1.0, 448.0, -0.3125}, 1e-9);
  ir::Node no_saturate = node;
  SetInt(no_saturate, "saturate", 0);
  const ir::Tensor z = Run1(no_saturate, 19, {&x});
  EXPECT_TRUE(std::isnan(z.GetAsDouble(1)));
  // And back to float.
  ir::Node back = MakeNode("Cast", 1);
  SetInt(back, "to", static_cast<int64_t>(ir::DType::kFloat));
  ExpectNear(Run1(back, 19, {&y}), {1.0, 448.0, -0.3125}, 1e-9);
}

TEST(EltwiseKernels, CastToInt4RoundsAndSaturates) {
  const ir::Tensor x = Floats({5}, {2.5f, 3.5f, -20.0f, 20.0f, -1.2f});
  ir::Node node = MakeNode("Cast", 1);
  SetInt(node, "to", static_cast<int64_t>(ir::DType::kInt4));
  const ir::Tensor y = Run1(node, 21, {&x});
  EXPECT_EQ(y.dtype, ir::DType::kInt4);
  EXPECT_EQ(y.ByteSize(), 3u);
  ExpectNear(y, {2, 4, -8, 7, -1});
  ir::Node to_u4 = MakeNode("Cast", 1);
  SetInt(to_u4, "to", static_cast<int64_t>(ir::DType::kUint4));
  ExpectNear(Run1(to_u4, 21, {&y}), {2, 4, 0, 7, 0});
  ir::Node to_f4 = MakeNode("Cast", 1);
  SetInt(to_f4, "to", static_cast<int64_t>(ir::DType::kFloat4E2M1));
  ExpectNear(Run1(to_f4, 23, {&x}), {2, 4, -6, 6, -1});
}

TEST(EltwiseKernels, CastFloatToIntTruncatesAndBool) {
  const ir::Tensor x = Floats({4}, {1.9f, -1.9f, 0.0f, 3e10f});
  ir::Node node = MakeNode("Cast", 1);
  SetInt(node, "to", static_cast<int64_t>(ir::DType::kInt32));
  ExpectNear(Run1(node, 13, {&x}), {1, -1, 0, 2147483647});
  ir::Node to_bool = MakeNode("Cast", 1);
  SetInt(to_bool, "to", static_cast<int64_t>(ir::DType::kBool));
  ExpectNear(Run1(to_bool, 13, {&x}), {1, 1, 0, 1});
}

TEST(ActivationKernels, GeluExactAndTanh) {
  const ir::Tensor x = Floats({3}, {-1.0f, 0.0f, 2.0f});
  ir::Node exact = MakeNode("Gelu", 1);
  // 0.5 x (1 + erf(x / sqrt 2))
  ExpectNear(Run1(exact, 20, {&x}), {-0.15865525393145707, 0.0, 1.9544997361036416}, 1e-6);
  ir::Node tanh = MakeNode("Gelu", 1);
  SetString(tanh, "approximate", "tanh");
  ExpectNear(Run1(tanh, 20, {&x}), {-0.15880800939172324, 0.0, 1.9545976940877752}, 1e-6);
  ir::Node bad = MakeNode("Gelu", 1);
  SetString(bad, "approximate", "fast");
  std::string message;
  EXPECT_EQ(ErrorOf(bad, 20, {&x}, &message), ErrorCode::kUnsupported);
  EXPECT_NE(message.find("approximate"), std::string::npos);
}

TEST(ActivationKernels, SoftmaxCoercesTo2DBeforeOpset13) {
  const ir::Tensor x = Floats({1, 2, 2}, {0, 0, 0, std::log(5.0f)});
  ir::Node node = MakeNode("Softmax", 1);
  SetInt(node, "axis", 1);
  // Opset 11: over the flattened [2, 2] tail; opset 13: along axis 1 only.
  ExpectNear(Run1(node, 11, {&x}), {0.125, 0.125, 0.125, 0.625});
  ExpectNear(Run1(node, 13, {&x}), {0.5, 1.0 / 6, 0.5, 5.0 / 6});
}

TEST(ActivationKernels, ClipFromAttributesAndInputs) {
  const ir::Tensor x = Floats({4}, {-3, -1, 1, 3});
  ir::Node old = MakeNode("Clip", 1);
  SetFloat(old, "min", -2);
  SetFloat(old, "max", 2);
  ExpectNear(Run1(old, 6, {&x}), {-2, -1, 1, 2});
  const ir::Tensor hi = Floats({}, {0.5f});
  ExpectNear(Run1(MakeNode("Clip", 3), 13, {&x, nullptr, &hi}), {-3, -1, 0.5, 0.5});
}

TEST(ActivationKernels, PReluBroadcastsSlopePerChannel) {
  const ir::Tensor x = Floats({1, 2, 2}, {-1, 1, -2, 2});
  const ir::Tensor slope = Floats({2, 1}, {0.1f, 0.5f});
  ExpectNear(Run1(MakeNode("PRelu", 2), 16, {&x, &slope}), {-0.1, 1, -1, 2});
}

TEST(ReductionKernels, AxesFromAttributeOrInputAndNoop) {
  const ir::Tensor x = Floats({2, 3}, {1, 2, 3, 4, 5, 6});
  ir::Node old = MakeNode("ReduceMean", 1);
  SetInts(old, "axes", {1});
  SetInt(old, "keepdims", 0);
  const ir::Tensor y = Run1(old, 13, {&x});
  EXPECT_EQ(y.dims, (std::vector<int64_t>{2}));
  ExpectNear(y, {2, 5});
  const ir::Tensor axes = Make<int64_t>(ir::DType::kInt64, {1}, {0});
  const ir::Tensor z = Run1(MakeNode("ReduceMean", 2), 18, {&x, &axes});
  EXPECT_EQ(z.dims, (std::vector<int64_t>{1, 3}));
  ExpectNear(z, {2.5, 3.5, 4.5});
  ir::Node noop = MakeNode("ReduceSumSquare", 2);
  SetInt(noop, "noop_with_empty_axes", 1);
  const ir::Tensor none = Make<int64_t>(ir::DType::kInt64, {0}, {});
  ExpectNear(Run1(noop, 18, {&x, &none}), {1, 4, 9, 16, 25, 36});
  const ir::Tensor all = Run1(MakeNode("ReduceL2", 2), 18, {&x, &none});
  EXPECT_EQ(all.dims, (std::vector<int64_t>{1, 1}));
  ExpectNear(all, {std::sqrt(91.0)});
}

TEST(ReductionKernels, EmptyReductions) {
  const ir::Tensor x = Floats({2, 0}, {});
  const ir::Tensor axes = Make<int64_t>(ir::DType::kInt64, {1}, {1});
  ExpectNear(Run1(MakeNode("ReduceSum", 2), 18, {&x, &axes}), {0, 0});
  ExpectNear(Run1(MakeNode("ReduceProd", 2), 18, {&x, &axes}), {1, 1});
  const double inf = std::numeric_limits<double>::infinity();
  ExpectNear(Run1(MakeNode("ReduceMax", 2), 18, {&x, &axes}), {-inf, -inf});
  ExpectNear(Run1(MakeNode("ReduceLogSumExp", 2), 18, {&x, &axes}), {-inf, -inf});
}

TEST(ReductionKernels, LogSumExpIsStableAndArgMaxSelectsLast) {
  const ir::Tensor x = Floats({3}, {1000, 1000, 1});
  const ir::Tensor y = Run1(MakeNode("ReduceLogSumExp", 1), 13, {&x});
  ExpectNear(y, {1000 + std::log(2.0)});
  ir::Node arg = MakeNode("ArgMax", 1);
  SetInt(arg, "select_last_index", 1);
  SetInt(arg, "keepdims", 0);
  const ir::Tensor idx = Run1(arg, 13, {&x});
  EXPECT_EQ(idx.dtype, ir::DType::kInt64);
  EXPECT_TRUE(idx.dims.empty());
  ExpectNear(idx, {1});
}

TEST(ReductionKernels, BadAxisNamesNode) {
  const ir::Tensor x = Floats({2, 3}, {1, 2, 3, 4, 5, 6});
  ir::Node node = MakeNode("ReduceMax", 1);
  SetInts(node, "axes", {2});
  std::string message;
  EXPECT_EQ(ErrorOf(node, 13, {&x}, &message), ErrorCode::kInvalidArgument);
  EXPECT_NE(message.find("ReduceMax 'n_ReduceMax'"), std::string::npos) << message;
}

}  // namespace
}  // namespace nncf::exec
