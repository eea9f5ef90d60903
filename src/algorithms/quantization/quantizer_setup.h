// Where quantizers go and how each is configured: the result of placement (quantizer_placement.h)
// and the input of calibration and Q/DQ insertion. Also what nncf_quantize_plan returns as JSON.
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "algorithms/quantization/quantize_params.h"

namespace nncf::algorithms::quantization {

struct QuantizerConfig {
  int num_bits = 8;
  QuantizationScheme mode = QuantizationScheme::kSymmetric;
  std::optional<bool> signedness_to_force;
  bool per_channel = false;
  bool narrow_range = false;
  bool operator==(const QuantizerConfig& other) const;
};

enum class InsertionKind {
  kWeight,      // a constant input of `node` (rewires only that input)
  kPreLayer,    // an activation input of `node` (rewires only that input)
  kPostLayer,   // output `port` of `node` (rewires every consumer)
  kModelInput,  // a graph input (rewires every consumer)
};

// "weight", "pre_layer", "post_layer", "model_input" (plan and report JSON).
const char* InsertionKindName(InsertionKind kind);

struct InsertionPoint {
  InsertionKind kind = InsertionKind::kPostLayer;
  std::string tensor;  // the quantized value (NNCF's E: names become QuantizeLinear_<E>_<k>)
  std::string node;    // consumer (weight, pre-layer) or producer (post-layer); "" for inputs
  int port = 0;        // input port (weight, pre-layer) or output port (post-layer)
};

struct QuantizerSpec {
  int id = 0;
  InsertionPoint point;
  QuantizerConfig config;
  bool is_weight = false;
  // Per-channel axis as written to the ONNX attribute (may be negative, as NNCF writes it).
  int64_t axis = 0;
  // Quantizable ops this quantizer serves (for reports and accuracy-control groups).
  std::vector<std::string> target_nodes;
  int unified_group = -1;   // index into QuantizationSetup::unified_groups
  bool half_range = false;  // overflow fix applies (7-bit weight range)
};

struct QuantizationSetup {
  std::vector<QuantizerSpec> quantizers;         // ids equal indices
  std::vector<std::vector<int>> unified_groups;  // quantizer ids sharing one scale
  std::set<std::string> ignored_nodes;           // user scope, patterns, metatypes, post-processing
  // The plan as JSON: {"quantizers":[{"id","kind","tensor","node","port","is_weight","bits",
  // "mode","signed","per_channel","narrow_range","axis","half_range","unified_group",
  // "target_nodes"}], "unified_groups":[[ids]], "ignored_nodes":[names]}.
  std::string ToJson() const;
};

}  // namespace nncf::algorithms::quantization
