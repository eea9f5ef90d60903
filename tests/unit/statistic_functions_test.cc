// The float32 fast reductions against the general element-by-element reduction: every kept-axes
// layout they take (none, a middle channel axis, batch and channel, trailing axes), both thread
// counts, NaN propagation; and the channels-last path of StatisticsCollector against the same
// statistics read from the plain layout.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>
#include <vector>

#include "algorithms/quantization/statistic_functions.h"
#include "algorithms/quantization/statistics.h"
#include "core/exec/executor.h"
#include "model_builder.h"
#include "vector_dataset.h"

namespace nncf::algorithms::quantization {
namespace {

std::vector<float> RandomValues(int64_t count, uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> dist(-3.0f, 5.0f);
  std::vector<float> values(static_cast<size_t>(count));
  for (float& v : values) v = dist(rng);
  return values;
}

void ExpectSameAsGeneral(const std::vector<float>& values, const std::vector<int64_t>& dims,
                         const std::vector<int64_t>& kept, Reduction reduction) {
  const std::vector<double> widened(values.begin(), values.end());
  const std::vector<double> want = ReduceKeepingAxes(widened, dims, kept, reduction, 0);
  for (int threads : {1, 2}) {
    std::vector<double> got;
    ASSERT_TRUE(ReduceFloatsKeepingAxes(values.data(), dims, kept, reduction, &got, threads));
    ASSERT_EQ(got.size(), want.size());
    for (size_t i = 0; i < want.size(); ++i) {
      if (reduction == Reduction::kMean) {
        // Sums may add up in another order; the results are rounded to float32.
        EXPECT_NEAR(got[i], want[i], 1e-6 * (1 + std::fabs(want[i]))) << i;
      } else {
        EXPECT_EQ(got[i], want[i]) << i;
      }
    }
  }
}

TEST(StatisticFunctionsTest, FastReductionsMatchTheGeneralOne) {
  const std::vector<int64_t> dims = {2, 3, 70, 300};  // more than one 32K chunk per tensor
  const std::vector<float> values = RandomValues(2 * 3 * 70 * 300, 5);
  for (Reduction reduction :
       {Reduction::kMin, Reduction::kMax, Reduction::kAbsMax, Reduction::kMean}) {
    for (const std::vector<int64_t>& kept :
         std::vector<std::vector<int64_t>>{{}, {1}, {0}, {0, 1}, {3}, {2, 3}, {1, 2, 3}}) {
      SCOPED_TRACE(::testing::PrintToString(kept));
      ExpectSameAsGeneral(values, dims, kept, reduction);
    }
  }
}

TEST(StatisticFunctionsTest, SplitKeptAxesAndQuantilesAreLeftToTheGeneralOne) {
  const std::vector<int64_t> dims = {2, 3, 4};
  const std::vector<float> values = RandomValues(24, 9);
  std::vector<double> result;
  EXPECT_FALSE(ReduceFloatsKeepingAxes(values.data(), dims, {0, 2}, Reduction::kMax, &result));
  EXPECT_FALSE(ReduceFloatsKeepingAxes(values.data(), dims, {}, Reduction::kQuantile, &result));
}

TEST(StatisticFunctionsTest, NanPropagatesLikeNumpy) {
  std::vector<float> values = RandomValues(2 * 3 * 5000, 3);
  values[(0 * 3 + 1) * 5000 + 17] = std::numeric_limits<float>::quiet_NaN();  // item 0, channel 1
  const std::vector<int64_t> dims = {2, 3, 5000};
  for (Reduction reduction : {Reduction::kMin, Reduction::kMax, Reduction::kAbsMax}) {
    std::vector<double> all, per_channel, trailing;
    ASSERT_TRUE(ReduceFloatsKeepingAxes(values.data(), dims, {}, reduction, &all, 2));
    EXPECT_TRUE(std::isnan(all[0]));
    ASSERT_TRUE(ReduceFloatsKeepingAxes(values.data(), dims, {1}, reduction, &per_channel, 2));
    EXPECT_FALSE(std::isnan(per_channel[0]));
    EXPECT_TRUE(std::isnan(per_channel[1]));
    EXPECT_FALSE(std::isnan(per_channel[2]));
    ASSERT_TRUE(ReduceFloatsKeepingAxes(values.data(), {6, 5000}, {1}, reduction, &trailing, 2));
    EXPECT_TRUE(std::isnan(trailing[17]));
    EXPECT_FALSE(std::isnan(trailing[0]));
  }
}

// x -> Conv -> Relu (r, read only by the next Conv: channels-last in the fused plan) -> Conv -> y.
ir::Model ConvChain() {
  testing::ModelBuilder builder(13);
  builder.Input("x", {-1, 3, 9, 9})
      .Random("w1", {8, 3, 3, 3}, 0.5f, 1)
      .Random("b1", {8}, 0.5f, 2)
      .Random("w2", {4, 8, 3, 3}, 0.5f, 3)
      .Node(
          "Conv", {"x", "w1", "b1"}, {"c"},
          {ir::Attribute::Ints("pads", {1, 1, 1, 1}), ir::Attribute::Ints("kernel_shape", {3, 3})})
      .Node("Relu", {"c"}, {"r"})
      .Node(
          "Conv", {"r", "w2"}, {"y"},
          {ir::Attribute::Ints("pads", {1, 1, 1, 1}), ir::Attribute::Ints("kernel_shape", {3, 3})})
      .Output("y", {-1, 4, 9, 9});
  return builder.Build();
}

TEST(StatisticFunctionsTest, ChannelsLastValuesGiveThePlainStatistics) {
  const ir::Model model = ConvChain();
  std::vector<data::Sample> items;
  for (uint32_t i = 0; i < 3; ++i) {
    data::Sample sample;
    sample.Set(testing::ModelBuilder::FloatTensor("x", {2, 3, 9, 9}, RandomValues(486, 20 + i)));
    items.push_back(sample);
  }
  // The plain values of r, from the executor asked for r as an output.
  std::vector<ir::Tensor> plain;
  {
    exec::ExecutorOptions options;
    options.outputs = {"r"};
    const exec::Executor executor(std::make_shared<const ir::Model>(model), options);
    for (const data::Sample& item : items) {
      plain.push_back(executor.Run({{"x", *item.Find("x")}})[0].second);
    }
  }
  testing::VectorDataset dataset(items);
  StatisticsCollector collector;
  auto request = [](Reduction reduction, Aggregation aggregation, std::vector<int64_t> keep) {
    StatisticRequest r;
    r.tensor = "r";
    r.reduction = reduction;
    r.aggregation = aggregation;
    r.keep_axes = std::move(keep);
    return r;
  };
  const int channel_mean = collector.Add(request(Reduction::kMean, Aggregation::kMean, {1}));
  const int channel_max = collector.Add(request(Reduction::kMax, Aggregation::kMax, {1}));
  const int tensor_max = collector.Add(request(Reduction::kMax, Aggregation::kMean, {}));
  const int raw = collector.Add(request(Reduction::kRaw, Aggregation::kNone, {}));
  // A statistic downstream makes y the cut's output, so r stays inside the fused plan.
  StatisticRequest on_y = request(Reduction::kMax, Aggregation::kMax, {});
  on_y.tensor = "y";
  collector.Add(on_y);
  collector.Collect(model, dataset, 3, 2, Context(), "test");

  std::vector<double> mean(8, 0.0), max(8, -1e30);
  double mean_of_max = 0;
  for (const ir::Tensor& r : plain) {
    const float* p = r.DataAs<float>();
    double item_max = -1e30;
    std::vector<double> item_mean(8, 0.0);
    for (int64_t n = 0; n < 2; ++n) {
      for (int64_t c = 0; c < 8; ++c) {
        for (int64_t i = 0; i < 81; ++i) {
          const double v = p[(n * 8 + c) * 81 + i];
          item_mean[c] += v / 162.0;
          max[c] = std::max(max[c], v);
          item_max = std::max(item_max, v);
        }
      }
    }
    for (int64_t c = 0; c < 8; ++c) mean[c] += item_mean[c] / 3.0;
    mean_of_max += item_max / 3.0;
  }
  const ir::Tensor& got_mean = collector.Get(channel_mean).value;
  const ir::Tensor& got_max = collector.Get(channel_max).value;
  ASSERT_EQ(got_mean.dims, std::vector<int64_t>{8});
  for (int64_t c = 0; c < 8; ++c) {
    EXPECT_NEAR(got_mean.DataAs<float>()[c], mean[c], 1e-5) << c;
    EXPECT_EQ(got_max.DataAs<float>()[c], static_cast<float>(max[c])) << c;
  }
  EXPECT_NEAR(collector.Get(tensor_max).value.DataAs<float>()[0], mean_of_max, 1e-5);
  // Raw captures come back in the plain layout.
  const std::vector<ir::Tensor>& captured = collector.Get(raw).raw;
  ASSERT_EQ(captured.size(), 3u);
  for (size_t k = 0; k < 3; ++k) {
    ASSERT_EQ(captured[k].dims, plain[k].dims);
    for (int64_t i = 0; i < plain[k].NumElements(); ++i) {
      ASSERT_EQ(captured[k].DataAs<float>()[i], plain[k].DataAs<float>()[i]) << i;
    }
  }
}

}  // namespace
}  // namespace nncf::algorithms::quantization

