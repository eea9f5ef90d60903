// Data-aware weight compression (weight_compression.md section 4): the per-item statistics, AWQ's
// patterns and how its scales are applied (folded or by an inserted Mul, the float function kept
// exactly), the pipeline's checks, determinism across thread counts, GPTQ on degenerate inputs
// and the LoRA branch.
#include <gtest/gtest.h>

#include <stdlib.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <tuple>
#include <vector>

#include "algorithms/weight_compression/activation_statistics.h"
#include "algorithms/weight_compression/awq.h"
#include "algorithms/weight_compression/compress_weights.h"
#include "algorithms/weight_compression/gptq.h"
#include "algorithms/weight_compression/layer_selection.h"
#include "core/common/error.h"
#include "core/config/config.h"
#include "core/exec/executor.h"
#include "model_builder.h"
#include "onnx/model_io.h"
#include "vector_dataset.h"

namespace nncf::algorithms::wc {
namespace {

using testing::FloatItem;
using testing::ModelBuilder;
using testing::VectorDataset;

constexpr int64_t kHidden = 64;
constexpr int64_t kTokens = 8;

std::vector<float> RandomValues(int64_t count, float scale, uint32_t seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> normal(0.0f, scale);
  std::vector<float> values(static_cast<size_t>(count));
  for (float& v : values) v = normal(rng);
  return values;
}

// Items x [1, kTokens, kHidden] with channels 3 and 40 ten times larger (salient).
std::vector<data::Sample> Items(int count, uint32_t seed) {
  std::vector<data::Sample> items;
  for (int i = 0; i < count; ++i) {
    std::vector<float> x = RandomValues(kTokens * kHidden, 1.0f, seed + i);
    for (int64_t t = 0; t < kTokens; ++t) {
      x[t * kHidden + 3] *= 10.0f;
      x[t * kHidden + 40] = std::fabs(x[t * kHidden + 40]) * 10.0f;
    }
    items.push_back(FloatItem("x", {1, kTokens, kHidden}, x));
  }
  return items;
}

ModelBuilder Start() {
  ModelBuilder b(17);
  b.Input("x", {1, kTokens, kHidden});
  return b;
}

void Weight(ModelBuilder& b, const std::string& name, int64_t in, int64_t out, uint32_t seed) {
  b.Floats(name, {in, out}, RandomValues(in * out, 0.1f, seed));
}

// LayerNormalization feeding q and k (a norm group), whose sum is the output.
ir::Model NormGroup(bool residual_reads_norm) {
  ModelBuilder b = Start();
  b.Floats("gamma", {kHidden}, RandomValues(kHidden, 1.0f, 1));
  b.Floats("beta", {kHidden}, RandomValues(kHidden, 0.1f, 2));
  Weight(b, "wq", kHidden, kHidden, 3);
  Weight(b, "wk", kHidden, kHidden, 4);
  b.Node("LayerNormalization", {"x", "gamma", "beta"}, {"n"}, {ir::Attribute::Int("axis", -1)},
         "ln");
  b.Node("MatMul", {"n", "wq"}, {"q"}, {}, "q_proj");
  b.Node("MatMul", {"n", "wk"}, {"k"}, {}, "k_proj");
  b.Node("Add", {"q", "k"}, {"qk"}, {}, "add");
  if (residual_reads_norm) {
    b.Node("Add", {"qk", "n"}, {"y"}, {}, "residual");
  } else {
    b.Node("Identity", {"qk"}, {"y"}, {}, "out");
  }
  b.Output("y", {1, kTokens, kHidden});
  return b.Build();
}

// up/gate MLP: MatMul(up) and Relu(MatMul(gate)) multiplied, then MatMul(down).
ir::Model Mlp() {
  ModelBuilder b = Start();
  Weight(b, "w_up", kHidden, kHidden, 5);
  Weight(b, "w_gate", kHidden, kHidden, 6);
  Weight(b, "w_down", kHidden, kHidden, 7);
  b.Node("MatMul", {"x", "w_up"}, {"u"}, {}, "up");
  b.Node("MatMul", {"x", "w_gate"}, {"g"}, {}, "gate");
  b.Node("Relu", {"g"}, {"a"}, {}, "act");
  b.Node("Mul", {"a", "u"}, {"m"}, {}, "mul");
  b.Node("MatMul", {"m", "w_down"}, {"y"}, {}, "down");
  b.Output("y", {1, kTokens, kHidden});
  return b.Build();
}

// `op` -> MatMul.
ir::Model ActivationThenMatMul(const std::string& op) {
  ModelBuilder b = Start();
  Weight(b, "w", kHidden, kHidden, 8);
  b.Node(op, {"x"}, {"a"}, {}, "act");
  b.Node("MatMul", {"a", "w"}, {"y"}, {}, "proj");
  b.Output("y", {1, kTokens, kHidden});
  return b.Build();
}

LayerPlan Plan4Bit(const ir::Graph& graph) {
  LayerPlanOptions options;
  options.mode = WeightMode::kInt4Sym;
  options.group_size = 32;
  options.backup = WeightMode::kInt8Asym;
  options.all_layers = true;
  return PlanLayers(graph, {}, options);
}

std::map<std::string, ActivationStatistics> MeansOf(const ir::Model& model,
                                                    const std::vector<std::string>& values) {
  VectorDataset dataset(Items(6, 100));
  ActivationStatisticsOptions options;
  options.means = true;
  return CollectActivationStatistics(model, dataset, values, options, Context(), "test");
}

// The model with only AWQ's changes (no quantization): must compute what the float model does.
ir::Model ApplyAwqOnly(const ir::Model& model, const AwqOutcome& outcome) {
  ir::Model result = model;
  for (const auto& [name, tensor] : outcome.tensors) *result.graph->FindInitializer(name) = tensor;
  ApplyScaleInsertions(*result.graph, outcome.insertions);
  return result;
}

ir::Tensor Infer(const ir::Model& model, const data::Sample& item) {
  exec::ExecutorOptions options;
  options.num_threads = 1;
  exec::Executor executor(std::make_shared<ir::Model>(model), options);
  return executor.Run({{"x", *item.Find("x")}}).at(0).second;
}

void ExpectSameFunction(const ir::Model& a, const ir::Model& b) {
  for (const data::Sample& item : Items(2, 900)) {
    const std::vector<float> x = Infer(a, item).ToFloats(), y = Infer(b, item).ToFloats();
    ASSERT_EQ(x.size(), y.size());
    for (size_t i = 0; i < x.size(); ++i) {
      EXPECT_NEAR(x[i], y[i], 1e-4f + 1e-4f * std::fabs(x[i])) << i;
    }
  }
}

AwqOutcome Awq(const ir::Model& model, std::map<std::string, ActivationStatistics>* stats) {
  const ir::Graph& graph = *model.graph;
  const TensorLookup lookup = [&graph](const std::string& name) {
    return graph.FindInitializer(name);
  };
  return ComputeAwq(graph, Plan4Bit(graph), lookup, stats, AwqParams(), 2, Context(), "awq");
}

TEST(ActivationMeans, PerItemMeansTokensAndHessian) {
  ModelBuilder b;
  b.Input("x", {2, 3}).Output("y", {2, 2});
  b.Floats("w", {3, 2}, {1, 2, 3, 4, 5, 6});
  b.Node("MatMul", {"x", "w"}, {"y"}, {}, "mm");
  VectorDataset dataset({FloatItem("x", {2, 3}, {1, -2, 0.5f, 3, 0, 0.5f}),
                         FloatItem("x", {2, 3}, {0, 4, -1, 0, -4, 1})});
  ActivationStatisticsOptions options;
  options.means = true;
  options.hessian = true;
  const ActivationStatistics x =
      CollectActivationStatistics(b.Build(), dataset, {"x"}, options, Context(), "t").at("x");
  ASSERT_EQ(x.means.size(), 2u);
  EXPECT_EQ(x.means[0], (std::vector<float>{2, -1, 0.5f}));
  EXPECT_EQ(x.means[1], (std::vector<float>{0, 0, 0}));
  EXPECT_EQ(x.tokens, (std::vector<int64_t>{2, 2}));
  ASSERT_EQ(x.hessian.size(), 9u);
  // (2 / 2 items) * sum over the four rows of x_i x_j.
  EXPECT_DOUBLE_EQ(x.hessian[0], 1 + 9);                // (0,0)
  EXPECT_DOUBLE_EQ(x.hessian[1], -2 + 0 + 0 + 0);       // (0,1)
  EXPECT_DOUBLE_EQ(x.hessian[4], 4 + 0 + 16 + 16);      // (1,1)
  EXPECT_DOUBLE_EQ(x.hessian[5], -1 + 0 - 4 - 4);       // (1,2)
  EXPECT_DOUBLE_EQ(x.hessian[7], x.hessian[5]);         // symmetric
  EXPECT_DOUBLE_EQ(x.hessian[8], 0.25 + 0.25 + 1 + 1);  // (2,2)
}

TEST(ActivationMeans, SamplingFollowsNncfsProcessStats) {
  ActivationStatistics stats;
  stats.hidden = 1;
  // Five items with token counts 1..5 and means -1, 2, -3, 4, -5.
  for (int i = 0; i < 5; ++i) {
    stats.means.push_back({float((i % 2 ? 1 : -1) * (i + 1))});
    stats.tokens.push_back(i + 1);
  }
  const SampledActivations all = SampleActivations(stats, 8);
  EXPECT_EQ(all.samples, 5);
  EXPECT_EQ(all.s, (std::vector<float>{5}));
  // subset 2: step 5 / 2 = 2 over the order by tokens (5, 4, 3, 2, 1): items 5, 3, 1, so three
  // samples, more than the subset, as NNCF takes them; s still over all items.
  const SampledActivations some = SampleActivations(stats, 2);
  EXPECT_EQ(some.samples, 3);
  EXPECT_EQ(some.x, (std::vector<float>{-5, -3, -1}));
  EXPECT_EQ(some.s, (std::vector<float>{5}));
  stats.DivideChannels({2.0f});
  EXPECT_EQ(stats.means[4], (std::vector<float>{-2.5f}));
}

TEST(Awq, NormGroupIsFoldedIntoTheNormAndKeepsTheFunction) {
  const ir::Model model = NormGroup(false);
  auto stats = MeansOf(model, {"n"});
  const float before = stats.at("n").means[0][3];
  const AwqOutcome outcome = Awq(model, &stats);
  ASSERT_EQ(outcome.layers.size(), 1u);
  const AwqLayerReport& layer = outcome.layers[0];
  EXPECT_EQ(layer.pattern, "layer_norm");
  EXPECT_EQ(layer.nodes, (std::vector<std::string>{"q_proj", "k_proj"}));
  EXPECT_EQ(layer.merge_node, "ln");
  EXPECT_TRUE(layer.folded);
  EXPECT_TRUE(layer.data_aware);
  EXPECT_TRUE(outcome.insertions.empty());
  EXPECT_GT(layer.channels_scaled, 0);
  EXPECT_LE(layer.channels_scaled, 32);  // only the group holding the top channel
  for (const char* name : {"wq", "wk", "gamma", "beta"}) EXPECT_TRUE(outcome.tensors.count(name));
  EXPECT_NE(stats.at("n").means[0][3], before) << "statistics are divided by the scale";
  ExpectSameFunction(model, ApplyAwqOnly(model, outcome));
}

TEST(Awq, NormReadByAnotherLayerGetsAMulInFrontOfTheGroupOnly) {
  const ir::Model model = NormGroup(true);
  auto stats = MeansOf(model, {"n"});
  const AwqOutcome outcome = Awq(model, &stats);
  ASSERT_EQ(outcome.layers.size(), 1u);
  EXPECT_FALSE(outcome.layers[0].folded);
  EXPECT_EQ(outcome.layers[0].mul_node, "ln/awq_mul");
  EXPECT_FALSE(outcome.tensors.count("gamma"));
  const ir::Model scaled = ApplyAwqOnly(model, outcome);
  for (const ir::Node& node : scaled.graph->nodes) {
    if (node.name == "q_proj" || node.name == "k_proj") {
      EXPECT_EQ(node.inputs[0], "ln/awq_mul_output");
    }
    if (node.name == "residual") {
      EXPECT_EQ(node.inputs[1], "n");
    }
  }
  ExpectSameFunction(model, scaled);
}

TEST(Awq, MatMulMulMatMulFoldsIntoTheUpProjection) {
  const ir::Model model = Mlp();
  auto stats = MeansOf(model, {"x", "m"});
  const AwqOutcome outcome = Awq(model, &stats);
  ASSERT_EQ(outcome.layers.size(), 1u);
  EXPECT_EQ(outcome.layers[0].pattern, "matmul_mul_matmul");
  EXPECT_EQ(outcome.layers[0].nodes, (std::vector<std::string>{"down"}));
  EXPECT_EQ(outcome.layers[0].merge_node, "up");
  EXPECT_TRUE(outcome.layers[0].folded);
  EXPECT_TRUE(outcome.tensors.count("w_up"));
  EXPECT_TRUE(outcome.tensors.count("w_down"));
  ExpectSameFunction(model, ApplyAwqOnly(model, outcome));
}

TEST(Awq, ActivationPatternInsertsAMulAndOtherActivationsAreLeftAlone) {
  const ir::Model relu = ActivationThenMatMul("Relu");
  auto stats = MeansOf(relu, {"a"});
  const AwqOutcome outcome = Awq(relu, &stats);
  ASSERT_EQ(outcome.layers.size(), 1u);
  EXPECT_EQ(outcome.layers[0].pattern, "act_matmul");
  EXPECT_EQ(outcome.layers[0].mul_node, "act/awq_mul");
  ExpectSameFunction(relu, ApplyAwqOnly(relu, outcome));

  // Tanh is not one of NNCF's AWQ activations.
  const ir::Model tanh = ActivationThenMatMul("Tanh");
  auto tanh_stats = MeansOf(tanh, {"a"});
  EXPECT_TRUE(Awq(tanh, &tanh_stats).layers.empty());
}

TEST(Awq, DataFreeScaleIsTheInverseMeanMagnitude) {
  const ir::Model model = ActivationThenMatMul("Relu");
  const AwqOutcome outcome = Awq(model, nullptr);
  ASSERT_EQ(outcome.layers.size(), 1u);
  EXPECT_FALSE(outcome.layers[0].data_aware);
  EXPECT_EQ(outcome.layers[0].channels_scaled, kHidden);
  // W * s with s[c] = 1 / mean_o |W[c, o]|: every input row of the scaled weight has mean |.| 1.
  const std::vector<float> w = outcome.tensors.at("w").ToFloats();
  for (int64_t c = 0; c < kHidden; ++c) {
    double sum = 0;
    for (int64_t o = 0; o < kHidden; ++o) sum += std::fabs(w[c * kHidden + o]);
    EXPECT_NEAR(sum / kHidden, 1.0, 1e-5) << c;
  }
  ExpectSameFunction(model, ApplyAwqOnly(model, outcome));
}

CompressWeightsParams Int4(bool awq, bool se, bool gptq, bool lora, int threads) {
  CompressWeightsParams params;
  params.mode = WeightMode::kInt4Sym;
  params.group_size = 32;
  params.all_layers = true;
  params.subset_size = 6;
  params.awq = awq;
  params.scale_estimation = se;
  params.gptq = gptq;
  params.lora_correction = lora;
  params.num_threads = threads;
  return params;
}

void ExpectError(const std::function<void()>& body, ErrorCode code, const std::string& text) {
  try {
    body();
    ADD_FAILURE() << "no error; expected one mentioning '" << text << "'";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), code) << error.what();
    EXPECT_NE(std::string(error.what()).find(text), std::string::npos) << error.what();
  }
}

