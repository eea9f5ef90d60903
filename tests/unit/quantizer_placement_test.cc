// FindQuantizationSetup on small models, one rule at a time. Expected placements follow NNCF's
// rules as ptq.md (sections 2-4, 9) describes them; the NNCF golden models cover the rest.
#include "algorithms/quantization/quantizer_placement.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "core/common/error.h"
#include "model_builder.h"
#include "onnx/opset_conversion.h"

namespace nncf::algorithms::quantization {
namespace {

using testing::ModelBuilder;

// "input X", "weight W@conv", "pre X@conv:0", "post r".
std::string Describe(const QuantizerSpec& q) {
  switch (q.point.kind) {
    case InsertionKind::kModelInput:
      return "input " + q.point.tensor;
    case InsertionKind::kWeight:
      return "weight " + q.point.tensor + "@" + q.point.node;
    case InsertionKind::kPreLayer:
      return "pre " + q.point.tensor + "@" + q.point.node + ":" + std::to_string(q.point.port);
    case InsertionKind::kPostLayer:
      return "post " + q.point.tensor;
  }
  return "";
}

std::set<std::string> Placement(const QuantizationSetup& setup) {
  std::set<std::string> result;
  for (const QuantizerSpec& q : setup.quantizers) result.insert(Describe(q));
  return result;
}

const QuantizerSpec& Find(const QuantizationSetup& setup, const std::string& description) {
  for (const QuantizerSpec& q : setup.quantizers) {
    if (Describe(q) == description) return q;
  }
  ADD_FAILURE() << "no quantizer " << description;
  return setup.quantizers.front();
}

QuantizationSetup Place(const ModelBuilder& builder, const QuantizeParams& params = {}) {
  const ir::Model model = onnx::InferShapes(builder.Build());
  return FindQuantizationSetup(model, NncfGraph::Build(model), params);
}

QuantizerConfig Config(QuantizationScheme mode, bool per_channel, bool narrow,
                       std::optional<bool> sign) {
  QuantizerConfig config;
  config.mode = mode;
  config.per_channel = per_channel;
  config.narrow_range = narrow;
  config.signedness_to_force = sign;
  return config;
}

const QuantizerConfig kWeightConfig = Config(QuantizationScheme::kSymmetric, true, true, true);
const QuantizerConfig kSymmetricActivation =
    Config(QuantizationScheme::kSymmetric, false, false, std::nullopt);
const QuantizerConfig kAsymmetricActivation =
    Config(QuantizationScheme::kAsymmetric, false, false, std::nullopt);

// X -> conv1 -> relu(r) -> conv2 -> Y
ModelBuilder ConvReluConv(ir::DType dtype = ir::DType::kFloat) {
  ModelBuilder b;
  b.Input("X", {1, 3, 8, 8}, dtype);
  if (dtype == ir::DType::kFloat) {
    b.Random("W1", {4, 3, 3, 3}).Random("W2", {2, 4, 1, 1}, 1.0f, 2);
  } else {
    b.Initializer(ir::Tensor::Zeros("W1", dtype, {4, 3, 3, 3}))
        .Initializer(ir::Tensor::Zeros("W2", dtype, {2, 4, 1, 1}));
  }
  b.Node("Conv", {"X", "W1"}, {"c1"}, {}, "conv1")
      .Node("Relu", {"c1"}, {"r"}, {}, "relu")
      .Node("Conv", {"r", "W2"}, {"Y"}, {}, "conv2")
      .Output("Y", {1, 2, 6, 6}, dtype);
  return b;
}

TEST(QuantizerPlacementTest, ConvBatchNormReluIsFused) {
  ModelBuilder b;
  b.Input("X", {1, 3, 8, 8})
      .Random("W1", {4, 3, 3, 3})
      .Random("B1", {4})
      .Floats("scale", {4}, {1, 1, 1, 1})
      .Floats("shift", {4}, {0, 0, 0, 0})
      .Floats("mean", {4}, {0, 0, 0, 0})
      .Floats("var", {4}, {1, 1, 1, 1})
      .Random("W2", {2, 4, 1, 1})
      .Node("Conv", {"X", "W1", "B1"}, {"c1"}, {}, "conv1")
      .Node("BatchNormalization", {"c1", "scale", "shift", "mean", "var"}, {"bn"}, {}, "bn")
      .Node("Relu", {"bn"}, {"r"}, {}, "relu")
      .Node("Conv", {"r", "W2"}, {"Y"}, {}, "conv2")
      .Output("Y", {1, 2, 6, 6});
  const QuantizationSetup setup = Place(b);
  // Nothing between Conv, BatchNormalization and Relu: BatchNormalization alone would have an
  // input quantizer.
  EXPECT_EQ(Placement(setup),
            (std::set<std::string>{"input X", "weight W1@conv1", "post r", "weight W2@conv2"}));
  const QuantizerSpec& w1 = Find(setup, "weight W1@conv1");
  EXPECT_EQ(w1.config, kWeightConfig);
  EXPECT_EQ(w1.axis, 0);
  EXPECT_TRUE(w1.is_weight);
  EXPECT_EQ(w1.target_nodes, std::vector<std::string>{"conv1"});
  EXPECT_EQ(Find(setup, "post r").config, kSymmetricActivation);
  EXPECT_EQ(Find(setup, "post r").target_nodes, std::vector<std::string>{"conv2"});
  EXPECT_EQ(Find(setup, "input X").point.node, "");
  EXPECT_TRUE(setup.unified_groups.empty());
  EXPECT_TRUE(setup.ignored_nodes.empty());
}

TEST(QuantizerPlacementTest, ConvAddBiasReluIsFused) {
  ModelBuilder b;
  b.Input("X", {1, 3, 8, 8})
      .Random("W1", {4, 3, 3, 3})
      .Random("bias", {1, 4, 1, 1})
      .Random("W2", {2, 4, 1, 1})
      .Node("Conv", {"X", "W1"}, {"c1"}, {}, "conv1")
      .Node("Add", {"c1", "bias"}, {"a"}, {}, "add")
      .Node("Relu", {"a"}, {"r"}, {}, "relu")
      .Node("Conv", {"r", "W2"}, {"Y"}, {}, "conv2")
      .Output("Y", {1, 2, 6, 6});
  EXPECT_EQ(Placement(Place(b)),
            (std::set<std::string>{"input X", "weight W1@conv1", "post r", "weight W2@conv2"}));
}

TEST(QuantizerPlacementTest, FusionIsStrict) {
  // conv_b -> add would be LINEAR+ARITHMETIC, but the Add (last node) also reads ra from
  // outside the pattern: strict matching rejects it and both Add inputs are quantized.
  auto model = [](bool relu_after_add) {
    ModelBuilder b;
    b.Input("X", {1, 4, 8, 8})
        .Random("Wa", {4, 4, 1, 1})
        .Random("Wb", {4, 4, 1, 1})
        .Random("Wc", {2, 4, 1, 1})
        .Node("Conv", {"X", "Wa"}, {"ca"}, {}, "conv_a")
        .Node("Relu", {"ca"}, {"ra"}, {}, "relu_a")
        .Node("Conv", {"ra", "Wb"}, {"cb"}, {}, "conv_b")
        .Node("Add", {"cb", "ra"}, {"s"}, {}, "add");
    if (relu_after_add) {
      b.Node("Relu", {"s"}, {"r"}, {}, "relu").Node("Conv", {"r", "Wc"}, {"Y"}, {}, "conv_c");
    } else {
      b.Node("Conv", {"s", "Wc"}, {"Y"}, {}, "conv_c");
    }
    b.Output("Y", {1, 2, 8, 8});
    return b;
  };
  EXPECT_EQ(Placement(Place(model(false))),
            (std::set<std::string>{"input X", "weight Wa@conv_a", "post ra", "weight Wb@conv_b",
                                   "post cb", "post s", "weight Wc@conv_c"}));
  // add -> relu is ARITHMETIC+ACTIVATIONS (a starting node may read from outside): nothing
  // between them, the Add inputs keep their quantizers.
  EXPECT_EQ(Placement(Place(model(true))),
            (std::set<std::string>{"input X", "weight Wa@conv_a", "post ra", "weight Wb@conv_b",
                                   "post cb", "post r", "weight Wc@conv_c"}));
}

TEST(QuantizerPlacementTest, ResidualAddInputsAreNotUnified) {
  ModelBuilder b;
  b.Input("X", {1, 4, 8, 8})
      .Random("Wa", {4, 4, 1, 1})
      .Random("Wb", {4, 4, 1, 1})
      .Random("Wc", {2, 4, 1, 1})
      .Node("Conv", {"X", "Wa"}, {"ca"}, {}, "conv_a")
      .Node("Relu", {"ca"}, {"ra"}, {}, "relu_a")
      .Node("Conv", {"ra", "Wb"}, {"cb"}, {}, "conv_b")
      .Node("Relu", {"cb"}, {"rb"}, {}, "relu_b")
      .Node("Add", {"ra", "rb"}, {"s"}, {}, "add")
      .Node("Conv", {"s", "Wc"}, {"Y"}, {}, "conv_c")
      .Output("Y", {1, 2, 8, 8});
  const QuantizationSetup setup = Place(b);
  EXPECT_EQ(Placement(setup),
            (std::set<std::string>{"input X", "weight Wa@conv_a", "post ra", "weight Wb@conv_b",
                                   "post rb", "post s", "weight Wc@conv_c"}));
  // ra feeds conv_b and add: one quantizer serves both branches.
  std::vector<std::string> served = Find(setup, "post ra").target_nodes;
  std::sort(served.begin(), served.end());
  EXPECT_EQ(served, (std::vector<std::string>{"add", "conv_b"}));
  EXPECT_TRUE(setup.unified_groups.empty());
  EXPECT_EQ(Find(setup, "post rb").unified_group, -1);
}

ModelBuilder ConcatOf(const std::string& consumer) {
  ModelBuilder b;
  b.Input("X1", {1, 2, 4, 4})
      .Input("X2", {1, 2, 4, 4})
      .Random("W", {4, 4, 1, 1})
      .Node("Relu", {"X1"}, {"r1"}, {}, "relu1")
      .Node("Relu", {"X2"}, {"r2"}, {}, "relu2")
      .Node("Concat", {"r1", "r2"}, {"cat"}, {ir::Attribute::Int("axis", 1)}, "concat");
  if (consumer == "Conv") {
    b.Node("Conv", {"cat", "W"}, {"Y"}, {}, "conv").Output("Y", {1, 4, 4, 4});
  } else {
    b.Node("AveragePool", {"cat"}, {"Y"}, {ir::Attribute::Ints("kernel_shape", {2, 2})}, "pool")
        .Output("Y", {1, 4, 3, 3});
  }
  return b;
}

TEST(QuantizerPlacementTest, ConcatInputsShareAScaleOnlyBeforeWeightedOps) {
  const QuantizationSetup conv = Place(ConcatOf("Conv"));
  EXPECT_EQ(Placement(conv), (std::set<std::string>{"post r1", "post r2", "weight W@conv"}));
  ASSERT_EQ(conv.unified_groups.size(), 1u);
  std::set<int> group(conv.unified_groups[0].begin(), conv.unified_groups[0].end());
  EXPECT_EQ(group, (std::set<int>{Find(conv, "post r1").id, Find(conv, "post r2").id}));
  EXPECT_EQ(Find(conv, "post r1").unified_group, 0);
  EXPECT_EQ(Find(conv, "post r2").unified_group, 0);

  const QuantizationSetup pool = Place(ConcatOf("AveragePool"));
  EXPECT_EQ(Placement(pool), (std::set<std::string>{"post r1", "post r2"}));
  EXPECT_TRUE(pool.unified_groups.empty());
}

TEST(QuantizerPlacementTest, DepthwiseConvInputIsPerChannel) {
  ModelBuilder b;
  b.Input("X", {1, 3, 8, 8})
      .Random("W", {3, 1, 3, 3})
      .Node("Conv", {"X", "W"}, {"Y"}, {ir::Attribute::Int("group", 3)}, "dw")
      .Output("Y", {1, 3, 6, 6});
  const QuantizationSetup setup = Place(b);
  EXPECT_EQ(Placement(setup), (std::set<std::string>{"input X", "weight W@dw"}));
  EXPECT_EQ(Find(setup, "input X").config,
            Config(QuantizationScheme::kSymmetric, true, false, std::nullopt));
  EXPECT_EQ(Find(setup, "input X").axis, 1);
  EXPECT_EQ(Find(setup, "weight W@dw").axis, 0);
  // Overflow fix (first layer) selects exact ConvOp only.
  EXPECT_FALSE(Find(setup, "weight W@dw").half_range);
}

TEST(QuantizerPlacementTest, SqueezeExcitationConvsAreIgnored) {
  ModelBuilder b;
  b.Input("X", {1, 4, 8, 8})
      .Random("W0", {4, 4, 1, 1})
      .Random("W1", {2, 4, 1, 1})
      .Random("W2", {4, 2, 1, 1})
      .Random("W3", {2, 4, 1, 1})
      .Node("Conv", {"X", "W0"}, {"c0"}, {}, "conv0")
      .Node("Relu", {"c0"}, {"r"}, {}, "relu0")
      .Node("GlobalAveragePool", {"r"}, {"g"}, {}, "gap")
      .Node("Conv", {"g", "W1"}, {"c1"}, {}, "se_conv1")
      .Node("Relu", {"c1"}, {"r1"}, {}, "se_relu")
      .Node("Conv", {"r1", "W2"}, {"c2"}, {}, "se_conv2")
      .Node("Sigmoid", {"c2"}, {"s"}, {}, "se_sigmoid")
      .Node("Mul", {"r", "s"}, {"m"}, {}, "scale")
      .Node("Conv", {"m", "W3"}, {"Y"}, {}, "conv3")
      .Output("Y", {1, 2, 8, 8});
  const QuantizationSetup setup = Place(b);
  EXPECT_EQ(Placement(setup), (std::set<std::string>{"input X", "weight W0@conv0", "post r",
                                                     "post s", "post m", "weight W3@conv3"}));
  for (const char* name : {"se_conv1", "se_relu", "se_conv2", "se_sigmoid"}) {
    EXPECT_TRUE(setup.ignored_nodes.count(name)) << name;
  }
  EXPECT_FALSE(setup.ignored_nodes.count("gap"));
  EXPECT_FALSE(setup.ignored_nodes.count("scale"));
}

TEST(QuantizerPlacementTest, TopKPostProcessingStaysFloat) {
  ModelBuilder b;
  b.Input("X", {1, 3, 8, 8})
      .Random("W", {4, 3, 3, 3})
      .Int64s("k", {1}, {5})
      .Node("Conv", {"X", "W"}, {"c"}, {}, "conv")
      .Node("Sigmoid", {"c"}, {"s"}, {}, "sigmoid")
      .Node("Flatten", {"s"}, {"f"}, {}, "flatten")
      .Node("TopK", {"f", "k"}, {"values", "indices"}, {}, "topk")
      .Node("Mul", {"values", "values"}, {"Y"}, {}, "square")
      .Output("Y", {1, 5});
  const QuantizationSetup setup = Place(b);
  // Mul(values, values) would otherwise get a quantizer on values.
  EXPECT_EQ(Placement(setup), (std::set<std::string>{"input X", "weight W@conv"}));
  for (const char* name : {"flatten", "topk", "square"}) {
    EXPECT_TRUE(setup.ignored_nodes.count(name)) << name;
  }
  EXPECT_FALSE(setup.ignored_nodes.count("conv"));
}

TEST(QuantizerPlacementTest, BranchesMergeOnlyWhenAllAreQuantized) {
  ModelBuilder merged;
  merged.Input("X", {1, 3, 8, 8})
      .Random("W1", {4, 3, 1, 1})
      .Random("W2", {4, 3, 1, 1})
      .Node("Conv", {"X", "W1"}, {"Y1"}, {}, "conv1")
      .Node("Conv", {"X", "W2"}, {"Y2"}, {}, "conv2")
      .Output("Y1", {1, 4, 8, 8})
      .Output("Y2", {1, 4, 8, 8});
  const QuantizationSetup both = Place(merged);
  EXPECT_EQ(Placement(both),
            (std::set<std::string>{"input X", "weight W1@conv1", "weight W2@conv2"}));
  std::vector<std::string> served = Find(both, "input X").target_nodes;
  std::sort(served.begin(), served.end());
  EXPECT_EQ(served, (std::vector<std::string>{"conv1", "conv2"}));

  // A Relu branch is not quantized: the Conv keeps a quantizer of its own on its input.
  ModelBuilder split;
  split.Input("X", {1, 3, 8, 8})
      .Random("W1", {4, 3, 1, 1})
      .Node("Conv", {"X", "W1"}, {"Y1"}, {}, "conv1")
      .Node("Relu", {"X"}, {"Y2"}, {}, "relu")
      .Output("Y1", {1, 4, 8, 8})
      .Output("Y2", {1, 3, 8, 8});
  EXPECT_EQ(Placement(Place(split)), (std::set<std::string>{"pre X@conv1:0", "weight W1@conv1"}));
}

TEST(QuantizerPlacementTest, PostHookOnSeveralOutputPortsBecomesPreLayerPoints) {
  ModelBuilder b;
  b.Input("X", {2, 8})
      .Random("W1", {4, 4})
      .Random("W2", {4, 4}, 1.0f, 2)
      .Node("Split", {"X"}, {"a", "b"}, {ir::Attribute::Int("axis", 1)}, "split")
      .Node("MatMul", {"a", "W1"}, {"Y1"}, {}, "mm1")
      .Node("MatMul", {"b", "W2"}, {"Y2"}, {}, "mm2")
      .Output("Y1", {2, 4})
      .Output("Y2", {2, 4});
  // Split passes quantizers up: both branches merge into one on X.
  EXPECT_EQ(Placement(Place(b)),
            (std::set<std::string>{"input X", "weight W1@mm1", "weight W2@mm2"}));
  // Ignored, Split is a barrier: the merged quantizer rests on its post-hook, which reads two
  // output ports, so it is written as one pre-layer quantizer per consumer.
  QuantizeParams params;
  params.ignored_scope.types = {"Split"};
  const QuantizationSetup setup = Place(b, params);
  EXPECT_EQ(Placement(setup), (std::set<std::string>{"pre a@mm1:0", "pre b@mm2:0", "weight W1@mm1",
                                                     "weight W2@mm2"}));
  EXPECT_EQ(setup.ignored_nodes, std::set<std::string>{"split"});
}

TEST(QuantizerPlacementTest, ElementwiseOpWithConstantOperandIsNotQuantized) {
  auto model = [](bool constant_operand) {
    ModelBuilder b;
    b.Input("X", {1, 3, 8, 8})
        .Random("W1", {4, 3, 3, 3})
        .Random("c", {1})
        .Random("W2", {2, 4, 1, 1})
        .Node("Conv", {"X", "W1"}, {"c1"}, {}, "conv1")
        .Node("Relu", {"c1"}, {"r"}, {}, "relu")
        .Node("Add", {"r", constant_operand ? "c" : "r"}, {"a"}, {}, "add")
        .Node("Conv", {"a", "W2"}, {"Y"}, {}, "conv2")
        .Output("Y", {1, 2, 6, 6});
    return b;
  };
  EXPECT_EQ(Placement(Place(model(true))),
            (std::set<std::string>{"input X", "weight W1@conv1", "post a", "weight W2@conv2"}));
  EXPECT_EQ(
      Placement(Place(model(false))),
      (std::set<std::string>{"input X", "weight W1@conv1", "post r", "post a", "weight W2@conv2"}));
}

TEST(QuantizerPlacementTest, ShapeSubgraphIsNotQuantized) {
  ModelBuilder b;
  b.Input("X", {2, 4})
      .Random("two", {1})
      .Random("W", {4, 3})
      .Node("Shape", {"X"}, {"shape"}, {}, "shape")
      .Node("Cast", {"shape"}, {"shape_f"}, {ir::Attribute::Int("to", 1)}, "to_float")
      .Node("Mul", {"shape_f", "shape_f"}, {"scaled"}, {}, "shape_mul")
      .Node("Cast", {"scaled"}, {"new_shape"}, {ir::Attribute::Int("to", 7)}, "to_int")
      .Node("Reshape", {"X", "new_shape"}, {"R"}, {}, "reshape")
      .Node("MatMul", {"R", "W"}, {"Y"}, {}, "mm")
      .Output("Y", {-1, 3}, ir::DType::kFloat, false);
  // shape_mul has two float activation inputs but lives in the shape subgraph.
  EXPECT_EQ(Placement(Place(b)), (std::set<std::string>{"input X", "weight W@mm"}));
}

TEST(QuantizerPlacementTest, QuantizersNeitherSitOnNorCrossIntegerEdges) {
  ModelBuilder b;
  b.Input("X", {4, 3})
      .Input("I", {2}, ir::DType::kInt64)
      .Random("W", {3, 2})
      .Node("Gather", {"X", "I"}, {"G"}, {}, "gather")
      .Node("MatMul", {"G", "W"}, {"Y"}, {}, "mm")
      .Output("Y", {2, 2});
  const QuantizationSetup setup = Place(b);
  EXPECT_EQ(Placement(setup), (std::set<std::string>{"input X", "weight W@mm"}));
}

TEST(QuantizerPlacementTest, SharedWeightGetsOneQuantizer) {
  ModelBuilder b;
  b.Input("X", {2, 4})
      .Random("W", {4, 4})
      .Node("MatMul", {"X", "W"}, {"A"}, {}, "mm1")
      .Node("MatMul", {"A", "W"}, {"Y"}, {}, "mm2")
      .Output("Y", {2, 4});
  const QuantizationSetup setup = Place(b);
  EXPECT_EQ(Placement(setup), (std::set<std::string>{"input X", "post A", "weight W@mm1"}));
  EXPECT_EQ(Find(setup, "weight W@mm1").target_nodes, (std::vector<std::string>{"mm1", "mm2"}));
  EXPECT_EQ(Find(setup, "weight W@mm1").axis, -1);
}

TEST(QuantizerPlacementTest, IgnoredScope) {
  auto place = [](const IgnoredScope& scope) {
    QuantizeParams params;
    params.ignored_scope = scope;
    return Place(ConvReluConv(), params);
  };
  const std::set<std::string> all = {"input X", "weight W1@conv1", "post r", "weight W2@conv2"};
  const std::set<std::string> without_conv2 = {"input X", "weight W1@conv1"};

  IgnoredScope names;
  names.names = {"conv2"};
  const QuantizationSetup by_name = place(names);
  EXPECT_EQ(Placement(by_name), without_conv2);
  EXPECT_EQ(by_name.ignored_nodes, std::set<std::string>{"conv2"});

  IgnoredScope patterns;
  patterns.patterns = {"conv"};  // anchored at the start: conv1 and conv2
  EXPECT_TRUE(place(patterns).quantizers.empty());

  // relu is fused into conv1 (LINEAR+ACTIVATIONS); only the first node's status counts.
  IgnoredScope types;
  types.types = {"Relu"};
  EXPECT_EQ(Placement(place(types)), all);

  IgnoredScope subgraph;
  subgraph.subgraphs = {Subgraph{{"r"}, {"Y"}}};
  EXPECT_EQ(Placement(place(subgraph)), without_conv2);

  IgnoredScope missing;
  missing.names = {"nope"};
  missing.types = {"Softmax"};
  try {
    place(missing);
    FAIL() << "expected an error";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::kInvalidArgument);
    const std::string message = error.what();
    EXPECT_NE(message.find("nope"), std::string::npos) << message;
    EXPECT_NE(message.find("Softmax"), std::string::npos) << message;
  }
  missing.validate = false;
  EXPECT_EQ(Placement(place(missing)), all);
}

TEST(QuantizerPlacementTest, TransformerAttention) {
  ModelBuilder b;
  b.Input("X", {1, 4, 8})
      .Input("X2", {1, 4, 8})
      .Random("Wq", {8, 8})
      .Random("Wk", {8, 8}, 1.0f, 2)
      .Random("Wv", {8, 8}, 1.0f, 3)
      .Node("MatMul", {"X", "Wq"}, {"Q"}, {}, "mq")
      .Node("MatMul", {"X", "Wk"}, {"K"}, {}, "mk")
      .Node("MatMul", {"X", "Wv"}, {"V"}, {}, "mv")
      .Node("Transpose", {"K"}, {"Kt"}, {ir::Attribute::Ints("perm", {0, 2, 1})}, "k_t")
      .Node("MatMul", {"Q", "Kt"}, {"S"}, {}, "qk")
      .Node("Softmax", {"S"}, {"P"}, {ir::Attribute::Int("axis", -1)}, "softmax")
      .Node("Transpose", {"V"}, {"Vt"}, {ir::Attribute::Ints("perm", {0, 1, 2})}, "v_t")
      .Node("MatMul", {"P", "Vt"}, {"Y"}, {}, "pv")
      .Node("Sigmoid", {"X2"}, {"s2"}, {}, "sigmoid")
      .Node("Mul", {"s2", "s2"}, {"Y2"}, {}, "square")
      .Output("Y", {1, 4, 8})
      .Output("Y2", {1, 4, 8});
  QuantizeParams params;
  params.model_type = ModelType::kTransformer;
  const QuantizationSetup setup = Place(b, params);
  // pv (probabilities x V) is the MULTIHEAD_ATTENTION_OUTPUT pattern; Mul is an ignored
  // metatype for transformers.
  EXPECT_EQ(Placement(setup), (std::set<std::string>{"input X", "weight Wq@mq", "weight Wk@mk",
                                                     "weight Wv@mv", "post Q", "post K"}));
  for (const char* name : {"softmax", "pv", "v_t", "square"}) {
    EXPECT_TRUE(setup.ignored_nodes.count(name)) << name;
  }
  // MIXED preset: activations asymmetric, except the activation x activation MatMul inputs.
  EXPECT_EQ(Find(setup, "input X").config, kAsymmetricActivation);
  EXPECT_EQ(Find(setup, "post Q").config, kSymmetricActivation);
  EXPECT_EQ(Find(setup, "post K").config, kSymmetricActivation);
  EXPECT_EQ(Find(setup, "weight Wq@mq").config, kWeightConfig);

  // Without the transformer model type pv and the Mul are quantized, all symmetric.
  const QuantizationSetup plain = Place(b);
  EXPECT_EQ(Placement(plain),
            (std::set<std::string>{"input X", "weight Wq@mq", "weight Wk@mk", "weight Wv@mv",
                                   "post Q", "post K", "post P", "post V", "post s2"}));
  EXPECT_EQ(Find(plain, "input X").config, kSymmetricActivation);
}

TEST(QuantizerPlacementTest, QuantizeOutputs) {
  ModelBuilder b;
  b.Input("X", {1, 3, 8, 8})
      .Random("W", {4, 3, 3, 3})
      .Node("Conv", {"X", "W"}, {"Y"}, {}, "conv")
      .Output("Y", {1, 4, 6, 6});
  EXPECT_EQ(Placement(Place(b)), (std::set<std::string>{"input X", "weight W@conv"}));
  QuantizeParams params;
  params.quantize_outputs = true;
  const QuantizationSetup setup = Place(b, params);
  EXPECT_EQ(Placement(setup), (std::set<std::string>{"input X", "weight W@conv", "post Y"}));
  EXPECT_EQ(Find(setup, "post Y").target_nodes, std::vector<std::string>{"nncf_model_output_0"});
}

TEST(QuantizerPlacementTest, OverflowFixLayers) {
  ModelBuilder b;
  b.Input("X", {1, 3, 8, 8})
      .Random("W1", {4, 3, 3, 3})
      .Random("W2", {4, 4, 3, 3})
      .Random("W3", {2, 16})
      .Node("Conv", {"X", "W1"}, {"c1"}, {}, "conv1")
      .Node("Relu", {"c1"}, {"r1"}, {}, "relu1")
      .Node("Conv", {"r1", "W2"}, {"c2"}, {}, "conv2")
      .Node("Relu", {"c2"}, {"r2"}, {}, "relu2")
      .Node("Flatten", {"r2"}, {"f"}, {}, "flatten")
      .Node("Gemm", {"f", "W3"}, {"Y"}, {ir::Attribute::Int("transB", 1)}, "gemm")
      .Output("Y", {1, 2});
  auto half_range = [&b](std::optional<OverflowFix> fix) {
    QuantizeParams params;
    params.overflow_fix = fix;
    std::set<std::string> nodes;
    for (const QuantizerSpec& q : Place(b, params).quantizers) {
      if (q.half_range) nodes.insert(q.point.node);
    }
    return nodes;
  };
  EXPECT_EQ(half_range(std::nullopt), std::set<std::string>{"conv1"});  // FIRST_LAYER
  EXPECT_EQ(half_range(OverflowFix::kFirstLayer), std::set<std::string>{"conv1"});
  EXPECT_EQ(half_range(OverflowFix::kEnable), (std::set<std::string>{"conv1", "conv2", "gemm"}));
  EXPECT_TRUE(half_range(OverflowFix::kDisable).empty());
  // A bit width other than 8 turns the default off.
  QuantizeParams sixteen;
  sixteen.activations.num_bits = 16;
  for (const QuantizerSpec& q : Place(b, sixteen).quantizers) EXPECT_FALSE(q.half_range);
}

TEST(QuantizerPlacementTest, WeightAxes) {
  ModelBuilder b;
  b.Input("X", {3, 5})
      .Random("W0", {4, 3})
      .Random("W1", {5, 2})
      .Random("W2", {6, 2})
      .Random("W3", {6, 7})
      .Random("W4", {5, 3})
      .Node("MatMul", {"W0", "X"}, {"A"}, {}, "mm_port0")  // weight on port 0: [M, K]
      .Node("MatMul", {"A", "W1"}, {"B"}, {}, "mm_port1")
      .Node("Gemm", {"B", "W2"}, {"C"}, {ir::Attribute::Int("transB", 1)}, "gemm_tb")
      .Node("Gemm", {"C", "W3"}, {"D"}, {}, "gemm")
      .Node("Gemm", {"W4", "D"}, {"Y"}, {ir::Attribute::Int("transA", 1)}, "gemm_ta")
      .Output("Y", {3, 7});
  const QuantizationSetup setup = Place(b);
  // Port-0 MatMul weights are quantized per output row M (-2), not per K as NNCF does.
  EXPECT_EQ(Find(setup, "weight W0@mm_port0").axis, -2);
  EXPECT_EQ(Find(setup, "weight W1@mm_port1").axis, -1);
  EXPECT_EQ(Find(setup, "weight W2@gemm_tb").axis, -2);
  EXPECT_EQ(Find(setup, "weight W3@gemm").axis, -1);
  EXPECT_EQ(Find(setup, "weight W4@gemm_ta").axis, -1);
  EXPECT_EQ(Find(setup, "input X").target_nodes, std::vector<std::string>{"mm_port0"});
}

TEST(QuantizerPlacementTest, Float16ModelIsPlacedLikeFloat32) {
  const std::set<std::string> expected = {"input X", "weight W1@conv1", "post r",
                                          "weight W2@conv2"};
  EXPECT_EQ(Placement(Place(ConvReluConv(ir::DType::kFloat))), expected);
  EXPECT_EQ(Placement(Place(ConvReluConv(ir::DType::kFloat16))), expected);
}

TEST(QuantizerPlacementTest, Float64IsLeftAlone) {
  ModelBuilder b;
  b.Input("X", {2, 4}, ir::DType::kDouble)
      .Initializer(ir::Tensor::Zeros("Wd", ir::DType::kDouble, {4, 4}))
      .Random("W", {4, 4})
      .Node("MatMul", {"X", "Wd"}, {"A"}, {}, "mm_double")
      .Node("Cast", {"A"}, {"Af"}, {ir::Attribute::Int("to", 1)}, "cast")
      .Node("MatMul", {"Af", "W"}, {"Y"}, {}, "mm")
      .Output("Y", {2, 4});
  EXPECT_EQ(Placement(Place(b)), (std::set<std::string>{"post Af", "weight W@mm"}));
}

TEST(QuantizerPlacementTest, UnknownOpsAreNotQuantizable) {
  ModelBuilder b;
  b.Input("X", {2, 4})
      .Random("scale", {4})
      .Random("W", {4, 4})
      .Node("LayerNormalization", {"X", "scale"}, {"n"}, {}, "ln")
      .Node("MatMul", {"n", "W"}, {"Y"}, {}, "mm")
      .Output("Y", {2, 4});
  b.model().SetOpset("", 17);
  EXPECT_EQ(Placement(Place(b)), (std::set<std::string>{"post n", "weight W@mm"}));
}

TEST(QuantizerPlacementTest, EmbeddingOutputIsQuantizedThroughItsWeights) {
  ModelBuilder b;
  b.Input("ids", {2}, ir::DType::kInt64)
      .Random("table", {10, 4})
      .Random("W", {4, 4})
      .Node("Gather", {"table", "ids"}, {"E"}, {}, "embed")
      .Node("MatMul", {"E", "W"}, {"Y"}, {}, "mm")
      .Output("Y", {2, 4});
  const QuantizationSetup setup = Place(b);
  EXPECT_EQ(Placement(setup), (std::set<std::string>{"weight table@embed", "weight W@mm"}));
  // The table takes the activation's place: per-tensor, full range, signed.
  EXPECT_EQ(Find(setup, "weight table@embed").config,
            Config(QuantizationScheme::kSymmetric, false, false, true));
  std::vector<std::string> served = Find(setup, "weight table@embed").target_nodes;
  EXPECT_EQ(served, std::vector<std::string>{"embed"});
  EXPECT_EQ(Find(setup, "weight W@mm").config, kWeightConfig);
}

TEST(QuantizerPlacementTest, Fp8ModePlacesTheSameQuantizers) {
  QuantizeParams params;
  params.mode = QuantizationMode::kFp8E4M3;
  params.activations.num_bits = 4;  // FP8 parameters carry no integer constraints
  const QuantizationSetup setup = Place(ConvReluConv(), params);
  EXPECT_EQ(Placement(setup),
            (std::set<std::string>{"input X", "weight W1@conv1", "post r", "weight W2@conv2"}));
  for (const QuantizerSpec& q : setup.quantizers) {
    EXPECT_EQ(q.config.num_bits, 8);
    EXPECT_EQ(q.config.mode, QuantizationScheme::kSymmetric);
    EXPECT_FALSE(q.half_range);  // FP8 turns the overflow fix off
  }
}

TEST(QuantizerPlacementTest, UserQuantizationParameters) {
  QuantizeParams params;
  params.activations.mode = QuantizationScheme::kAsymmetric;
  params.weights.per_channel = false;
  const QuantizationSetup setup = Place(ConvReluConv(), params);
  EXPECT_EQ(Find(setup, "post r").config, kAsymmetricActivation);
  EXPECT_EQ(Find(setup, "weight W2@conv2").config,
            Config(QuantizationScheme::kSymmetric, false, true, true));

  QuantizeParams mixed;
  mixed.preset = Preset::kMixed;
  EXPECT_EQ(Find(Place(ConvReluConv(), mixed), "input X").config, kAsymmetricActivation);
  EXPECT_EQ(Find(Place(ConvReluConv(), mixed), "weight W1@conv1").config, kWeightConfig);

  QuantizeParams sixteen;
  sixteen.activations.num_bits = 16;
  EXPECT_EQ(Find(Place(ConvReluConv(), sixteen), "post r").config.num_bits, 16);
}

TEST(QuantizerPlacementTest, ImpossibleParametersNameTheOp) {
  auto expect_error = [](const QuantizeParams& params, ErrorCode code, const std::string& text) {
    try {
      Place(ConvReluConv(), params);
      FAIL() << "expected an error mentioning " << text;
    } catch (const Error& error) {
      EXPECT_EQ(error.code(), code);
      EXPECT_NE(std::string(error.what()).find(text), std::string::npos) << error.what();
    }
  };
  QuantizeParams per_channel;
  per_channel.activations.per_channel = true;  // q8_a is per-tensor only
  expect_error(per_channel, ErrorCode::kInvalidArgument, "'conv1'");
  QuantizeParams wide_weights;
  wide_weights.weights.narrow_range = false;  // q8_w_sym is narrow only
  expect_error(wide_weights, ErrorCode::kInvalidArgument, "'conv1'");
  QuantizeParams spr;
  spr.target_device = TargetDevice::kCpuSpr;
  expect_error(spr, ErrorCode::kUnsupported, "CPU_SPR");

  QuantizeParams gpu;
  gpu.target_device = TargetDevice::kGpu;  // rewritten to CPU for 8-bit
  EXPECT_EQ(Placement(Place(ConvReluConv(), gpu)), Placement(Place(ConvReluConv())));
}

TEST(QuantizerPlacementTest, PlanJson) {
  const QuantizationSetup setup = Place(ConvReluConv());
  const std::string json = setup.ToJson();
  EXPECT_EQ(json.rfind("{\"quantizers\":[{\"id\":0,", 0), 0u) << json;
  EXPECT_NE(json.find("\"kind\":\"model_input\",\"tensor\":\"X\""), std::string::npos) << json;
  EXPECT_NE(json.find("\"kind\":\"weight\",\"tensor\":\"W1\",\"node\":\"conv1\",\"port\":1,"
                      "\"is_weight\":true,\"bits\":8,\"mode\":\"symmetric\",\"signed\":true,"
                      "\"per_channel\":true,\"narrow_range\":true,\"axis\":0,\"half_range\":true"),
            std::string::npos)
      << json;
  EXPECT_NE(json.find("\"unified_groups\":[],\"ignored_nodes\":[]}"), std::string::npos) << json;
}

}  // namespace
}  // namespace nncf::algorithms::quantization
