// FastBiasCorrection (default) and BiasCorrection (fast_bias_correction = false): statistics
// gathered on the float model in the MinMax pass, corrections applied to the quantized model's
// bias tensors (same names, same dtype). See ptq.md section 6.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "algorithms/quantization/nncf_graph.h"
#include "algorithms/quantization/quantize_params.h"
#include "algorithms/quantization/statistics.h"
#include "core/common/context.h"
#include "core/ir/model.h"

namespace nncf::algorithms::quantization {

struct BiasShift {
  std::string node;         // the corrected op
  std::string bias_tensor;  // the rewritten bias
  std::vector<float> shift;
  double magnitude = 0;
  bool applied = false;  // false when the magnitude reached the threshold (or a zero bias, FBC)
};

class BiasCorrectionAlgorithm {
 public:
  virtual ~BiasCorrectionAlgorithm() = default;
  // Registers statistics on the float model (`graph` was built from it).
  virtual void Register(StatisticsCollector& collector) = 0;
  // `quantized` holds the Q/DQ pairs (weights folded or not); biases are rewritten in place.
  // Runs cuts of the model through the executor with `num_threads`.
  virtual void Apply(ir::Model& quantized, const StatisticsCollector& collector, int num_threads,
                     const Context& context, std::vector<BiasShift>* report) = 0;
};

// FBC with subset_size items, or BC with max(int(0.2 * subset_size), 1) items (its raw captures
// are the memory it keeps: documented in docs/quantization.md).
std::unique_ptr<BiasCorrectionAlgorithm> MakeBiasCorrection(const ir::Model& float_model,
                                                            const NncfGraph& graph,
                                                            const QuantizeParams& params);

}  // namespace nncf::algorithms::quantization
