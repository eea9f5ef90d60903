// Q/DQ insertion and weight folding: NNCF's names and wiring, element types, opset handling, and
// what the inserted forms compute (run through our executor, against hand-computed fake
// quantization).
#include "algorithms/quantization/qdq_insertion.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "core/common/error.h"
#include "core/exec/executor.h"
#include "core/ir/dtype.h"
#include "model_builder.h"
#include "onnx/model_validation.h"

namespace nncf::algorithms::quantization {
namespace {

using ir::DType;
using testing::ModelBuilder;

// Specs must outlive the PlacedQuantizer that points at them.
class Quantizers {
 public:
  Quantizers& Add(InsertionKind kind, const std::string& tensor, const std::string& node, int port,
                  DType dtype, std::vector<float> scale, std::vector<int32_t> zero_point,
                  bool per_channel = false, int64_t axis = 0) {
    QuantizerSpec& spec = specs_.emplace_back();
    spec.id = static_cast<int>(specs_.size()) - 1;
    spec.point = {kind, tensor, node, port};
    spec.config.per_channel = per_channel;
    spec.is_weight = kind == InsertionKind::kWeight;
    spec.axis = axis;
    PlacedQuantizer placed;
    placed.spec = &spec;
    placed.params.dtype = dtype;
    placed.params.scale = std::move(scale);
    placed.params.zero_point = std::move(zero_point);
    placed_.push_back(std::move(placed));
    return *this;
  }
  const std::vector<PlacedQuantizer>& get() const { return placed_; }

