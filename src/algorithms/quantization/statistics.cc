// One pass of the executor per calibration item; an observer reduces every requested value the
// moment it is computed (nothing is kept beyond the running item except raw captures), and the
// reduced rows go to per-request aggregation state.
#include "algorithms/quantization/statistics.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <sstream>
#include <utility>

#include "algorithms/quantization/histogram_aggregator.h"
#include "algorithms/quantization/statistic_functions.h"
#include "core/common/error.h"
#include "core/exec/executor.h"
#include "core/exec/tensor_util.h"
#include "core/ir/type.h"

namespace nncf::algorithms::quantization {
namespace {

std::string DimsText(const std::vector<int64_t>& dims) {
  std::ostringstream out;
  out << '[';
  for (size_t i = 0; i < dims.size(); ++i) out << (i ? "," : "") << dims[i];
  out << ']';
  return out.str();
}

bool SameRequest(const StatisticRequest& a, const StatisticRequest& b) {
  return a.tensor == b.tensor && a.reduction == b.reduction && a.keep_axes == b.keep_axes &&
         a.batchwise == b.batchwise && a.aggregation == b.aggregation && a.quantile == b.quantile &&
         a.outlier_prob == b.outlier_prob && a.clipping_value == b.clipping_value &&
         a.max_items == b.max_items;
}

std::vector<double> ToDoubles(const ir::Tensor& tensor) {
  const int64_t count = tensor.NumElements();
  std::vector<double> values(static_cast<size_t>(count));
  if (tensor.dtype == ir::DType::kFloat) {
    const float* data = tensor.DataAs<float>();
    for (int64_t i = 0; i < count; ++i) values[static_cast<size_t>(i)] = data[i];
  } else {
    for (int64_t i = 0; i < count; ++i) values[static_cast<size_t>(i)] = tensor.GetAsDouble(i);
  }
  return values;
}

// Aggregation state of one request.
// The physical dims of a channels-last value ([N, spatial..., C] for logical [N, C, spatial...])
// and its kept axes mapped onto them. False when the mapping changes their order (the reduced
// row would come out transposed).
bool MapToChannelsLast(const std::vector<int64_t>& dims, const std::vector<int64_t>& kept,
                       std::vector<int64_t>* physical_dims, std::vector<int64_t>* physical_kept) {
  const int64_t rank = static_cast<int64_t>(dims.size());
  *physical_dims = dims;
  *physical_kept = kept;
  if (rank < 3) return true;
  physical_dims->assign(dims.begin(), dims.end());
  physical_dims->erase(physical_dims->begin() + 1);
  physical_dims->push_back(dims[1]);
  for (size_t i = 0; i < kept.size(); ++i) {
    const int64_t axis = kept[i];
    (*physical_kept)[i] = axis == 0 ? 0 : axis == 1 ? rank - 1 : axis - 1;
  }
  return std::is_sorted(physical_kept->begin(), physical_kept->end());
}

struct RequestState {
  StatisticRequest request;
  bool on_initializer = false;
  int num_threads = 1;  // for reducing one value
  int64_t limit = 0;    // items this request may see
  bool f32 = true;      // numpy holds the reduced values as float32 (not for quantiles)
  int64_t items_seen = 0;
  bool have_dims = false;
  std::vector<int64_t> row_dims;  // dims of one reduced row (batch axis removed)
  std::vector<double> accumulator;
  int64_t samples = 0;
  std::vector<std::vector<double>> rows;
  HistogramAggregator histogram;
  std::vector<ir::Tensor> raw;
  std::vector<int64_t> shape;
  StatisticResult result;

  int64_t StoredValues() const {
    int64_t total = static_cast<int64_t>(accumulator.size());
    for (const auto& row : rows) total += static_cast<int64_t>(row.size());
    if (!histogram.empty()) total += HistogramAggregator::kBins;
    for (const ir::Tensor& tensor : raw) total += tensor.NumElements();
    return total + static_cast<int64_t>(shape.size());
  }

  std::string Label() const { return "statistic of '" + request.tensor + "'"; }

