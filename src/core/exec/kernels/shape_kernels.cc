#include "core/exec/kernel_registry.h"

namespace nncf::exec {

void RegisterShapeKernels(KernelRegistry& /*registry*/) {}

}  // namespace nncf::exec
