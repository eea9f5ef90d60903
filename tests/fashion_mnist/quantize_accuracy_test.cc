// nncf_quantize on two small Fashion-MNIST CNNs (made by make_models.py), through the public C
// API only: calibrate on the first 300 training images, then check top-1 on the 10 000 test
// images before and after, where NNCF's placement rules put the Q/DQ pairs, and that ONNX Runtime
// (tests/ort/run_ort.js) gets the same accuracy from both models as nncf_model_infer.
#include <gtest/gtest.h>
#include <zlib.h>

#include <array>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "fashion_mnist_data.h"
#include "nncf.h"
#include "test_process.h"

namespace {

namespace fs = std::filesystem;
using nncf::testing::FindOnPath;
using nncf::testing::ReadText;
using nncf::testing::ShellQuote;

using nncf::testing::FashionMnist;
using nncf::testing::kFashionMnistDir;
using nncf::testing::ReadFashionMnist;
const fs::path kModelDir = fs::path(NNCF_SOURCE_DIR) / "tests" / "fashion_mnist";
const fs::path kOrtDir = fs::path(NNCF_SOURCE_DIR) / "tests" / "ort";
const fs::path kWorkDir = NNCF_FASHION_MNIST_WORK_DIR;
using nncf::testing::kPixels;
constexpr int64_t kCalibrationImages = 300;
constexpr int64_t kBatch = 100;
constexpr int64_t kOrtBatch = 1000;

// ---- Status handling ------------------------------------------------------------------------

// Fails the calling test with the status' code and message (and frees it) when it is not NULL.
#define ASSERT_NNCF_OK(expr)                                                                  \
  do {                                                                                        \
    nncf_status* status_ = (expr);                                                            \
    if (status_ != nullptr) {                                                                 \
      const std::string message_ = std::string(nncf_code_string(nncf_status_code(status_))) + \
                                   ": " + nncf_status_message(status_);                       \
      nncf_status_free(status_);                                                              \
      FAIL() << #expr << " failed: " << message_;                                             \
    }                                                                                         \
  } while (0)

struct ModelFree {
  void operator()(nncf_model* m) const { nncf_model_free(m); }
};
struct SampleFree {
  void operator()(nncf_sample* s) const { nncf_sample_free(s); }
};
struct BlobFree {
  void operator()(nncf_blob* b) const { nncf_blob_free(b); }
};
struct DatasetFree {
  void operator()(nncf_dataset* d) const { nncf_dataset_free(d); }
};
using ModelPtr = std::unique_ptr<nncf_model, ModelFree>;
using SamplePtr = std::unique_ptr<nncf_sample, SampleFree>;
using BlobPtr = std::unique_ptr<nncf_blob, BlobFree>;
using DatasetPtr = std::unique_ptr<nncf_dataset, DatasetFree>;

// ---- Calibration dataset through nncf_dataset_create callbacks --------------------------------

struct CalibrationSource {
  const FashionMnist* train = nullptr;
};

int64_t CalibrationLength(void* /*user_data*/) {
  return kCalibrationImages;
}

nncf_status* CalibrationItem(void* user_data, int64_t index, nncf_sample* out) {
  const auto* source = static_cast<const CalibrationSource*>(user_data);
  if (index < 0 || index >= kCalibrationImages) {
    return nncf_status_create(NNCF_ERR_NOT_FOUND, "calibration index out of range");
  }
  const int64_t shape[4] = {1, 1, 28, 28};
  return nncf_sample_set_tensor(out, "image", NNCF_DTYPE_FLOAT, shape, 4,
                                source->train->images.data() + index * kPixels,
                                kPixels * sizeof(float));
}

// ---- Evaluation with nncf_model_infer ----------------------------------------------------------

// Top-1 accuracy in percent over the whole set, `kBatch` images per nncf_model_infer call.
void Top1(const nncf_model* model, const FashionMnist& set, double* percent) {
  int64_t correct = 0;
  for (int64_t first = 0; first < set.count; first += kBatch) {
    const int64_t n = std::min(kBatch, set.count - first);
    nncf_sample* raw = nullptr;
    ASSERT_NNCF_OK(nncf_sample_create(&raw));
    SamplePtr inputs(raw);
    const int64_t shape[4] = {n, 1, 28, 28};
    ASSERT_NNCF_OK(nncf_sample_set_tensor(inputs.get(), "image", NNCF_DTYPE_FLOAT, shape, 4,
                                          set.images.data() + first * kPixels,
                                          n * kPixels * sizeof(float)));
    nncf_sample* raw_out = nullptr;
    ASSERT_NNCF_OK(nncf_model_infer(model, inputs.get(), nullptr, &raw_out));
    SamplePtr outputs(raw_out);
    nncf_tensor_info info{};
    info.struct_size = sizeof info;
    ASSERT_NNCF_OK(nncf_sample_tensor_info(outputs.get(), 0, &info));
    ASSERT_EQ(info.dtype, NNCF_DTYPE_FLOAT);
    ASSERT_EQ(info.ndim, 2u);
    ASSERT_EQ(info.shape[0], n);
    ASSERT_EQ(info.shape[1], 10);
    const auto* logits = static_cast<const float*>(info.data);
    for (int64_t i = 0; i < n; ++i) {
      const float* row = logits + i * 10;
      int best = 0;
      for (int c = 1; c < 10; ++c) {
        if (row[c] > row[best]) best = c;
      }
      if (best == set.labels[first + i]) ++correct;
    }
  }
  *percent = 100.0 * static_cast<double>(correct) / static_cast<double>(set.count);
}

// ---- Where the Q/DQ pairs are: a minimal reader of the saved ONNX protobuf ----------------------

// Only the fields this test needs: ModelProto.graph (7); GraphProto.node (1), .initializer (5);
// NodeProto.input (1), .output (2), .op_type (4); TensorProto.name (8).
struct OnnxNode {
  std::string op_type;
  std::vector<std::string> inputs;
  std::vector<std::string> outputs;
};
struct OnnxGraph {
  std::vector<OnnxNode> nodes;
  std::set<std::string> initializers;
};

class WireReader {
 public:
  WireReader(const uint8_t* data, size_t size) : p_(data), end_(data + size) {}
  bool AtEnd() const { return p_ >= end_; }
  bool ok() const { return ok_; }

