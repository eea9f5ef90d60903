#include "core/exec/executor.h"

#include <gtest/gtest.h>

#include <atomic>
#include <cstring>
#include <set>
#include <thread>

#include "core/common/error.h"
#include "core/ir/attribute.h"
#include "core/ir/box.h"

// oneDNN's OpenMP runtime, as the executor sees it (weak: present when libgomp is loaded).
extern "C" int omp_get_max_threads(void) __attribute__((weak));

namespace nncf::exec {
namespace {

using ir::DType;

ir::Tensor FloatTensor(std::vector<int64_t> dims, std::vector<float> values,
                       const std::string& name = "") {
  return ir::Tensor::FromBytes(name, DType::kFloat, std::move(dims), values.data(),
                               values.size() * sizeof(float));
}

ir::Tensor Int64Tensor(std::vector<int64_t> dims, std::vector<int64_t> values,
                       const std::string& name = "") {
  return ir::Tensor::FromBytes(name, DType::kInt64, std::move(dims), values.data(),
                               values.size() * sizeof(int64_t));
}

ir::Tensor BoolTensor(bool value, const std::string& name = "") {
  const uint8_t byte = value ? 1 : 0;
  return ir::Tensor::FromBytes(name, DType::kBool, {}, &byte, 1);
}

std::vector<float> Floats(const ir::Tensor& tensor) {
  const float* data = tensor.DataAs<float>();
  return std::vector<float>(data, data + tensor.NumElements());
}

ir::Node MakeNode(std::string op, std::vector<std::string> inputs, std::vector<std::string> outputs,
                  std::string name = "") {
  ir::Node node;
  node.op_type = std::move(op);
  node.inputs = std::move(inputs);
  node.outputs = std::move(outputs);
  node.name = name.empty() ? node.outputs.front() + "_node" : std::move(name);
  return node;
}

ir::ValueInfo Value(const std::string& name, DType dtype, std::vector<int64_t> dims) {
  ir::ValueInfo info;
  info.name = name;
  info.type = ir::Type::MakeTensor(dtype, dims);
  return info;
}

ir::ValueInfo UntypedValue(const std::string& name) {
  ir::ValueInfo info;
  info.name = name;
  return info;
}

ir::Attribute GraphAttribute(const std::string& name, ir::Graph graph) {
  ir::Attribute attribute;
  attribute.name = name;
  attribute.type = ir::AttributeType::kGraph;
  attribute.g = ir::Box<ir::Graph>(std::move(graph));
  return attribute;
}

std::shared_ptr<ir::Model> MakeModel(ir::Graph graph, int64_t opset = 17) {
  auto model = std::make_shared<ir::Model>();
  model->ir_version = 8;
  model->SetOpset("", opset);
  model->graph = std::move(graph);
  return model;
}

// x[2] -> a = x + w -> b = abs(a) -> c = b * b ; d = a * x (unrequested side branch)
std::shared_ptr<ir::Model> ChainModel() {
  ir::Graph g;
  g.name = "chain";
  g.inputs.push_back(Value("x", DType::kFloat, {2}));
  g.initializers.push_back(FloatTensor({2}, {1.0f, -5.0f}, "w"));
  g.nodes.push_back(MakeNode("Add", {"x", "w"}, {"a"}));
  g.nodes.push_back(MakeNode("Abs", {"a"}, {"b"}));
  g.nodes.push_back(MakeNode("Mul", {"b", "b"}, {"c"}));
  g.nodes.push_back(MakeNode("Mul", {"a", "x"}, {"d"}));
  g.outputs.push_back(Value("c", DType::kFloat, {2}));
  return MakeModel(std::move(g));
}

ErrorCode CodeOf(const std::function<void()>& fn, std::string* message = nullptr) {
  try {
    fn();
  } catch (const Error& e) {
    if (message) *message = e.what();
    return e.code();
  }
  return ErrorCode::kOk;
}

class RecordingObserver : public ValueObserver {
 public:
  explicit RecordingObserver(std::set<std::string> wanted) : wanted_(std::move(wanted)) {}
  bool Wants(const std::string& name) const override { return wanted_.count(name) > 0; }
  void Observe(const std::string& name, const ir::Tensor& value) override {
    seen.emplace_back(name, value);
  }
  NamedTensors seen;

