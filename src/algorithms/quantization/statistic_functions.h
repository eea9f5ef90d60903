// The numeric kernels behind StatisticsCollector, written to give numpy's results: reductions of
// one tensor over every axis except the kept ones, numpy.quantile's default "linear" method, and
// numpy.median. `f32` marks data that numpy holds as float32 (min, max, mean statistics): the
// midpoint of an even-sized median is then rounded to float32 like numpy does; quantile results
// are float64 in NNCF and keep double precision.
#pragma once

#include <cstdint>
#include <vector>

#include "algorithms/quantization/float_reductions.h"

namespace nncf::algorithms::quantization {

enum class Reduction;

// Axes kept by a reduction, resolved against `rank` (negative = from the end), sorted and
// deduplicated. Throws nncf::Error(kInvalidArgument) naming `what` for an axis out of range.
std::vector<int64_t> ResolveKeptAxes(const std::vector<int64_t>& axes, int64_t rank,
                                     const char* what);

// The same reduction straight from float32 data, for the common cases: kMin, kMax, kAbsMax and
// kMean with kept axes forming one contiguous run, on up to `num_threads` threads (the result
// does not depend on the count). Returns false (result unspecified) for the others, which then
// go through ReduceKeepingAxes.
bool ReduceFloatsKeepingAxes(const float* values, const std::vector<int64_t>& dims,
                             const std::vector<int64_t>& kept, Reduction reduction,
                             std::vector<double>* result, int num_threads = 1);

// The extremes of `count` float32 values in one pass: the per-tensor kMin, kMax and kAbsMax of
// one value at once (with a NaN each is NaN, as numpy's). Chunks at fixed offsets over up to
// `num_threads` threads.
FloatExtremes ComputeFloatExtremes(const float* values, int64_t count, int num_threads = 1);

// Reduces `values` (row-major, shape `dims`) over every axis not in `kept` (resolved axes).
// Supports kMin, kMax, kAbsMax, kMean, kQuantile and kAbsQuantile (at `quantile`). The result
// has the kept axes' sizes, row-major. Means are rounded to float32 (numpy's float32 mean).
std::vector<double> ReduceKeepingAxes(const std::vector<double>& values,
                                      const std::vector<int64_t>& dims,
                                      const std::vector<int64_t>& kept, Reduction reduction,
                                      double quantile);

// numpy.quantile(sorted, q) with method "linear"; `sorted` ascending and non-empty.
double LinearQuantile(const std::vector<double>& sorted, double q);

// numpy.median of `values` (sorts it in place); non-empty.
double Median(std::vector<double>& values, bool f32);

// NNCF's MeanNoOutliers / MedianNoOutliers over one column of samples: values outside the
// [q, 1-q] quantiles are dropped, then the mean (rounded to float32 when f32) or the median of
// the rest is taken. Sorts `values` in place.
double MeanNoOutliers(std::vector<double>& values, double q, bool f32);
double MedianNoOutliers(std::vector<double>& values, double q, bool f32);

}  // namespace nncf::algorithms::quantization
