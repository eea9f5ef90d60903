#include "algorithms/quantization/statistic_functions.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include "algorithms/quantization/statistics.h"
#include "core/common/error.h"

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