  uint64_t Varint() {
    uint64_t value = 0;
    for (int shift = 0; shift < 64 && p_ < end_; shift += 7) {
      const uint8_t byte = *p_++;
      value |= uint64_t{byte & 0x7Fu} << shift;
      if ((byte & 0x80u) == 0) return value;
    }
    ok_ = false;
    return 0;
  }
  // Reads one field key; a length-delimited field's payload is returned in `payload`, other
  // wire types are skipped.
  bool Next(uint32_t* field, WireReader* payload) {
    const uint64_t key = Varint();
    if (!ok_) return false;
    *field = static_cast<uint32_t>(key >> 3);
    switch (key & 7u) {
      case 0:
        Varint();
        break;
      case 1:
        Skip(8);
        break;
      case 5:
        Skip(4);
        break;
      case 2: {
        const uint64_t length = Varint();
        if (!ok_ || length > static_cast<uint64_t>(end_ - p_)) {
          ok_ = false;
          return false;
        }
        *payload = WireReader(p_, length);
        p_ += length;
        return ok_;
      }
      default:
        ok_ = false;
        return false;
    }
    *payload = WireReader(p_, 0);
    return ok_;
  }
  std::string String() const { return std::string(reinterpret_cast<const char*>(p_), end_ - p_); }

 private:
  void Skip(size_t n) {
    if (static_cast<size_t>(end_ - p_) < n) {
      ok_ = false;
      return;
    }
    p_ += n;
  }
  const uint8_t* p_;
  const uint8_t* end_;
  bool ok_ = true;
};

bool ParseGraph(const nncf_blob* model_bytes, OnnxGraph* out) {
  WireReader model(static_cast<const uint8_t*>(nncf_blob_data(model_bytes)),
                   nncf_blob_size(model_bytes));
  uint32_t field = 0;
  WireReader graph(nullptr, 0);
  bool found = false;
  while (!model.AtEnd() && model.Next(&field, &graph)) {
    if (field == 7) {
      found = true;
      break;
    }
  }
  if (!found || !model.ok()) return false;
  WireReader item(nullptr, 0);
  while (!graph.AtEnd() && graph.Next(&field, &item)) {
    if (field == 1) {
      OnnxNode node;
      WireReader attr(nullptr, 0);
      uint32_t node_field = 0;
      while (!item.AtEnd() && item.Next(&node_field, &attr)) {
        if (node_field == 1) node.inputs.push_back(attr.String());
        if (node_field == 2) node.outputs.push_back(attr.String());
        if (node_field == 4) node.op_type = attr.String();
      }
      if (!item.ok()) return false;
      out->nodes.push_back(std::move(node));
    } else if (field == 5) {
      WireReader attr(nullptr, 0);
      uint32_t tensor_field = 0;
      while (!item.AtEnd() && item.Next(&tensor_field, &attr)) {
        if (tensor_field == 8) out->initializers.insert(attr.String());
      }
      if (!item.ok()) return false;
    }
  }
  return graph.ok();
}

// DequantizeLinear -> consumer edges, keyed "<consumer op type>/<weight|activation>". A weight DQ
// reads an initializer (folded int8 weights) or a QuantizeLinear of one; an activation DQ reads
// a QuantizeLinear of a computed tensor.
struct QdqCounts {
  std::map<std::string, int> edges;
  int quantize = 0;
  int dequantize = 0;
  int weight_dequantize = 0;
  int activation_pairs = 0;  // Q -> DQ pairs on computed tensors
};

QdqCounts CountQdq(const OnnxGraph& graph) {
  std::map<std::string, const OnnxNode*> producer;
  for (const OnnxNode& node : graph.nodes) {
    for (const std::string& output : node.outputs) producer[output] = &node;
  }
  auto produced_by = [&](const std::string& tensor, const char* op_type) -> const OnnxNode* {
    auto it = producer.find(tensor);
    return it != producer.end() && it->second->op_type == op_type ? it->second : nullptr;
  };
  std::map<const OnnxNode*, bool> dq_is_weight;
  QdqCounts counts;
  for (const OnnxNode& node : graph.nodes) {
    if (node.op_type == "QuantizeLinear") ++counts.quantize;
    if (node.op_type != "DequantizeLinear" || node.inputs.empty()) continue;
    ++counts.dequantize;
    const std::string& source = node.inputs[0];
    const OnnxNode* q = produced_by(source, "QuantizeLinear");
    const bool weight =
        graph.initializers.count(source) > 0 ||
        (q != nullptr && !q->inputs.empty() && graph.initializers.count(q->inputs[0]));
    dq_is_weight[&node] = weight;
    if (weight) ++counts.weight_dequantize;
    if (!weight && q != nullptr) ++counts.activation_pairs;
  }
  for (const OnnxNode& node : graph.nodes) {
    for (const std::string& input : node.inputs) {
      const OnnxNode* dq = produced_by(input, "DequantizeLinear");
      if (dq == nullptr) continue;
      ++counts.edges[node.op_type + (dq_is_weight[dq] ? "/weight" : "/activation")];
    }
  }
  return counts;
}

std::string Describe(const std::map<std::string, int>& edges) {
  std::string text;
  for (const auto& [key, count] : edges) text += key + "=" + std::to_string(count) + " ";
  return text;
}

// ---- ONNX Runtime side -----------------------------------------------------------------------

// Writes `count` floats as a float32 .npy (format 1.0, C order) of the given shape.
bool WriteNpyFloat(const fs::path& path, const std::vector<int64_t>& shape, const float* data,
                   size_t count) {
  std::string dims;
  for (size_t i = 0; i < shape.size(); ++i) dims += (i ? ", " : "") + std::to_string(shape[i]);
  if (shape.size() == 1) dims += ",";
  std::string header = "{'descr': '<f4', 'fortran_order': False, 'shape': (" + dims + "), }";
  header.append((64 - (10 + header.size() + 1) % 64) % 64, ' ');
  header += '\n';
  std::ofstream out(path, std::ios::binary);
  const char magic[8] = {'\x93', 'N', 'U', 'M', 'P', 'Y', 1, 0};
  out.write(magic, 8);
  const uint16_t length = static_cast<uint16_t>(header.size());
  const char length_le[2] = {static_cast<char>(length & 0xFF), static_cast<char>(length >> 8)};
  out.write(length_le, 2);
  out << header;
  out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(count * 4));
  return static_cast<bool>(out);
}

