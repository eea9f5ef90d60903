#include "core/exec/kernel_registry.h"

namespace nncf::exec {

void RegisterConvKernels(KernelRegistry& /*registry*/) {}

}  // namespace nncf::exec