 private:
  std::set<std::string> wanted_;
};

TEST(ExecutorTest, RunsStraightLineGraph) {
  Executor executor(ChainModel(), {});
  EXPECT_EQ(executor.input_names(), std::vector<std::string>{"x"});
  EXPECT_EQ(executor.output_names(), std::vector<std::string>{"c"});
  NamedTensors out = executor.Run({{"x", FloatTensor({2}, {2.0f, 3.0f})}});
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].first, "c");
  EXPECT_EQ(out[0].second.dims, std::vector<int64_t>{2});
  EXPECT_EQ(Floats(out[0].second), (std::vector<float>{9.0f, 4.0f}));
}

TEST(ExecutorTest, SortsNodesGivenOutOfOrder) {
  auto model = ChainModel();
  std::reverse(model->graph->nodes.begin(), model->graph->nodes.end());
  Executor executor(model, {});
  NamedTensors out = executor.Run({{"x", FloatTensor({2}, {2.0f, 3.0f})}});
  EXPECT_EQ(Floats(out[0].second), (std::vector<float>{9.0f, 4.0f}));
}

TEST(ExecutorTest, IgnoresExtraFeedsAndReturnsOnlyRequested) {
  Executor executor(ChainModel(), {});
  NamedTensors out =
      executor.Run({{"label", Int64Tensor({1}, {7})}, {"x", FloatTensor({2}, {0.0f, 10.0f})}});
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(Floats(out[0].second), (std::vector<float>{1.0f, 25.0f}));
}

TEST(ExecutorTest, ObserverSeesValuesWithoutKeepingThem) {
  Executor executor(ChainModel(), {});
  RecordingObserver observer({"x", "a", "b"});
  NamedTensors out = executor.Run({{"x", FloatTensor({2}, {2.0f, 3.0f})}}, &observer);
  ASSERT_EQ(observer.seen.size(), 3u);
  EXPECT_EQ(observer.seen[0].first, "x");
  EXPECT_EQ(observer.seen[1].first, "a");
  EXPECT_EQ(Floats(observer.seen[1].second), (std::vector<float>{3.0f, -2.0f}));
  EXPECT_EQ(observer.seen[2].first, "b");
  EXPECT_EQ(Floats(observer.seen[2].second), (std::vector<float>{3.0f, 2.0f}));
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].first, "c");
  // The side branch d is not needed for c, so it is never computed.
  RecordingObserver side({"d"});
  executor.Run({{"x", FloatTensor({2}, {2.0f, 3.0f})}}, &side);
  EXPECT_TRUE(side.seen.empty());
}

TEST(ExecutorTest, ReleasesBuffersAfterLastUse) {
  // An observer keeps a reference to the observed buffer; once the executor drops its own, only
  // the observer's copy holds it.
  Executor executor(ChainModel(), {});
  RecordingObserver observer({"a", "b", "c"});
  NamedTensors out = executor.Run({{"x", FloatTensor({2}, {2.0f, 3.0f})}}, &observer);
  ASSERT_EQ(observer.seen.size(), 3u);
  EXPECT_EQ(observer.seen[0].second.data.use_count(), 1);  // a: released
  EXPECT_EQ(observer.seen[1].second.data.use_count(), 1);  // b: released
  EXPECT_EQ(observer.seen[2].second.data.use_count(), 2);  // c: returned to the caller
}

TEST(ExecutorTest, UsesInitializersInPlace) {
  auto model = ChainModel();
  ExecutorOptions options;
  options.outputs = {"w", "c"};
  Executor executor(model, options);
  NamedTensors out = executor.Run({{"x", FloatTensor({2}, {2.0f, 3.0f})}});
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].second.data.get(), model->graph->initializers[0].data.get());
}

