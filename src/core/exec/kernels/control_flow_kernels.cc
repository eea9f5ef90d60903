// If, Loop and Scan: they run their body graphs through RunContext::subgraphs, which gives the
// bodies access to the values of the enclosing scopes.
#include <algorithm>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "core/exec/kernel_registry.h"
#include "core/exec/tensor_util.h"

namespace nncf::exec {
namespace {

const SubgraphRunner& Runner(const RunContext& context, const NodeInfo& info) {
  if (context.subgraphs == nullptr) {
    info.Fail(ErrorCode::kInternal, "no subgraph runner in the run context");
  }
  return *context.subgraphs;
}

const ir::Graph& RequireGraph(const NodeInfo& info, const std::string& name) {
  const ir::Graph* graph = info.GetGraph(name);
  if (graph == nullptr) {
    info.Fail(ErrorCode::kInvalidModel, "missing graph attribute '" + name + "'");
  }
  return *graph;
}

bool ReadBool(const ir::Tensor& tensor, const NodeInfo& info, const char* what) {
  if (tensor.dtype != ir::DType::kBool || tensor.NumElements() != 1) {
    info.Fail(ErrorCode::kInvalidArgument,
              std::string(what) + " must be a bool tensor with one element, got " +
                  ir::DTypeName(tensor.dtype) + " " + ShapeString(tensor.dims));
  }
  return tensor.DataAs<bool>()[0];
}

ir::Tensor BoolScalar(bool value) {
  ir::Tensor t = NewTensor(ir::DType::kBool, {});
  MutableData<bool>(t)[0] = value;
  return t;
}

ir::Tensor Int64Scalar(int64_t value) {
  ir::Tensor t = NewTensor(ir::DType::kInt64, {});
  MutableData<int64_t>(t)[0] = value;
  return t;
}

int64_t Product(const std::vector<int64_t>& dims, size_t begin, size_t end) {
  int64_t p = 1;
  for (size_t i = begin; i < end; ++i) p *= dims[i];
  return p;
}

// Element copies of whole elements; 4-bit types would need nibble shifts that slicing along an
// arbitrary axis cannot do bytewise.
void CheckSliceable(const ir::Tensor& tensor, const NodeInfo& info, const std::string& what) {
  if (ir::IsSubByte(tensor.dtype)) {
    info.Fail(ErrorCode::kUnsupported,
              what + " of 4-bit type " + ir::DTypeName(tensor.dtype) + " cannot be sliced");
  }
  if (tensor.dtype == ir::DType::kUndefined) {
    info.Fail(ErrorCode::kInvalidArgument, what + " has no dtype");
  }
}

ir::Tensor Allocate(ir::DType dtype, std::vector<int64_t> dims) {
  if (dtype == ir::DType::kString) {
    ir::Tensor t;
    t.dtype = dtype;
    t.strings.resize(static_cast<size_t>(Product(dims, 0, dims.size())));
    t.dims = std::move(dims);
    return t;
  }
  return NewTensor(dtype, std::move(dims));
}

// Copies `count` elements from src[src_index...] to dst[dst_index...].
void CopyElements(const ir::Tensor& src, int64_t src_index, ir::Tensor& dst, int64_t dst_index,
                  int64_t count, uint8_t* dst_bytes) {
  if (count == 0) return;
  if (src.dtype == ir::DType::kString) {
    std::copy(src.strings.begin() + src_index, src.strings.begin() + src_index + count,
              dst.strings.begin() + dst_index);
    return;
  }
  const size_t element = ir::DTypeBits(src.dtype) / 8;
  std::memcpy(dst_bytes + dst_index * element, src.bytes() + src_index * element,
              static_cast<size_t>(count) * element);
}

// The slice `index` of `tensor` along `axis`, with that axis removed.
ir::Tensor TakeSlice(const ir::Tensor& tensor, int64_t axis, int64_t index) {
  std::vector<int64_t> dims = tensor.dims;
  const int64_t length = dims[axis];
  dims.erase(dims.begin() + axis);
  const int64_t outer = Product(tensor.dims, 0, axis);
  const int64_t inner = Product(tensor.dims, axis + 1, tensor.dims.size());
  ir::Tensor slice = Allocate(tensor.dtype, std::move(dims));
  uint8_t* bytes = tensor.dtype == ir::DType::kString ? nullptr : MutableBytes(slice);
  for (int64_t o = 0; o < outer; ++o) {
    CopyElements(tensor, (o * length + index) * inner, slice, o * inner, inner, bytes);
  }
  return slice;
}

// Stacks equally shaped tensors along a new axis; `reverse` puts the first item last.
ir::Tensor Stack(const std::vector<ir::Tensor>& items, int64_t axis, bool reverse,
                 ir::DType empty_dtype) {
  if (items.empty()) return Allocate(empty_dtype, {0});
  const std::vector<int64_t>& item_dims = items[0].dims;
  std::vector<int64_t> dims = item_dims;
  const int64_t length = static_cast<int64_t>(items.size());
  dims.insert(dims.begin() + axis, length);
  const int64_t outer = Product(item_dims, 0, axis);
  const int64_t inner = Product(item_dims, axis, item_dims.size());
  ir::Tensor out = Allocate(items[0].dtype, std::move(dims));
  uint8_t* bytes = out.dtype == ir::DType::kString ? nullptr : MutableBytes(out);
  for (int64_t i = 0; i < length; ++i) {
    const int64_t position = reverse ? length - 1 - i : i;
    for (int64_t o = 0; o < outer; ++o) {
      CopyElements(items[i], o * inner, out, (o * length + position) * inner, inner, bytes);
    }
  }
  return out;
}

// Adds one iteration's value to a scan output, checking it matches the earlier ones.
void AppendScanValue(std::vector<ir::Tensor>& items, ir::Tensor value, const NodeInfo& info,
                     size_t output_index) {
  const std::string what = "scan output " + std::to_string(output_index);
  CheckSliceable(value, info, what);
  if (!items.empty() && (items[0].dtype != value.dtype || items[0].dims != value.dims)) {
    info.Fail(ErrorCode::kInvalidArgument,
              what + " changes between iterations: " + ir::DTypeName(items[0].dtype) + " " +
                  ShapeString(items[0].dims) + " then " + ir::DTypeName(value.dtype) + " " +
                  ShapeString(value.dims));
  }
  items.push_back(std::move(value));
}

// The declared element type of a body output, for scan outputs of zero iterations.
ir::DType DeclaredDType(const ir::Graph& body, size_t output_index) {
  if (output_index < body.outputs.size()) {
    const auto& type = body.outputs[output_index].type;
    if (type && type->IsTensor() && type->elem_type_set && type->elem_type != 0) {
      return type->tensor_dtype();
    }
  }
  return ir::DType::kFloat;
}

class IfKernel final : public Kernel {
 public:
  explicit IfKernel(const NodeInfo& info)
      : info_(info),
        then_branch_(RequireGraph(info, "then_branch")),
        else_branch_(RequireGraph(info, "else_branch")) {
    for (const ir::Graph* branch : {&then_branch_, &else_branch_}) {
      if (branch->outputs.size() < info.num_outputs()) {
        info.Fail(ErrorCode::kInvalidModel,
                  "branch '" + branch->name + "' has " + std::to_string(branch->outputs.size()) +
                      " outputs, the node has " + std::to_string(info.num_outputs()));
      }
      if (!branch->inputs.empty()) {
        info.Fail(ErrorCode::kInvalidModel,
                  "branch '" + branch->name + "' must not declare inputs");
      }
    }
  }

