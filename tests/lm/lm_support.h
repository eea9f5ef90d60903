// What the language-model tests share: the bundled model and its held-out tokens, perplexity,
// logit agreement and a run of a model through ONNX Runtime (node + tests/ort/run_ort.js).
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "core/ir/model.h"
#include "core/ir/tensor.h"

namespace nncf::testing::lm {

extern const std::filesystem::path kLmDir;
extern const std::filesystem::path kOrtDir;

// The model as float32: every float16 initializer and graph input/output widened (lm.onnx is
// stored in float16 to stay small).
ir::Model WidenToFloat32(const ir::Model& source);

// Rows [first, first + rows) of eval_tokens.npy as int64 [rows, seq].
ir::Tensor EvalTokens(int64_t rows, int64_t first = 0);

// exp(mean negative log-likelihood of token t+1 given the logits at t), in double.
double Perplexity(const ir::Tensor& logits, const ir::Tensor& tokens);

struct Agreement {
  double max_abs = 0, max_rel = 0;
  int64_t outside = 0, count = 0, worst = -1;
  double worst_ratio = 0;
};
Agreement Compare(const ir::Tensor& ours, const ir::Tensor& ort, double abs_tol, double rel_tol);

// True when node and tests/ort/node_modules/onnxruntime-node are there.
bool HaveOrt();

// Runs `model` on `tokens` in ONNX Runtime with session config entries ("key=value"); the logits,
// or nullopt with `error` set when ORT failed. `work` is a scratch directory (removed on success).
std::optional<ir::Tensor> RunOrt(const ir::Model& model, const ir::Tensor& tokens,
                                 const std::vector<std::string>& config,
                                 const std::filesystem::path& work, std::string* error);

}  // namespace nncf::testing::lm