  void AddRow(std::vector<double> row) {
    switch (request.aggregation) {
      case Aggregation::kMin:
      case Aggregation::kMax: {
        if (accumulator.empty()) {
          accumulator = std::move(row);
          break;
        }
        const bool is_min = request.aggregation == Aggregation::kMin;
        for (size_t i = 0; i < row.size(); ++i) {
          double& slot = accumulator[i];
          const double value = row[i];
          if (std::isnan(value) || (is_min ? value < slot : value > slot)) slot = value;
        }
        break;
      }
      case Aggregation::kMean:
        if (accumulator.empty()) accumulator.assign(row.size(), 0.0);
        for (size_t i = 0; i < row.size(); ++i) accumulator[i] += row[i];
        break;
      default:
        rows.push_back(std::move(row));
        break;
    }
    ++samples;
  }

  // One item's value of the requested tensor; `channels_last`: a float value whose elements the
  // executor stored [N, spatial..., C] (dims stay logical). The common reductions read it in
  // place with the axes mapped; everything else reads a plain copy.
  // Whether the request is a per-tensor min, max or abs-max of float data, which the observer
  // computes once per value for all such requests (ComputeFloatExtremes).
  bool UsesExtremes(const ir::Tensor& tensor) const {
    return tensor.dtype == ir::DType::kFloat && request.keep_axes.empty() && !request.batchwise &&
           !request.clipping_value && request.aggregation != Aggregation::kHistogram &&
           (request.reduction == Reduction::kMin || request.reduction == Reduction::kMax ||
            request.reduction == Reduction::kAbsMax);
  }

  void Process(const ir::Tensor& tensor, bool channels_last = false,
               const FloatExtremes* extremes = nullptr) {
    if (items_seen >= limit) return;
    if (extremes && UsesExtremes(tensor) && tensor.NumElements() > 0) {
      double value = std::numeric_limits<double>::quiet_NaN();
      if (!extremes->nan) {
        value = request.reduction == Reduction::kMin ? extremes->min
                : request.reduction == Reduction::kMax
                    ? extremes->max
                    : std::max(std::fabs(extremes->min), std::fabs(extremes->max));
      }
      if (!have_dims) have_dims = true;  // per-tensor: row_dims stays empty
      AddRow({value});
      ++items_seen;
      return;
    }
    if (channels_last) {
      const bool layout_free =
          request.reduction == Reduction::kShape ||
          (request.aggregation == Aggregation::kHistogram && !request.clipping_value);
      if (!layout_free && !ReducesInPlace(tensor)) {
        Process(exec::ChannelsLastToPlain(tensor), false);
        return;
      }
    }
    if (request.reduction == Reduction::kVisit) {
      request.visit(tensor);
      ++items_seen;
      return;
    }
    if (request.reduction == Reduction::kRaw && request.aggregation != Aggregation::kHistogram) {
      raw.push_back(tensor);
      ++items_seen;
      return;
    }
    if (request.reduction == Reduction::kShape) {
      if (items_seen == 0) shape = tensor.dims;
      ++items_seen;
      return;
    }
    // NNCF's reducers skip empty tensors (the item is not counted).
    if (tensor.NumElements() == 0) return;
    std::vector<double> values;
    const bool float_fast_path = tensor.dtype == ir::DType::kFloat && !request.clipping_value &&
                                 request.aggregation != Aggregation::kHistogram;
    if (!float_fast_path) values = ToDoubles(tensor);
    if (request.clipping_value) {
      const double bound = std::fabs(*request.clipping_value);
      for (double& value : values) value = std::clamp(value, -bound, bound);
    }
    if (request.aggregation == Aggregation::kHistogram) {
      std::vector<float> floats(values.begin(), values.end());
      histogram.Register(floats);
      ++items_seen;
      return;
    }
    const int64_t rank = static_cast<int64_t>(tensor.dims.size());
    std::vector<int64_t> keep = request.keep_axes;
    if (request.batchwise) {
      if (rank == 0) {
        Fail(ErrorCode::kInvalidArgument,
             Label() + ": batchwise statistics need a batch axis, the value is a scalar");
      }
      keep.push_back(0);
    }
    const std::vector<int64_t> kept = ResolveKeptAxes(keep, rank, Label().c_str());
    const double quantile = request.quantile;
    std::vector<double> reduced;
    std::vector<int64_t> physical_dims = tensor.dims, physical_kept = kept;
    if (channels_last) MapToChannelsLast(tensor.dims, kept, &physical_dims, &physical_kept);
    if (!float_fast_path ||
        !ReduceFloatsKeepingAxes(tensor.DataAs<float>(), physical_dims, physical_kept,
                                 request.reduction, &reduced, num_threads)) {
      if (values.empty()) values = ToDoubles(tensor);
      reduced = ReduceKeepingAxes(values, tensor.dims, kept, request.reduction, quantile);
    }
    std::vector<int64_t> dims;
    for (int64_t axis : kept) dims.push_back(tensor.dims[static_cast<size_t>(axis)]);
    int64_t batch = 1;
    if (request.batchwise) {
      batch = dims.front();
      dims.erase(dims.begin());
    }
    if (!have_dims) {
      row_dims = dims;
      have_dims = true;
    } else if (dims != row_dims) {
      Fail(ErrorCode::kInvalidArgument,
           Label() + ": item " + std::to_string(items_seen) + " reduces to shape " +
               DimsText(dims) + " but earlier items reduced to " + DimsText(row_dims) +
               " (the kept axes must have the same sizes in every item)");
    }
    const size_t row_size = reduced.size() / static_cast<size_t>(std::max<int64_t>(batch, 1));
    for (int64_t b = 0; b < batch; ++b) {
      const auto first = reduced.begin() + static_cast<std::ptrdiff_t>(b * row_size);
      AddRow(std::vector<double>(first, first + static_cast<std::ptrdiff_t>(row_size)));
    }
    ++items_seen;
  }

