// Saving and loading models with external data, saving over a mapped model, blobs, progress and
// cancellation, and the streaming writer.
#include <gtest/gtest.h>
#include <unistd.h>

#include <google/protobuf/util/message_differencer.h>
#include <onnx/onnx_pb.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "core/common/error.h"
#include "core/ir/model.h"
#include "onnx/model_io.h"
#include "onnx/proto_convert.h"
#include "onnx/streaming_model_writer.h"

namespace {

namespace fs = std::filesystem;
using nncf::Context;
using nncf::Error;
using nncf::ErrorCode;
using nncf::onnx::ExternalDataMode;
using nncf::onnx::LoadModelBytes;
using nncf::onnx::LoadModelFile;
using nncf::onnx::LoadOptions;
using nncf::onnx::SaveModelBytes;
using nncf::onnx::SaveModelFile;
using nncf::onnx::SaveOptions;
using nncf::onnx::StreamingModelWriter;

class TempDir {
 public:
  TempDir() {
    path_ = fs::temp_directory_path() /
            ("nncf_ext_" + std::to_string(::getpid()) + "_" + std::to_string(counter_++));
    fs::remove_all(path_);
    fs::create_directories(path_);
  }
  ~TempDir() { fs::remove_all(path_); }
  std::string operator/(const std::string& name) const { return (path_ / name).string(); }
  const fs::path& path() const { return path_; }
  std::set<std::string> Files() const {
    std::set<std::string> names;
    for (const auto& e : fs::directory_iterator(path_)) names.insert(e.path().filename());
    return names;
  }

 private:
  static inline int counter_ = 0;
  fs::path path_;
};

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

nncf::ir::Tensor FloatTensor(const std::string& name, int64_t n, float scale) {
  std::vector<float> values(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) values[i] = scale * static_cast<float>(i);
  return nncf::ir::Tensor::FromBytes(name, nncf::ir::DType::kFloat, {n}, values.data(),
                                     values.size() * 4);
}

nncf::ir::ValueInfo FloatInfo(const std::string& name, int64_t n) {
  nncf::ir::ValueInfo info;
  info.name = name;
  nncf::ir::Type type;
  type.kind = nncf::ir::Type::Kind::kTensor;
  type.elem_type = static_cast<int32_t>(nncf::ir::DType::kFloat);
  type.elem_type_set = true;
  nncf::ir::Dim dim;
  dim.value = n;
  type.shape = nncf::ir::Shape{{dim}, ""};
  info.type = type;
  return info;
}

nncf::ir::Node AddNode(const std::string& a, const std::string& b, const std::string& out) {
  nncf::ir::Node node;
  node.name = out + "_add";
  node.op_type = "Add";
  node.inputs = {a, b};
  node.outputs = {out};
  return node;
}

// y = x + w1 + w2 (+ small), with w1/w2 large enough to go external at the default threshold.
nncf::ir::Model MakeModel(int64_t n = 4096) {
  nncf::ir::Model model;
  model.ir_version = 8;
  model.producer_name = "external_data_test";
  model.SetOpset("", 13);
  nncf::ir::Graph graph;
  graph.name = "g";
  graph.inputs.push_back(FloatInfo("x", n));
  graph.outputs.push_back(FloatInfo("y", n));
  graph.initializers.push_back(FloatTensor("w1", n, 1.0f));
  graph.initializers.push_back(FloatTensor("w2", n, -2.0f));
  graph.initializers.push_back(FloatTensor("small", 1, 3.0f));
  graph.nodes.push_back(AddNode("x", "w1", "a"));
  graph.nodes.push_back(AddNode("a", "w2", "b"));
  graph.nodes.push_back(AddNode("b", "small", "y"));
  model.graph = std::move(graph);
  return model;
}

void ExpectSameTensors(const nncf::ir::Model& expected, const nncf::ir::Model& actual) {
  ASSERT_TRUE(actual.graph.has_value());
  ASSERT_EQ(expected.graph->initializers.size(), actual.graph->initializers.size());
  for (const auto& want : expected.graph->initializers) {
    const nncf::ir::Tensor* got = actual.graph->FindInitializer(want.name);
    ASSERT_NE(got, nullptr) << want.name;
    EXPECT_EQ(got->dtype, want.dtype) << want.name;
    EXPECT_EQ(got->dims, want.dims) << want.name;
    ASSERT_EQ(got->ByteSize(), want.ByteSize()) << want.name;
    EXPECT_EQ(std::memcmp(got->bytes(), want.bytes(), want.ByteSize()), 0) << want.name;
  }
}

LoadOptions NoValidate() {
  LoadOptions options;
  options.validate = false;
  return options;
}

TEST(ExternalData, AlwaysWritesLargeTensorsToOneMappedFile) {
  TempDir dir;
  const nncf::ir::Model model = MakeModel();
  SaveOptions options;
  options.external_data = ExternalDataMode::kAlways;
  SaveModelFile(model, dir / "m.onnx", options, Context());
  EXPECT_EQ(dir.Files(), (std::set<std::string>{"m.onnx", "m.onnx.data"}));
  EXPECT_LT(fs::file_size(dir / "m.onnx"), 4096u);  // weights are not in the proto

  LoadOptions load;  // validate = true: the model is well formed
  const nncf::ir::Model loaded = LoadModelFile(dir / "m.onnx", load);
  ExpectSameTensors(model, loaded);
  EXPECT_TRUE(loaded.graph->FindInitializer("w1")->IsMapped());
  EXPECT_TRUE(loaded.graph->FindInitializer("w2")->IsMapped());
  EXPECT_FALSE(loaded.graph->FindInitializer("small")->IsMapped());  // under the threshold

  LoadOptions read = NoValidate();
  read.mmap_external_data = false;
  const nncf::ir::Model owned = LoadModelFile(dir / "m.onnx", read);
  ExpectSameTensors(model, owned);
  EXPECT_FALSE(owned.graph->FindInitializer("w1")->IsMapped());
}

TEST(ExternalData, AutoStaysInlineForSmallModelsAndRoundTripsExactly) {
  TempDir dir;
  const nncf::ir::Model model = MakeModel();
  SaveModelFile(model, dir / "m.onnx", SaveOptions(), Context());
  EXPECT_EQ(dir.Files(), (std::set<std::string>{"m.onnx"}));

  // Loading and saving an untouched file reproduces the same message.
  const nncf::ir::Model loaded = LoadModelFile(dir / "m.onnx", NoValidate());
  SaveModelFile(loaded, dir / "again.onnx", SaveOptions(), Context());
  onnx::ModelProto first, second;
  ASSERT_TRUE(first.ParseFromString(ReadFile(dir / "m.onnx")));
  ASSERT_TRUE(second.ParseFromString(ReadFile(dir / "again.onnx")));
  EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(first, second));
}

