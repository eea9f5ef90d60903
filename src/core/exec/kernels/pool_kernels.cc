#include "core/exec/kernel_registry.h"

namespace nncf::exec {

void RegisterPoolKernels(KernelRegistry& /*registry*/) {}

}  // namespace nncf::exec
