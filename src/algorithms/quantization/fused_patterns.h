// The ONNX backend's pattern sets: hardware fused patterns (onnx/hardware/fused_patterns.py),
// whose matches become one node during placement, and ignored patterns
// (onnx/quantization/ignored_patterns.py), whose nodes get no quantizers.
#pragma once

#include "algorithms/quantization/graph_pattern.h"

namespace nncf::algorithms::quantization {

// Every registered fused pattern as alternatives, in registration order. LINEAR_SCALE_SHIFT is
// registered for ANY, CPU and GPU only, hence the flag.
GraphPattern HardwareFusedPatterns(bool include_linear_scale_shift);

// SE_BLOCK always; MULTIHEAD_ATTENTION_OUTPUT, ROPE and SAM_PE for transformers.
GraphPattern IgnoredPatterns(bool transformer);

}  // namespace nncf::algorithms::quantization
