// Peak anonymous memory of streamed weight compression on a synthetic LLM-shaped model.
//
//   compress_weights_memory_bench [--dir DIR] [--layers N] [--threads N] [--keep]
//
// Writes a Llama-7B-shaped fp16 model (hidden 4096, MLP 11008, vocab 32000; 15 decoder layers
// by default = 6.6 GB of weights) to DIR with every weight in external data, tensor by tensor
// through the StreamingModelWriter, then compresses it file to file with INT4_SYM group 128 in
// a child process that samples its own RssAnon (/proc/self/status) every 5 ms. Prints the peak
// RssAnon, VmHWM, wall time and throughput; docs/benchmarks.md records the figures.
#include <sys/statvfs.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "algorithms/weight_compression/compress_weights.h"
#include "core/common/error.h"
#include "core/ir/dtype.h"
#include "onnx/model_io.h"
#include "onnx/streaming_model_writer.h"

namespace {

using nncf::ir::DType;

constexpr int64_t kHidden = 4096;
constexpr int64_t kIntermediate = 11008;
constexpr int64_t kVocab = 32000;

struct Options {
  std::string dir = "/tmp/nncf_wc_membench";
  int layers = 15;
  int threads = 0;
  bool keep = false;
};

// "VmRSS:   1234 kB" style field of /proc/self/status, in bytes.
uint64_t StatusField(const char* field) {
  std::ifstream status("/proc/self/status");
  std::string line;
  const size_t length = std::strlen(field);
  while (std::getline(status, line)) {
    if (line.compare(0, length, field) == 0 && line.size() > length && line[length] == ':') {
      return std::strtoull(line.c_str() + length + 1, nullptr, 10) * 1024;
    }
  }
  return 0;
}

uint64_t FreeBytes(const std::string& dir) {
  struct statvfs info {};
  if (::statvfs(dir.c_str(), &info) != 0) return 0;
  return static_cast<uint64_t>(info.f_bavail) * info.f_frsize;
}

double GiB(uint64_t bytes) {
  return static_cast<double>(bytes) / (1024.0 * 1024.0 * 1024.0);
}

// Deterministic fp16 weights in about [-0.06, 0.06] with a few outliers per row, from a
// xorshift generator: varied enough that every group gets a real scale.
nncf::ir::Tensor MakeWeight(const std::string& name, std::vector<int64_t> dims, uint64_t seed) {
  int64_t count = 1;
  for (int64_t d : dims) count *= d;
  std::vector<uint16_t> values(static_cast<size_t>(count));
  uint64_t state = seed * 0x9E3779B97F4A7C15ull + 1;
  for (int64_t i = 0; i < count; ++i) {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    const float unit = static_cast<float>(state >> 40) / static_cast<float>(1 << 24) - 0.5f;
    const float value = (state & 0xFFF) == 0 ? unit * 2.0f : unit * 0.12f;
    values[static_cast<size_t>(i)] = nncf::ir::FloatToHalf(value);
  }
  return nncf::ir::Tensor::FromBytes(name, DType::kFloat16, std::move(dims), values.data(),
                                     values.size() * sizeof(uint16_t));
}

nncf::ir::ValueInfo Value(const std::string& name, DType dtype, std::vector<int64_t> dims) {
  nncf::ir::ValueInfo info;
  info.name = name;
  info.type = nncf::ir::Type::MakeTensor(dtype, dims);
  return info;
}

nncf::ir::Node Op(const std::string& op, std::vector<std::string> inputs, const std::string& out) {
  nncf::ir::Node node;
  node.name = out + "/" + op;
  node.op_type = op;
  node.inputs = std::move(inputs);
  node.outputs = {out};
  return node;
}

// Embedding, per layer q/k/v/o projections and a gated MLP with residual adds, LM head.
uint64_t GenerateModel(const std::string& path, int layers) {
  nncf::onnx::SaveOptions save;
  save.external_data = nncf::onnx::ExternalDataMode::kAlways;
  nncf::onnx::StreamingModelWriter writer;
  writer.Begin(path, save);
  nncf::ir::Graph graph;
  graph.name = "synthetic_llm";
  graph.inputs.push_back(Value("input_ids", DType::kInt64, {1, 8}));
  uint64_t bytes = 0;
  uint64_t seed = 1;
  auto add_weight = [&](const std::string& name, std::vector<int64_t> dims) {
    const nncf::ir::Tensor weight = MakeWeight(name, std::move(dims), seed++);
    bytes += weight.ByteSize();
    graph.initializers.push_back(writer.AddTensor(weight));
  };
  add_weight("embed.weight", {kVocab, kHidden});
  graph.nodes.push_back(Op("Gather", {"embed.weight", "input_ids"}, "h0"));
  std::string x = "h0";
  for (int l = 0; l < layers; ++l) {
    const std::string p = "layers." + std::to_string(l) + ".";
    for (const char* proj : {"q", "k", "v", "o"})
      add_weight(p + proj + ".weight", {kHidden, kHidden});
    add_weight(p + "gate.weight", {kHidden, kIntermediate});
    add_weight(p + "up.weight", {kHidden, kIntermediate});
    add_weight(p + "down.weight", {kIntermediate, kHidden});
    graph.nodes.push_back(Op("MatMul", {x, p + "q.weight"}, p + "q"));
    graph.nodes.push_back(Op("MatMul", {x, p + "k.weight"}, p + "k"));
    graph.nodes.push_back(Op("MatMul", {x, p + "v.weight"}, p + "v"));
    graph.nodes.push_back(Op("Add", {p + "q", p + "k"}, p + "qk"));
    graph.nodes.push_back(Op("Add", {p + "qk", p + "v"}, p + "qkv"));
    graph.nodes.push_back(Op("MatMul", {p + "qkv", p + "o.weight"}, p + "o"));
    graph.nodes.push_back(Op("Add", {x, p + "o"}, p + "attn_out"));
    graph.nodes.push_back(Op("MatMul", {p + "attn_out", p + "gate.weight"}, p + "gate"));
    graph.nodes.push_back(Op("MatMul", {p + "attn_out", p + "up.weight"}, p + "up"));
    graph.nodes.push_back(Op("Mul", {p + "gate", p + "up"}, p + "mlp"));
    graph.nodes.push_back(Op("MatMul", {p + "mlp", p + "down.weight"}, p + "down"));
    graph.nodes.push_back(Op("Add", {p + "attn_out", p + "down"}, p + "out"));
    x = p + "out";
  }
  add_weight("lm_head.weight", {kHidden, kVocab});
  graph.nodes.push_back(Op("MatMul", {x, "lm_head.weight"}, "logits"));
  graph.outputs.push_back(Value("logits", DType::kFloat16, {1, 8, kVocab}));
  nncf::ir::Model model;
  model.ir_version = 10;
  model.producer_name = "compress_weights_memory_bench";
  model.SetOpset("", 21);
  model.graph = std::move(graph);
  writer.Finish(model, nncf::Context());
  return bytes;
}

int Compress(const Options& options) {
  const std::string input = options.dir + "/model.onnx";
  const std::string output = options.dir + "/model_int4.onnx";
  std::atomic<bool> done{false};
  std::atomic<uint64_t> peak_anon{0};
  std::thread sampler([&] {
    while (!done.load()) {
      const uint64_t anon = StatusField("RssAnon");
      if (anon > peak_anon.load()) peak_anon.store(anon);
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  });
  const uint64_t anon_before = StatusField("RssAnon");
  nncf::algorithms::wc::CompressWeightsParams params;
  params.mode = nncf::algorithms::wc::WeightMode::kInt4Sym;  // group size: NNCF's default 128
  params.num_threads = options.threads;
  nncf::onnx::SaveOptions save;
  save.external_data = nncf::onnx::ExternalDataMode::kAlways;
  nncf::algorithms::wc::CompressWeightsReport report;
  const auto start = std::chrono::steady_clock::now();
  int status = 0;
  try {
    nncf::algorithms::wc::CompressWeightsFile(input, output, params, save, nncf::Context(),
                                              &report);
  } catch (const nncf::Error& error) {
    std::fprintf(stderr, "compression failed: %s\n", error.what());
    status = 1;
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  done.store(true);
  sampler.join();
  const uint64_t hwm = StatusField("VmHWM");
  if (status != 0) return status;
  uint64_t input_bytes = 0;
  std::ifstream in_data(input + ".data", std::ios::ate | std::ios::binary);
  input_bytes = static_cast<uint64_t>(in_data.tellg());
  std::ifstream out_data(output + ".data", std::ios::ate | std::ios::binary);
  const uint64_t output_bytes = static_cast<uint64_t>(out_data.tellg());
  size_t int4 = 0;
  for (const auto& layer : report.layers) int4 += layer.bits == 4 ? 1 : 0;
  std::printf("layers compressed: %zu (int4_sym g128: %zu, int8_asym backup: %zu)\n",
              report.layers.size(), int4, report.layers.size() - int4);
  std::printf("input weights: %.2f GiB fp16, output data: %.2f GiB\n", GiB(input_bytes),
              GiB(output_bytes));
  std::printf("wall time: %.1f s (%.2f GB/s of fp16 weights, %d threads)\n", seconds,
              static_cast<double>(input_bytes) / 1e9 / seconds,
              options.threads > 0 ? options.threads
                                  : static_cast<int>(std::thread::hardware_concurrency()));
  std::printf(
      "RssAnon before: %.1f MiB, peak RssAnon: %.1f MiB, VmHWM (incl. mapped input): "
      "%.1f MiB\n",
      static_cast<double>(anon_before) / 1048576.0,
      static_cast<double>(peak_anon.load()) / 1048576.0, static_cast<double>(hwm) / 1048576.0);
  std::printf("target peak RssAnon < 1.5 GiB: %s\n",
              peak_anon.load() < (uint64_t{3} << 29) ? "met" : "MISSED");
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  Options options;
  bool compress_only = false;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--dir" && i + 1 < argc) {
      options.dir = argv[++i];
    } else if (arg == "--layers" && i + 1 < argc) {
      options.layers = std::atoi(argv[++i]);
    } else if (arg == "--threads" && i + 1 < argc) {
      options.threads = std::atoi(argv[++i]);
    } else if (arg == "--keep") {
      options.keep = true;
    } else if (arg == "--compress-only") {
      compress_only = true;
    } else {
      std::fprintf(stderr,
                   "usage: %s [--dir DIR] [--layers N] [--threads N] [--keep] [--compress-only]\n",
                   argv[0]);
      return 2;
    }
  }
  if (compress_only) return Compress(options);

  const uint64_t per_layer = (4 * kHidden * kHidden + 3 * kHidden * kIntermediate) * 2;
  const uint64_t input_bytes = per_layer * options.layers + 2 * kVocab * kHidden * 2;
  std::string mkdir = "mkdir -p '" + options.dir + "'";
  if (std::system(mkdir.c_str()) != 0) return 1;
  // Input plus an int4 output (about 0.3x) plus a margin.
  const uint64_t needed = input_bytes + input_bytes / 3 + (uint64_t{1} << 30);
  const uint64_t free_bytes = FreeBytes(options.dir);
  if (free_bytes < needed) {
    std::fprintf(stderr, "not enough free disk in %s: %.1f GiB free, %.1f GiB needed\n",
                 options.dir.c_str(), GiB(free_bytes), GiB(needed));
    return 1;
  }
  std::printf("generating %d layers, %.2f GiB of fp16 weights in %s\n", options.layers,
              GiB(input_bytes), options.dir.c_str());
  const auto start = std::chrono::steady_clock::now();
  try {
    GenerateModel(options.dir + "/model.onnx", options.layers);
  } catch (const nncf::Error& error) {
    std::fprintf(stderr, "generation failed: %s\n", error.what());
    return 1;
  }
  std::printf("generated in %.1f s\n",
              std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  // A fresh process, so the generator's memory does not count.
  std::string command = std::string("'") + argv[0] + "' --compress-only --dir '" + options.dir +
                        "' --threads " + std::to_string(options.threads);
  const int status = std::system(command.c_str());
  if (!options.keep) {
    const std::string cleanup = "rm -f '" + options.dir + "'/model.onnx '" + options.dir +
                                "'/model.onnx.data '" + options.dir + "'/model_int4.onnx '" +
                                options.dir + "'/model_int4.onnx.data";
    if (std::system(cleanup.c_str()) != 0) return 1;
  }
  return status == 0 ? 0 : 1;
}
