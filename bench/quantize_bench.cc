// Speed and memory of nncf_quantize's default pipeline against the executor alone.
//
//   quantize_bench MODEL.onnx [--subset N] [--batch B] [--threads T] [--memory N1,N2,...]
//
// Calibration items are generated on the fly (uniform [-1, 1) for float inputs, so the dataset
// itself holds nothing), dynamic dims set to 1 and the batch dim to B. Prints:
//  - the time of N executor runs over the same items (what statistics collection must at least
//    cost), the time of Quantize with subset_size N, and their ratio;
//  - with --memory, the peak RssAnon of Quantize in a child process per subset size, to show
//    that the default pipeline's memory does not grow with subset_size.
// docs/benchmarks.md records the figures.
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <memory>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "algorithms/quantization/quantize.h"
#include "core/common/error.h"
#include "core/data/dataset.h"
#include "core/exec/executor.h"
#include "onnx/model_io.h"

namespace {

using nncf::ir::DType;

struct Options {
  std::string model;
  int64_t subset = 100;
  int64_t batch = 1;
  int threads = 0;
  std::vector<int64_t> memory_subsets;
  int64_t memory_child = 0;  // > 0: measure memory of one quantize run and print it
};

// Items made from the index alone: nothing is stored between calls.
class GeneratedDataset : public nncf::data::Dataset {
 public:
  GeneratedDataset(const nncf::ir::Model& model, int64_t batch, int64_t length) : length_(length) {
    for (const nncf::ir::ValueInfo* input : model.graph->RealInputs()) {
      Input spec;
      spec.name = input->name;
      spec.dtype = input->type->tensor_dtype();
      bool first = true;
      for (const nncf::ir::Dim& dim : input->type->shape->dims) {
        spec.dims.push_back(dim.value ? *dim.value : (first ? batch : 1));
        first = false;
      }
      inputs_.push_back(spec);
    }
  }
  int64_t Length() const override { return length_; }
  int64_t BatchSize() const override { return 0; }
  nncf::data::Sample GetItem(int64_t index) override {
    if (index >= length_) nncf::Fail(nncf::ErrorCode::kNotFound, "past the end");
    nncf::data::Sample sample;
    std::mt19937 rng(static_cast<uint32_t>(index) + 1);
    std::uniform_real_distribution<float> uniform(-1.0f, 1.0f);
    for (const Input& input : inputs_) {
      int64_t count = 1;
      for (int64_t d : input.dims) count *= d;
      if (input.dtype == DType::kFloat) {
        std::vector<float> values(static_cast<size_t>(count));
        for (float& v : values) v = uniform(rng);
        sample.Set(nncf::ir::Tensor::FromBytes(input.name, input.dtype, input.dims, values.data(),
                                               values.size() * sizeof(float)));
      } else if (input.dtype == DType::kInt64) {
        std::vector<int64_t> values(static_cast<size_t>(count));
        for (int64_t& v : values) v = static_cast<int64_t>(rng() % 100);
        sample.Set(nncf::ir::Tensor::FromBytes(input.name, input.dtype, input.dims, values.data(),
                                               values.size() * sizeof(int64_t)));
      } else {
        nncf::Fail(nncf::ErrorCode::kUnsupported,
                   "input '" + input.name + "' has dtype " + nncf::ir::DTypeName(input.dtype));
      }
    }
    return sample;
  }

 private:
  struct Input {
    std::string name;
    DType dtype;
    std::vector<int64_t> dims;
  };
  std::vector<Input> inputs_;
  int64_t length_;
};

nncf::exec::NamedTensors Feeds(const nncf::data::Sample& sample) {
  nncf::exec::NamedTensors feeds;
  for (const nncf::ir::Tensor& tensor : sample.tensors()) feeds.emplace_back(tensor.name, tensor);
  return feeds;
}

uint64_t RssAnon() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("RssAnon:", 0) == 0) return std::strtoull(line.c_str() + 8, nullptr, 10) * 1024;
  }
  return 0;
}

double Seconds(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}

nncf::algorithms::quantization::QuantizeParams DefaultParams(const Options& options,
                                                             int64_t subset) {
  nncf::algorithms::quantization::QuantizeParams params;
  params.subset_size = subset;
  params.num_threads = options.threads;
  return params;
}

