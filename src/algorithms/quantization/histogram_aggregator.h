// NNCF's HistogramAggregator (a port of torch's HistogramObserver): a running 2048-bin histogram
// of every value seen, rebinned when the range grows, and at the end the [min, max] that
// minimizes the L2 error of 8-bit quantization (caffe2's NonlinearQuantizationParamsSearch).
// Memory is one histogram, whatever the number of items.
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

namespace nncf::algorithms::quantization {

class HistogramAggregator {
 public:
  static constexpr int64_t kBins = 2048;

  // Adds one item's values (float32 data, as NNCF's raw statistic).
  void Register(const std::vector<float>& values);
  bool empty() const { return !initialized_; }
  // The searched range; call after at least one Register.
  std::pair<float, float> Aggregate() const;

  const std::vector<double>& histogram() const { return histogram_; }
  double min_val() const { return min_val_; }
  double max_val() const { return max_val_; }

 private:
  std::vector<double> Upscale(double orig_min, double orig_max, double update_min,
                              double update_max) const;
  double QuantizationError(int64_t start_bin, int64_t end_bin, double bin_width) const;

  bool initialized_ = false;
  double min_val_ = 0, max_val_ = 0;
  std::vector<double> histogram_;
};

// numpy.histogram(values, bins, range=(low, high)) for float32 values: counts per bin.
std::vector<double> Float32Histogram(const std::vector<float>& values, int64_t bins, double low,
                                     double high);

}  // namespace nncf::algorithms::quantization