 private:
  std::deque<QuantizerSpec> specs_;
  std::vector<PlacedQuantizer> placed_;
};

// x[1,4] -> Relu -> r; y = MatMul(r, W[4,3]); z = Add(r, b).
ModelBuilder BranchModel(int64_t opset = 13, int64_t ir_version = 8) {
  ModelBuilder b(opset, ir_version);
  b.Input("x", {1, 4}).Output("y", {1, 3}).Output("z", {1, 4});
  b.Floats("W", {4, 3}, {1, 0, 0, 0, 1, 0, 0, 0, 1, 1, 1, 1});
  b.Floats("b", {4}, {1, 2, 3, 4});
  b.Node("Relu", {"x"}, {"r"}, {}, "relu");
  b.Node("MatMul", {"r", "W"}, {"y"}, {}, "matmul");
  b.Node("Add", {"r", "b"}, {"z"}, {}, "add");
  return b;
}

std::vector<std::string> NodeNames(const ir::Model& m) {
  std::vector<std::string> names;
  for (const ir::Node& n : m.graph->nodes) names.push_back(n.name);
  return names;
}

const ir::Node& NodeNamed(const ir::Model& m, const std::string& name) {
  for (const ir::Node& n : m.graph->nodes) {
    if (n.name == name) return n;
  }
  ADD_FAILURE() << "no node " << name;
  static const ir::Node kNone;
  return kNone;
}

ir::Tensor Floats(const std::string& name, std::vector<int64_t> dims, std::vector<float> v) {
  return ir::Tensor::FromBytes(name, DType::kFloat, std::move(dims), v.data(),
                               v.size() * sizeof(float));
}

// Every model the tests run is first checked (ONNX's checker where it applies, ours past it).
exec::NamedTensors Execute(const ir::Model& model, const exec::NamedTensors& feeds) {
  onnx::ValidateModel(model);
  exec::ExecutorOptions options;
  options.num_threads = 1;
  exec::Executor executor(std::make_shared<const ir::Model>(model), options);
  return executor.Run(feeds);
}

std::vector<double> Values(const ir::Tensor& t) {
  std::vector<double> v;
  for (int64_t i = 0; i < t.NumElements(); ++i) v.push_back(t.GetAsDouble(i));
  return v;
}

std::vector<uint8_t> Bytes(const ir::Tensor& t) {
  return std::vector<uint8_t>(t.bytes(), t.bytes() + t.ByteSize());
}

template <typename F>
ErrorCode CodeOf(F&& f, std::string* message = nullptr) {
  try {
    f();
  } catch (const Error& e) {
    if (message) *message = e.what();
    return e.code();
  }
  return ErrorCode::kOk;
}

// x = [-1, 0.375, 0.625, 2]: relu gives [0, 0.375, 0.625, 2]. With scale 0.25 and uint8 zero point
// 250: 0.375/0.25 = 1.5 and 0.625/0.25 = 2.5 both round to 2 (half to even), 2/0.25 + 250 = 258
// saturates at 255, so r becomes [0, 0.5, 0.5, 1.25].
const exec::NamedTensors kFeedX = {{"x", Floats("x", {1, 4}, {-1.0f, 0.375f, 0.625f, 2.0f})}};

TEST(QdqInsertionTest, PostLayerRewiresEveryConsumerWithNncfNames) {
  const ir::Model model = BranchModel().Build();
  Quantizers q;
  q.Add(InsertionKind::kPostLayer, "r", "relu", 0, DType::kUint8, {0.25f}, {250});
  const ir::Model out = InsertQuantizers(model, q.get(), false);

  EXPECT_EQ(NodeNames(out), (std::vector<std::string>{"relu", "QuantizeLinear_r_1",
                                                      "DequantizeLinear_r_1", "matmul", "add"}));
  const ir::Node& quantize = NodeNamed(out, "QuantizeLinear_r_1");
  EXPECT_EQ(quantize.op_type, "QuantizeLinear");
  EXPECT_EQ(quantize.inputs, (std::vector<std::string>{"r", "scale_r_1", "zero_point_r_1"}));
  EXPECT_EQ(quantize.outputs, std::vector<std::string>{"q_output_r_1"});
  EXPECT_TRUE(quantize.attributes.empty());  // no axis per tensor
  const ir::Node& dequantize = NodeNamed(out, "DequantizeLinear_r_1");
  EXPECT_EQ(dequantize.op_type, "DequantizeLinear");
  EXPECT_EQ(dequantize.inputs,
            (std::vector<std::string>{"q_output_r_1", "scale_r_1", "zero_point_r_1"}));
  EXPECT_EQ(dequantize.outputs, std::vector<std::string>{"dq_output_r_1"});
  EXPECT_EQ(NodeNamed(out, "matmul").inputs, (std::vector<std::string>{"dq_output_r_1", "W"}));
  EXPECT_EQ(NodeNamed(out, "add").inputs, (std::vector<std::string>{"dq_output_r_1", "b"}));

  const ir::Tensor* scale = out.graph->FindInitializer("scale_r_1");
  ASSERT_NE(scale, nullptr);
  EXPECT_EQ(scale->dtype, DType::kFloat);
  EXPECT_TRUE(scale->dims.empty());
  EXPECT_EQ(scale->GetAsDouble(0), 0.25);
  const ir::Tensor* zp = out.graph->FindInitializer("zero_point_r_1");
  ASSERT_NE(zp, nullptr);
  EXPECT_EQ(zp->dtype, DType::kUint8);
  EXPECT_TRUE(zp->dims.empty());
  EXPECT_EQ(zp->GetAsDouble(0), 250.0);
  // Everything else stays: W and b first, then the new pair's tensors.
  ASSERT_EQ(out.graph->initializers.size(), 4u);
  EXPECT_EQ(out.graph->initializers[0].name, "W");
  EXPECT_EQ(out.graph->initializers[1].name, "b");
  EXPECT_EQ(out.DefaultOpset(), 13);
  EXPECT_EQ(out.ir_version, 8);
  // The input model is untouched.
  EXPECT_EQ(NodeNames(model), (std::vector<std::string>{"relu", "matmul", "add"}));

  // fq(r) = [0, 0.5, 0.5, 1.25]; y = [fq0+fq3, fq1+fq3, fq2+fq3]; z = fq + [1, 2, 3, 4].
  const exec::NamedTensors result = Execute(out, kFeedX);
  EXPECT_EQ(Values(result[0].second), (std::vector<double>{1.25, 1.75, 1.75}));
  EXPECT_EQ(Values(result[1].second), (std::vector<double>{1.0, 2.5, 3.5, 5.25}));
}

TEST(QdqInsertionTest, PreLayerRewiresOnlyItsInput) {
  Quantizers q;
  q.Add(InsertionKind::kPreLayer, "r", "matmul", 0, DType::kUint8, {0.25f}, {250});
  const ir::Model out = InsertQuantizers(BranchModel().Build(), q.get(), false);
  EXPECT_EQ(NodeNames(out), (std::vector<std::string>{"relu", "QuantizeLinear_r_1",
                                                      "DequantizeLinear_r_1", "matmul", "add"}));
  EXPECT_EQ(NodeNamed(out, "matmul").inputs, (std::vector<std::string>{"dq_output_r_1", "W"}));
  EXPECT_EQ(NodeNamed(out, "add").inputs, (std::vector<std::string>{"r", "b"}));
  const exec::NamedTensors result = Execute(out, kFeedX);
  EXPECT_EQ(Values(result[0].second), (std::vector<double>{1.25, 1.75, 1.75}));
  EXPECT_EQ(Values(result[1].second), (std::vector<double>{1.0, 2.375, 3.625, 6.0}));
}

TEST(QdqInsertionTest, ModelInputQuantizerGoesBeforeItsFirstConsumer) {
  Quantizers q;
  q.Add(InsertionKind::kModelInput, "x", "", 0, DType::kInt8, {0.5f}, {0});
  const ir::Model out = InsertQuantizers(BranchModel().Build(), q.get(), false);
  EXPECT_EQ(NodeNames(out), (std::vector<std::string>{"QuantizeLinear_x_1", "DequantizeLinear_x_1",
                                                      "relu", "matmul", "add"}));
  EXPECT_EQ(NodeNamed(out, "relu").inputs, std::vector<std::string>{"dq_output_x_1"});
  EXPECT_EQ(out.graph->FindInitializer("zero_point_x_1")->dtype, DType::kInt8);
  // x/0.5 = [-2, 0.75, 1.25, 4] -> [-2, 1, 1, 4] -> fq(x) = [-1, 0.5, 0.5, 2]; relu -> [0, .5, .5,
  // 2].
  const exec::NamedTensors result = Execute(out, kFeedX);
  EXPECT_EQ(Values(result[0].second), (std::vector<double>{2.0, 2.5, 2.5}));
  EXPECT_EQ(Values(result[1].second), (std::vector<double>{1.0, 2.5, 3.5, 6.0}));
}

TEST(QdqInsertionTest, TwoQuantizersOnOneTensorCountUp) {
  Quantizers q;
  q.Add(InsertionKind::kPreLayer, "r", "matmul", 0, DType::kUint8, {0.25f}, {250});
  q.Add(InsertionKind::kPreLayer, "r", "add", 0, DType::kUint8, {0.5f}, {0});
  const ir::Model out = InsertQuantizers(BranchModel().Build(), q.get(), false);
  // Both pairs go before the value's first consumer (matmul), the second after the first.
  EXPECT_EQ(NodeNames(out), (std::vector<std::string>{"relu", "QuantizeLinear_r_1",
                                                      "DequantizeLinear_r_1", "QuantizeLinear_r_2",
                                                      "DequantizeLinear_r_2", "matmul", "add"}));
  EXPECT_EQ(NodeNamed(out, "QuantizeLinear_r_2").inputs,
            (std::vector<std::string>{"r", "scale_r_2", "zero_point_r_2"}));
  EXPECT_EQ(NodeNamed(out, "matmul").inputs, (std::vector<std::string>{"dq_output_r_1", "W"}));
  EXPECT_EQ(NodeNamed(out, "add").inputs, (std::vector<std::string>{"dq_output_r_2", "b"}));
  // Add's quantizer: r/0.5 = [0, 0.75, 1.25, 4] -> [0, 1, 1, 4] -> [0, 0.5, 0.5, 2].
  const exec::NamedTensors result = Execute(out, kFeedX);
  EXPECT_EQ(Values(result[0].second), (std::vector<double>{1.25, 1.75, 1.75}));
  EXPECT_EQ(Values(result[1].second), (std::vector<double>{1.0, 2.5, 3.5, 6.0}));
}

TEST(QdqInsertionTest, SecondQuantizerOnTheSameInputIsRefused) {
  Quantizers q;
  q.Add(InsertionKind::kPreLayer, "r", "matmul", 0, DType::kUint8, {0.25f}, {0});
  q.Add(InsertionKind::kPreLayer, "r", "matmul", 0, DType::kUint8, {0.5f}, {0});
  std::string message;
  EXPECT_EQ(CodeOf([&] { InsertQuantizers(BranchModel().Build(), q.get(), false); }, &message),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(message, "two quantizers are placed on input 0 of node 'matmul'");
}

TEST(QdqInsertionTest, MismatchedTensorNameIsRefused) {
  Quantizers q;
  q.Add(InsertionKind::kPreLayer, "x", "matmul", 0, DType::kUint8, {0.25f}, {0});
  std::string message;
  EXPECT_EQ(CodeOf([&] { InsertQuantizers(BranchModel().Build(), q.get(), false); }, &message),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(message, "pre-layer quantizer 0 names tensor 'x' but input 0 of node 'matmul' is 'r'");
}

// W columns have scales 0.5, 0.25 and 1; each column holds ties (x.5 after division) and values
// that saturate.
const std::vector<float> kWeights = {0.25f,  0.125f,  2.5f,   // 0.5->0, 0.5->0, 2.5->2
                                     0.75f,  -0.375f, -2.5f,  // 1.5->2, -1.5->-2, -2.5->-2
                                     100.f,  -100.f,  0.4f,   // 200, -400 saturate; 0.4->0
                                     -0.25f, 0.3f,    1.5f};  // -0.5->0, 1.2->1, 1.5->2

ModelBuilder WeightModel(int64_t opset = 13, int64_t ir_version = 8) {
  ModelBuilder b(opset, ir_version);
  b.Input("x", {1, 4}).Output("y", {1, 3});
  b.Floats("W", {4, 3}, kWeights);
  b.Node("MatMul", {"x", "W"}, {"y"}, {}, "matmul");
  return b;
}

TEST(QdqInsertionTest, PerAxisWeightIsFoldedWithTiesToEvenAndSaturation) {
  Quantizers q;
  q.Add(InsertionKind::kWeight, "W", "matmul", 1, DType::kInt8, {0.5f, 0.25f, 1.0f}, {0, 0, 0},
        /*per_channel=*/true, /*axis=*/-1);
  ir::Model out = InsertQuantizers(WeightModel().Build(), q.get(), false);
  EXPECT_EQ(NodeNames(out),
            (std::vector<std::string>{"QuantizeLinear_W_1", "DequantizeLinear_W_1", "matmul"}));
  for (const char* name : {"QuantizeLinear_W_1", "DequantizeLinear_W_1"}) {
    const ir::Node& node = NodeNamed(out, name);
    ASSERT_EQ(node.attributes.size(), 1u) << name;
    EXPECT_EQ(node.attributes[0].name, "axis");
    EXPECT_EQ(node.attributes[0].i, -1);
  }
  EXPECT_EQ(out.graph->FindInitializer("scale_W_1")->dims, std::vector<int64_t>{3});
  EXPECT_EQ(out.graph->FindInitializer("zero_point_W_1")->dims, std::vector<int64_t>{3});
  EXPECT_EQ(NodeNamed(out, "matmul").inputs, (std::vector<std::string>{"x", "dq_output_W_1"}));

  const exec::NamedTensors feeds = {{"x", Floats("x", {1, 4}, {1, 2, 3, 4})}};
  const std::vector<double> before = Values(Execute(out, feeds)[0].second);

  EXPECT_EQ(FoldWeightQuantizers(out), 1);
  EXPECT_EQ(NodeNames(out), (std::vector<std::string>{"DequantizeLinear_W_1", "matmul"}));
  EXPECT_EQ(out.graph->FindInitializer("W"), nullptr);  // nothing else read it
  const ir::Tensor* folded = out.graph->FindInitializer("q_output_W_1");
  ASSERT_NE(folded, nullptr);
  EXPECT_EQ(folded->dtype, DType::kInt8);
  EXPECT_EQ(folded->dims, (std::vector<int64_t>{4, 3}));
  EXPECT_EQ(Values(*folded), (std::vector<double>{0, 0, 2, 2, -2, -2, 127, -128, 0, 0, 1, 2}));
  // Dequantized columns: [0, 1, 63.5, 0] * 0.5... = W' =
  // [[0,0,2],[1,-.5,-2],[63.5,-32,0],[0,.25,2]]; y = [1,2,3,4] . W' = [192.5, -96 + 1 - 1, 2 - 4 +
  // 8] = [192.5, -96, 6].
  const std::vector<double> after = Values(Execute(out, feeds)[0].second);
  EXPECT_EQ(after, (std::vector<double>{192.5, -96.0, 6.0}));
  EXPECT_EQ(after, before);
}

TEST(QdqInsertionTest, Int4WeightIsPackedTwoPerByteLowNibbleFirst) {
  Quantizers q;
  q.Add(InsertionKind::kWeight, "W", "matmul", 1, DType::kInt4, {0.5f, 0.25f, 1.0f}, {0, 0, 0},
        true, 1);
  std::string reason;
  EXPECT_EQ(RequiredOpset(WeightModel().Build(), q.get(), &reason), 21);
  EXPECT_EQ(reason, "int4 QuantizeLinear on 'W'");
  ir::Model out = InsertQuantizers(WeightModel().Build(), q.get(), /*allow_opset_upgrade=*/true);
  EXPECT_EQ(out.DefaultOpset(), 21);
  EXPECT_EQ(out.ir_version, 10);
  const ir::Tensor* zp = out.graph->FindInitializer("zero_point_W_1");
  EXPECT_EQ(zp->dtype, DType::kInt4);
  EXPECT_EQ(Bytes(*zp), (std::vector<uint8_t>{0x00, 0x00}));
  const exec::NamedTensors feeds = {{"x", Floats("x", {1, 4}, {1, 2, 3, 4})}};
  const std::vector<double> before = Values(Execute(out, feeds)[0].second);

  ASSERT_EQ(FoldWeightQuantizers(out), 1);
  const ir::Tensor* folded = out.graph->FindInitializer("q_output_W_1");
  ASSERT_NE(folded, nullptr);
  EXPECT_EQ(folded->dtype, DType::kInt4);
  // Values 0,0,2, 2,-2,-2, 7,-8,0, 0,1,2 (200 and -400 saturate to 7 and -8) as nibbles.
  EXPECT_EQ(Bytes(*folded), (std::vector<uint8_t>{0x00, 0x22, 0xEE, 0x87, 0x00, 0x21}));
  // W' = [[0,0,2],[1,-.5,-2],[3.5,-2,0],[0,.25,2]]: y = [2+10.5, -1-6+1, 2-4+8] = [12.5, -6, 6].
  const std::vector<double> after = Values(Execute(out, feeds)[0].second);
  EXPECT_EQ(after, (std::vector<double>{12.5, -6.0, 6.0}));
  EXPECT_EQ(after, before);
}

TEST(QdqInsertionTest, FoldingGivesTheSameBytesOnAnyThreadCount) {
  // 256 x 320: enough rows for the folding loop to split across threads; per-axis scales on
  // axis 1 and per-tensor.
  ModelBuilder b;
  b.Input("x", {1, 256}).Output("y", {1, 320});
  b.Random("W", {256, 320}, 2.0f, 5);
  b.Node("MatMul", {"x", "W"}, {"y"}, {}, "matmul");
  std::vector<float> scales(320);
  for (size_t i = 0; i < scales.size(); ++i) scales[i] = 0.004f + 0.0001f * static_cast<float>(i);
  for (bool per_channel : {true, false}) {
    Quantizers q;
    q.Add(InsertionKind::kWeight, "W", "matmul", 1, DType::kInt8,
          per_channel ? scales : std::vector<float>{0.01f},
          std::vector<int32_t>(per_channel ? 320 : 1, 0), per_channel, 1);
    const ir::Model inserted = InsertQuantizers(b.Build(), q.get(), false);
    ir::Model one = inserted, many = inserted;
    ASSERT_EQ(FoldWeightQuantizers(one, 1), 1);
    ASSERT_EQ(FoldWeightQuantizers(many, 3), 1);
    const ir::Tensor* a = one.graph->FindInitializer("q_output_W_1");
    const ir::Tensor* c = many.graph->FindInitializer("q_output_W_1");
    ASSERT_NE(a, nullptr);
    ASSERT_NE(c, nullptr);
    EXPECT_EQ(Bytes(*a), Bytes(*c)) << (per_channel ? "per channel" : "per tensor");
    // Spot checks against the formula: round(w / scale) saturated to int8.
    const ir::Model original = b.Build();
    const ir::Tensor* w = original.graph->FindInitializer("W");
    for (int64_t i : {int64_t{0}, int64_t{321}, int64_t{256 * 320 - 1}}) {
      const float scale = per_channel ? scales[static_cast<size_t>(i % 320)] : 0.01f;
      const float expected =
          std::min(127.0f, std::max(-128.0f, std::nearbyint(w->DataAs<float>()[i] / scale)));
      EXPECT_EQ(static_cast<float>(static_cast<int8_t>(Bytes(*a)[static_cast<size_t>(i)])),
                expected)
          << i;
    }
  }
}

TEST(QdqInsertionTest, FoldingKeepsAFloatWeightThatIsStillRead) {
  // Hand-made Q/DQ on W, and W also leaves the graph through Identity.
  ModelBuilder b(13);
  b.Input("x", {1, 4}).Output("y", {1, 3}).Output("w_copy", {4, 3});
  b.Floats("W", {4, 3}, kWeights);
  b.Floats("s", {}, {0.5f});
  b.Initializer(ir::Tensor::FromBytes("zp", DType::kUint8, {}, "\x80", 1));
  b.Node("QuantizeLinear", {"W", "s", "zp"}, {"qw"}, {}, "q");
  b.Node("DequantizeLinear", {"qw", "s", "zp"}, {"dw"}, {}, "dq");
  b.Node("MatMul", {"x", "dw"}, {"y"}, {}, "matmul");
  b.Node("Identity", {"W"}, {"w_copy"}, {}, "copy");
  ir::Model model = b.Build();
  EXPECT_EQ(FoldWeightQuantizers(model), 1);
  EXPECT_EQ(NodeNames(model), (std::vector<std::string>{"dq", "matmul", "copy"}));
  EXPECT_NE(model.graph->FindInitializer("W"), nullptr);
  // uint8 with zero point 128, scale 0.5: x/0.5 rounded half to even, + 128, within [0, 255].
  EXPECT_EQ(Values(*model.graph->FindInitializer("qw")),
            (std::vector<double>{128, 128, 133, 130, 127, 123, 255, 0, 129, 128, 129, 131}));
}

TEST(QdqInsertionTest, FoldingDropsTheWeightFromGraphInputs) {
  ModelBuilder b(13);
  b.Input("x", {1, 4}).Input("W", {4, 3}).Output("y", {1, 3});
  b.Floats("W", {4, 3}, kWeights);
  b.Floats("s", {}, {1.0f});
  b.Initializer(ir::Tensor::FromBytes("zp", DType::kInt8, {}, "\x00", 1));
  b.Node("QuantizeLinear", {"W", "s", "zp"}, {"qw"}, {}, "q");
  b.Node("DequantizeLinear", {"qw", "s", "zp"}, {"dw"}, {}, "dq");
  b.Node("MatMul", {"x", "dw"}, {"y"}, {}, "matmul");
  ir::Model model = b.Build();
  EXPECT_EQ(FoldWeightQuantizers(model), 1);
  EXPECT_EQ(model.graph->FindInitializer("W"), nullptr);
  ASSERT_EQ(model.graph->inputs.size(), 1u);
  EXPECT_EQ(model.graph->inputs[0].name, "x");
  // Scale 1: 2.5 -> 2, -2.5 -> -2, 0.75 -> 1, -0.375 -> 0, 1.5 -> 2, 100 -> 100.
  EXPECT_EQ(Values(*model.graph->FindInitializer("qw")),
            (std::vector<double>{0, 0, 2, 1, 0, -2, 100, -100, 0, 0, 0, 2}));
}

TEST(QdqInsertionTest, PerAxisActivationNeedsOpset13) {
  Quantizers q;
  q.Add(InsertionKind::kPostLayer, "r", "relu", 0, DType::kUint8, {0.25f, 0.5f, 1.0f, 2.0f},
        {0, 1, 2, 3}, /*per_channel=*/true, /*axis=*/1);
  std::string message;
  EXPECT_EQ(CodeOf([&] { InsertQuantizers(BranchModel(10).Build(), q.get(), false); }, &message),
            ErrorCode::kVersionMismatch);
  EXPECT_EQ(message,
            "inserting quantizers needs opset 13 (per-axis QuantizeLinear on 'r'), model has 10; "
            "set allow_opset_upgrade");
  const ir::Model out = InsertQuantizers(BranchModel(10).Build(), q.get(), true);
  EXPECT_EQ(out.DefaultOpset(), 13);
  EXPECT_EQ(NodeNamed(out, "DequantizeLinear_r_1").attributes[0].i, 1);
  EXPECT_EQ(Values(*out.graph->FindInitializer("zero_point_r_1")),
            (std::vector<double>{0, 1, 2, 3}));
  // relu [0, .375, .625, 2] / [.25, .5, 1, 2] = [0, .75, .625, 1] -> [0, 1, 1, 1] (+zp, -zp)
  // -> fq = [0, 0.5, 1, 2]; z = fq + [1, 2, 3, 4].
  EXPECT_EQ(Values(Execute(out, kFeedX)[1].second), (std::vector<double>{1.0, 2.5, 4.0, 6.0}));
}

// x (fp16) -> Relu -> r -> Neg -> y; r has no declared type (shape inference finds it).
ModelBuilder HalfModel(DType dtype, int64_t opset) {
  ModelBuilder b(opset);
  b.Input("x", {1, 4}, dtype).Output("y", {1, 4}, dtype);
  b.Node("Relu", {"x"}, {"r"}, {}, "relu");
  b.Node("Neg", {"r"}, {"y"}, {}, "neg");
  return b;
}

ir::Tensor HalfTensor(const std::string& name, DType dtype, const std::vector<float>& values) {
  std::vector<uint16_t> bits;
  for (float v : values) {
    bits.push_back(dtype == DType::kFloat16 ? ir::FloatToHalf(v) : ir::FloatToBFloat16(v));
  }
  return ir::Tensor::FromBytes(name, dtype, {1, static_cast<int64_t>(values.size())}, bits.data(),
                               bits.size() * 2);
}

TEST(QdqInsertionTest, Float16ValuesGetFloat16ScalesAndOpset19) {
  Quantizers q;
  q.Add(InsertionKind::kPostLayer, "r", "relu", 0, DType::kUint8, {0.1f}, {0});
  std::string message;
  EXPECT_EQ(
      CodeOf([&] { InsertQuantizers(HalfModel(DType::kFloat16, 13).Build(), q.get(), false); },
             &message),
      ErrorCode::kVersionMismatch);
  EXPECT_EQ(message,
            "inserting quantizers needs opset 19 (QuantizeLinear on float16 tensor 'r'), model "
            "has 13; set allow_opset_upgrade");
  const ir::Model out = InsertQuantizers(HalfModel(DType::kFloat16, 13).Build(), q.get(), true);
  EXPECT_EQ(out.DefaultOpset(), 19);
  EXPECT_EQ(out.ir_version, 9);
  const ir::Tensor* scale = out.graph->FindInitializer("scale_r_1");
  EXPECT_EQ(scale->dtype, DType::kFloat16);
  EXPECT_EQ(Bytes(*scale), (std::vector<uint8_t>{0x66, 0x2E}));  // 0.1 in fp16 is 0x2E66
  // Scale 0.1 (fp16 0.0999755859375): relu [0, 0.375, 0.625, 2] / s = [0, 3.75, 6.25, 20.006]
  // -> [0, 4, 6, 20] -> y = -[0, 0.39990234375, 0.5998535156, 1.99951171875].
  const std::vector<double> y = Values(
      Execute(out, {{"x", HalfTensor("x", DType::kFloat16, {-1, 0.375f, 0.625f, 2})}})[0].second);
  const double s = 0.0999755859375;
  ASSERT_EQ(y.size(), 4u);
  EXPECT_EQ(y[0], 0.0);
  EXPECT_EQ(y[1],
            static_cast<double>(ir::HalfToFloat(ir::FloatToHalf(static_cast<float>(-4 * s)))));
  EXPECT_EQ(y[2],
            static_cast<double>(ir::HalfToFloat(ir::FloatToHalf(static_cast<float>(-6 * s)))));
  EXPECT_EQ(y[3],
            static_cast<double>(ir::HalfToFloat(ir::FloatToHalf(static_cast<float>(-20 * s)))));
}

TEST(QdqInsertionTest, BFloat16ValuesGetBFloat16Scales) {
  Quantizers q;
  q.Add(InsertionKind::kPostLayer, "r", "relu", 0, DType::kInt8, {0.1f}, {0});
  const ir::Model out = InsertQuantizers(HalfModel(DType::kBFloat16, 19).Build(), q.get(), false);
  const ir::Tensor* scale = out.graph->FindInitializer("scale_r_1");
  EXPECT_EQ(scale->dtype, DType::kBFloat16);
  // 0.1f = 0x3DCCCCCD; the low half 0xCCCD rounds up: 0x3DCD.
  EXPECT_EQ(Bytes(*scale), (std::vector<uint8_t>{0xCD, 0x3D}));
}

// x -> Relu -> r -> Neg -> y, float.
ModelBuilder ChainModel(int64_t opset, int64_t ir_version = 8) {
  ModelBuilder b(opset, ir_version);
  b.Input("x", {1, 4}).Output("y", {1, 4});
  b.Node("Relu", {"x"}, {"r"}, {}, "relu");
  b.Node("Neg", {"r"}, {"y"}, {}, "neg");
  return b;
}

TEST(QdqInsertionTest, Float8ZeroPointsNeedOpset19AndIr9) {
  // relu/0.5 = [0, 1.0625, 1.1875, 600]. e4m3 (3 mantissa bits): 1.0625 is halfway between 1 and
  // 1.125 -> 1 (even); 1.1875 halfway between 1.125 and 1.25 -> 1.25 (even); 600 saturates at 448.
  // e5m2 (2 bits): 1.0625 -> 1; 1.1875 -> 1.25; 600 between 512 and 640 -> 640 (nearer).
  const exec::NamedTensors feeds = {
      {"x", Floats("x", {1, 4}, {-1.0f, 0.53125f, 0.59375f, 300.0f})}};
  struct Case {
    DType dtype;
    uint8_t zero_code;
    std::vector<double> expected;
  };
  for (const Case& c : {Case{DType::kFloat8E4M3FN, 0, {-0.0, -0.5, -0.625, -224.0}},
                        Case{DType::kFloat8E5M2, 0, {-0.0, -0.5, -0.625, -320.0}}}) {
    Quantizers q;
    q.Add(InsertionKind::kPostLayer, "r", "relu", 0, c.dtype, {0.5f}, {0});
    std::string message;
    EXPECT_EQ(CodeOf([&] { InsertQuantizers(ChainModel(17).Build(), q.get(), false); }, &message),
              ErrorCode::kVersionMismatch);
    EXPECT_EQ(message, std::string("inserting quantizers needs opset 19 (") +
                           ir::DTypeName(c.dtype) +
                           " QuantizeLinear on 'r'), model has 17; set allow_opset_upgrade");
    const ir::Model out = InsertQuantizers(ChainModel(19, 8).Build(), q.get(), false);
    EXPECT_EQ(out.ir_version, 9);
    const ir::Tensor* zp = out.graph->FindInitializer("zero_point_r_1");
    EXPECT_EQ(zp->dtype, c.dtype);
    EXPECT_EQ(Bytes(*zp), std::vector<uint8_t>{c.zero_code});
    EXPECT_EQ(Values(Execute(out, feeds)[0].second), c.expected) << ir::DTypeName(c.dtype);
  }
}

TEST(QdqInsertionTest, Int16NeedsOpset21) {
  Quantizers q;
  q.Add(InsertionKind::kPostLayer, "r", "relu", 0, DType::kInt16, {0.25f}, {-3});
  std::string reason;
  EXPECT_EQ(RequiredOpset(ChainModel(13).Build(), q.get(), &reason), 21);
  EXPECT_EQ(reason, "int16 QuantizeLinear on 'r'");
  const ir::Model out = InsertQuantizers(ChainModel(13).Build(), q.get(), true);
  EXPECT_EQ(out.DefaultOpset(), 21);
  const ir::Tensor* zp = out.graph->FindInitializer("zero_point_r_1");
  EXPECT_EQ(zp->dtype, DType::kInt16);
  EXPECT_EQ(Bytes(*zp), (std::vector<uint8_t>{0xFD, 0xFF}));
  // relu/0.25 = [0, 1.5, 2.5, 8] -> [0, 2, 2, 8]; fq = [0, .5, .5, 2].
  EXPECT_EQ(Values(Execute(out, kFeedX)[0].second), (std::vector<double>{-0.0, -0.5, -0.5, -2.0}));
}

TEST(QdqInsertionTest, RequiredOpsetPerForm) {
  Quantizers per_tensor;
  per_tensor.Add(InsertionKind::kPostLayer, "r", "relu", 0, DType::kInt8, {1.0f}, {0});
  std::string reason;
  EXPECT_EQ(RequiredOpset(ChainModel(13).Build(), per_tensor.get(), &reason), 10);
  EXPECT_EQ(reason, "QuantizeLinear on 'r'");
  Quantizers mixed;
  mixed.Add(InsertionKind::kModelInput, "x", "", 0, DType::kInt8, {1.0f}, {0});
  mixed.Add(InsertionKind::kPostLayer, "r", "relu", 0, DType::kInt8, {1, 1, 1, 1}, {0, 0, 0, 0},
            true, 1);
  EXPECT_EQ(RequiredOpset(ChainModel(13).Build(), mixed.get(), &reason), 13);
  EXPECT_EQ(reason, "per-axis QuantizeLinear on 'r'");
}

TEST(QdqInsertionTest, OutputOnlyValueKeepsItsOutputName) {
  ModelBuilder b(13);
  b.Input("x", {1, 4}).Output("r", {1, 4});
  b.Node("Relu", {"x"}, {"r"}, {}, "relu");
  Quantizers q;
  q.Add(InsertionKind::kPostLayer, "r", "relu", 0, DType::kUint8, {0.25f}, {250});
  const ir::Model out = InsertQuantizers(b.Build(), q.get(), false);
  EXPECT_EQ(NodeNames(out),
            (std::vector<std::string>{"relu", "QuantizeLinear_r_1", "DequantizeLinear_r_1"}));
  EXPECT_EQ(NodeNamed(out, "relu").outputs, std::vector<std::string>{"q_input_r_1"});
  EXPECT_EQ(NodeNamed(out, "QuantizeLinear_r_1").inputs,
            (std::vector<std::string>{"q_input_r_1", "scale_r_1", "zero_point_r_1"}));
  EXPECT_EQ(NodeNamed(out, "DequantizeLinear_r_1").outputs, std::vector<std::string>{"r"});
  ASSERT_EQ(out.graph->outputs.size(), 1u);
  EXPECT_EQ(out.graph->outputs[0].name, "r");
  const exec::NamedTensors result = Execute(out, kFeedX);
  EXPECT_EQ(result[0].first, "r");
  EXPECT_EQ(Values(result[0].second), (std::vector<double>{0, 0.5, 0.5, 1.25}));
}

ir::Attribute GraphAttribute(const std::string& name, const ir::Graph& graph) {
  ir::Attribute attr;
  attr.name = name;
  attr.type = ir::AttributeType::kGraph;
  attr.g.emplace(graph);
  return attr;
}

// x -> Relu -> r; y = If(c, then: Neg(r), else: `else_branch`); r is read only in the branches.
ir::Model IfModel(const ir::Graph& else_branch) {
  ModelBuilder then_b(13);
  then_b.Output("t", {1, 4});
  then_b.Node("Neg", {"r"}, {"t"}, {}, "then_neg");
  ModelBuilder b(13);
  b.Input("x", {1, 4}).Input("c", {}, DType::kBool).Output("y", {1, 4});
  b.Node("Relu", {"x"}, {"r"}, {}, "relu");
  b.Node("If", {"c"}, {"y"},
         {GraphAttribute("then_branch", *then_b.Build().graph),
          GraphAttribute("else_branch", else_branch)},
         "if");
  return b.Build();
}

TEST(QdqInsertionTest, ConsumersInsideIfBranchesAreRewired) {
  ModelBuilder else_b(13);
  else_b.Output("e", {1, 4});
  else_b.Node("Identity", {"r"}, {"e"}, {}, "else_identity");
  Quantizers q;
  q.Add(InsertionKind::kPostLayer, "r", "relu", 0, DType::kUint8, {0.25f}, {250});
  const ir::Model out = InsertQuantizers(IfModel(*else_b.Build().graph), q.get(), false);
  EXPECT_EQ(NodeNames(out),
            (std::vector<std::string>{"relu", "QuantizeLinear_r_1", "DequantizeLinear_r_1", "if"}));
  const ir::Node& if_node = NodeNamed(out, "if");
  EXPECT_EQ(if_node.attributes[0].g.value()->nodes[0].inputs,
            std::vector<std::string>{"dq_output_r_1"});
  EXPECT_EQ(if_node.attributes[1].g.value()->nodes[0].inputs,
            std::vector<std::string>{"dq_output_r_1"});
  for (bool cond : {true, false}) {
    const uint8_t c = cond ? 1 : 0;
    exec::NamedTensors feeds = kFeedX;
    feeds.emplace_back("c", ir::Tensor::FromBytes("c", DType::kBool, {}, &c, 1));
    const std::vector<double> y = Values(Execute(out, feeds)[0].second);
    const std::vector<double> expected = cond ? std::vector<double>{-0.0, -0.5, -0.5, -1.25}
                                              : std::vector<double>{0, 0.5, 0.5, 1.25};
    EXPECT_EQ(y, expected);
  }
}

TEST(QdqInsertionTest, BranchOutputNamingTheOuterValueIsRewired) {
  // If binds branch outputs by position, so the branch may return the outer value by name.
  ModelBuilder else_b(13);
  else_b.Output("r", {1, 4});
  Quantizers q;
  q.Add(InsertionKind::kPostLayer, "r", "relu", 0, DType::kUint8, {0.25f}, {250});
  const ir::Model out = InsertQuantizers(IfModel(*else_b.Build().graph), q.get(), false);
  EXPECT_EQ(NodeNamed(out, "if").attributes[1].g.value()->outputs[0].name, "dq_output_r_1");
}

TEST(QdqInsertionTest, SharedWeightGetsOneQuantizerForAllItsReaders) {
  ModelBuilder b(13);
  b.Input("x", {1, 4}).Output("y", {1, 3}).Output("y2", {1, 3});
  b.Floats("W", {4, 3}, kWeights);
  b.Node("MatMul", {"x", "W"}, {"y"}, {}, "matmul");
  b.Node("MatMul", {"x", "W"}, {"y2"}, {}, "matmul2");
  Quantizers q;
  q.Add(InsertionKind::kWeight, "W", "matmul", 1, DType::kInt8, {0.5f, 0.25f, 1.0f}, {0, 0, 0},
        true, -1);
  ir::Model out = InsertQuantizers(b.Build(), q.get(), false);
  EXPECT_EQ(NodeNamed(out, "matmul").inputs, (std::vector<std::string>{"x", "dq_output_W_1"}));
  EXPECT_EQ(NodeNamed(out, "matmul2").inputs, (std::vector<std::string>{"x", "dq_output_W_1"}));
  EXPECT_EQ(FoldWeightQuantizers(out), 1);
  EXPECT_EQ(out.graph->FindInitializer("W"), nullptr);
}

TEST(QdqInsertionTest, NameClashIsRefused) {
  ModelBuilder b = ChainModel(13);
  b.Floats("scale_r_1", {}, {1.0f});
  Quantizers q;
  q.Add(InsertionKind::kPostLayer, "r", "relu", 0, DType::kInt8, {1.0f}, {0});
  std::string message;
  EXPECT_EQ(CodeOf([&] { InsertQuantizers(b.Build(), q.get(), false); }, &message),
            ErrorCode::kInvalidModel);
  EXPECT_EQ(message,
            "cannot insert 'scale_r_1': the model already has a node or value of that name");
}

TEST(QdqInsertionTest, BadZeroPointsAreRefused) {
  Quantizers q;
  q.Add(InsertionKind::kPostLayer, "r", "relu", 0, DType::kInt4, {1.0f}, {8});
  std::string message;
  EXPECT_EQ(CodeOf([&] { InsertQuantizers(ChainModel(21).Build(), q.get(), false); }, &message),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(message, "quantizer on 'r' has zero point 8, outside int4");
}

}  // namespace
}  // namespace nncf::algorithms::quantization
