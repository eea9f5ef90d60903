// Structural and opset validation of models: every structural rule fails with kInvalidModel naming
// the culprit; ONNX's checker runs up to opset 17 / IR 8; our signature table past it.
#include <gtest/gtest.h>

#include <onnx/onnx_pb.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "core/common/error.h"
#include "core/ir/model.h"
#include "onnx/model_validation.h"
#include "onnx/proto_convert.h"

namespace {

namespace fs = std::filesystem;
using nncf::Error;
using nncf::ErrorCode;
using nncf::ir::Attribute;
using nncf::ir::AttributeType;
using nncf::ir::DType;
using nncf::ir::Graph;
using nncf::ir::Model;
using nncf::ir::Node;
using nncf::ir::Tensor;
using nncf::ir::ValueInfo;
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

// X[1,16,8,8] -> Conv(W[16,16,3,3], pads 1) -> Relu -> ReduceMean(axes [2,3]) -> Y[1,16,1,1].
// W is large enough to be handed to ONNX's checker as a placeholder.
Model ConvReduceModel(int64_t opset = 13, int64_t ir_version = 8) {
  Model model = EmptyModel(opset, ir_version);
  Graph& g = *model.graph;
  g.inputs.push_back(Value("X", DType::kFloat, {1, 16, 8, 8}));
  g.initializers.push_back(Tensor::Zeros("W", DType::kFloat, {16, 16, 3, 3}));
  Node conv = MakeNode("Conv", {"X", "W"}, {"C"}, "conv");
  conv.attributes.push_back(Attribute::Ints("pads", {1, 1, 1, 1}));
  conv.attributes.push_back(Attribute::Ints("kernel_shape", {3, 3}));
  g.nodes.push_back(conv);
  g.nodes.push_back(MakeNode("Relu", {"C"}, {"R"}));
  Node reduce = MakeNode("ReduceMean", {"R"}, {"Y"}, "reduce");
  reduce.attributes.push_back(Attribute::Ints("axes", {2, 3}));
  g.nodes.push_back(reduce);
  g.outputs.push_back(Value("Y", DType::kFloat, {1, 16, 1, 1}));
  return model;
}

// Expects ValidateModel to throw `code` with a message containing every one of `parts`.
void ExpectFailure(const Model& model, ErrorCode code, const std::vector<std::string>& parts) {
  try {
    ValidateModel(model);
    ADD_FAILURE() << "validation passed, expected failure mentioning " << parts.front();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), code) << e.what();
    for (const std::string& part : parts) {
      EXPECT_NE(std::string(e.what()).find(part), std::string::npos)
          << "message '" << e.what() << "' does not mention '" << part << "'";
    }
  }
}

TEST(ModelValidation, ValidModelPassesWithOnnxChecker) {
  EXPECT_NO_THROW(ValidateModel(ConvReduceModel()));
}

TEST(ModelValidation, MissingGraph) {
  Model model = ConvReduceModel();
  model.graph.reset();
  ExpectFailure(model, ErrorCode::kInvalidModel, {"no graph"});
}

TEST(ModelValidation, IrVersionRange) {
  Model old_ir = ConvReduceModel();
  old_ir.ir_version = 2;
  ExpectFailure(old_ir, ErrorCode::kInvalidModel, {"IR version 2"});
  Model new_ir = ConvReduceModel();
  new_ir.ir_version = 12;
  ExpectFailure(new_ir, ErrorCode::kUnsupported, {"IR version 12"});
}

TEST(ModelValidation, DefaultOpsetRequiredAndBounded) {
  Model none = ConvReduceModel();
  none.opset_imports.clear();
  ExpectFailure(none, ErrorCode::kInvalidModel, {"default (ai.onnx) opset", "node 'conv'"});
  Model too_new = ConvReduceModel(24, 11);
  ExpectFailure(too_new, ErrorCode::kUnsupported, {"opset 24"});
}

TEST(ModelValidation, DanglingInputNamesNodeAndValue) {
  Model model = ConvReduceModel();
  model.graph->nodes[1].inputs[0] = "nowhere";
  ExpectFailure(model, ErrorCode::kInvalidModel, {"#1 Relu", "nowhere"});
}

