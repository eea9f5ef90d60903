// The plan-level Conv(+Add)(+Relu) fusion must compute what the unfused plan computes. An
// observer that wants an intermediate value forces the unfused plan, so both run on one
// executor with the same inputs.
#include <gtest/gtest.h>

#include <map>

#include <cmath>
#include <cstring>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "core/exec/executor.h"
#include "core/ir/attribute.h"

namespace nncf::exec {
namespace {

using ir::DType;

ir::Tensor RandomTensor(const std::string& name, std::vector<int64_t> dims, uint32_t seed) {
  ir::Tensor t = ir::Tensor::Zeros(name, DType::kFloat, dims);
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> dist(-1.f, 1.f);
  float* p = const_cast<float*>(t.DataAs<float>());
  for (int64_t i = 0; i < t.NumElements(); ++i) p[i] = dist(rng);
  return t;
}

ir::Node Conv(const std::string& x, const std::string& w, const std::string& b,
              const std::string& y, int64_t group = 1) {
  ir::Node n;
  n.op_type = "Conv";
  n.name = y + "_conv";
  n.inputs = {x, w};
  if (!b.empty()) n.inputs.push_back(b);
  n.outputs = {y};
  n.attributes.push_back(ir::Attribute::Ints("pads", {1, 1, 1, 1}));
  n.attributes.push_back(ir::Attribute::Ints("kernel_shape", {3, 3}));
  if (group != 1) n.attributes.push_back(ir::Attribute::Int("group", group));
  return n;
}

ir::Node Op(const std::string& op, std::vector<std::string> in, const std::string& out) {
  ir::Node n;
  n.op_type = op;
  n.name = out + "_" + op;
  n.inputs = std::move(in);
  n.outputs = {out};
  return n;
}

// x -> conv1 -> relu -> conv2 -> (+ relu1) -> relu -> conv3 (depthwise) -> relu -> MaxPool -> y
// Covers Conv+Relu, Conv+Add+Relu with a channels-last residual, a depthwise conv, a conv
// without bias, and a non-conv consumer at the end (back to plain layout).
std::shared_ptr<ir::Model> ResidualModel() {
  auto model = std::make_shared<ir::Model>();
  model->ir_version = 8;
  model->SetOpset("", 17);
  model->graph.emplace();
  ir::Graph& g = *model->graph;
  g.name = "fusion";
  const int64_t c = 8;
  g.initializers.push_back(RandomTensor("w1", {c, 3, 3, 3}, 1));
  g.initializers.push_back(RandomTensor("b1", {c}, 2));
  g.initializers.push_back(RandomTensor("w2", {c, c, 3, 3}, 3));
  g.initializers.push_back(RandomTensor("w3", {c, 1, 3, 3}, 4));
  g.initializers.push_back(RandomTensor("b3", {c}, 5));
  g.nodes.push_back(Conv("x", "w1", "b1", "c1"));
  g.nodes.push_back(Op("Relu", {"c1"}, "r1"));
  g.nodes.push_back(Conv("r1", "w2", "", "c2"));
  g.nodes.push_back(Op("Add", {"c2", "r1"}, "s2"));
  g.nodes.push_back(Op("Relu", {"s2"}, "r2"));
  g.nodes.push_back(Conv("r2", "w3", "b3", "c3", c));
  g.nodes.push_back(Op("Relu", {"c3"}, "r3"));
  ir::Node pool = Op("MaxPool", {"r3"}, "y");
  pool.attributes.push_back(ir::Attribute::Ints("kernel_shape", {2, 2}));
  pool.attributes.push_back(ir::Attribute::Ints("strides", {2, 2}));
  g.nodes.push_back(pool);
  ir::ValueInfo x;
  x.name = "x";
  x.type = ir::Type::MakeTensor(DType::kFloat, {-1, 3, 12, 12});
  g.inputs.push_back(x);
  ir::ValueInfo y;
  y.name = "y";
  y.type = ir::Type::MakeTensor(DType::kFloat, {-1, c, 6, 6});
  g.outputs.push_back(y);
  return model;
}

class WantsValue : public ValueObserver {
 public:
  explicit WantsValue(std::string name) : name_(std::move(name)) {}
  bool Wants(const std::string& value_name) const override { return value_name == name_; }
  void Observe(const std::string&, const ir::Tensor&) override { ++seen; }
  int seen = 0;

