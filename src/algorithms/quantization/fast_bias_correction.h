// FastBiasCorrection (ptq.md 6.1), the default: per-channel means of each plain Conv / Gemm /
// MatMul layer's input and output on the float model; on the quantized model, the layer alone
// (its weight dequantization included, its activation quantizer not) run once on a blob of the
// input means, and the difference of output means added to the bias.
#pragma once

#include <memory>

#include "algorithms/quantization/bias_correction.h"
#include "algorithms/quantization/nncf_graph.h"
#include "algorithms/quantization/quantize_params.h"

namespace nncf::algorithms::quantization {

// Magnitude threshold when the user sets none (FAST_BIAS_CORRECTION_THRESHOLD).
inline constexpr double kFastBiasCorrectionThreshold = 2.0;

std::unique_ptr<BiasCorrectionAlgorithm> MakeFastBiasCorrection(const NncfGraph& graph,
                                                                const QuantizeParams& params);

}  // namespace nncf::algorithms::quantization