TEST(ExecutorTest, RunsACut) {
  ExecutorOptions options;
  options.inputs = {"a"};
  options.outputs = {"b", "c"};
  Executor executor(ChainModel(), options);
  EXPECT_EQ(executor.input_names(), std::vector<std::string>{"a"});
  NamedTensors out = executor.Run({{"a", FloatTensor({2}, {-1.0f, 4.0f})}});
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].first, "b");
  EXPECT_EQ(Floats(out[0].second), (std::vector<float>{1.0f, 4.0f}));
  EXPECT_EQ(Floats(out[1].second), (std::vector<float>{1.0f, 16.0f}));
  // The cut never runs the Add that would read x; x is not needed.
}

TEST(ExecutorTest, CutErrorsNameTheValue) {
  std::string message;
  ExecutorOptions bad_input;
  bad_input.inputs = {"nope"};
  EXPECT_EQ(CodeOf([&] { Executor(ChainModel(), bad_input); }, &message),
            ErrorCode::kInvalidArgument);
  EXPECT_NE(message.find("'nope'"), std::string::npos) << message;
  ExecutorOptions bad_output;
  bad_output.outputs = {"missing_out"};
  EXPECT_EQ(CodeOf([&] { Executor(ChainModel(), bad_output); }, &message),
            ErrorCode::kInvalidArgument);
  EXPECT_NE(message.find("'missing_out'"), std::string::npos) << message;
  // d = a * x needs x, which this cut does not feed.
  ExecutorOptions partial;
  partial.inputs = {"a"};
  partial.outputs = {"d"};
  EXPECT_EQ(CodeOf([&] { Executor(ChainModel(), partial); }, &message),
            ErrorCode::kInvalidArgument);
  EXPECT_NE(message.find("'x'"), std::string::npos) << message;
}

TEST(ExecutorTest, UnknownOpIsUnsupported) {
  auto model = ChainModel();
  model->graph->nodes[1].op_type = "FancyOp";
  model->graph->nodes[1].name = "fancy";
  std::string message;
  EXPECT_EQ(CodeOf([&] { Executor(model, {}); }, &message), ErrorCode::kUnsupported);
  EXPECT_NE(message.find("FancyOp"), std::string::npos) << message;
  EXPECT_NE(message.find("'fancy'"), std::string::npos) << message;
  EXPECT_NE(message.find("opset 17"), std::string::npos) << message;
}

TEST(ExecutorTest, CycleIsInvalidModel) {
  ir::Graph g;
  g.name = "loop";
  g.inputs.push_back(Value("x", DType::kFloat, {1}));
  g.nodes.push_back(MakeNode("Add", {"x", "q"}, {"p"}));
  g.nodes.push_back(MakeNode("Abs", {"p"}, {"q"}));
  g.outputs.push_back(UntypedValue("q"));
  std::string message;
  EXPECT_EQ(CodeOf([&] { Executor(MakeModel(std::move(g)), {}); }, &message),
            ErrorCode::kInvalidModel);
  EXPECT_NE(message.find("cycle"), std::string::npos) << message;
}

TEST(ExecutorTest, FeedErrorsNameTheInput) {
  Executor executor(ChainModel(), {});
  std::string message;
  EXPECT_EQ(CodeOf([&] { executor.Run({}); }, &message), ErrorCode::kInvalidArgument);
  EXPECT_NE(message.find("'x'"), std::string::npos) << message;
  EXPECT_EQ(CodeOf(
                [&] {
                  executor.Run({{"x", Int64Tensor({2}, {1, 2})}});
                },
                &message),
            ErrorCode::kInvalidArgument);
  EXPECT_NE(message.find("'x'"), std::string::npos) << message;
  EXPECT_NE(message.find("float"), std::string::npos) << message;
  EXPECT_NE(message.find("int64"), std::string::npos) << message;
  EXPECT_EQ(CodeOf(
                [&] {
                  executor.Run({{"x", FloatTensor({1, 2}, {1, 2})}});
                },
                &message),
            ErrorCode::kInvalidArgument);
  EXPECT_NE(message.find("rank"), std::string::npos) << message;
  EXPECT_EQ(CodeOf(
                [&] {
                  executor.Run({{"x", FloatTensor({3}, {1, 2, 3})}});
                },
                &message),
            ErrorCode::kInvalidArgument);
  EXPECT_NE(message.find("dimension 0"), std::string::npos) << message;
}