TEST(ModelValidation, NodesMustBeTopologicallySorted) {
  Model model = ConvReduceModel();
  std::swap(model.graph->nodes[0], model.graph->nodes[1]);
  ExpectFailure(model, ErrorCode::kInvalidModel, {"#0 Relu", "'C'"});
}

TEST(ModelValidation, ValueAssignedTwice) {
  Model model = ConvReduceModel();
  model.graph->nodes[1].outputs[0] = "C";
  ExpectFailure(model, ErrorCode::kInvalidModel, {"#1 Relu", "'C'", "SSA"});
  Model shadows_input = ConvReduceModel();
  shadows_input.graph->nodes[1].outputs[0] = "X";
  ExpectFailure(shadows_input, ErrorCode::kInvalidModel, {"'X'", "more than once"});
}

TEST(ModelValidation, GraphOutputMustBeProduced) {
  Model model = ConvReduceModel();
  model.graph->outputs.push_back(Value("ghost", DType::kFloat, {1}));
  ExpectFailure(model, ErrorCode::kInvalidModel, {"output 'ghost'"});
}

TEST(ModelValidation, MainGraphInputsAndOutputsAreTyped) {
  Model model = ConvReduceModel(21, 10);
  model.graph->nodes[2] = MakeNode("Identity", {"R"}, {"Y"});
  model.graph->outputs[0].type.reset();
  ExpectFailure(model, ErrorCode::kInvalidModel, {"output 'Y'", "no type"});
}

TEST(ModelValidation, InitializerNamesUnique) {
  Model model = ConvReduceModel();
  model.graph->initializers.push_back(Tensor::Zeros("W", DType::kFloat, {1}));
  ExpectFailure(model, ErrorCode::kInvalidModel, {"initializer 'W'", "not unique"});
}

TEST(ModelValidation, EmptyOpType) {
  Model model = ConvReduceModel();
  model.graph->nodes[1].op_type = "";
  ExpectFailure(model, ErrorCode::kInvalidModel, {"empty op_type"});
}

TEST(ModelValidation, DomainNeedsOpsetImportOrFunction) {
  Model model = ConvReduceModel(21, 10);
  model.graph->nodes[2] = MakeNode("Identity", {"R"}, {"Y"});
  model.graph->nodes[1].domain = "com.example";
  model.graph->nodes[1].op_type = "MyRelu";
  ExpectFailure(model, ErrorCode::kInvalidModel, {"#1 MyRelu", "com.example", "no opset import"});

  // A model-local function makes the call resolvable.
  nncf::ir::Function function;
  function.name = "MyRelu";
  function.domain = "com.example";
  function.inputs = {"x"};
  function.outputs = {"y"};
  function.nodes.push_back(MakeNode("Relu", {"x"}, {"y"}));
  model.functions.push_back(function);
  EXPECT_NO_THROW(ValidateModel(model));

  // A body that does not produce its output is caught too.
  model.functions[0].nodes[0].outputs[0] = "z";
  ExpectFailure(model, ErrorCode::kInvalidModel, {"function 'com.example:MyRelu'", "'y'"});
}

TEST(ModelValidation, AttributeTypeMustMatchField) {
  Model model = ConvReduceModel();
  Attribute bad = Attribute::Int("group", 1);
  bad.type = AttributeType::kFloat;
  model.graph->nodes[0].attributes.push_back(bad);
  ExpectFailure(model, ErrorCode::kInvalidModel, {"node 'conv'", "attribute 'group'", "float"});

  Model two_fields = ConvReduceModel();
  Attribute both = Attribute::Int("group", 1);
  both.f = 1.0f;
  two_fields.graph->nodes[0].attributes.push_back(both);
  ExpectFailure(two_fields, ErrorCode::kInvalidModel, {"attribute 'group'", "more than one"});

  Model no_value = ConvReduceModel();
  Attribute empty;
  empty.name = "group";
  empty.type = AttributeType::kInt;
  no_value.graph->nodes[0].attributes.push_back(empty);
  ExpectFailure(no_value, ErrorCode::kInvalidModel, {"attribute 'group'", "no value"});
}

