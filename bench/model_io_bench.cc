// Model load/save speed and memory: a 1 GiB model with external data, loaded mapped or read,
// saved inline-to-external and external-to-external. Run:
//   build/bench/model_io_bench --benchmark_min_time=2
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "core/ir/model.h"
#include "onnx/model_io.h"
#include "onnx/streaming_model_writer.h"

namespace fs = std::filesystem;

namespace {

constexpr int kTensors = 16;
constexpr int64_t kFloatsPerTensor = 16 * 1024 * 1024;  // 64 MiB each, 1 GiB in all

long PeakRssKiB() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmHWM:", 0) == 0) return std::stol(line.substr(6));
  }
  return 0;
}

const fs::path& WorkDir() {
  static const fs::path dir = [] {
    fs::path d = fs::temp_directory_path() / ("nncf_bench_io_" + std::to_string(::getpid()));
    fs::create_directories(d);
    // The source model: 16 MatMul weights, written once with external data.
    nncf::ir::Model model;
    model.ir_version = 8;
    model.SetOpset("", 17);
    model.graph.emplace();
    nncf::ir::Graph& g = *model.graph;
    g.name = "bench";
    std::string prev = "x";
    g.inputs.push_back(
        {"x", nncf::ir::Type::MakeTensor(nncf::ir::DType::kFloat, {1, 4096}), "", "", 0});
    // Streamed one tensor at a time so that setup does not raise the peak memory measured below.
    nncf::onnx::SaveOptions options;
    options.external_data = nncf::onnx::ExternalDataMode::kAlways;
    nncf::onnx::StreamingModelWriter writer;
    writer.Begin((d / "source.onnx").string(), options);
    for (int i = 0; i < kTensors; ++i) {
      nncf::ir::Tensor w =
          nncf::ir::Tensor::Zeros("w" + std::to_string(i), nncf::ir::DType::kFloat, {4096, 4096});
      float* values = const_cast<float*>(w.DataAs<float>());
      for (int64_t k = 0; k < kFloatsPerTensor; ++k) values[k] = static_cast<float>(k % 977 + i);
      writer.AddTensor(w);
      nncf::ir::Node n;
      n.op_type = "MatMul";
      n.name = "mm" + std::to_string(i);
      n.inputs = {prev, "w" + std::to_string(i)};
      prev = "y" + std::to_string(i);
      n.outputs = {prev};
      g.nodes.push_back(std::move(n));
    }
    g.outputs.push_back(
        {prev, nncf::ir::Type::MakeTensor(nncf::ir::DType::kFloat, {1, 4096}), "", "", 0});
    writer.Finish(model, nncf::Context());
    return d;
  }();
  return dir;
}

void BM_LoadMapped(benchmark::State& state) {
  const std::string path = (WorkDir() / "source.onnx").string();
  nncf::onnx::LoadOptions options;
  for (auto _ : state) {
    nncf::ir::Model m = nncf::onnx::LoadModelFile(path, options);
    benchmark::DoNotOptimize(m);
  }
  state.counters["peak_rss_MiB"] = static_cast<double>(PeakRssKiB()) / 1024.0;
}
BENCHMARK(BM_LoadMapped)->Unit(benchmark::kMillisecond);

void BM_LoadRead(benchmark::State& state) {
  const std::string path = (WorkDir() / "source.onnx").string();
  nncf::onnx::LoadOptions options;
  options.mmap_external_data = false;
  for (auto _ : state) {
    nncf::ir::Model m = nncf::onnx::LoadModelFile(path, options);
    benchmark::DoNotOptimize(m);
  }
  state.SetBytesProcessed(state.iterations() * kTensors * kFloatsPerTensor * 4);
}
BENCHMARK(BM_LoadRead)->Unit(benchmark::kMillisecond);

void BM_SaveExternalFromMapped(benchmark::State& state) {
  const std::string src = (WorkDir() / "source.onnx").string();
  const std::string dst = (WorkDir() / "copy.onnx").string();
  const nncf::ir::Model m = nncf::onnx::LoadModelFile(src, nncf::onnx::LoadOptions());
  nncf::onnx::SaveOptions options;
  options.external_data = nncf::onnx::ExternalDataMode::kAlways;
  for (auto _ : state) {
    nncf::onnx::SaveModelFile(m, dst, options, nncf::Context());
  }
  state.SetBytesProcessed(state.iterations() * kTensors * kFloatsPerTensor * 4);
  state.counters["peak_rss_MiB"] = static_cast<double>(PeakRssKiB()) / 1024.0;
}
BENCHMARK(BM_SaveExternalFromMapped)->Unit(benchmark::kMillisecond);

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  fs::remove_all(WorkDir());
  return 0;
}
