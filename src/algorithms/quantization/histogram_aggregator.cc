// Float64 arithmetic in the same expression order as NNCF's numpy code; sums over the 2048 bins
// use numpy's pairwise summation so the error comparisons of the search break ties the same way.
#include "algorithms/quantization/histogram_aggregator.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace nncf::algorithms::quantization {
namespace {

constexpr int64_t kDstBins = 256;  // 2 ** dist_nbits (8)
constexpr int64_t kUpsampleRate = 16;

// numpy's pairwise_sum for float64 (8-way unrolled blocks of at most 128 elements).
double PairwiseSum(const double* a, int64_t n) {
  if (n < 8) {
    double sum = 0.0;
    for (int64_t i = 0; i < n; ++i) sum += a[i];
    return sum;
  }
  if (n <= 128) {
    double r[8];
    for (int j = 0; j < 8; ++j) r[j] = a[j];
    int64_t i = 8;
    for (; i < n - (n % 8); i += 8) {
      for (int j = 0; j < 8; ++j) r[j] += a[i + j];
    }
    double sum = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
    for (; i < n; ++i) sum += a[i];
    return sum;
  }
  int64_t half = n / 2;
  half -= half % 8;
  return PairwiseSum(a, half) + PairwiseSum(a + half, n - half);
}

// numpy.linspace(start, stop, num) in float64 (endpoint included, last element set to stop).
std::vector<double> Linspace(double start, double stop, int64_t num) {
  std::vector<double> values(static_cast<size_t>(num));
  const double step = (stop - start) / static_cast<double>(num - 1);
  for (int64_t i = 0; i < num; ++i) {
    values[static_cast<size_t>(i)] =
        step == 0.0 ? static_cast<double>(i) / static_cast<double>(num - 1) * (stop - start) + start
                    : static_cast<double>(i) * step + start;
  }
  values.back() = stop;
  return values;
}

double Norm(double delta_begin, double delta_end, double density) {
  const double norm =
      (delta_end * delta_end * delta_end - delta_begin * delta_begin * delta_begin) / 3;
  return density * norm;
}

}  // namespace

std::vector<double> Float32Histogram(const std::vector<float>& values, int64_t bins, double low,
                                     double high) {
  // _get_outer_edges widens an empty range by 0.5 on both sides; the edges are float32
  // (numpy's bin type for float32 data), and the bin of a value is decided against them.
  if (low == high) {
    low -= 0.5;
    high += 0.5;
  }
  std::vector<double> edges64 = Linspace(low, high, bins + 1);
  std::vector<float> edges(edges64.size());
  for (size_t i = 0; i < edges.size(); ++i) edges[i] = static_cast<float>(edges64[i]);
  const float first = static_cast<float>(low);
  const float last = static_cast<float>(high);
  std::vector<double> counts(static_cast<size_t>(bins), 0.0);
  const double norm = static_cast<double>(bins) / (high - low);
  for (float value : values) {
    if (!(value >= first && value <= last)) continue;
    int64_t index = static_cast<int64_t>((static_cast<double>(value) - low) * norm);
    index = std::clamp<int64_t>(index, 0, bins - 1);
    while (index > 0 && value < edges[static_cast<size_t>(index)]) --index;
    while (index < bins - 1 && value >= edges[static_cast<size_t>(index + 1)]) ++index;
    counts[static_cast<size_t>(index)] += 1.0;
  }
  return counts;
}

void HistogramAggregator::Register(const std::vector<float>& values) {
  if (values.empty()) return;
  float x_min = values[0], x_max = values[0];
  for (float value : values) {
    x_min = std::min(x_min, value);
    x_max = std::max(x_max, value);
  }
  if (!initialized_) {
    initialized_ = true;
    min_val_ = x_min;
    max_val_ = x_max;
    histogram_ = Float32Histogram(values, kBins, min_val_, max_val_);
    return;
  }
  const double current_min = min_val_, current_max = max_val_;
  const double new_min = std::min<double>(current_min, x_min);
  const double new_max = std::max<double>(current_max, x_max);
  std::vector<double> update = Float32Histogram(values, kBins, new_min, new_max);

  // _combine_histograms.
  if (new_min == current_min && new_max == current_max) {
    for (int64_t i = 0; i < kBins; ++i)
      update[static_cast<size_t>(i)] += histogram_[static_cast<size_t>(i)];
  } else if (current_min == current_max) {
    const double bin_value = PairwiseSum(histogram_.data(), kBins);
    const std::vector<double> moved =
        Float32Histogram({static_cast<float>(current_min)}, kBins, new_min, new_max);
    for (int64_t i = 0; i < kBins; ++i) {
      update[static_cast<size_t>(i)] += moved[static_cast<size_t>(i)] * bin_value;
    }
  } else {
    const std::vector<double> moved = Upscale(current_min, current_max, new_min, new_max);
    for (int64_t i = 0; i < kBins; ++i)
      update[static_cast<size_t>(i)] += moved[static_cast<size_t>(i)];
  }
  histogram_ = std::move(update);
  min_val_ = new_min;
  max_val_ = new_max;
}

