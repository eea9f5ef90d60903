// FastBiasCorrection (ptq.md 6.1), the default: per-channel means of each plain Conv / Gemm /
// MatMul layer's input on the float model; the layer alone, float and quantized (its weight
// dequantization included, its activation quantizer not), run once each on a blob of the input
// means, and the difference of their output means added to the bias.
//
// NNCF takes the float side from the output statistics of real data instead. On real data the
// output mean also holds what the constant blob cannot reproduce (zero padding against a
// non-zero background, the spatial structure of the input), so NNCF's "shift" mixes that
// difference into the weight-quantization error it means to correct; on small images it costs
// whole accuracy points (tests/fashion_mnist). Running both sides on the same blob isolates the
// weight-quantization error, which is what the algorithm is for; for layers where blob and data
// agree (1x1 kernels, no padding) the two rules give the same shift.
#pragma once

#include <memory>

#include "algorithms/quantization/bias_correction.h"
#include "algorithms/quantization/nncf_graph.h"
#include "algorithms/quantization/quantize_params.h"

namespace nncf::algorithms::quantization {

// Magnitude threshold when the user sets none (FAST_BIAS_CORRECTION_THRESHOLD).
inline constexpr double kFastBiasCorrectionThreshold = 2.0;

// `float_model` is the model `graph` was built from (copied: tensors are shared, not duplicated).
std::unique_ptr<BiasCorrectionAlgorithm> MakeFastBiasCorrection(const ir::Model& float_model,
                                                                const NncfGraph& graph,
                                                                const QuantizeParams& params);

}  // namespace nncf::algorithms::quantization
