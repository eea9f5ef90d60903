// BiasCorrection's working copy (NNCF's remove_fq_from_inputs): every QuantizeLinear and
// DequantizeLinear reachable from the graph inputs is removed and its readers read what it read,
// so activations are float again while the weights keep their Q/DQ (constants are not reachable
// from the inputs).
#pragma once

#include "core/ir/model.h"

namespace nncf::algorithms::quantization {

// Removes the activation Q/DQ nodes of `model` in place; returns how many were removed. A graph
// output that was a removed node's value is renamed to the value it now equals (dropped when that
// value already is a graph output).
int RemoveActivationQuantizers(ir::Model& model);

}  // namespace nncf::algorithms::quantization