  void Run(const std::vector<const ir::Tensor*>& inputs, std::vector<ir::Tensor>& outputs,
           const RunContext& context) override {
    if (!info_.HasInput(0) || inputs[0] == nullptr) {
      info_.Fail(ErrorCode::kInvalidArgument, "missing input 'cond'");
    }
    const ir::Graph& branch = ReadBool(*inputs[0], info_, "cond") ? then_branch_ : else_branch_;
    std::vector<ir::Tensor> results = Runner(context, info_).RunSubgraph(branch, {}, context);
    for (size_t i = 0; i < outputs.size(); ++i) outputs[i] = std::move(results[i]);
  }

 private:
  NodeInfo info_;
  const ir::Graph& then_branch_;
  const ir::Graph& else_branch_;
};

class LoopKernel final : public Kernel {
 public:
  explicit LoopKernel(const NodeInfo& info) : info_(info), body_(RequireGraph(info, "body")) {
    if (info.num_inputs() < 2) {
      info.Fail(ErrorCode::kInvalidModel, "Loop needs the inputs M and cond (either may be empty)");
    }
    num_carried_ = info.num_inputs() - 2;
    if (body_.inputs.size() != num_carried_ + 2) {
      info.Fail(ErrorCode::kInvalidModel,
                "body takes " + std::to_string(body_.inputs.size()) + " inputs, expected " +
                    std::to_string(num_carried_ + 2) + " (iteration, cond and " +
                    std::to_string(num_carried_) + " loop-carried values)");
    }
    if (body_.outputs.size() < num_carried_ + 1) {
      info.Fail(ErrorCode::kInvalidModel, "body has " + std::to_string(body_.outputs.size()) +
                                              " outputs, expected at least " +
                                              std::to_string(num_carried_ + 1));
    }
    num_scan_ = body_.outputs.size() - 1 - num_carried_;
    if (info.num_outputs() > num_carried_ + num_scan_) {
      info.Fail(ErrorCode::kInvalidModel, "node has " + std::to_string(info.num_outputs()) +
                                              " outputs, the body gives " +
                                              std::to_string(num_carried_ + num_scan_));
    }
    if (!info.HasInput(0) && !info.HasInput(1)) {
      info.Fail(ErrorCode::kUnsupported,
                "a Loop with neither trip count M nor cond never terminates");
    }
  }

