// Scale estimation (weight_compression.md 4.3): per-group scales of a 4-bit weight fitted to
// the layer's output on real activations, zero points kept from round-to-nearest.
#pragma once

#include <cstdint>
#include <vector>

#include "algorithms/weight_compression/activation_statistics.h"
#include "algorithms/weight_compression/compressed_weight.h"
#include "core/ir/tensor.h"

namespace nncf::algorithms::wc {

struct ScaleEstimationParams {
  int64_t subset_size = 64;
  int64_t initial_steps = 5;
  int64_t scale_steps = 5;
  double weight_penalty = -1.0;  // negative: off
};

struct EstimatedScale {
  std::vector<float> scales;         // CompressedWeight's layout for (weight, axis, group_size)
  std::vector<uint8_t> zero_points;  // asymmetric modes: unchanged from round-to-nearest
  double loss_before = 0;            // sum over groups of the output loss with RTN scales
  double loss_after = 0;             // with the returned scales
};

// `weight` is 2-D [.., ..] with the input channels on `reduction_axis`; `activations` has
// hidden == the weight's reduction-axis length. Throws kInvalidArgument on a size mismatch.
EstimatedScale EstimateScale(const ir::Tensor& weight, int64_t reduction_axis, WeightMode mode,
                             int64_t group_size, const SampledActivations& activations,
                             const ScaleEstimationParams& params);

}  // namespace nncf::algorithms::wc