TEST(DataAwarePipeline, RefusesWhatCannotWork) {
  const ir::Model model = Mlp();
  VectorDataset dataset(Items(6, 1));
  ExpectError(
      [&] {
        CompressWeights(model, &dataset, Int4(false, false, true, true, 1), Context(), nullptr);
      },
      ErrorCode::kInvalidArgument, "gptq and lora_correction");
  ExpectError(
      [&] {
        CompressWeights(model, nullptr, Int4(false, true, false, false, 1), Context(), nullptr);
      },
      ErrorCode::kInvalidArgument, "scale_estimation needs activation statistics");
  CompressWeightsParams int8 = Int4(true, false, false, false, 1);
  int8.mode = WeightMode::kInt8Asym;
  int8.group_size.reset();
  int8.all_layers = false;
  ExpectError([&] { CompressWeights(model, &dataset, int8, Context(), nullptr); },
              ErrorCode::kInvalidArgument, "awq");
  CompressWeightsParams many = Int4(false, true, false, false, 1);
  many.subset_size = 7;
  ExpectError([&] { CompressWeights(model, &dataset, many, Context(), nullptr); },
              ErrorCode::kInvalidArgument, "fewer than subset_size 7");
  CompressWeightsParams fq = Int4(false, false, false, true, 1);
  fq.format = WeightFormat::kFakeQuantize;
  ExpectError([&] { CompressWeights(model, &dataset, fq, Context(), nullptr); },
              ErrorCode::kInvalidArgument, "fake-quantize");
  // Items that do not fit the model name the item.
  VectorDataset wrong({FloatItem("x", {1, kTokens, 3}, std::vector<float>(kTokens * 3, 1.0f))});
  CompressWeightsParams one = Int4(false, true, false, false, 1);
  one.subset_size = 1;
  ExpectError([&] { CompressWeights(model, &wrong, one, Context(), nullptr); },
              ErrorCode::kInvalidArgument, "item 0");
}

