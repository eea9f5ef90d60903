// Inference speed of the library's executor on whole models: one benchmark per (model, batch,
// threads). The executor is compiled and run once before timing (oneDNN primitives and prepared
// weights are then cached, as in steady-state serving); each timed iteration is one full Run.
//
//   executor_bench --models=a.onnx,b.onnx --batches=1,8 --threads=1,2 [--min_time=3]
//                  [google benchmark flags]
// or the same through NNCF_BENCH_MODELS / NNCF_BENCH_BATCHES / NNCF_BENCH_THREADS /
// NNCF_BENCH_MIN_TIME. Float inputs are uniform in [-1, 1] (fixed seed); a dimension without a
// value (the batch) takes --batches. Besides the usual table it prints one line per benchmark:
//   RESULT nncf <model> <batch> <threads> <ms per run> <output fingerprint>
// (the fingerprint hashes the output bytes, to check that a change kept results identical).
#include <benchmark/benchmark.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <map>
#include <memory>
#include <random>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "core/common/error.h"
#include "core/exec/executor.h"
#include "core/ir/model.h"
#include "onnx/model_io.h"

namespace {

struct Options {
  std::vector<std::string> models;
  std::vector<int> batches = {1, 8};
  std::vector<int> threads = {1, 2};
  double min_time = 3.0;
};

std::vector<std::string> SplitList(const std::string& text) {
  std::vector<std::string> items;
  std::stringstream stream(text);
  std::string item;
  while (std::getline(stream, item, ',')) {
    if (!item.empty()) items.push_back(item);
  }
  return items;
}

std::vector<int> SplitInts(const std::string& text) {
  std::vector<int> values;
  for (const std::string& item : SplitList(text)) values.push_back(std::stoi(item));
  return values;
}

// Reads our flags (removing them from argv so Google Benchmark does not see them), after the
// environment so that flags win.
Options ParseOptions(int* argc, char** argv) {
  Options options;
  auto apply = [&options](const std::string& key, const std::string& value) {
    if (key == "models") {
      options.models = SplitList(value);
    } else if (key == "batches") {
      options.batches = SplitInts(value);
    } else if (key == "threads") {
      options.threads = SplitInts(value);
    } else if (key == "min_time") {
      options.min_time = std::stod(value);
    } else {
      return false;
    }
    return true;
  };
  for (const char* key : {"models", "batches", "threads", "min_time"}) {
    std::string env = std::string("NNCF_BENCH_") + key;
    for (char& c : env) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    if (const char* value = std::getenv(env.c_str())) apply(key, value);
  }
  int kept = 1;
  for (int i = 1; i < *argc; ++i) {
    const std::string arg = argv[i];
    const size_t eq = arg.find('=');
    if (arg.rfind("--", 0) == 0 && eq != std::string::npos &&
        apply(arg.substr(2, eq - 2), arg.substr(eq + 1))) {
      continue;
    }
    argv[kept++] = argv[i];
  }
  *argc = kept;
  return options;
}

nncf::exec::NamedTensors MakeFeeds(const nncf::ir::Model& model, int batch) {
  std::mt19937 rng(1234);
  std::uniform_real_distribution<float> uniform(-1.0f, 1.0f);
  nncf::exec::NamedTensors feeds;
  for (const nncf::ir::ValueInfo* input : model.graph->RealInputs()) {
    if (!input->type || !input->type->shape) {
      nncf::Fail(nncf::ErrorCode::kInvalidArgument,
                 "input '" + input->name + "' has no declared shape");
    }
    std::vector<int64_t> dims;
    for (const nncf::ir::Dim& dim : input->type->shape->dims) {
      dims.push_back(dim.value && *dim.value > 0 ? *dim.value : batch);
    }
    const nncf::ir::DType dtype = input->type->tensor_dtype();
    nncf::ir::Tensor tensor = nncf::ir::Tensor::Zeros(input->name, dtype, dims);
    if (dtype == nncf::ir::DType::kFloat) {
      float* values = const_cast<float*>(tensor.DataAs<float>());
      for (int64_t i = 0; i < tensor.NumElements(); ++i) values[i] = uniform(rng);
    } else if (dtype != nncf::ir::DType::kInt64 && dtype != nncf::ir::DType::kInt32) {
      nncf::Fail(nncf::ErrorCode::kUnsupported,
                 "input '" + input->name + "': the bench feeds float, int32 or int64 only");
    }
    feeds.emplace_back(input->name, std::move(tensor));
  }
  return feeds;
}

uint64_t Fingerprint(const nncf::exec::NamedTensors& outputs) {
  uint64_t hash = 1469598103934665603ull;  // FNV-1a
  for (const auto& output : outputs) {
    const uint8_t* bytes = output.second.bytes();
    for (size_t i = 0; i < output.second.ByteSize(); ++i) {
      hash = (hash ^ bytes[i]) * 1099511628211ull;
    }
  }
  return hash;
}

struct Case {
  std::string model_name;
  int batch = 1;
  int threads = 1;
  uint64_t fingerprint = 0;
};

std::map<std::string, Case>& Cases() {
  static std::map<std::string, Case> cases;
  return cases;
}

// The console table plus one machine-readable RESULT line per benchmark.
class ResultReporter : public benchmark::ConsoleReporter {
 public:
  void ReportRuns(const std::vector<Run>& runs) override {
    ConsoleReporter::ReportRuns(runs);
    for (const Run& run : runs) {
      if (run.error_occurred || run.run_type != Run::RT_Iteration) continue;
      auto it = Cases().find(run.run_name.function_name);
      if (it == Cases().end()) continue;
      const double ms = run.GetAdjustedRealTime() *
                        benchmark::GetTimeUnitMultiplier(benchmark::kMillisecond) /
                        benchmark::GetTimeUnitMultiplier(run.time_unit);
      std::printf("RESULT nncf %s %d %d %.3f %016llx\n", it->second.model_name.c_str(),
                  it->second.batch, it->second.threads, ms,
                  static_cast<unsigned long long>(it->second.fingerprint));
      std::fflush(stdout);
    }
  }
};

}  // namespace