 private:
  std::string name_;
};

TEST(ExecutorFusionTest, FusedPlanMatchesUnfusedPlan) {
  for (int threads : {1, 2}) {
    ExecutorOptions options;
    options.num_threads = threads;
    Executor executor(ResidualModel(), options);
    const NamedTensors feeds = {{"x", RandomTensor("x", {2, 3, 12, 12}, 99)}};

    const NamedTensors fused = executor.Run(feeds);
    WantsValue observer("s2");  // a value inside a fused group: forces the plain plan
    const NamedTensors plain = executor.Run(feeds, &observer);
    ASSERT_EQ(observer.seen, 1);

    ASSERT_EQ(fused.size(), 1u);
    ASSERT_EQ(plain.size(), 1u);
    const ir::Tensor& a = fused[0].second;
    const ir::Tensor& b = plain[0].second;
    ASSERT_EQ(a.dims, b.dims);
    const float* pa = a.DataAs<float>();
    const float* pb = b.DataAs<float>();
    int nonzero = 0;
    for (int64_t i = 0; i < a.NumElements(); ++i) {
      ASSERT_NEAR(pa[i], pb[i], 1e-5f + 1e-5f * std::fabs(pb[i])) << "element " << i;
      nonzero += pb[i] != 0.f;
    }
    EXPECT_GT(nonzero, a.NumElements() / 4);  // the comparison is not of two all-zero outputs
  }
}

// A model over `g`'s nodes with input x [-1, 3, 12, 12] and output y [-1, c, 12, 12].
std::shared_ptr<ir::Model> ChainModel(ir::Graph graph, int64_t c) {
  auto model = std::make_shared<ir::Model>();
  model->ir_version = 8;
  model->SetOpset("", 17);
  ir::ValueInfo x;
  x.name = "x";
  x.type = ir::Type::MakeTensor(DType::kFloat, {-1, 3, 12, 12});
  graph.inputs.push_back(x);
  ir::ValueInfo y;
  y.name = "y";
  y.type = ir::Type::MakeTensor(DType::kFloat, {-1, c, 12, 12});
  graph.outputs.push_back(y);
  model->graph = std::move(graph);
  return model;
}

// Runs the fused plan and the plain one (forced by watching `watched`), checks they agree within
// float rounding and returns whether any element differs at all.
bool FusedDiffersFromPlain(const std::shared_ptr<ir::Model>& model, const std::string& watched,
                           int* negative = nullptr) {
  ExecutorOptions options;
  options.num_threads = 2;
  Executor executor(model, options);
  const NamedTensors feeds = {{"x", RandomTensor("x", {2, 3, 12, 12}, 97)}};
  const NamedTensors fused = executor.Run(feeds);
  WantsValue observer(watched);
  const NamedTensors plain = executor.Run(feeds, &observer);
  EXPECT_EQ(observer.seen, 1);
  const float* pa = fused[0].second.DataAs<float>();
  const float* pb = plain[0].second.DataAs<float>();
  bool differs = false;
  for (int64_t i = 0; i < plain[0].second.NumElements(); ++i) {
    EXPECT_NEAR(pa[i], pb[i], 1e-4f + 1e-5f * std::fabs(pb[i])) << "element " << i;
    differs = differs || pa[i] != pb[i];
    if (negative) *negative += pb[i] < 0;
  }
  return differs;
}

// x -> Conv (bias) -> BatchNormalization -> Relu -> Conv (no bias) -> BatchNormalization -> y:
// the fused plan folds each BatchNormalization into its convolution's weights; the plain plan
// (forced by watching a BatchNormalization output) runs them as written.
TEST(ExecutorFusionTest, BatchNormFoldedIntoConvolutions) {
  ir::Graph g;
  const int64_t c = 8;
  g.initializers.push_back(RandomTensor("w1", {c, 3, 3, 3}, 11));
  g.initializers.push_back(RandomTensor("b1", {c}, 12));
  g.initializers.push_back(RandomTensor("w2", {c, c, 3, 3}, 13));
  for (const char* bn : {"bn1", "bn2"}) {
    const uint32_t seed = bn[2] == '1' ? 20 : 30;
    g.initializers.push_back(RandomTensor(std::string(bn) + "_scale", {c}, seed));
    g.initializers.push_back(RandomTensor(std::string(bn) + "_shift", {c}, seed + 1));
    g.initializers.push_back(RandomTensor(std::string(bn) + "_mean", {c}, seed + 2));
    ir::Tensor var = RandomTensor(std::string(bn) + "_var", {c}, seed + 3);
    float* v = const_cast<float*>(var.DataAs<float>());
    for (int64_t i = 0; i < c; ++i) v[i] = std::fabs(v[i]) + 0.1f;
    g.initializers.push_back(var);
  }
  g.nodes.push_back(Conv("x", "w1", "b1", "c1"));
  g.nodes.push_back(
      Op("BatchNormalization", {"c1", "bn1_scale", "bn1_shift", "bn1_mean", "bn1_var"}, "n1"));
  g.nodes.push_back(Op("Relu", {"n1"}, "r1"));
  g.nodes.push_back(Conv("r1", "w2", "", "c2"));
  g.nodes.push_back(
      Op("BatchNormalization", {"c2", "bn2_scale", "bn2_shift", "bn2_mean", "bn2_var"}, "y"));
  // Folding rounds differently from the separate BatchNormalization: bit-equal outputs would mean
  // the fused plan did not fold it.
  EXPECT_TRUE(FusedDiffersFromPlain(ChainModel(std::move(g), c), "n1"));
}

// Conv -> HardSwish -> depthwise Conv -> Add(residual) -> HardSwish: HardSwish becomes the fused
// step's post-op (oneDNN's hardswish), also after a residual sum.
TEST(ExecutorFusionTest, HardSwishFusedIntoConvolutions) {
  ir::Graph g;
  const int64_t c = 8;
  g.initializers.push_back(RandomTensor("w1", {c, 3, 3, 3}, 41));
  g.initializers.push_back(RandomTensor("b1", {c}, 42));
  g.initializers.push_back(RandomTensor("w2", {c, 1, 3, 3}, 43));
  g.nodes.push_back(Conv("x", "w1", "b1", "c1"));
  g.nodes.push_back(Op("HardSwish", {"c1"}, "h1"));
  g.nodes.push_back(Conv("h1", "w2", "", "c2", c));
  g.nodes.push_back(Op("Add", {"c2", "h1"}, "s2"));
  g.nodes.push_back(Op("HardSwish", {"s2"}, "y"));
  int negative = 0;
  // oneDNN's hardswish rounds as x * relu6(x + 3) / 6, ours as x * clip(x / 6 + 0.5): some
  // element differs in its last bits only when the fused post-op ran.
  EXPECT_TRUE(FusedDiffersFromPlain(ChainModel(std::move(g), c), "c1", &negative));
  EXPECT_GT(negative, 0);  // HardSwish's negative lobe is exercised
}

TEST(ExecutorFusionTest, RequestedIntermediateIsReturnedCorrectly) {
  // Asking for a value inside a fusable chain must not lose it to fusion.
  ExecutorOptions options;
  options.outputs = {"c2", "y"};
  Executor executor(ResidualModel(), options);
  ExecutorOptions plain_options;
  plain_options.outputs = {"y"};
  Executor reference(ResidualModel(), plain_options);
  const NamedTensors feeds = {{"x", RandomTensor("x", {1, 3, 12, 12}, 7)}};
  const NamedTensors got = executor.Run(feeds);
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0].first, "c2");
  EXPECT_EQ(got[0].second.dims, (std::vector<int64_t>{1, 8, 12, 12}));
  WantsValue observer("c2");
  const NamedTensors ref = reference.Run(feeds, &observer);
  const float* pa = got[1].second.DataAs<float>();
  const float* pb = ref[0].second.DataAs<float>();
  for (int64_t i = 0; i < got[1].second.NumElements(); ++i) {
    ASSERT_NEAR(pa[i], pb[i], 1e-5f + 1e-5f * std::fabs(pb[i])) << "element " << i;
  }
}

