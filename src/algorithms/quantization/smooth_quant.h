// SmoothQuant for model_type TRANSFORMER (ptq.md 7.1): per-channel activation abs-max statistics
// of MatMul/Gemm (and, with a non-negative convolution alpha, Conv) inputs, one smoothing scale per
// group of consumers of the same tensor, weights multiplied in place and one Mul by 1/s inserted
// on the source tensor (<src>_<port>_<idx>/nncf_smooth_quant). Unlike NNCF, the ignored scope is
// respected.
#pragma once

#include <set>
#include <string>
#include <vector>

#include "algorithms/quantization/nncf_graph.h"
#include "algorithms/quantization/quantize_params.h"
#include "algorithms/quantization/statistics.h"
#include "core/ir/model.h"

namespace nncf::algorithms::quantization {

struct SmoothedGroup {
  std::string source_tensor;
  std::string mul_node;            // the inserted Mul
  std::vector<std::string> nodes;  // the smoothed consumers
  double alpha = 0;
};

class SmoothQuant {
 public:
  // `ignored` are node names the user's scope matched.
  SmoothQuant(const ir::Model& model, const NncfGraph& graph, const QuantizeParams& params,
              const std::set<std::string>& ignored);
  ~SmoothQuant();
  SmoothQuant(const SmoothQuant&) = delete;
  SmoothQuant& operator=(const SmoothQuant&) = delete;

  // Requests each candidate's activation abs-max (per input channel, max over items) and shape.
  void Register(StatisticsCollector& collector);
  // Returns the smoothed model (the input is not modified). `model` must have the nodes (in the
  // same order) and initializers of the constructor's model, e.g. be it before shape inference.
  // Nodes without a name get NNCF's "<op_type>_nncf_<index>" name, as NNCF renames them in
  // place, so the names stay stable once Muls are inserted.
  ir::Model Apply(const ir::Model& model, const StatisticsCollector& collector,
                  std::vector<SmoothedGroup>* report) const;

 private:
  struct Candidate;
  void FindCandidates(const std::set<std::string>& ignored);

  const ir::Model& model_;
  const NncfGraph& graph_;
  const QuantizeParams& params_;
  std::vector<Candidate> candidates_;
};

}  // namespace nncf::algorithms::quantization
