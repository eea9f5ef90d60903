// Kernels by (domain, op type, opset range). Families register explicitly from
// KernelRegistry::Global() (no static initialisers: they would be dropped from libnncf.a).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/exec/kernel.h"

namespace nncf::exec {

class KernelRegistry {
 public:
  static const KernelRegistry& Global();

  // Valid for default-domain opsets [since_version, until_version] (inclusive).
  void Register(const std::string& domain, const std::string& op_type, int64_t since_version,
                int64_t until_version, KernelFactory factory);
  // nullptr when no kernel covers the op at that opset. domain "" and "ai.onnx" are the same.
  KernelFactory Find(const std::string& domain, const std::string& op_type, int64_t opset) const;
  // "domain:op" names in sorted order (domain omitted for the default one).
  std::vector<std::string> OpTypes() const;

 private:
  struct Entry {
    std::string domain, op_type;
    int64_t since, until;
    KernelFactory factory;
  };
  std::vector<Entry> entries_;
};

// One per kernel family file; KernelRegistry::Global() calls each once.
void RegisterElementwiseKernels(KernelRegistry& registry);    // kernels/elementwise_kernels.cc
void RegisterActivationKernels(KernelRegistry& registry);     // activation_kernels.cc
void RegisterReductionKernels(KernelRegistry& registry);      // reduction_kernels.cc
void RegisterNormalizationKernels(KernelRegistry& registry);  // normalization_kernels.cc
void RegisterConvKernels(KernelRegistry& registry);           // conv_kernels.cc (oneDNN)
void RegisterMatMulKernels(KernelRegistry& registry);         // matmul_kernels.cc (oneDNN)
void RegisterPoolKernels(KernelRegistry& registry);           // pool_kernels.cc (oneDNN)
void RegisterShapeKernels(KernelRegistry& registry);          // shape_kernels.cc
void RegisterDataMovementKernels(KernelRegistry& registry);   // data_movement_kernels.cc
void RegisterQuantizationKernels(KernelRegistry& registry);   // quantization_kernels.cc
void RegisterControlFlowKernels(KernelRegistry& registry);    // control_flow_kernels.cc

}  // namespace nncf::exec
