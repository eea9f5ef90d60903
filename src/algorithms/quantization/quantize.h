// nncf.quantize for ONNX models: the post-training pipeline (ptq.md 1.3). For a transformer,
// SmoothQuant gets its own calibration pass first; then one pass collects MinMax and bias
// correction statistics on the float model, quantizers are placed and written as Q/DQ pairs,
// biases are corrected on the quantized model and weights are folded.
#pragma once

#include <string>
#include <vector>

#include "algorithms/quantization/bias_correction.h"
#include "algorithms/quantization/quantize_params.h"
#include "algorithms/quantization/quantizer_parameters.h"
#include "algorithms/quantization/quantizer_setup.h"
#include "algorithms/quantization/smooth_quant.h"
#include "core/common/context.h"
#include "core/data/dataset.h"
#include "core/ir/model.h"

namespace nncf::algorithms::quantization {

struct QuantizerReport {
  QuantizerSpec spec;
  QuantizerParameters params;
  std::vector<float> observed_min, observed_max;
  std::string q_node, dq_node;  // names in the output model
};

struct QuantizeReport {
  std::vector<QuantizerReport> quantizers;
  std::vector<BiasShift> bias_shifts;
  std::vector<SmoothedGroup> smoothed;
  std::vector<std::string> ignored_nodes;
  int64_t calibration_items = 0;
  int64_t opset_before = 0, opset_after = 0;
  std::string preset, overflow_fix;
  // {"quantizers":[{"tensor","kind","node","port","dtype","axis","scale","zero_point",
  //  "observed_min","observed_max","input_low","input_high","q_node","dq_node","target_nodes"}],
  //  "bias_correction":[{"node","bias","shift","magnitude","applied"}],"smooth_quant":[...],
  //  "ignored_nodes":[...],"calibration_items":N,"opset":{"before","after"},"preset",...}
  std::string ToJson() const;
};

// The input model is not modified. Throws nncf::Error for bad parameters, an already quantized
// model, dataset problems (naming the item and input), an opset the caller forbade to raise,
// and cancellation.
ir::Model Quantize(const ir::Model& model, data::Dataset& dataset, const QuantizeParams& params,
                   const Context& context, QuantizeReport* report);

// Placement only: QuantizationSetup::ToJson for the model, no dataset.
std::string PlanQuantization(const ir::Model& model, const QuantizeParams& params);

}  // namespace nncf::algorithms::quantization
