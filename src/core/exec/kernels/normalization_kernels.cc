#include "core/exec/kernel_registry.h"

namespace nncf::exec {

void RegisterNormalizationKernels(KernelRegistry& /*registry*/) {}

}  // namespace nncf::exec
