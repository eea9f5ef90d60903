#include "core/exec/kernel_registry.h"

namespace nncf::exec {

void RegisterQuantizationKernels(KernelRegistry& /*registry*/) {}

}  // namespace nncf::exec
