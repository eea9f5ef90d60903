// Opset conversion (ONNX's converter up to 17, our adapters 17..23) and shape inference.
#include <gtest/gtest.h>

#include <cstring>
#include <functional>
#include <string>
#include <vector>

#include "core/common/error.h"
#include "core/ir/model.h"
#include "onnx/model_validation.h"
#include "onnx/opset_conversion.h"

namespace {

using nncf::Error;
using nncf::ErrorCode;
using nncf::ir::Attribute;
using nncf::ir::DType;
using nncf::ir::Graph;
using nncf::ir::Model;
using nncf::ir::Node;
using nncf::ir::Tensor;
using nncf::ir::ValueInfo;
using nncf::onnx::ConvertOpset;
using nncf::onnx::InferShapes;
using nncf::onnx::ValidateModel;

ValueInfo Value(const std::string& name, DType dtype, const std::vector<int64_t>& dims) {
  ValueInfo value;
  value.name = name;
  nncf::ir::Type type;
  type.kind = nncf::ir::Type::Kind::kTensor;
  type.elem_type = static_cast<int32_t>(dtype);
  type.elem_type_set = true;
  nncf::ir::Shape shape;
  for (int64_t d : dims) {
    nncf::ir::Dim dim;
    dim.value = d;
    shape.dims.push_back(dim);
  }
  type.shape = shape;
  value.type = type;
  return value;
}

Node MakeNode(const std::string& op, std::vector<std::string> inputs,
              std::vector<std::string> outputs, const std::string& name = "") {
  Node node;
  node.op_type = op;
  node.name = name;
  node.inputs = std::move(inputs);
  node.outputs = std::move(outputs);
  return node;
}

Model EmptyModel(int64_t opset, int64_t ir_version) {
  Model model;
  model.ir_version = ir_version;
  model.SetOpset("", opset);
  model.graph.emplace();
  model.graph->name = "g";
  return model;
}

// X[1,16,8,8] -> Conv(W, pads 1) -> Relu -> ReduceMean(axes [2,3]) -> Y. Intermediate values have
// no value_info and Y has no dims.
Model ConvReduceModel(int64_t opset = 13, int64_t ir_version = 8) {
  Model model = EmptyModel(opset, ir_version);
  Graph& g = *model.graph;
  g.inputs.push_back(Value("X", DType::kFloat, {1, 16, 8, 8}));
  std::vector<float> weights(16 * 16 * 3 * 3);
  for (size_t i = 0; i < weights.size(); ++i) weights[i] = static_cast<float>(i) * 0.5f;
  g.initializers.push_back(Tensor::FromBytes("W", DType::kFloat, {16, 16, 3, 3}, weights.data(),
                                             weights.size() * sizeof(float)));
  Node conv = MakeNode("Conv", {"X", "W"}, {"C"}, "conv");
  conv.attributes.push_back(Attribute::Ints("pads", {1, 1, 1, 1}));
  conv.attributes.push_back(Attribute::Ints("kernel_shape", {3, 3}));
  g.nodes.push_back(conv);
  g.nodes.push_back(MakeNode("Relu", {"C"}, {"R"}, "relu"));
  Node reduce = MakeNode("ReduceMean", {"R"}, {"Y"}, "reduce");
  reduce.attributes.push_back(Attribute::Ints("axes", {2, 3}));
  reduce.attributes.push_back(Attribute::Int("keepdims", 1));
  g.nodes.push_back(reduce);
  ValueInfo y = Value("Y", DType::kFloat, {0, 0, 0, 0});
  for (auto& dim : y.type->shape->dims) dim.value.reset();  // dims left to inference
  g.outputs.push_back(y);
  return model;
}

std::vector<int64_t> Ints(const Tensor& tensor) {
  std::vector<int64_t> values;
  for (int64_t i = 0; i < tensor.NumElements(); ++i) {
    values.push_back(static_cast<int64_t>(tensor.GetAsDouble(i)));
  }
  return values;
}

void ExpectSameNodes(const Graph& a, const Graph& b) {
  ASSERT_EQ(a.nodes.size(), b.nodes.size());
  for (size_t i = 0; i < a.nodes.size(); ++i) {
    SCOPED_TRACE("node " + std::to_string(i));
    EXPECT_EQ(a.nodes[i].op_type, b.nodes[i].op_type);
    EXPECT_EQ(a.nodes[i].name, b.nodes[i].name);
    EXPECT_EQ(a.nodes[i].inputs, b.nodes[i].inputs);
    EXPECT_EQ(a.nodes[i].outputs, b.nodes[i].outputs);
    ASSERT_EQ(a.nodes[i].attributes.size(), b.nodes[i].attributes.size());
    for (const Attribute& attr : a.nodes[i].attributes) {
      const Attribute* other = b.nodes[i].FindAttribute(attr.name);
      ASSERT_NE(other, nullptr) << attr.name;
      EXPECT_EQ(attr.type, other->type);
      EXPECT_EQ(attr.ints, other->ints);
      EXPECT_EQ(attr.i, other->i);
      EXPECT_EQ(attr.s, other->s);
    }
  }
  ASSERT_EQ(a.initializers.size(), b.initializers.size());
  for (size_t i = 0; i < a.initializers.size(); ++i) {
    EXPECT_EQ(a.initializers[i].name, b.initializers[i].name);
    EXPECT_EQ(a.initializers[i].dims, b.initializers[i].dims);
    ASSERT_EQ(a.initializers[i].ByteSize(), b.initializers[i].ByteSize());
    EXPECT_EQ(0, std::memcmp(a.initializers[i].bytes(), b.initializers[i].bytes(),
                             a.initializers[i].ByteSize()));
  }
}

void ExpectSameNodes(const Model& a, const Model& b) {
  ExpectSameNodes(*a.graph, *b.graph);
}

void ExpectError(const std::function<void()>& call, ErrorCode code,
                 const std::vector<std::string>& parts) {
  try {
    call();
    ADD_FAILURE() << "no error, expected one mentioning " << parts.front();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), code) << e.what();
    for (const std::string& part : parts) {
      EXPECT_NE(std::string(e.what()).find(part), std::string::npos)
          << "message '" << e.what() << "' does not mention '" << part << "'";
    }
  }
}