// Top-1 of a float32 [n, 10] .npy written by run_ort.js against labels[first, first + n).
bool CountCorrectFromNpy(const fs::path& path, const FashionMnist& set, int64_t first,
                         int64_t* correct, int64_t* n) {
  std::ifstream in(path, std::ios::binary);
  std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (bytes.size() < 10 || std::memcmp(bytes.data(), "\x93NUMPY", 6) != 0 || bytes[6] != 1) {
    return false;
  }
  const size_t header_length =
      static_cast<uint8_t>(bytes[8]) | (static_cast<size_t>(static_cast<uint8_t>(bytes[9])) << 8);
  const std::string header(bytes.data() + 10, header_length);
  if (header.find("'<f4'") == std::string::npos) return false;
  const size_t data_bytes = bytes.size() - 10 - header_length;
  if (data_bytes % (10 * sizeof(float)) != 0) return false;
  *n = static_cast<int64_t>(data_bytes / (10 * sizeof(float)));
  std::vector<float> logits(*n * 10);
  std::memcpy(logits.data(), bytes.data() + 10 + header_length, data_bytes);
  for (int64_t i = 0; i < *n; ++i) {
    int best = 0;
    for (int c = 1; c < 10; ++c) {
      if (logits[i * 10 + c] > logits[i * 10 + best]) best = c;
    }
    if (best == set.labels[first + i]) ++*correct;
  }
  return true;
}

