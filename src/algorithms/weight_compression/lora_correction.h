// LoRA correction (weight_compression.md 4.5): a low-rank branch x -> A -> B added to a 4-bit
// MatMul's output, fitted so that x (W_q + A^T B^T) tracks x W on real activations.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "algorithms/weight_compression/activation_statistics.h"
#include "algorithms/weight_compression/compressed_weight.h"
#include "algorithms/weight_compression/layer_selection.h"
#include "core/ir/model.h"
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
  std::vector<float> a;  // [rank][in]  (NNCF's lora_A)
  std::vector<float> b;  // [out][rank] (NNCF's lora_B)
  // mean over the sampled activations of ||x (W - W_q)||^2 before and ||x (W - W_q - A^T B^T)||^2
  // after (float adapters)
  double noise_before = 0, noise_after = 0;
};

// `weight` is the float MatMul weight, 2-D with input channels on `reduction_axis`; `compressed`
// its quantized form. rank is min(adapter_rank, in, out).
LoraAdapters ComputeLoraCorrection(const ir::Tensor& weight, int64_t reduction_axis,
                                   const CompressedWeight& compressed,
                                   const SampledActivations& activations,
                                   const LoraCorrectionParams& params);

// Adds the branch to `model`: MatMul(activation, A^T) -> MatMul(., B^T) -> Add to the output of
// the layer `weight.site.consumer_node` (every consumer of that output rewired to the Add). With
// int8 adapters, A^T and B^T are INT8_ASYM per output channel behind DequantizeLinear. Tensors are
// in `float_dtype`. Names start with "{node}/lora_". Nodes are inserted in topological position.
void InsertLoraBranch(ir::Model& model, const WeightCandidate& weight,
                      const std::string& activation, const LoraAdapters& adapters,
                      bool int8_adapters, ir::DType float_dtype);

}  // namespace nncf::algorithms::wc
