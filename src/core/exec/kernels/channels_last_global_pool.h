// GlobalAveragePool reading a channels-last value (the last fused convolution's output in a
// CNN), so the value need not be reordered to the plain layout first. The result [N, C, 1, ...]
// has the same element order in both layouts.
#pragma once

#include <memory>

#include "core/exec/kernel.h"

namespace nncf::exec {

// Float32 input stored [N, spatial..., C] with logical dims [N, C, spatial...]; each channel
// sums its elements in the plain kernel's order (spatial positions ascending, in float) and
// divides by their count, so the result equals the plain kernel's bit for bit.
std::unique_ptr<Kernel> MakeChannelsLastGlobalAveragePool(const NodeInfo& info);

}  // namespace nncf::exec
