// ONNX Runtime (onnxruntime-node through tests/ort/run_ort.js) and our executor agree on every
// golden model that can run: the float model as built, the model quantized as NNCF's reference
// flow does (weight QuantizeLinear kept), and quantized with the default weight folding (int8
// initializers). Inputs are the calibration items (models/<model>.<input>.npy).
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "algorithms/quantization/quantize.h"
#include "core/common/context.h"
#include "core/exec/executor.h"
#include "golden_cases.h"
#include "npy_io.h"
#include "onnx/model_io.h"
#include "quantize_case.h"
#include "test_process.h"

namespace nncf::testing::goldens {
namespace {

namespace fs = std::filesystem;
namespace q = algorithms::quantization;

const fs::path kOrtDir = fs::path(NNCF_SOURCE_DIR) / "tests" / "ort";

enum class Variant { kFloat, kReferenceFlow, kFolded };

const char* VariantName(Variant v) {
  switch (v) {
    case Variant::kFloat:
      return "float";
    case Variant::kReferenceFlow:
      return "quantized";
    case Variant::kFolded:
      return "quantized_folded";
  }
  return "";
}

struct OrtCase {
  GraphCase graph;
  Variant variant;
};

std::vector<OrtCase> OrtCases() {
  std::vector<OrtCase> cases;
  for (const GraphCase& c : GraphCases()) {
    if (!c.placement_only_reason.empty()) continue;
    for (Variant v : {Variant::kFloat, Variant::kReferenceFlow, Variant::kFolded}) {
      cases.push_back({c, v});
    }
  }
  return cases;
}

ir::Model ModelFor(const OrtCase& c) {
  if (c.variant == Variant::kReferenceFlow) return QuantizeGraphCase(c.graph);
  ir::Model model = LoadGoldenModel(c.graph.model);
  if (c.variant == Variant::kFolded) {
    q::QuantizeParams params = ParamsFor(c.graph);
    params.fold_weights = true;
    RepeatedItemDataset dataset(CalibrationInputs(model, c.graph.model), 10);
    model = q::Quantize(model, dataset, params, Context(), nullptr);
    RemoveQdqPairs(model, c.graph.removed_tensors);
  }
  return model;
}

class GoldenOrt : public ::testing::TestWithParam<OrtCase> {};

TEST_P(GoldenOrt, ExecutorAgreesWithOnnxRuntime) {
  const OrtCase& c = GetParam();
  const std::string node = FindOnPath("node");
  if (node.empty()) GTEST_SKIP() << "node is not on the PATH; install Node.js to run this check";
  if (!fs::exists(kOrtDir / "node_modules" / "onnxruntime-node")) {
    GTEST_SKIP() << (kOrtDir / "node_modules").string()
                 << " has no onnxruntime-node; run scripts/install_deps.sh test";
  }
  const std::string label = c.graph.reference + " (" + VariantName(c.variant) + ")";
  auto model = std::make_shared<ir::Model>(ModelFor(c));
  const fs::path work =
      fs::path(::testing::TempDir()) / ("golden_ort_" + c.graph.reference + "_" +
                                        VariantName(c.variant) + "_" + std::to_string(getpid()));
  fs::remove_all(work);
  fs::create_directories(work / "case");
  const fs::path model_path = work / "model.onnx";
  onnx::SaveModelFile(*model, model_path.string(), onnx::SaveOptions{}, Context());

  const std::vector<ir::Tensor> inputs = CalibrationInputs(*model, c.graph.model);
  exec::NamedTensors feeds;
  for (size_t i = 0; i < inputs.size(); ++i) {
    WriteNpy((work / "case" / ("input_" + std::to_string(i) + ".npy")).string(), inputs[i]);
    feeds.emplace_back(inputs[i].name, inputs[i]);
  }
  const fs::path log = work / "ort.log";
  const std::string command =
      ShellQuote(node) + " " + ShellQuote((kOrtDir / "run_ort.js").string()) + " " +
      ShellQuote(model_path.string()) + " " + ShellQuote((work / "case").string()) + " > " +
      ShellQuote(log.string()) + " 2>&1";
  ASSERT_EQ(std::system(command.c_str()), 0) << "ONNX Runtime failed on " << label << ":\n"
                                             << ReadText(log);

  exec::Executor executor(model, exec::ExecutorOptions{});
  const exec::NamedTensors ours = executor.Run(feeds);
  ASSERT_EQ(ours.size(), model->graph->outputs.size());
  // Float: the executor's usual agreement. Quantized: a value can land on the other side of a
  // rounding boundary when the two runtimes divide by the scale differently; that moves it by
  // one quantum, so a small share of elements may differ by more.
  const bool quantized = c.variant != Variant::kFloat;
  const double abs_tol = quantized ? 1e-4 : 1e-5, rel_tol = quantized ? 1e-3 : 1e-4;
  double max_abs = 0.0;
  for (size_t j = 0; j < ours.size(); ++j) {
    const ir::Tensor ort =
        ReadNpy((work / "case" / ("output_" + std::to_string(j) + ".npy")).string());
    const ir::Tensor& got = ours[j].second;
    const std::string where = label + " output '" + ours[j].first + "'";
    ASSERT_EQ(got.dtype, ort.dtype) << where;
    ASSERT_EQ(got.dims, ort.dims) << where;
    int64_t outside = 0, worst = -1;
    double worst_excess = 0.0;
    for (int64_t i = 0; i < ort.NumElements(); ++i) {
      const double x = got.GetAsDouble(i), y = ort.GetAsDouble(i);
      const double diff = std::fabs(x - y);
      max_abs = std::max(max_abs, diff);
      const double excess = diff - (abs_tol + rel_tol * std::fabs(y));
      if (!(excess <= 0.0)) {
        ++outside;
        if (worst < 0 || !(excess <= worst_excess)) {
          worst = i;
          worst_excess = excess;
        }
      }
    }
    const int64_t allowed = quantized ? ort.NumElements() / 1000 : 0;
    EXPECT_LE(outside, allowed) << where << ": " << outside << " of " << ort.NumElements()
                                << " elements outside abs " << abs_tol << " + rel " << rel_tol
                                << "; worst element " << worst << ": ours "
                                << got.GetAsDouble(worst) << ", ORT " << ort.GetAsDouble(worst);
  }
  std::printf("[ golden ort ] %-48s max abs diff %.3g\n", label.c_str(), max_abs);
  if (!HasFailure()) fs::remove_all(work);
}

INSTANTIATE_TEST_SUITE_P(Nncf, GoldenOrt, ::testing::ValuesIn(OrtCases()),
                         [](const ::testing::TestParamInfo<OrtCase>& info) {
                           return info.param.graph.reference + "_" +
                                  VariantName(info.param.variant);
                         });

}  // namespace
}  // namespace nncf::testing::goldens