TEST(DataAwarePipeline, SameBytesWhateverTheThreadCount) {
  const ir::Model model = NormGroup(false);
  for (auto [awq, se, gptq, lora] :
       {std::tuple{true, true, false, false}, std::tuple{false, true, true, false},
        std::tuple{true, false, false, true}}) {
    std::string bytes[2];
    for (int threads : {1, 2}) {
      VectorDataset dataset(Items(6, 1));
      const ir::Model result =
          CompressWeights(model, &dataset, Int4(awq, se, gptq, lora, threads), Context(), nullptr);
      bytes[threads - 1] = onnx::SaveModelBytes(result);
    }
    EXPECT_EQ(bytes[0], bytes[1]) << awq << se << gptq << lora;
  }
}

TEST(DataAwarePipeline, ReportsEveryAlgorithm) {
  const ir::Model model = NormGroup(false);
  VectorDataset dataset(Items(6, 1));
  CompressWeightsReport report;
  CompressWeights(model, &dataset, Int4(true, true, true, false, 1), Context(), &report);
  ASSERT_EQ(report.awq.size(), 1u);
  ASSERT_EQ(report.gptq.size(), 2u);
  EXPECT_TRUE(report.scale_estimation.empty()) << "inside GPTQ, not on its own";
  for (const AlgorithmLayerReport& layer : report.gptq) {
    EXPECT_LT(layer.after, layer.before) << layer.node;
    EXPECT_GT(layer.damp, 0);
  }
  const std::string json = report.ToJson();
  for (const char* key :
       {"\"awq\":[{", "\"pattern\":\"layer_norm\"", "\"gptq\":[{", "\"proxy_loss_rtn\"",
        "\"scale_estimation\":[]", "\"lora_correction\":[]"}) {
    EXPECT_NE(json.find(key), std::string::npos) << key << " in " << json;
  }
}

