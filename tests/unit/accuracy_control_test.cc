// Accuracy control against a scripted validation metric: the metric of a model is a known
// function of which MatMuls are still quantized, so the revert order, the step-back rule, the
// validation calls per phase and the returned model can be derived by hand from ptq.md 8.3/8.4.
// The expected sequences were worked out with NNCF's loop written out on paper (and checked
// with a ten-line simulation of that loop), not with this code.
#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "algorithms/accuracy_control/accuracy_control.h"
#include "algorithms/accuracy_control/group_revert.h"
#include "algorithms/accuracy_control/quantizer_groups.h"
#include "core/common/error.h"
#include "core/exec/executor.h"
#include "model_builder.h"
#include "vector_dataset.h"

namespace nncf::algorithms::accuracy_control {
namespace {

using testing::ModelBuilder;
using testing::VectorDataset;
namespace q = quantization;

const std::vector<std::string> kLayers = {"mm_a", "mm_b", "mm_c", "mm_d"};

// x[1,8] -> mm_a -> Relu -> mm_b -> Relu -> mm_c -> Relu -> mm_d -> y: four MatMuls, each with
// its own input quantizer, so four quantizer groups of one op each.
ir::Model FourLayerMlp() {
  ModelBuilder b;
  b.Input("x", {1, 8}).Output("y", {1, 8});
  std::string value = "x";
  for (size_t k = 0; k < kLayers.size(); ++k) {
    const std::string w = "w" + std::to_string(k);
    b.Random(w, {8, 8}, 0.5f, static_cast<uint32_t>(k + 1));
    const std::string out = k + 1 == kLayers.size() ? "y" : "h" + std::to_string(k);
    b.Node("MatMul", {value, w}, {out}, {}, kLayers[k]);
    value = out;
    if (k + 1 < kLayers.size()) {
      b.Node("Relu", {value}, {value + "_relu"}, {}, "relu" + std::to_string(k));
      value += "_relu";
    }
  }
  return b.Build();
}

std::vector<data::Sample> RandomItems(size_t count, uint32_t seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> dist(0.f, 1.f);
  std::vector<data::Sample> items;
  for (size_t i = 0; i < count; ++i) {
    std::vector<float> values(8);
    for (float& v : values) v = dist(rng);
    data::Sample sample;
    sample.Set(ModelBuilder::FloatTensor("x", {1, 8}, values));
    items.push_back(sample);
  }
  return items;
}

// Whether the MatMul `name` reads a dequantized activation.
bool IsQuantized(const ir::Model& model, const std::string& name) {
  std::map<std::string, const ir::Node*> producer;
  for (const ir::Node& node : model.graph->nodes) {
    for (const std::string& out : node.outputs) producer[out] = &node;
  }
  for (const ir::Node& node : model.graph->nodes) {
    if (node.name != name) continue;
    auto it = producer.find(node.inputs[0]);
    return it != producer.end() && it->second->op_type == "DequantizeLinear";
  }
  ADD_FAILURE() << "no node " << name;
  return false;
}

// item score = 1 - sum over quantized layers of penalty[layer][item] - offset (models that are
// not the caller's float model); metric = mean over the items asked for.
struct ScriptedMetric {
  std::map<std::string, std::vector<double>> penalty;
  bool per_item = false;
  double offset = 0;
  const ir::Model* initial = nullptr;
  std::shared_ptr<const ir::Model> first;
  std::vector<std::vector<int64_t>> calls;  // indices of every call