// Values declared as observed stay out of fused steps: the observer gets them in plain layout,
// equal to the same value requested as an output, and the final output is unchanged.
class CopiesValue : public ValueObserver {
 public:
  explicit CopiesValue(std::string name) : name_(std::move(name)) {}
  bool Wants(const std::string& value_name) const override { return value_name == name_; }
  void Observe(const std::string&, const ir::Tensor& value) override { copy = value; }
  ir::Tensor copy;

 private:
  std::string name_;
};

TEST(ExecutorFusionTest, ObservedValuesKeepTheirLayout) {
  const NamedTensors feeds = {{"x", RandomTensor("x", {2, 3, 12, 12}, 11)}};
  ExecutorOptions requested_options;
  requested_options.outputs = {"c2", "r2", "y"};
  const NamedTensors want = Executor(ResidualModel(), requested_options).Run(feeds);
  for (const std::string name : {"c2", "r2"}) {
    ExecutorOptions options;
    options.observed = {name, "not_a_value"};
    Executor executor(ResidualModel(), options);
    CopiesValue observer(name);
    const NamedTensors got = executor.Run(feeds, &observer);
    const ir::Tensor& expected = want[name == "c2" ? 0 : 1].second;
    ASSERT_EQ(observer.copy.dims, expected.dims) << name;
    for (int64_t i = 0; i < expected.NumElements(); ++i) {
      ASSERT_NEAR(observer.copy.DataAs<float>()[i], expected.DataAs<float>()[i],
                  1e-5f + 1e-5f * std::fabs(expected.DataAs<float>()[i]))
          << name << " element " << i;
    }
    for (int64_t i = 0; i < got[0].second.NumElements(); ++i) {
      ASSERT_NEAR(got[0].second.DataAs<float>()[i], want[2].second.DataAs<float>()[i],
                  1e-5f + 1e-5f * std::fabs(want[2].second.DataAs<float>()[i]))
          << "y element " << i;
    }
  }
}