  void Run(const std::vector<const ir::Tensor*>& inputs, std::vector<ir::Tensor>& outputs,
           const RunContext& context) override {
    const SubgraphRunner& runner = Runner(context, info_);
    const bool has_trip_count = inputs[0] != nullptr;
    const bool has_cond = inputs[1] != nullptr;
    int64_t trip_count = 0;
    if (has_trip_count) {
      const std::vector<int64_t> m = ReadInt64s(*inputs[0], info_, "M");
      if (m.size() != 1) {
        info_.Fail(ErrorCode::kInvalidArgument,
                   "M must have one element, got shape " + ShapeString(inputs[0]->dims));
      }
      trip_count = m[0];
    }
    bool cond = has_cond ? ReadBool(*inputs[1], info_, "cond") : true;

    std::vector<ir::Tensor> carried(num_carried_);
    for (size_t i = 0; i < num_carried_; ++i) {
      if (inputs[2 + i] == nullptr) {
        info_.Fail(ErrorCode::kInvalidArgument, "missing loop-carried input " + std::to_string(i));
      }
      carried[i] = *inputs[2 + i];  // shares the buffer; the body never writes into it
    }
    std::vector<std::vector<ir::Tensor>> scans(num_scan_);
    std::vector<const ir::Tensor*> body_inputs(num_carried_ + 2);
    for (int64_t iteration = 0; (!has_trip_count || iteration < trip_count) && cond; ++iteration) {
      const ir::Tensor iteration_tensor = Int64Scalar(iteration);
      const ir::Tensor cond_tensor = BoolScalar(cond);
      body_inputs[0] = &iteration_tensor;
      body_inputs[1] = &cond_tensor;
      for (size_t i = 0; i < num_carried_; ++i) body_inputs[2 + i] = &carried[i];
      std::vector<ir::Tensor> results = runner.RunSubgraph(body_, body_inputs, context);
      if (has_cond) cond = ReadBool(results[0], info_, "the body's cond output");
      for (size_t i = 0; i < num_carried_; ++i) carried[i] = std::move(results[1 + i]);
      for (size_t k = 0; k < num_scan_; ++k) {
        AppendScanValue(scans[k], std::move(results[1 + num_carried_ + k]), info_, k);
      }
    }
    for (size_t i = 0; i < outputs.size(); ++i) {
      if (i < num_carried_) {
        outputs[i] = std::move(carried[i]);
      } else {
        const size_t k = i - num_carried_;
        outputs[i] = Stack(scans[k], 0, false, DeclaredDType(body_, 1 + num_carried_ + k));
      }
    }
  }

