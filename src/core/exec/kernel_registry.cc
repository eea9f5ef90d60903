#include "core/exec/kernel_registry.h"

#include <algorithm>
#include <set>

namespace nncf::exec {
namespace {
std::string NormalDomain(const std::string& domain) {
  return domain == "ai.onnx" ? "" : domain;
}
}  // namespace

const KernelRegistry& KernelRegistry::Global() {
  static const KernelRegistry registry = [] {
    KernelRegistry r;
    RegisterElementwiseKernels(r);
    RegisterActivationKernels(r);
    RegisterReductionKernels(r);
    RegisterNormalizationKernels(r);
    RegisterConvKernels(r);
    RegisterMatMulKernels(r);
    RegisterPoolKernels(r);
    RegisterShapeKernels(r);
    RegisterDataMovementKernels(r);
    RegisterQuantizationKernels(r);
    RegisterControlFlowKernels(r);
    return r;
  }();
  return registry;
}

void KernelRegistry::Register(const std::string& domain, const std::string& op_type,
                              int64_t since_version, int64_t until_version, KernelFactory factory) {
  entries_.push_back({NormalDomain(domain), op_type, since_version, until_version, factory});
}

KernelFactory KernelRegistry::Find(const std::string& domain, const std::string& op_type,
                                   int64_t opset) const {
  const std::string d = NormalDomain(domain);
  for (const Entry& e : entries_) {
    if (e.domain == d && e.op_type == op_type && opset >= e.since && opset <= e.until) {
      return e.factory;
    }
  }
  return nullptr;
}

std::vector<std::string> KernelRegistry::OpTypes() const {
  std::set<std::string> names;
  for (const Entry& e : entries_)
    names.insert(e.domain.empty() ? e.op_type : e.domain + ":" + e.op_type);
  return {names.begin(), names.end()};
}

}  // namespace nncf::exec
