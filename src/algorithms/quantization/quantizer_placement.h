// MinMax's find_quantization_setup: operator traits from the CPU hardware config, hardware fused
// patterns, ignored patterns (SE block, transformer patterns), the inference graph without shape
// and constant subgraphs, propagation of quantizers up through agnostic ops and branches, Concat
// scale unification, the elementwise / post-processing / redundancy filters, weight quantizers,
// shared weights and the overflow-fix layer choice.
#pragma once

#include "algorithms/quantization/nncf_graph.h"
#include "algorithms/quantization/quantize_params.h"
#include "algorithms/quantization/quantizer_setup.h"
#include "core/ir/model.h"

namespace nncf::algorithms::quantization {

// `model` carries inferred value types; `graph` was built from it. Throws nncf::Error:
// kInvalidArgument when the user's ignored scope does not match (validate on, listing what did
// not match) or when the quantization parameters rule out every hardware config of an op
// (naming the op); kUnsupported for target device CPU_SPR.
QuantizationSetup FindQuantizationSetup(const ir::Model& model, const NncfGraph& graph,
                                        const QuantizeParams& params);

}  // namespace nncf::algorithms::quantization
