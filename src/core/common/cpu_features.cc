#include "core/common/cpu_features.h"

#include <atomic>

namespace nncf {
namespace {

CpuIsa DetectCpuIsa() {
#if defined(__x86_64__) || defined(__i386__)
  // GCC's checks include the OS saving the wider register state.
  if (__builtin_cpu_supports("avx512f")) return CpuIsa::kAvx512;
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("f16c")) return CpuIsa::kAvx2;
#endif
  return CpuIsa::kScalar;
}

std::atomic<CpuIsa> cap{CpuIsa::kAvx512};

}  // namespace

bool CpuIsaUsable(CpuIsa isa) {
  static const CpuIsa detected = DetectCpuIsa();
  return isa <= detected && isa <= cap.load(std::memory_order_relaxed);
}

CpuIsa ActiveCpuIsa() {
  if (CpuIsaUsable(CpuIsa::kAvx512)) return CpuIsa::kAvx512;
  if (CpuIsaUsable(CpuIsa::kAvx2)) return CpuIsa::kAvx2;
  return CpuIsa::kScalar;
}

CpuIsa CapCpuIsa(CpuIsa new_cap) {
  return cap.exchange(new_cap);
}

const char* CpuIsaName(CpuIsa isa) {
  switch (isa) {
    case CpuIsa::kAvx512:
      return "avx512";
    case CpuIsa::kAvx2:
      return "avx2";
    case CpuIsa::kScalar:
      return "scalar";
  }
  return "scalar";
}

}  // namespace nncf