// Residual Adds whose convolution operand is observed run as one Add+Relu step that keeps its
// operands and result channels-last (the statistics pass of quantization); with operands of
// different shapes it broadcasts through the plain order. Both must equal the unfused plan.
// x -> conv1 -> relu -> r1; r1 -> GlobalAveragePool -> conv_g -> cg; r1 -> conv2 -> c2;
// r2 = relu(c2 + cg) (broadcast); r3 = relu(r2 + c2) (same shapes); y = relu(conv3(r3)).
std::shared_ptr<ir::Model> TailModel() {
  auto model = std::make_shared<ir::Model>();
  model->ir_version = 8;
  model->SetOpset("", 17);
  model->graph.emplace();
  ir::Graph& g = *model->graph;
  g.name = "tails";
  const int64_t c = 8;
  g.initializers.push_back(RandomTensor("w1", {c, 3, 3, 3}, 21));
  g.initializers.push_back(RandomTensor("w2", {c, c, 3, 3}, 22));
  g.initializers.push_back(RandomTensor("wg", {c, c, 3, 3}, 23));
  g.initializers.push_back(RandomTensor("w3", {c, c, 3, 3}, 24));
  g.initializers.push_back(RandomTensor("w4", {c, c, 3, 3}, 25));
  g.nodes.push_back(Conv("x", "w1", "", "c1"));
  g.nodes.push_back(Op("Relu", {"c1"}, "r1"));
  g.nodes.push_back(Op("GlobalAveragePool", {"r1"}, "gp"));
  g.nodes.push_back(Conv("gp", "wg", "", "cg"));
  g.nodes.push_back(Conv("r1", "w2", "", "c2"));
  g.nodes.push_back(Op("Add", {"c2", "cg"}, "s2"));  // broadcast: [N, C, H, W] + [N, C, 1, 1]
  g.nodes.push_back(Op("Relu", {"s2"}, "r2"));
  g.nodes.push_back(Op("Add", {"r2", "c2"}, "s3"));  // same shapes
  g.nodes.push_back(Op("Relu", {"s3"}, "r3"));
  g.nodes.push_back(Conv("r3", "w3", "", "c3"));
  g.nodes.push_back(Op("Relu", {"c3"}, "y"));
  ir::ValueInfo x;
  x.name = "x";
  x.type = ir::Type::MakeTensor(DType::kFloat, {-1, 3, 10, 10});
  g.inputs.push_back(x);
  ir::ValueInfo y;
  y.name = "y";
  y.type = ir::Type::MakeTensor(DType::kFloat, {-1, c, 10, 10});
  g.outputs.push_back(y);
  return model;
}

