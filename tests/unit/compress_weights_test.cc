#include "algorithms/weight_compression/compress_weights.h"

#include <dirent.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmath>
#include <cstdlib>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "algorithms/weight_compression/weight_quantization.h"
#include "core/common/error.h"
#include "core/exec/executor.h"
#include "onnx/model_io.h"

namespace nncf::algorithms::wc {
namespace {

ir::Tensor RandomTensor(const std::string& name, std::vector<int64_t> dims, float scale,
                        uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> dist(-scale, scale);
  int64_t count = 1;
  for (int64_t d : dims) count *= d;
  std::vector<float> values(static_cast<size_t>(count));
  for (float& v : values) v = dist(rng);
  return ir::Tensor::FromBytes(name, ir::DType::kFloat, std::move(dims), values.data(),
                               values.size() * sizeof(float));
}

ir::ValueInfo Value(const std::string& name, std::vector<int64_t> dims) {
  ir::ValueInfo info;
  info.name = name;
  info.type = ir::Type::MakeTensor(ir::DType::kFloat, dims);
  return info;
}

// x[2, sizes[0]] -> MatMul W0 -> Relu -> MatMul W1 -> ... -> y. Weight i is scaled by scales[i].
ir::Model MakeMlp(const std::vector<int64_t>& sizes, const std::vector<float>& scales,
                  int64_t opset = 21) {
  ir::Graph graph;
  graph.name = "mlp";
  graph.inputs.push_back(Value("x", {2, sizes[0]}));
  std::string current = "x";
  for (size_t i = 0; i + 1 < sizes.size(); ++i) {
    const std::string w = "W" + std::to_string(i);
    graph.initializers.push_back(
        RandomTensor(w, {sizes[i], sizes[i + 1]}, scales[i], static_cast<uint32_t>(7 + i)));
    ir::Node matmul;
    matmul.name = "mm" + std::to_string(i);
    matmul.op_type = "MatMul";
    matmul.inputs = {current, w};
    const bool last = i + 2 == sizes.size();
    matmul.outputs = {last ? "y" : "h" + std::to_string(i)};
    graph.nodes.push_back(matmul);
    current = matmul.outputs[0];
    if (!last) {
      ir::Node relu;
      relu.name = "relu" + std::to_string(i);
      relu.op_type = "Relu";
      relu.inputs = {current};
      relu.outputs = {"r" + std::to_string(i)};
      graph.nodes.push_back(relu);
      current = relu.outputs[0];
    }
  }
  graph.outputs.push_back(Value("y", {2, sizes.back()}));
  ir::Model model;
  model.ir_version = opset >= 21 ? 10 : 8;
  model.producer_name = "compress_weights_test";
  model.SetOpset("", opset);
  model.graph = std::move(graph);
  return model;
}

std::vector<float> Infer(const ir::Model& model, const ir::Tensor& input) {
  exec::ExecutorOptions options;
  options.num_threads = 1;
  exec::Executor executor(std::make_shared<const ir::Model>(model), options);
  const exec::NamedTensors out = executor.Run({{"x", input}});
  const float* data = out[0].second.DataAs<float>();
  return std::vector<float>(data, data + out[0].second.NumElements());
}

double RelativeError(const std::vector<float>& got, const std::vector<float>& want) {
  double max_want = 0;
  double max_diff = 0;
  for (size_t i = 0; i < want.size(); ++i) {
    max_want = std::max(max_want, std::fabs(double(want[i])));
    max_diff = std::max(max_diff, std::fabs(double(got[i]) - double(want[i])));
  }
  return max_diff / max_want;
}

std::string TempDir() {
  char pattern[] = "/tmp/nncf_cw_test_XXXXXX";
  const char* dir = mkdtemp(pattern);
  if (dir == nullptr) throw std::runtime_error("mkdtemp failed");
  return dir;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

std::vector<std::string> ListDir(const std::string& dir) {
  std::vector<std::string> names;
  DIR* d = opendir(dir.c_str());
  if (!d) return names;
  while (dirent* entry = readdir(d)) {
    const std::string name = entry->d_name;
    if (name != "." && name != "..") names.push_back(name);
  }
  closedir(d);
  std::sort(names.begin(), names.end());
  return names;
}

void RemoveDir(const std::string& dir) {
  for (const std::string& name : ListDir(dir)) {
    const std::string path = dir + "/" + name;
    if (::unlink(path.c_str()) != 0) RemoveDir(path);
  }
  ::rmdir(dir.c_str());
}

ErrorCode CodeOf(const std::function<void()>& body, std::string* message = nullptr) {
  try {
    body();
  } catch (const Error& error) {
    if (message) *message = error.what();
    return error.code();
  }
  return ErrorCode::kOk;
}

const std::vector<int64_t> kSizes = {64, 128, 128, 16};
const std::vector<float> kScales = {0.2f, 0.1f, 0.1f};

TEST(CompressWeightsTest, EveryModeInDequantizeLinearRunsCloseToFloat) {
  const ir::Model model = MakeMlp(kSizes, kScales);
  const ir::Tensor input = RandomTensor("x", {2, 64}, 1.0f, 99);
  const std::vector<float> reference = Infer(model, input);
  const struct {
    WeightMode mode;
    double tolerance;
  } cases[] = {{WeightMode::kInt8Asym, 0.02}, {WeightMode::kInt8Sym, 0.02},
               {WeightMode::kInt4Sym, 0.25},  {WeightMode::kInt4Asym, 0.25},
               {WeightMode::kNf4, 0.25},      {WeightMode::kE2M1, 0.3}};
  for (const auto& c : cases) {
    SCOPED_TRACE(WeightModeName(c.mode));
    CompressWeightsParams params;
    params.mode = c.mode;
    if (WeightModeBits(c.mode) == 4) {
      params.group_size = 32;
      params.all_layers = true;
    }
    CompressWeightsReport report;
    const ir::Model compressed = CompressWeights(model, params, Context(), &report);
    EXPECT_EQ(compressed.graph->FindInitializer("W0"), nullptr);
    ASSERT_EQ(report.layers.size(), 3u);
    for (const LayerReport& layer : report.layers) {
      EXPECT_EQ(layer.mode, WeightModeName(c.mode)) << layer.node;
      EXPECT_EQ(layer.bits, WeightModeBits(c.mode));
      EXPECT_GT(layer.error, 0.0);
    }
    EXPECT_EQ(report.ratio_achieved, 1.0);
    const double error = RelativeError(Infer(compressed, input), reference);
    EXPECT_LT(error, c.tolerance);
    EXPECT_GT(error, 0.0);
  }
}

TEST(CompressWeightsTest, DefaultsKeepTheLastLayerInInt8) {
  const ir::Model model = MakeMlp(kSizes, kScales);
  CompressWeightsParams params;
  params.mode = WeightMode::kInt4Asym;
  params.group_size = 64;
  CompressWeightsReport report;
  CompressWeights(model, params, Context(), &report);
  ASSERT_EQ(report.layers.size(), 3u);
  EXPECT_EQ(report.layers[0].mode, "int4_asym");
  EXPECT_EQ(report.layers[0].group_size, 64);
  EXPECT_EQ(report.layers[1].mode, "int4_asym");
  EXPECT_EQ(report.layers[2].mode, "int8_asym");
  EXPECT_EQ(report.layers[2].group_size, -1);
  const std::string json = report.ToJson();
  for (const char* key :
       {"\"layers\"", "\"node\":\"mm0\"", "\"weight\":\"W0\"", "\"mode\":\"int4_asym\"",
        "\"bits\":4", "\"group_size\":64", "\"error\":", "\"ratio_achieved\":1"}) {
    EXPECT_NE(json.find(key), std::string::npos) << key << " in " << json;
  }
}

TEST(CompressWeightsTest, MixedPrecisionPicksTheLayersTheMetricRanksLowest) {
  // Five equal 32x32 layers; the last is the head (int8). Different ranges give different
  // int8 errors, so the scores are distinct and known.
  const std::vector<int64_t> sizes = {32, 32, 32, 32, 32, 32};
  const std::vector<float> scales = {1.0f, 4.0f, 0.5f, 2.0f, 1.0f};
  const ir::Model model = MakeMlp(sizes, scales);
  std::vector<std::pair<double, std::string>> ranked;
  for (int i = 0; i < 4; ++i) {
    const std::string w = "W" + std::to_string(i);
    ranked.emplace_back(WeightQuantizationScore(*model.graph->FindInitializer(w), 0, 1), w);
  }
  std::sort(ranked.begin(), ranked.end());
  for (const double ratio : {0.0, 0.3, 0.6, 0.9, 1.0}) {
    SCOPED_TRACE("ratio " + std::to_string(ratio));
    CompressWeightsParams params;
    params.mode = WeightMode::kInt4Sym;
    params.group_size = 16;
    params.ratio = ratio;
    CompressWeightsReport report;
    CompressWeights(model, params, Context(), &report);
    // NNCF's walk over equal sizes: k layers where k/4 < ratio first fails, all 4 when ratio 1.
    size_t expected = 0;
    while (expected < 4 && (double(expected + 1) / 4.0 < ratio)) ++expected;
    if (ratio == 1.0) expected = 4;
    std::set<std::string> primary;
    for (const LayerReport& layer : report.layers) {
      if (layer.mode == "int4_sym") primary.insert(layer.weight);
    }
    std::set<std::string> want;
    for (size_t k = 0; k < expected; ++k) want.insert(ranked[k].second);
    EXPECT_EQ(primary, want);
    EXPECT_DOUBLE_EQ(report.ratio_achieved, double(expected) / 4.0);
  }
  // The widest weight (scale 4) has the largest int8 error, hence the lowest score.
  EXPECT_EQ(ranked[0].second, "W1");
}

TEST(CompressWeightsTest, BadInputFailsWithClearErrors) {
  const ir::Model model = MakeMlp(kSizes, kScales);
  std::string message;
  CompressWeightsParams params;
  params.mode = WeightMode::kInt4Sym;
  params.group_size = 48;
  EXPECT_EQ(CodeOf([&] { CompressWeights(model, params, Context(), nullptr); }, &message),
            ErrorCode::kInvalidArgument);
  EXPECT_NE(message.find("'mm0'"), std::string::npos) << message;
  EXPECT_NE(message.find("'mm1'"), std::string::npos) << message;
  EXPECT_NE(message.find("group_size 48"), std::string::npos) << message;

  params = CompressWeightsParams();
  params.mode = WeightMode::kInt4Sym;
  params.ratio = 1.5;
  EXPECT_EQ(CodeOf([&] { CompressWeights(model, params, Context(), nullptr); }, &message),
            ErrorCode::kInvalidArgument);
  EXPECT_NE(message.find("ratio"), std::string::npos) << message;

  params = CompressWeightsParams();
  params.mode = WeightMode::kNf4;
  params.group_size = 32;
  params.format = WeightFormat::kMatMulNBits;
  EXPECT_EQ(CodeOf([&] { CompressWeights(model, params, Context(), nullptr); }, &message),
            ErrorCode::kUnsupported);
  EXPECT_NE(message.find("nf4"), std::string::npos) << message;

  params = CompressWeightsParams();
  params.ignored_scope.names = {"mm0", "no_such_node"};
  EXPECT_EQ(CodeOf([&] { CompressWeights(model, params, Context(), nullptr); }, &message),
            ErrorCode::kInvalidArgument);
  EXPECT_NE(message.find("no_such_node"), std::string::npos) << message;

  params = CompressWeightsParams();
  params.mode = WeightMode::kInt8Asym;
  params.ratio = 0.5;
  EXPECT_EQ(CodeOf([&] { CompressWeights(model, params, Context(), nullptr); }),
            ErrorCode::kInvalidArgument);
  params.ratio.reset();
  params.group_size = 32;
  EXPECT_EQ(CodeOf([&] { CompressWeights(model, params, Context(), nullptr); }),
            ErrorCode::kInvalidArgument);
  params.group_size.reset();
  params.backup_mode = BackupMode::kNone;
  EXPECT_EQ(CodeOf([&] { CompressWeights(model, params, Context(), nullptr); }),
            ErrorCode::kInvalidArgument);

  params = CompressWeightsParams();
  params.mode = WeightMode::kE2M1;
  params.group_size = 64;
  EXPECT_EQ(CodeOf([&] { CompressWeights(model, params, Context(), nullptr); }),
            ErrorCode::kInvalidArgument);
}

TEST(CompressWeightsTest, RatioZeroSendsEveryRatioDefiningLayerToBackup) {
  const ir::Model model = MakeMlp(kSizes, kScales);
  CompressWeightsParams params;
  params.mode = WeightMode::kInt4Sym;
  params.group_size = 32;
  params.ratio = 0.0;
  CompressWeightsReport report;
  CompressWeights(model, params, Context(), &report);
  for (const LayerReport& layer : report.layers) EXPECT_EQ(layer.mode, "int8_asym");
  EXPECT_EQ(report.ratio_achieved, 0.0);
}

TEST(CompressWeightsTest, OpsetIsUpgradedOnlyWhenAllowed) {
  const ir::Model model = MakeMlp(kSizes, kScales, 17);
  CompressWeightsParams params;
  params.mode = WeightMode::kInt4Sym;
  params.group_size = 32;
  const ir::Model upgraded = CompressWeights(model, params, Context(), nullptr);
  EXPECT_GE(upgraded.DefaultOpset(), 21);
  const ir::Tensor input = RandomTensor("x", {2, 64}, 1.0f, 5);
  EXPECT_LT(RelativeError(Infer(upgraded, input), Infer(model, input)), 0.25);

  params.allow_opset_upgrade = false;
  std::string message;
  EXPECT_EQ(CodeOf([&] { CompressWeights(model, params, Context(), nullptr); }, &message),
            ErrorCode::kVersionMismatch);
  EXPECT_NE(message.find("21"), std::string::npos) << message;

  // int8 per-axis DequantizeLinear exists at opset 17: nothing to upgrade.
  params = CompressWeightsParams();
  params.allow_opset_upgrade = false;
  EXPECT_EQ(CompressWeights(model, params, Context(), nullptr).DefaultOpset(), 17);
}

class CompressWeightsFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = TempDir();
    input_ = dir_ + "/in.onnx";
    onnx::SaveOptions save;
    save.external_data = onnx::ExternalDataMode::kAlways;
    onnx::SaveModelFile(MakeMlp(kSizes, kScales, 17), input_, save, Context());
  }
  void TearDown() override { RemoveDir(dir_); }

