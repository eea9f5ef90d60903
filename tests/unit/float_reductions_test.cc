// The statistics reductions give the bits their documented order defines (checked against a
// plain loop written from that definition), so the vector width of the machine cannot change
// a statistic: lane sums, column sums in row order, extremes with NaN.
#include "algorithms/quantization/float_reductions.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>
#include <vector>

#include "core/common/cpu_features.h"

namespace nncf::algorithms::quantization {
namespace {

// Values spread over many magnitudes, so a different summation order changes the low bits.
std::vector<float> WideValues(int64_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> mantissa(-1.0f, 1.0f);
  std::uniform_int_distribution<int> exponent(-20, 20);
  std::vector<float> values(static_cast<size_t>(n));
  for (float& v : values) v = std::ldexp(mantissa(rng), exponent(rng));
  return values;
}

// Every vector level this machine has, scalar first.
std::vector<CpuIsa> Levels() {
  std::vector<CpuIsa> levels = {CpuIsa::kScalar};
  if (ActiveCpuIsa() >= CpuIsa::kAvx2) levels.push_back(CpuIsa::kAvx2);
  if (ActiveCpuIsa() >= CpuIsa::kAvx512) levels.push_back(CpuIsa::kAvx512);
  return levels;
}

class LevelCap {
 public:
  explicit LevelCap(CpuIsa isa) : previous_(CapCpuIsa(isa)) {}
  ~LevelCap() { CapCpuIsa(previous_); }

 private:
  CpuIsa previous_;
};

double LaneSumReference(const std::vector<float>& x) {
  const size_t n8 = x.size() - x.size() % 8;
  double lane[8] = {0, 0, 0, 0, 0, 0, 0, 0};
  for (size_t i = 0; i < n8; ++i) lane[i % 8] += static_cast<double>(x[i]);
  double sum =
      ((lane[0] + lane[1]) + (lane[2] + lane[3])) + ((lane[4] + lane[5]) + (lane[6] + lane[7]));
  for (size_t i = n8; i < x.size(); ++i) sum += static_cast<double>(x[i]);
  return sum;
}

TEST(FloatReductions, SumFollowsTheEightLaneOrderExactly) {
  for (int64_t n : {0, 1, 7, 8, 9, 31, 1000, 100003}) {
    const std::vector<float> x = WideValues(n, static_cast<uint32_t>(n + 1));
    const double reference = LaneSumReference(x);
    for (CpuIsa level : Levels()) {
      const LevelCap cap(level);
      EXPECT_EQ(SumAsDouble(x.data(), n), reference) << "n = " << n << " " << CpuIsaName(level);
    }
    // The order matters for these values: a plain left-to-right sum differs for long inputs.
    if (n == 100003) {
      double sequential = 0;
      for (float v : x) sequential += static_cast<double>(v);
      EXPECT_NE(sequential, reference);
    }
  }
}

TEST(FloatReductions, ColumnSumsAddRowsInOrder) {
  for (int64_t cols : {1, 7, 8, 40, 67}) {
    const int64_t rows = 513, stride = cols + 5;
    const std::vector<float> x = WideValues(rows * stride, static_cast<uint32_t>(cols));
    for (CpuIsa level : Levels()) {
      const LevelCap cap(level);
      std::vector<double> out(static_cast<size_t>(cols), -1.0);
      ColumnSumsAsDouble(x.data(), rows, cols, stride, out.data());
      for (int64_t c = 0; c < cols; ++c) {
        double expected = 0;
        for (int64_t r = 0; r < rows; ++r) expected += static_cast<double>(x[r * stride + c]);
        ASSERT_EQ(out[static_cast<size_t>(c)], expected)
            << "cols " << cols << " column " << c << " " << CpuIsaName(level);
      }
    }
  }
}

void CheckExtremes();

TEST(FloatReductions, ExtremesSkipNanAndReportIt) {
  for (CpuIsa level : Levels()) {
    SCOPED_TRACE(CpuIsaName(level));
    const LevelCap cap(level);
    CheckExtremes();
  }
}

void CheckExtremes() {
  std::vector<float> x = WideValues(1000, 5);
  x[3] = -1e30f;
  x[977] = 1e30f;
  FloatExtremes e = ExtremesOf(x.data(), static_cast<int64_t>(x.size()));
  EXPECT_EQ(e.min, -1e30f);
  EXPECT_EQ(e.max, 1e30f);
  EXPECT_FALSE(e.nan);
  for (size_t at : {size_t{0}, size_t{40}, size_t{999}}) {
    std::vector<float> y = x;
    y[at] = std::numeric_limits<float>::quiet_NaN();
    e = ExtremesOf(y.data(), static_cast<int64_t>(y.size()));
    EXPECT_TRUE(e.nan) << at;
    EXPECT_EQ(e.min, -1e30f);
    EXPECT_EQ(e.max, 1e30f);
  }
  e = ExtremesOf(x.data(), 0);
  EXPECT_EQ(e.min, std::numeric_limits<float>::infinity());
  EXPECT_EQ(e.max, -std::numeric_limits<float>::infinity());
}

}  // namespace
}  // namespace nncf::algorithms::quantization