// If with branches that read a value of the enclosing graph.
Model IfModel(int64_t opset, int64_t ir_version) {
  Model model = EmptyModel(opset, ir_version);
  Graph& g = *model.graph;
  g.inputs.push_back(Value("cond", DType::kBool, {}));
  g.inputs.push_back(Value("X", DType::kFloat, {2}));
  g.nodes.push_back(MakeNode("Relu", {"X"}, {"outer"}));
  auto branch = [](const std::string& op, const std::string& out) {
    Graph b;
    b.name = op + "_branch";
    b.nodes.push_back(MakeNode(op, {"outer"}, {out}));
    b.outputs.push_back(Value(out, DType::kFloat, {2}));
    return b;
  };
  Node node = MakeNode("If", {"cond"}, {"Y"}, "if");
  Attribute then_attr;
  then_attr.name = "then_branch";
  then_attr.type = AttributeType::kGraph;
  then_attr.g = nncf::ir::Box<Graph>(branch("Neg", "t"));
  Attribute else_attr = then_attr;
  else_attr.name = "else_branch";
  else_attr.g = nncf::ir::Box<Graph>(branch("Abs", "e"));
  node.attributes = {then_attr, else_attr};
  g.nodes.push_back(node);
  g.outputs.push_back(Value("Y", DType::kFloat, {2}));
  return model;
}

TEST(ModelValidation, SubgraphsSeeOuterScope) {
  EXPECT_NO_THROW(ValidateModel(IfModel(13, 8)));
  EXPECT_NO_THROW(ValidateModel(IfModel(21, 10)));
  Model bad = IfModel(21, 10);
  (*bad.graph->nodes[1].attributes[1].g)->nodes[0].inputs[0] = "unknown";
  ExpectFailure(bad, ErrorCode::kInvalidModel,
                {"node 'if' attribute 'else_branch'", "#0 Abs", "'unknown'"});
}

TEST(ModelValidation, OnnxCheckerErrorsBecomeInvalidModel) {
  Model model = ConvReduceModel();
  model.graph->nodes[0].inputs = {"X"};  // Conv needs W
  ExpectFailure(model, ErrorCode::kInvalidModel, {"ONNX checker", "Conv"});
}

// DequantizeLinear-21 with int4 weights quantized in blocks of 4 along axis 1.
Model BlockedDequantizeModel() {
  Model model = EmptyModel(21, 10);
  Graph& g = *model.graph;
  g.initializers.push_back(Tensor::Zeros("w_q", DType::kInt4, {8, 16}));
  g.initializers.push_back(Tensor::Zeros("w_scale", DType::kFloat, {8, 4}));
  g.initializers.push_back(Tensor::Zeros("w_zp", DType::kInt4, {8, 4}));
  g.inputs.push_back(Value("X", DType::kFloat, {2, 16}));
  Node dq = MakeNode("DequantizeLinear", {"w_q", "w_scale", "w_zp"}, {"w"}, "dq");
  dq.attributes.push_back(Attribute::Int("axis", 1));
  dq.attributes.push_back(Attribute::Int("block_size", 4));
  g.nodes.push_back(dq);
  g.nodes.push_back(MakeNode("Transpose", {"w"}, {"wt"}));
  g.nodes.push_back(MakeNode("MatMul", {"X", "wt"}, {"Y"}));
  g.outputs.push_back(Value("Y", DType::kFloat, {2, 8}));
  return model;
}

TEST(ModelValidation, Opset21BlockedDequantize) {
  EXPECT_NO_THROW(ValidateModel(BlockedDequantizeModel()));

  Model extra_input = BlockedDequantizeModel();
  extra_input.graph->nodes[0].inputs.push_back("w_scale");
  ExpectFailure(extra_input, ErrorCode::kInvalidModel,
                {"node 'dq'", "DequantizeLinear-21", "4 inputs"});

  // block_size does not exist before opset 21.
  Model at19 = BlockedDequantizeModel();
  at19.SetOpset("", 19);
  ExpectFailure(at19, ErrorCode::kInvalidModel,
                {"node 'dq'", "DequantizeLinear-19", "unknown attribute 'block_size'"});
}

