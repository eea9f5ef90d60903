// Scale estimation (weight_compression.md 4.3): per-group scales of a 4-bit weight fitted to the
// layer's output on real activations; zero points stay those of round-to-nearest.
#pragma once

#include <cstdint>
#include <vector>

#include "algorithms/weight_compression/activation_statistics.h"
#include "algorithms/weight_compression/compressed_weight.h"
#include "algorithms/weight_compression/weight_matrix.h"

namespace nncf::algorithms::wc {

struct ScaleEstimationParams {
  int64_t subset_size = 64;
  int64_t initial_steps = 5;
  int64_t scale_steps = 5;
  double weight_penalty = -1.0;  // <= 0: off
};

struct EstimatedScale {
  int64_t groups = 0;
  std::vector<float> scales;         // [out][groups]
  std::vector<uint8_t> zero_points;  // [out][groups], asymmetric modes: round-to-nearest's
  // Sum over groups of the mean squared output difference on the samples (plus the weight
  // penalty when on), with round-to-nearest scales and with the returned ones.
  double loss_before = 0;
  double loss_after = 0;
};

// `x` has hidden == weight.in. Integer modes and NF4 (E2M1's scales are powers of two: refused
// with kInvalidArgument). Rows are independent: the result does not depend on num_threads.
EstimatedScale EstimateScale(const WeightMatrix& weight, WeightMode mode, int64_t group_size,
                             const SampledActivations& x, const ScaleEstimationParams& params,
                             int num_threads);

}  // namespace nncf::algorithms::wc
