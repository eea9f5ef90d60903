// Reverting quantizer groups to float: the model accuracy control evaluates at every step is
// always rebuilt from the quantized (unfolded) model and the set of reverted groups, so undoing
// a step is just dropping a group from the set.
#pragma once

#include <vector>

#include "algorithms/accuracy_control/accuracy_control.h"
#include "algorithms/accuracy_control/quantizer_groups.h"
#include "algorithms/quantization/bias_correction.h"
#include "core/ir/model.h"

namespace nncf::algorithms::accuracy_control {

// A copy of `quantized` without the Q/DQ pairs of `groups` (consumers read the unquantized
// value again; a DequantizeLinear output that is a graph output becomes an Identity), with the
// biases bias correction changed on the groups' ops restored from `initial`. Float weights stay
// as `quantized` holds them: for a smoothed MatMul that is the SmoothQuant-scaled weight, which
// keeps the remaining Mul(1/s) exact (NNCF restores the original weight and breaks it).
// kOnlyActivations keeps the weight quantizers of the reverted ops.
ir::Model RevertGroups(const ir::Model& quantized, const ir::Model& initial,
                       const std::vector<const QuantizerGroup*>& groups, RestoreMode mode,
                       const std::vector<quantization::BiasShift>& bias_shifts);

}  // namespace nncf::algorithms::accuracy_control