TEST(DataAwarePipeline, LoraBranchBringsTheOutputCloserToFloat) {
  const ir::Model model = Mlp();
  VectorDataset plain_data(Items(6, 1)), lora_data(Items(6, 1));
  CompressWeightsParams plain = Int4(false, false, false, false, 1);
  const ir::Model rtn = CompressWeights(model, &plain_data, plain, Context(), nullptr);
  CompressWeightsReport report;
  const ir::Model lora =
      CompressWeights(model, &lora_data, Int4(false, false, false, true, 1), Context(), &report);
  ASSERT_EQ(report.lora_correction.size(), 3u);
  int branches = 0;
  for (const ir::Node& node : lora.graph->nodes) branches += node.name == "down/lora/Add";
  EXPECT_EQ(branches, 1);
  double error_rtn = 0, error_lora = 0;
  for (const data::Sample& item : Items(6, 1)) {
    const std::vector<float> f = Infer(model, item).ToFloats();
    const std::vector<float> r = Infer(rtn, item).ToFloats();
    const std::vector<float> l = Infer(lora, item).ToFloats();
    for (size_t i = 0; i < f.size(); ++i) {
      error_rtn += (r[i] - f[i]) * (r[i] - f[i]);
      error_lora += (l[i] - f[i]) * (l[i] - f[i]);
    }
  }
  EXPECT_LT(error_lora, error_rtn);
}

