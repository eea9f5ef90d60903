// Data-aware weight compression: time of each method on one synthetic decoder against
// round-to-nearest (RTN) on the same model, and the process's peak resident memory. The model is
// built in code: 4 pre-norm blocks of hidden size 512 (LayerNorm -> q, k, v summed -> o;
// LayerNorm -> fc1 [512, 2048] -> Relu -> fc2), 12.6 M float32 weights, INT4_SYM group 128,
// every layer 4-bit; 128 calibration items of 128 tokens with a few salient channels. Run each
// method in its own process so peak_rss_mb is that method's:
//   for m in means means_hessian rtn awq se awq_se gptq gptq_se lora; do
//     build/bench/data_aware_bench --benchmark_filter="/$m/"; done
#include <benchmark/benchmark.h>
#include <sys/resource.h>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include "algorithms/weight_compression/compress_weights.h"
#include "model_builder.h"
#include "vector_dataset.h"

namespace {

namespace wc = nncf::algorithms::wc;
using nncf::testing::FloatItem;
using nncf::testing::ModelBuilder;
using nncf::testing::VectorDataset;

constexpr int64_t kHidden = 512;
constexpr int64_t kMlp = 2048;
constexpr int64_t kBlocks = 4;
constexpr int64_t kTokens = 128;
constexpr int64_t kItems = 128;

const nncf::ir::Model& Decoder() {
  static const nncf::ir::Model model = [] {
    ModelBuilder b(17);
    b.Input("x", {1, kTokens, kHidden});
    std::string x = "x";
    uint32_t seed = 1;
    auto weight = [&](const std::string& name, int64_t in, int64_t out) {
      b.Random(name, {in, out}, 0.05f, seed++);
    };
    for (int64_t k = 0; k < kBlocks; ++k) {
      const std::string p = "b" + std::to_string(k) + ".";
      b.Random(p + "ln1.g", {kHidden}, 1.0f, seed++);
      b.Random(p + "ln1.b", {kHidden}, 0.1f, seed++);
      b.Random(p + "ln2.g", {kHidden}, 1.0f, seed++);
      b.Random(p + "ln2.b", {kHidden}, 0.1f, seed++);
      for (const char* w : {"q", "k", "v", "o"}) weight(p + w, kHidden, kHidden);
      weight(p + "fc1", kHidden, kMlp);
      weight(p + "fc2", kMlp, kHidden);
      b.Node("LayerNormalization", {x, p + "ln1.g", p + "ln1.b"}, {p + "n1"}, {}, p + "ln1");
      for (const char* w : {"q", "k", "v"}) {
        b.Node("MatMul", {p + "n1", p + w}, {p + w + "_out"}, {}, p + w + "_proj");
      }
      b.Node("Add", {p + "q_out", p + "k_out"}, {p + "qk"}, {}, p + "add_qk");
      b.Node("Add", {p + "qk", p + "v_out"}, {p + "qkv"}, {}, p + "add_v");
      b.Node("MatMul", {p + "qkv", p + "o"}, {p + "o_out"}, {}, p + "o_proj");
      b.Node("Add", {x, p + "o_out"}, {p + "h"}, {}, p + "res1");
      b.Node("LayerNormalization", {p + "h", p + "ln2.g", p + "ln2.b"}, {p + "n2"}, {}, p + "ln2");
      b.Node("MatMul", {p + "n2", p + "fc1"}, {p + "f1"}, {}, p + "fc1_proj");
      b.Node("Relu", {p + "f1"}, {p + "r"}, {}, p + "act");
      b.Node("MatMul", {p + "r", p + "fc2"}, {p + "f2"}, {}, p + "fc2_proj");
      b.Node("Add", {p + "h", p + "f2"}, {p + "out"}, {}, p + "res2");
      x = p + "out";
    }
    b.Node("Identity", {x}, {"y"}, {}, "output");
    b.Output("y", {1, kTokens, kHidden});
    return b.Build();
  }();
  return model;
}

std::vector<nncf::data::Sample> Items() {
  std::vector<nncf::data::Sample> items;
  std::mt19937 rng(7);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  for (int64_t i = 0; i < kItems; ++i) {
    std::vector<float> x(static_cast<size_t>(kTokens * kHidden));
    for (int64_t j = 0; j < kTokens * kHidden; ++j) {
      x[j] = normal(rng) * (j % kHidden < 4 ? 20.0f : 1.0f);
    }
    items.push_back(FloatItem("x", {1, kTokens, kHidden}, x));
  }
  return items;
}

void BM_Method(benchmark::State& state, bool awq, bool se, bool gptq, bool lora) {
  const nncf::ir::Model& model = Decoder();
  const std::vector<nncf::data::Sample> items = Items();
  wc::CompressWeightsParams params;
  params.mode = wc::WeightMode::kInt4Sym;
  params.group_size = 128;
  params.all_layers = true;
  params.awq = awq;
  params.scale_estimation = se;
  params.gptq = gptq;
  params.lora_correction = lora;
  params.subset_size = kItems;
  params.num_threads = 2;
  const bool data = awq || se || gptq || lora;
  for (auto _ : state) {
    VectorDataset dataset(items);
    benchmark::DoNotOptimize(
        wc::CompressWeights(model, data ? &dataset : nullptr, params, nncf::Context(), nullptr));
  }
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  state.counters["peak_rss_mb"] = double(usage.ru_maxrss) / 1024.0;
}

// The statistics pass alone (one inference per item, every MatMul input observed): the part of
// every data-aware method that does not depend on the algorithm.
void BM_Statistics(benchmark::State& state, bool hessian) {
  const nncf::ir::Model& model = Decoder();
  const std::vector<nncf::data::Sample> items = Items();
  std::vector<std::string> activations;
  for (const nncf::ir::Node& node : model.graph->nodes) {
    if (node.op_type == "MatMul") activations.push_back(node.inputs[0]);
  }
  std::sort(activations.begin(), activations.end());
  activations.erase(std::unique(activations.begin(), activations.end()), activations.end());
  wc::ActivationStatisticsOptions options;
  options.subset_size = kItems;
  options.means = true;
  options.hessian = hessian;
  options.num_threads = 2;
  for (auto _ : state) {
    VectorDataset dataset(items);
    benchmark::DoNotOptimize(wc::CollectActivationStatistics(model, dataset, activations, options,
                                                             nncf::Context(), "bench"));
  }
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  state.counters["peak_rss_mb"] = double(usage.ru_maxrss) / 1024.0;
}

BENCHMARK_CAPTURE(BM_Statistics, means, false)->Unit(benchmark::kSecond)->Iterations(1);
BENCHMARK_CAPTURE(BM_Statistics, means_hessian, true)->Unit(benchmark::kSecond)->Iterations(1);
BENCHMARK_CAPTURE(BM_Method, rtn, false, false, false, false)
    ->Unit(benchmark::kSecond)
    ->Iterations(1);
BENCHMARK_CAPTURE(BM_Method, awq, true, false, false, false)
    ->Unit(benchmark::kSecond)
    ->Iterations(1);
BENCHMARK_CAPTURE(BM_Method, se, false, true, false, false)
    ->Unit(benchmark::kSecond)
    ->Iterations(1);
BENCHMARK_CAPTURE(BM_Method, awq_se, true, true, false, false)
    ->Unit(benchmark::kSecond)
    ->Iterations(1);
BENCHMARK_CAPTURE(BM_Method, gptq, false, false, true, false)
    ->Unit(benchmark::kSecond)
    ->Iterations(1);
BENCHMARK_CAPTURE(BM_Method, gptq_se, false, true, true, false)
    ->Unit(benchmark::kSecond)
    ->Iterations(1);
BENCHMARK_CAPTURE(BM_Method, lora, false, false, false, true)
    ->Unit(benchmark::kSecond)
    ->Iterations(1);

}  // namespace

BENCHMARK_MAIN();
