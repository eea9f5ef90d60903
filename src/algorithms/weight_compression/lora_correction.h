// LoRA correction (weight_compression.md 4.5): a low-rank branch x -> A -> B added to a 4-bit
// MatMul's output, fitted so that x (Wq + U V) tracks x W on the sampled activations.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "algorithms/weight_compression/activation_statistics.h"
#include "algorithms/weight_compression/weight_matrix.h"
#include "core/ir/graph.h"
#include "core/ir/tensor.h"

namespace nncf::algorithms::wc {

struct LoraCorrectionParams {
  int64_t adapter_rank = 8;
  int64_t num_iterations = 3;
  bool apply_regularization = true;
  int64_t subset_size = 128;
  bool use_int8_adapters = true;
};

struct LoraAdapters {
  int64_t rank = 0, in = 0, out = 0;
  std::vector<float> u;  // [in][rank]  (NNCF's lora_A transposed: the first MatMul's weight)
  std::vector<float> v;  // [rank][out] (NNCF's lora_B transposed: the second MatMul's weight)
  // Mean |X R| over the samples and outputs before, and mean |X (R - U V)| after (R = W - Wq).
  double noise_before = 0, noise_after = 0;
};

// `weight` the float weight and `quantized` its dequantized 4-bit form, both [out][in];
// group_size as compressed (-1: per channel, no SVD weighting). rank = min(adapter_rank, in, out).
// Throws kInvalidArgument on mismatched sizes or parameters.
LoraAdapters ComputeLoraCorrection(const WeightMatrix& weight, const WeightMatrix& quantized,
                                   int64_t group_size, const SampledActivations& activations,
                                   const LoraCorrectionParams& params);

// A branch to add: MatMul(activation, U) -> MatMul(., V) -> Add to `layer_output` (the layer
// keeps its nodes; its output is renamed "{name}/base" and the Add takes the old name).
struct LoraBranch {
  std::string name;  // "{node}/lora"
  std::string activation;
  std::string layer_output;
  LoraAdapters adapters;
  bool int8_adapters = true;
  ir::DType dtype = ir::DType::kFloat;  // the activation's float type
};

// Inserts the branch right after the node producing layer_output (throws kInternal when none
// does). Int8 adapters are stored INT8_ASYM per output channel behind DequantizeLinear (opset
// >= 13, which the weight formats already need).
void InsertLoraBranch(ir::Graph& graph, const LoraBranch& branch);

}  // namespace nncf::algorithms::wc
