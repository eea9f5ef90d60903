// nncf_quantize on a float16 transformer (the byte-level LM of tests/lm, fp16 weights and
// activations): NNCF's ONNX backend leaves such models unquantized; we quantize them with fp16
// scales at opset 19, only when the caller allows the opset change, the model keeps its
// perplexity, and ONNX Runtime computes the same logits as our executor.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "algorithms/quantization/quantize.h"
#include "core/common/error.h"
#include "core/exec/executor.h"
#include "npy_io.h"
#include "onnx/model_io.h"
#include "test_process.h"
#include "vector_dataset.h"

namespace nncf::algorithms::quantization {
namespace {

namespace fs = std::filesystem;

const fs::path kLmDir = fs::path(NNCF_SOURCE_DIR) / "tests" / "lm";
const fs::path kOrtDir = fs::path(NNCF_SOURCE_DIR) / "tests" / "ort";

// Rows [first, first + count) of eval_tokens.npy as one [count, seq] tensor.
ir::Tensor TokenRows(int64_t first, int64_t count) {
  const ir::Tensor all = testing::ReadNpy((kLmDir / "eval_tokens.npy").string());
  const int64_t seq = all.dims[1];
  return ir::Tensor::FromBytes("tokens", ir::DType::kInt64, {count, seq},
                               all.DataAs<int64_t>() + first * seq,
                               static_cast<size_t>(count * seq) * sizeof(int64_t));
}

// One [1, seq] calibration item per row.
std::vector<data::Sample> Items(const ir::Tensor& rows) {
  std::vector<data::Sample> items;
  const int64_t seq = rows.dims[1];
  for (int64_t r = 0; r < rows.dims[0]; ++r) {
    data::Sample sample;
    sample.Set(ir::Tensor::FromBytes("tokens", ir::DType::kInt64, {1, seq},
                                     rows.DataAs<int64_t>() + r * seq,
                                     static_cast<size_t>(seq) * sizeof(int64_t)));
    items.push_back(sample);
  }
  return items;
}

// Per-byte perplexity of next-token predictions.
double Perplexity(const ir::Tensor& logits, const ir::Tensor& tokens) {
  const int64_t rows = tokens.dims[0], seq = tokens.dims[1], vocab = logits.dims.back();
  const int64_t* ids = tokens.DataAs<int64_t>();
  double nll = 0;
  int64_t count = 0;
  for (int64_t r = 0; r < rows; ++r) {
    for (int64_t t = 0; t + 1 < seq; ++t) {
      const int64_t base = (r * seq + t) * vocab;
      double max = -INFINITY, sum = 0;
      for (int64_t v = 0; v < vocab; ++v) max = std::max(max, logits.GetAsDouble(base + v));
      for (int64_t v = 0; v < vocab; ++v) sum += std::exp(logits.GetAsDouble(base + v) - max);
      nll += max + std::log(sum) - logits.GetAsDouble(base + ids[r * seq + t + 1]);
      ++count;
    }
  }
  return std::exp(nll / static_cast<double>(count));
}

ir::Tensor Logits(const ir::Model& model, const ir::Tensor& tokens) {
  const exec::Executor executor(std::make_shared<const ir::Model>(model), {});
  return executor.Run({{"tokens", tokens}})[0].second;
}

TEST(LmQuantizeTest, Fp16ModelGetsFp16ScalesAtOpset19AndKeepsPerplexity) {
  const ir::Model model = onnx::LoadModelFile((kLmDir / "lm.onnx").string(), {});
  ASSERT_EQ(model.DefaultOpset(), 17);
  testing::VectorDataset calibration(Items(TokenRows(0, 8)));
  QuantizeParams params;
  params.subset_size = 8;
  params.model_type = ModelType::kTransformer;

  // Float16 QuantizeLinear needs opset 19: refused unless the caller allows the change.
  try {
    Quantize(model, calibration, params, Context(), nullptr);
    FAIL() << "quantizing an opset-17 fp16 model without allow_opset_upgrade succeeded";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::kVersionMismatch) << error.what();
    EXPECT_NE(std::string(error.what()).find("opset 19"), std::string::npos) << error.what();
  }