TEST(ExternalData, ExternalSourcesAreInlinedWhenSavedWithNever) {
  TempDir dir;
  SaveOptions always;
  always.external_data = ExternalDataMode::kAlways;
  SaveModelFile(MakeModel(), dir / "ext.onnx", always, Context());
  const nncf::ir::Model loaded = LoadModelFile(dir / "ext.onnx", NoValidate());
  SaveOptions never;
  never.external_data = ExternalDataMode::kNever;
  SaveModelFile(loaded, dir / "inline.onnx", never, Context());
  EXPECT_EQ(dir.Files().count("inline.onnx.data"), 0u);
  const nncf::ir::Model inlined = LoadModelFile(dir / "inline.onnx", NoValidate());
  ExpectSameTensors(loaded, inlined);
  EXPECT_FALSE(inlined.graph->FindInitializer("w1")->IsMapped());
}

TEST(ExternalData, SavingOverTheMappedSourceWorks) {
  TempDir dir;
  SaveOptions always;
  always.external_data = ExternalDataMode::kAlways;
  const nncf::ir::Model original = MakeModel();
  SaveModelFile(original, dir / "m.onnx", always, Context());
  nncf::ir::Model loaded = LoadModelFile(dir / "m.onnx", NoValidate());
  ASSERT_TRUE(loaded.graph->FindInitializer("w1")->IsMapped());

  // Change one tensor and save over the files the others are mapped from.
  *loaded.graph->FindInitializer("w2") = FloatTensor("w2", 4096, 7.0f);
  SaveModelFile(loaded, dir / "m.onnx", always, Context());
  EXPECT_EQ(dir.Files(), (std::set<std::string>{"m.onnx", "m.onnx.data"}));
  // The old mapping still shows the old bytes.
  EXPECT_EQ(std::memcmp(loaded.graph->FindInitializer("w1")->bytes(),
                        original.graph->FindInitializer("w1")->bytes(), 4096 * 4),
            0);
  const nncf::ir::Model reloaded = LoadModelFile(dir / "m.onnx", NoValidate());
  ExpectSameTensors(loaded, reloaded);
}

TEST(ExternalData, CustomDataFileNameAndThreshold) {
  TempDir dir;
  SaveOptions options;
  options.external_data = ExternalDataMode::kAlways;
  options.external_data_file = "weights.bin";
  options.size_threshold = 0;
  SaveModelFile(MakeModel(), dir / "m.onnx", options, Context());
  EXPECT_EQ(dir.Files(), (std::set<std::string>{"m.onnx", "weights.bin"}));
  const nncf::ir::Model loaded = LoadModelFile(dir / "m.onnx", NoValidate());
  EXPECT_TRUE(loaded.graph->FindInitializer("small")->IsMapped());
  ExpectSameTensors(MakeModel(), loaded);

  options.external_data_file = "../escape.bin";
  try {
    SaveModelFile(MakeModel(), dir / "m2.onnx", options, Context());
    FAIL() << "an escaping data file name was accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument);
    EXPECT_NE(std::string(e.what()).find("escape.bin"), std::string::npos) << e.what();
  }
}