TEST(ExecutorTest, KernelErrorsNameTheNode) {
  // x[2] + y[3] does not broadcast.
  ir::Graph g;
  g.inputs.push_back(Value("x", DType::kFloat, {2}));
  g.inputs.push_back(Value("y", DType::kFloat, {3}));
  g.nodes.push_back(MakeNode("Add", {"x", "y"}, {"z"}, "the_add"));
  g.outputs.push_back(UntypedValue("z"));
  Executor executor(MakeModel(std::move(g)), {});
  std::string message;
  EXPECT_EQ(
      CodeOf(
          [&] {
            executor.Run({{"x", FloatTensor({2}, {1, 2})}, {"y", FloatTensor({3}, {1, 2, 3})}});
          },
          &message),
      ErrorCode::kInvalidArgument);
  EXPECT_NE(message.find("the_add"), std::string::npos) << message;
}

TEST(ExecutorTest, NegativeThreadCountIsInvalid) {
  ExecutorOptions options;
  options.num_threads = -1;
  EXPECT_EQ(CodeOf([&] { Executor(ChainModel(), options); }), ErrorCode::kInvalidArgument);
}

class ThreadCountObserver : public ValueObserver {
 public:
  bool Wants(const std::string&) const override { return true; }
  void Observe(const std::string&, const ir::Tensor&) override {
    counts.push_back(omp_get_max_threads());
  }
  std::vector<int> counts;
};

TEST(ExecutorTest, AppliesThreadCountDuringRunOnly) {
  ASSERT_NE(omp_get_max_threads, nullptr) << "libgomp is not loaded";
  const int before = omp_get_max_threads();
  ExecutorOptions options;
  options.num_threads = before == 3 ? 2 : 3;
  Executor executor(ChainModel(), options);
  ThreadCountObserver observer;
  executor.Run({{"x", FloatTensor({2}, {2.0f, 3.0f})}}, &observer);
  ASSERT_FALSE(observer.counts.empty());
  for (int count : observer.counts) EXPECT_EQ(count, options.num_threads);
  EXPECT_EQ(omp_get_max_threads(), before);
}

