// A layer whose bias bias correction may shift (ptq.md 6): which input carries the activation,
// along which axes its input and output channels lie (NNCF's get_act_quantization_axis and
// output_channel_axis), where the bias lives, and whether the quantized model quantized its
// weight.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "algorithms/quantization/nncf_graph.h"
#include "core/ir/model.h"

namespace nncf::algorithms::quantization {

struct BiasedLayer {
  int node = -1;  // index in the NncfGraph
  std::string name;
  Metatype metatype = Metatype::kUnknown;
  int activation_port = 0;
  std::string activation;  // value feeding the activation port in the float model
  std::string output;      // the layer's output 0 (for MatMul: before the bias Add)
  int64_t input_channel_axis = 1;
  int64_t output_channel_axis = 1;
  std::vector<int> weight_ports;
  BiasAttr bias;
};

// nullopt when the node has no bias, or no single activation input (a Gemm or MatMul whose
// weights sit on both or neither of ports 0 and 1).
std::optional<BiasedLayer> DescribeBiasedLayer(const NncfGraph& graph, int node);

// FastBiasCorrection's set: plain Conv (group 1), Gemm, MatMul (OPERATIONS_WITH_BIAS_REDUCED).
bool IsFastCorrectable(Metatype metatype);

// The layer's node in `model` (the producer of its output), or null.
const ir::Node* FindModelNode(const ir::Model& model, const BiasedLayer& layer);

// Whether a DequantizeLinear feeds one of the layer's weight ports in `model` (NNCF's
// is_any_weight_quantized: a weight that was not quantized leaves nothing to correct).
bool IsWeightQuantized(const ir::Model& model, const BiasedLayer& layer);

}  // namespace nncf::algorithms::quantization