TEST(ExternalData, BytesNeedABaseDirectoryForExternalData) {
  TempDir dir;
  SaveOptions always;
  always.external_data = ExternalDataMode::kAlways;
  SaveModelFile(MakeModel(), dir / "m.onnx", always, Context());
  const std::string bytes = ReadFile(dir / "m.onnx");
  try {
    LoadModelBytes(bytes.data(), bytes.size(), NoValidate());
    FAIL() << "external data without a base directory was accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument);
    EXPECT_NE(std::string(e.what()).find("w1"), std::string::npos) << e.what();
  }
  LoadOptions with_base = NoValidate();
  with_base.base_dir = dir.path().string();
  const nncf::ir::Model loaded = LoadModelBytes(bytes.data(), bytes.size(), with_base);
  ExpectSameTensors(MakeModel(), loaded);
  EXPECT_TRUE(loaded.graph->FindInitializer("w1")->IsMapped());

  // A blob is always whole: external tensors come back inline.
  const std::string blob = SaveModelBytes(loaded);
  const nncf::ir::Model from_blob = LoadModelBytes(blob.data(), blob.size(), NoValidate());
  ExpectSameTensors(MakeModel(), from_blob);
  EXPECT_EQ(from_blob.graph->FindInitializer("w1")->encoding, nncf::ir::TensorEncoding::kRaw);
}

TEST(ExternalData, ProgressPerTensorAndCancellationLeavesNothing) {
  TempDir dir;
  std::vector<double> fractions;
  Context counting([&](const std::string& stage, double fraction) {
    EXPECT_EQ(stage, "save");
    fractions.push_back(fraction);
    return true;
  });
  SaveOptions always;
  always.external_data = ExternalDataMode::kAlways;
  SaveModelFile(MakeModel(), dir / "m.onnx", always, counting);
  EXPECT_GE(fractions.size(), 3u);  // one per tensor, then completion
  EXPECT_DOUBLE_EQ(fractions.back(), 1.0);

  TempDir empty;
  int calls = 0;
  Context cancel([&](const std::string&, double) { return ++calls < 2; });
  try {
    SaveModelFile(MakeModel(), empty / "m.onnx", always, cancel);
    FAIL() << "cancellation was ignored";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kCancelled);
  }
  EXPECT_TRUE(empty.Files().empty()) << *empty.Files().begin();
}

TEST(ExternalData, StreamingWriterProducesALoadableModel) {
  TempDir dir;
  const nncf::ir::Model full = MakeModel(10000);
  {
    StreamingModelWriter writer;
    writer.Begin(dir / "s.onnx", SaveOptions());
    // The skeleton lists w1 without bytes; w2 is only streamed (appended by Finish).
    const nncf::ir::Tensor ref = writer.AddTensor(full.graph->initializers[0]);
    EXPECT_EQ(ref.data, nullptr);
    EXPECT_EQ(ref.encoding, nncf::ir::TensorEncoding::kExternal);
    writer.AddTensor(full.graph->initializers[1]);
    EXPECT_THROW(writer.AddTensor(full.graph->initializers[1]), Error);  // duplicate name

    nncf::ir::Model skeleton = full;
    skeleton.graph->initializers.erase(skeleton.graph->initializers.begin() + 1);
    skeleton.graph->initializers[0].data.reset();
    writer.Finish(skeleton, Context());
  }
  EXPECT_EQ(dir.Files(), (std::set<std::string>{"s.onnx", "s.onnx.data"}));
  const nncf::ir::Model loaded = LoadModelFile(dir / "s.onnx", LoadOptions());
  ExpectSameTensors(full, loaded);
  EXPECT_EQ(loaded.graph->initializers[0].name, "w1");
  EXPECT_EQ(loaded.graph->initializers[1].name, "small");
  EXPECT_EQ(loaded.graph->initializers[2].name, "w2");
}

TEST(ExternalData, StreamingWriterAbortsOnDestruction) {
  TempDir dir;
  {
    StreamingModelWriter writer;
    writer.Begin(dir / "s.onnx", SaveOptions());
    writer.AddTensor(FloatTensor("w", 5000, 1.0f));
    EXPECT_FALSE(dir.Files().empty());  // the temporary data file
  }
  EXPECT_TRUE(dir.Files().empty());
}

}  // namespace