// Takes values in either layout and keeps them in the plain order.
class PlainCopies : public ValueObserver {
 public:
  bool Wants(const std::string& value_name) const override {
    return value_name == "c2" || value_name == "r2" || value_name == "cg";
  }
  void Observe(const std::string& name, const ir::Tensor& value) override { copies[name] = value; }
  bool AcceptsChannelsLast() const override { return true; }
  void ObserveChannelsLast(const std::string& name, const ir::Tensor& value) override {
    ++channels_last;
    const int64_t n = value.dims[0], c = value.dims[1];
    const int64_t s = value.NumElements() / (n * c);
    ir::Tensor plain = ir::Tensor::Zeros(name, DType::kFloat, value.dims);
    float* out = const_cast<float*>(plain.DataAs<float>());
    for (int64_t b = 0; b < n; ++b) {
      for (int64_t ch = 0; ch < c; ++ch) {
        for (int64_t p = 0; p < s; ++p) {
          out[(b * c + ch) * s + p] = value.DataAs<float>()[(b * s + p) * c + ch];
        }
      }
    }
    copies[name] = plain;
  }
  std::map<std::string, ir::Tensor> copies;
  int channels_last = 0;
};

// Three chained 72-term convolutions in different oneDNN algorithms: float rounding differs by
// a few units in the fifth digit.
void ExpectClose(const ir::Tensor& got, const ir::Tensor& want, const std::string& what) {
  ASSERT_EQ(got.dims, want.dims) << what;
  for (int64_t i = 0; i < want.NumElements(); ++i) {
    ASSERT_NEAR(got.DataAs<float>()[i], want.DataAs<float>()[i],
                5e-5f + 1e-4f * std::fabs(want.DataAs<float>()[i]))
        << what << " element " << i;
  }
}

TEST(ExecutorFusionTest, ResidualTailsMatchTheUnfusedPlan) {
  const NamedTensors feeds = {{"x", RandomTensor("x", {2, 3, 10, 10}, 31)}};
  ExecutorOptions reference_options;
  reference_options.outputs = {"c2", "r2", "cg", "y"};
  const NamedTensors want = Executor(TailModel(), reference_options).Run(feeds);
  for (int threads : {1, 2}) {
    ExecutorOptions options;
    options.num_threads = threads;
    options.observed = {"c2", "r2", "cg"};
    Executor executor(TailModel(), options);
    PlainCopies observer;
    const NamedTensors got = executor.Run(feeds, &observer);
    // The observed convolution outputs and the broadcast tail's result arrive channels-last:
    // the fused plan ran.
    EXPECT_EQ(observer.channels_last, 3);
    ExpectClose(got[0].second, want[3].second, "y");
    ExpectClose(observer.copies.at("c2"), want[0].second, "c2");
    ExpectClose(observer.copies.at("r2"), want[1].second, "r2");
    ExpectClose(observer.copies.at("cg"), want[2].second, "cg");
    // A plain-layout observer of the same values makes the executor fall back to the plain
    // plan, with the same result.
    WantsValue plain_observer("s3");
    ExpectClose(executor.Run(feeds, &plain_observer)[0].second, want[3].second, "y (plain)");
    EXPECT_EQ(plain_observer.seen, 1);
  }
}

