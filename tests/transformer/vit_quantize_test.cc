// nncf_quantize with model_type TRANSFORMER on the bundled ViT-style Fashion-MNIST classifier
// (vit_fashion_mnist.onnx, made by make_transformer.py), through the public C API: calibrated on
// the first 300 training images, evaluated on the first 500 test images in our executor
// (nncf_model_infer) and in ONNX Runtime. The quantized logits must stay close to the float ones
// (mean cosine similarity) and top-1 accuracy may drop by at most a bound; the graph must show
// SmoothQuant's Muls in front of the weighted MatMuls, quantized MatMuls, and an unquantized
// probs x V MatMul (NNCF's MULTIHEAD_ATTENTION_OUTPUT pattern).
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "core/ir/tensor.h"
#include "nncf.h"
#include "npy_io.h"
#include "onnx/model_io.h"
#include "test_process.h"

namespace nncf::testing {
namespace {

namespace fs = std::filesystem;

const fs::path kDir = fs::path(NNCF_SOURCE_DIR) / "tests" / "transformer";
const fs::path kOrtDir = fs::path(NNCF_SOURCE_DIR) / "tests" / "ort";
constexpr int64_t kCalibrationItems = 300;
constexpr int64_t kClasses = 10;
constexpr int kThreads = 2;

// Bounds, from the measurements the test prints (identical in our executor and ORT): the int8
// logits have a mean cosine similarity of 0.99980 to the float logits (worst image 0.99722) and
// top-1 accuracy on the 500 images goes from 88.4% to 88.6%. Without SmoothQuant the mean is
// 0.99959, with alpha 0.5 also 0.99959. The bounds leave 5x margin on 1 - cosine (0.999) and 10x
// on the worst image (0.97); top-1 may drop by 1 point (5 images) where it measures a gain.
constexpr double kMinMeanCosine = 0.999;
constexpr double kMinWorstCosine = 0.97;
constexpr double kMaxTop1Drop = 0.01;
// Our int8 logits against ORT's: both compute the same Q/DQ graph, but a value that lands on a
// rounding boundary may fall into neighbouring buckets; the largest difference measured is 0.013
// (logits reach 12.2).
constexpr double kMaxRuntimeLogitDiff = 0.1;

// Status to message ("" for success), freeing it.
std::string Message(nncf_status* status) {
  if (status == nullptr) return "";
  std::string message =
      std::string(nncf_code_string(nncf_status_code(status))) + ": " + nncf_status_message(status);
  nncf_status_free(status);
  return message.empty() ? "failed" : message;
}

// uint8 [N,28,28] pixels as the model's float input [N,1,28,28], normalized as in training.
std::vector<float> Normalize(const ir::Tensor& pixels, int64_t first, int64_t count) {
  const int64_t image = 28 * 28;
  const uint8_t* bytes = pixels.DataAs<uint8_t>() + first * image;
  std::vector<float> values(static_cast<size_t>(count * image));
  for (size_t i = 0; i < values.size(); ++i) {
    const float v = static_cast<float>(bytes[i]) / 255.0f;
    values[i] = (v - 0.5f) / 0.5f;
  }
  return values;
}

// Logits [N,10] of `model` on `images` ([N,1,28,28]) through nncf_model_infer.
std::vector<float> InferLogits(const nncf_model* model, const std::vector<float>& images) {
  const int64_t n = static_cast<int64_t>(images.size() / (28 * 28));
  const int64_t shape[] = {n, 1, 28, 28};
  nncf_sample* input = nullptr;
  EXPECT_EQ(Message(nncf_sample_create(&input)), "");
  EXPECT_EQ(Message(nncf_sample_set_tensor(input, "image", NNCF_DTYPE_FLOAT, shape, 4,
                                           images.data(), images.size() * sizeof(float))),
            "");
  nncf_infer_params params;
  NNCF_INFER_PARAMS_INIT(&params);
  params.num_threads = kThreads;
  nncf_sample* output = nullptr;
  EXPECT_EQ(Message(nncf_model_infer(model, input, &params, &output)), "");
  nncf_sample_free(input);
  std::vector<float> logits;
  if (output == nullptr) return logits;
  nncf_tensor_info info;
  info.struct_size = sizeof info;
  EXPECT_EQ(Message(nncf_sample_tensor_info(output, 0, &info)), "");
  EXPECT_EQ(info.dtype, NNCF_DTYPE_FLOAT);
  EXPECT_EQ(info.nbytes, static_cast<size_t>(n * kClasses) * sizeof(float));
  const float* data = static_cast<const float*>(info.data);
  logits.assign(data, data + info.nbytes / sizeof(float));
  nncf_sample_free(output);
  return logits;
}

// Logits of the model file in ONNX Runtime; empty (with the reason in *skip) when node or
// onnxruntime-node is missing.
std::vector<float> OrtLogits(const fs::path& model, const fs::path& images_npy,
                             const fs::path& work, std::string* skip) {
  const std::string node = FindOnPath("node");
  if (node.empty()) {
    *skip = "node is not on the PATH";
    return {};
  }
  if (!fs::exists(kOrtDir / "node_modules" / "onnxruntime-node")) {
    *skip = "tests/ort/node_modules has no onnxruntime-node (scripts/install_deps.sh test)";
    return {};
  }
  const fs::path out = work / ("ort_" + model.stem().string());
  fs::create_directories(out);
  const fs::path log = out / "ort.log";
  const std::string command =
      ShellQuote(node) + " " + ShellQuote((kOrtDir / "run_ort.js").string()) + " " +
      ShellQuote(model.string()) + " --threads " + std::to_string(kThreads) + " --input " +
      ShellQuote("image=" + images_npy.string()) + " --output-dir " + ShellQuote(out.string()) +
      " > " + ShellQuote(log.string()) + " 2>&1";
  if (std::system(command.c_str()) != 0) {
    ADD_FAILURE() << "ONNX Runtime failed on " << model << ":\n" << ReadText(log);
    return {};
  }
  const ir::Tensor logits = ReadNpy((out / "output_0.npy").string());
  const float* data = logits.DataAs<float>();
  return std::vector<float>(data, data + logits.NumElements());
}

struct Closeness {
  double float_accuracy = 0, quantized_accuracy = 0;
  double mean_cosine = 0, min_cosine = 1;
};

Closeness Compare(const std::vector<float>& reference, const std::vector<float>& quantized,
                  const std::vector<int64_t>& labels) {
  Closeness c;
  const size_t n = labels.size();
  for (size_t i = 0; i < n; ++i) {
    const float* f = &reference[i * kClasses];
    const float* q = &quantized[i * kClasses];
    double dot = 0, ff = 0, qq = 0;
    for (int64_t k = 0; k < kClasses; ++k) {
      dot += static_cast<double>(f[k]) * q[k];
      ff += static_cast<double>(f[k]) * f[k];
      qq += static_cast<double>(q[k]) * q[k];
    }
    const double cosine = dot / std::sqrt(ff * qq);
    c.mean_cosine += cosine / static_cast<double>(n);
    c.min_cosine = std::min(c.min_cosine, cosine);
    c.float_accuracy += (std::max_element(f, f + kClasses) - f) == labels[i] ? 1 : 0;
    c.quantized_accuracy += (std::max_element(q, q + kClasses) - q) == labels[i] ? 1 : 0;
  }
  c.float_accuracy /= static_cast<double>(n);
  c.quantized_accuracy /= static_cast<double>(n);
  return c;
}

void ExpectClose(const Closeness& c, const std::string& runtime) {
  std::printf(
      "[ vit ] %s: float top-1 %.4f, int8 top-1 %.4f (drop %.4f), logits cosine mean %.5f, "
      "min %.5f\n",
      runtime.c_str(), c.float_accuracy, c.quantized_accuracy,
      c.float_accuracy - c.quantized_accuracy, c.mean_cosine, c.min_cosine);
  EXPECT_GE(c.mean_cosine, kMinMeanCosine) << runtime;
  EXPECT_GE(c.min_cosine, kMinWorstCosine) << runtime;
  EXPECT_LE(c.float_accuracy - c.quantized_accuracy, kMaxTop1Drop) << runtime;
}

// Node producing each value of the quantized model.
std::map<std::string, const ir::Node*> Producers(const ir::Model& model) {
  std::map<std::string, const ir::Node*> producers;
  for (const ir::Node& node : model.graph->nodes) {
    for (const std::string& output : node.outputs) producers[output] = &node;
  }
  return producers;
}

std::string ProducerOp(const std::map<std::string, const ir::Node*>& producers,
                       const std::string& value) {
  auto it = producers.find(value);
  return it == producers.end() ? "" : it->second->op_type;
}

// Op producing `value`, looking up through Reshape and Transpose.
std::string ThroughLayout(const std::map<std::string, const ir::Node*>& producers,
                          std::string value) {
  for (;;) {
    auto it = producers.find(value);
    if (it == producers.end()) return "";
    const ir::Node* node = it->second;
    if (node->op_type != "Reshape" && node->op_type != "Transpose") return node->op_type;
    value = node->inputs.at(0);
  }
}

bool EndsWith(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

void ExpectTransformerQuantization(const ir::Model& model) {
  const auto producers = Producers(model);
  int smooth_quant_muls = 0;
  for (const ir::Node& node : model.graph->nodes) {
    if (EndsWith(node.name, "/nncf_smooth_quant")) {
      EXPECT_EQ(node.op_type, "Mul") << node.name;
      ++smooth_quant_muls;
    }
  }
  // One per group of weighted MatMuls/Gemms reading one tensor: the patch embedding, per block
  // q/k/v (one group), proj, fc1, fc2, and the head.
  EXPECT_EQ(smooth_quant_muls, 1 + 2 * 4 + 1);

  int weighted = 0, attention_scores = 0, probs_times_v = 0;
  for (const ir::Node& node : model.graph->nodes) {
    if (node.op_type != "MatMul" && node.op_type != "Gemm") continue;
    const std::string in0 = ProducerOp(producers, node.inputs.at(0));
    const std::string in1 = ProducerOp(producers, node.inputs.at(1));
    if (EndsWith(node.name, "/attn/MatMul_1")) {
      // probs x V: NNCF's MULTIHEAD_ATTENTION_OUTPUT pattern leaves it in float.
      EXPECT_EQ(in0, "Softmax") << node.name;
      EXPECT_NE(ThroughLayout(producers, node.inputs.at(1)), "DequantizeLinear") << node.name;
      ++probs_times_v;
    } else if (EndsWith(node.name, "/attn/MatMul")) {
      // Q x K^T: activations on both sides, both quantized (the quantizers move up through the
      // head-splitting Reshape/Transpose, which are quantization-agnostic).
      EXPECT_EQ(ThroughLayout(producers, node.inputs.at(0)), "DequantizeLinear") << node.name;
      EXPECT_EQ(ThroughLayout(producers, node.inputs.at(1)), "DequantizeLinear") << node.name;
      ++attention_scores;
    } else {
      // A weighted op: quantized input behind SmoothQuant's Mul, int8 weight behind a DQ.
      ++weighted;
      ASSERT_EQ(in0, "DequantizeLinear") << node.name;
      const ir::Node* dq = producers.at(node.inputs[0]);
      ASSERT_EQ(ProducerOp(producers, dq->inputs.at(0)), "QuantizeLinear") << node.name;
      const ir::Node* q = producers.at(dq->inputs[0]);
      ASSERT_TRUE(producers.count(q->inputs.at(0))) << node.name;
      EXPECT_TRUE(EndsWith(producers.at(q->inputs[0])->name, "/nncf_smooth_quant")) << node.name;
      EXPECT_EQ(in1, "DequantizeLinear") << node.name;
    }
  }
  EXPECT_EQ(weighted, 1 + 2 * 6 + 1);  // embed, 2 x (q, k, v, proj, fc1, fc2), head
  EXPECT_EQ(attention_scores, 2);
  EXPECT_EQ(probs_times_v, 2);
}

TEST(VitQuantizeTest, TransformerQuantizationKeepsLogitsAndAccuracy) {
  const ir::Tensor calibration = ReadNpy((kDir / "calibration_images.npy").string());
  const ir::Tensor test_pixels = ReadNpy((kDir / "test_images.npy").string());
  const ir::Tensor labels_tensor = ReadNpy((kDir / "test_labels.npy").string());
  ASSERT_EQ(calibration.dims, (std::vector<int64_t>{kCalibrationItems, 28, 28}));
  const int64_t n_test = test_pixels.dims.at(0);
  const int64_t* label_data = labels_tensor.DataAs<int64_t>();
  const std::vector<int64_t> labels(label_data, label_data + n_test);

  nncf_model* model = nullptr;
  ASSERT_EQ(Message(nncf_model_load_file((kDir / "vit_fashion_mnist.onnx").string().c_str(),
                                         nullptr, &model)),
            "");

  // Calibration: one [1,1,28,28] item per training image.
  std::vector<nncf_sample*> samples;
  for (int64_t i = 0; i < kCalibrationItems; ++i) {
    const std::vector<float> image = Normalize(calibration, i, 1);
    const int64_t shape[] = {1, 1, 28, 28};
    nncf_sample* sample = nullptr;
    ASSERT_EQ(Message(nncf_sample_create(&sample)), "");
    ASSERT_EQ(Message(nncf_sample_set_tensor(sample, "image", NNCF_DTYPE_FLOAT, shape, 4,
                                             image.data(), image.size() * sizeof(float))),
              "");
    samples.push_back(sample);
  }
  nncf_dataset* dataset = nullptr;
  ASSERT_EQ(Message(nncf_dataset_create_from_samples(samples.data(), samples.size(), &dataset)),
            "");
  for (nncf_sample* sample : samples) nncf_sample_free(sample);

  nncf_quantize_params params;
  NNCF_QUANTIZE_PARAMS_INIT(&params);
  params.model_type = NNCF_MODEL_TYPE_TRANSFORMER;
  params.subset_size = kCalibrationItems;
  params.num_threads = kThreads;
  nncf_model* quantized = nullptr;
  nncf_blob* report = nullptr;
  ASSERT_EQ(Message(nncf_quantize(model, dataset, &params, &quantized, &report)), "");
  nncf_dataset_free(dataset);
  nncf_blob_free(report);

  const fs::path work =
      fs::path(::testing::TempDir()) / ("vit_quantize_" + std::to_string(getpid()));
  fs::remove_all(work);
  fs::create_directories(work);
  const fs::path quantized_path = work / "vit_int8.onnx";
  ASSERT_EQ(Message(nncf_model_save_file(quantized, quantized_path.string().c_str(), nullptr)), "");
  onnx::LoadOptions load;
  ExpectTransformerQuantization(onnx::LoadModelFile(quantized_path.string(), load));

  // Our executor.
  const std::vector<float> images = Normalize(test_pixels, 0, n_test);
  const std::vector<float> float_logits = InferLogits(model, images);
  const std::vector<float> int8_logits = InferLogits(quantized, images);
  ASSERT_EQ(float_logits.size(), static_cast<size_t>(n_test * kClasses));
  ASSERT_EQ(int8_logits.size(), float_logits.size());
  ExpectClose(Compare(float_logits, int8_logits, labels), "executor");

  // ONNX Runtime on the same images.
  const fs::path images_npy = work / "images.npy";
  WriteNpy(images_npy.string(),
           ir::Tensor::FromBytes("image", ir::DType::kFloat, {n_test, 1, 28, 28}, images.data(),
                                 images.size() * sizeof(float)));
  std::string skip;
  const std::vector<float> ort_float =
      OrtLogits(kDir / "vit_fashion_mnist.onnx", images_npy, work, &skip);
  const std::vector<float> ort_int8 = OrtLogits(quantized_path, images_npy, work, &skip);
  nncf_model_free(quantized);
  nncf_model_free(model);
  if (!skip.empty()) {
    std::printf("[ vit ] ORT not checked: %s\n", skip.c_str());
  } else if (!HasFailure()) {
    ASSERT_EQ(ort_float.size(), float_logits.size());
    ASSERT_EQ(ort_int8.size(), float_logits.size());
    ExpectClose(Compare(ort_float, ort_int8, labels), "onnxruntime");
    // Both runtimes compute the same float model, and nearly the same int8 one.
    double worst_float = 0, worst_int8 = 0;
    for (size_t i = 0; i < ort_float.size(); ++i) {
      worst_float = std::max(worst_float, std::fabs(double{ort_float[i]} - float_logits[i]));
      worst_int8 = std::max(worst_int8, std::fabs(double{ort_int8[i]} - int8_logits[i]));
    }
    std::printf("[ vit ] executor vs onnxruntime: logits max abs diff %.3g float, %.3g int8\n",
                worst_float, worst_int8);
    EXPECT_LE(worst_float, 1e-3) << "float logits differ between the executor and ORT";
    EXPECT_LE(worst_int8, kMaxRuntimeLogitDiff)
        << "int8 logits differ between the executor and ORT";
  }
  if (!HasFailure()) fs::remove_all(work);
}

}  // namespace
}  // namespace nncf::testing
