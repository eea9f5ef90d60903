#include "algorithms/quantization/statistic_functions.h"

#include <Eigen/Core>

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include "algorithms/quantization/float_reductions.h"
#include "algorithms/quantization/statistics.h"
#include "core/common/error.h"
#include "core/common/parallel_for.h"

namespace nncf::algorithms::quantization {

std::vector<int64_t> ResolveKeptAxes(const std::vector<int64_t>& axes, int64_t rank,
                                     const char* what) {
  std::vector<int64_t> resolved;
  for (int64_t axis : axes) {
    const int64_t value = axis < 0 ? axis + rank : axis;
    if (value < 0 || value >= rank) {
      Fail(ErrorCode::kInvalidArgument, std::string(what) + ": axis " + std::to_string(axis) +
                                            " is out of range for a tensor of rank " +
                                            std::to_string(rank));
    }
    resolved.push_back(value);
  }
  std::sort(resolved.begin(), resolved.end());
  resolved.erase(std::unique(resolved.begin(), resolved.end()), resolved.end());
  return resolved;
}

double LinearQuantile(const std::vector<double>& sorted, double q) {
  // numpy: virtual index (n - 1) * q, then _lerp(a, b, t) which subtracts from b when t >= 0.5.
  const double n = static_cast<double>(sorted.size());
  const double virtual_index = (n - 1.0) * q;
  const double previous = std::floor(virtual_index);
  const double gamma = virtual_index - previous;
  const size_t last = sorted.size() - 1;
  const size_t below = std::min(static_cast<size_t>(std::max(previous, 0.0)), last);
  const size_t above = std::min(below + 1, last);
  const double a = sorted[below];
  const double b = sorted[above];
  const double diff = b - a;
  if (gamma >= 0.5) return b - diff * (1.0 - gamma);
  return a + diff * gamma;
}

double Median(std::vector<double>& values, bool f32) {
  std::sort(values.begin(), values.end());
  const size_t n = values.size();
  if (n % 2 == 1) return values[n / 2];
  const double a = values[n / 2 - 1];
  const double b = values[n / 2];
  if (f32) {
    const float sum = static_cast<float>(a) + static_cast<float>(b);
    return static_cast<double>(sum / 2.0f);
  }
  return (a + b) / 2.0;
}

namespace {

// Keeps the values inside [quantile(q), quantile(1 - q)] (numpy's mask keeps the bounds).
std::vector<double> WithoutOutliers(std::vector<double>& values, double q) {
  std::sort(values.begin(), values.end());
  const double low = LinearQuantile(values, q);
  const double high = LinearQuantile(values, 1.0 - q);
  std::vector<double> kept;
  kept.reserve(values.size());
  for (double value : values) {
    if (!(value < low || high < value)) kept.push_back(value);
  }
  return kept;
}

}  // namespace

double MeanNoOutliers(std::vector<double>& values, double q, bool f32) {
  std::vector<double> kept = WithoutOutliers(values, q);
  if (kept.empty()) return std::numeric_limits<double>::quiet_NaN();
  double sum = 0;
  for (double value : kept) sum += value;
  const double mean = sum / static_cast<double>(kept.size());
  return f32 ? static_cast<double>(static_cast<float>(mean)) : mean;
}

double MedianNoOutliers(std::vector<double>& values, double q, bool f32) {
  std::vector<double> kept = WithoutOutliers(values, q);
  if (kept.empty()) return std::numeric_limits<double>::quiet_NaN();
  return Median(kept, f32);
}

namespace {

// Kept axes that form one contiguous run (none, a channel axis, batch and channel) make the
// output slot constant over runs of `inner` consecutive elements: reduce those runs directly.
// The per-slot order of the operations is the same as the general walk of ReduceKeepingAxes, so
// the results are identical. `result` arrives sized and initialized; false = not applicable.
template <typename T>
bool ReduceContiguousRuns(const T* values, int64_t count, const std::vector<int64_t>& dims,
                          const std::vector<int64_t>& kept, Reduction reduction,
                          std::vector<double>* result) {
  const bool streaming = reduction == Reduction::kMin || reduction == Reduction::kMax ||
                         reduction == Reduction::kAbsMax || reduction == Reduction::kMean;
  const bool contiguous =
      kept.empty() || kept.back() - kept.front() + 1 == static_cast<int64_t>(kept.size());
  const int64_t out_size = static_cast<int64_t>(result->size());
  if (!streaming || !contiguous || out_size == 0) return false;
  const size_t rank = dims.size();
  int64_t inner = 1;
  for (size_t axis = kept.empty() ? 0 : static_cast<size_t>(kept.back()) + 1; axis < rank; ++axis) {
    inner *= dims[axis];
  }
  if (kept.empty()) inner = count;
  const int64_t blocks = inner > 0 ? count / inner : 0;
  for (int64_t block = 0; block < blocks; ++block) {
    double& slot = (*result)[static_cast<size_t>(block % out_size)];
    const T* run = values + block * inner;
    switch (reduction) {
      case Reduction::kMin:
        for (int64_t i = 0; i < inner; ++i) {
          const double value = run[i];
          if (value < slot || std::isnan(value)) slot = value;
        }
        break;
      case Reduction::kMax:
        for (int64_t i = 0; i < inner; ++i) {
          const double value = run[i];
          if (value > slot || std::isnan(value)) slot = value;
        }
        break;
      case Reduction::kAbsMax:
        for (int64_t i = 0; i < inner; ++i) {
          const double value = std::fabs(static_cast<double>(run[i]));
          if (value > slot || std::isnan(value)) slot = value;
        }
        break;
      default:  // kMean
        for (int64_t i = 0; i < inner; ++i) slot += static_cast<double>(run[i]);
        break;
    }
  }
  if (reduction == Reduction::kMean) {
    const int64_t group_size = count / out_size;
    for (double& slot : *result) {
      slot = static_cast<double>(static_cast<float>(slot / static_cast<double>(group_size)));
    }
  }
  return true;
}

// The output of a reduction before any element: +inf for min, -inf for max, 0 for sums.
std::vector<double> InitialSlots(int64_t size, Reduction reduction) {
  double initial = 0.0;
  if (reduction == Reduction::kMin) initial = std::numeric_limits<double>::infinity();
  if (reduction == Reduction::kMax || reduction == Reduction::kAbsMax) {
    initial = -std::numeric_limits<double>::infinity();
  }
  return std::vector<double>(static_cast<size_t>(size), initial);
}

int64_t KeptSize(const std::vector<int64_t>& dims, const std::vector<int64_t>& kept) {
  int64_t size = 1;
  for (int64_t axis : kept) size *= dims[static_cast<size_t>(axis)];
  return size;
}

}  // namespace

namespace {

// One run's contribution: min/max/abs-max in float (exact), sums in double.
struct RunSummary {
  double value = 0;
  bool nan = false;
};

RunSummary SummarizeRun(const float* data, int64_t length, Reduction reduction) {
  const Eigen::Map<const Eigen::ArrayXf> run(data, static_cast<Eigen::Index>(length));
  RunSummary summary;
  if (reduction == Reduction::kMean) {
    summary.value = SumAsDouble(data, length);
    return summary;
  }
  // numpy's min/max propagate NaN: so do these (one vectorized pass).
  const float extreme = reduction == Reduction::kMin   ? run.minCoeff<Eigen::PropagateNaN>()
                        : reduction == Reduction::kMax ? run.maxCoeff<Eigen::PropagateNaN>()
                                                       : run.abs().maxCoeff<Eigen::PropagateNaN>();
  summary.nan = std::isnan(extreme);
  summary.value = extreme;
  return summary;
}

void Combine(double* slot, const RunSummary& summary, Reduction reduction) {
  if (std::isnan(*slot)) return;
  if (summary.nan) {
    *slot = std::numeric_limits<double>::quiet_NaN();
  } else if (reduction == Reduction::kMean) {
    *slot += summary.value;
  } else if (reduction == Reduction::kMin) {
    *slot = std::min(*slot, summary.value);
  } else {
    *slot = std::max(*slot, summary.value);
  }
}

// Chunks of a long run are cut at fixed offsets, whatever the thread count, so sums add up in
// the same order and the statistics are the same bytes on any number of threads.
constexpr int64_t kRunChunk = int64_t{1} << 15;

}  // namespace

FloatExtremes ComputeFloatExtremes(const float* values, int64_t count, int num_threads) {
  const int64_t chunks = (count + kRunChunk - 1) / kRunChunk;
  std::vector<FloatExtremes> parts(static_cast<size_t>(std::max<int64_t>(chunks, 1)));
  ParallelFor(num_threads, chunks, kRunChunk, [&](int64_t begin, int64_t end) {
    for (int64_t c = begin; c < end; ++c) {
      const int64_t first = c * kRunChunk;
      parts[static_cast<size_t>(c)] =
          ExtremesOf(values + first, std::min(kRunChunk, count - first));
    }
  });
  FloatExtremes total;
  total.min = std::numeric_limits<float>::infinity();
  total.max = -std::numeric_limits<float>::infinity();
  for (const FloatExtremes& part : parts) {
    total.min = std::min(total.min, part.min);
    total.max = std::max(total.max, part.max);
    total.nan = total.nan || part.nan;
  }
  return total;
}

bool ReduceFloatsKeepingAxes(const float* values, const std::vector<int64_t>& dims,
                             const std::vector<int64_t>& kept, Reduction reduction,
                             std::vector<double>* result, int num_threads) {
  const bool streaming = reduction == Reduction::kMin || reduction == Reduction::kMax ||
                         reduction == Reduction::kAbsMax || reduction == Reduction::kMean;
  const bool contiguous =
      kept.empty() || kept.back() - kept.front() + 1 == static_cast<int64_t>(kept.size());
  if (!streaming || !contiguous) return false;
  int64_t count = 1;
  for (int64_t d : dims) count *= d;
  const int64_t out_size = KeptSize(dims, kept);
  if (out_size == 0 || count == 0) return false;
  *result = InitialSlots(out_size, reduction);
  int64_t inner = count;
  if (!kept.empty()) {
    inner = 1;
    for (size_t axis = static_cast<size_t>(kept.back()) + 1; axis < dims.size(); ++axis) {
      inner *= dims[axis];
    }
  }
  const int64_t blocks = count / inner;
  if (inner == 1 && out_size > 1) {
    // The kept axes are the trailing ones (a channels-last channel axis): column reductions of
    // a [rows, out_size] row-major matrix, vectorized across the channels.
    using RowMajor = Eigen::Array<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
    const Eigen::Map<const RowMajor> rows(values, static_cast<Eigen::Index>(blocks / out_size),
                                          static_cast<Eigen::Index>(out_size));
    if (reduction == Reduction::kMean) {
      // Blocks of columns on the threads; each column sums its rows in order.
      constexpr int64_t kColumnBlock = 64;
      const int64_t n_rows = blocks / out_size;
      const int64_t column_blocks = (out_size + kColumnBlock - 1) / kColumnBlock;
      ParallelFor(
          num_threads, column_blocks, n_rows * kColumnBlock, [&](int64_t begin, int64_t end) {
            for (int64_t block = begin; block < end; ++block) {
              const int64_t first = block * kColumnBlock;
              ColumnSumsAsDouble(values + first, n_rows, std::min(kColumnBlock, out_size - first),
                                 out_size, result->data() + first);
            }
          });
    } else {
      const auto nan = rows.isNaN().colwise().any();
      Eigen::ArrayXXf extreme;
      if (reduction == Reduction::kMin) {
        extreme = rows.colwise().minCoeff();
      } else if (reduction == Reduction::kMax) {
        extreme = rows.colwise().maxCoeff();
      } else {
        extreme = rows.abs().colwise().maxCoeff();
      }
      for (int64_t c = 0; c < out_size; ++c) {
        (*result)[static_cast<size_t>(c)] = nan(0, c) ? std::numeric_limits<double>::quiet_NaN()
                                                      : static_cast<double>(extreme(0, c));
      }
    }
  } else if (out_size == 1) {
    // Per-tensor: every element feeds one slot; summarize fixed chunks in parallel, combine in
    // order.
    const int64_t chunks = (count + kRunChunk - 1) / kRunChunk;
    std::vector<RunSummary> parts(static_cast<size_t>(chunks));
    ParallelFor(num_threads, chunks, kRunChunk, [&](int64_t begin, int64_t end) {
      for (int64_t c = begin; c < end; ++c) {
        const int64_t first = c * kRunChunk;
        parts[static_cast<size_t>(c)] =
            SummarizeRun(values + first, std::min(kRunChunk, count - first), reduction);
      }
    });
    for (const RunSummary& part : parts) Combine(&(*result)[0], part, reduction);
  } else {
    // Per channel: each slot owns the blocks block % out_size == slot, visited in order.
    ParallelFor(num_threads, out_size, count / out_size, [&](int64_t begin, int64_t end) {
      for (int64_t slot = begin; slot < end; ++slot) {
        for (int64_t block = slot; block < blocks; block += out_size) {
          Combine(&(*result)[static_cast<size_t>(slot)],
                  SummarizeRun(values + block * inner, inner, reduction), reduction);
        }
      }
    });
  }
  if (reduction == Reduction::kMean) {
    const int64_t group_size = count / out_size;
    for (double& slot : *result) {
      slot = static_cast<double>(static_cast<float>(slot / static_cast<double>(group_size)));
    }
  }
  return true;
}

std::vector<double> ReduceKeepingAxes(const std::vector<double>& values,
                                      const std::vector<int64_t>& dims,
                                      const std::vector<int64_t>& kept, Reduction reduction,
                                      double quantile) {
  const size_t rank = dims.size();
  // Output stride of every input axis (0 for reduced axes).
  std::vector<int64_t> out_stride(rank, 0);
  int64_t out_size = 1;
  for (size_t k = kept.size(); k-- > 0;) {
    out_stride[static_cast<size_t>(kept[k])] = out_size;
    out_size *= dims[static_cast<size_t>(kept[k])];
  }
  const int64_t count = static_cast<int64_t>(values.size());
  const int64_t group_size = out_size > 0 ? count / out_size : 0;
  const bool absolute = reduction == Reduction::kAbsMax || reduction == Reduction::kAbsQuantile;
  const bool gathers = reduction == Reduction::kQuantile || reduction == Reduction::kAbsQuantile;

  std::vector<double> result(static_cast<size_t>(out_size), 0.0);
  std::vector<std::vector<double>> groups;
  if (gathers) {
    groups.resize(static_cast<size_t>(out_size));
    for (auto& group : groups) group.reserve(static_cast<size_t>(group_size));
  } else if (reduction == Reduction::kMin) {
    std::fill(result.begin(), result.end(), std::numeric_limits<double>::infinity());
  } else if (reduction == Reduction::kMax || reduction == Reduction::kAbsMax) {
    std::fill(result.begin(), result.end(), -std::numeric_limits<double>::infinity());
  }

  if (ReduceContiguousRuns(values.data(), count, dims, kept, reduction, &result)) return result;

  std::vector<int64_t> index(rank, 0);
  int64_t out = 0;
  for (int64_t i = 0; i < count; ++i) {
    const double value =
        absolute ? std::fabs(values[static_cast<size_t>(i)]) : values[static_cast<size_t>(i)];
    double& slot = result[static_cast<size_t>(out)];
    switch (reduction) {
      case Reduction::kMin:
        // numpy.min propagates NaN.
        if (value < slot || std::isnan(value)) slot = value;
        break;
      case Reduction::kMax:
      case Reduction::kAbsMax:
        if (value > slot || std::isnan(value)) slot = value;
        break;
      case Reduction::kMean:
        slot += value;
        break;
      default:
        groups[static_cast<size_t>(out)].push_back(value);
        break;
    }
    // Advance the multi-index (row-major) and the output offset with it.
    for (size_t axis = rank; axis-- > 0;) {
      if (++index[axis] < dims[axis]) {
        out += out_stride[axis];
        break;
      }
      out -= out_stride[axis] * (dims[axis] - 1);
      index[axis] = 0;
    }
  }
  if (reduction == Reduction::kMean) {
    for (double& slot : result) {
      slot = static_cast<double>(static_cast<float>(slot / static_cast<double>(group_size)));
    }
  } else if (gathers) {
    for (size_t g = 0; g < groups.size(); ++g) {
      std::sort(groups[g].begin(), groups[g].end());
      result[g] = LinearQuantile(groups[g], quantile);
    }
  }
  return result;
}

}  // namespace nncf::algorithms::quantization