 private:
  NodeInfo info_;
  const ir::Graph& body_;
  size_t num_carried_ = 0;
  size_t num_scan_ = 0;
};

// Scan. From opset 9: no batch axis, per-input axes and directions for inputs and outputs.
// Opset 8: an optional sequence_lens input first, a leading batch axis on every state and scan
// input, the sequence on axis 1, `directions` for the scan inputs, and outputs shorter than the
// longest sequence padded with zeros.
class ScanKernel final : public Kernel {
 public:
  explicit ScanKernel(const NodeInfo& info)
      : info_(info), body_(RequireGraph(info, "body")), batched_(info.opset() < 9) {
    const size_t first = batched_ ? 1 : 0;  // opset 8: sequence_lens comes first
    if (info.num_inputs() <= first) info.Fail(ErrorCode::kInvalidModel, "no inputs to scan");
    const size_t num_values = info.num_inputs() - first;
    const int64_t num_scan_inputs = info.RequireInt("num_scan_inputs");
    if (num_scan_inputs < 1 || static_cast<size_t>(num_scan_inputs) > num_values) {
      info.Fail(ErrorCode::kInvalidModel, "num_scan_inputs is " + std::to_string(num_scan_inputs) +
                                              " with " + std::to_string(num_values) +
                                              " state and scan inputs");
    }
    num_scan_inputs_ = static_cast<size_t>(num_scan_inputs);
    num_state_ = num_values - num_scan_inputs_;
    if (body_.inputs.size() != num_values) {
      info.Fail(ErrorCode::kInvalidModel, "body takes " + std::to_string(body_.inputs.size()) +
                                              " inputs, expected " + std::to_string(num_values));
    }
    if (body_.outputs.size() < num_state_) {
      info.Fail(ErrorCode::kInvalidModel, "body has " + std::to_string(body_.outputs.size()) +
                                              " outputs, fewer than the " +
                                              std::to_string(num_state_) + " state values");
    }
    num_scan_outputs_ = body_.outputs.size() - num_state_;
    if (info.num_outputs() > body_.outputs.size()) {
      info.Fail(ErrorCode::kInvalidModel, "node has " + std::to_string(info.num_outputs()) +
                                              " outputs, the body gives " +
                                              std::to_string(body_.outputs.size()));
    }
    if (batched_) {
      input_axes_.assign(num_scan_inputs_, 0);
      input_reverse_ = ReadDirections(info, "directions", num_scan_inputs_);
      output_axes_.assign(num_scan_outputs_, 0);
      output_reverse_.assign(num_scan_outputs_, false);
      return;
    }
    input_axes_ = ReadList(info, "scan_input_axes", num_scan_inputs_, 0);
    input_reverse_ = ReadDirections(info, "scan_input_directions", num_scan_inputs_);
    output_axes_ = ReadList(info, "scan_output_axes", num_scan_outputs_, 0);
    output_reverse_ = ReadDirections(info, "scan_output_directions", num_scan_outputs_);
    if (info.opset() < 11) {
      for (const char* name : {"scan_input_axes", "scan_output_axes"}) {
        for (int64_t axis : info.GetInts(name)) {
          if (axis < 0) {
            info.Fail(ErrorCode::kInvalidModel, std::string(name) +
                                                    " may be negative only from opset 11, got " +
                                                    std::to_string(axis));
          }
        }
      }
    }
  }

  void Run(const std::vector<const ir::Tensor*>& inputs, std::vector<ir::Tensor>& outputs,
           const RunContext& context) override {
    const size_t first = batched_ ? 1 : 0;
    for (size_t i = first; i < inputs.size(); ++i) {
      if (inputs[i] == nullptr) {
        info_.Fail(ErrorCode::kInvalidArgument, "missing input " + std::to_string(i));
      }
    }
    const std::vector<const ir::Tensor*> values(inputs.begin() + first, inputs.end());
    if (batched_) {
      RunBatched(inputs[0], values, outputs, context);
      return;
    }
    std::vector<ir::Tensor> state(num_state_);
    for (size_t i = 0; i < num_state_; ++i) state[i] = *values[i];
    const std::vector<const ir::Tensor*> scan_inputs(values.begin() + num_state_, values.end());
    std::vector<int64_t> axes(num_scan_inputs_);
    for (size_t j = 0; j < num_scan_inputs_; ++j) {
      CheckSliceable(*scan_inputs[j], info_, "scan input " + std::to_string(j));
      axes[j] =
          NormalizeAxis(input_axes_[j], static_cast<int64_t>(scan_inputs[j]->dims.size()), info_);
    }
    const int64_t length = CommonLength(scan_inputs, axes);
    std::vector<std::vector<ir::Tensor>> scans(num_scan_outputs_);
    Iterate(state, scan_inputs, axes, length, scans, context);
    for (size_t i = 0; i < outputs.size(); ++i) {
      if (i < num_state_) {
        outputs[i] = std::move(state[i]);
        continue;
      }
      const size_t k = i - num_state_;
      const int64_t axis =
          scans[k].empty()
              ? 0
              : NormalizeAxis(output_axes_[k], static_cast<int64_t>(scans[k][0].dims.size()) + 1,
                              info_);
      outputs[i] = Stack(scans[k], axis, output_reverse_[k], DeclaredDType(body_, i));
    }
  }