// ---- The test ----------------------------------------------------------------------------------

struct Expected {
  const char* name;
  double float_top1;  // measured with make_models.py (torch) and nncf_model_infer alike
  // Largest top-1 drop accepted with the default pipeline: the half point. NNCF's own
  // FastBiasCorrection formula (float mean from real images, quantized mean from a blob of input
  // channel means) cost these models 1.11 and 1.63 points, because on 28/14/7-pixel maps the
  // blob cannot reproduce how zero padding meets real inputs; ours runs both sides on the blob
  // (docs/quantization.md) and measures 0.01 and 0.44.
  double max_default_drop;
  int activation_quantizers;
  int weight_quantizers;
  std::map<std::string, int> edges;
};

std::ostream& operator<<(std::ostream& os, const Expected& e) {
  return os << e.name;
}

class FashionMnistQuantize : public ::testing::TestWithParam<Expected> {
 protected:
  static void SetUpTestSuite() {
    train_ = new FashionMnist(ReadFashionMnist("train"));
    test_ = new FashionMnist(ReadFashionMnist("t10k"));
  }
  static void TearDownTestSuite() {
    delete train_;
    delete test_;
    train_ = test_ = nullptr;
  }
  void SetUp() override {
    if (train_->count == 0 || test_->count == 0) {
      GTEST_SKIP() << "Fashion-MNIST not found under " << kFashionMnistDir
                   << " (apt-get install dataset-fashion-mnist)";
    }
    ASSERT_EQ(train_->count, 60000);
    ASSERT_EQ(test_->count, 10000);
  }