  std::string dir_;
  std::string input_;
};

TEST_F(CompressWeightsFileTest, StreamingMatchesInMemoryByteForByte) {
  for (const WeightMode mode : {WeightMode::kInt4Asym, WeightMode::kInt8Sym}) {
    SCOPED_TRACE(WeightModeName(mode));
    CompressWeightsParams params;
    params.mode = mode;
    if (mode == WeightMode::kInt4Asym) {
      params.group_size = 32;
      params.ratio = 0.7;
    }
    params.num_threads = 2;
    onnx::SaveOptions save;
    save.external_data = onnx::ExternalDataMode::kAlways;
    save.size_threshold = 64;
    save.external_data_file = "out.data";
    const std::string streamed_dir = dir_ + "/streamed";
    const std::string memory_dir = dir_ + "/memory";
    ::mkdir(streamed_dir.c_str(), 0755);
    ::mkdir(memory_dir.c_str(), 0755);
    CompressWeightsReport streamed_report;
    CompressWeightsFile(input_, streamed_dir + "/out.onnx", params, save, Context(),
                        &streamed_report);

    onnx::LoadOptions load;
    const ir::Model loaded = onnx::LoadModelFile(input_, load);
    CompressWeightsReport memory_report;
    const ir::Model compressed = CompressWeights(loaded, params, Context(), &memory_report);
    onnx::SaveModelFile(compressed, memory_dir + "/out.onnx", save, Context());
    EXPECT_EQ(streamed_report.ToJson(), memory_report.ToJson());

    const std::string streamed_data = ReadFile(streamed_dir + "/out.data");
    EXPECT_FALSE(streamed_data.empty());
    EXPECT_TRUE(streamed_data == ReadFile(memory_dir + "/out.data"));
    EXPECT_TRUE(ReadFile(streamed_dir + "/out.onnx") == ReadFile(memory_dir + "/out.onnx"));

    // And the streamed model computes what the in-memory one does.
    const ir::Model reloaded = onnx::LoadModelFile(streamed_dir + "/out.onnx", load);
    const ir::Tensor input = RandomTensor("x", {2, 64}, 1.0f, 3);
    EXPECT_EQ(Infer(reloaded, input), Infer(compressed, input));
  }
}

TEST_F(CompressWeightsFileTest, ThreadCountDoesNotChangeTheBytes) {
  onnx::SaveOptions save;
  save.external_data = onnx::ExternalDataMode::kAlways;
  std::string first_model;
  std::string first_data;
  for (const int threads : {1, 2}) {
    CompressWeightsParams params;
    params.mode = WeightMode::kInt4Sym;
    params.group_size = 32;
    params.ratio = 0.8;
    params.num_threads = threads;
    const std::string out = dir_ + "/t" + std::to_string(threads) + ".onnx";
    save.external_data_file = "t.data";
    CompressWeightsFile(input_, out, params, save, Context(), nullptr);
    if (threads == 1) {
      first_model = ReadFile(out);
      first_data = ReadFile(dir_ + "/t.data");
    } else {
      EXPECT_TRUE(first_model == ReadFile(out));
      EXPECT_TRUE(first_data == ReadFile(dir_ + "/t.data"));
    }
  }
}

TEST_F(CompressWeightsFileTest, CancellationAndErrorsWriteNothing) {
  const std::vector<std::string> before = ListDir(dir_);
  CompressWeightsParams params;
  params.mode = WeightMode::kInt4Sym;
  params.group_size = 32;
  int calls = 0;
  const Context cancel([&calls](const std::string&, double) { return ++calls < 3; });
  onnx::SaveOptions save;
  save.external_data = onnx::ExternalDataMode::kAlways;
  EXPECT_EQ(CodeOf([&] {
              CompressWeightsFile(input_, dir_ + "/out.onnx", params, save, cancel, nullptr);
            }),
            ErrorCode::kCancelled);
  EXPECT_EQ(ListDir(dir_), before);

  params.ignored_scope.names = {"ghost"};
  EXPECT_EQ(CodeOf([&] {
              CompressWeightsFile(input_, dir_ + "/out.onnx", params, save, Context(), nullptr);
            }),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(ListDir(dir_), before);

  params.ignored_scope.names.clear();
  params.allow_opset_upgrade = false;  // the input is opset 17
  EXPECT_EQ(CodeOf([&] {
              CompressWeightsFile(input_, dir_ + "/out.onnx", params, save, Context(), nullptr);
            }),
            ErrorCode::kVersionMismatch);
  EXPECT_EQ(ListDir(dir_), before);
}

}  // namespace
}  // namespace nncf::algorithms::wc
