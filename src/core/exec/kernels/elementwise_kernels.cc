#include "core/exec/kernel_registry.h"

namespace nncf::exec {

void RegisterElementwiseKernels(KernelRegistry& /*registry*/) {}

}  // namespace nncf::exec
