// Reading nncf_quantize_params, shared by nncf_quantize and accuracy control.
#pragma once

#include "algorithms/quantization/quantize_params.h"
#include "core/common/context.h"
#include "nncf.h"

namespace nncf::capi {

// The config in `advanced` is read first; struct fields left at their defaults do not override
// it. `context` gets the params' progress callback. kInvalidArgument / kVersionMismatch name
// the field at fault.
algorithms::quantization::QuantizeParams ReadQuantizeParams(const nncf_quantize_params* in,
                                                            Context* context);

}  // namespace nncf::capi
