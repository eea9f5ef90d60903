// Runs the nncf binary as a user would: every subcommand on the bundled Fashion-MNIST CNN
// (input "image" float [batch,1,28,28], output "logits" [batch,10]; 3 Conv and 2 Gemm layers)
// with .npy/.npz data written here, checking exit codes, --json summaries and written files.
#include <cjson/cJSON.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zip.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "npy_image.h"

extern char** environ;

namespace {

namespace fs = std::filesystem;

const std::string kModel = std::string(NNCF_SOURCE_DIR) + "/examples/models/fashion_mnist_cnn.onnx";

struct RunResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

std::string ReadText(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  std::ostringstream text;
  text << file.rdbuf();
  return text.str();
}

class CliTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = (fs::temp_directory_path() / ("nncf_cli_test_" + std::to_string(getpid()))).string();
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  static void TearDownTestSuite() { fs::remove_all(dir_); }

  static std::string Path(const std::string& name) { return dir_ + "/" + name; }

  // Runs the tool with `args`, stdout and stderr captured in files.
  static RunResult Run(const std::vector<std::string>& args) {
    const std::string out_path = Path("stdout.txt"), err_path = Path("stderr.txt");
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                     0644);
    posix_spawn_file_actions_addopen(&actions, 2, err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                     0644);
    std::vector<std::string> full = {NNCF_CLI_PATH};
    full.insert(full.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (std::string& arg : full) argv.push_back(arg.data());
    argv.push_back(nullptr);
    pid_t pid = 0;
    RunResult result;
    const int spawned = posix_spawn(&pid, NNCF_CLI_PATH, &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (spawned != 0) {
      ADD_FAILURE() << "cannot start " << NNCF_CLI_PATH;
      return result;
    }
    int status = 0;
    waitpid(pid, &status, 0);
    result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    result.out = ReadText(out_path);
    result.err = ReadText(err_path);
    return result;
  }

  static std::string dir_;
};

std::string CliTest::dir_;

// A .npy image of float32 (descr "<f4") or float64 ("<f8") values.
std::string NpyBytes(const std::vector<int64_t>& shape, const std::vector<double>& values,
                     bool float64) {
  if (float64) {
    return nncf_cli_test::NpyImage("<f8", shape, values.data(), values.size() * sizeof(double));
  }
  const std::vector<float> narrowed(values.begin(), values.end());
  return nncf_cli_test::NpyImage("<f4", shape, narrowed.data(), narrowed.size() * sizeof(float));
}

// Deterministic pseudo-images in [-1, 1].
std::vector<double> Images(int count, unsigned seed) {
  std::vector<double> values(static_cast<size_t>(count) * 28 * 28);
  unsigned state = seed;
  for (double& value : values) {
    state = state * 1103515245u + 12345u;
    value = static_cast<double>((state >> 8) % 2001) / 1000.0 - 1.0;
  }
  return values;
}

void WriteFile(const std::string& path, const std::string& bytes) {
  std::ofstream file(path, std::ios::binary | std::ios::trunc);
  file << bytes;
}

void WriteNpz(const std::string& path,
              const std::vector<std::pair<std::string, std::string>>& members) {
  int error = 0;
  zip_t* archive = zip_open(path.c_str(), ZIP_CREATE | ZIP_TRUNCATE, &error);
  ASSERT_NE(archive, nullptr);
  for (const auto& [name, bytes] : members) {
    // zip_source_buffer does not copy: the strings outlive zip_close below.
    zip_source_t* source = zip_source_buffer(archive, bytes.data(), bytes.size(), 0);
    ASSERT_NE(source, nullptr);
    ASSERT_GE(zip_file_add(archive, (name + ".npy").c_str(), source, ZIP_FL_OVERWRITE), 0);
  }
  ASSERT_EQ(zip_close(archive), 0);
}

struct JsonDeleter {
  void operator()(cJSON* json) const { cJSON_Delete(json); }
};
using Json = std::unique_ptr<cJSON, JsonDeleter>;

Json Parse(const std::string& text) {
  Json json(cJSON_Parse(text.c_str()));
  EXPECT_TRUE(json) << "not JSON: " << text;
  return json;
}

const cJSON* Get(const cJSON* object, const char* key) {
  const cJSON* item = cJSON_GetObjectItemCaseSensitive(object, key);
  EXPECT_NE(item, nullptr) << "missing key " << key;
  return item;
}

double Number(const cJSON* object, const char* key) {
  const cJSON* item = Get(object, key);
  return cJSON_IsNumber(item) ? item->valuedouble : -1;
}

TEST_F(CliTest, HelpForTheToolAndEverySubcommand) {
  RunResult top = Run({"--help"});
  EXPECT_EQ(top.exit_code, 0);
  for (const char* command :
       {"info", "quantize", "compress-weights", "strip", "infer", "accuracy-control"}) {
    EXPECT_NE(top.out.find(command), std::string::npos) << command;
    RunResult help = Run({command, "--help"});
    EXPECT_EQ(help.exit_code, 0) << command;
    EXPECT_NE(help.out.find("Exit codes: 0 ok"), std::string::npos) << command;
  }
}

TEST_F(CliTest, InfoJsonDescribesTheModel) {
  RunResult info = Run({"info", kModel, "--json"});
  ASSERT_EQ(info.exit_code, 0) << info.err;
  Json json = Parse(info.out);
  const cJSON* inputs = Get(json.get(), "inputs");
  ASSERT_EQ(cJSON_GetArraySize(inputs), 1);
  const cJSON* input = cJSON_GetArrayItem(inputs, 0);
  EXPECT_STREQ(Get(input, "name")->valuestring, "image");
  EXPECT_STREQ(Get(input, "dtype")->valuestring, "float");
  const cJSON* shape = Get(input, "shape");
  ASSERT_EQ(cJSON_GetArraySize(shape), 4);
  EXPECT_EQ(cJSON_GetArrayItem(shape, 1)->valuedouble, 1);
  EXPECT_EQ(cJSON_GetArrayItem(shape, 3)->valuedouble, 28);
  EXPECT_STREQ(Get(cJSON_GetArrayItem(Get(json.get(), "outputs"), 0), "name")->valuestring,
               "logits");
  const cJSON* ops = Get(json.get(), "op_histogram");
  EXPECT_EQ(Number(ops, "Conv"), 3);
  EXPECT_EQ(Number(ops, "Gemm"), 2);
  EXPECT_EQ(Number(json.get(), "quantize_linear_count"), 0);
  EXPECT_EQ(Number(json.get(), "compressed_weights"), 0);

  RunResult text = Run({"info", kModel});
  ASSERT_EQ(text.exit_code, 0);
  EXPECT_NE(text.out.find("image  float  [batch, 1, 28, 28]"), std::string::npos) << text.out;
}

// Quantizes on a .npy file of 16 images in items of 4, then checks the model, the report, the
// graph and that the result runs through `nncf infer`.
TEST_F(CliTest, QuantizeFromNpyThenInferStripAndInfo) {
  WriteFile(Path("calib.npy"), NpyBytes({16, 1, 28, 28}, Images(16, 1), false));
  RunResult quantize =
      Run({"-q", "quantize", kModel, Path("q.onnx"), "--data", Path("calib.npy"), "--batch", "4",
           "--report", Path("report.json"), "--graph", Path("q.dot"), "--json"});
  ASSERT_EQ(quantize.exit_code, 0) << quantize.err;
  Json summary = Parse(quantize.out);
  EXPECT_STREQ(Get(summary.get(), "command")->valuestring, "quantize");
  EXPECT_EQ(Number(summary.get(), "calibration_items"), 4);  // 16 rows / --batch 4
  // Each Conv and Gemm gets a weight quantizer and one on its input: 5 + 5.
  EXPECT_EQ(Number(summary.get(), "quantizers"), 10);
  const cJSON* model = Get(summary.get(), "output_model");
  EXPECT_EQ(Number(model, "quantize_linear_count"), 5);     // activations only
  EXPECT_EQ(Number(model, "dequantize_linear_count"), 10);  // activations and int8 weights
  EXPECT_EQ(Number(model, "compressed_weights"), 5);
  EXPECT_EQ(Number(Get(model, "compressed_weights_by_dtype"), "int8"), 5);

  Json report = Parse(ReadText(Path("report.json")));
  EXPECT_EQ(cJSON_GetArraySize(Get(report.get(), "quantizers")), 10);
  const std::string dot = ReadText(Path("q.dot"));
  EXPECT_EQ(dot.rfind("digraph", 0), 0u);
  EXPECT_NE(dot.find("\\nQuantizeLinear\""), std::string::npos);
  EXPECT_NE(dot.find("int8 [16, 1, 3, 3]"), std::string::npos);  // first conv's weight

  RunResult infer = Run({"infer", Path("q.onnx"), "--data", Path("calib.npy"), "--batch", "0",
                         "--save", Path("outputs"), "--json"});
  ASSERT_EQ(infer.exit_code, 0) << infer.err;
  Json outputs = Parse(infer.out);
  const cJSON* items = Get(outputs.get(), "items");
  ASSERT_EQ(cJSON_GetArraySize(items), 1);
  const cJSON* logits = cJSON_GetArrayItem(cJSON_GetArrayItem(items, 0), 0);
  EXPECT_STREQ(Get(logits, "name")->valuestring, "logits");
  EXPECT_EQ(cJSON_GetArrayItem(Get(logits, "shape"), 0)->valuedouble, 16);
  EXPECT_EQ(cJSON_GetArrayItem(Get(logits, "shape"), 1)->valuedouble, 10);
  EXPECT_EQ(cJSON_GetArraySize(Get(logits, "first_values")), 6);
  const std::string saved = ReadText(Path("outputs/logits.npy"));
  ASSERT_GT(saved.size(), 16 * 10 * 4u);
  EXPECT_EQ(saved.size() % 64, (16 * 10 * 4u) % 64);  // header padded to 64 bytes
  EXPECT_NE(saved.find("'shape': (16, 10)"), std::string::npos);

  for (const char* format : {"dq", "in_place", "native"}) {
    const std::string out = Path(std::string("strip_") + format + ".onnx");
    RunResult strip = Run({"strip", Path("q.onnx"), out, "--format", format});
    ASSERT_EQ(strip.exit_code, 0) << format << ": " << strip.err;
    RunResult info = Run({"info", out, "--json"});
    EXPECT_EQ(info.exit_code, 0) << format;
    RunResult run = Run({"infer", out, "--data", Path("calib.npy"), "--batch", "2"});
    EXPECT_EQ(run.exit_code, 0) << format << ": " << run.err;
    EXPECT_NE(run.out.find("item 7:"), std::string::npos) << run.out;  // 16 rows / 2
  }
}

TEST_F(CliTest, QuantizeFromNpzAndFromADirectory) {
  // float64 arrays feed the float input as float32; "label" is not an input and rides along.
  WriteNpz(Path("calib.npz"), {{"image", NpyBytes({3, 1, 28, 28}, Images(3, 2), true)},
                               {"label", NpyBytes({3}, {1, 2, 3}, false)}});
  RunResult npz =
      Run({"-q", "quantize", kModel, Path("qz.onnx"), "--data", Path("calib.npz"), "--json"});
  ASSERT_EQ(npz.exit_code, 0) << npz.err;
  EXPECT_EQ(Number(Parse(npz.out).get(), "calibration_items"), 3);

  fs::create_directories(Path("items"));
  for (int i = 0; i < 3; ++i) {
    WriteFile(Path("items/" + std::to_string(i) + ".npy"),
              NpyBytes({2, 1, 28, 28}, Images(2, 10 + i), false));
  }
  WriteFile(Path("items/notes.txt"), "not data");
  RunResult directory = Run({"-q", "quantize", kModel, Path("qd.onnx"), "--data", Path("items"),
                             "--subset-size", "2", "--json"});
  ASSERT_EQ(directory.exit_code, 0) << directory.err;
  EXPECT_EQ(Number(Parse(directory.out).get(), "calibration_items"), 2);  // --subset-size
}

TEST_F(CliTest, CompressWeightsWritesALoadableModelAndGraph) {
  RunResult compress = Run({"-q", "compress-weights", kModel, Path("c.onnx"), "--mode", "int8_sym",
                            "--graph", Path("c.dot"), "--json"});
  ASSERT_EQ(compress.exit_code, 0) << compress.err;
  Json summary = Parse(compress.out);
  EXPECT_STREQ(Get(summary.get(), "mode")->valuestring, "int8_sym");
  EXPECT_EQ(Number(summary.get(), "compressed_layers"), 5);
  const cJSON* model = Get(summary.get(), "output_model");
  EXPECT_EQ(Number(model, "quantize_linear_count"), 0);
  EXPECT_EQ(Number(model, "dequantize_linear_count"), 5);
  EXPECT_EQ(Number(Get(model, "compressed_weights_by_dtype"), "int8"), 5);
  EXPECT_NE(ReadText(Path("c.dot")).find("\\nDequantizeLinear\""), std::string::npos);

  RunResult info = Run({"info", Path("c.onnx")});
  EXPECT_EQ(info.exit_code, 0);
  EXPECT_NE(info.out.find("quantized or compressed weights: 5 (int8 5)"), std::string::npos)
      << info.out;
  WriteFile(Path("one.npy"), NpyBytes({1, 1, 28, 28}, Images(1, 3), false));
  EXPECT_EQ(Run({"infer", Path("c.onnx"), "--data", Path("one.npy")}).exit_code, 0);
}

// Repeatable options before the positionals must not swallow them; intermediate outputs with
// '/' in their names are saved under file-safe names.
TEST_F(CliTest, RepeatedOptionsAndIntermediateOutputs) {
  WriteFile(Path("two.npy"), NpyBytes({2, 1, 28, 28}, Images(2, 6), false));
  RunResult infer =
      Run({"infer", "--output", "logits", "--output", "/classifier/classifier.1/Gemm_output_0",
           kModel, "--data", Path("two.npy"), "--save", Path("inter"), "--show", "2"});
  ASSERT_EQ(infer.exit_code, 0) << infer.err;
  EXPECT_NE(infer.out.find("logits  float  [2, 10]"), std::string::npos) << infer.out;
  EXPECT_NE(infer.out.find("Gemm_output_0  float  [2, 128]"), std::string::npos) << infer.out;
  EXPECT_TRUE(fs::exists(Path("inter/_classifier_classifier.1_Gemm_output_0.npy")));
  RunResult quantize =
      Run({"-q", "quantize", "--ignored-types", "Gemm", "--ignored-types", "MaxPool", kModel,
           Path("ignored.onnx"), "--data", Path("two.npy"), "--json"});
  ASSERT_EQ(quantize.exit_code, 0) << quantize.err;
  // Only the three Conv layers keep their weight and input quantizers.
  EXPECT_EQ(Number(Parse(quantize.out).get(), "quantizers"), 6);
  EXPECT_EQ(Run({"infer", "--output", "nosuch", kModel, "--data", Path("two.npy")}).exit_code, 2);
}

TEST_F(CliTest, ExitCodesByErrorClass) {
  WriteFile(Path("e.npy"), NpyBytes({2, 1, 28, 28}, Images(2, 4), false));
  const std::string data = Path("e.npy");
  // 2: usage.
  EXPECT_EQ(Run({}).exit_code, 2);
  EXPECT_EQ(Run({"bogus-command"}).exit_code, 2);
  EXPECT_EQ(Run({"quantize", kModel, Path("x.onnx")}).exit_code, 2);  // --data missing
  EXPECT_EQ(Run({"compress-weights", kModel, Path("x.onnx"), "--mode", "int3"}).exit_code, 2);
  EXPECT_EQ(Run({"compress-weights", kModel, Path("x.onnx"), "--ratio", "1.5"}).exit_code, 2);
  RunResult unmatched = Run({"-q", "quantize", kModel, Path("x.onnx"), "--data", data,
                             "--ignored-names", "no_such_node"});
  EXPECT_EQ(unmatched.exit_code, 2);
  EXPECT_NE(unmatched.err.find("no_such_node"), std::string::npos) << unmatched.err;
  EXPECT_EQ(Run({"-q", "quantize", kModel, Path("x.onnx"), "--data", data, "--ignored-names",
                 "no_such_node", "--no-validate-ignored"})
                .exit_code,
            0);
  // 3: invalid model, data or config.
  WriteFile(Path("garbage.onnx"), "this is not a protobuf");
  EXPECT_EQ(Run({"info", Path("garbage.onnx")}).exit_code, 3);
  WriteFile(Path("garbage.npy"), "\x93NUMPY but truncated");
  EXPECT_EQ(Run({"infer", kModel, "--data", Path("garbage.npy")}).exit_code, 3);
  WriteNpz(Path("wrong.npz"), {{"pixels", NpyBytes({1, 1, 28, 28}, Images(1, 5), false)}});
  RunResult missing_input = Run({"infer", kModel, "--data", Path("wrong.npz")});
  EXPECT_EQ(missing_input.exit_code, 3);
  EXPECT_NE(missing_input.err.find("no array for model input 'image'"), std::string::npos);
  WriteFile(Path("bad_config.json"), R"({"quantize": {"advanced": {"overflow_fix": "bogus"}}})");
  EXPECT_EQ(
      Run({"quantize", kModel, Path("x.onnx"), "--data", data, "--config", Path("bad_config.json")})
          .exit_code,
      3);
  // 4: unsupported.
  EXPECT_EQ(
      Run({"-q", "quantize", kModel, Path("x.onnx"), "--data", data, "--target-device", "cpu_spr"})
          .exit_code,
      4);
  // 5: file i/o.
  EXPECT_EQ(Run({"info", Path("does_not_exist.onnx")}).exit_code, 5);
  EXPECT_EQ(Run({"infer", kModel, "--data", Path("no_data.npy")}).exit_code, 5);
  EXPECT_EQ(Run({"-q", "quantize", kModel, Path("no_dir/x.onnx"), "--data", data}).exit_code, 5);
  EXPECT_EQ(Run({"strip", kModel, Path("no_dir/x.onnx")}).exit_code, 5);
  // Cancellation (6) needs a Ctrl-C during a long call; the data callback class (7) cannot be
  // reached with in-memory samples. Neither is provoked here.
}

// The float32 payload of a .npy file the tool wrote (version 1.0, little-endian, C order).
std::vector<float> ReadFloatNpy(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  const std::string bytes((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  EXPECT_GT(bytes.size(), 10u) << path;
  if (bytes.size() <= 10) return {};
  const size_t header = static_cast<unsigned char>(bytes[8]) |
                        (static_cast<size_t>(static_cast<unsigned char>(bytes[9])) << 8);
  EXPECT_NE(bytes.find("'<f4'"), std::string::npos);
  std::vector<float> values((bytes.size() - 10 - header) / sizeof(float));
  std::memcpy(values.data(), bytes.data() + 10 + header, values.size() * sizeof(float));
  return values;
}

std::string Int64Npy(const std::vector<int64_t>& values) {
  return nncf_cli_test::NpyImage("<i8", {static_cast<int64_t>(values.size())}, values.data(),
                                 values.size() * sizeof(int64_t));
}

TEST_F(CliTest, AccuracyControlWithTopOneOnLabelledData) {
  // Labels are the float model's own top-1 on 200 pseudo-images, so its accuracy is exactly 1
  // and every point lost is quantization's; max_drop 0 then asks for a model that predicts
  // every image as the float model does.
  constexpr int kImages = 200;
  WriteFile(Path("ac_calib.npy"), NpyBytes({16, 1, 28, 28}, Images(16, 21), false));
  WriteFile(Path("ac_val.npy"), NpyBytes({kImages, 1, 28, 28}, Images(kImages, 22), false));
  const std::string logits_dir = Path("ac_logits");
  std::filesystem::create_directories(logits_dir);
  ASSERT_EQ(Run({"infer", kModel, "--data", Path("ac_val.npy"), "--save", logits_dir}).exit_code,
            0);
  const std::vector<float> logits = ReadFloatNpy(logits_dir + "/logits.npy");
  ASSERT_EQ(logits.size(), static_cast<size_t>(kImages) * 10);
  std::vector<int64_t> labels;
  for (int i = 0; i < kImages; ++i) {
    labels.push_back(std::max_element(logits.begin() + i * 10, logits.begin() + i * 10 + 10) -
                     (logits.begin() + i * 10));
  }
  WriteFile(Path("ac_labels.npy"), Int64Npy(labels));

  RunResult run =
      Run({"-q", "accuracy-control", kModel, Path("ac.onnx"), "--data", Path("ac_calib.npy"),
           "--batch", "4", "--val-data", Path("ac_val.npy"), "--val-labels", Path("ac_labels.npy"),
           "--val-batch", "20", "--max-drop", "0", "--report", Path("ac_report.json"), "--json"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  Json summary = Parse(run.out);
  EXPECT_EQ(Number(summary.get(), "initial_metric"), 1.0);
  EXPECT_LE(Number(summary.get(), "final_drop"), 0.0);
  EXPECT_TRUE(cJSON_IsTrue(Get(summary.get(), "target_met")));
  const double quantized = Number(summary.get(), "quantized_metric");
  EXPECT_LE(quantized, 1.0);
  Json report = Parse(ReadText(Path("ac_report.json")));
  EXPECT_EQ(Number(report.get(), "validation_items"), kImages / 20);
  EXPECT_EQ(Number(report.get(), "reverted_groups"), Number(summary.get(), "reverted_groups"));
  EXPECT_EQ(Run({"info", Path("ac.onnx")}).exit_code, 0);

  // No revert allowed: when int8 lost any image, the target is missed (exit code 8) and the
  // quantized model is still written.
  RunResult capped =
      Run({"-q", "accuracy-control", kModel, Path("ac0.onnx"), "--data", Path("ac_calib.npy"),
           "--batch", "4", "--val-data", Path("ac_val.npy"), "--val-labels", Path("ac_labels.npy"),
           "--val-batch", "20", "--max-drop", "0", "--max-iterations", "0"});
  EXPECT_EQ(capped.exit_code, quantized < 1.0 ? 8 : 0) << capped.err;
  EXPECT_TRUE(std::filesystem::exists(Path("ac0.onnx")));

  // Labels that do not match the data: invalid input.
  WriteFile(Path("ac_short_labels.npy"), Int64Npy({1, 2, 3}));
  RunResult mismatch =
      Run({"-q", "accuracy-control", kModel, Path("acx.onnx"), "--data", Path("ac_calib.npy"),
           "--val-data", Path("ac_val.npy"), "--val-labels", Path("ac_short_labels.npy")});
  EXPECT_EQ(mismatch.exit_code, 3);
  EXPECT_NE(mismatch.err.find("200 rows but --val-labels has 3 labels"), std::string::npos)
      << mismatch.err;
}

TEST_F(CliTest, CompressWeightsWithDataRanksByActivations) {
  WriteFile(Path("dw_calib.npy"), NpyBytes({8, 1, 28, 28}, Images(8, 31), false));
  RunResult run = Run({"-q", "compress-weights", kModel, Path("dw.onnx"), "--mode", "int4_asym",
                       "--group-size", "-1", "--ratio", "0.5", "--all-layers", "--data",
                       Path("dw_calib.npy"), "--subset-size", "5", "--report", Path("dw.json")});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  Json report = Parse(ReadText(Path("dw.json")));
  const cJSON* metric = Get(report.get(), "sensitivity_metric");
  ASSERT_TRUE(cJSON_IsString(metric));
  EXPECT_STREQ(metric->valuestring, "max_activation_variance");
  EXPECT_EQ(Number(report.get(), "statistics_items"), 5);
  // Data that does not fit the model: exit code 3, the library's message names the item and the
  // input, and no output is left behind.
  WriteFile(Path("dw_bad.npy"), NpyBytes({2, 3}, {1, 2, 3, 4, 5, 6}, false));
  RunResult bad = Run({"-q", "compress-weights", kModel, Path("dwx.onnx"), "--mode", "int4_asym",
                       "--ratio", "0.5", "--all-layers", "--data", Path("dw_bad.npy")});
  EXPECT_EQ(bad.exit_code, 3);  // invalid input: data that does not fit the model
  EXPECT_NE(bad.err.find("item 0: input 'image'"), std::string::npos) << bad.err;
  EXPECT_FALSE(std::filesystem::exists(Path("dwx.onnx")));
}

TEST_F(CliTest, CompressWeightsDataAwareAlgorithms) {
  WriteFile(Path("da_calib.npy"), NpyBytes({6, 1, 28, 28}, Images(6, 41), false));
  RunResult run = Run({"-q", "compress-weights", kModel, Path("da.onnx"), "--mode", "int4_sym",
                       "--group-size", "-1", "--all-layers", "--data", Path("da_calib.npy"),
                       "--subset-size", "6", "--scale-estimation", "--report", Path("da.json")});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_NE(run.out.find("data-aware layers: scale_estimation "), std::string::npos) << run.out;
  Json report = Parse(ReadText(Path("da.json")));
  const cJSON* estimated = Get(report.get(), "scale_estimation");
  ASSERT_TRUE(cJSON_IsArray(estimated));
  EXPECT_GT(cJSON_GetArraySize(estimated), 0);
  // Options the library refuses together are a usage error (2), with nothing written.
  RunResult both =
      Run({"-q", "compress-weights", kModel, Path("dax.onnx"), "--mode", "int4_sym", "--data",
           Path("da_calib.npy"), "--subset-size", "6", "--gptq", "--lora-correction"});
  EXPECT_EQ(both.exit_code, 2) << both.err;
  EXPECT_NE(both.err.find("gptq and lora_correction"), std::string::npos) << both.err;
  EXPECT_FALSE(std::filesystem::exists(Path("dax.onnx")));
}

}  // namespace