  // Whether a channels-last value can be reduced without a plain copy: a float streaming
  // reduction whose kept axes keep their order and stay one contiguous run once mapped.
  bool ReducesInPlace(const ir::Tensor& tensor) const {
    const bool streaming =
        request.reduction == Reduction::kMin || request.reduction == Reduction::kMax ||
        request.reduction == Reduction::kAbsMax || request.reduction == Reduction::kMean;
    if (!streaming || tensor.dtype != ir::DType::kFloat || request.clipping_value ||
        request.aggregation == Aggregation::kHistogram) {
      return false;
    }
    std::vector<int64_t> keep = request.keep_axes;
    if (request.batchwise) keep.push_back(0);
    const int64_t rank = static_cast<int64_t>(tensor.dims.size());
    const std::vector<int64_t> kept = ResolveKeptAxes(keep, rank, Label().c_str());
    std::vector<int64_t> dims, mapped;
    if (!MapToChannelsLast(tensor.dims, kept, &dims, &mapped)) return false;
    return mapped.empty() ||
           mapped.back() - mapped.front() + 1 == static_cast<int64_t>(mapped.size());
  }

  void Finish() {
    result.items_seen = items_seen;
    if (request.reduction == Reduction::kShape) {
      result.value = ir::Tensor::FromBytes(request.tensor, ir::DType::kInt64,
                                           {static_cast<int64_t>(shape.size())}, shape.data(),
                                           shape.size() * sizeof(int64_t));
      return;
    }
    if (request.aggregation == Aggregation::kHistogram) {
      if (histogram.empty()) return;
      const auto [low, high] = histogram.Aggregate();
      const float range[2] = {low, high};
      result.value =
          ir::Tensor::FromBytes(request.tensor, ir::DType::kFloat, {2}, range, sizeof(range));
      return;
    }
    if (request.reduction == Reduction::kRaw) {
      result.raw = std::move(raw);
      raw.clear();
      return;
    }
    if (samples == 0) return;
    std::vector<float> out;
    std::vector<int64_t> dims = row_dims;
    switch (request.aggregation) {
      case Aggregation::kMin:
      case Aggregation::kMax:
        out.assign(accumulator.begin(), accumulator.end());
        break;
      case Aggregation::kMean:
        for (double sum : accumulator) {
          out.push_back(static_cast<float>(sum / static_cast<double>(samples)));
        }
        break;
      case Aggregation::kNone:
        dims.insert(dims.begin(), static_cast<int64_t>(rows.size()));
        for (const auto& row : rows) out.insert(out.end(), row.begin(), row.end());
        break;
      default: {
        const size_t width = rows.front().size();
        std::vector<double> column(rows.size());
        for (size_t c = 0; c < width; ++c) {
          for (size_t r = 0; r < rows.size(); ++r) column[r] = rows[r][c];
          double value = 0;
          switch (request.aggregation) {
            case Aggregation::kMedian:
              value = Median(column, f32);
              break;
            case Aggregation::kMeanNoOutliers:
              value = MeanNoOutliers(column, request.outlier_prob, f32);
              break;
            default:
              value = MedianNoOutliers(column, request.outlier_prob, f32);
              break;
          }
          out.push_back(static_cast<float>(value));
        }
        break;
      }
    }
    result.value = ir::Tensor::FromBytes(request.tensor, ir::DType::kFloat, dims, out.data(),
                                         out.size() * sizeof(float));
    accumulator.clear();
    rows.clear();
  }
};

class RequestObserver : public exec::ValueObserver {
 public:
  explicit RequestObserver(std::map<std::string, std::vector<RequestState*>> by_tensor)
      : by_tensor_(std::move(by_tensor)) {}
  bool Wants(const std::string& value_name) const override {
    return by_tensor_.count(value_name) != 0;
  }
  void Observe(const std::string& value_name, const ir::Tensor& value) override {
    std::lock_guard<std::mutex> lock(mutex_);
    Dispatch(by_tensor_.at(value_name), value, false);
  }
  bool AcceptsChannelsLast() const override { return true; }
  void ObserveChannelsLast(const std::string& value_name, const ir::Tensor& value) override {
    std::lock_guard<std::mutex> lock(mutex_);
    Dispatch(by_tensor_.at(value_name), value, true);
  }