TEST(OpsetConversion, ReduceMeanRoundTrip13To18To13) {
  const Model original = ConvReduceModel(13);
  const Model at18 = ConvertOpset(original, 18);
  EXPECT_EQ(at18.DefaultOpset(), 18);
  const Node& reduce = at18.graph->nodes[2];
  EXPECT_EQ(reduce.FindAttribute("axes"), nullptr);
  ASSERT_EQ(reduce.inputs.size(), 2u);
  const Tensor* axes = at18.graph->FindInitializer(reduce.inputs[1]);
  ASSERT_NE(axes, nullptr);
  EXPECT_EQ(axes->dtype, DType::kInt64);
  EXPECT_EQ(Ints(*axes), (std::vector<int64_t>{2, 3}));
  EXPECT_NO_THROW(ValidateModel(at18));

  const Model back = ConvertOpset(at18, 13);
  EXPECT_EQ(back.DefaultOpset(), 13);
  ExpectSameNodes(original, back);
  EXPECT_NO_THROW(ValidateModel(back));
}

TEST(OpsetConversion, ConvReduceMean13To21) {
  const Model at21 = ConvertOpset(ConvReduceModel(13), 21);
  EXPECT_EQ(at21.DefaultOpset(), 21);
  const Node& reduce = at21.graph->nodes[2];
  ASSERT_EQ(reduce.inputs.size(), 2u);
  const Tensor* axes = at21.graph->FindInitializer(reduce.inputs[1]);
  ASSERT_NE(axes, nullptr);
  EXPECT_EQ(Ints(*axes), (std::vector<int64_t>{2, 3}));
  Model checked = at21;
  checked.ir_version = 10;
  EXPECT_NO_THROW(ValidateModel(checked));
  // Down again, step by step through every adapter.
  ExpectSameNodes(ConvReduceModel(13), ConvertOpset(at21, 13));
}

