#include "core/exec/kernel_registry.h"

namespace nncf::exec {

void RegisterControlFlowKernels(KernelRegistry& /*registry*/) {}

}  // namespace nncf::exec
