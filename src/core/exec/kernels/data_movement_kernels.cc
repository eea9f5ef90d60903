#include "core/exec/kernel_registry.h"

namespace nncf::exec {

void RegisterDataMovementKernels(KernelRegistry& /*registry*/) {}

}  // namespace nncf::exec