std::string ReadBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

TEST(DataAwarePipeline, StreamingMatchesInMemoryByteForByte) {
  char pattern[] = "/tmp/nncf_data_aware_XXXXXX";
  ASSERT_NE(mkdtemp(pattern), nullptr);
  const std::filesystem::path dir = pattern;
  onnx::SaveOptions save;
  save.external_data = onnx::ExternalDataMode::kAlways;
  save.size_threshold = 64;
  save.external_data_file = "out.data";
  for (bool mlp : {false, true}) {
    const ir::Model model = mlp ? Mlp() : NormGroup(true);
    const std::string input = (dir / "in.onnx").string();
    onnx::SaveModelFile(model, input, save, Context());
    const CompressWeightsParams params = Int4(true, !mlp, false, mlp, 2);
    std::filesystem::create_directories(dir / "streamed");
    std::filesystem::create_directories(dir / "memory");
    VectorDataset first(Items(6, 1)), second(Items(6, 1));
    CompressWeightsReport streamed_report, memory_report;
    CompressWeightsFile(input, (dir / "streamed" / "out.onnx").string(), &first, params, save,
                        Context(), &streamed_report);
    const ir::Model memory =
        CompressWeights(onnx::LoadModelFile(input, {}), &second, params, Context(), &memory_report);
    onnx::SaveModelFile(memory, (dir / "memory" / "out.onnx").string(), save, Context());
    EXPECT_EQ(streamed_report.ToJson(), memory_report.ToJson());
    EXPECT_EQ(ReadBytes((dir / "streamed" / "out.onnx").string()),
              ReadBytes((dir / "memory" / "out.onnx").string()))
        << (mlp ? "mlp" : "norm");
    EXPECT_EQ(ReadBytes((dir / "streamed" / "out.data").string()),
              ReadBytes((dir / "memory" / "out.data").string()));
    const ir::Model reloaded = onnx::LoadModelFile((dir / "streamed" / "out.onnx").string(), {});
    const data::Sample item = Items(1, 77)[0];
    EXPECT_EQ(Infer(reloaded, item).ToFloats(), Infer(memory, item).ToFloats());
  }
  std::filesystem::remove_all(dir);
}