TEST(ModelValidation, NewerOpsetSignatures) {
  // Reduce* take axes as an input from 18 on.
  Model reduce_attr = ConvReduceModel(18, 8);
  ExpectFailure(reduce_attr, ErrorCode::kInvalidModel,
                {"node 'reduce'", "ReduceMean-18", "unknown attribute 'axes'"});

  Model reduce_input = ConvReduceModel(18, 8);
  Node& reduce = reduce_input.graph->nodes[2];
  reduce.attributes.clear();
  reduce.inputs.push_back("axes");
  reduce_input.graph->initializers.push_back(Tensor::Zeros("axes", DType::kInt64, {2}));
  EXPECT_NO_THROW(ValidateModel(reduce_input));

  // Unknown ops and ops from a later opset are named.
  Model unknown = ConvReduceModel(19, 9);
  unknown.graph->nodes[1].op_type = "FancyRelu";
  ExpectFailure(unknown, ErrorCode::kInvalidModel, {"#1 FancyRelu", "does not exist", "19"});
  Model gelu = ConvReduceModel(19, 9);
  gelu.graph->nodes[2] = MakeNode("Identity", {"R"}, {"Y"});
  gelu.graph->nodes[1].op_type = "Gelu";
  ExpectFailure(gelu, ErrorCode::kInvalidModel, {"#1 Gelu", "does not exist"});
  gelu.SetOpset("", 20);
  EXPECT_NO_THROW(ValidateModel(gelu));

  // Required attributes and attribute types come from ONNX's schemas for unchanged ops.
  Model cast = ConvReduceModel(19, 9);
  cast.graph->nodes[1].op_type = "Cast";
  ExpectFailure(cast, ErrorCode::kInvalidModel, {"#1 Cast", "required attribute 'to'"});
  Model wrong_type = ConvReduceModel(22, 10);
  wrong_type.graph->nodes[2].attributes.clear();
  wrong_type.graph->nodes[2].op_type = "Flatten";
  wrong_type.graph->nodes[2].attributes.push_back(Attribute::Float("axis", 1.0f));
  ExpectFailure(wrong_type, ErrorCode::kInvalidModel,
                {"node 'reduce'", "Flatten-21", "attribute 'axis'", "expected int"});
}

Model LoadTestdata(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream bytes;
  bytes << in.rdbuf();
  ::onnx::ModelProto proto;
  if (!proto.ParseFromString(bytes.str()))
    throw std::runtime_error("cannot parse " + path.string());
  return nncf::onnx::ModelFromProto(proto, nullptr);
}

TEST(ModelValidation, DebianTestdataModelsValidate) {
  const fs::path root = NNCF_ONNX_TESTDATA_DIR;
  for (const char* name :
       {"node/test_reduce_sum_keepdims_example", "node/test_reduce_mean_keepdims_example",
        "node/test_split_equal_parts_1d", "node/test_if", "node/test_loop11",
        "node/test_dequantizelinear_axis", "simple/test_sign_model"}) {
    const fs::path path = root / name / "model.onnx";
    if (!fs::exists(path)) continue;
    SCOPED_TRACE(name);
    EXPECT_NO_THROW(ValidateModel(LoadTestdata(path)));
  }
}

// Every node test model of libonnx-testdata must pass, both with ONNX's checker and, relabelled
// as IR 9 (same opset), with our own signature checks.
TEST(ModelValidation, AllDebianNodeTestModelsValidate) {
  const fs::path root = fs::path(NNCF_ONNX_TESTDATA_DIR) / "node";
  if (!fs::exists(root)) GTEST_SKIP() << "libonnx-testdata not installed";
  int checked = 0;
  for (const auto& entry : fs::directory_iterator(root)) {
    const fs::path path = entry.path() / "model.onnx";
    if (!fs::exists(path)) continue;
    Model model;
    try {
      model = LoadTestdata(path);
    } catch (const std::exception& e) {
      continue;  // import failures are the importer's tests' business
    }
    SCOPED_TRACE(entry.path().filename().string());
    EXPECT_NO_THROW(ValidateModel(model));
    model.ir_version = 9;
    try {
      ValidateModel(model);
    } catch (const Error& e) {
      ADD_FAILURE() << "own checks: " << e.what();
    }
    ++checked;
  }
  EXPECT_GT(checked, 500);
}

}  // namespace
