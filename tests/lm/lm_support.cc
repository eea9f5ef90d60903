#include "lm_support.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>

#include "core/common/context.h"
#include "npy_io.h"
#include "onnx/model_io.h"
#include "test_process.h"

namespace nncf::testing::lm {

namespace fs = std::filesystem;

const fs::path kLmDir = fs::path(NNCF_SOURCE_DIR) / "tests" / "lm";
const fs::path kOrtDir = fs::path(NNCF_SOURCE_DIR) / "tests" / "ort";

ir::Model WidenToFloat32(const ir::Model& source) {
  ir::Model model = source;
  ir::Graph& graph = *model.graph;
  for (const ir::Node& node : graph.nodes) {
    if (node.op_type == "Cast" || node.op_type == "Constant") {
      ADD_FAILURE() << "node '" << node.name << "' (" << node.op_type
                    << ") may carry a float16 type; WidenToFloat32 does not rewrite it";
    }
  }
  for (ir::Tensor& init : graph.initializers) {
    if (init.dtype != ir::DType::kFloat16) continue;
    std::vector<float> values(static_cast<size_t>(init.NumElements()));
    for (size_t i = 0; i < values.size(); ++i) {
      values[i] = static_cast<float>(init.GetAsDouble(static_cast<int64_t>(i)));
    }
    init = ir::Tensor::FromBytes(init.name, ir::DType::kFloat, init.dims, values.data(),
                                 values.size() * sizeof(float));
  }
  for (auto* infos : {&graph.inputs, &graph.outputs, &graph.value_info}) {
    for (ir::ValueInfo& info : *infos) {
      if (info.type && info.type->IsTensor() && info.type->tensor_dtype() == ir::DType::kFloat16) {
        info.type->elem_type = static_cast<int32_t>(ir::DType::kFloat);
      }
    }
  }
  return model;
}

ir::Tensor EvalTokens(int64_t rows, int64_t first) {
  const ir::Tensor all = ReadNpy((kLmDir / "eval_tokens.npy").string());
  if (all.dtype != ir::DType::kInt64 || all.dims.size() != 2 || all.dims[0] < first + rows) {
    ADD_FAILURE() << "eval_tokens.npy is not int64 [>= " << first + rows << ", seq]";
    return {};
  }
  const int64_t count = rows * all.dims[1];
  return ir::Tensor::FromBytes("tokens", ir::DType::kInt64, {rows, all.dims[1]},
                               all.DataAs<int64_t>() + first * all.dims[1],
                               static_cast<size_t>(count) * 8);
}

double Perplexity(const ir::Tensor& logits, const ir::Tensor& tokens) {
  const int64_t rows = tokens.dims[0], seq = tokens.dims[1];
  const int64_t vocab = logits.dims.back();
  const int64_t* ids = tokens.DataAs<int64_t>();
  std::vector<double> row(static_cast<size_t>(vocab));
  double nll = 0;
  int64_t count = 0;
  for (int64_t r = 0; r < rows; ++r) {
    for (int64_t t = 0; t + 1 < seq; ++t) {
      const int64_t base = (r * seq + t) * vocab;
      double max = -INFINITY;
      for (int64_t v = 0; v < vocab; ++v) {
        row[v] = logits.GetAsDouble(base + v);
        max = std::max(max, row[v]);
      }
      double sum = 0;
      for (int64_t v = 0; v < vocab; ++v) sum += std::exp(row[v] - max);
      nll += max + std::log(sum) - row[ids[r * seq + t + 1]];
      ++count;
    }
  }
  return std::exp(nll / static_cast<double>(count));
}

Agreement Compare(const ir::Tensor& ours, const ir::Tensor& ort, double abs_tol, double rel_tol) {
  Agreement a;
  a.count = ort.NumElements();
  for (int64_t i = 0; i < a.count; ++i) {
    const double x = ours.GetAsDouble(i), y = ort.GetAsDouble(i);
    const double diff = std::fabs(x - y);
    const double tol = abs_tol + rel_tol * std::fabs(y);
    const double ratio = std::isnan(diff) ? INFINITY : diff / tol;
    a.max_abs = std::max(a.max_abs, diff);
    if (y != 0) a.max_rel = std::max(a.max_rel, diff / std::fabs(y));
    if (!(diff <= tol)) ++a.outside;
    if (a.worst < 0 || ratio > a.worst_ratio) {
      a.worst = i;
      a.worst_ratio = ratio;
    }
  }
  return a;
}

bool HaveOrt() {
  return !FindOnPath("node").empty() && fs::exists(kOrtDir / "node_modules" / "onnxruntime-node");
}

std::optional<ir::Tensor> RunOrt(const ir::Model& model, const ir::Tensor& tokens,
                                 const std::vector<std::string>& config, const fs::path& work,
                                 std::string* error) {
  fs::remove_all(work);
  fs::create_directories(work / "case");
  const fs::path model_path = work / "model.onnx";
  onnx::SaveOptions save;
  save.external_data = onnx::ExternalDataMode::kNever;
  onnx::SaveModelFile(model, model_path.string(), save, Context());
  WriteNpy((work / "case" / "input_0.npy").string(), tokens);
  std::string command = ShellQuote(FindOnPath("node")) + " " +
                        ShellQuote((kOrtDir / "run_ort.js").string()) + " " +
                        ShellQuote(model_path.string());
  for (const std::string& entry : config) command += " --config " + ShellQuote(entry);
  command += " " + ShellQuote((work / "case").string()) + " > " +
             ShellQuote((work / "ort.log").string()) + " 2>&1";
  if (std::system(command.c_str()) != 0) {
    if (error) *error = ReadText(work / "ort.log");
    return std::nullopt;
  }
  ir::Tensor logits = ReadNpy((work / "case" / "output_0.npy").string());
  fs::remove_all(work);
  return logits;
}

}  // namespace nncf::testing::lm
