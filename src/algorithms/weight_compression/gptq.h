// GPTQ (weight_compression.md 4.4) for 4-bit MatMul weights: input channels quantized in order,
// each one's error spread over the channels not yet quantized through the inverse Hessian of the
// layer's real inputs. No act-order, as in NNCF.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "algorithms/weight_compression/activation_statistics.h"
#include "algorithms/weight_compression/compressed_weight.h"
#include "algorithms/weight_compression/scale_estimation.h"
#include "algorithms/weight_compression/weight_matrix.h"

namespace nncf::algorithms::wc {

struct GptqParams {
  double damp_percent = 0.1;
  int64_t block_size = 128;
  int64_t subset_size = 128;
};

struct GptqResult {
  WeightMatrix quantized;            // the dequantized weights GPTQ chose, [out][in]
  std::vector<float> scales;         // [out][groups]
  std::vector<uint8_t> zero_points;  // [out][groups], asymmetric modes
  int64_t groups = 0;
  int64_t dead_columns = 0;  // inputs never active (H_jj == 0): their weights are zeroed
  double damp = 0;           // added to the Hessian's diagonal (after any doubling)
  // tr((W - Wq) H (W - Wq)^T) with round-to-nearest and with GPTQ: the output error GPTQ
  // minimizes, on the undamped Hessian.
  double proxy_loss_rtn = 0;
  double proxy_loss = 0;
};

// `hessian` is [in][in] (ActivationStatistics::hessian). Each group's scale comes from the
// group's already error-compensated weights (round-to-nearest's formula, or EstimateScale on
// `activations` when `scale_estimation` is set; NNCF reads stale weights inside a block there).
// A Hessian that is not positive definite after damping is damped again (doubling up to 8 times)
// before failing with kInvalidArgument naming `layer`; NaN or infinite statistics fail the same
// way. The result never holds NaN.
GptqResult RunGptq(const WeightMatrix& weight, WeightMode mode, int64_t group_size,
                   const std::vector<double>& hessian, const GptqParams& params,
                   const std::optional<ScaleEstimationParams>& scale_estimation,
                   const SampledActivations* activations, const std::string& layer,
                   int num_threads);

}  // namespace nncf::algorithms::wc