 private:
  int64_t CommonLength(const std::vector<const ir::Tensor*>& scan_inputs,
                       const std::vector<int64_t>& axes) const {
    int64_t length = -1;
    for (size_t j = 0; j < scan_inputs.size(); ++j) {
      const int64_t this_length = scan_inputs[j]->dims[axes[j]];
      if (length >= 0 && this_length != length) {
        info_.Fail(ErrorCode::kInvalidArgument,
                   "scan inputs have different lengths: " + std::to_string(length) + " and " +
                       std::to_string(this_length) + " (scan input " + std::to_string(j) +
                       ", shape " + ShapeString(scan_inputs[j]->dims) + ")");
      }
      length = this_length;
    }
    return length;
  }

  // Runs the body `length` times over slices of the scan inputs, updating `state` and appending
  // each iteration's scan output values.
  void Iterate(std::vector<ir::Tensor>& state, const std::vector<const ir::Tensor*>& scan_inputs,
               const std::vector<int64_t>& axes, int64_t length,
               std::vector<std::vector<ir::Tensor>>& scans, const RunContext& context) const {
    const SubgraphRunner& runner = Runner(context, info_);
    std::vector<ir::Tensor> slices(num_scan_inputs_);
    std::vector<const ir::Tensor*> body_inputs(num_state_ + num_scan_inputs_);
    for (int64_t t = 0; t < length; ++t) {
      for (size_t j = 0; j < num_scan_inputs_; ++j) {
        const int64_t index = input_reverse_[j] ? length - 1 - t : t;
        slices[j] = TakeSlice(*scan_inputs[j], axes[j], index);
        body_inputs[num_state_ + j] = &slices[j];
      }
      for (size_t i = 0; i < num_state_; ++i) body_inputs[i] = &state[i];
      std::vector<ir::Tensor> results = runner.RunSubgraph(body_, body_inputs, context);
      for (size_t i = 0; i < num_state_; ++i) state[i] = std::move(results[i]);
      for (size_t k = 0; k < num_scan_outputs_; ++k) {
        AppendScanValue(scans[k], std::move(results[num_state_ + k]), info_, k);
      }
    }
  }

