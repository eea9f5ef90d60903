#include "core/exec/kernel_registry.h"

namespace nncf::exec {

void RegisterMatMulKernels(KernelRegistry& /*registry*/) {}

}  // namespace nncf::exec