TEST(DataAwarePipeline, MatMulNBitsKeepsTheMulAndTheLoraBranch) {
  // The act_matmul Mul and the LoRA branch find the layer by its output, which MatMulNBits keeps.
  const ir::Model model = ActivationThenMatMul("Relu");
  CompressWeightsParams params = Int4(true, false, false, true, 1);
  VectorDataset dq_data(Items(6, 1)), nbits_data(Items(6, 1));
  const ir::Model dq = CompressWeights(model, &dq_data, params, Context(), nullptr);
  params.format = WeightFormat::kMatMulNBits;
  params.format_options.accuracy_level = 1;
  const ir::Model nbits = CompressWeights(model, &nbits_data, params, Context(), nullptr);
  std::vector<std::string> ops;
  for (const ir::Node& node : nbits.graph->nodes) ops.push_back(node.op_type);
  EXPECT_NE(std::find(ops.begin(), ops.end(), "MatMulNBits"), ops.end());
  EXPECT_NE(std::find(ops.begin(), ops.end(), "Mul"), ops.end());
  for (const data::Sample& item : Items(2, 5)) {
    const std::vector<float> a = Infer(dq, item).ToFloats(), b = Infer(nbits, item).ToFloats();
    for (size_t i = 0; i < a.size(); ++i) EXPECT_NEAR(a[i], b[i], 1e-4f + 1e-4f * std::fabs(a[i]));
  }
}

