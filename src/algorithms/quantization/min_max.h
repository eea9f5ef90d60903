// MinMaxQuantization's statistics and parameters: for every quantizer of a setup, which reduction
// and aggregation NNCF's range estimators (defaults or the user's) ask for, over which axes, and
// the resulting scale and zero point; unified groups share the min of mins and max of maxes.
#pragma once

#include <vector>

#include "algorithms/quantization/nncf_graph.h"
#include "algorithms/quantization/quantize_params.h"
#include "algorithms/quantization/quantizer_parameters.h"
#include "algorithms/quantization/quantizer_setup.h"
#include "algorithms/quantization/statistics.h"
#include "core/ir/model.h"

namespace nncf::algorithms::quantization {

class MinMaxCalibration {
 public:
  // `batchwise` is the resolved batchwise_statistics flag.
  MinMaxCalibration(const QuantizationSetup& setup, const NncfGraph& graph,
                    const QuantizeParams& params, bool batchwise);

  // Adds every quantizer's requests (weights: one item; activations: the subset).
  void Register(StatisticsCollector& collector);

  // One entry per quantizer id, after Collect. `observed` receives the range each quantizer saw
  // (before the fixes) when not null.
  std::vector<QuantizerParameters> Compute(const StatisticsCollector& collector,
                                           std::vector<MinMaxValues>* observed) const;

 private:
  const QuantizationSetup& setup_;
  const NncfGraph& graph_;
  const QuantizeParams& params_;
  bool batchwise_;
  std::vector<int> min_ids_, max_ids_;
};

}  // namespace nncf::algorithms::quantization
