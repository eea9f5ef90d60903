// The JSON model summary, parsed back with cJSON.
#include "core/ir/model_summary.h"

#include <cjson/cJSON.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

namespace nncf::ir {
namespace {

struct JsonDeleter {
  void operator()(cJSON* json) const { cJSON_Delete(json); }
};
using JsonPtr = std::unique_ptr<cJSON, JsonDeleter>;

Node MakeNode(const std::string& op_type, const std::string& domain = "") {
  Node node;
  node.op_type = op_type;
  node.domain = domain;
  return node;
}

// Built here rather than with Type::MakeTensor so this test depends only on the summary.
Type TensorType(DType dtype, const std::vector<int64_t>& dims) {
  Type type;
  type.kind = Type::Kind::kTensor;
  type.elem_type = static_cast<int32_t>(dtype);
  type.elem_type_set = true;
  type.shape = Shape();
  for (int64_t extent : dims) {
    Dim dim;
    if (extent >= 0) dim.value = extent;
    type.shape->dims.push_back(dim);
  }
  return type;
}

ValueInfo MakeValue(const std::string& name, Type type) {
  ValueInfo value;
  value.name = name;
  value.type = std::move(type);
  return value;
}

Model MakeModel() {
  Model model;
  model.ir_version = 8;
  model.producer_name = "nncf-test";
  model.producer_version = "1.2";
  model.SetOpset("", 17);
  model.SetOpset("com.microsoft", 1);

  Graph graph;
  graph.name = "main";
  for (const char* op :
       {"Conv", "QuantizeLinear", "DequantizeLinear", "Conv", "DequantizeLinear", "Relu", "Conv"}) {
    graph.nodes.push_back(MakeNode(op));
  }
  graph.nodes.push_back(MakeNode("MatMulNBits", "com.microsoft"));
  graph.nodes.push_back(MakeNode("Add", "ai.onnx"));

  Type image = TensorType(DType::kFloat, {-1, 3, 224, 224});
  image.shape->dims[0].value.reset();
  image.shape->dims[0].param = "batch";
  graph.inputs.push_back(MakeValue("image", image));
  Type unknown_dim = TensorType(DType::kFloat16, {-1, 8});
  unknown_dim.shape->dims[0] = Dim();
  graph.inputs.push_back(MakeValue("mask", unknown_dim));
  graph.inputs.push_back(MakeValue("weight", TensorType(DType::kFloat, {4, 4})));
  graph.outputs.push_back(MakeValue("logits", TensorType(DType::kBFloat16, {})));
  Type unranked;
  unranked.kind = Type::Kind::kTensor;
  unranked.elem_type = static_cast<int32_t>(DType::kInt4);
  unranked.elem_type_set = true;
  graph.outputs.push_back(MakeValue("codes", unranked));
  Type sequence;
  sequence.kind = Type::Kind::kSequence;
  graph.outputs.push_back(MakeValue("list", sequence));
  ValueInfo untyped;
  untyped.name = "untyped";
  graph.outputs.push_back(untyped);

  graph.initializers.push_back(Tensor::Zeros("weight", DType::kFloat, {4, 4}));  // 64 bytes
  graph.initializers.push_back(Tensor::Zeros("packed", DType::kInt4, {3}));      // 2 bytes
  Tensor labels = Tensor::Zeros("labels", DType::kString, {2});
  labels.strings = {"cat", "dog!"};  // 7 bytes
  graph.initializers.push_back(labels);
  model.graph = graph;
  model.functions.emplace_back();
  return model;
}

TEST(ModelSummaryTest, DescribesTheModel) {
  const std::string text = ModelSummaryJson(MakeModel());
  JsonPtr json(cJSON_Parse(text.c_str()));
  ASSERT_NE(json, nullptr) << text;
  auto get = [&](const char* key) { return cJSON_GetObjectItemCaseSensitive(json.get(), key); };

  EXPECT_EQ(get("ir_version")->valuedouble, 8);
  EXPECT_STREQ(get("producer_name")->valuestring, "nncf-test");
  EXPECT_STREQ(get("producer_version")->valuestring, "1.2");
  const cJSON* opsets = get("opset_imports");
  ASSERT_EQ(cJSON_GetArraySize(opsets), 2);
  EXPECT_STREQ(cJSON_GetObjectItem(cJSON_GetArrayItem(opsets, 0), "domain")->valuestring, "");
  EXPECT_EQ(cJSON_GetObjectItem(cJSON_GetArrayItem(opsets, 0), "version")->valuedouble, 17);
  EXPECT_STREQ(cJSON_GetObjectItem(cJSON_GetArrayItem(opsets, 1), "domain")->valuestring,
               "com.microsoft");
  EXPECT_EQ(cJSON_GetObjectItem(cJSON_GetArrayItem(opsets, 1), "version")->valuedouble, 1);

  EXPECT_STREQ(get("graph_name")->valuestring, "main");
  EXPECT_EQ(get("node_count")->valuedouble, 9);

  const cJSON* histogram = get("op_histogram");
  const char* expected_keys[] = {
      "Add", "Conv", "DequantizeLinear", "QuantizeLinear", "Relu", "com.microsoft.MatMulNBits"};
  const int expected_counts[] = {1, 3, 2, 1, 1, 1};
  ASSERT_EQ(cJSON_GetArraySize(histogram), 6);
  int index = 0;
  const cJSON* entry = nullptr;
  cJSON_ArrayForEach(entry, histogram) {
    EXPECT_STREQ(entry->string, expected_keys[index]);
    EXPECT_EQ(entry->valuedouble, expected_counts[index]);
    ++index;
  }

  const cJSON* inputs = get("inputs");
  ASSERT_EQ(cJSON_GetArraySize(inputs), 2);  // "weight" is an initializer
  const cJSON* image = cJSON_GetArrayItem(inputs, 0);
  EXPECT_STREQ(cJSON_GetObjectItem(image, "name")->valuestring, "image");
  EXPECT_STREQ(cJSON_GetObjectItem(image, "dtype")->valuestring, "float");
  const cJSON* image_shape = cJSON_GetObjectItem(image, "shape");
  ASSERT_EQ(cJSON_GetArraySize(image_shape), 4);
  EXPECT_STREQ(cJSON_GetArrayItem(image_shape, 0)->valuestring, "batch");
  EXPECT_EQ(cJSON_GetArrayItem(image_shape, 1)->valuedouble, 3);
  EXPECT_EQ(cJSON_GetArrayItem(image_shape, 3)->valuedouble, 224);
  const cJSON* mask = cJSON_GetArrayItem(inputs, 1);
  EXPECT_STREQ(cJSON_GetObjectItem(mask, "dtype")->valuestring, "float16");
  EXPECT_TRUE(cJSON_IsNull(cJSON_GetArrayItem(cJSON_GetObjectItem(mask, "shape"), 0)));
  EXPECT_EQ(cJSON_GetArrayItem(cJSON_GetObjectItem(mask, "shape"), 1)->valuedouble, 8);

  const cJSON* outputs = get("outputs");
  ASSERT_EQ(cJSON_GetArraySize(outputs), 4);
  const cJSON* logits = cJSON_GetArrayItem(outputs, 0);
  EXPECT_STREQ(cJSON_GetObjectItem(logits, "dtype")->valuestring, "bfloat16");
  EXPECT_TRUE(cJSON_IsArray(cJSON_GetObjectItem(logits, "shape")));
  EXPECT_EQ(cJSON_GetArraySize(cJSON_GetObjectItem(logits, "shape")), 0);  // scalar
  const cJSON* codes = cJSON_GetArrayItem(outputs, 1);
  EXPECT_STREQ(cJSON_GetObjectItem(codes, "dtype")->valuestring, "int4");
  EXPECT_TRUE(cJSON_IsNull(cJSON_GetObjectItem(codes, "shape")));  // rank unknown
  for (int i : {2, 3}) {
    const cJSON* other = cJSON_GetArrayItem(outputs, i);
    EXPECT_TRUE(cJSON_IsNull(cJSON_GetObjectItem(other, "dtype"))) << i;
    EXPECT_TRUE(cJSON_IsNull(cJSON_GetObjectItem(other, "shape"))) << i;
  }
  EXPECT_STREQ(cJSON_GetObjectItem(cJSON_GetArrayItem(outputs, 3), "name")->valuestring, "untyped");

  EXPECT_EQ(get("initializer_count")->valuedouble, 3);
  EXPECT_EQ(get("initializer_bytes")->valuedouble, 64 + 2 + 7);
  EXPECT_EQ(get("function_count")->valuedouble, 1);
  EXPECT_EQ(get("quantize_linear_count")->valuedouble, 1);
  EXPECT_EQ(get("dequantize_linear_count")->valuedouble, 2);
}

TEST(ModelSummaryTest, IsDeterministicAndIndependentOfNodeOrder) {
  Model model = MakeModel();
  const std::string first = ModelSummaryJson(model);
  EXPECT_EQ(first, ModelSummaryJson(model));
  std::reverse(model.graph->nodes.begin(), model.graph->nodes.end());
  EXPECT_EQ(first, ModelSummaryJson(model));
}

TEST(ModelSummaryTest, ModelWithoutGraph) {
  Model model;
  model.ir_version = 3;
  JsonPtr json(cJSON_Parse(ModelSummaryJson(model).c_str()));
  ASSERT_NE(json, nullptr);
  EXPECT_TRUE(cJSON_IsNull(cJSON_GetObjectItem(json.get(), "graph_name")));
  EXPECT_EQ(cJSON_GetObjectItem(json.get(), "node_count")->valuedouble, 0);
  EXPECT_EQ(cJSON_GetArraySize(cJSON_GetObjectItem(json.get(), "inputs")), 0);
  EXPECT_EQ(cJSON_GetArraySize(cJSON_GetObjectItem(json.get(), "op_histogram")), 0);
  EXPECT_EQ(cJSON_GetArraySize(cJSON_GetObjectItem(json.get(), "opset_imports")), 0);
  EXPECT_EQ(cJSON_GetObjectItem(json.get(), "initializer_bytes")->valuedouble, 0);
}

TEST(ModelSummaryTest, EscapesNames) {
  Model model;
  model.producer_name = "quote\" and \\ newline\n";
  model.graph = Graph();
  model.graph->nodes.push_back(MakeNode("Op\"X", "my.domain"));
  JsonPtr json(cJSON_Parse(ModelSummaryJson(model).c_str()));
  ASSERT_NE(json, nullptr);
  EXPECT_STREQ(cJSON_GetObjectItem(json.get(), "producer_name")->valuestring,
               "quote\" and \\ newline\n");
  EXPECT_NE(cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItem(json.get(), "op_histogram"),
                                             "my.domain.Op\"X"),
            nullptr);
}

}  // namespace
}  // namespace nncf::ir
