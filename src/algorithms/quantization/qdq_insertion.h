// Writes quantizers into the model as NNCF's ONNX backend does (model_transformer.py): for each
// quantizer on value E, QuantizeLinear_<E>_<k> -> DequantizeLinear_<E>_<k> with initializers
// scale_<E>_<k> and zero_point_<E>_<k>, outputs q_output_<E>_<k> / dq_output_<E>_<k>, inserted
// just before E's first consumer in the given model (k = quantizers already on E + 1).
// Rewiring: a pre-layer quantizer rewires exactly its (node, port); a weight quantizer its
// (node, port) and every other reader of E that no other quantizer claims (a shared weight gets
// one quantizer, as NNCF places it); post-layer and model-input quantizers every unclaimed
// reader. Readers inside If/Loop/Scan bodies that refer to E by name are rewired too. A value
// that nothing reads but a graph output keeps its output name: the producer writes
// q_input_<E>_<k>, and the DequantizeLinear produces E. A value that is read and is also a graph
// output leaves the graph unquantized (as in NNCF). Then optionally folds weight QuantizeLinear
// nodes into quantized initializers (q_output_<W>_<k> -> DequantizeLinear). Everything else in
// the model is kept as it was.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "algorithms/quantization/quantizer_parameters.h"
#include "algorithms/quantization/quantizer_setup.h"
#include "core/ir/model.h"

namespace nncf::algorithms::quantization {

struct PlacedQuantizer {
  const QuantizerSpec* spec = nullptr;
  QuantizerParameters params;
};

// The default-domain opset the quantizers need: 10 per tensor, 13 per axis, 19 for fp16/bf16
// quantized values or float8, 21 for int4/uint4/int16/uint16. `reason` names the first
// quantizer that needs it.
int64_t RequiredOpset(const ir::Model& model, const std::vector<PlacedQuantizer>& quantizers,
                      std::string* reason);

// Returns the model with Q/DQ pairs. Scales are stored in the element type of the quantized
// value (fp16 values get fp16 scales). When the model's opset is below RequiredOpset: converts
// (ConvertOpset) if allow_opset_upgrade, else throws nncf::Error(kVersionMismatch) naming the
// opset needed and why. The input model is not modified.
ir::Model InsertQuantizers(const ir::Model& model, const std::vector<PlacedQuantizer>& quantizers,
                           bool allow_opset_upgrade);

// Replaces every QuantizeLinear whose input is an initializer by a quantized initializer named
// after its output (round half to even, saturate), dropping the float initializer when nothing
// else reads it. Returns the number of folded weights. The same bytes on any thread count.
int FoldWeightQuantizers(ir::Model& model, int num_threads = 1);

}  // namespace nncf::algorithms::quantization
