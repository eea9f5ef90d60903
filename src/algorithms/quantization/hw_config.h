// NNCF's CPU hardware config (common/hardware/setups/cpu.py, qspaces.py) for the ONNX metatypes,
// the default quantization traits (onnx/quantization/default_quantization.py) and the trait
// rules of the propagation solver (get_operator_quantization_traits_map).
#pragma once

#include <optional>
#include <vector>

#include "algorithms/quantization/metatype.h"
#include "algorithms/quantization/quantizer_setup.h"

namespace nncf::algorithms::quantization {

enum class QuantizationTrait {
  kInputsQuantizable,
  kAgnostic,
  kConcat,
  kNonQuantizable,
  kOutputQuantizationAsWeights,
};

// Activation configs the HW config lists for a metatype: nullopt when the op is not in the
// config (or has no HW name), an empty list for a "wildcard" entry (listed without configs).
std::optional<std::vector<QuantizerConfig>> HwActivationConfigs(Metatype metatype);
// Weight configs, same convention.
std::optional<std::vector<QuantizerConfig>> HwWeightConfigs(Metatype metatype);
// The solver's trait for a metatype under the CPU config.
QuantizationTrait TraitOf(Metatype metatype);

// A QuantizationConstraints: fields that are set must match (filter) or are written (apply).
struct QuantizerConstraints {
  std::optional<int> num_bits;
  std::optional<QuantizationScheme> mode;
  std::optional<bool> signedness_to_force;
  std::optional<bool> per_channel;
  std::optional<bool> narrow_range;
  bool Compatible(const QuantizerConfig& config) const;
  QuantizerConfig Apply(QuantizerConfig config) const;
};

}  // namespace nncf::algorithms::quantization