TEST(DataAwarePipeline, CancelledPerLayer) {
  // Stop at the first AWQ group, and at the second report of the per-weight loop (the first one
  // is the pipeline's start, 0.0): both after statistics were collected.
  const ir::Model model = NormGroup(false);
  for (const std::string stop : {"compress_weights: awq", "compress_weights"}) {
    VectorDataset dataset(Items(6, 1));
    int calls = 0;
    double stopped_at = -1;
    const Context context([&](const std::string& stage, double fraction) {
      if (stage != stop) return true;
      ++calls;
      const bool go_on = stop == "compress_weights" ? fraction == 0.0 : false;
      if (!go_on) stopped_at = fraction;
      return go_on;
    });
    ExpectError(
        [&] {
          CompressWeights(model, &dataset, Int4(true, true, false, false, 1), context, nullptr);
        },
        ErrorCode::kCancelled, stop);
    EXPECT_GT(stopped_at, 0.0) << stop << ": stopped after a layer, not before any";
    // Two weights: the loop stops after the first (0.5); the model has one AWQ group (1.0).
    EXPECT_EQ(stopped_at, stop == "compress_weights" ? 0.5 : 1.0) << stop;
    EXPECT_GE(dataset.reads, 6) << "statistics were collected first";
  }
}

TEST(DataAwarePipeline, ConfigSwitchesAndAdvancedParameters) {
  const config::Config config = config::Config::FromJson(R"({"compress_weights": {
      "awq": true, "scale_estimation": true, "gptq": null, "lora_correction": false,
      "advanced": {"awq_params": {"subset_size": 8, "steps": 20, "alpha_max": 0.5},
                   "scale_estimation_params": {"initial_steps": 2, "weight_penalty": 1.0},
                   "gptq_params": {"damp_percent": 0.05, "block_size": 64},
                   "lora_correction_params": {"adapter_rank": 4, "use_int8_adapters": false}}}})");
  CompressWeightsParams params;
  params.gptq = true;  // null in the config leaves the field as set
  params.ApplyConfig(config);
  EXPECT_TRUE(params.awq);
  EXPECT_TRUE(params.scale_estimation);
  EXPECT_TRUE(params.gptq);
  EXPECT_FALSE(params.lora_correction);
  EXPECT_EQ(params.awq_params.subset_size, 8);
  EXPECT_EQ(params.awq_params.steps, 20);
  EXPECT_EQ(params.awq_params.alpha_max, 0.5);
  EXPECT_EQ(params.awq_params.percent_to_apply, 0.002);
  EXPECT_EQ(params.scale_estimation_params.initial_steps, 2);
  EXPECT_EQ(params.scale_estimation_params.weight_penalty, 1.0);
  EXPECT_EQ(params.gptq_params.damp_percent, 0.05);
  EXPECT_EQ(params.gptq_params.block_size, 64);
  EXPECT_EQ(params.lora_correction_params.adapter_rank, 4);
  EXPECT_FALSE(params.lora_correction_params.use_int8_adapters);
}

TEST(Gptq, DegenerateHessians) {
  WeightMatrix w;
  w.out = 4;
  w.in = 32;
  w.values = RandomValues(4 * 32, 0.1f, 3);
  // All inputs dead: weights zeroed, no NaN.
  const GptqResult dead = RunGptq(w, WeightMode::kInt4Asym, 32, std::vector<double>(32 * 32, 0.0),
                                  GptqParams(), std::nullopt, nullptr, "dead", 1);
  EXPECT_EQ(dead.dead_columns, 32);
  for (float v : dead.quantized.values) EXPECT_EQ(v, 0.0f);
  // Indefinite (a negative eigenvalue larger than the damping): more damping, then a clear error.
  std::vector<double> indefinite(32 * 32, 0.0);
  for (int i = 0; i < 32; ++i) indefinite[i * 32 + i] = i == 0 ? -1e6 : 1.0;
  ExpectError(
      [&] {
        RunGptq(w, WeightMode::kInt4Sym, 32, indefinite, GptqParams(), std::nullopt, nullptr,
                "layer_x", 1);
      },
      ErrorCode::kInvalidArgument, "layer_x");
  std::vector<double> nan(32 * 32, 1.0);
  nan[5] = NAN;
  ExpectError(
      [&] {
        RunGptq(w, WeightMode::kInt4Sym, 32, nan, GptqParams(), std::nullopt, nullptr, "layer_y",
                1);
      },
      ErrorCode::kInvalidArgument, "NaN");
}

}  // namespace
}  // namespace nncf::algorithms::wc
