// Strip round trips: FQ / FQ_LORA models written by the weight format writer (from hand-made
// compressed weights), and plain Q/DQ models, stripped to NATIVE, DQ and IN_PLACE.
#include "algorithms/strip/strip.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "algorithms/weight_compression/weight_format_writer.h"
#include "core/exec/executor.h"
#include "core/ir/dtype.h"

namespace nncf::algorithms {
namespace {

using ir::DType;
using wc::CompressedWeight;
using wc::WeightMode;

ir::Tensor Floats(const std::string& name, std::vector<int64_t> dims,
                  const std::vector<float>& values) {
  return ir::Tensor::FromBytes(name, DType::kFloat, std::move(dims), values.data(),
                               values.size() * sizeof(float));
}

ir::ValueInfo Value(const std::string& name, std::vector<int64_t> dims) {
  ir::ValueInfo info;
  info.name = name;
  info.type = ir::Type::MakeTensor(DType::kFloat, dims);
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

// W [K=64, N=8] for MatMul: codes and scales chosen here; the float weight sits within a third of
// a quantum of the grid, so fake quantization returns exactly the dequantized values.
struct Hand {
  CompressedWeight compressed;
  std::vector<float> dequantized, original;
};

Hand MakeHand(WeightMode mode, int64_t group_size) {
  Hand h;
  CompressedWeight& w = h.compressed;
  w.mode = mode;
  w.shape = {64, 8};
  w.reduction_axis = 0;
  w.group_size = group_size;
  w.scale_shape = {64 / group_size, 8};
  const bool asym = mode == WeightMode::kInt4Asym || mode == WeightMode::kInt8Asym;
  const int bits = mode == WeightMode::kInt8Asym || mode == WeightMode::kInt8Sym ? 8 : 4;
  uint32_t state = 99;
  auto next = [&] { return state = state * 1664525u + 1013904223u; };
  for (int64_t g = 0; g < 64 / group_size * 8; ++g) {
    float s = 0.01f + 0.001f * static_cast<float>(next() % 40);
    if (!asym && next() % 2) s = -s;
    w.scales.push_back(s);
    if (asym) w.zero_points.push_back(static_cast<uint8_t>(next() % (1u << bits)));
  }
  for (int64_t k = 0; k < 64; ++k) {
    for (int64_t n = 0; n < 8; ++n) {
      const int64_t g = (k / group_size) * 8 + n;
      int q;
      if (asym) {
        q = static_cast<int>(next() % (1u << bits));
        w.codes.push_back(static_cast<uint8_t>(q));
        q -= w.zero_points[g];
      } else {
        q = static_cast<int>(next() % (1u << bits)) - (1 << (bits - 1));
        w.codes.push_back(static_cast<uint8_t>(static_cast<int8_t>(q)));
      }
      const float value = static_cast<float>(q) * w.scales[g];
      const float noise = (static_cast<float>(next() % 1000) / 1000.0f - 0.5f) * 0.6f;
      h.dequantized.push_back(value);
      h.original.push_back(value + noise * std::fabs(w.scales[g]));
    }
  }
  return h;
}

ir::Model MatMulModel(const std::vector<float>& weight, int64_t opset) {
  ir::Model model;
  model.ir_version = 10;
  model.SetOpset("", opset);
  ir::Graph g;
  g.name = "fq";
  g.inputs.push_back(Value("x", {3, 64}));
  g.initializers.push_back(Floats("W", {64, 8}, weight));
  g.nodes.push_back(Node("Relu", "pre", {"x"}, {"x_relu"}));
  g.nodes.push_back(Node("MatMul", "layer", {"x_relu", "W"}, {"y"}));
  g.outputs.push_back(Value("y", {3, 8}));
  model.graph = std::move(g);
  return model;
}

ir::Model FqModel(const Hand& hand, wc::WeightFormat format) {
  ir::Model model = MatMulModel(hand.original, 21);
  wc::WeightSite site;
  site.weight_name = "W";
  site.consumer_node = "layer";
  site.consumer_op = "MatMul";
  wc::FormatOptions options;
  options.lora_rank = 4;
  wc::ApplyWeightEdit(model, site, wc::MakeWeightEdit(hand.compressed, site, format, options));
  return model;
}

ir::Tensor Infer(const ir::Model& model, const std::vector<std::string>& outputs = {}) {
  exec::ExecutorOptions options;
  options.outputs = outputs;
  exec::Executor executor(std::make_shared<const ir::Model>(model), options);
  std::vector<float> x(3 * 64);
  for (size_t i = 0; i < x.size(); ++i) x[i] = std::sin(static_cast<float>(i) * 0.37f);
  return executor.Run({{"x", Floats("x", {3, 64}, x)}}).at(0).second;
}

void ExpectSame(const ir::Tensor& a, const ir::Tensor& b, double tol, const std::string& what) {
  ASSERT_EQ(a.dims, b.dims) << what;
  for (int64_t i = 0; i < a.NumElements(); ++i) {
    ASSERT_NEAR(a.GetAsDouble(i), b.GetAsDouble(i), tol) << what << " element " << i;
  }
}

int Count(const ir::Model& model, const std::string& op) {
  int n = 0;
  for (const ir::Node& node : model.graph->nodes) n += node.op_type == op;
  return n;
}

struct StripCase {
  WeightMode mode;
  int64_t group_size;
  wc::WeightFormat format;
};

class StripRoundTrip : public ::testing::TestWithParam<StripCase> {};

TEST_P(StripRoundTrip, InPlaceBakesTheFakeQuantizedWeight) {
  const StripCase& c = GetParam();
  const Hand hand = MakeHand(c.mode, c.group_size);
  const ir::Model fq = FqModel(hand, c.format);
  const ir::Tensor fq_weight = Infer(fq, {"W_fq_dequantized"});
  const ir::Model stripped = Strip(fq, StripFormat::kInPlace);
  ASSERT_EQ(stripped.graph->nodes.size(), 2u);  // Relu and MatMul
  const std::string weight = stripped.graph->nodes[1].inputs[1];
  const ir::Tensor* baked = stripped.graph->FindInitializer(weight);
  ASSERT_NE(baked, nullptr);
  EXPECT_EQ(baked->dims, fq_weight.dims);
  EXPECT_EQ(0, std::memcmp(baked->bytes(), fq_weight.bytes(), fq_weight.ByteSize()));
  // Without adapters the fake-quantized weight is exactly the dequantized grid.
  if (c.format == wc::WeightFormat::kFakeQuantize) {
    for (size_t i = 0; i < hand.dequantized.size(); ++i) {
      ASSERT_EQ(baked->DataAs<float>()[i], hand.dequantized[i]) << i;
    }
  }
  EXPECT_EQ(stripped.graph->initializers.size(), 1u);  // only the baked weight is left
  ExpectSame(Infer(stripped), Infer(fq), 1e-6, "IN_PLACE");
}

TEST_P(StripRoundTrip, NativeGivesQdqWithTheSameOutputs) {
  const StripCase& c = GetParam();
  const ir::Model fq = FqModel(MakeHand(c.mode, c.group_size), c.format);
  const ir::Model stripped = Strip(fq, StripFormat::kNative);
  EXPECT_EQ(Count(stripped, "QuantizeLinear"), 1);
  EXPECT_EQ(Count(stripped, "DequantizeLinear"), 1);
  EXPECT_EQ(Count(stripped, "Round"), 0);
  EXPECT_EQ(Count(stripped, "Add"), 0);  // adapters merged
  ExpectSame(Infer(stripped), Infer(fq), 1e-6, "NATIVE");
}

TEST_P(StripRoundTrip, DequantizeStoresTheQuantizedWeight) {
  const StripCase& c = GetParam();
  const ir::Model fq = FqModel(MakeHand(c.mode, c.group_size), c.format);
  const ir::Model stripped = Strip(fq, StripFormat::kDequantize);
  EXPECT_EQ(Count(stripped, "QuantizeLinear"), 0);
  EXPECT_EQ(Count(stripped, "DequantizeLinear"), 1);
  const ir::Tensor* q = stripped.graph->FindInitializer("W_quantized");
  ASSERT_NE(q, nullptr);
  const bool four = c.mode == WeightMode::kInt4Asym || c.mode == WeightMode::kInt4Sym;
  EXPECT_EQ(ir::DTypeBits(q->dtype), four ? 4u : 8u);
  EXPECT_EQ(stripped.graph->FindInitializer("W"), nullptr);
  ExpectSame(Infer(stripped), Infer(fq), 1e-6, "DQ");
  if (c.format == wc::WeightFormat::kFakeQuantize) {
    // The codes are the hand-made ones.
    const CompressedWeight cw = MakeHand(c.mode, c.group_size).compressed;
    for (int64_t i = 0; i < q->NumElements(); ++i) {
      const int64_t code = static_cast<int64_t>(q->GetAsDouble(i));
      ASSERT_EQ(static_cast<uint8_t>(code & (four ? 0x0F : 0xFF)),
                cw.codes[i] & (four ? 0x0F : 0xFF))
          << i;
    }
  }
}

std::string StripCaseName(const ::testing::TestParamInfo<StripCase>& info) {
  static const char* kModes[] = {"int8_sym", "int8_asym", "int4_sym", "int4_asym"};
  return std::string(kModes[static_cast<int>(info.param.mode)]) + "_g" +
         std::to_string(info.param.group_size) +
         (info.param.format == wc::WeightFormat::kFakeQuantizeLora ? "_lora" : "");
}

INSTANTIATE_TEST_SUITE_P(
    Modes, StripRoundTrip,
    ::testing::Values(StripCase{WeightMode::kInt4Asym, 16, wc::WeightFormat::kFakeQuantize},
                      StripCase{WeightMode::kInt4Sym, 32, wc::WeightFormat::kFakeQuantize},
                      StripCase{WeightMode::kInt8Asym, 64, wc::WeightFormat::kFakeQuantize},
                      StripCase{WeightMode::kInt8Sym, 64, wc::WeightFormat::kFakeQuantize},
                      StripCase{WeightMode::kInt4Asym, 16, wc::WeightFormat::kFakeQuantizeLora},
                      StripCase{WeightMode::kInt8Sym, 64, wc::WeightFormat::kFakeQuantizeLora}),
    StripCaseName);

// A Q/DQ model in general: float weight -> QuantizeLinear -> DequantizeLinear -> MatMul, with an
// activation Q/DQ pair that must survive.
ir::Model QdqModel() {
  std::vector<float> weight(64 * 8);
  for (size_t i = 0; i < weight.size(); ++i) weight[i] = std::cos(static_cast<float>(i) * 0.11f);
  ir::Model model = MatMulModel(weight, 13);
  ir::Graph& g = *model.graph;
  g.initializers.push_back(Floats("w_scale", {8}, std::vector<float>(8, 0.01f)));
  g.initializers.push_back(ir::Tensor::Zeros("w_zp", DType::kInt8, {8}));
  g.initializers.push_back(Floats("a_scale", {}, {0.02f}));
  g.initializers.push_back(ir::Tensor::Zeros("a_zp", DType::kUint8, {}));
  g.nodes = {Node("Relu", "pre", {"x"}, {"x_relu"}),
             Node("QuantizeLinear", "aq", {"x_relu", "a_scale", "a_zp"}, {"x_q"}),
             Node("DequantizeLinear", "adq", {"x_q", "a_scale", "a_zp"}, {"x_dq"}),
             Node("QuantizeLinear", "wq", {"W", "w_scale", "w_zp"}, {"W_q"},
                  {ir::Attribute::Int("axis", 1)}),
             Node("DequantizeLinear", "wdq", {"W_q", "w_scale", "w_zp"}, {"W_dq"},
                  {ir::Attribute::Int("axis", 1)}),
             Node("MatMul", "layer", {"x_dq", "W_dq"}, {"y"})};
  return model;
}

TEST(Strip, InPlaceOnAQdqModelBakesOnlyTheWeight) {
  const ir::Model qdq = QdqModel();
  const ir::Model stripped = Strip(qdq, StripFormat::kInPlace);
  EXPECT_EQ(Count(stripped, "QuantizeLinear"), 1);  // the activation pair stays
  EXPECT_EQ(Count(stripped, "DequantizeLinear"), 1);
  const ir::Tensor* w = stripped.graph->FindInitializer("W_dq");
  ASSERT_NE(w, nullptr);
  EXPECT_EQ(w->dtype, DType::kFloat);
  EXPECT_EQ(stripped.graph->FindInitializer("W"), nullptr);
  ExpectSame(Infer(stripped), Infer(qdq), 1e-6, "IN_PLACE Q/DQ");
  // The input is untouched.
  EXPECT_EQ(Count(qdq, "QuantizeLinear"), 2);
}

TEST(Strip, DequantizeOnAQdqModelFoldsTheWeightQuantizer) {
  const ir::Model qdq = QdqModel();
  const ir::Model stripped = Strip(qdq, StripFormat::kDequantize);
  EXPECT_EQ(Count(stripped, "QuantizeLinear"), 1);
  EXPECT_EQ(Count(stripped, "DequantizeLinear"), 2);
  const ir::Tensor* q = stripped.graph->FindInitializer("W_q");
  ASSERT_NE(q, nullptr);
  EXPECT_EQ(q->dtype, DType::kInt8);
  EXPECT_EQ(stripped.graph->FindInitializer("W"), nullptr);
  ExpectSame(Infer(stripped), Infer(qdq), 1e-6, "DQ Q/DQ");
}

TEST(Strip, InPlaceDecodesEveryDqFormat) {
  for (WeightMode mode : {WeightMode::kInt4Asym, WeightMode::kInt8Sym}) {
    const Hand hand = MakeHand(mode, mode == WeightMode::kInt8Sym ? 64 : 16);
    ir::Model dq = MatMulModel(hand.original, 21);
    wc::WeightSite site;
    site.weight_name = "W";
    site.consumer_node = "layer";
    site.consumer_op = "MatMul";
    wc::ApplyWeightEdit(
        dq, site,
        wc::MakeWeightEdit(hand.compressed, site, wc::WeightFormat::kDequantizeLinear, {}));
    const ir::Model stripped = Strip(dq, StripFormat::kInPlace);
    ASSERT_EQ(stripped.graph->nodes.size(), 2u);
    const ir::Tensor* w = stripped.graph->FindInitializer(stripped.graph->nodes[1].inputs[1]);
    ASSERT_NE(w, nullptr);
    for (size_t i = 0; i < hand.dequantized.size(); ++i) {
      ASSERT_EQ(w->DataAs<float>()[i], hand.dequantized[i]) << i;
    }
  }
}

TEST(Strip, ModelWithoutQuantizersIsUnchanged) {
  std::vector<float> weight(64 * 8, 0.25f);
  const ir::Model plain = MatMulModel(weight, 17);
  for (StripFormat f : {StripFormat::kNative, StripFormat::kDequantize, StripFormat::kInPlace}) {
    const ir::Model stripped = Strip(plain, f);
    EXPECT_EQ(stripped.graph->nodes.size(), 2u);
    EXPECT_EQ(stripped.graph->initializers.size(), 1u);
  }
}

}  // namespace
}  // namespace nncf::algorithms