namespace nncf::algorithms::quantization {
namespace {

TEST(FloatExtremes, OnePassMinMaxAndNan) {
  // Lengths around the 8-wide step and across several 32768-element chunks.
  for (int64_t n : {int64_t{1}, int64_t{7}, int64_t{8}, int64_t{13}, int64_t{70001}}) {
    std::vector<float> v(static_cast<size_t>(n));
    for (int64_t i = 0; i < n; ++i) v[i] = -3.0f - static_cast<float>((i * 7919) % 1000) / 10.0f;
    const float lo = *std::min_element(v.begin(), v.end());
    const float hi = *std::max_element(v.begin(), v.end());
    for (int threads : {1, 2}) {
      const FloatExtremes e = ComputeFloatExtremes(v.data(), n, threads);
      EXPECT_EQ(e.min, lo) << n;
      EXPECT_EQ(e.max, hi) << n;  // all negative: the initial -inf must not win
      EXPECT_FALSE(e.nan);
    }
    // A NaN in the vector part, and one in the scalar tail.
    for (int64_t at : {int64_t{0}, n - 1}) {
      std::vector<float> w = v;
      w[at] = std::numeric_limits<float>::quiet_NaN();
      const FloatExtremes e = ComputeFloatExtremes(w.data(), n, 2);
      EXPECT_TRUE(e.nan) << n << " at " << at;
    }
  }
}

}  // namespace
}  // namespace nncf::algorithms::quantization