std::vector<double> HistogramAggregator::Upscale(double orig_min, double orig_max,
                                                 double update_min, double update_max) const {
  const int64_t fine_bins = kBins * kUpsampleRate;
  const double bin_size = (orig_max - orig_min) / static_cast<double>(fine_bins);
  const std::vector<double> mid = Linspace(orig_min, orig_max, fine_bins + 1);
  const std::vector<double> boundaries = Linspace(update_min, update_max, kBins + 1);
  std::vector<double> result(static_cast<size_t>(kBins), 0.0);
  for (int64_t i = 0; i < fine_bins; ++i) {
    const double point = mid[static_cast<size_t>(i)] + 0.5 * bin_size;
    // searchsorted(side="right") - 1: the last boundary not above the point.
    int64_t bucket =
        std::upper_bound(boundaries.begin(), boundaries.end(), point) - boundaries.begin() - 1;
    bucket = std::clamp<int64_t>(bucket, 0, kBins - 1);
    result[static_cast<size_t>(bucket)] +=
        histogram_[static_cast<size_t>(i / kUpsampleRate)] / static_cast<double>(kUpsampleRate);
  }
  return result;
}

double HistogramAggregator::QuantizationError(int64_t start_bin, int64_t end_bin,
                                              double bin_width) const {
  const double dst_bin_width =
      bin_width * static_cast<double>(end_bin - start_bin + 1) / static_cast<double>(kDstBins);
  if (dst_bin_width == 0.0) return 0.0;
  std::vector<double> norm(static_cast<size_t>(kBins));
  const double last_dst = static_cast<double>(kDstBins - 1);
  for (int64_t bin = 0; bin < kBins; ++bin) {
    const double src_begin = static_cast<double>(bin - start_bin) * bin_width;
    const double src_end = src_begin + bin_width;
    const double dst_of_begin = std::clamp(std::floor(src_begin / dst_bin_width), 0.0, last_dst);
    const double dst_of_begin_center = (dst_of_begin + 0.5) * dst_bin_width;
    const double dst_of_end = std::clamp(std::floor(src_end / dst_bin_width), 0.0, last_dst);
    const double density = histogram_[static_cast<size_t>(bin)] / bin_width;
    double value = 0.0 + Norm(src_begin - dst_of_begin_center, 1.0 * (dst_bin_width / 2), density);
    value += (dst_of_end - dst_of_begin - 1) * Norm(-dst_bin_width / 2, dst_bin_width / 2, density);
    const double dst_of_end_center = dst_of_end * dst_bin_width + dst_bin_width / 2;
    value += Norm(-dst_bin_width / 2, src_end - dst_of_end_center, density);
    norm[static_cast<size_t>(bin)] = value;
  }
  return PairwiseSum(norm.data(), kBins);
}

std::pair<float, float> HistogramAggregator::Aggregate() const {
  const double bin_width = (max_val_ - min_val_) / static_cast<double>(kBins);
  const double total = PairwiseSum(histogram_.data(), kBins);
  std::vector<double> csum(static_cast<size_t>(kBins));
  double running = 0.0;
  for (int64_t i = 0; i < kBins; ++i) {
    running += histogram_[static_cast<size_t>(i)];
    csum[static_cast<size_t>(i)] = running;
  }
  const double stepsize = 1e-5;
  double alpha = 0.0, beta = 1.0;
  int64_t start_bin = 0, end_bin = kBins - 1;
  double norm_min = std::numeric_limits<double>::infinity();
  while (alpha < beta) {
    const double next_alpha = alpha + stepsize;
    const double next_beta = beta - stepsize;
    int64_t left = start_bin, right = end_bin;
    while (left < end_bin && csum[static_cast<size_t>(left)] < next_alpha * total) ++left;
    while (right > start_bin && csum[static_cast<size_t>(right)] > next_beta * total) --right;
    int64_t next_start = start_bin, next_end = end_bin;
    if ((left - start_bin) > (end_bin - right)) {
      next_start = left;
      alpha = next_alpha;
    } else {
      next_end = right;
      beta = next_beta;
    }
    if (next_start == start_bin && next_end == end_bin) continue;
    const double norm = QuantizationError(next_start, next_end, bin_width);
    if (norm > norm_min) break;
    norm_min = norm;
    start_bin = next_start;
    end_bin = next_end;
  }
  const double new_min = min_val_ + bin_width * static_cast<double>(start_bin);
  const double new_max = min_val_ + bin_width * static_cast<double>(end_bin + 1);
  return {static_cast<float>(new_min), static_cast<float>(new_max)};
}

}  // namespace nncf::algorithms::quantization