  params.allow_opset_upgrade = true;
  QuantizeReport report;
  const ir::Model quantized = Quantize(model, calibration, params, Context(), &report);
  EXPECT_EQ(quantized.DefaultOpset(), 19);
  EXPECT_EQ(report.opset_before, 17);
  EXPECT_EQ(report.opset_after, 19);
  int fp16_scales = 0, quantize_nodes = 0, smooth_quant_muls = 0;
  for (const ir::Tensor& init : quantized.graph->initializers) {
    if (init.name.rfind("scale_", 0) == 0) {
      EXPECT_EQ(init.dtype, ir::DType::kFloat16) << init.name;
      ++fp16_scales;
    }
  }
  for (const ir::Node& node : quantized.graph->nodes) {
    quantize_nodes += node.op_type == "QuantizeLinear";
    smooth_quant_muls += node.name.find("/nncf_smooth_quant") != std::string::npos;
  }
  EXPECT_GT(fp16_scales, 10);
  EXPECT_GT(quantize_nodes, 10);
  EXPECT_GT(smooth_quant_muls, 0);
  EXPECT_FALSE(report.smoothed.empty());

  const ir::Tensor eval = TokenRows(8, 8);
  const ir::Tensor float_logits = Logits(model, eval);
  const ir::Tensor int8_logits = Logits(quantized, eval);
  const double float_ppl = Perplexity(float_logits, eval);
  const double int8_ppl = Perplexity(int8_logits, eval);
  std::printf("[ fp16 lm ] per-byte perplexity: fp16 %.4f, int8 %.4f (%zu quantizers)\n", float_ppl,
              int8_ppl, report.quantizers.size());
  EXPECT_NE(int8_ppl, float_ppl);  // it is really quantized
  EXPECT_LT(int8_ppl, float_ppl * 1.05);

  const std::string node = testing::FindOnPath("node");
  if (node.empty() || !fs::exists(kOrtDir / "node_modules" / "onnxruntime-node")) {
    std::printf("[ fp16 lm ] ONNX Runtime check skipped: node or onnxruntime-node missing\n");
    return;
  }
  const fs::path work =
      fs::path(::testing::TempDir()) / ("lm_quantize_" + std::to_string(getpid()));
  fs::remove_all(work);
  fs::create_directories(work / "case");
  onnx::SaveOptions save;
  save.external_data = onnx::ExternalDataMode::kNever;
  onnx::SaveModelFile(quantized, (work / "model.onnx").string(), save, Context());
  testing::WriteNpy((work / "case" / "input_0.npy").string(), eval);
  const std::string command = testing::ShellQuote(node) + " " +
                              testing::ShellQuote((kOrtDir / "run_ort.js").string()) + " " +
                              testing::ShellQuote((work / "model.onnx").string()) + " " +
                              testing::ShellQuote((work / "case").string()) + " > " +
                              testing::ShellQuote((work / "ort.log").string()) + " 2>&1";
  ASSERT_EQ(std::system(command.c_str()), 0) << testing::ReadText(work / "ort.log");
  const ir::Tensor ort = testing::ReadNpy((work / "case" / "output_0.npy").string());
  ASSERT_EQ(ort.dims, int8_logits.dims);
  const double ort_ppl = Perplexity(ort, eval);
  std::printf("[ fp16 lm ] ONNX Runtime per-byte perplexity of the int8 model: %.4f\n", ort_ppl);
  // fp16 arithmetic differs in accumulation order between the runtimes; the task metric agrees.
  EXPECT_NEAR(ort_ppl, int8_ppl, 0.005 * int8_ppl);
  int64_t far = 0;
  for (int64_t i = 0; i < ort.NumElements(); ++i) {
    const double a = int8_logits.GetAsDouble(i), b = ort.GetAsDouble(i);
    if (std::fabs(a - b) > 0.05 + 0.02 * std::fabs(b)) ++far;
  }
  EXPECT_LE(far, ort.NumElements() / 1000) << far << " of " << ort.NumElements() << " logits";
  fs::remove_all(work);
}

}  // namespace
}  // namespace nncf::algorithms::quantization
