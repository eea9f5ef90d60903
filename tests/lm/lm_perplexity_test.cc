// Perplexity of the bundled byte-level language model (tests/lm/lm.onnx, trained on Debian's
// fortunes by tests/lm/make_lm.py) in float and after data-free weight compression in every mode,
// computed with our executor and with ONNX Runtime, which must agree on the logits.
//
// lm.onnx is float16 throughout; most rows evaluate it widened to float32 (see WidenToFloat32), a
// few as stored. Perplexity is per byte over the first kSequences rows of tests/lm/eval_tokens.npy
// (held-out text), every position but the first predicted, the log-softmax taken in double. The
// table printed at the end is the one in docs/weight_compression.md ("Perplexity on the bundled
// language model").
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "algorithms/weight_compression/compress_weights.h"
#include "core/exec/executor.h"
#include "lm_support.h"
#include "npy_io.h"
#include "onnx/model_io.h"
#include "test_process.h"

namespace nncf::testing {
namespace {

namespace fs = std::filesystem;
namespace wc = algorithms::wc;

using lm::Agreement;
using lm::Compare;
using lm::EvalTokens;
using lm::kLmDir;
using lm::kOrtDir;
using lm::Perplexity;
using lm::WidenToFloat32;
// Rows of eval_tokens.npy evaluated (make_lm.py records torch's perplexity on the same rows).
constexpr int64_t kSequences = 16;
constexpr int kThreads = 2;
// Logit agreement with ORT when the model computes in float16. Both round every intermediate value
// to float16, ORT after fusing some ops (LayerNormalization, Gelu, MatMul+Add), so rounding
// differences accumulate through the blocks: the largest logit difference measured is 0.035,
// against below 5e-5 in float32.
constexpr double kFp16AbsTol = 5e-2;
constexpr double kFp16RelTol = 1e-2;

// One model to evaluate: the float model or a compressed form of it.
struct Variant {
  std::string name;  // row label in the table
  bool compress = true;
  wc::WeightMode mode = wc::WeightMode::kInt8Asym;
  std::optional<int64_t> group_size;
  std::optional<double> ratio;
  wc::WeightFormat format = wc::WeightFormat::kDequantizeLinear;
  bool fp16 = false;         // evaluate lm.onnx as stored (float16) instead of widened to float32
  bool run_ort = true;       // ORT 1.30 cannot run float4 DequantizeLinear (opset 23)
  int accuracy_level = 1;    // MatMulNBits (1: ORT computes in float, as we do)
  bool check_logits = true;  // false: ORT computes something else on purpose (only bounds)
  std::vector<std::string> ort_config = {};
  // Bound on perplexity / float perplexity - 1, ours and ORT's.
  double max_increase = 0.0;
};

std::ostream& operator<<(std::ostream& os, const Variant& v) {
  return os << v.name;
}

// ORT's default fuses DequantizeLinear(int4/uint4, blocked) + MatMul into MatMulNBits with
// accuracy level 4 (activations quantized to int8 per block), which departs from the ONNX
// semantics (docs/executor.md); level 1 keeps that fusion in float.
const std::string kOrtFp32Fusion = "session.qdq_matmulnbits_accuracy_level=1";

Variant Float() {
  Variant v;
  v.name = "float";
  v.compress = false;
  return v;
}

Variant Dq(std::string name, wc::WeightMode mode, std::optional<int64_t> group,
           std::optional<double> ratio, double max_increase) {
  Variant v;
  v.name = std::move(name);
  v.mode = mode;
  v.group_size = group;
  v.ratio = ratio;
  v.max_increase = max_increase;
  v.ort_config = {kOrtFp32Fusion};
  return v;
}

Variant Fp16(Variant v) {
  v.name += " (float16 model)";
  v.fp16 = true;
  return v;
}

// E2M1 as FLOAT4E2M1 DequantizeLinear (opset 23): ORT 1.30 cannot run it, our executor only.
Variant Float4Dq(Variant v) {
  v.name += ", float4 DequantizeLinear";
  v.format = wc::WeightFormat::kDequantizeLinearFloat4;
  v.run_ort = false;
  return v;
}

Variant NBits(Variant v) {
  v.name += ", MatMulNBits";
  v.format = wc::WeightFormat::kMatMulNBits;
  return v;
}

// MatMulNBits with accuracy_level 4 (NNCF's and our default): ORT quantizes the activations to
// int8 per block, so its logits are not compared with ours, only its perplexity bounded.
Variant NBitsLevel4(Variant v) {
  v = NBits(std::move(v));
  v.name += " accuracy_level 4";
  v.accuracy_level = 4;
  v.check_logits = false;
  return v;
}

using nncf::testing::FindOnPath;
using nncf::testing::ReadText;
using nncf::testing::ShellQuote;

// `key value` lines of lm_reference.txt.
double ReferenceValue(const std::string& key) {
  std::istringstream in(ReadText(kLmDir / "lm_reference.txt"));
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    std::string name;
    double value = 0;
    if (fields >> name >> value && name == key) return value;
  }
  ADD_FAILURE() << "no '" << key << "' in " << (kLmDir / "lm_reference.txt").string();
  return NAN;
}

struct Row {
  std::string name;
  double ours = NAN, ort = NAN;
  Agreement agreement;
  bool ort_ran = false;
  bool fp16 = false;
  double seconds = 0;
  std::string layers;  // layer count per mode from the compression report
};

class LmPerplexity : public ::testing::TestWithParam<Variant> {
 protected:
  static void SetUpTestSuite() {
    onnx::LoadOptions load;
    fp16_model_ =
        std::make_shared<ir::Model>(onnx::LoadModelFile((kLmDir / "lm.onnx").string(), load));
    model_ = std::make_shared<ir::Model>(WidenToFloat32(*fp16_model_));
    tokens_ = EvalTokens(kSequences);
  }
  static void TearDownTestSuite() {
    if (tokens_.dims.size() != 2) return;  // SetUpTestSuite already failed
    std::printf("\n[ lm ] perplexity per byte, %lld held-out sequences of %lld bytes\n",
                static_cast<long long>(tokens_.dims[0]), static_cast<long long>(tokens_.dims[1]));
    std::printf("| model | ours | ONNX Runtime | vs float | logits max abs diff |\n");
    std::printf("| --- | --- | --- | --- | --- |\n");
    for (const Row& row : rows_) {
      char ort[32] = "not run", diff[32] = "-";
      if (row.ort_ran) {
        std::snprintf(ort, sizeof ort, "%.4f", row.ort);
        std::snprintf(diff, sizeof diff, "%.2g", row.agreement.max_abs);
      }
      std::printf("| %s | %.4f | %s | %+.2f%% | %s |  (%.1f s, %lld of %lld outside; %s)\n",
                  row.name.c_str(), row.ours, ort,
                  100.0 * (row.ours / float_perplexity_[row.fp16] - 1.0), diff, row.seconds,
                  static_cast<long long>(row.agreement.outside),
                  static_cast<long long>(row.agreement.count), row.layers.c_str());
    }
    model_.reset();
    fp16_model_.reset();
  }