  void RunBatched(const ir::Tensor* sequence_lens, const std::vector<const ir::Tensor*>& values,
                  std::vector<ir::Tensor>& outputs, const RunContext& context) const {
    int64_t batch = -1;
    for (size_t i = 0; i < values.size(); ++i) {
      const ir::Tensor& value = *values[i];
      const size_t min_rank = i < num_state_ ? 1 : 2;
      CheckSliceable(value, info_, "input " + std::to_string(i + 1));
      if (value.dims.size() < min_rank || (batch >= 0 && value.dims[0] != batch)) {
        info_.Fail(ErrorCode::kInvalidArgument,
                   "input " + std::to_string(i + 1) + " has shape " + ShapeString(value.dims) +
                       "; expected a batch axis" +
                       (batch >= 0 ? " of " + std::to_string(batch) : "") +
                       (min_rank == 2 ? " and a sequence axis" : ""));
      }
      batch = value.dims[0];
    }
    const std::vector<const ir::Tensor*> scan_inputs(values.begin() + num_state_, values.end());
    const int64_t max_length = CommonLength(scan_inputs, std::vector<int64_t>(num_scan_inputs_, 1));
    std::vector<int64_t> lengths(batch, max_length);
    if (sequence_lens != nullptr) {
      lengths = ReadInt64s(*sequence_lens, info_, "sequence_lens");
      if (static_cast<int64_t>(lengths.size()) != batch) {
        info_.Fail(ErrorCode::kInvalidArgument,
                   "sequence_lens has " + std::to_string(lengths.size()) +
                       " entries for a batch of " + std::to_string(batch));
      }
      for (int64_t length : lengths) {
        if (length < 0 || length > max_length) {
          info_.Fail(ErrorCode::kInvalidArgument, "sequence length " + std::to_string(length) +
                                                      " is outside [0, " +
                                                      std::to_string(max_length) + "]");
        }
      }
    }
    std::vector<std::vector<ir::Tensor>> states(num_state_);
    std::vector<std::vector<std::vector<ir::Tensor>>> scans(
        num_scan_outputs_, std::vector<std::vector<ir::Tensor>>(batch));
    for (int64_t b = 0; b < batch; ++b) {
      std::vector<ir::Tensor> state(num_state_);
      for (size_t i = 0; i < num_state_; ++i) state[i] = TakeSlice(*values[i], 0, b);
      std::vector<ir::Tensor> sequences(num_scan_inputs_);
      std::vector<const ir::Tensor*> sequence_ptrs(num_scan_inputs_);
      for (size_t j = 0; j < num_scan_inputs_; ++j) {
        sequences[j] = TakeSlice(*scan_inputs[j], 0, b);
        sequence_ptrs[j] = &sequences[j];
      }
      std::vector<std::vector<ir::Tensor>> batch_scans(num_scan_outputs_);
      Iterate(state, sequence_ptrs, std::vector<int64_t>(num_scan_inputs_, 0), lengths[b],
              batch_scans, context);
      for (size_t i = 0; i < num_state_; ++i) states[i].push_back(std::move(state[i]));
      for (size_t k = 0; k < num_scan_outputs_; ++k) scans[k][b] = std::move(batch_scans[k]);
    }
    for (size_t i = 0; i < outputs.size(); ++i) {
      if (i < num_state_) {
        for (const ir::Tensor& state : states[i]) {
          if (state.dims != states[i][0].dims || state.dtype != states[i][0].dtype) {
            info_.Fail(ErrorCode::kInvalidArgument,
                       "state " + std::to_string(i) + " ends with different shapes per batch: " +
                           ShapeString(states[i][0].dims) + " and " + ShapeString(state.dims));
          }
        }
        outputs[i] = Stack(states[i], 0, false, DeclaredDType(body_, i));
        continue;
      }
      const size_t k = i - num_state_;
      // Sequences shorter than the longest are padded with zeros of the same shape.
      const ir::Tensor* first = nullptr;
      for (const auto& items : scans[k]) {
        if (first == nullptr && !items.empty()) first = &items[0];
      }
      if (first == nullptr) {
        outputs[i] = Allocate(DeclaredDType(body_, i), {batch, max_length});
        continue;
      }
      // Copied: padding below grows the vectors `first` points into.
      const ir::DType dtype = first->dtype;
      const std::vector<int64_t> item_dims = first->dims;
      std::vector<ir::Tensor> per_batch;
      for (auto& items : scans[k]) {
        if (!items.empty() && (items[0].dims != item_dims || items[0].dtype != dtype)) {
          info_.Fail(ErrorCode::kInvalidArgument,
                     "scan output " + std::to_string(k) + " differs between batch entries: " +
                         ShapeString(item_dims) + " and " + ShapeString(items[0].dims));
        }
        while (static_cast<int64_t>(items.size()) < max_length) {
          items.push_back(Allocate(dtype, item_dims));
        }
        per_batch.push_back(Stack(items, 0, false, dtype));
      }
      outputs[i] = Stack(per_batch, 0, false, dtype);
    }
  }

  static std::vector<int64_t> ReadList(const NodeInfo& info, const char* name, size_t count,
                                       int64_t default_value) {
    std::vector<int64_t> values = info.GetInts(name);
    if (!info.Has(name)) return std::vector<int64_t>(count, default_value);
    if (values.size() != count) {
      info.Fail(ErrorCode::kInvalidModel, std::string(name) + " has " +
                                              std::to_string(values.size()) +
                                              " entries, expected " + std::to_string(count));
    }
    return values;
  }

  static std::vector<bool> ReadDirections(const NodeInfo& info, const char* name, size_t count) {
    std::vector<bool> reverse;
    for (int64_t direction : ReadList(info, name, count, 0)) {
      if (direction != 0 && direction != 1) {
        info.Fail(ErrorCode::kUnsupported,
                  std::string(name) + " value " + std::to_string(direction) + " is not 0 or 1");
      }
      reverse.push_back(direction == 1);
    }
    return reverse;
  }

  NodeInfo info_;
  const ir::Graph& body_;
  bool batched_ = false;
  size_t num_scan_inputs_ = 0;
  size_t num_state_ = 0;
  size_t num_scan_outputs_ = 0;
  std::vector<int64_t> input_axes_;
  std::vector<bool> input_reverse_;
  std::vector<int64_t> output_axes_;
  std::vector<bool> output_reverse_;
};

template <typename K>
std::unique_ptr<Kernel> Make(const NodeInfo& info) {
  return std::make_unique<K>(info);
}

}  // namespace

void RegisterControlFlowKernels(KernelRegistry& registry) {
  registry.Register("", "If", 1, 23, &Make<IfKernel>);
  registry.Register("", "Loop", 1, 23, &Make<LoopKernel>);
  registry.Register("", "Scan", 8, 23, &Make<ScanKernel>);
}

}  // namespace nncf::exec
