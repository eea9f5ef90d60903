// Statistics in one calibration pass: algorithms register what they need (a reduction of a value
// per dataset item and an aggregation over items), one executor run per item feeds every request
// through an observer, and results are read back by request id. Requests on initializers are
// computed from the constant without running anything. Memory: streaming aggregators (min, max,
// mean) keep one reduced tensor per request; the others keep one reduced tensor per item; raw
// captures keep the item tensors themselves (bounded by their own max_items).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "algorithms/quantization/quantize_params.h"
#include "core/common/context.h"
#include "core/data/dataset.h"
#include "core/ir/model.h"
#include "core/ir/tensor.h"

namespace nncf::algorithms::quantization {

enum class Reduction {
  kMin,
  kMax,
  kAbsMax,
  kMean,
  kQuantile,     // at `quantile`
  kAbsQuantile,  // of |x| at `quantile`
  kShape,        // the value's shape on the first item only (result: int64 tensor of dims)
  kRaw,          // the whole value per item (result: `raw`)
  kVisit,        // `visit` sees each item's value (plain layout, float types as stored) and
                 // keeps what it needs; nothing is stored here (result: items_seen only)
};

// kNone keeps every item's reduced value: the result stacks them on a new axis 0 (items, or
// samples when batchwise). kHistogram goes with Reduction::kRaw: NNCF's HistogramAggregator over
// every element of every item; the result is {min, max} (dims [2]) of the searched range.
enum class Aggregation {
  kMin,
  kMax,
  kMean,
  kMedian,
  kMeanNoOutliers,
  kMedianNoOutliers,
  kNone,
  kHistogram
};

struct StatisticRequest {
  std::string tensor;
  Reduction reduction = Reduction::kMax;
  // Axes kept by the per-item reduction (negative = from the end, resolved against each item's
  // rank); empty = reduce everything to a scalar.
  std::vector<int64_t> keep_axes;
  // Batchwise statistics: the reduction also keeps axis 0 and the aggregation runs over items
  // and batch elements together (a mean over individual samples).
  bool batchwise = false;
  Aggregation aggregation = Aggregation::kMean;
  double quantile = 0;                   // kQuantile, kAbsQuantile
  double outlier_prob = 1e-4;            // *NoOutliers aggregations: kept quantile range [p, 1-p]
  std::optional<double> clipping_value;  // inputs clipped to [-v, v] before reducing
  int64_t max_items = -1;                // items this request sees; -1 = the whole subset
  std::function<void(const ir::Tensor&)> visit;  // kVisit; never shared with another request
};

struct StatisticResult {
  ir::Tensor value;             // f32 (kShape: int64); dims = the kept axes' sizes
  std::vector<ir::Tensor> raw;  // kRaw: one tensor per item, as fed / computed
  int64_t items_seen = 0;
};

class StatisticsCollector {
 public:
  StatisticsCollector();
  ~StatisticsCollector();
  StatisticsCollector(const StatisticsCollector&) = delete;
  StatisticsCollector& operator=(const StatisticsCollector&) = delete;

  // Returns the request's id. Identical requests share one id and one computation.
  int Add(const StatisticRequest& request);

  // Runs the first min(subset_size, dataset length) items through `model` (the executor, with
  // `num_threads`) and aggregates. Throws nncf::Error: kInvalidArgument for an empty dataset
  // or an item that lacks a model input or has the wrong dtype/rank/shape ("calibration item 3:
  // input 'x' ..."), kCallback / kCancelled from the dataset, kCancelled from the context
  // (progress reported per item under `stage`), kNotFound for a request naming an unknown value.
  void Collect(const ir::Model& model, data::Dataset& dataset, int64_t subset_size, int num_threads,
               const Context& context, const std::string& stage);

  const StatisticResult& Get(int id) const;  // after Collect
  int64_t items_collected() const;
  // Numbers currently held by all requests' aggregation state (streaming accumulators, stored
  // per-item values, histogram bins, raw tensors' elements): what memory use grows with.
  int64_t stored_values() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace nncf::algorithms::quantization
