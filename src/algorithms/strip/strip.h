// nncf.strip: turn a model carrying fake quantizers (our FQ / FQ_LORA weight formats, or Q/DQ
// pairs in general) into its deployable form.
#pragma once

#include "core/ir/model.h"

namespace nncf::algorithms {

enum class StripFormat { kNative, kDequantize, kInPlace };

// kNative: fake-quantize subgraphs become QuantizeLinear/DequantizeLinear pairs; LoRA adapters are
// merged into the weight first. kDequantize: constant weights stored quantized behind
// DequantizeLinear (activations keep Q/DQ). kInPlace: every weight Q/DQ or fake quantizer on a
// constant is evaluated and baked into a float initializer; the quantizer nodes go away.
// The input is never modified.
ir::Model Strip(const ir::Model& model, StripFormat format);

}  // namespace nncf::algorithms