int main(int argc, char** argv) {
  Options options = ParseOptions(&argc, argv);
  if (options.models.empty()) {
    std::fprintf(stderr,
                 "usage: %s --models=a.onnx[,b.onnx] [--batches=1,8] [--threads=1,2] "
                 "[--min_time=3] (or NNCF_BENCH_MODELS, ...)\n",
                 argv[0]);
    return 2;
  }
  benchmark::Initialize(&argc, argv);
  std::vector<std::shared_ptr<const nncf::ir::Model>> models;
  for (const std::string& path : options.models) {
    nncf::onnx::LoadOptions load;
    load.validate = false;
    models.push_back(
        std::make_shared<const nncf::ir::Model>(nncf::onnx::LoadModelFile(path, load)));
    const std::string model_name = std::filesystem::path(path).stem().string();
    for (int batch : options.batches) {
      for (int threads : options.threads) {
        const std::string name =
            model_name + "/batch:" + std::to_string(batch) + "/threads:" + std::to_string(threads);
        Cases()[name] = {model_name, batch, threads, 0};
        auto model = models.back();
        benchmark::RegisterBenchmark(
            name.c_str(),
            [model, batch, threads, name](benchmark::State& state) {
              nncf::exec::ExecutorOptions executor_options;
              executor_options.num_threads = threads;
              nncf::exec::Executor executor(model, executor_options);
              const nncf::exec::NamedTensors feeds = MakeFeeds(*model, batch);
              Cases()[name].fingerprint = Fingerprint(executor.Run(feeds));  // warm-up
              for (auto _ : state) {
                nncf::exec::NamedTensors outputs = executor.Run(feeds);
                benchmark::DoNotOptimize(outputs);
              }
              state.SetItemsProcessed(state.iterations() * batch);
            })
            ->Unit(benchmark::kMillisecond)
            ->UseRealTime()
            ->MinTime(options.min_time);
      }
    }
  }
  ResultReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  benchmark::Shutdown();
  return 0;
}