  static std::shared_ptr<ir::Model> model_, fp16_model_;
  static ir::Tensor tokens_;
  static double float_perplexity_[2];  // float32 evaluation, float16 evaluation
  static std::vector<Row> rows_;
};

std::shared_ptr<ir::Model> LmPerplexity::model_;
std::shared_ptr<ir::Model> LmPerplexity::fp16_model_;
ir::Tensor LmPerplexity::tokens_;
double LmPerplexity::float_perplexity_[2] = {NAN, NAN};
std::vector<Row> LmPerplexity::rows_;

TEST_P(LmPerplexity, WithinBoundAndAgreesWithOnnxRuntime) {
  const Variant& variant = GetParam();
  const auto start = std::chrono::steady_clock::now();
  Row row;
  row.name = variant.name;
  row.fp16 = variant.fp16;
  const std::shared_ptr<const ir::Model> source = variant.fp16 ? fp16_model_ : model_;
  double& float_perplexity = float_perplexity_[variant.fp16];

  std::shared_ptr<const ir::Model> model = source;
  if (variant.compress) {
    wc::CompressWeightsParams params;
    params.mode = variant.mode;
    params.group_size = variant.group_size;
    params.ratio = variant.ratio;
    params.format = variant.format;
    params.num_threads = kThreads;
    params.format_options.accuracy_level = variant.accuracy_level;
    wc::CompressWeightsReport report;
    model = std::make_shared<ir::Model>(wc::CompressWeights(*source, params, Context(), &report));
    std::map<std::string, int> per_mode;
    for (const wc::LayerReport& layer : report.layers) ++per_mode[layer.mode];
    for (const auto& [mode, count] : per_mode) {
      row.layers += (row.layers.empty() ? "" : " ") + mode + ":" + std::to_string(count);
    }
  }
  exec::ExecutorOptions options;
  options.num_threads = kThreads;
  exec::Executor executor(model, options);
  const exec::NamedTensors ours = executor.Run({{"tokens", tokens_}});
  ASSERT_EQ(ours.size(), 1u);
  const ir::Tensor& logits = ours[0].second;
  ASSERT_EQ(logits.dims, (std::vector<int64_t>{tokens_.dims[0], tokens_.dims[1], 256}));
  row.ours = Perplexity(logits, tokens_);

  if (!variant.compress) {
    float_perplexity = row.ours;
    // torch computed in float32 with the same float16-rounded weights.
    const double torch = ReferenceValue("torch_perplexity_first_" + std::to_string(kSequences));
    EXPECT_NEAR(row.ours, torch, (variant.fp16 ? 2e-3 : 1e-5) * torch)
        << "executor vs torch on the float model";
  } else {
    ASSERT_FALSE(std::isnan(float_perplexity)) << "the float model runs first";
    EXPECT_LE(row.ours, float_perplexity * (1.0 + variant.max_increase))
        << variant.name << ": perplexity " << row.ours << " vs float " << float_perplexity;
    EXPECT_NE(row.ours, float_perplexity) << variant.name << " left the model unchanged";
  }

  const std::string node = FindOnPath("node");
  const bool have_ort = !node.empty() && fs::exists(kOrtDir / "node_modules" / "onnxruntime-node");
  if (variant.run_ort && have_ort) {
    const fs::path work = fs::path(::testing::TempDir()) /
                          ("lm_" + std::to_string(getpid()) + "_" + std::to_string(rows_.size()));
    fs::remove_all(work);
    fs::create_directories(work / "case");
    const fs::path model_path = work / "model.onnx";
    onnx::SaveOptions save;
    save.external_data = onnx::ExternalDataMode::kNever;
    onnx::SaveModelFile(*model, model_path.string(), save, Context());
    WriteNpy((work / "case" / "input_0.npy").string(), tokens_);
    std::string command = ShellQuote(node) + " " + ShellQuote((kOrtDir / "run_ort.js").string()) +
                          " " + ShellQuote(model_path.string());
    for (const std::string& entry : variant.ort_config) command += " --config " + ShellQuote(entry);
    command += " " + ShellQuote((work / "case").string()) + " > " +
               ShellQuote((work / "ort.log").string()) + " 2>&1";
    ASSERT_EQ(std::system(command.c_str()), 0) << "ONNX Runtime failed on " << variant.name << ":\n"
                                               << ReadText(work / "ort.log");
    const ir::Tensor ort = ReadNpy((work / "case" / "output_0.npy").string());
    ASSERT_EQ(ort.dtype, logits.dtype);
    ASSERT_EQ(ort.dims, logits.dims);
    row.ort = Perplexity(ort, tokens_);
    row.ort_ran = true;
    const double abs_tol = variant.fp16 ? kFp16AbsTol : 1e-4;
    const double rel_tol = variant.fp16 ? kFp16RelTol : 1e-3;
    row.agreement = Compare(logits, ort, abs_tol, rel_tol);
    const Agreement& a = row.agreement;
    if (variant.check_logits) {
      EXPECT_LE(a.outside, a.count / 1000)
          << variant.name << ": " << a.outside << " of " << a.count << " logits outside abs "
          << abs_tol << " + rel " << rel_tol << " of ORT's; worst element " << a.worst << ": ours "
          << logits.GetAsDouble(a.worst) << ", ORT " << ort.GetAsDouble(a.worst)
          << " (max abs diff " << a.max_abs << ", max rel diff " << a.max_rel << ")";
    }
    if (variant.compress) {
      EXPECT_LE(row.ort, float_perplexity * (1.0 + variant.max_increase))
          << variant.name << " in ORT";
    }
    if (!HasFailure()) fs::remove_all(work);
  } else if (variant.run_ort) {
    std::printf(
        "[ lm ] %s: ORT not checked (needs node and tests/ort/node_modules; run "
        "scripts/install_deps.sh test)\n",
        variant.name.c_str());
  }
  row.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  rows_.push_back(row);
}

// Bounds on the perplexity increase over float. INT8_ASYM: the 0.5%. 4-bit modes: twice
// the increase measured on 16 sequences when the bounds were set, rounded up to 0.1% (measured:
// INT4_SYM g128 +0.31%, INT4_ASYM g128 +0.24%, NF4 g128 +0.24%, E2M1 g32 +0.16%, INT4_SYM g128
// ratio 0.8 +0.22%; the table is in docs/weight_compression.md). The model is briefly trained, so
// 4-bit costs it little; the margin absorbs float differences between machines, not regressions.
constexpr double kInt8Bound = 0.005;
constexpr double kInt4SymBound = 0.007;
constexpr double kInt4AsymBound = 0.005;
constexpr double kNf4Bound = 0.005;
constexpr double kE2M1Bound = 0.004;
constexpr double kRatio08Bound = 0.005;

std::string TestName(const ::testing::TestParamInfo<Variant>& info) {
  std::string name;
  for (char c : info.param.name) {
    if (std::isalnum(static_cast<unsigned char>(c))) {
      name += c;
    } else if (!name.empty() && name.back() != '_') {
      name += '_';
    }
  }
  while (!name.empty() && name.back() == '_') name.pop_back();
  return name;
}

INSTANTIATE_TEST_SUITE_P(
    Modes, LmPerplexity,
    ::testing::Values(
        Float(),  // first: the others are measured against it
        Dq("INT8_ASYM", wc::WeightMode::kInt8Asym, std::nullopt, std::nullopt, kInt8Bound),
        Dq("INT4_SYM g128", wc::WeightMode::kInt4Sym, 128, std::nullopt, kInt4SymBound),
        Dq("INT4_ASYM g128", wc::WeightMode::kInt4Asym, 128, std::nullopt, kInt4AsymBound),
        Dq("NF4 g128", wc::WeightMode::kNf4, 128, std::nullopt, kNf4Bound),
        Dq("E2M1 g32", wc::WeightMode::kE2M1, 32, std::nullopt, kE2M1Bound),
        Dq("INT4_SYM g128 ratio 0.8", wc::WeightMode::kInt4Sym, 128, 0.8, kRatio08Bound),
        NBits(Dq("INT4_SYM g128", wc::WeightMode::kInt4Sym, 128, std::nullopt, kInt4SymBound)),
        NBits(Dq("INT4_ASYM g128", wc::WeightMode::kInt4Asym, 128, std::nullopt, kInt4AsymBound)),
        NBits(Dq("INT4_SYM g128 ratio 0.8", wc::WeightMode::kInt4Sym, 128, 0.8, kRatio08Bound)),
        NBitsLevel4(Dq("INT4_ASYM g128", wc::WeightMode::kInt4Asym, 128, std::nullopt,
                       kInt4AsymBound)),
        Float4Dq(Dq("E2M1 g32", wc::WeightMode::kE2M1, 32, std::nullopt, kE2M1Bound)),
        Fp16(Float()),  // first of the float16 rows
        Fp16(Dq("INT8_ASYM", wc::WeightMode::kInt8Asym, std::nullopt, std::nullopt, kInt8Bound)),
        Fp16(Dq("INT4_ASYM g128", wc::WeightMode::kInt4Asym, 128, std::nullopt, kInt4AsymBound))),
    TestName);

}  // namespace
}  // namespace nncf::testing
