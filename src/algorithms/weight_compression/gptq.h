// GPTQ (weight_compression.md 4.4) for 4-bit MatMul weights on ONNX: columns (input channels)
// quantized in order, each one's error spread over the columns not yet quantized through the
// inverse Hessian of the layer's real inputs. No act-order, as NNCF.
#pragma once

#include <cstdint>
#include <optional>

#include "algorithms/weight_compression/activation_statistics.h"
#include "algorithms/weight_compression/compressed_weight.h"
#include "algorithms/weight_compression/scale_estimation.h"
#include "core/ir/tensor.h"

namespace nncf::algorithms::wc {

struct GptqParams {
  double damp_percent = 0.1;
  int64_t block_size = 128;
  int64_t subset_size = 128;
};

struct GptqResult {
  CompressedWeight compressed;  // codes, scales, zero points for (weight, axis, group_size)
  int64_t dead_columns = 0;     // inputs never active (H_jj == 0): weights zeroed
  double damp = 0;              // added to the Hessian's diagonal
  // tr((W - Wq) H (W - Wq)^T) with round-to-nearest and with GPTQ's codes: the layer-output
  // error GPTQ minimizes.
  double proxy_loss_rtn = 0;
  double proxy_loss = 0;
};

// `weight` is 2-D with the input channels on `reduction_axis`; `stats.hessian` must be filled
// (hidden == that axis' length). With `scale_estimation`, each group's scale comes from
// EstimateScale on the group's error-compensated columns. A Hessian that stays not positive
// definite after damping (and doubling the damping up to 5 times) fails with kUnsupported naming
// `layer`; the result never holds NaN.
GptqResult RunGptq(const ir::Tensor& weight, int64_t reduction_axis, WeightMode mode,
                   int64_t group_size, const ActivationStatistics& stats, const GptqParams& params,
                   const std::optional<ScaleEstimationParams>& scale_estimation,
                   const std::string& layer);

}  // namespace nncf::algorithms::wc
