// Mixed precision: NNCF's ratio walk over sensitivity scores.
#include "algorithms/weight_compression/mixed_precision.h"

#include <algorithm>
#include <numeric>
#include <set>

#include "core/common/error.h"

namespace nncf::algorithms::wc {

std::vector<size_t> SelectPrimaryByRatio(const std::vector<double>& scores,
                                         const std::vector<int64_t>& num_weights, double ratio) {
  if (scores.size() != num_weights.size()) {
    Fail(ErrorCode::kInternal, "mixed precision: scores and weight counts differ in length");
  }
  std::vector<size_t> order(scores.size());
  std::iota(order.begin(), order.end(), size_t{0});
  std::stable_sort(order.begin(), order.end(),
                   [&scores](size_t a, size_t b) { return scores[a] < scores[b]; });
  double total = 0;
  for (int64_t n : num_weights) total += static_cast<double>(n);
  std::vector<size_t> primary;
  double in_primary = 0;
  for (size_t index : order) {
    const double candidate = in_primary + static_cast<double>(num_weights[index]);
    if (candidate / total >= ratio) break;
    primary.push_back(index);
    in_primary = candidate;
  }
  return primary;
}

void AssignMixedPrecision(LayerPlan& plan, const std::vector<size_t>& primary,
                          const std::optional<WeightConfig>& backup) {
  const std::set<size_t> keep(primary.begin(), primary.end());
  for (size_t k = 0; k < plan.ratio_defining.size(); ++k) {
    if (keep.count(k)) continue;
    plan.weights[plan.ratio_defining[k]].config = backup;
  }
}

double RatioAchieved(const LayerPlan& plan, WeightMode primary_mode) {
  double total = 0;
  double primary = 0;
  for (size_t index : plan.ratio_defining) {
    const PlannedWeight& planned = plan.weights[index];
    total += static_cast<double>(planned.weight.num_weights);
    if (planned.config && planned.config->mode == primary_mode) {
      primary += static_cast<double>(planned.weight.num_weights);
    }
  }
  return total == 0 ? 1.0 : primary / total;
}

}  // namespace nncf::algorithms::wc
