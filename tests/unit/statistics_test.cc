// StatisticsCollector on a small model (y = x + w, z = Relu(y)) with hand-computed expectations.
#include "algorithms/quantization/statistics.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "algorithms/quantization/histogram_aggregator.h"
#include "core/common/error.h"
#include "core/data/dataset.h"
#include "model_builder.h"
#include "vector_dataset.h"

namespace nncf::algorithms::quantization {
namespace {

using testing::ModelBuilder;
using testing::VectorDataset;

data::Sample Item(const std::vector<float>& values, std::vector<int64_t> dims = {1, 2, 3},
                  const std::string& name = "x") {
  data::Sample sample;
  sample.Set(ModelBuilder::FloatTensor(name, std::move(dims), values));
  return sample;
}

// x [N, 2, 3]; w = rows of 0 and 10; y = x + w; z = Relu(y).
ir::Model TestModel() {
  ModelBuilder builder;
  builder.Input("x", {-1, 2, 3})
      .Floats("w", {2, 3}, {0, 0, 0, 10, 10, 10})
      .Node("Add", {"x", "w"}, {"y"})
      .Node("Relu", {"y"}, {"z"})
      .Output("z", {-1, 2, 3});
  return builder.Build();
}

std::vector<data::Sample> ThreeItems() {
  return {Item({1, -2, 3, -4, 5, -6}), Item({2, 4, 6, 8, 10, 12}), Item({-1, -1, -1, -1, -1, -1})};
}

StatisticRequest Request(const std::string& tensor, Reduction reduction, Aggregation aggregation,
                         std::vector<int64_t> keep = {}) {
  StatisticRequest request;
  request.tensor = tensor;
  request.reduction = reduction;
  request.aggregation = aggregation;
  request.keep_axes = std::move(keep);
  return request;
}

std::vector<float> Values(const StatisticResult& result) {
  const float* data = result.value.DataAs<float>();
  return std::vector<float>(data, data + result.value.NumElements());
}

void Collect(StatisticsCollector& collector, data::Dataset& dataset, int64_t subset = 300,
             const Context& context = Context()) {
  const ir::Model model = TestModel();
  collector.Collect(model, dataset, subset, 1, context, "statistics");
}

ErrorCode CodeOf(const std::function<void()>& body, std::string* message = nullptr) {
  try {
    body();
  } catch (const Error& error) {
    if (message) *message = error.what();
    return error.code();
  }
  return ErrorCode::kOk;
}

TEST(StatisticsTest, PerItemReductionsAndStreamingAggregations) {
  VectorDataset dataset(ThreeItems());
  StatisticsCollector collector;
  // Item mins -6, 2, -1; maxes 5, 12, -1; absmaxes 6, 12, 1; means -0.5, 7, -1.
  const int mean_min = collector.Add(Request("x", Reduction::kMin, Aggregation::kMean));
  const int global_min = collector.Add(Request("x", Reduction::kMin, Aggregation::kMin));
  const int mean_max = collector.Add(Request("x", Reduction::kMax, Aggregation::kMean));
  const int global_max = collector.Add(Request("x", Reduction::kMax, Aggregation::kMax));
  const int mean_absmax = collector.Add(Request("x", Reduction::kAbsMax, Aggregation::kMean));
  const int mean_mean = collector.Add(Request("x", Reduction::kMean, Aggregation::kMean));
  EXPECT_EQ(collector.Add(Request("x", Reduction::kMin, Aggregation::kMean)), mean_min);
  Collect(collector, dataset);
  EXPECT_EQ(collector.items_collected(), 3);
  EXPECT_FLOAT_EQ(Values(collector.Get(mean_min))[0], -5.0f / 3.0f);
  EXPECT_EQ(collector.Get(mean_min).value.dims, std::vector<int64_t>{});
  EXPECT_EQ(collector.Get(mean_min).items_seen, 3);
  EXPECT_EQ(Values(collector.Get(global_min))[0], -6.0f);
  EXPECT_FLOAT_EQ(Values(collector.Get(mean_max))[0], 16.0f / 3.0f);
  EXPECT_EQ(Values(collector.Get(global_max))[0], 12.0f);
  EXPECT_FLOAT_EQ(Values(collector.Get(mean_absmax))[0], 19.0f / 3.0f);
  EXPECT_FLOAT_EQ(Values(collector.Get(mean_mean))[0], 5.5f / 3.0f);
}

TEST(StatisticsTest, KeptAxesOnComputedValues) {
  VectorDataset dataset(ThreeItems());
  StatisticsCollector collector;
  // y = x + w: row maxima per item [3, 15], [6, 22], [-1, 9].
  const int row_min = collector.Add(Request("y", Reduction::kMax, Aggregation::kMin, {1}));
  const int row_max = collector.Add(Request("y", Reduction::kMax, Aggregation::kMax, {1}));
  // Column minima of x per item [-4, -2, -6], [2, 4, 6], [-1, -1, -1].
  const int col = collector.Add(Request("x", Reduction::kMin, Aggregation::kMax, {-1}));
  // z = Relu(y) is the graph output: row means per item [4/3, 25/3], [4, 20], [0, 9].
  const int z_mean = collector.Add(Request("z", Reduction::kMean, Aggregation::kMean, {1}));
  Collect(collector, dataset);
  EXPECT_EQ(Values(collector.Get(row_min)), (std::vector<float>{-1, 9}));
  EXPECT_EQ(collector.Get(row_min).value.dims, (std::vector<int64_t>{2}));
  EXPECT_EQ(Values(collector.Get(row_max)), (std::vector<float>{6, 22}));
  EXPECT_EQ(Values(collector.Get(col)), (std::vector<float>{2, 4, 6}));
  const std::vector<float> z = Values(collector.Get(z_mean));
  EXPECT_FLOAT_EQ(z[0], (4.0f / 3.0f + 4.0f) / 3.0f);
  EXPECT_FLOAT_EQ(z[1], (25.0f / 3.0f + 20.0f + 9.0f) / 3.0f);
}

TEST(StatisticsTest, BatchwiseAggregatesOverSamples) {
  // Item 0 holds two samples (mins 1 and -6), item 1 one sample (min 0).
  std::vector<float> two = {1, 2, 3, 4, 5, 6, -1, -2, -3, -4, -5, -6};
  VectorDataset dataset({Item(two, {2, 2, 3}), Item({0, 0, 0, 0, 0, 3})});
  StatisticsCollector collector;
  StatisticRequest per_sample = Request("x", Reduction::kMin, Aggregation::kMean);
  per_sample.batchwise = true;
  const int batchwise = collector.Add(per_sample);
  const int per_item = collector.Add(Request("x", Reduction::kMin, Aggregation::kMean));
  // Row maxima per sample: [3, 6], [-1, -4], [0, 3].
  StatisticRequest rows = Request("x", Reduction::kMax, Aggregation::kMean, {1});
  rows.batchwise = true;
  const int row_mean = collector.Add(rows);
  rows.aggregation = Aggregation::kMax;
  const int row_max = collector.Add(rows);
  Collect(collector, dataset);
  EXPECT_FLOAT_EQ(Values(collector.Get(batchwise))[0], -5.0f / 3.0f);
  EXPECT_FLOAT_EQ(Values(collector.Get(per_item))[0], -3.0f);
  const std::vector<float> means = Values(collector.Get(row_mean));
  ASSERT_EQ(means.size(), 2u);
  EXPECT_FLOAT_EQ(means[0], 2.0f / 3.0f);
  EXPECT_FLOAT_EQ(means[1], 5.0f / 3.0f);
  EXPECT_EQ(Values(collector.Get(row_max)), (std::vector<float>{3, 6}));
}

TEST(StatisticsTest, QuantilesFollowNumpyLinearInterpolation) {
  VectorDataset dataset(ThreeItems());
  StatisticsCollector collector;
  // Item 0 sorted: [-6, -4, -2, 1, 3, 5]; q 0.25 -> index 1.25 -> -4 + 0.25 * 2 = -3.5.
  StatisticRequest quantile = Request("x", Reduction::kQuantile, Aggregation::kMean);
  quantile.quantile = 0.25;
  quantile.max_items = 1;
  // |item 0| sorted [1..6]; q 0.5 -> index 2.5 -> 3.5.
  StatisticRequest abs_quantile = Request("x", Reduction::kAbsQuantile, Aggregation::kMean);
  abs_quantile.quantile = 0.5;
  abs_quantile.max_items = 1;
  const int q = collector.Add(quantile);
  const int aq = collector.Add(abs_quantile);
  Collect(collector, dataset);
  EXPECT_EQ(Values(collector.Get(q))[0], -3.5f);
  EXPECT_EQ(collector.Get(q).items_seen, 1);
  EXPECT_EQ(Values(collector.Get(aq))[0], 3.5f);
}

TEST(StatisticsTest, MedianAndNoOutlierAggregations) {
  // Item maxima 1, 2, 3, 7, 100.
  std::vector<data::Sample> items;
  for (float v : {1.0f, 2.0f, 3.0f, 7.0f, 100.0f}) items.push_back(Item(std::vector<float>(6, v)));
  VectorDataset dataset(items);
  StatisticsCollector collector;
  const int median = collector.Add(Request("x", Reduction::kMax, Aggregation::kMedian));
  StatisticRequest even = Request("x", Reduction::kMax, Aggregation::kMedian);
  even.max_items = 4;  // 1, 2, 3, 7 -> 2.5
  const int even_median = collector.Add(even);
  // Quantiles 0.25 / 0.75 of the five values are 2 and 7 (indices 1 and 3): 1 and 100 drop.
  StatisticRequest mean_no = Request("x", Reduction::kMax, Aggregation::kMeanNoOutliers);
  mean_no.outlier_prob = 0.25;
  StatisticRequest median_no = Request("x", Reduction::kMax, Aggregation::kMedianNoOutliers);
  median_no.outlier_prob = 0.25;
  const int mean_id = collector.Add(mean_no);
  const int median_id = collector.Add(median_no);
  StatisticRequest stacked = Request("x", Reduction::kMax, Aggregation::kNone);
  const int none = collector.Add(stacked);
  Collect(collector, dataset);
  EXPECT_EQ(Values(collector.Get(median))[0], 3.0f);
  EXPECT_EQ(Values(collector.Get(even_median))[0], 2.5f);
  EXPECT_EQ(Values(collector.Get(mean_id))[0], 4.0f);
  EXPECT_EQ(Values(collector.Get(median_id))[0], 3.0f);
  EXPECT_EQ(Values(collector.Get(none)), (std::vector<float>{1, 2, 3, 7, 100}));
  EXPECT_EQ(collector.Get(none).value.dims, (std::vector<int64_t>{5}));
}

TEST(StatisticsTest, RawShapeInitializerAndClipping) {
  VectorDataset dataset(ThreeItems());
  StatisticsCollector collector;
  StatisticRequest raw = Request("y", Reduction::kRaw, Aggregation::kNone);
  raw.max_items = 2;
  const int raw_id = collector.Add(raw);
  const int shape = collector.Add(Request("x", Reduction::kShape, Aggregation::kNone));
  // Column maxima of the constant w: [10, 10, 10]; computed without running the model.
  const int weight = collector.Add(Request("w", Reduction::kMax, Aggregation::kMax, {1}));
  const int weight_rows = collector.Add(Request("w", Reduction::kAbsMax, Aggregation::kMax, {0}));
  StatisticRequest clipped = Request("x", Reduction::kMax, Aggregation::kMax);
  clipped.clipping_value = 7.0;
  const int clip = collector.Add(clipped);
  Collect(collector, dataset);
  const StatisticResult& raw_result = collector.Get(raw_id);
  ASSERT_EQ(raw_result.raw.size(), 2u);
  EXPECT_EQ(raw_result.items_seen, 2);
  const float* y1 = raw_result.raw[1].DataAs<float>();
  EXPECT_EQ(std::vector<float>(y1, y1 + 6), (std::vector<float>{2, 4, 6, 18, 20, 22}));
  const StatisticResult& shape_result = collector.Get(shape);
  ASSERT_EQ(shape_result.value.dtype, ir::DType::kInt64);
  const int64_t* dims = shape_result.value.DataAs<int64_t>();
  EXPECT_EQ(std::vector<int64_t>(dims, dims + 3), (std::vector<int64_t>{1, 2, 3}));
  EXPECT_EQ(Values(collector.Get(weight)), (std::vector<float>{10, 10, 10}));
  EXPECT_EQ(collector.Get(weight).items_seen, 1);
  EXPECT_EQ(Values(collector.Get(weight_rows)), (std::vector<float>{0, 10}));
  EXPECT_EQ(Values(collector.Get(clip))[0], 7.0f);
}

TEST(StatisticsTest, InitializerOnlyRequestsStillValidateOneItem) {
  VectorDataset dataset(ThreeItems());
  StatisticsCollector collector;
  const int weight = collector.Add(Request("w", Reduction::kMin, Aggregation::kMin));
  Collect(collector, dataset);
  EXPECT_EQ(Values(collector.Get(weight))[0], 0.0f);
  EXPECT_EQ(dataset.reads, 1);
}

TEST(StatisticsTest, ItemsAreValidatedWithTheirIndexAndInput) {
  struct Case {
    data::Sample bad;
    const char* expected;
  };
  data::Sample wrong_name = Item({1, 2, 3, 4, 5, 6}, {1, 2, 3}, "input");
  data::Sample wrong_dtype;
  wrong_dtype.Set(ir::Tensor::Zeros("x", ir::DType::kInt64, {1, 2, 3}));
  std::vector<Case> cases = {
      {wrong_name, "calibration item 1: input 'x' is missing"},
      {wrong_dtype, "calibration item 1: input 'x' has element type int64"},
      {Item({1, 2, 3, 4, 5, 6}, {2, 3}), "calibration item 1: input 'x' has rank 2"},
      {Item({1, 2, 3, 4, 5, 6}, {1, 3, 2}), "calibration item 1: input 'x' has shape [1,3,2]"},
  };
  for (const Case& c : cases) {
    VectorDataset dataset({Item({1, 2, 3, 4, 5, 6}), c.bad});
    StatisticsCollector collector;
    collector.Add(Request("y", Reduction::kMax, Aggregation::kMax));
    std::string message;
    EXPECT_EQ(CodeOf([&] { Collect(collector, dataset); }, &message), ErrorCode::kInvalidArgument);
    EXPECT_NE(message.find(c.expected), std::string::npos) << message;
  }
}

TEST(StatisticsTest, EmptyDatasetsAndUnknownValues) {
  VectorDataset empty({});
  StatisticsCollector collector;
  collector.Add(Request("y", Reduction::kMax, Aggregation::kMax));
  EXPECT_EQ(CodeOf([&] { Collect(collector, empty); }), ErrorCode::kInvalidArgument);

  VectorDataset unknown_empty({}, /*known_length=*/false);
  StatisticsCollector second;
  second.Add(Request("y", Reduction::kMax, Aggregation::kMax));
  EXPECT_EQ(CodeOf([&] { Collect(second, unknown_empty); }), ErrorCode::kInvalidArgument);

  VectorDataset dataset(ThreeItems());
  StatisticsCollector third;
  third.Add(Request("nowhere", Reduction::kMax, Aggregation::kMax));
  std::string message;
  EXPECT_EQ(CodeOf([&] { Collect(third, dataset); }, &message), ErrorCode::kNotFound);
  EXPECT_NE(message.find("'nowhere'"), std::string::npos);
}

TEST(StatisticsTest, UnknownLengthReadsUntilNotFoundAndSubsetLimitsReads) {
  VectorDataset unknown(ThreeItems(), /*known_length=*/false);
  StatisticsCollector collector;
  const int id = collector.Add(Request("x", Reduction::kMax, Aggregation::kMax));
  Collect(collector, unknown);
  EXPECT_EQ(collector.items_collected(), 3);
  EXPECT_EQ(unknown.reads, 4);  // the fourth read reports the end
  EXPECT_EQ(Values(collector.Get(id))[0], 12.0f);

  VectorDataset known(ThreeItems());
  StatisticsCollector limited;
  const int first_two = limited.Add(Request("x", Reduction::kMax, Aggregation::kMax));
  Collect(limited, known, /*subset=*/2);
  EXPECT_EQ(known.reads, 2);
  EXPECT_EQ(Values(limited.Get(first_two))[0], 12.0f);
}

TEST(StatisticsTest, ProgressIsReportedPerItemAndCancels) {
  VectorDataset dataset(ThreeItems());
  StatisticsCollector collector;
  collector.Add(Request("x", Reduction::kMax, Aggregation::kMax));
  std::vector<double> fractions;
  Context context([&](const std::string& stage, double fraction) {
    EXPECT_EQ(stage, "statistics");
    fractions.push_back(fraction);
    return fractions.size() < 3;  // stop after the second item
  });
  EXPECT_EQ(CodeOf([&] { Collect(collector, dataset, 300, context); }), ErrorCode::kCancelled);
  EXPECT_EQ(fractions.size(), 3u);
  EXPECT_DOUBLE_EQ(fractions[1], 1.0 / 3.0);
  EXPECT_EQ(dataset.reads, 2);
}

// The largest stored_values() seen during collection (progress runs after every item).
int64_t PeakStoredValues(int items, bool with_median) {
  std::vector<data::Sample> samples;
  for (int i = 0; i < items; ++i) samples.push_back(Item({1, 2, 3, 4, 5, static_cast<float>(i)}));
  VectorDataset dataset(samples);
  StatisticsCollector collector;
  collector.Add(Request("y", Reduction::kMin, Aggregation::kMean));
  collector.Add(Request("y", Reduction::kMax, Aggregation::kMax, {1}));
  collector.Add(Request("z", Reduction::kAbsMax, Aggregation::kMin, {-1}));
  if (with_median) collector.Add(Request("y", Reduction::kMax, Aggregation::kMedian));
  int64_t peak = 0;
  Context context([&](const std::string&, double) {
    peak = std::max(peak, collector.stored_values());
    return true;
  });
  Collect(collector, dataset, 300, context);
  return peak;
}

TEST(StatisticsTest, StreamingAggregationsDoNotGrowWithItems) {
  // One mean accumulator, two row maxima, three column minima.
  EXPECT_EQ(PeakStoredValues(2, false), 6);
  EXPECT_EQ(PeakStoredValues(40, false), 6);
  // A median keeps one value per item.
  EXPECT_EQ(PeakStoredValues(2, true), 6 + 2);
  EXPECT_EQ(PeakStoredValues(40, true), 6 + 40);
}

TEST(StatisticsTest, HistogramBinsLikeNumpy) {
  // Edges 0, 1, 2, 3, 4: the last bin includes the right edge.
  EXPECT_EQ(Float32Histogram({0, 1, 2, 3, 4}, 4, 0, 4), (std::vector<double>{1, 1, 1, 2}));
  // An empty range widens to [v - 0.5, v + 0.5]: edges 4.5, 5, 5.5.
  EXPECT_EQ(Float32Histogram({5, 5}, 2, 5, 5), (std::vector<double>{0, 2}));
}

// The searched range of NNCF's histogram for `items` (any ranks).
std::vector<float> HistogramRange(const std::vector<std::vector<float>>& items) {
  std::vector<data::Sample> samples;
  for (const auto& values : items) {
    samples.push_back(Item(values, {1, static_cast<int64_t>(values.size())}));
  }
  VectorDataset dataset(samples);
  ModelBuilder builder;
  builder.Input("x", {1, -1}).Node("Relu", {"x"}, {"r"}).Output("r", {1, -1});
  StatisticsCollector collector;
  const int id = collector.Add(Request("x", Reduction::kRaw, Aggregation::kHistogram));
  collector.Collect(builder.Build(), dataset, 300, 1, Context(), "histogram");
  EXPECT_EQ(collector.Get(id).value.dims, (std::vector<int64_t>{2}));
  return Values(collector.Get(id));
}

TEST(StatisticsTest, HistogramAggregationSearchesTheL2Range) {
  // 4096 values evenly in [0, 1), in two items (the second widens the range: rebinning).
  std::vector<float> low(2048), high(2048);
  for (size_t i = 0; i < 2048; ++i) {
    low[i] = static_cast<float>(i) / 4096.0f;
    high[i] = static_cast<float>(i + 2048) / 4096.0f;
  }
  const std::vector<float> bulk = HistogramRange({low, high});
  ASSERT_EQ(bulk.size(), 2u);
  EXPECT_GE(bulk[0], 0.0f);
  EXPECT_LT(bulk[0], 0.05f);
  EXPECT_GT(bulk[1], 0.95f);
  EXPECT_LE(bulk[1], 1.0f);
  // One value at 100: clipping it would cost more L2 error than the coarser grid, so the range
  // keeps it (it only trims the empty top bin).
  std::vector<float> tail = high;
  tail.push_back(100.0f);
  const std::vector<float> outlier = HistogramRange({low, tail});
  EXPECT_LT(outlier[0], 0.05f);
  EXPECT_GT(outlier[1], 99.0f);
  EXPECT_LE(outlier[1], 100.0f);
}

}  // namespace
}  // namespace nncf::algorithms::quantization
