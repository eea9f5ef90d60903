// The inner loops of data-free weight quantization: float conversion with running column min/max,
// group parameters, and codes. Each has a scalar reference and AVX2 and AVX-512 versions that
// perform the same IEEE operations (true float32 division, round half to even), so every
// instruction set gives the same bytes; the best one the CPU has is picked at run time.
#pragma once

#include <cstdint>

#include "algorithms/weight_compression/compressed_weight.h"
#include "core/ir/dtype.h"

namespace nncf::algorithms::wc::kernels {

// The level (scalar, AVX2, AVX-512) is core/common/cpu_features.h's; tests cap it there to
// compare every level on the same data.

// Folds a rows x cols block of `dtype` (float, float16, bfloat16, double) at src, row stride ld
// elements, as float32 into the running column minimum and maximum mn[j], mx[j]. An infinity
// shows up in mn or mx (AllFinite checks); NaN is left to QuantizeRow to report.
void ColumnStats(ir::DType dtype, const uint8_t* src, int64_t rows, int64_t cols, int64_t ld,
                 float* mn, float* mx);

// Min and max of n contiguous elements, converted to float32 into dst as above. Returns false
// if an element is NaN or infinite.
bool ConvertSpanStats(ir::DType dtype, const uint8_t* src, int64_t n, float* dst, float* mn,
                      float* mx);

// Converts n elements of `dtype` to float32.
void Convert(ir::DType dtype, const uint8_t* src, int64_t n, float* dst);

// True when no mn[j] or mx[j] is infinite.
bool AllFinite(const float* mn, const float* mx, int64_t n);

// NNCF's scale (and zero point as an integer-valued float; for E2M1 the exact reciprocal of the
// power-of-two scale) of one group from its min and max.
void GroupParams(WeightMode mode, float min_value, float max_value, float* scale, float* zero);
// GroupParams for n groups side by side.
void GroupParamsSpan(WeightMode mode, const float* mn, const float* mx, int64_t n, float* scale,
                     float* zero);

// Codes of x[0..n): x[j] with scale[j * step] and zero[j * step] (step 0: one group, 1: one
// group per column). Returns false if an x[j] is NaN.
bool QuantizeSpan(WeightMode mode, const float* x, int64_t n, const float* scale, const float* zero,
                  int64_t step, uint8_t* out);

// QuantizeSpan of n elements of `dtype` at src, converted to float32 on the way.
bool QuantizeRow(WeightMode mode, ir::DType dtype, const uint8_t* src, int64_t n,
                 const float* scale, const float* zero, int64_t step, uint8_t* out);

// Asks for the cache lines of [p, p + bytes) to be brought into L2 ahead of use.
void PrefetchToL2(const uint8_t* p, int64_t bytes);

// One element (the reference semantics of QuantizeSpan).
uint8_t QuantizeOne(WeightMode mode, float x, float scale, float zero);

}  // namespace nncf::algorithms::wc::kernels
