// A model whose weights pass 2 GB: loads mapped, saves with external data automatically, reloads,
// and never needs much anonymous memory. Weights come from a sparse file, so they cost neither
// disk nor memory; the writer keeps zero runs as holes.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/mman.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <onnx/onnx_pb.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <thread>

#include "core/common/error.h"
#include "onnx/model_io.h"

namespace {

namespace fs = std::filesystem;
using nncf::Error;
using nncf::ErrorCode;

constexpr uint64_t kTensorBytes = uint64_t{800} << 20;  // 800 MiB each
constexpr int kTensors = 3;
constexpr int64_t kElements = static_cast<int64_t>(kTensorBytes / 4);

// Samples RssAnon (resident anonymous memory) in the background and keeps the maximum.
class AnonMemoryWatch {
 public:
  AnonMemoryWatch() : baseline_(ReadRssAnonKb()), peak_(baseline_) {
    thread_ = std::thread([this] {
      while (!stop_.load()) {
        Sample();
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
      }
    });
  }
  ~AnonMemoryWatch() { Stop(); }
  void Stop() {
    if (thread_.joinable()) {
      stop_.store(true);
      thread_.join();
    }
    Sample();
  }
  void Sample() {
    const int64_t now = ReadRssAnonKb();
    int64_t seen = peak_.load();
    while (now > seen && !peak_.compare_exchange_weak(seen, now)) {
    }
  }
  int64_t growth_kb() const { return peak_.load() - baseline_; }

  static int64_t ReadRssAnonKb() {
    std::ifstream status("/proc/self/status");
    std::string key;
    while (status >> key) {
      if (key == "RssAnon:") {
        int64_t kb = 0;
        status >> kb;
        return kb;
      }
      std::getline(status, key);
    }
    return -1;
  }