void MeasureSpeed(const nncf::ir::Model& model, const Options& options) {
  auto shared = std::make_shared<const nncf::ir::Model>(model);
  GeneratedDataset dataset(model, options.batch, options.subset);
  nncf::exec::ExecutorOptions exec_options;
  exec_options.num_threads = options.threads;
  nncf::exec::Executor executor(shared, exec_options);
  // One warm-up run so both sides start with compiled primitives.
  executor.Run(Feeds(dataset.GetItem(0)));
  auto start = std::chrono::steady_clock::now();
  for (int64_t i = 0; i < options.subset; ++i) executor.Run(Feeds(dataset.GetItem(i)));
  const double infer_seconds = Seconds(start);

  start = std::chrono::steady_clock::now();
  nncf::algorithms::quantization::QuantizeReport report;
  // Wall time per pipeline stage, from the progress callback's stage changes.
  std::vector<std::pair<std::string, double>> stages;
  auto stage_start = start;
  const nncf::Context context([&](const std::string& stage, double) {
    if (stages.empty() || stages.back().first != stage) {
      if (!stages.empty()) stages.back().second = Seconds(stage_start);
      stages.emplace_back(stage, 0.0);
      stage_start = std::chrono::steady_clock::now();
    }
    return true;
  });
  nncf::algorithms::quantization::Quantize(model, dataset, DefaultParams(options, options.subset),
                                           context, &report);
  const double quantize_seconds = Seconds(start);
  if (!stages.empty()) stages.back().second = Seconds(stage_start);
  std::printf("model %s, subset %lld, batch %lld, threads %d\n", options.model.c_str(),
              static_cast<long long>(options.subset), static_cast<long long>(options.batch),
              options.threads);
  std::printf("  %lld executor runs: %.3f s\n", static_cast<long long>(options.subset),
              infer_seconds);
  std::printf("  quantize (default pipeline, %zu quantizers, %zu bias shifts): %.3f s\n",
              report.quantizers.size(), report.bias_shifts.size(), quantize_seconds);
  for (const auto& [stage, seconds] : stages) {
    std::printf("    %-28s %.3f s\n", stage.c_str(), seconds);
  }
  std::printf("  ratio quantize / inference: %.2fx\n", quantize_seconds / infer_seconds);
}

// In a fresh process (forking after the executor started its threads would deadlock): runs
// Quantize with `subset` items while a thread samples RssAnon; prints the growth in bytes.
int MeasureMemoryChild(const nncf::ir::Model& model, const Options& options, int64_t subset) {
  std::atomic<bool> done{false};
  const uint64_t before = RssAnon();
  std::atomic<uint64_t> peak{before};
  std::thread sampler([&] {
    while (!done) {
      const uint64_t now = RssAnon();
      if (now > peak) peak = now;
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
  });
  GeneratedDataset dataset(model, options.batch, subset);
  nncf::algorithms::quantization::Quantize(model, dataset, DefaultParams(options, subset),
                                           nncf::Context(), nullptr);
  done = true;
  sampler.join();
  std::printf("%llu\n", static_cast<unsigned long long>(peak - before));
  return 0;
}

// Runs this program again with --memory-child and reads the growth it prints.
uint64_t PeakQuantizeMemory(const Options& options, int64_t subset) {
  char self[4096];
  const ssize_t length = readlink("/proc/self/exe", self, sizeof self - 1);
  if (length <= 0) return 0;
  self[length] = '\0';
  const std::string command = "'" + std::string(self) + "' '" + options.model + "' --batch " +
                              std::to_string(options.batch) + " --threads " +
                              std::to_string(options.threads) + " --memory-child " +
                              std::to_string(subset);
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return 0;
  unsigned long long growth = 0;
  if (std::fscanf(pipe, "%llu", &growth) != 1) growth = 0;
  pclose(pipe);
  return growth;
}

Options Parse(int argc, char** argv) {
  Options options;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto next = [&]() -> std::string {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "%s needs a value\n", arg.c_str());
        std::exit(2);
      }
      return argv[++i];
    };
    if (arg == "--subset") {
      options.subset = std::stoll(next());
    } else if (arg == "--batch") {
      options.batch = std::stoll(next());
    } else if (arg == "--threads") {
      options.threads = std::stoi(next());
    } else if (arg == "--memory") {
      std::stringstream list(next());
      std::string item;
      while (std::getline(list, item, ',')) options.memory_subsets.push_back(std::stoll(item));
    } else if (arg == "--memory-child") {
      options.memory_child = std::stoll(next());
    } else if (options.model.empty()) {
      options.model = arg;
    } else {
      std::fprintf(stderr, "unexpected argument %s\n", arg.c_str());
      std::exit(2);
    }
  }
  if (options.model.empty()) {
    std::fprintf(stderr,
                 "usage: quantize_bench MODEL.onnx [--subset N] [--batch B] [--threads T] "
                 "[--memory N1,N2,...]\n");
    std::exit(2);
  }
  return options;
}

}  // namespace

int main(int argc, char** argv) {
  const Options options = Parse(argc, argv);
  try {
    const nncf::ir::Model model = nncf::onnx::LoadModelFile(options.model, {});
    if (options.memory_child > 0) return MeasureMemoryChild(model, options, options.memory_child);
    MeasureSpeed(model, options);
    std::fflush(stdout);
    for (int64_t subset : options.memory_subsets) {
      const uint64_t growth = PeakQuantizeMemory(options, subset);
      std::printf("  subset %lld: peak RssAnon growth during quantize %.1f MiB\n",
                  static_cast<long long>(subset), static_cast<double>(growth) / (1024.0 * 1024.0));
    }
  } catch (const nncf::Error& error) {
    std::fprintf(stderr, "error: %s\n", error.what());
    return 1;
  }
  return 0;
}