// A GlobalAveragePool after the last fused convolution reads its channels-last output directly:
// the same sums, in the same order, as the plain plan.
TEST(ExecutorFusionTest, GlobalAveragePoolReadsChannelsLast) {
  auto model = std::make_shared<ir::Model>();
  model->ir_version = 8;
  model->SetOpset("", 17);
  model->graph.emplace();
  ir::Graph& g = *model->graph;
  g.name = "gap";
  const int64_t c = 13;
  g.initializers.push_back(RandomTensor("w1", {c, 3, 3, 3}, 41));
  g.initializers.push_back(RandomTensor("w2", {c, c, 3, 3}, 42));
  g.nodes.push_back(Conv("x", "w1", "", "c1"));
  g.nodes.push_back(Op("Relu", {"c1"}, "r1"));
  g.nodes.push_back(Conv("r1", "w2", "", "c2"));
  g.nodes.push_back(Op("Relu", {"c2"}, "r2"));
  g.nodes.push_back(Op("GlobalAveragePool", {"r2"}, "y"));
  ir::ValueInfo x;
  x.name = "x";
  x.type = ir::Type::MakeTensor(DType::kFloat, {-1, 3, 9, 7});
  g.inputs.push_back(x);
  ir::ValueInfo y;
  y.name = "y";
  y.type = ir::Type::MakeTensor(DType::kFloat, {-1, c, 1, 1});
  g.outputs.push_back(y);
  const NamedTensors feeds = {{"x", RandomTensor("x", {3, 3, 9, 7}, 43)}};
  for (int threads : {1, 2}) {
    ExecutorOptions options;
    options.num_threads = threads;
    Executor executor(model, options);
    const NamedTensors fused = executor.Run(feeds);
    // r1 feeds only fused steps: wanting it forces the plain plan, where r2 is plain.
    WantsValue observer("c1");
    const NamedTensors plain = executor.Run(feeds, &observer);
    ASSERT_EQ(observer.seen, 1);
    ASSERT_EQ(fused[0].second.dims, (std::vector<int64_t>{3, c, 1, 1}));
    // The convolutions themselves agree to rounding; the pooled sums then follow.
    for (int64_t i = 0; i < fused[0].second.NumElements(); ++i) {
      ASSERT_NEAR(fused[0].second.DataAs<float>()[i], plain[0].second.DataAs<float>()[i],
                  1e-5f + 1e-5f * std::fabs(plain[0].second.DataAs<float>()[i]))
          << "element " << i;
    }
    // Against the mean of r2 requested in plain layout: bit for bit, the same order of sums.
    ExecutorOptions with_r2 = options;
    with_r2.outputs = {"r2", "y"};
    const NamedTensors both = Executor(model, with_r2).Run(feeds);
    const ir::Tensor& r2 = both[0].second;
    for (int64_t b = 0; b < 3; ++b) {
      for (int64_t ch = 0; ch < c; ++ch) {
        float sum = 0;
        for (int64_t p = 0; p < 63; ++p) sum += r2.DataAs<float>()[(b * c + ch) * 63 + p];
        ASSERT_EQ(fused[0].second.DataAs<float>()[b * c + ch], sum / 63.0f) << b << " " << ch;
      }
    }
  }
}

// One executor, cached oneDNN primitives, four threads at once: every run must give the bytes a
// lone run gives (each execution gets its own scratchpad).
TEST(ExecutorFusionTest, ConcurrentRunsOfOneDnnKernelsAgree) {
  ExecutorOptions options;
  options.num_threads = 1;
  Executor executor(ResidualModel(), options);
  const NamedTensors feeds = {{"x", RandomTensor("x", {4, 3, 12, 12}, 11)}};
  const ir::Tensor expected = executor.Run(feeds)[0].second;
  std::vector<int> mismatches(4, 0);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 25; ++i) {
        WantsValue observer("s2");  // alternate the fused and the plain plan
        const ir::Tensor got = executor.Run(feeds, (i % 2) ? &observer : nullptr)[0].second;
        if (got.ByteSize() != expected.ByteSize() ||
            std::memcmp(got.bytes(), expected.bytes(), got.ByteSize()) != 0) {
          // The plain plan may differ from the fused one in the last bits; compare loosely.
          const float* a = got.DataAs<float>();
          const float* b = expected.DataAs<float>();
          for (int64_t k = 0; k < got.NumElements(); ++k) {
            if (std::fabs(a[k] - b[k]) > 1e-5f + 1e-5f * std::fabs(b[k])) {
              ++mismatches[t];
              break;
            }
          }
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  for (int t = 0; t < 4; ++t) EXPECT_EQ(mismatches[t], 0) << "thread " << t;
}

}  // namespace
}  // namespace nncf::exec