  ValidationFn Fn() {
    return [this](std::shared_ptr<const ir::Model> model, const std::vector<int64_t>& indices) {
      calls.push_back(indices);
      std::set<std::string> quantized;
      for (const std::string& layer : kLayers) {
        if (IsQuantized(*model, layer)) quantized.insert(layer);
      }
      // The float model is the first one evaluated (the probe), and the same object every time.
      if (!first) first = model;
      const bool is_initial = model == first;
      ValidationResult result;
      double total = 0;
      for (int64_t i : indices) {
        double score = 1.0 - (is_initial ? 0.0 : offset);
        for (const std::string& layer : quantized)
          score -= penalty.at(layer)[static_cast<size_t>(i)];
        result.per_item.push_back(score);
        total += score;
      }
      result.metric = total / double(indices.size());
      if (!per_item) result.per_item.clear();
      return result;
    };
  }
};

AccuracyControlParams Params(double max_drop, int64_t ranking_subset) {
  AccuracyControlParams params;
  params.max_drop = max_drop;
  params.ranking_subset_size = ranking_subset;
  params.quantize.subset_size = 16;
  params.quantize.num_threads = 1;
  return params;
}

struct AcRun {
  ir::Model model;
  AccuracyControlReport report;
};

AcRun RunScripted(ScriptedMetric& script, const AccuracyControlParams& params,
                  const ir::Model& model) {
  script.initial = &model;
  VectorDataset calibration(RandomItems(16, 7));
  VectorDataset validation(RandomItems(4, 11));
  AcRun run;
  run.model = QuantizeWithAccuracyControl(model, calibration, validation, script.Fn(), params,
                                          Context(), &run.report);
  return run;
}

int64_t PhaseCalls(const AccuracyControlReport& report, const std::string& phase) {
  for (const PhaseRecord& record : report.phases) {
    if (record.phase == phase) return record.validation_calls;
  }
  return 0;
}

std::vector<std::string> RevertedOps(const AccuracyControlReport& report) {
  std::vector<std::string> ops;
  for (const RevertStep& step : report.steps) {
    EXPECT_EQ(step.operations.size(), 1u);
    ops.push_back(step.operations.empty() ? "" : step.operations[0] + (step.kept ? "" : "!"));
  }
  return ops;
}

// The penalties of the step-back scenario, per item (items 0,1 | items 2,3):
//   a: 0.25 | 0,  b: 0.0625 | 0.375,  c: 0.25 | 0,  d: -0.125 | 0.0625
// (binary fractions, so equal sums are exactly equal whatever the summation order).
// Groups come in reverse topological order (d, c, b, a), and equal scores keep that order.
// Quantized: every item scores 0.5625. Ranking subset (2 items with the largest error; equal
// errors: the later items) {2, 3}; one group reverted on it scores d 0.625, c 0.5625, b 0.9375,
// a 0.5625, ascending c, a, d, b: b goes first, then d. With max_drop 0.0625:
//   1. b: 0.78125 (drop 0.21875), kept: the first step is always kept.
//   2. d: 0.75 (drop 0.25), worse after a kept step: undone; re-ranked [c, a, d] on the model
//      with b reverted, whose errors (0.375, 0.375, 0.0625, 0.0625) pick items {0, 1}: c 0.8125,
//      a 0.8125, d 0.5625 -> ascending d, c, a: a next.
//   3. a: 0.90625 (drop 0.09375), kept after a step back.
//   4. c: 1.03125 >= 1.0: the target is met; d stays quantized.
ScriptedMetric StepBackScript(bool per_item) {
  ScriptedMetric script;
  script.per_item = per_item;
  script.penalty = {{"mm_a", {0.25, 0.25, 0.0, 0.0}},
                    {"mm_b", {0.0625, 0.0625, 0.375, 0.375}},
                    {"mm_c", {0.25, 0.25, 0.0, 0.0}},
                    {"mm_d", {-0.125, -0.125, 0.0625, 0.0625}}};
  return script;
}

TEST(QuantizerGroups, OneGroupPerLayerOfAnMlp) {
  VectorDataset calibration(RandomItems(8, 3));
  q::QuantizeParams params;
  params.fold_weights = false;
  params.num_threads = 1;
  const ir::Model quantized = q::Quantize(FourLayerMlp(), calibration, params, Context(), nullptr);
  const std::vector<QuantizerGroup> groups = FindQuantizerGroups(*quantized.graph);
  ASSERT_EQ(groups.size(), 4u);
  // Reverse topological order of the first quantizer of each group: the last layer first.
  const std::vector<std::string> expected = {"mm_d", "mm_c", "mm_b", "mm_a"};
  for (size_t g = 0; g < groups.size(); ++g) {
    ASSERT_EQ(groups[g].operations, std::vector<std::string>{expected[g]});
    EXPECT_EQ(groups[g].quantize_nodes.size(), 2u);  // activation and weight
    EXPECT_EQ(groups[g].dequantize_nodes.size(), 2u);
    EXPECT_EQ(groups[g].weight_dequantize_nodes.size(), 1u);
  }
}

TEST(QuantizerGroups, ConsumersOfOneQuantizerFormOneGroup) {
  // x -> mm1 -> Relu r; r feeds mm2 and mm3 through one quantizer: reverting it makes both float.
  ModelBuilder b;
  b.Input("x", {1, 8}).Output("y2", {1, 8}).Output("y3", {1, 8});
  b.Random("w1", {8, 8}, 0.5f, 1).Random("w2", {8, 8}, 0.5f, 2).Random("w3", {8, 8}, 0.5f, 3);
  b.Node("MatMul", {"x", "w1"}, {"h"}, {}, "mm1");
  b.Node("Relu", {"h"}, {"r"}, {}, "relu");
  b.Node("MatMul", {"r", "w2"}, {"y2"}, {}, "mm2");
  b.Node("MatMul", {"r", "w3"}, {"y3"}, {}, "mm3");
  VectorDataset calibration(RandomItems(8, 3));
  q::QuantizeParams params;
  params.fold_weights = false;
  params.num_threads = 1;
  const ir::Model quantized = q::Quantize(b.Build(), calibration, params, Context(), nullptr);
  const std::vector<QuantizerGroup> groups = FindQuantizerGroups(*quantized.graph);
  ASSERT_EQ(groups.size(), 2u);
  EXPECT_EQ(groups[0].operations, (std::vector<std::string>{"mm2", "mm3"}));
  EXPECT_EQ(groups[0].quantize_nodes.size(), 3u);  // r's quantizer and two weight quantizers
  EXPECT_EQ(groups[1].operations, std::vector<std::string>{"mm1"});
}

TEST(AccuracyControl, RevertOrderStepBackAndCallsWithoutPerItemValues) {
  ScriptedMetric script = StepBackScript(false);
  const ir::Model model = FourLayerMlp();
  const AcRun run = RunScripted(script, Params(0.0625, 2), model);
  EXPECT_EQ(RevertedOps(run.report), (std::vector<std::string>{"mm_b", "mm_d!", "mm_a", "mm_c"}));
  ASSERT_EQ(run.report.steps.size(), 4u);
  EXPECT_NEAR(run.report.steps[0].metric, 0.78125, 1e-12);
  EXPECT_NEAR(run.report.steps[1].metric, 0.75, 1e-12);
  EXPECT_NEAR(run.report.steps[2].metric, 0.90625, 1e-12);
  EXPECT_NEAR(run.report.steps[3].metric, 1.03125, 1e-12);
  EXPECT_NEAR(run.report.quantized_metric, 0.5625, 1e-12);
  EXPECT_TRUE(run.report.target_met);
  EXPECT_FALSE(run.report.all_groups_reverted);
  EXPECT_EQ(run.report.reverted_groups, 3);
  EXPECT_EQ(run.report.ranking_mode, "metric");
  // ptq.md 8.4: probe 1 + full 1 + one call per item 4 for the float model; full 1 + per item 4
  // for the quantized one; ranking 4 groups, then per item 4 for the restored model and 3
  // groups; loop 4.
  EXPECT_EQ(PhaseCalls(run.report, "initial_validation"), 6);
  EXPECT_EQ(PhaseCalls(run.report, "quantized_validation"), 5);
  EXPECT_EQ(PhaseCalls(run.report, "ranking"), 11);
  EXPECT_EQ(PhaseCalls(run.report, "revert_loop"), 4);
  EXPECT_EQ(run.report.validation_calls, 26);
  EXPECT_EQ(static_cast<int64_t>(script.calls.size()), 26);
  // The returned model: a, b, c float, d still quantized, weights folded (no QuantizeLinear on
  // an initializer).
  EXPECT_FALSE(IsQuantized(run.model, "mm_a"));
  EXPECT_FALSE(IsQuantized(run.model, "mm_b"));
  EXPECT_FALSE(IsQuantized(run.model, "mm_c"));
  EXPECT_TRUE(IsQuantized(run.model, "mm_d"));
  for (const ir::Node& node : run.model.graph->nodes) {
    if (node.op_type == "QuantizeLinear") {
      EXPECT_FALSE(run.model.graph->IsInitializer(node.inputs[0]));
    }
  }
}

TEST(AccuracyControl, PerItemValuesFromTheCallbackSaveCalls) {
  ScriptedMetric script = StepBackScript(true);
  const AcRun run = RunScripted(script, Params(0.0625, 2), FourLayerMlp());
  EXPECT_EQ(RevertedOps(run.report), (std::vector<std::string>{"mm_b", "mm_d!", "mm_a", "mm_c"}));
  EXPECT_EQ(PhaseCalls(run.report, "initial_validation"), 2);
  EXPECT_EQ(PhaseCalls(run.report, "quantized_validation"), 1);
  EXPECT_EQ(PhaseCalls(run.report, "ranking"), 7);
  EXPECT_EQ(PhaseCalls(run.report, "revert_loop"), 4);
  EXPECT_EQ(run.report.validation_calls, 14);
  // The ranking calls see only the 2-item subsets: {2,3} first, {0,1} after the step back.
  int subset_calls = 0;
  for (const auto& indices : script.calls) {
    if (indices == std::vector<int64_t>{2, 3} || indices == std::vector<int64_t>{0, 1}) {
      ++subset_calls;
    }
  }
  EXPECT_EQ(subset_calls, 7);
}

TEST(AccuracyControl, UnreachableTargetReturnsTheBestModel) {
  // Every model but the float one loses 0.125 outside the quantizers; a, b, c cost 0.125 each
  // and d gains 0.0625. Reverting a, b, c gives 0.9375 (drop 0.0625 > 0.03125), reverting d too
  // 0.875: the best model is the one before the last step.
  ScriptedMetric script;
  script.offset = 0.125;
  script.penalty = {{"mm_a", {0.125, 0.125, 0.125, 0.125}},
                    {"mm_b", {0.125, 0.125, 0.125, 0.125}},
                    {"mm_c", {0.125, 0.125, 0.125, 0.125}},
                    {"mm_d", {-0.0625, -0.0625, -0.0625, -0.0625}}};
  const AcRun run = RunScripted(script, Params(0.03125, 4), FourLayerMlp());
  EXPECT_FALSE(run.report.target_met);
  EXPECT_TRUE(run.report.all_groups_reverted);
  ASSERT_EQ(run.report.steps.size(), 4u);
  EXPECT_EQ(run.report.steps.back().operations, std::vector<std::string>{"mm_d"});
  EXPECT_NEAR(run.report.steps.back().metric, 0.875, 1e-12);
  EXPECT_NEAR(run.report.final_metric, 0.9375, 1e-12);
  EXPECT_NEAR(run.report.final_drop, 0.0625, 1e-12);
  EXPECT_EQ(run.report.reverted_groups, 3);
  EXPECT_TRUE(IsQuantized(run.model, "mm_d"));
  EXPECT_FALSE(IsQuantized(run.model, "mm_a"));
}

TEST(AccuracyControl, ZeroIterationsReturnsTheQuantizedModel) {
  ScriptedMetric script = StepBackScript(false);
  AccuracyControlParams params = Params(0.0625, 2);
  params.max_num_iterations = 0;
  const AcRun run = RunScripted(script, params, FourLayerMlp());
  EXPECT_FALSE(run.report.target_met);
  EXPECT_TRUE(run.report.steps.empty());
  EXPECT_NEAR(run.report.final_metric, 0.5625, 1e-12);
  EXPECT_EQ(run.report.validation_calls, 3);  // probe, float, quantized
  for (const std::string& layer : kLayers) EXPECT_TRUE(IsQuantized(run.model, layer));
}

TEST(AccuracyControl, MetTargetNeedsNoRevert) {
  ScriptedMetric script = StepBackScript(false);
  const AcRun run = RunScripted(script, Params(0.5, 2), FourLayerMlp());
  EXPECT_TRUE(run.report.target_met);
  EXPECT_TRUE(run.report.steps.empty());
  EXPECT_EQ(run.report.validation_calls, 3);
}

TEST(AccuracyControl, RelativeDrop) {
  // Against 1.0 relative and absolute drops are equal: 0.09375 after step 3 meets 0.1.
  ScriptedMetric script = StepBackScript(false);
  AccuracyControlParams params = Params(0.1, 2);
  params.drop_type = DropType::kRelative;
  const AcRun run = RunScripted(script, params, FourLayerMlp());
  EXPECT_EQ(RevertedOps(run.report), (std::vector<std::string>{"mm_b", "mm_d!", "mm_a"}));
  EXPECT_NEAR(run.report.final_drop, 0.09375, 1e-12);
}

TEST(AccuracyControl, OnlyActivationsKeepsWeightQuantizers) {
  ScriptedMetric script = StepBackScript(false);
  AccuracyControlParams params = Params(0.0625, 2);
  params.restore_mode = RestoreMode::kOnlyActivations;
  const AcRun run = RunScripted(script, params, FourLayerMlp());
  EXPECT_FALSE(IsQuantized(run.model, "mm_a"));
  // mm_a's weight still comes from a DequantizeLinear (folded to an int8 initializer).
  std::map<std::string, std::string> producer_op;
  for (const ir::Node& node : run.model.graph->nodes) {
    for (const std::string& out : node.outputs) producer_op[out] = node.op_type;
  }
  for (const ir::Node& node : run.model.graph->nodes) {
    if (node.name == "mm_a") {
      EXPECT_EQ(producer_op[node.inputs[1]], "DequantizeLinear");
    }
  }
}

TEST(AccuracyControl, OutputDifferenceRankingUsesNoValidationCalls) {
  ScriptedMetric script = StepBackScript(false);
  AccuracyControlParams params = Params(0.0625, 2);
  params.ranking = RankingMode::kOutputDifference;
  const AcRun run = RunScripted(script, params, FourLayerMlp());
  EXPECT_EQ(run.report.ranking_mode, "output_difference");
  EXPECT_EQ(PhaseCalls(run.report, "ranking"), 0);
  EXPECT_EQ(PhaseCalls(run.report, "initial_validation"), 1);  // no probe, no per-item calls
  EXPECT_EQ(PhaseCalls(run.report, "quantized_validation"), 1);
  EXPECT_EQ(PhaseCalls(run.report, "revert_loop"), static_cast<int64_t>(run.report.steps.size()));
  EXPECT_TRUE(run.report.target_met);
}

TEST(AccuracyControl, AutoModeSwitchesOnUnsupportedProbe) {
  ScriptedMetric script = StepBackScript(false);
  ValidationFn inner = script.Fn();
  ValidationFn fn = [&inner](std::shared_ptr<const ir::Model> model,
                             const std::vector<int64_t>& indices) {
    if (indices.size() == 1) Fail(ErrorCode::kUnsupported, "one item has no metric");
    return inner(std::move(model), indices);
  };
  const ir::Model model = FourLayerMlp();
  script.initial = &model;
  VectorDataset calibration(RandomItems(16, 7));
  VectorDataset validation(RandomItems(4, 11));
  AccuracyControlReport report;
  QuantizeWithAccuracyControl(model, calibration, validation, fn, Params(0.0625, 2), Context(),
                              &report);
  EXPECT_EQ(report.ranking_mode, "output_difference");
  EXPECT_EQ(PhaseCalls(report, "initial_validation"), 2);  // the failed probe and the full call
}

TEST(AccuracyControl, TunerTriesNnccfGridAndKeepsTheDefaultWhenNothingIsBetter) {
  // The scripted metric depends only on which layers are quantized, so no combination scores
  // strictly higher than the default quantization and the default model is kept. The MinMax
  // step's grid for a non-transformer: propagation rule 1 value, preset 2, weight range 1,
  // activation range 3 x 3, fast bias correction 2 = 15 candidates, each scored with one call on
  // the tuner subset, plus one call scoring the default; per-item values come from the callback.
  ScriptedMetric script = StepBackScript(true);
  AccuracyControlParams params = Params(0.0625, 2);
  params.tune_hyperparams = true;
  const AcRun run = RunScripted(script, params, FourLayerMlp());
  EXPECT_FALSE(run.report.hyperparameters_tuned);
  EXPECT_EQ(PhaseCalls(run.report, "tune_hyperparams"), 16);
  // The tuner subset is the quantize subset_size (16) of the 4 validation items: all of them.
  int tuner_calls_on_all_items = 0;
  for (const auto& indices : script.calls) {
    if (indices == std::vector<int64_t>{0, 1, 2, 3}) ++tuner_calls_on_all_items;
  }
  EXPECT_GE(tuner_calls_on_all_items, 16);
  // The revert loop then runs as without tuning.
  EXPECT_EQ(RevertedOps(run.report), (std::vector<std::string>{"mm_b", "mm_d!", "mm_a", "mm_c"}));
}

// Whether the quantizer that reads the model input `x` is asymmetric (a non-zero zero point:
// MIXED), rather than symmetric (PERFORMANCE). `x` is signed, so both are int8.
bool InputQuantizerIsAsymmetric(const ir::Model& model) {
  for (const ir::Node& node : model.graph->nodes) {
    if (node.op_type == "QuantizeLinear" && node.inputs[0] == "x" && node.inputs.size() > 2) {
      for (float zp : model.graph->FindInitializer(node.inputs[2])->ToFloats()) {
        if (zp != 0.0f) return true;
      }
    }
  }
  return false;
}

TEST(AccuracyControl, TunedParametersReplaceTheDefaultWhenTheyScoreHigher) {
  // A metric that only the MIXED preset satisfies: 0.9 with an asymmetric input quantizer, 0.7
  // otherwise (symmetric, or none). The default (PERFORMANCE for a non-transformer) drops 0.3 >
  // 0.15; the tuner's preset step finds MIXED (0.9), the tuned model is validated on all items
  // (drop 0.1) and returned without any revert.
  const ir::Model model = FourLayerMlp();
  std::vector<std::vector<int64_t>> calls;
  std::shared_ptr<const ir::Model> first;
  const ValidationFn fn = [&](std::shared_ptr<const ir::Model> m,
                              const std::vector<int64_t>& indices) {
    calls.push_back(indices);
    if (!first) first = m;
    double score = 1.0;
    if (m != first) score = InputQuantizerIsAsymmetric(*m) ? 0.9 : 0.7;
    ValidationResult result;
    result.metric = score;
    result.per_item.assign(indices.size(), score);
    return result;
  };
  VectorDataset calibration(RandomItems(16, 7));
  VectorDataset validation(RandomItems(4, 11));
  AccuracyControlParams params = Params(0.15, 2);
  params.tune_hyperparams = true;
  AccuracyControlReport report;
  const ir::Model result =
      QuantizeWithAccuracyControl(model, calibration, validation, fn, params, Context(), &report);
  EXPECT_TRUE(report.hyperparameters_tuned);
  EXPECT_TRUE(report.target_met);
  EXPECT_TRUE(report.steps.empty());
  EXPECT_NEAR(report.quantized_metric, 0.7, 1e-12);
  EXPECT_NEAR(report.final_metric, 0.9, 1e-12);
  EXPECT_EQ(report.quantize.preset, "mixed");
  EXPECT_TRUE(InputQuantizerIsAsymmetric(result));
  // The default's score, 15 candidates on the tuner subset, and the tuned model on all items.
  EXPECT_EQ(PhaseCalls(report, "tune_hyperparams"), 17);
}

TEST(AccuracyControl, BadCallbacksAndParameters) {
  const ir::Model model = FourLayerMlp();
  VectorDataset calibration(RandomItems(16, 7));
  VectorDataset validation(RandomItems(4, 11));
  auto expect_code = [&](const ValidationFn& fn, const AccuracyControlParams& params,
                         ErrorCode code, const std::string& text) {
    try {
      QuantizeWithAccuracyControl(model, calibration, validation, fn, params, Context(), nullptr);
      ADD_FAILURE() << "no error for " << text;
    } catch (const Error& error) {
      EXPECT_EQ(error.code(), code) << error.what();
      EXPECT_NE(std::string(error.what()).find(text), std::string::npos) << error.what();
    }
  };
  int calls = 0;
  const ValidationFn nan_on_quantized = [&calls](std::shared_ptr<const ir::Model>,
                                                 const std::vector<int64_t>&) {
    ValidationResult r;
    r.metric = ++calls > 2 ? std::nan("") : 1.0;
    return r;
  };
  expect_code(nan_on_quantized, Params(0.01, 2), ErrorCode::kCallback, "quantized_validation");
  const ValidationFn cancel = [](std::shared_ptr<const ir::Model>,
                                 const std::vector<int64_t>&) -> ValidationResult {
    Fail(ErrorCode::kCancelled, "stop");
  };
  expect_code(cancel, Params(0.01, 2), ErrorCode::kCancelled, "stop");
  const ValidationFn fails = [](std::shared_ptr<const ir::Model>,
                                const std::vector<int64_t>&) -> ValidationResult {
    Fail(ErrorCode::kInvalidArgument, "bad labels");
  };
  expect_code(fails, Params(0.01, 2), ErrorCode::kCallback, "bad labels");
  const ValidationFn short_items = [](std::shared_ptr<const ir::Model>,
                                      const std::vector<int64_t>&) {
    ValidationResult r;
    r.metric = 0.5;
    r.per_item = {0.5};
    return r;
  };
  expect_code(short_items, Params(0.01, 2), ErrorCode::kCallback, "per-item values");
  const ValidationFn ok = [](std::shared_ptr<const ir::Model>, const std::vector<int64_t>&) {
    ValidationResult r;
    r.metric = 1;
    return r;
  };
  expect_code(ok, Params(-1, 2), ErrorCode::kInvalidArgument, "max_drop");
  AccuracyControlParams fp8 = Params(0.01, 2);
  fp8.quantize.mode = q::QuantizationMode::kFp8E4M3;
  expect_code(ok, fp8, ErrorCode::kInvalidArgument, "mode");
  AccuracyControlParams zero_subset = Params(0.01, 2);
  zero_subset.ranking_subset_size = 0;
  expect_code(ok, zero_subset, ErrorCode::kInvalidArgument, "ranking_subset_size");
}

TEST(GroupRevert, RevertedOpsGetTheirOriginalBiasesBack) {
  // Two unnamed Convs with biases: FastBiasCorrection shifts both. Reverting the group of the
  // second restores its bias from the float model and leaves the first one corrected.
  ModelBuilder b;
  b.Input("x", {1, 2, 4, 4}).Output("y", {1, 2, 4, 4});
  b.Random("w1", {2, 2, 1, 1}, 0.5f, 3).Floats("b1", {2}, {0.25f, -0.5f});
  b.Random("w2", {2, 2, 1, 1}, 0.5f, 4).Floats("b2", {2}, {0.75f, 0.125f});
  b.Node("Conv", {"x", "w1", "b1"}, {"h"}, {}, "");
  b.Node("Relu", {"h"}, {"r"}, {}, "");
  b.Node("Conv", {"r", "w2", "b2"}, {"y"}, {}, "");
  ir::Model model = b.Build();
  for (ir::Node& node : model.graph->nodes) node.name.clear();
  std::vector<data::Sample> items;
  std::mt19937 rng(5);
  std::normal_distribution<float> dist(0.f, 1.f);
  for (int i = 0; i < 8; ++i) {
    std::vector<float> values(32);
    for (float& v : values) v = dist(rng);
    data::Sample sample;
    sample.Set(ModelBuilder::FloatTensor("x", {1, 2, 4, 4}, values));
    items.push_back(sample);
  }
  VectorDataset calibration(items);
  q::QuantizeParams params;
  params.fold_weights = false;
  params.num_threads = 1;
  q::QuantizeReport report;
  const ir::Model quantized = q::Quantize(model, calibration, params, Context(), &report);
  int applied = 0;
  for (const q::BiasShift& shift : report.bias_shifts) applied += shift.applied ? 1 : 0;
  ASSERT_EQ(applied, 2);
  const std::vector<QuantizerGroup> groups = FindQuantizerGroups(*quantized.graph);
  const QuantizerGroup* second = nullptr;
  for (const QuantizerGroup& group : groups) {
    const ir::Node& op = quantized.graph->nodes[group.operation_indices.at(0)];
    if (op.inputs.size() == 3 && op.inputs[2] == "b2") second = &group;
  }
  ASSERT_NE(second, nullptr);
  const ir::Model reverted = RevertGroups(quantized, model, {second},
                                          RestoreMode::kActivationsAndWeights, report.bias_shifts);
  EXPECT_EQ(reverted.graph->FindInitializer("b2")->ToFloats(),
            model.graph->FindInitializer("b2")->ToFloats());
  EXPECT_EQ(reverted.graph->FindInitializer("b1")->ToFloats(),
            quantized.graph->FindInitializer("b1")->ToFloats());
  EXPECT_NE(reverted.graph->FindInitializer("b1")->ToFloats(),
            model.graph->FindInitializer("b1")->ToFloats());
}

TEST(GroupRevert, SmoothedMatMulStaysExactWhenReverted) {
  // A transformer-mode MatMul gets SmoothQuant: Mul(1/s) before it, W*s as its weight. Reverting
  // its group must give the float model's output (NNCF would restore W and leave the Mul).
  ModelBuilder b;
  b.Input("x", {4, 8}).Output("y", {4, 8});
  b.Random("w", {8, 8}, 0.5f, 5);
  b.Node("MatMul", {"x", "w"}, {"y"}, {}, "mm");
  const ir::Model model = b.Build();
  std::vector<data::Sample> items;
  std::mt19937 rng(3);
  std::normal_distribution<float> dist(0.f, 1.f);
  for (int i = 0; i < 8; ++i) {
    std::vector<float> values(32);
    for (size_t k = 0; k < values.size(); ++k) values[k] = dist(rng) * (k % 8 == 2 ? 30.f : 1.f);
    data::Sample sample;
    sample.Set(ModelBuilder::FloatTensor("x", {4, 8}, values));
    items.push_back(sample);
  }
  VectorDataset calibration(items);
  q::QuantizeParams params;
  params.fold_weights = false;
  params.num_threads = 1;
  params.model_type = q::ModelType::kTransformer;
  q::QuantizeReport report;
  const ir::Model quantized = q::Quantize(model, calibration, params, Context(), &report);
  ASSERT_EQ(report.smoothed.size(), 1u);
  const std::vector<QuantizerGroup> groups = FindQuantizerGroups(*quantized.graph);
  std::vector<const QuantizerGroup*> all;
  for (const QuantizerGroup& group : groups) all.push_back(&group);
  const ir::Model reverted =
      RevertGroups(quantized, model, all, RestoreMode::kActivationsAndWeights, report.bias_shifts);
  bool has_mul = false;
  for (const ir::Node& node : reverted.graph->nodes) {
    EXPECT_NE(node.op_type, "QuantizeLinear");
    has_mul |= node.op_type == "Mul";
  }
  EXPECT_TRUE(has_mul);
  exec::ExecutorOptions options;
  options.num_threads = 1;
  exec::Executor float_run(std::make_shared<const ir::Model>(model), options);
  exec::Executor reverted_run(std::make_shared<const ir::Model>(reverted), options);
  const ir::Tensor& x = items[0].at(0);
  const std::vector<float> expected = float_run.Run({{"x", x}})[0].second.ToFloats();
  const std::vector<float> actual = reverted_run.Run({{"x", x}})[0].second.ToFloats();
  ASSERT_EQ(expected.size(), actual.size());
  for (size_t i = 0; i < expected.size(); ++i) {
    EXPECT_NEAR(actual[i], expected[i], 1e-4f * (1.f + std::fabs(expected[i])));
  }
}

}  // namespace
}  // namespace nncf::algorithms::accuracy_control