  // ORT's top-1 of `model_path` on the test set, or a negative value when ORT is not available.
  void OrtTop1(const fs::path& model_path, const std::string& tag, double* percent) {
    *percent = -1;
    const std::string node = FindOnPath("node");
    if (node.empty() || !fs::exists(kOrtDir / "node_modules" / "onnxruntime-node")) return;
    // The test images as .npy batches in the build dir, written once and shared by every run.
    const fs::path images_dir = kWorkDir / "test_images";
    fs::create_directories(images_dir);
    std::vector<fs::path> cases;
    for (int64_t first = 0; first < test_->count; first += kOrtBatch) {
      const int64_t n = std::min(kOrtBatch, test_->count - first);
      const fs::path batch = images_dir / ("images_" + std::to_string(first / kOrtBatch) + ".npy");
      if (!images_written_) {
        ASSERT_TRUE(WriteNpyFloat(batch, {n, 1, 28, 28}, test_->images.data() + first * kPixels,
                                  n * kPixels))
            << batch;
      }
      const fs::path dir = kWorkDir / tag / ("case_" + std::to_string(first / kOrtBatch));
      fs::create_directories(dir);
      fs::remove(dir / "input_0.npy");
      fs::remove(dir / "output_0.npy");
      fs::create_symlink(batch, dir / "input_0.npy");
      cases.push_back(dir);
    }
    images_written_ = true;
    std::string command = ShellQuote(node) + " " + ShellQuote((kOrtDir / "run_ort.js").string()) +
                          " " + ShellQuote(model_path.string()) + " --threads 1";
    for (const fs::path& dir : cases) command += " " + ShellQuote(dir.string());
    const fs::path log = kWorkDir / tag / "ort.log";
    command += " > " + ShellQuote(log.string()) + " 2>&1";
    ASSERT_EQ(std::system(command.c_str()), 0) << command << "\n" << ReadText(log);
    int64_t correct = 0;
    int64_t total = 0;
    for (size_t k = 0; k < cases.size(); ++k) {
      int64_t n = 0;
      ASSERT_TRUE(CountCorrectFromNpy(cases[k] / "output_0.npy", *test_,
                                      static_cast<int64_t>(k) * kOrtBatch, &correct, &n))
          << cases[k];
      total += n;
    }
    ASSERT_EQ(total, test_->count);
    *percent = 100.0 * static_cast<double>(correct) / static_cast<double>(total);
  }

  static FashionMnist* train_;
  static FashionMnist* test_;
  static bool images_written_;
};

FashionMnist* FashionMnistQuantize::train_ = nullptr;
FashionMnist* FashionMnistQuantize::test_ = nullptr;
bool FashionMnistQuantize::images_written_ = false;