TEST(OpsetConversion, OnnxConverterBelow17KeepsWeights) {
  // Unsqueeze moved axes from attribute to input at 13: ONNX's converter rewrites it.
  Model model = EmptyModel(11, 6);
  Graph& g = *model.graph;
  g.inputs.push_back(Value("X", DType::kFloat, {16, 16, 3, 3}));
  std::vector<float> weights(16 * 16 * 3 * 3, 0.25f);
  weights[7] = 3.0f;
  g.initializers.push_back(Tensor::FromBytes("B", DType::kFloat, {16, 16, 3, 3}, weights.data(),
                                             weights.size() * sizeof(float)));
  g.nodes.push_back(MakeNode("Add", {"X", "B"}, {"S"}, "add"));
  Node unsqueeze = MakeNode("Unsqueeze", {"S"}, {"Y"}, "unsqueeze");
  unsqueeze.attributes.push_back(Attribute::Ints("axes", {0}));
  g.nodes.push_back(unsqueeze);
  g.outputs.push_back(Value("Y", DType::kFloat, {1, 16, 16, 3, 3}));

  const Model at13 = ConvertOpset(model, 13);
  EXPECT_EQ(at13.DefaultOpset(), 13);
  const Node* converted = nullptr;
  for (const Node& node : at13.graph->nodes) {
    if (node.op_type == "Unsqueeze") converted = &node;
  }
  ASSERT_NE(converted, nullptr);
  EXPECT_EQ(converted->FindAttribute("axes"), nullptr);
  ASSERT_EQ(converted->inputs.size(), 2u);
  const Tensor* bias = at13.graph->FindInitializer("B");
  ASSERT_NE(bias, nullptr);
  ASSERT_EQ(bias->ByteSize(), weights.size() * sizeof(float));
  EXPECT_EQ(0, std::memcmp(bias->bytes(), weights.data(), bias->ByteSize()));
  EXPECT_NO_THROW(ValidateModel(at13));

  // Up to 18 goes through ONNX's converter and then our adapters.
  const Model at18 = ConvertOpset(model, 18);
  EXPECT_EQ(at18.DefaultOpset(), 18);
}

TEST(OpsetConversion, SplitGetsNumOutputsAt18) {
  Model model = EmptyModel(17, 8);
  Graph& g = *model.graph;
  g.inputs.push_back(Value("X", DType::kFloat, {4, 6}));
  Node split = MakeNode("Split", {"X"}, {"a", "b"}, "split");
  split.attributes.push_back(Attribute::Int("axis", 1));
  g.nodes.push_back(split);
  g.outputs.push_back(Value("a", DType::kFloat, {4, 3}));
  g.outputs.push_back(Value("b", DType::kFloat, {4, 3}));
  const Model at18 = ConvertOpset(model, 18);
  const Attribute* num_outputs = at18.graph->nodes[0].FindAttribute("num_outputs");
  ASSERT_NE(num_outputs, nullptr);
  EXPECT_EQ(num_outputs->i, 2);
  EXPECT_NO_THROW(ValidateModel(at18));
  ExpectSameNodes(model, ConvertOpset(at18, 17));
}

TEST(OpsetConversion, DowngradeNeedsConstantAxes) {
  Model model = ConvertOpset(ConvReduceModel(13), 18);
  // Feed the axes from a graph input instead of an initializer.
  Graph& g = *model.graph;
  const std::string axes = g.nodes[2].inputs[1];
  g.initializers.clear();
  g.initializers.push_back(ConvReduceModel(13).graph->initializers[0]);
  g.inputs.push_back(Value(axes, DType::kInt64, {2}));
  ExpectError([&] { ConvertOpset(model, 17); }, ErrorCode::kUnsupported,
              {"node 'reduce'", "ReduceMean", "not a constant"});
  ExpectError([&] { InferShapes(model); }, ErrorCode::kUnsupported, {"node 'reduce'"});
}

