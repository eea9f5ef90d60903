// Our own default-domain opset adapters between 17 and 23, where Debian's ONNX 1.12 version
// converter stops. Each step rewrites the ops whose signatures changed at that opset and sets
// the model's opset import. Protobuf-free: adapters work on the IR.
#pragma once

#include <cstdint>

#include "core/ir/model.h"

namespace nncf::onnx {

// Rewrites `model` from default opset `from` (17..22) to `from + 1`:
// 18: Reduce{L1,L2,LogSum,LogSumExp,Max,Mean,Min,Prod,SumSquare} `axes` attribute -> int64
//     initializer input; Split without a `split` input gets `num_outputs`.
// 20: DFT `axis` attribute -> int64 initializer input; GridSample modes renamed.
// 21: GroupNormalization changed its scale/bias shape: kUnsupported naming the node.
// Every other change in 18..23 only added optional inputs/attributes or types.
void UpgradeOneOpset(ir::Model* model, int64_t from);

// Rewrites `model` from default opset `from` (18..23) to `from - 1`, reversing the above.
// Throws kUnsupported naming the node and op when the node uses something the older opset
// cannot express (an op introduced at `from`, a non-constant Reduce axes input, antialiasing
// Resize, blocked quantization, ...).
void DowngradeOneOpset(ir::Model* model, int64_t from);

}  // namespace nncf::onnx