TEST_P(FashionMnistQuantize, AccuracyPlacementAndOnnxRuntime) {
  const Expected& expected = GetParam();
  const fs::path source = kModelDir / (std::string(expected.name) + "_fashion_mnist.onnx");
  nncf_model* raw_model = nullptr;
  ASSERT_NNCF_OK(nncf_model_load_file(source.c_str(), nullptr, &raw_model));
  ModelPtr model(raw_model);

  double float_top1 = 0;
  ASSERT_NO_FATAL_FAILURE(Top1(model.get(), *test_, &float_top1));
  EXPECT_NEAR(float_top1, expected.float_top1, 0.05) << "float top-1 of " << source;

  // Calibration data: the first 300 training images, one [1,1,28,28] item each.
  auto* calibration = new CalibrationSource{train_};
  nncf_dataset_callbacks callbacks;
  NNCF_DATASET_CALLBACKS_INIT(&callbacks);
  callbacks.user_data = calibration;
  callbacks.length = CalibrationLength;
  callbacks.get_item = CalibrationItem;
  callbacks.destroy = [](void* user_data) { delete static_cast<CalibrationSource*>(user_data); };
  nncf_dataset* raw_dataset = nullptr;
  nncf_status* created = nncf_dataset_create(&callbacks, &raw_dataset);
  if (created != nullptr) delete calibration;  // on failure the caller still owns user_data
  ASSERT_NNCF_OK(created);
  DatasetPtr dataset(raw_dataset);

  // The defaults: subset_size 300, FastBiasCorrection, PERFORMANCE preset, FIRST_LAYER fix.
  nncf_quantize_params params;
  NNCF_QUANTIZE_PARAMS_INIT(&params);
  nncf_model* raw_quantized = nullptr;
  nncf_blob* raw_report = nullptr;
  ASSERT_NNCF_OK(nncf_quantize(model.get(), dataset.get(), &params, &raw_quantized, &raw_report));
  ModelPtr quantized(raw_quantized);
  BlobPtr report(raw_report);
  double quantized_top1 = 0;
  ASSERT_NO_FATAL_FAILURE(Top1(quantized.get(), *test_, &quantized_top1));
  std::printf("[ fashion_mnist ] %s: top-1 float %.2f%%, int8 %.2f%% (drop %.2f points)\n",
              expected.name, float_top1, quantized_top1, float_top1 - quantized_top1);
  EXPECT_LE(float_top1 - quantized_top1, expected.max_default_drop) << expected.name;

  // The min-max quantization alone (bias correction off) costs at most half a point.
  params.disable_bias_correction = 1;
  nncf_model* raw_minmax = nullptr;
  ASSERT_NNCF_OK(nncf_quantize(model.get(), dataset.get(), &params, &raw_minmax, nullptr));
  ModelPtr minmax(raw_minmax);
  double minmax_top1 = 0;
  ASSERT_NO_FATAL_FAILURE(Top1(minmax.get(), *test_, &minmax_top1));
  std::printf("[ fashion_mnist ] %s: without bias correction int8 %.2f%% (drop %.2f points)\n",
              expected.name, minmax_top1, float_top1 - minmax_top1);
  EXPECT_LE(float_top1 - minmax_top1, 0.5) << expected.name;

  nncf_blob* raw_bytes = nullptr;
  ASSERT_NNCF_OK(nncf_model_save_memory(quantized.get(), &raw_bytes));
  BlobPtr bytes(raw_bytes);
  OnnxGraph graph;
  ASSERT_TRUE(ParseGraph(bytes.get(), &graph)) << "cannot read the quantized model's protobuf";
  const QdqCounts counts = CountQdq(graph);
  std::printf("[ fashion_mnist ] %s: %d QuantizeLinear, %d DequantizeLinear; DQ edges: %s\n",
              expected.name, counts.quantize, counts.dequantize, Describe(counts.edges).c_str());
  // Weights are folded (int8 initializer -> DQ), so every QuantizeLinear is an activation's.
  EXPECT_EQ(counts.quantize, expected.activation_quantizers);
  EXPECT_EQ(counts.activation_pairs, expected.activation_quantizers);
  EXPECT_EQ(counts.weight_dequantize, expected.weight_quantizers);
  EXPECT_EQ(counts.dequantize, expected.activation_quantizers + expected.weight_quantizers);
  EXPECT_EQ(counts.edges, expected.edges)
      << "expected " << Describe(expected.edges) << "\n     got " << Describe(counts.edges);

  const fs::path quantized_path = kWorkDir / (std::string(expected.name) + "_int8.onnx");
  fs::create_directories(kWorkDir);
  ASSERT_NNCF_OK(nncf_model_save_file(quantized.get(), quantized_path.c_str(), nullptr));
  double ort_float = 0;
  double ort_quantized = 0;
  ASSERT_NO_FATAL_FAILURE(OrtTop1(source, std::string(expected.name) + "_float", &ort_float));
  if (ort_float < 0) {
    GTEST_SKIP() << "ONNX Runtime not checked (needs node and tests/ort/node_modules; "
                    "scripts/run_tests.sh installs them)";
  }
  ASSERT_NO_FATAL_FAILURE(
      OrtTop1(quantized_path, std::string(expected.name) + "_int8", &ort_quantized));
  std::printf("[ fashion_mnist ] %s: ONNX Runtime top-1 float %.2f%%, int8 %.2f%%\n", expected.name,
              ort_float, ort_quantized);
  EXPECT_NEAR(ort_float, float_top1, 0.1) << expected.name;
  EXPECT_NEAR(ort_quantized, quantized_top1, 0.1) << expected.name;
}

