#include "core/exec/kernel_registry.h"

namespace nncf::exec {

void RegisterActivationKernels(KernelRegistry& /*registry*/) {}

}  // namespace nncf::exec
