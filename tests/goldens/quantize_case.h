// Quantizing a golden case the way NNCF's tests did (kept apart from golden_cases.h so that the
// original-graph test links without the quantization pipeline).
#pragma once

#include "core/ir/model.h"
#include "golden_cases.h"

namespace nncf::testing::goldens {

// The quantized model of a graph case: Quantize with the case's parameters over 10 equal
// calibration items, or for a placement-only case, placement and Q/DQ insertion with every
// quantizer given the range [-1, 1] (NNCF's mocked statistics); then the case's pair removals.
ir::Model QuantizeGraphCase(const GraphCase& c);

// Quantize over 10 equal calibration items of the model's inputs.
ir::Model QuantizeScalesCase(const ScalesCase& c);

}  // namespace nncf::testing::goldens