// ResNet (make_models.py, BatchNorm folded into the Convs by torch's eval-mode export):
//   image -> Conv+Relu (stem) -> r0
//   layer1: r0 -> Conv(s2)+Relu -> Conv -> Add <- Conv1x1(s2) <- r0;  Add -> Relu -> r1
//   layer2: r1 -> Conv+Relu -> Conv -> Add <- r1 (identity);          Add -> Relu -> r2
//   layer3: r2 -> Conv(s2)+Relu -> Conv -> Add <- Conv1x1(s2) <- r2;  Add -> Relu -> r3
//   r3 -> GlobalAveragePool -> Flatten -> Gemm -> logits
// NNCF (ptq.md §3): Conv+Relu and Add+Relu are fused patterns (quantizers only at their inputs
// and outputs); an Add with two computed inputs fuses with neither Conv (the other input comes
// from outside the pattern), so both Add inputs get their own quantizer; Relu blocks propagation,
// Flatten is agnostic, GlobalAveragePool is input-quantizable. Activation quantizers, one each:
//   image (stem input); r0 (shared by layer1's two Convs); layer1 Conv+Relu output; layer1 second
//   Conv output and shortcut Conv output (the Add inputs); r1 (shared by layer2's Conv and Add);
//   layer2 Conv+Relu output; layer2 second Conv output; r2 (layer3's two Convs); layer3 Conv+Relu
//   output, second Conv output, shortcut output; r3 (GlobalAveragePool input); the pool output
//   (the Gemm input, moved up through Flatten) = 14.
// Weights: 9 Convs + the Gemm = 10 (the model output is not quantized).
// DQ -> consumer edges: Conv activations 9 (one per Conv), Conv weights 9, Add activations 6
// (two per Add), GlobalAveragePool 1, Flatten 1 (the Gemm's quantizer sits before Flatten),
// Gemm weight 1.
const Expected kResNet{"resnet",
                       91.68,
                       0.5,
                       14,
                       10,
                       {{"Conv/activation", 9},
                        {"Conv/weight", 9},
                        {"Add/activation", 6},
                        {"GlobalAveragePool/activation", 1},
                        {"Flatten/activation", 1},
                        {"Gemm/weight", 1}}};

// MobileNet (make_models.py; BatchNorm folded; HardSwish exported at opset 13 as
// x * HardSigmoid(x), i.e. Conv -> HardSigmoid -> Mul with the Conv output also feeding the Mul):
//   image -> Conv+HS (stem)
//   separable: depthwise Conv(s2)+HS -> pointwise Conv+HS
//   block1: Conv1x1+HS -> depthwise Conv(s2)+HS -> d1 -> SE -> Conv1x1 (linear) -> p1
//     SE: d1 -> GlobalAveragePool -> Conv -> Relu -> Conv -> HardSigmoid -> Mul(d1, gate)
//   block2: p1 -> Conv1x1+HS -> depthwise Conv+HS -> Conv1x1 (linear) -> Add <- p1 (residual)
//   Add -> GlobalAveragePool -> Flatten -> Gemm -> logits
// NNCF (ptq.md §3): Conv + x*HardSigmoid(x) is LINEAR+ACTIVATIONS, fused; the SE_BLOCK ignored
// pattern leaves the two SE Convs, their Relu and the HardSigmoid unquantized (no input or weight
// quantizers; the pool output feeding the ignored Conv gets none), but the Mul is quantizable and
// takes a quantizer on both inputs: the gate's at the ignored HardSigmoid's output, d1's merged
// with the SE pool's input (one quantizer, the DQ feeds GlobalAveragePool and Mul). Activation
// quantizers: image; stem output; depthwise+HS output; pointwise+HS output; block1 expand+HS
// output; d1 (SE pool and Mul); the gate; the SE Mul output (projection input); p1 (shared by
// block2's expand Conv and the Add); block2 expand+HS output; depthwise+HS output; projection
// output (Add input); Add output (pool input); pool output (Gemm input, before Flatten) = 14.
// Weights: 9 Convs (the two SE Convs are ignored) + the Gemm = 10.
// DQ -> consumer edges: Conv activations 9, Conv weights 9, GlobalAveragePool 2 (SE and final),
// Mul 2 (the SE Mul), Add 2, Flatten 1, Gemm weight 1.
const Expected kMobileNet{"mobilenet",
                          90.73,
                          0.5,
                          14,
                          10,
                          {{"Conv/activation", 9},
                           {"Conv/weight", 9},
                           {"GlobalAveragePool/activation", 2},
                           {"Mul/activation", 2},
                           {"Add/activation", 2},
                           {"Flatten/activation", 1},
                           {"Gemm/weight", 1}}};

INSTANTIATE_TEST_SUITE_P(Models, FashionMnistQuantize, ::testing::Values(kResNet, kMobileNet),
                         [](const ::testing::TestParamInfo<Expected>& info) {
                           return std::string(info.param.name);
                         });

}  // namespace
