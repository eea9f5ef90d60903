// The x86 vector levels the hand-written kernels choose between at run time (the library is
// built for the baseline ISA, so wider code sits behind these checks). Every level of a kernel
// computes the same bits; tests cap the level to compare them on one machine.
#pragma once

namespace nncf {

enum class CpuIsa { kScalar, kAvx2, kAvx512 };  // kAvx2 includes F16C

// The best level this CPU (and OS) supports, lowered to the cap.
CpuIsa ActiveCpuIsa();
// True when kernels may use `isa`.
bool CpuIsaUsable(CpuIsa isa);
// Caps the level for the whole process (tests); returns the previous cap.
CpuIsa CapCpuIsa(CpuIsa cap);
const char* CpuIsaName(CpuIsa isa);

}  // namespace nncf
