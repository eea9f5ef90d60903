// The fused and ignored patterns of NNCF's ONNX backend, built the way NNCF composes them.
#include "algorithms/quantization/fused_patterns.h"

namespace nncf::algorithms::quantization {
namespace {

using M = Metatype;

const std::set<Metatype> kLinear = {M::kConv,       M::kDepthwiseConv, M::kConvTranspose,
                                    M::kDeformConv, M::kGemm,          M::kMatMul};
const std::set<Metatype> kArithmetic = {M::kAdd, M::kSub, M::kMul, M::kDiv};
const std::set<Metatype> kAtomicActivations = {M::kRelu,        M::kLeakyRelu, M::kThresholdedRelu,
                                               M::kElu,         M::kPRelu,     M::kSigmoid,
                                               M::kHardSigmoid, M::kHardSwish, M::kSelu};

GraphPattern Single(const std::string& label, std::set<Metatype> metatypes) {
  GraphPattern pattern;
  pattern.AddNode(label, std::move(metatypes));
  return pattern;
}

GraphPattern Linear() {
  return Single("LINEAR", kLinear);
}
GraphPattern BatchNorm() {
  return Single("BATCH_NORMALIZATION", {M::kBatchNorm});
}
GraphPattern Arithmetic() {
  return Single("ARITHMETIC", kArithmetic);
}
GraphPattern Squeeze() {
  return Single("SQUEEZE", {M::kSqueeze});
}

GraphPattern Mvn() {
  GraphPattern p;
  const int input = p.AddNonPatternNode("*INPUT_NODE*");
  const int mean1 = p.AddNode("REDUCE_MEAN_1", {M::kReduceMean});
  const int sub = p.AddNode("SUBTRACT", {M::kSub});
  const int pow = p.AddNode("POW", {M::kPow});
  const int mean2 = p.AddNode("REDUCE_MEAN_2", {M::kReduceMean});
  const int add = p.AddNode("ADD", {M::kAdd});
  const int sqrt = p.AddNode("SQRT", {M::kSqrt});
  const int div = p.AddNode("DIV", {M::kDiv});
  p.AddEdge(input, mean1);
  p.AddEdge(mean1, sub);
  p.AddEdge(input, sub);
  p.AddEdge(sub, pow);
  p.AddEdge(pow, mean2);
  p.AddEdge(mean2, add);
  p.AddEdge(add, sqrt);
  p.AddEdge(sqrt, div);
  p.AddEdge(sub, div);
  return p;
}

GraphPattern ScaleShift() {
  GraphPattern p;
  const int input = p.AddNonPatternNode("*INPUT_NODE*");
  const int mul = p.AddNode("MULTIPLY", {M::kMul});
  const int add = p.AddNode("ADD, SUBTRACT", {M::kAdd, M::kSub});
  p.AddEdge(input, mul);
  p.AddEdge(mul, add);
  return p;
}

GraphPattern ShiftScale() {
  GraphPattern p;
  const int add = p.AddNode("ADD, SUBTRACT", {M::kAdd, M::kSub});
  const int mul = p.AddNode("MULTIPLY, DIV", {M::kMul, M::kDiv});
  p.AddEdge(add, mul);
  return p;
}

GraphPattern Gelu() {
  GraphPattern p;
  const int input = p.AddNonPatternNode("*INPUT_NODE*");
  const int div = p.AddNode("DIV", {M::kDiv, M::kMul});
  const int erf = p.AddNode("ERF", {M::kErf});
  const int add = p.AddNode("ADD", {M::kAdd, M::kSub});
  const int mul = p.AddNode("MUL", {M::kMul, M::kDiv});
  p.AddEdge(input, div);
  p.AddEdge(div, erf);
  p.AddEdge(erf, add);
  p.AddEdge(add, mul);
  p.AddEdge(input, mul);
  return p;
}

GraphPattern SwishWith(Metatype sigmoid_type, const std::string& label) {
  GraphPattern p;
  const int input = p.AddNonPatternNode("*INPUT_NODE*");
  const int sigmoid = p.AddNode(label, {sigmoid_type});
  const int mul = p.AddNode("MULTIPLY", {M::kMul});
  p.AddEdge(input, sigmoid);
  p.AddEdge(sigmoid, mul);
  p.AddEdge(input, mul);
  return p;
}

GraphPattern HSwishWithoutDenominator() {
  GraphPattern p;
  const int any = p.AddAnyNode("ANY");
  const int add = p.AddNode("ADD", {M::kAdd});
  const int relu = p.AddNode("RELU", {M::kRelu});
  const int mul = p.AddNode("MULTIPLY", {M::kMul});
  p.AddEdge(any, add);
  p.AddEdge(add, relu);
  p.AddEdge(relu, mul);
  p.AddEdge(any, mul);
  return p;
}

GraphPattern HSwish() {
  GraphPattern hswish = HSwishWithoutDenominator();
  hswish.Join(Single("DIV", {M::kDiv}));
  return hswish;
}

GraphPattern AtomicActivations() {
  GraphPattern p = Single("ATOMIC_ACTIVATIONS", kAtomicActivations);
  p.AddAlternative(SwishWith(M::kSigmoid, "SIGMOID"));
  p.AddAlternative(SwishWith(M::kHardSigmoid, "HARD_SIGMOID"));
  p.AddAlternative(HSwish());
  p.AddAlternative(HSwishWithoutDenominator());
  p.AddAlternative(Gelu());
  return p;
}

GraphPattern Chain(std::initializer_list<GraphPattern> parts) {
  auto it = parts.begin();
  GraphPattern result = *it;
  for (++it; it != parts.end(); ++it) result.Join(*it);
  return result;
}

GraphPattern InputFollowedBy(const GraphPattern& rest) {
  GraphPattern p = Single("MODEL_INPUT", {M::kModelInput});
  p.Join(rest);
  return p;
}

GraphPattern InputProcessing() {
  GraphPattern p;
  const int input = p.AddNode("MODEL_INPUT", {M::kModelInput});
  const int op = p.AddNode("ADD, MULTIPLY", {M::kAdd, M::kMul});
  p.AddEdge(input, op);
  return p;
}

GraphPattern LinearArithmetic() {
  GraphPattern pattern;
  for (int degree : {1, 2}) {
    GraphPattern linear = Linear();
    linear.JoinParallel(Arithmetic(), degree);
    pattern.AddAlternative(linear);
  }
  return pattern;
}

GraphPattern SeBlock() {
  GraphPattern p;
  const int input = p.AddNonPatternNode("NON_PATTERN_NODE");
  const int reduce =
      p.AddNode("REDUCE_MEAN || GLOBAL_AVERAGE_POOL", {M::kReduceMean, M::kGlobalAveragePool});
  p.SetExclude(reduce);
  const int conv = p.AddNode("CONVOLUTION", {M::kConv});
  p.AddEdge(input, reduce);
  p.AddEdge(reduce, conv);
  p.Join(AtomicActivations());
  GraphPattern rest;
  const int conv2 = rest.AddNode("CONVOLUTION", {M::kConv});
  const int sigmoid = rest.AddNode("SIGMOID", {M::kSigmoid, M::kHardSigmoid});
  const int mul = rest.AddNode("LAST_MULTIPLY", {M::kMul});
  rest.SetExclude(mul);
  rest.AddEdge(conv2, sigmoid);
  rest.AddEdge(sigmoid, mul);
  p.Join(rest);
  // Each alternative's block input also feeds its final Mul.
  for (const GraphPattern& component : p.Components()) {
    int non_pattern = -1, last_mul = -1;
    for (const PatternNode& node : component.nodes()) {
      if (node.label == "NON_PATTERN_NODE") non_pattern = node.key;
      if (node.label == "LAST_MULTIPLY") last_mul = node.key;
    }
    p.AddEdge(non_pattern, last_mul);
  }
  return p;
}

void AddSoftmaxMatMul(GraphPattern& p, bool with_reshape) {
  const std::set<Metatype> branch = {M::kReshape, M::kTranspose, M::kSplit,
                                     M::kGather,  M::kSqueeze,   M::kConcat};
  const int softmax = p.AddNode("SOFTMAX", {M::kSoftmax});
  int reshape = -1;
  if (with_reshape) reshape = p.AddNode("RESHAPE", {M::kReshape});
  const int matmul = p.AddNode("MATMUL", {M::kGemm, M::kMatMul});
  const int other = p.AddNode("RESHAPE||TRANSPOSE||GATHER||SQUEEZE||CONCAT", branch);
  if (with_reshape) {
    p.AddEdge(softmax, reshape);
    p.AddEdge(reshape, matmul);
  } else {
    p.AddEdge(softmax, matmul);
  }
  p.AddEdge(other, matmul);
}

GraphPattern Rope() {
  GraphPattern p;
  const int matmul = p.AddNode("MATMUL", {M::kMatMul});
  const int transpose = p.AddNode("TRANSPOSE", {M::kTranspose});
  const int concat = p.AddNode("CONCAT", {M::kConcat});
  const int cos = p.AddNode("COS", {M::kCos});
  const int sin = p.AddNode("SIN", {M::kSin});
  p.AddEdge(matmul, transpose);
  p.AddEdge(transpose, concat);
  p.AddEdge(concat, cos);
  p.AddEdge(concat, sin);
  return p;
}

GraphPattern SamPositionalEmbedding() {
  GraphPattern p;
  const int matmul = p.AddNode("MATMUL", {M::kMatMul});
  const int mul = p.AddNode("MULTIPLY", {M::kMul});
  const int cos = p.AddNode("COS", {M::kCos});
  const int sin = p.AddNode("SIN", {M::kSin});
  const int concat = p.AddNode("CONCAT", {M::kConcat});
  p.AddEdge(matmul, mul);
  p.AddEdge(mul, cos);
  p.AddEdge(mul, sin);
  p.AddEdge(cos, concat);
  p.AddEdge(sin, concat);
  return p;
}

}  // namespace

GraphPattern HardwareFusedPatterns(bool include_linear_scale_shift) {
  const GraphPattern act = AtomicActivations();
  const GraphPattern bn = BatchNorm();
  const GraphPattern ss = ScaleShift();
  const GraphPattern arith = Arithmetic();
  const GraphPattern linear = Linear();
  std::vector<GraphPattern> registered = {
      Mvn(),
      Chain({Mvn(), ss}),
      Gelu(),
      ss,
      ShiftScale(),
      SwishWith(M::kSigmoid, "SIGMOID"),
      SwishWith(M::kHardSigmoid, "HARD_SIGMOID"),
      HSwishWithoutDenominator(),
      HSwish(),
      InputFollowedBy(ss),
      InputFollowedBy(ShiftScale()),
      InputProcessing(),
      Chain({act, bn}),
      Chain({act, ss}),
      Chain({arith, bn}),
      Chain({arith, act}),
      Chain({arith, ss}),
      Chain({arith, bn, act}),
      Chain({arith, ss, act}),
      Chain({arith, act, bn}),
      Chain({arith, act, ss}),
      Chain({bn, act}),
      Chain({ss, act}),
      LinearArithmetic(),
      Chain({linear, bn}),
      Chain({linear, act}),
      Chain({linear, bn, act}),
      Chain({linear, ss, act}),
      Chain({linear, act, bn}),
      Chain({linear, act, ss}),
      Chain({linear, bn, ss, act}),
      Chain({linear, Squeeze(), act}),
      Chain({linear, Squeeze(), arith, act}),
      Chain({bn, ss, act}),
      Chain({linear, arith, act}),
      Chain({linear, ShiftScale()}),
      Chain({linear, arith, act, arith}),
  };
  if (include_linear_scale_shift) registered.push_back(Chain({linear, ss}));
  GraphPattern full;
  for (const GraphPattern& pattern : registered) full.AddAlternative(pattern);
  return full;
}

GraphPattern IgnoredPatterns(bool transformer) {
  GraphPattern full;
  if (transformer) {
    GraphPattern mha;
    AddSoftmaxMatMul(mha, false);
    AddSoftmaxMatMul(mha, true);
    full.AddAlternative(mha);
  }
  full.AddAlternative(SeBlock());
  if (transformer) {
    full.AddAlternative(Rope());
    full.AddAlternative(SamPositionalEmbedding());
  }
  return full;
}

}  // namespace nncf::algorithms::quantization