TEST(OpsetConversion, DowngradeRefusesNewOpsAndFeatures) {
  Model gelu = EmptyModel(20, 9);
  gelu.graph->inputs.push_back(Value("X", DType::kFloat, {2}));
  gelu.graph->nodes.push_back(MakeNode("Gelu", {"X"}, {"Y"}, "gelu"));
  gelu.graph->outputs.push_back(Value("Y", DType::kFloat, {2}));
  ExpectError([&] { ConvertOpset(gelu, 19); }, ErrorCode::kUnsupported,
              {"node 'gelu'", "Gelu", "opset 20"});

  Model dq = EmptyModel(21, 10);
  dq.graph->initializers.push_back(Tensor::Zeros("q", DType::kInt8, {4, 8}));
  dq.graph->initializers.push_back(Tensor::Zeros("s", DType::kFloat, {4, 2}));
  Node node = MakeNode("DequantizeLinear", {"q", "s"}, {"Y"}, "dq");
  node.attributes.push_back(Attribute::Int("block_size", 4));
  dq.graph->nodes.push_back(node);
  dq.graph->outputs.push_back(Value("Y", DType::kFloat, {4, 8}));
  ExpectError([&] { ConvertOpset(dq, 19); }, ErrorCode::kUnsupported,
              {"node 'dq'", "DequantizeLinear", "block_size"});
  // Without blocks it converts, dropping the default-valued attribute.
  dq.graph->nodes[0].attributes[0] = Attribute::Int("block_size", 0);
  const Model at19 = ConvertOpset(dq, 19);
  EXPECT_EQ(at19.graph->nodes[0].FindAttribute("block_size"), nullptr);
}

TEST(OpsetConversion, RejectsOutOfRangeTargets) {
  ExpectError([&] { ConvertOpset(ConvReduceModel(13), 24); }, ErrorCode::kUnsupported, {"24"});
  ExpectError([&] { ConvertOpset(ConvReduceModel(13), 0); }, ErrorCode::kInvalidArgument, {"0"});
}

const ValueInfo* FindValueInfo(const Graph& graph, const std::string& name) {
  for (const ValueInfo& value : graph.value_info) {
    if (value.name == name) return &value;
  }
  return nullptr;
}

std::vector<int64_t> StaticDims(const ValueInfo& value) {
  std::vector<int64_t> dims;
  if (!value.type || !value.type->shape) return dims;
  for (const auto& dim : value.type->shape->dims) dims.push_back(dim.value.value_or(-1));
  return dims;
}

TEST(ShapeInference, Opset13) {
  const Model original = ConvReduceModel(13);
  const Model inferred = InferShapes(original);
  const ValueInfo* c = FindValueInfo(*inferred.graph, "C");
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(StaticDims(*c), (std::vector<int64_t>{1, 16, 8, 8}));
  EXPECT_EQ(c->type->tensor_dtype(), DType::kFloat);
  ASSERT_TRUE(inferred.graph->outputs[0].type.has_value());
  EXPECT_EQ(StaticDims(inferred.graph->outputs[0]), (std::vector<int64_t>{1, 16, 1, 1}));
  ExpectSameNodes(original, inferred);
}

TEST(ShapeInference, Opset18KeepsOriginalNodes) {
  const Model at18 = ConvertOpset(ConvReduceModel(13), 18);
  const Model inferred = InferShapes(at18);
  EXPECT_EQ(inferred.DefaultOpset(), 18);
  ExpectSameNodes(at18, inferred);
  const ValueInfo* r = FindValueInfo(*inferred.graph, "R");
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(StaticDims(*r), (std::vector<int64_t>{1, 16, 8, 8}));
  EXPECT_EQ(StaticDims(inferred.graph->outputs[0]), (std::vector<int64_t>{1, 16, 1, 1}));
}

TEST(ShapeInference, EmptyResultIsAnError) {
  Model model = EmptyModel(13, 8);
  model.SetOpset("com.example", 1);
  model.graph->inputs.push_back(Value("X", DType::kFloat, {2}));
  Node node = MakeNode("Mystery", {"X"}, {"Y"}, "mystery");
  node.domain = "com.example";
  model.graph->nodes.push_back(node);
  ValueInfo y;
  y.name = "Y";
  model.graph->outputs.push_back(y);
  ExpectError([&] { InferShapes(model); }, ErrorCode::kUnsupported,
              {"shape inference produced nothing", "'Y'"});
}

}  // namespace
