// Mixed precision by parameter count (weight_compression.md section 3): ratio-defining weights
// are ranked by a sensitivity score (WeightQuantizationScore without a dataset) and the
// lowest-scored ones take the primary precision until the next would bring the primary share of
// parameters to `ratio` or beyond; the rest get the backup precision.
#pragma once

#include <cstdint>
#include <vector>

#include <optional>
#include "algorithms/weight_compression/layer_selection.h"

namespace nncf::algorithms::wc {

// NNCF's selection: indices into `num_weights` (parallel to `scores`) that take the primary
// precision. Stable ascending sort by score (ties keep the given order), then walk it: stop at
// the first weight whose addition makes (primary parameters / all parameters) >= ratio.
std::vector<size_t> SelectPrimaryByRatio(const std::vector<double>& scores,
                                         const std::vector<int64_t>& num_weights, double ratio);

// Applies a selection to a plan: the ratio-defining weights not in `primary` (indices into
// plan.ratio_defining) get `backup` (nullopt: stay float).
void AssignMixedPrecision(LayerPlan& plan, const std::vector<size_t>& primary,
                          const std::optional<WeightConfig>& backup);

// Share of ratio-defining parameters in `primary_mode` (1 when there are none).
double RatioAchieved(const LayerPlan& plan, WeightMode primary_mode);

}  // namespace nncf::algorithms::wc
