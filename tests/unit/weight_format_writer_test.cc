// Every weight format written into small models (MatMul, Gemm transB=1, Gather embedding, Conv):
// the written model must compute, in our executor and in ONNX Runtime, what the model with the
// dequantized float weights computes. Compressed weights are built by hand (codes, scales and zero
// points chosen here), so these tests do not depend on the quantization code.
#include "algorithms/weight_compression/weight_format_writer.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "core/common/context.h"
#include "core/common/error.h"
#include "core/exec/executor.h"
#include "core/ir/dtype.h"
#include "onnx/model_io.h"
// The unit-test targets link the core only; the .npy reader/writer of the ORT tests is small.
#include "npy_io.h"

namespace nncf::algorithms::wc {
namespace {

namespace fs = std::filesystem;
using ir::DType;

const float kNf4[16] = {-1.0f,
                        -0.6961928009986877f,
                        -0.5250730514526367f,
                        -0.39491748809814453f,
                        -0.28444138169288635f,
                        -0.18477343022823334f,
                        -0.09105003625154495f,
                        0.0f,
                        0.07958029955625534f,
                        0.16093020141124725f,
                        0.24611230194568634f,
                        0.33791524171829224f,
                        0.44070982933044434f,
                        0.5626170039176941f,
                        0.7229568362236023f,
                        1.0f};
const float kE2M1[16] = {0, 0.5f, 1, 1.5f, 2, 3, 4, 6, -0.0f, -0.5f, -1, -1.5f, -2, -3, -4, -6};

// Deterministic generator (LCG), the same on every machine.
struct Lcg {
  uint32_t state;
  uint32_t Next() { return state = state * 1664525u + 1013904223u; }
  double Uniform() { return static_cast<double>(Next()) / 4294967296.0; }
  int Int(int lo, int hi) {
    return lo + static_cast<int>(Next() % static_cast<uint32_t>(hi - lo + 1));
  }
};

int64_t Product(const std::vector<int64_t>& dims) {
  int64_t n = 1;
  for (int64_t d : dims) n *= d;
  return n;
}

float RoundTo(DType dtype, float v) {
  return dtype == DType::kFloat16 ? ir::HalfToFloat(ir::FloatToHalf(v)) : v;
}

ir::Tensor Floats(const std::string& name, DType dtype, std::vector<int64_t> dims,
                  const std::vector<float>& values) {
  std::vector<uint8_t> bytes(ir::StorageBytes(dtype, static_cast<int64_t>(values.size())));
  for (size_t i = 0; i < values.size(); ++i) {
    if (dtype == DType::kFloat) {
      std::memcpy(bytes.data() + 4 * i, &values[i], 4);
    } else {
      const uint16_t h = ir::FloatToHalf(values[i]);
      std::memcpy(bytes.data() + 2 * i, &h, 2);
    }
  }
  return ir::Tensor::FromBytes(name, dtype, std::move(dims), bytes.data(), bytes.size());
}

// A hand-made compressed weight plus the float values it stands for and a float weight near them
// whose fake quantization gives exactly those values.
struct HandWeight {
  CompressedWeight compressed;
  std::vector<float> dequantized;  // in the compressed shape's row-major order
  std::vector<float> original;     // dequantized + noise below half a quantum
};

HandWeight MakeHandWeight(WeightMode mode, std::vector<int64_t> shape, int64_t axis,
                          int64_t group_size, DType dtype, uint32_t seed) {
  HandWeight h;
  CompressedWeight& w = h.compressed;
  w.mode = mode;
  w.shape = shape;
  w.reduction_axis = axis;
  w.group_size = group_size < 0 ? shape[axis] : group_size;
  w.float_dtype = dtype;
  w.scale_shape = shape;
  w.scale_shape[axis] = shape[axis] / w.group_size;
  Lcg rng{seed};
  const int64_t groups = Product(w.scale_shape);
  const bool asym = mode == WeightMode::kInt8Asym || mode == WeightMode::kInt4Asym;
  const bool eight = mode == WeightMode::kInt8Asym || mode == WeightMode::kInt8Sym;
  for (int64_t g = 0; g < groups; ++g) {
    float s = static_cast<float>(0.01 + 0.04 * rng.Uniform());
    if (mode == WeightMode::kE2M1) s = std::ldexp(1.0f, rng.Int(-7, -4));
    if ((mode == WeightMode::kInt4Sym || mode == WeightMode::kInt8Sym) && rng.Next() % 2) s = -s;
    w.scales.push_back(RoundTo(dtype, s));
    if (asym) w.zero_points.push_back(static_cast<uint8_t>(rng.Int(0, eight ? 255 : 15)));
  }
  const int64_t numel = Product(shape);
  std::vector<int64_t> strides(shape.size(), 1);
  for (size_t d = shape.size() - 1; d > 0; --d) strides[d - 1] = strides[d] * shape[d];
  for (int64_t i = 0; i < numel; ++i) {
    // Index of the element's group in the scale layout.
    int64_t rest = i, group = 0, scale_stride = 1;
    std::vector<int64_t> idx(shape.size());
    for (size_t d = shape.size(); d-- > 0;) {
      idx[d] = rest % shape[d];
      rest /= shape[d];
    }
    for (size_t d = shape.size(); d-- > 0;) {
      const int64_t c = static_cast<int64_t>(d) == axis ? idx[d] / w.group_size : idx[d];
      group += c * scale_stride;
      scale_stride *= w.scale_shape[d];
    }
    const float s = w.scales[group];
    float value = 0;
    uint8_t code = 0;
    switch (mode) {
      case WeightMode::kInt8Asym:
      case WeightMode::kInt4Asym: {
        const int q = rng.Int(0, eight ? 255 : 15);
        code = static_cast<uint8_t>(q);
        value = static_cast<float>(q - w.zero_points[group]) * s;
        break;
      }
      case WeightMode::kInt8Sym:
      case WeightMode::kInt4Sym: {
        const int q = eight ? rng.Int(-128, 127) : rng.Int(-8, 7);
        code = static_cast<uint8_t>(static_cast<int8_t>(q));
        value = static_cast<float>(q) * s;
        break;
      }
      case WeightMode::kNf4:
        code = static_cast<uint8_t>(rng.Int(0, 15));
        value = kNf4[code] * s;
        break;
      case WeightMode::kE2M1:
        code = static_cast<uint8_t>(rng.Int(0, 15));
        value = kE2M1[code] * s;
        break;
    }
    w.codes.push_back(code);
    h.dequantized.push_back(RoundTo(dtype, value));
    const float noise = static_cast<float>((rng.Uniform() - 0.5) * 0.5) * std::fabs(s);
    h.original.push_back(RoundTo(dtype, value + noise));
  }
  return h;
}

ir::ValueInfo Value(const std::string& name, DType dtype, std::vector<int64_t> dims) {
  ir::ValueInfo info;
  info.name = name;
  info.type = ir::Type::MakeTensor(dtype, dims);
  return info;
}

ir::Node Node(std::string op, std::string name, std::vector<std::string> inputs,
              std::vector<std::string> outputs, std::vector<ir::Attribute> attributes = {}) {
  ir::Node node;
  node.op_type = std::move(op);
  node.name = std::move(name);
  node.inputs = std::move(inputs);
  node.outputs = std::move(outputs);
  node.attributes = std::move(attributes);
  return node;
}

enum class Layer { kMatMul, kGemmTransB, kGather, kConv };

const char* LayerName(Layer layer) {
  switch (layer) {
    case Layer::kMatMul:
      return "MatMul";
    case Layer::kGemmTransB:
      return "GemmTransB";
    case Layer::kGather:
      return "Gather";
    case Layer::kConv:
      return "Conv";
  }
  return "?";
}

// A one-layer model whose weight "W" has `weight` values, plus what the compressed weight looks
// like for it (shape and reduction axis; Conv is compressed as [O, I*kH*kW]).
struct LayerModel {
  ir::Model model;
  WeightSite site;
  std::vector<int64_t> compressed_shape;
  int64_t reduction_axis = 0;
};

LayerModel BuildLayer(Layer layer, DType dtype, const std::vector<float>* weight, int64_t opset) {
  LayerModel m;
  ir::Graph g;
  g.name = LayerName(layer);
  std::vector<int64_t> weight_dims;
  m.site.weight_name = "W";
  m.site.consumer_node = "layer";
  m.site.input_index = 1;
  switch (layer) {
    case Layer::kMatMul:  // x [2, 64] @ W [64, 8]
      weight_dims = {64, 8};
      m.compressed_shape = weight_dims;
      m.reduction_axis = 0;
      g.inputs.push_back(Value("x", dtype, {2, 64}));
      g.nodes.push_back(Node("MatMul", "layer", {"x", "W"}, {"y"}));
      g.outputs.push_back(Value("y", dtype, {2, 8}));
      m.site.consumer_op = "MatMul";
      break;
    case Layer::kGemmTransB: {  // x [3, 64] W^T [64, 8] + C
      weight_dims = {8, 64};
      m.compressed_shape = weight_dims;
      m.reduction_axis = 1;
      g.inputs.push_back(Value("x", dtype, {3, 64}));
      std::vector<float> bias(8);
      for (int i = 0; i < 8; ++i) bias[i] = 0.1f * static_cast<float>(i) - 0.3f;
      g.initializers.push_back(Floats("C", dtype, {8}, bias));
      g.nodes.push_back(
          Node("Gemm", "layer", {"x", "W", "C"}, {"y"}, {ir::Attribute::Int("transB", 1)}));
      g.outputs.push_back(Value("y", dtype, {3, 8}));
      m.site.consumer_op = "Gemm";
      m.site.transposed = true;
      break;
    }
    case Layer::kGather:  // W [10, 64] rows picked by ids [4]
      weight_dims = {10, 64};
      m.compressed_shape = weight_dims;
      m.reduction_axis = 1;
      g.inputs.push_back(Value("ids", DType::kInt64, {4}));
      g.nodes.push_back(Node("Gather", "layer", {"W", "ids"}, {"y"}));
      g.outputs.push_back(Value("y", dtype, {4, 64}));
      m.site.consumer_op = "Gather";
      m.site.input_index = 0;
      break;
    case Layer::kConv:  // x [1, 4, 5, 5] * W [6, 4, 4, 4]
      weight_dims = {6, 4, 4, 4};
      m.compressed_shape = {6, 64};
      m.reduction_axis = 1;
      g.inputs.push_back(Value("x", dtype, {1, 4, 5, 5}));
      g.nodes.push_back(
          Node("Conv", "layer", {"x", "W"}, {"y"}, {ir::Attribute::Ints("pads", {1, 1, 1, 1})}));
      g.outputs.push_back(Value("y", dtype, {1, 6, 4, 4}));
      m.site.consumer_op = "Conv";
      break;
  }
  std::vector<float> values = *weight;
  values.resize(static_cast<size_t>(Product(weight_dims)), values.empty() ? 0.0f : values[0]);
  g.initializers.push_back(Floats("W", dtype, weight_dims, values));
  m.model.ir_version = 8;
  m.model.SetOpset("", opset);
  m.model.graph = std::move(g);
  return m;
}

std::vector<ir::Tensor> Inputs(const ir::Model& model) {
  std::vector<ir::Tensor> feeds;
  Lcg rng{12345};
  for (const ir::ValueInfo* input : model.graph->RealInputs()) {
    std::vector<int64_t> dims;
    for (const ir::Dim& d : input->type->shape->dims) dims.push_back(*d.value);
    const int64_t n = Product(dims);
    if (input->type->tensor_dtype() == DType::kInt64) {
      std::vector<int64_t> ids(static_cast<size_t>(n));
      for (int64_t& id : ids) id = rng.Int(0, 9);
      feeds.push_back(
          ir::Tensor::FromBytes(input->name, DType::kInt64, dims, ids.data(), ids.size() * 8));
    } else {
      std::vector<float> values(static_cast<size_t>(n));
      for (float& v : values) v = static_cast<float>(rng.Uniform() * 2 - 1);
      feeds.push_back(Floats(input->name, input->type->tensor_dtype(), dims, values));
    }
  }
  return feeds;
}

ir::Tensor RunOurs(const ir::Model& model, const std::vector<ir::Tensor>& inputs) {
  auto shared = std::make_shared<const ir::Model>(model);
  exec::Executor executor(shared, {});
  exec::NamedTensors feeds;
  for (const ir::Tensor& t : inputs) feeds.emplace_back(t.name, t);
  return executor.Run(feeds).at(0).second;
}

std::string FindNode() {
  const char* path = std::getenv("PATH");
  if (path == nullptr) return "";
  std::stringstream dirs(path);
  std::string dir;
  while (std::getline(dirs, dir, ':')) {
    const fs::path candidate = fs::path(dir) / "node";
    if (!dir.empty() && access(candidate.c_str(), X_OK) == 0) return candidate.string();
  }
  return "";
}

const fs::path kOrtDir = fs::path(NNCF_SOURCE_DIR) / "tests" / "ort";

bool OrtAvailable() {
  return !FindNode().empty() && fs::exists(kOrtDir / "node_modules" / "onnxruntime-node");
}

// Runs ONNX Runtime on `model`; fails the test when ORT refuses it.
ir::Tensor RunOrt(const ir::Model& model, const std::vector<ir::Tensor>& inputs,
                  const std::string& tag) {
  const fs::path dir =
      fs::path(::testing::TempDir()) / ("wc_formats_" + tag + "_" + std::to_string(getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir / "case");
  onnx::SaveOptions save;
  save.external_data = onnx::ExternalDataMode::kNever;
  const fs::path model_path = dir / "model.onnx";
  onnx::SaveModelFile(model, model_path.string(), save, Context());
  for (size_t i = 0; i < inputs.size(); ++i) {
    ir::Tensor t = inputs[i];
    testing::WriteNpy((dir / "case" / ("input_" + std::to_string(i) + ".npy")).string(), t);
  }
  const fs::path log = dir / "ort.log";
  const std::string command = "'" + FindNode() + "' '" + (kOrtDir / "run_ort.js").string() + "' '" +
                              model_path.string() +
                              "' --config session.qdq_matmulnbits_accuracy_level=1 '" +
                              (dir / "case").string() + "' > '" + log.string() + "' 2>&1";
  if (std::system(command.c_str()) != 0) {
    std::ifstream in(log);
    ADD_FAILURE() << "ONNX Runtime failed on " << tag << ":\n"
                  << std::string(std::istreambuf_iterator<char>(in), {});
    return {};
  }
  ir::Tensor out = testing::ReadNpy((dir / "case" / "output_0.npy").string());
  fs::remove_all(dir);
  return out;
}

void ExpectClose(const ir::Tensor& got, const ir::Tensor& want, double abs_tol, double rel_tol,
                 const std::string& what) {
  ASSERT_EQ(got.dtype, want.dtype) << what;
  ASSERT_EQ(got.dims, want.dims) << what;
  int64_t bad = 0;
  for (int64_t i = 0; i < want.NumElements(); ++i) {
    const double a = got.GetAsDouble(i), b = want.GetAsDouble(i);
    if (!(std::fabs(a - b) <= abs_tol + rel_tol * std::fabs(b))) {
      if (bad++ < 3) ADD_FAILURE() << what << ": element " << i << " is " << a << ", want " << b;
    }
  }
  EXPECT_EQ(bad, 0) << what;
}

struct FormatCase {
  Layer layer;
  WeightMode mode;
  int64_t group_size;  // -1: per channel
  WeightFormat format;
  DType dtype = DType::kFloat;
};

std::string CaseName(const FormatCase& c) {
  static const char* kModes[] = {"int8_sym", "int8_asym", "int4_sym", "int4_asym", "nf4", "e2m1"};
  static const char* kFormats[] = {"DQ", "MatMulNBits", "FQ", "FQ_LORA", "DQ_FLOAT4"};
  std::string name = std::string(LayerName(c.layer)) + "_" + kModes[static_cast<int>(c.mode)] +
                     "_g" + (c.group_size < 0 ? std::string("pc") : std::to_string(c.group_size)) +
                     "_" + kFormats[static_cast<int>(c.format)];
  if (c.dtype == DType::kFloat16) name += "_fp16";
  return name;
}

class WeightFormatTest : public ::testing::TestWithParam<FormatCase> {};

TEST_P(WeightFormatTest, ComputesTheDequantizedModel) {
  const FormatCase& c = GetParam();
  const int64_t opset = c.format == WeightFormat::kDequantizeLinearFloat4 ? 23 : 21;
  // The layer's shapes, then a hand-made weight of that shape.
  std::vector<float> placeholder(1024, 0.0f);
  const LayerModel probe = BuildLayer(c.layer, c.dtype, &placeholder, opset);
  const HandWeight hand =
      MakeHandWeight(c.mode, probe.compressed_shape, probe.reduction_axis, c.group_size, c.dtype,
                     7u + static_cast<uint32_t>(c.layer));
  LayerModel reference = BuildLayer(c.layer, c.dtype, &hand.dequantized, opset);
  LayerModel compressed = BuildLayer(c.layer, c.dtype, &hand.original, opset);
  FormatOptions options;
  options.accuracy_level = 0;
  options.lora_rank = 4;
  WeightEdit edit = MakeWeightEdit(hand.compressed, compressed.site, c.format, options);
  ApplyWeightEdit(compressed.model, compressed.site, std::move(edit));

  const std::vector<ir::Tensor> inputs = Inputs(reference.model);
  const ir::Tensor want = RunOurs(reference.model, inputs);
  const ir::Tensor ours = RunOurs(compressed.model, inputs);
  const bool half = c.dtype == DType::kFloat16;
  ExpectClose(ours, want, half ? 2e-3 : 1e-5, half ? 2e-3 : 1e-4, "executor vs dequantized");

  if (c.format == WeightFormat::kDequantizeLinearFloat4) return;  // ORT 1.30 has no float4 DQ
  if (!OrtAvailable()) GTEST_SKIP() << "node or tests/ort/node_modules missing: no ORT check";
  const ir::Tensor ort = RunOrt(compressed.model, inputs, CaseName(c));
  if (ort.dtype == DType::kUndefined) return;
  ExpectClose(ort, ours, half ? 4e-3 : 1e-4, half ? 4e-3 : 1e-4, "ORT vs executor");
}

std::vector<FormatCase> AllCases() {
  std::vector<FormatCase> cases;
  const Layer layers[] = {Layer::kMatMul, Layer::kGemmTransB, Layer::kGather, Layer::kConv};
  for (Layer layer : layers) {
    cases.push_back({layer, WeightMode::kInt8Asym, -1, WeightFormat::kDequantizeLinear});
    cases.push_back({layer, WeightMode::kInt8Sym, -1, WeightFormat::kDequantizeLinear});
    cases.push_back({layer, WeightMode::kInt4Sym, 16, WeightFormat::kDequantizeLinear});
    cases.push_back({layer, WeightMode::kInt4Asym, 32, WeightFormat::kDequantizeLinear});
    cases.push_back({layer, WeightMode::kInt4Asym, -1, WeightFormat::kDequantizeLinear});
    cases.push_back({layer, WeightMode::kNf4, 16, WeightFormat::kDequantizeLinear});
    cases.push_back({layer, WeightMode::kE2M1, 32, WeightFormat::kDequantizeLinear});
    cases.push_back({layer, WeightMode::kE2M1, 32, WeightFormat::kDequantizeLinearFloat4});
    cases.push_back({layer, WeightMode::kInt8Asym, -1, WeightFormat::kFakeQuantize});
    cases.push_back({layer, WeightMode::kInt4Sym, 16, WeightFormat::kFakeQuantize});
    cases.push_back({layer, WeightMode::kInt4Asym, 16, WeightFormat::kFakeQuantizeLora});
    cases.push_back({layer, WeightMode::kInt8Sym, -1, WeightFormat::kFakeQuantizeLora});
  }
  for (Layer layer : {Layer::kMatMul, Layer::kGemmTransB}) {
    cases.push_back({layer, WeightMode::kInt4Sym, 16, WeightFormat::kMatMulNBits});
    cases.push_back({layer, WeightMode::kInt4Asym, 16, WeightFormat::kMatMulNBits});
    cases.push_back({layer, WeightMode::kInt4Asym, -1, WeightFormat::kMatMulNBits});
    cases.push_back({layer, WeightMode::kInt8Asym, -1, WeightFormat::kMatMulNBits});
    cases.push_back({layer, WeightMode::kInt8Sym, 32, WeightFormat::kMatMulNBits});
  }
  const DType h = DType::kFloat16;
  cases.push_back({Layer::kMatMul, WeightMode::kInt8Asym, -1, WeightFormat::kDequantizeLinear, h});
  cases.push_back({Layer::kMatMul, WeightMode::kInt4Asym, 16, WeightFormat::kDequantizeLinear, h});
  cases.push_back({Layer::kGather, WeightMode::kInt4Sym, 16, WeightFormat::kDequantizeLinear, h});
  cases.push_back({Layer::kMatMul, WeightMode::kNf4, 32, WeightFormat::kDequantizeLinear, h});
  cases.push_back({Layer::kMatMul, WeightMode::kInt4Asym, 16, WeightFormat::kMatMulNBits, h});
  cases.push_back({Layer::kMatMul, WeightMode::kInt4Asym, 16, WeightFormat::kFakeQuantize, h});
  cases.push_back(
      {Layer::kGemmTransB, WeightMode::kE2M1, 32, WeightFormat::kDequantizeLinearFloat4, h});
  return cases;
}

INSTANTIATE_TEST_SUITE_P(Formats, WeightFormatTest, ::testing::ValuesIn(AllCases()),
                         [](const ::testing::TestParamInfo<FormatCase>& info) {
                           return CaseName(info.param);
                         });

ErrorCode CodeOf(const std::function<void()>& fn, std::string* message) {
  try {
    fn();
  } catch (const Error& e) {
    *message = e.what();
    return e.code();
  }
  return ErrorCode::kOk;
}

TEST(WeightFormatWriter, NamesFollowNncf) {
  std::vector<float> placeholder(1024, 0.0f);
  LayerModel m = BuildLayer(Layer::kMatMul, DType::kFloat, &placeholder, 21);
  const HandWeight hand =
      MakeHandWeight(WeightMode::kInt4Asym, m.compressed_shape, 0, 16, DType::kFloat, 3);
  ApplyWeightEdit(m.model, m.site,
                  MakeWeightEdit(hand.compressed, m.site, WeightFormat::kDequantizeLinear, {}));
  const ir::Graph& g = *m.model.graph;
  EXPECT_EQ(g.FindInitializer("W"), nullptr);  // the float weight is gone
  const ir::Tensor* q = g.FindInitializer("W_quantized");
  ASSERT_NE(q, nullptr);
  EXPECT_EQ(q->dtype, DType::kUint4);
  EXPECT_EQ(q->dims, (std::vector<int64_t>{64, 8}));
  // Low nibble first: element 0 in the low bits of byte 0.
  EXPECT_EQ(q->bytes()[0] & 0x0F, hand.compressed.codes[0]);
  EXPECT_EQ(q->bytes()[0] >> 4, hand.compressed.codes[1]);
  ASSERT_NE(g.FindInitializer("W_scale"), nullptr);
  EXPECT_EQ(g.FindInitializer("W_scale")->dims, (std::vector<int64_t>{4, 8}));
  ASSERT_NE(g.FindInitializer("W_zero_point"), nullptr);
  EXPECT_EQ(g.FindInitializer("W_zero_point")->dtype, DType::kUint4);
  ASSERT_EQ(g.nodes.size(), 2u);
  EXPECT_EQ(g.nodes[0].name, "W_DequantizeLinear");
  EXPECT_EQ(g.nodes[0].outputs[0], "W_dequantized");
  EXPECT_EQ(*g.nodes[0].FindAttribute("axis")->i, 0);
  EXPECT_EQ(*g.nodes[0].FindAttribute("block_size")->i, 16);
  EXPECT_EQ(g.nodes[1].inputs[1], "W_dequantized");
  EXPECT_GE(m.model.ir_version, 10);
}

TEST(WeightFormatWriter, BlockedAxisIsTheReductionAxis) {
  std::vector<float> placeholder(1024, 0.0f);
  LayerModel m = BuildLayer(Layer::kGemmTransB, DType::kFloat, &placeholder, 21);
  const HandWeight hand =
      MakeHandWeight(WeightMode::kInt4Sym, m.compressed_shape, 1, 16, DType::kFloat, 3);
  ApplyWeightEdit(m.model, m.site,
                  MakeWeightEdit(hand.compressed, m.site, WeightFormat::kDequantizeLinear, {}));
  const ir::Node& dq = m.model.graph->nodes[0];
  EXPECT_EQ(*dq.FindAttribute("axis")->i, 1);
  EXPECT_EQ(m.model.graph->FindInitializer("W_scale")->dims, (std::vector<int64_t>{8, 4}));
}

TEST(WeightFormatWriter, SharedWeightRedirectsEveryConsumer) {
  std::vector<float> placeholder(1024, 0.5f);
  LayerModel m = BuildLayer(Layer::kMatMul, DType::kFloat, &placeholder, 21);
  m.model.graph->nodes.push_back(Node("MatMul", "second", {"x", "W"}, {"y2"}));
  const HandWeight hand =
      MakeHandWeight(WeightMode::kInt8Asym, m.compressed_shape, 0, -1, DType::kFloat, 3);
  ApplyWeightEdit(m.model, m.site,
                  MakeWeightEdit(hand.compressed, m.site, WeightFormat::kDequantizeLinear, {}));
  const ir::Graph& g = *m.model.graph;
  EXPECT_EQ(g.FindInitializer("W"), nullptr);
  ASSERT_EQ(g.nodes.size(), 3u);
  EXPECT_EQ(g.nodes[0].op_type, "DequantizeLinear");
  EXPECT_EQ(*g.nodes[0].FindAttribute("axis")->i, 1);  // per-axis on the kept channel
  EXPECT_EQ(g.nodes[1].inputs[1], "W_dequantized");
  EXPECT_EQ(g.nodes[2].inputs[1], "W_dequantized");
}

TEST(WeightFormatWriter, MatMulNBitsKeepsWeightForOtherConsumers) {
  std::vector<float> placeholder(1024, 0.5f);
  LayerModel m = BuildLayer(Layer::kMatMul, DType::kFloat, &placeholder, 21);
  m.model.graph->nodes.push_back(Node("MatMul", "second", {"x", "W"}, {"y2"}));
  const HandWeight hand =
      MakeHandWeight(WeightMode::kInt4Asym, m.compressed_shape, 0, 16, DType::kFloat, 3);
  ApplyWeightEdit(m.model, m.site,
                  MakeWeightEdit(hand.compressed, m.site, WeightFormat::kMatMulNBits, {}));
  const ir::Graph& g = *m.model.graph;
  ASSERT_NE(g.FindInitializer("W"), nullptr);
  EXPECT_EQ(g.nodes[0].op_type, "MatMulNBits");
  EXPECT_EQ(g.nodes[0].name, "layer_compressed_matmul");
  EXPECT_EQ(g.nodes[0].inputs[0], "x");
  EXPECT_EQ(g.nodes[0].outputs[0], "y");
  EXPECT_EQ(m.model.OpsetFor("com.microsoft"), 1);
  // 4 blocks of 4 bits per row: 2 packed bytes per column.
  EXPECT_EQ(g.FindInitializer("W_zero_point")->NumElements(), 8 * 2);
  EXPECT_EQ(g.FindInitializer("W_quantized")->dims, (std::vector<int64_t>{8, 4, 8}));
}

TEST(WeightFormatWriter, RefusesWhatAFormatCannotHold) {
  std::vector<float> placeholder(1024, 0.0f);
  std::string message;
  LayerModel gather = BuildLayer(Layer::kGather, DType::kFloat, &placeholder, 21);
  const HandWeight g4 =
      MakeHandWeight(WeightMode::kInt4Sym, gather.compressed_shape, 1, 16, DType::kFloat, 3);
  EXPECT_EQ(
      CodeOf([&] { MakeWeightEdit(g4.compressed, gather.site, WeightFormat::kMatMulNBits, {}); },
             &message),
      ErrorCode::kUnsupported);
  EXPECT_NE(message.find("'W'"), std::string::npos) << message;

  LayerModel mm = BuildLayer(Layer::kMatMul, DType::kFloat, &placeholder, 21);
  const HandWeight nf4 =
      MakeHandWeight(WeightMode::kNf4, mm.compressed_shape, 0, 16, DType::kFloat, 3);
  EXPECT_EQ(CodeOf([&] { MakeWeightEdit(nf4.compressed, mm.site, WeightFormat::kMatMulNBits, {}); },
                   &message),
            ErrorCode::kUnsupported);
  EXPECT_NE(message.find("NF4"), std::string::npos) << message;
  EXPECT_EQ(
      CodeOf([&] { MakeWeightEdit(nf4.compressed, mm.site, WeightFormat::kFakeQuantize, {}); },
             &message),
      ErrorCode::kUnsupported);
  EXPECT_EQ(CodeOf(
                [&] {
                  MakeWeightEdit(nf4.compressed, mm.site, WeightFormat::kDequantizeLinearFloat4,
                                 {});
                },
                &message),
            ErrorCode::kUnsupported);
  const HandWeight g8 =
      MakeHandWeight(WeightMode::kInt4Sym, mm.compressed_shape, 0, 8, DType::kFloat, 3);
  EXPECT_EQ(CodeOf([&] { MakeWeightEdit(g8.compressed, mm.site, WeightFormat::kMatMulNBits, {}); },
                   &message),
            ErrorCode::kUnsupported);
  EXPECT_NE(message.find("power of two"), std::string::npos) << message;

  // Inconsistent compressed weights are refused before anything is laid out.
  HandWeight broken = g4;
  broken.compressed.codes.pop_back();
  EXPECT_EQ(CodeOf(
                [&] {
                  MakeWeightEdit(broken.compressed, gather.site, WeightFormat::kDequantizeLinear,
                                 {});
                },
                &message),
            ErrorCode::kInvalidArgument);
}

TEST(WeightFormatWriter, OldOpsetIsAVersionMismatchAndLeavesTheModel) {
  std::vector<float> placeholder(1024, 0.0f);
  LayerModel m = BuildLayer(Layer::kMatMul, DType::kFloat, &placeholder, 17);
  const HandWeight hand =
      MakeHandWeight(WeightMode::kInt4Asym, m.compressed_shape, 0, 16, DType::kFloat, 3);
  const ir::Model before = m.model;
  std::string message;
  EXPECT_EQ(CodeOf(
                [&] {
                  ApplyWeightEdit(
                      m.model, m.site,
                      MakeWeightEdit(hand.compressed, m.site, WeightFormat::kDequantizeLinear, {}));
                },
                &message),
            ErrorCode::kVersionMismatch);
  EXPECT_NE(message.find("21"), std::string::npos) << message;
  EXPECT_EQ(onnx::SaveModelBytes(m.model), onnx::SaveModelBytes(before));
  // int8 per-axis needs only opset 13.
  const HandWeight int8 =
      MakeHandWeight(WeightMode::kInt8Asym, m.compressed_shape, 0, -1, DType::kFloat, 3);
  ApplyWeightEdit(m.model, m.site,
                  MakeWeightEdit(int8.compressed, m.site, WeightFormat::kDequantizeLinear, {}));
  EXPECT_EQ(m.model.DefaultOpset(), 17);
}

TEST(WeightFormatWriter, NameClashIsAnError) {
  std::vector<float> placeholder(1024, 0.0f);
  LayerModel m = BuildLayer(Layer::kMatMul, DType::kFloat, &placeholder, 21);
  m.model.graph->initializers.push_back(Floats("W_scale", DType::kFloat, {1}, {1.0f}));
  const HandWeight hand =
      MakeHandWeight(WeightMode::kInt8Asym, m.compressed_shape, 0, -1, DType::kFloat, 3);
  std::string message;
  EXPECT_EQ(CodeOf(
                [&] {
                  ApplyWeightEdit(
                      m.model, m.site,
                      MakeWeightEdit(hand.compressed, m.site, WeightFormat::kDequantizeLinear, {}));
                },
                &message),
            ErrorCode::kInvalidModel);
  EXPECT_NE(message.find("W_scale"), std::string::npos) << message;
}

}  // namespace
}  // namespace nncf::algorithms::wc