 private:
  int64_t baseline_;
  std::atomic<int64_t> peak_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

float ReadFloat(const nncf::ir::Tensor& tensor, int64_t index) {
  float value;
  std::memcpy(&value, tensor.bytes() + index * 4, 4);
  return value;
}

onnx::ValueInfoProto FloatInfo(const std::string& name) {
  onnx::ValueInfoProto info;
  info.set_name(name);
  auto* tensor = info.mutable_type()->mutable_tensor_type();
  tensor->set_elem_type(onnx::TensorProto::FLOAT);
  tensor->mutable_shape()->add_dim()->set_dim_value(kElements);
  return info;
}

TEST(LargeModel, WritesAndReloadsPast2GBWithLittleMemory) {
  const fs::path dir = fs::temp_directory_path() / ("nncf_large_" + std::to_string(::getpid()));
  struct statvfs fs_info {};
  ASSERT_EQ(::statvfs(fs::temp_directory_path().c_str(), &fs_info), 0);
  const uint64_t free_bytes = uint64_t{fs_info.f_bavail} * fs_info.f_frsize;
  if (free_bytes < (uint64_t{6} << 30)) {
    GTEST_SKIP() << "needs 6 GB free in " << fs::temp_directory_path() << ", only "
                 << (free_bytes >> 20) << " MiB available";
  }
  fs::remove_all(dir);
  fs::create_directories(dir / "in");
  fs::create_directories(dir / "out");
  struct Cleanup {
    fs::path path;
    ~Cleanup() { fs::remove_all(path); }
  } cleanup{dir};

  // Sparse weights: all zeros except a marker at the start and end of each tensor.
  const std::string weights = (dir / "in" / "weights.bin").string();
  {
    const int fd = ::open(weights.c_str(), O_RDWR | O_CREAT | O_TRUNC, 0644);
    ASSERT_GE(fd, 0);
    ASSERT_EQ(::ftruncate(fd, static_cast<off_t>(kTensorBytes * kTensors)), 0);
    for (int t = 0; t < kTensors; ++t) {
      const float first = 1.5f + t, last = -7.25f - t;
      ASSERT_EQ(::pwrite(fd, &first, 4, static_cast<off_t>(kTensorBytes * t)), 4);
      ASSERT_EQ(::pwrite(fd, &last, 4, static_cast<off_t>(kTensorBytes * (t + 1) - 4)), 4);
    }
    ::close(fd);
  }
  onnx::ModelProto proto;
  proto.set_ir_version(8);
  proto.add_opset_import()->set_version(13);
  auto* graph = proto.mutable_graph();
  graph->set_name("large");
  *graph->add_input() = FloatInfo("x");
  std::string previous = "x";
  for (int t = 0; t < kTensors; ++t) {
    auto* w = graph->add_initializer();
    w->set_name("w" + std::to_string(t));
    w->set_data_type(onnx::TensorProto::FLOAT);
    w->add_dims(kElements);
    w->set_data_location(onnx::TensorProto::EXTERNAL);
    auto* location = w->add_external_data();
    location->set_key("location");
    location->set_value("weights.bin");
    auto* offset = w->add_external_data();
    offset->set_key("offset");
    offset->set_value(std::to_string(kTensorBytes * t));
    auto* node = graph->add_node();
    node->set_op_type("Add");
    node->add_input(previous);
    node->add_input(w->name());
    previous = t + 1 == kTensors ? "y" : "sum" + std::to_string(t);
    node->add_output(previous);
  }
  *graph->add_output() = FloatInfo("y");
  {
    std::ofstream out(dir / "in" / "model.onnx", std::ios::binary);
    ASSERT_TRUE(proto.SerializeToOstream(&out));
  }

  AnonMemoryWatch watch;
  const auto start = std::chrono::steady_clock::now();
  nncf::onnx::LoadOptions load;  // validated, mapped
  const nncf::ir::Model model =
      nncf::onnx::LoadModelFile((dir / "in" / "model.onnx").string(), load);
  for (const auto& w : model.graph->initializers) EXPECT_TRUE(w.IsMapped()) << w.name;

  // kAuto must notice the model is past protobuf's limit and go external.
  const std::string saved = (dir / "out" / "model.onnx").string();
  nncf::onnx::SaveModelFile(model, saved, nncf::onnx::SaveOptions(), nncf::Context());
  ASSERT_TRUE(fs::exists(saved + ".data"));
  EXPECT_GE(fs::file_size(saved + ".data"), kTensorBytes * kTensors);
  EXPECT_LT(fs::file_size(saved), 1u << 20);

  const nncf::ir::Model reloaded = nncf::onnx::LoadModelFile(saved, load);
  ASSERT_EQ(reloaded.graph->initializers.size(), static_cast<size_t>(kTensors));
  for (int t = 0; t < kTensors; ++t) {
    const nncf::ir::Tensor& w = reloaded.graph->initializers[t];
    EXPECT_TRUE(w.IsMapped());
    EXPECT_EQ(w.ByteSize(), kTensorBytes);
    EXPECT_EQ(ReadFloat(w, 0), 1.5f + t);
    EXPECT_EQ(ReadFloat(w, 1), 0.0f);
    EXPECT_EQ(ReadFloat(w, kElements / 2), 0.0f);
    EXPECT_EQ(ReadFloat(w, kElements - 1), -7.25f - t);
  }

  // A whole-message blob of the model cannot exist.
  try {
    nncf::onnx::SaveModelBytes(reloaded);
    ADD_FAILURE() << "SaveModelBytes produced a >2 GB protobuf";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kUnsupported) << e.what();
  }
  nncf::onnx::SaveOptions never;
  never.external_data = nncf::onnx::ExternalDataMode::kNever;
  try {
    nncf::onnx::SaveModelFile(model, (dir / "out" / "inline.onnx").string(), never,
                              nncf::Context());
    ADD_FAILURE() << "kNever wrote a >2 GB protobuf";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kUnsupported) << e.what();
  }
  EXPECT_FALSE(fs::exists(dir / "out" / "inline.onnx"));

  // Loading a >2 GB blob from memory is refused up front (the blob is a mapped sparse file).
  {
    const int fd = ::open(weights.c_str(), O_RDONLY);
    ASSERT_GE(fd, 0);
    const size_t size = kTensorBytes * kTensors;
    void* blob = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
    ::close(fd);
    ASSERT_NE(blob, MAP_FAILED);
    try {
      nncf::onnx::LoadModelBytes(blob, size, load);
      ADD_FAILURE() << "a >2 GB blob was accepted";
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument) << e.what();
      EXPECT_NE(std::string(e.what()).find(std::to_string(size)), std::string::npos) << e.what();
    }
    ::munmap(blob, size);
  }
  watch.Stop();
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::cout << "[large] " << (kTensorBytes * kTensors >> 20) << " MiB of weights; peak anonymous "
            << "memory growth " << (watch.growth_kb() >> 10) << " MiB; " << seconds << " s\n";
  EXPECT_LT(watch.growth_kb(), 512 * 1024);
}

}  // namespace