TEST(ExecutorTest, ConcurrentRunsAgree) {
  ExecutorOptions options;
  options.num_threads = 1;
  Executor executor(ChainModel(), options);
  std::atomic<int> mismatches{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 200; ++i) {
        const float v = static_cast<float>(t * 1000 + i);
        NamedTensors out = executor.Run({{"x", FloatTensor({2}, {v, v + 6.0f})}});
        const std::vector<float> expected = {(v + 1) * (v + 1), (v + 1) * (v + 1)};
        if (Floats(out[0].second) != expected) ++mismatches;
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(mismatches.load(), 0);
}

ir::Graph Branch(const std::string& name, std::vector<ir::Node> nodes,
                 std::vector<std::string> outputs, std::vector<ir::ValueInfo> inputs = {}) {
  ir::Graph g;
  g.name = name;
  g.nodes = std::move(nodes);
  g.inputs = std::move(inputs);
  for (const std::string& output : outputs) g.outputs.push_back(UntypedValue(output));
  return g;
}

// r = c ? (y + x) : (y * x) with y = x + x computed in the main graph and read only by the
// branches (an implicit input of the If).
std::shared_ptr<ir::Model> IfModel() {
  ir::Graph g;
  g.name = "if_main";
  g.inputs.push_back(Value("c", DType::kBool, {}));
  g.inputs.push_back(Value("x", DType::kFloat, {2}));
  ir::Node node = MakeNode("If", {"c"}, {"r"}, "the_if");
  node.attributes.push_back(
      GraphAttribute("then_branch", Branch("then", {MakeNode("Add", {"y", "x"}, {"t"})}, {"t"})));
  node.attributes.push_back(
      GraphAttribute("else_branch", Branch("else", {MakeNode("Mul", {"y", "x"}, {"e"})}, {"e"})));
  g.nodes.push_back(std::move(node));  // before its implicit input's producer in file order
  g.nodes.push_back(MakeNode("Add", {"x", "x"}, {"y"}));
  g.outputs.push_back(UntypedValue("r"));
  return MakeModel(std::move(g));
}

TEST(ExecutorTest, IfRunsTheChosenBranchWithOuterValues) {
  Executor executor(IfModel(), {});
  RecordingObserver observer({"y"});
  NamedTensors yes =
      executor.Run({{"c", BoolTensor(true)}, {"x", FloatTensor({2}, {1, 2})}}, &observer);
  EXPECT_EQ(Floats(yes[0].second), (std::vector<float>{3, 6}));
  ASSERT_EQ(observer.seen.size(), 1u);
  EXPECT_EQ(observer.seen[0].second.data.use_count(), 1);  // y released after the If
  NamedTensors no = executor.Run({{"c", BoolTensor(false)}, {"x", FloatTensor({2}, {1, 2})}});
  EXPECT_EQ(Floats(no[0].second), (std::vector<float>{2, 8}));
}

TEST(ExecutorTest, IfConditionMustBeBool) {
  auto model = IfModel();
  model->graph->inputs[0] = UntypedValue("c");
  Executor executor(model, {});
  std::string message;
  EXPECT_EQ(CodeOf(
                [&] {
                  executor.Run({{"c", FloatTensor({}, {1})}, {"x", FloatTensor({2}, {1, 2})}});
                },
                &message),
            ErrorCode::kInvalidArgument);
  EXPECT_NE(message.find("the_if"), std::string::npos) << message;
}

TEST(ExecutorTest, UnknownOpInsideABranchIsUnsupported) {
  auto model = IfModel();
  ir::Attribute* then_branch = model->graph->nodes[0].FindAttribute("then_branch");
  (*then_branch->g)->nodes[0].op_type = "FancyOp";
  Executor executor(model, {});
  std::string message;
  EXPECT_EQ(CodeOf(
                [&] {
                  executor.Run({{"c", BoolTensor(true)}, {"x", FloatTensor({2}, {1, 2})}});
                },
                &message),
            ErrorCode::kUnsupported);
  EXPECT_NE(message.find("FancyOp"), std::string::npos) << message;
  // The else branch alone still runs.
  NamedTensors no = executor.Run({{"c", BoolTensor(false)}, {"x", FloatTensor({2}, {1, 2})}});
  EXPECT_EQ(Floats(no[0].second), (std::vector<float>{2, 8}));
}

ir::Node CastNode(const std::string& input, const std::string& output, DType to) {
  ir::Node node = MakeNode("Cast", {input}, {output});
  node.attributes.push_back(ir::Attribute::Int("to", static_cast<int64_t>(to)));
  return node;
}

// Loop with trip count M: acc <- acc + w2 + i (w2 = x + x from the main graph), scan of acc_in.
std::shared_ptr<ir::Model> CountedLoopModel() {
  ir::Graph body = Branch(
      "body",
      {MakeNode("Identity", {"cond_in"}, {"cond_out"}), MakeNode("Add", {"acc_in", "w2"}, {"s"}),
       CastNode("i", "i_f", DType::kFloat), MakeNode("Add", {"s", "i_f"}, {"acc_out"}),
       MakeNode("Identity", {"acc_in"}, {"scan_out"})},
      {"cond_out", "acc_out", "scan_out"},
      {Value("i", DType::kInt64, {}), Value("cond_in", DType::kBool, {}), UntypedValue("acc_in")});
  ir::Graph g;
  g.name = "loop_main";
  g.inputs.push_back(Value("m", DType::kInt64, {}));
  g.inputs.push_back(Value("x", DType::kFloat, {2}));
  g.nodes.push_back(MakeNode("Add", {"x", "x"}, {"w2"}));
  ir::Node loop = MakeNode("Loop", {"m", "", "x"}, {"acc", "scan"}, "the_loop");
  loop.attributes.push_back(GraphAttribute("body", std::move(body)));
  g.nodes.push_back(std::move(loop));
  g.outputs.push_back(UntypedValue("acc"));
  g.outputs.push_back(UntypedValue("scan"));
  return MakeModel(std::move(g));
}

TEST(ExecutorTest, LoopWithTripCountCarriesValuesAndStacksScans) {
  Executor executor(CountedLoopModel(), {});
  NamedTensors out = executor.Run({{"m", Int64Tensor({}, {3})}, {"x", FloatTensor({2}, {1, 2})}});
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(Floats(out[0].second), (std::vector<float>{10, 17}));
  EXPECT_EQ(out[1].second.dims, (std::vector<int64_t>{3, 2}));
  EXPECT_EQ(Floats(out[1].second), (std::vector<float>{1, 2, 3, 6, 6, 11}));
  // Zero iterations: the carried value passes through, the scan output is empty.
  NamedTensors none = executor.Run({{"m", Int64Tensor({}, {0})}, {"x", FloatTensor({2}, {1, 2})}});
  EXPECT_EQ(Floats(none[0].second), (std::vector<float>{1, 2}));
  EXPECT_EQ(none[1].second.NumElements(), 0);
}

TEST(ExecutorTest, LoopRunsConcurrently) {
  Executor executor(CountedLoopModel(), {});
  std::atomic<int> mismatches{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 50; ++i) {
        NamedTensors out =
            executor.Run({{"m", Int64Tensor({}, {t + 1})}, {"x", FloatTensor({2}, {1, 2})}});
        // acc after n iterations: x + n * 2x + n(n-1)/2.
        const float n = static_cast<float>(t + 1);
        const std::vector<float> expected = {1 + n * 2 + n * (n - 1) / 2,
                                             2 + n * 4 + n * (n - 1) / 2};
        if (Floats(out[0].second) != expected) ++mismatches;
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(mismatches.load(), 0);
}

// while (acc < limit) acc = acc + 1, optionally bounded by M as well.
std::shared_ptr<ir::Model> ConditionLoopModel(bool with_trip_count) {
  ir::Graph body = Branch(
      "body",
      {MakeNode("Add", {"acc_in", "one"}, {"acc_out"}),
       MakeNode("Less", {"acc_out", "limit"}, {"cond_vec"}),
       MakeNode("Squeeze", {"cond_vec"}, {"cond_out"})},
      {"cond_out", "acc_out", "acc_out"},
      {Value("i", DType::kInt64, {}), Value("cond_in", DType::kBool, {}), UntypedValue("acc_in")});
  body.initializers.push_back(FloatTensor({1}, {1}, "one"));
  ir::Graph g;
  g.name = "while_main";
  g.inputs.push_back(Value("start", DType::kFloat, {1}));
  g.initializers.push_back(FloatTensor({1}, {5}, "limit"));
  g.initializers.push_back(BoolTensor(true, "go"));
  g.initializers.push_back(Int64Tensor({}, {2}, "two"));
  ir::Node loop =
      MakeNode("Loop", {with_trip_count ? "two" : "", "go", "start"}, {"acc", "steps"}, "while");
  loop.attributes.push_back(GraphAttribute("body", std::move(body)));
  g.nodes.push_back(std::move(loop));
  g.outputs.push_back(UntypedValue("acc"));
  g.outputs.push_back(UntypedValue("steps"));
  return MakeModel(std::move(g));
}

TEST(ExecutorTest, LoopStopsOnCondition) {
  Executor executor(ConditionLoopModel(false), {});
  NamedTensors out = executor.Run({{"start", FloatTensor({1}, {0})}});
  EXPECT_EQ(Floats(out[0].second), (std::vector<float>{5}));
  EXPECT_EQ(out[1].second.dims, (std::vector<int64_t>{5, 1}));
  EXPECT_EQ(Floats(out[1].second), (std::vector<float>{1, 2, 3, 4, 5}));
  Executor bounded(ConditionLoopModel(true), {});
  NamedTensors two = bounded.Run({{"start", FloatTensor({1}, {0})}});
  EXPECT_EQ(Floats(two[0].second), (std::vector<float>{2}));
}

TEST(ExecutorTest, NestedSubgraphsSeeEveryEnclosingScope) {
  // Loop body holds an If whose branch reads acc_in (the body's) and w2 (the main graph's).
  ir::Node inner_if = MakeNode("If", {"cond_in"}, {"r"}, "inner_if");
  inner_if.attributes.push_back(GraphAttribute(
      "then_branch", Branch("then", {MakeNode("Add", {"acc_in", "w2"}, {"t"})}, {"t"})));
  inner_if.attributes.push_back(GraphAttribute(
      "else_branch", Branch("else", {MakeNode("Identity", {"acc_in"}, {"e"})}, {"e"})));
  ir::Graph body = Branch(
      "body",
      {MakeNode("Identity", {"cond_in"}, {"cond_out"}), std::move(inner_if),
       MakeNode("Identity", {"r"}, {"acc_out"})},
      {"cond_out", "acc_out"},
      {Value("i", DType::kInt64, {}), Value("cond_in", DType::kBool, {}), UntypedValue("acc_in")});
  ir::Graph g;
  g.inputs.push_back(Value("x", DType::kFloat, {2}));
  g.initializers.push_back(Int64Tensor({}, {2}, "m"));
  g.initializers.push_back(BoolTensor(true, "go"));
  ir::Node loop = MakeNode("Loop", {"m", "go", "x"}, {"acc"}, "outer_loop");
  loop.attributes.push_back(GraphAttribute("body", std::move(body)));
  g.nodes.push_back(std::move(loop));
  g.nodes.push_back(MakeNode("Add", {"x", "x"}, {"w2"}));
  g.outputs.push_back(UntypedValue("acc"));
  Executor executor(MakeModel(std::move(g)), {});
  NamedTensors out = executor.Run({{"x", FloatTensor({2}, {1, 2})}});
  EXPECT_EQ(Floats(out[0].second), (std::vector<float>{5, 10}));
}

TEST(ExecutorTest, UndefinedOuterNameIsInvalidModel) {
  auto model = IfModel();
  ir::Attribute* then_branch = model->graph->nodes[0].FindAttribute("then_branch");
  (*then_branch->g)->nodes[0].inputs[0] = "nowhere";
  std::string message;
  EXPECT_EQ(CodeOf([&] { Executor(model, {}); }, &message), ErrorCode::kInvalidModel);
  EXPECT_NE(message.find("'nowhere'"), std::string::npos) << message;
}

// Scan: sum += x_t; y_t = x_t * k (k from the main graph).
std::shared_ptr<ir::Model> ScanModel(std::vector<ir::Attribute> attributes,
                                     std::vector<int64_t> x_dims) {
  ir::Graph body = Branch(
      "body",
      {MakeNode("Add", {"sum_in", "x_t"}, {"sum_out"}), MakeNode("Mul", {"x_t", "k"}, {"y_t"})},
      {"sum_out", "y_t"}, {UntypedValue("sum_in"), UntypedValue("x_t")});
  ir::Graph g;
  g.inputs.push_back(Value("x", DType::kFloat, x_dims));
  g.initializers.push_back(FloatTensor({2}, {0, 0}, "zero"));
  g.initializers.push_back(FloatTensor({}, {2}, "k"));
  ir::Node scan = MakeNode("Scan", {"zero", "x"}, {"sum", "y"}, "the_scan");
  scan.attributes.push_back(GraphAttribute("body", std::move(body)));
  scan.attributes.push_back(ir::Attribute::Int("num_scan_inputs", 1));
  for (ir::Attribute& attribute : attributes) scan.attributes.push_back(std::move(attribute));
  g.nodes.push_back(std::move(scan));
  g.outputs.push_back(UntypedValue("sum"));
  g.outputs.push_back(UntypedValue("y"));
  return MakeModel(std::move(g));
}

TEST(ExecutorTest, ScanForward) {
  Executor executor(ScanModel({}, {3, 2}), {});
  NamedTensors out = executor.Run({{"x", FloatTensor({3, 2}, {1, 2, 3, 4, 5, 6})}});
  EXPECT_EQ(Floats(out[0].second), (std::vector<float>{9, 12}));
  EXPECT_EQ(out[1].second.dims, (std::vector<int64_t>{3, 2}));
  EXPECT_EQ(Floats(out[1].second), (std::vector<float>{2, 4, 6, 8, 10, 12}));
}

TEST(ExecutorTest, ScanAxesAndDirections) {
  Executor reversed_in(ScanModel({ir::Attribute::Ints("scan_input_directions", {1}),
                                  ir::Attribute::Ints("scan_output_axes", {1})},
                                 {3, 2}),
                       {});
  NamedTensors a = reversed_in.Run({{"x", FloatTensor({3, 2}, {1, 2, 3, 4, 5, 6})}});
  EXPECT_EQ(a[1].second.dims, (std::vector<int64_t>{2, 3}));
  EXPECT_EQ(Floats(a[1].second), (std::vector<float>{10, 6, 2, 12, 8, 4}));

  Executor both(ScanModel({ir::Attribute::Ints("scan_input_directions", {1}),
                           ir::Attribute::Ints("scan_output_axes", {-1}),
                           ir::Attribute::Ints("scan_output_directions", {1})},
                          {3, 2}),
                {});
  NamedTensors b = both.Run({{"x", FloatTensor({3, 2}, {1, 2, 3, 4, 5, 6})}});
  EXPECT_EQ(Floats(b[1].second), (std::vector<float>{2, 6, 10, 4, 8, 12}));

  // Scanning the transposed input along axis 1 gives the forward result.
  Executor axis1(ScanModel({ir::Attribute::Ints("scan_input_axes", {1})}, {2, 3}), {});
  NamedTensors c = axis1.Run({{"x", FloatTensor({2, 3}, {1, 3, 5, 2, 4, 6})}});
  EXPECT_EQ(Floats(c[0].second), (std::vector<float>{9, 12}));
  EXPECT_EQ(Floats(c[1].second), (std::vector<float>{2, 4, 6, 8, 10, 12}));
}

TEST(ExecutorTest, ScanOpset8BatchesAndPadsShortSequences) {
  auto model = ScanModel({ir::Attribute::Ints("directions", {1})}, {2, 3, 2});
  model->SetOpset("", 8);
  ir::Graph& g = *model->graph;
  g.initializers[0] = FloatTensor({2, 2}, {0, 0, 0, 0}, "zero");
  g.initializers.push_back(Int64Tensor({2}, {3, 1}, "lens"));
  ir::Node& scan = g.nodes[0];
  scan.inputs.insert(scan.inputs.begin(), "lens");
  Executor executor(model, {});
  NamedTensors out =
      executor.Run({{"x", FloatTensor({2, 3, 2}, {1, 2, 3, 4, 5, 6, 10, 20, 30, 40, 50, 60})}});
  EXPECT_EQ(out[0].second.dims, (std::vector<int64_t>{2, 2}));
  EXPECT_EQ(Floats(out[0].second), (std::vector<float>{9, 12, 10, 20}));
  EXPECT_EQ(out[1].second.dims, (std::vector<int64_t>{2, 3, 2}));
  EXPECT_EQ(Floats(out[1].second), (std::vector<float>{10, 12, 6, 8, 2, 4, 20, 40, 0, 0, 0, 0}));
}

TEST(ExecutorTest, ScanRejectsBadAttributes) {
  std::string message;
  EXPECT_EQ(
      CodeOf(
          [&] {
            Executor(ScanModel({ir::Attribute::Ints("scan_input_directions", {2})}, {3, 2}), {});
          },
          &message),
      ErrorCode::kUnsupported);
  EXPECT_NE(message.find("scan_input_directions"), std::string::npos) << message;
  Executor bad_axis(ScanModel({ir::Attribute::Ints("scan_input_axes", {5})}, {3, 2}), {});
  EXPECT_EQ(CodeOf(
                [&] {
                  bad_axis.Run({{"x", FloatTensor({3, 2}, {1, 2, 3, 4, 5, 6})}});
                },
                &message),
            ErrorCode::kInvalidArgument);
  EXPECT_NE(message.find("the_scan"), std::string::npos) << message;
}

}  // namespace
}  // namespace nncf::exec