 private:
  // The per-tensor extremes (min, max and abs-max requests on one value: the activation
  // quantizers' ranges) in one pass shared by those requests; a per-tensor extreme does not
  // depend on the layout.
  void Dispatch(const std::vector<RequestState*>& states, const ir::Tensor& value,
                bool channels_last) {
    std::optional<FloatExtremes> extremes;
    for (RequestState* state : states) {
      if (state->items_seen < state->limit && state->UsesExtremes(value) &&
          value.NumElements() > 0) {
        extremes =
            ComputeFloatExtremes(value.DataAs<float>(), value.NumElements(), state->num_threads);
        break;
      }
    }
    for (RequestState* state : states) {
      state->Process(value, channels_last, extremes ? &*extremes : nullptr);
    }
  }

 public:
 private:
  std::map<std::string, std::vector<RequestState*>> by_tensor_;
  std::mutex mutex_;
};

std::string TypeText(ir::DType dtype) {
  return ir::DTypeName(dtype);
}

// The checks NNCF leaves to ONNX Runtime, with messages naming the item and the input.
void ValidateItem(const data::Sample& sample, int64_t index,
                  const std::vector<const ir::ValueInfo*>& inputs) {
  const std::string item = "calibration item " + std::to_string(index) + ": input '";
  for (const ir::ValueInfo* input : inputs) {
    const ir::Tensor* tensor = sample.Find(input->name);
    if (tensor == nullptr) {
      std::string names;
      for (const ir::Tensor& present : sample.tensors()) {
        names += (names.empty() ? "'" : ", '") + present.name + "'";
      }
      Fail(ErrorCode::kInvalidArgument, item + input->name + "' is missing (the item has " +
                                            (names.empty() ? "no tensors" : names) + ")");
    }
    if (!input->type || !input->type->IsTensor()) continue;
    const ir::DType expected = input->type->tensor_dtype();
    if (input->type->elem_type_set && expected != tensor->dtype) {
      Fail(ErrorCode::kInvalidArgument, item + input->name + "' has element type " +
                                            TypeText(tensor->dtype) + ", the model expects " +
                                            TypeText(expected));
    }
    if (!input->type->shape) continue;
    const std::vector<ir::Dim>& dims = input->type->shape->dims;
    if (dims.size() != tensor->dims.size()) {
      Fail(ErrorCode::kInvalidArgument,
           item + input->name + "' has rank " + std::to_string(tensor->dims.size()) + " (shape " +
               DimsText(tensor->dims) + "), the model expects rank " + std::to_string(dims.size()));
    }
    for (size_t d = 0; d < dims.size(); ++d) {
      if (dims[d].IsStatic() && *dims[d].value != tensor->dims[d]) {
        Fail(ErrorCode::kInvalidArgument,
             item + input->name + "' has shape " + DimsText(tensor->dims) + ", the model expects " +
                 std::to_string(*dims[d].value) + " at axis " + std::to_string(d));
      }
    }
  }
}

// Requested values that no other requested value depends on: asking the executor for these
// computes every requested value, and it keeps only these until the end of a run.
std::vector<std::string> FrontierOutputs(const ir::Graph& graph,
                                         const std::set<std::string>& requested) {
  std::set<std::string> feeds_request;  // values with a requested value downstream
  for (auto node = graph.nodes.rbegin(); node != graph.nodes.rend(); ++node) {
    bool downstream = false;
    for (const std::string& output : node->outputs) {
      if (output.empty()) continue;
      downstream = downstream || requested.count(output) || feeds_request.count(output);
    }
    if (!downstream) continue;
    for (const std::string& input : node->inputs) {
      if (!input.empty()) feeds_request.insert(input);
    }
  }
  std::vector<std::string> outputs;
  for (const std::string& name : requested) {
    if (!feeds_request.count(name)) outputs.push_back(name);
  }
  return outputs;
}

}  // namespace

struct StatisticsCollector::Impl {
  std::vector<std::unique_ptr<RequestState>> states;
  int64_t items_collected = 0;
  bool collected = false;
};

StatisticsCollector::StatisticsCollector() : impl_(std::make_unique<Impl>()) {}
StatisticsCollector::~StatisticsCollector() = default;

int StatisticsCollector::Add(const StatisticRequest& request) {
  if (impl_->collected) {
    Fail(ErrorCode::kInvalidArgument,
         "statistics were already collected; add requests before "
         "Collect");
  }
  if (request.tensor.empty()) {
    Fail(ErrorCode::kInvalidArgument, "a statistic request names no value");
  }
  StatisticRequest normalized = request;
  const std::string label = "statistic of '" + request.tensor + "'";
  if (normalized.reduction == Reduction::kVisit && !normalized.visit) {
    Fail(ErrorCode::kInvalidArgument, label + ": a kVisit request needs a visit function");
  }
  if (normalized.reduction == Reduction::kShape || normalized.reduction == Reduction::kVisit ||
      (normalized.reduction == Reduction::kRaw &&
       normalized.aggregation != Aggregation::kHistogram)) {
    normalized.aggregation = Aggregation::kNone;
  }
  if (normalized.aggregation == Aggregation::kHistogram) {
    if (normalized.reduction != Reduction::kRaw) {
      Fail(ErrorCode::kInvalidArgument,
           label + ": the histogram aggregation takes raw values (reduction kRaw)");
    }
    normalized.keep_axes.clear();
    normalized.batchwise = false;
  }
  const bool quantile = normalized.reduction == Reduction::kQuantile ||
                        normalized.reduction == Reduction::kAbsQuantile;
  if (quantile && !(normalized.quantile >= 0.0 && normalized.quantile <= 1.0)) {
    Fail(ErrorCode::kInvalidArgument,
         label + ": quantile " + std::to_string(normalized.quantile) + " is outside [0, 1]");
  }
  if (!quantile) normalized.quantile = 0;
  const bool no_outliers = normalized.aggregation == Aggregation::kMeanNoOutliers ||
                           normalized.aggregation == Aggregation::kMedianNoOutliers;
  if (no_outliers && !(normalized.outlier_prob >= 0.0 && normalized.outlier_prob <= 0.5)) {
    Fail(ErrorCode::kInvalidArgument, label + ": outlier probability " +
                                          std::to_string(normalized.outlier_prob) +
                                          " is outside [0, 0.5]");
  }
  if (!no_outliers) normalized.outlier_prob = 0;
  if (normalized.max_items == 0 || normalized.max_items < -1) {
    Fail(ErrorCode::kInvalidArgument,
         label + ": max_items must be -1 or positive, got " + std::to_string(request.max_items));
  }
  for (size_t i = 0; i < impl_->states.size() && normalized.reduction != Reduction::kVisit; ++i) {
    if (SameRequest(impl_->states[i]->request, normalized)) return static_cast<int>(i);
  }
  auto state = std::make_unique<RequestState>();
  state->request = normalized;
  state->f32 = !quantile;
  impl_->states.push_back(std::move(state));
  return static_cast<int>(impl_->states.size() - 1);
}

void StatisticsCollector::Collect(const ir::Model& model, data::Dataset& dataset,
                                  int64_t subset_size, int num_threads, const Context& context,
                                  const std::string& stage) {
  if (impl_->collected) Fail(ErrorCode::kInvalidArgument, "statistics were already collected");
  if (subset_size < 1) {
    Fail(ErrorCode::kInvalidArgument,
         "subset_size must be at least 1, got " + std::to_string(subset_size));
  }
  if (!model.graph) Fail(ErrorCode::kInvalidModel, "the model has no graph");
  const ir::Graph& graph = *model.graph;
  impl_->collected = true;
  if (impl_->states.empty()) return;

  std::set<std::string> produced;
  for (const ir::Node& node : graph.nodes) {
    for (const std::string& output : node.outputs) produced.insert(output);
  }
  const std::vector<const ir::ValueInfo*> inputs = graph.RealInputs();
  for (const ir::ValueInfo* input : inputs) produced.insert(input->name);

  // Requests on initializers see the constant once; the others see up to `limit` items.
  std::map<std::string, std::vector<RequestState*>> by_tensor;
  int64_t items_needed = 0;
  for (auto& state : impl_->states) {
    const std::string& name = state->request.tensor;
    state->num_threads = num_threads;
    if (const ir::Tensor* constant = graph.FindInitializer(name)) {
      state->on_initializer = true;
      state->limit = 1;
      state->Process(*constant);
      continue;
    }
    if (!produced.count(name)) {
      Fail(ErrorCode::kNotFound, "statistic requested for '" + name +
                                     "', which is not a graph input, initializer or node output");
    }
    state->limit = state->request.max_items < 0 ? subset_size
                                                : std::min(subset_size, state->request.max_items);
    items_needed = std::max(items_needed, state->limit);
    by_tensor[name].push_back(state.get());
  }

  const int64_t length = dataset.Length();
  if (length == 0) Fail(ErrorCode::kInvalidArgument, "the calibration dataset is empty");
  // Without values to observe, one item is still read to validate the dataset.
  int64_t items = std::max<int64_t>(items_needed, 1);
  if (length > 0) items = std::min(items, length);

  std::unique_ptr<exec::Executor> executor;
  std::unique_ptr<RequestObserver> observer;
  if (!by_tensor.empty()) {
    std::set<std::string> requested;
    for (const auto& entry : by_tensor) requested.insert(entry.first);
    exec::ExecutorOptions options;
    options.num_threads = num_threads;
    options.outputs = FrontierOutputs(graph, requested);
    options.observed.assign(requested.begin(), requested.end());
    // The executor does not own the model; the caller keeps it alive through Collect.
    std::shared_ptr<const ir::Model> borrowed(&model, [](const ir::Model*) {});
    executor = std::make_unique<exec::Executor>(borrowed, options);
    observer = std::make_unique<RequestObserver>(by_tensor);
  }

  context.Progress(stage, 0.0);
  int64_t processed = 0;
  for (int64_t index = 0; index < items; ++index) {
    data::Sample sample;
    try {
      sample = dataset.GetItem(index);
    } catch (const Error& error) {
      if (length < 0 && error.code() == ErrorCode::kNotFound) break;
      throw;
    }
    ValidateItem(sample, index, inputs);
    if (executor) {
      exec::NamedTensors feeds;
      for (const ir::Tensor& tensor : sample.tensors()) feeds.emplace_back(tensor.name, tensor);
      executor->Run(feeds, observer.get());
    }
    ++processed;
    context.Progress(stage, static_cast<double>(index + 1) / static_cast<double>(items));
  }
  if (processed == 0) Fail(ErrorCode::kInvalidArgument, "the calibration dataset is empty");
  impl_->items_collected = processed;
  for (auto& state : impl_->states) state->Finish();
}

const StatisticResult& StatisticsCollector::Get(int id) const {
  if (id < 0 || static_cast<size_t>(id) >= impl_->states.size()) {
    Fail(ErrorCode::kInvalidArgument, "unknown statistic request id " + std::to_string(id));
  }
  if (!impl_->collected) {
    Fail(ErrorCode::kInvalidArgument, "statistics are read after Collect");
  }
  return impl_->states[static_cast<size_t>(id)]->result;
}

int64_t StatisticsCollector::items_collected() const {
  return impl_->items_collected;
}

int64_t StatisticsCollector::stored_values() const {
  int64_t total = 0;
  for (const auto& state : impl_->states) total += state->StoredValues();
  return total;
}

}  // namespace nncf::algorithms::quantization
