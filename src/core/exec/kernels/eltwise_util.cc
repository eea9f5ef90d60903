#include "core/exec/kernels/eltwise_util.h"

namespace nncf::exec::eltwise {

bool IsHalfLike(ir::DType dtype) {
  return dtype == ir::DType::kFloat16 || dtype == ir::DType::kBFloat16;
}

bool InTypeSet(ir::DType dtype, uint32_t set) {
  switch (dtype) {
    case ir::DType::kFloat:
    case ir::DType::kDouble:
    case ir::DType::kFloat16:
    case ir::DType::kBFloat16:
      return (set & kFloats) != 0;
    case ir::DType::kInt8:
    case ir::DType::kInt16:
    case ir::DType::kInt32:
    case ir::DType::kInt64:
      return (set & kSigned) != 0;
    case ir::DType::kUint8:
    case ir::DType::kUint16:
    case ir::DType::kUint32:
    case ir::DType::kUint64:
      return (set & kUnsigned) != 0;
    case ir::DType::kBool:
      return (set & kBool) != 0;
    default:
      return false;
  }
}

void FailDType(const NodeInfo& info, const char* operand, ir::DType dtype) {
  info.Fail(ErrorCode::kUnsupported,
            std::string(operand) + " element type " + ir::DTypeName(dtype) + " is not supported");
}

void RequireDType(const NodeInfo& info, const char* operand, ir::DType dtype, uint32_t set) {
  if (!InTypeSet(dtype, set)) FailDType(info, operand, dtype);
}

ir::Tensor WidenToFloat(const ir::Tensor& tensor) {
  if (!IsHalfLike(tensor.dtype)) return tensor;
  ir::Tensor wide = NewTensorUninitialized(ir::DType::kFloat, tensor.dims);
  const uint16_t* in = tensor.DataAs<uint16_t>();
  float* out = MutableData<float>(wide);
  const int64_t n = tensor.NumElements();
  if (tensor.dtype == ir::DType::kFloat16) {
    for (int64_t i = 0; i < n; ++i) out[i] = ir::HalfToFloat(in[i]);
  } else {
    for (int64_t i = 0; i < n; ++i) out[i] = ir::BFloat16ToFloat(in[i]);
  }
  return wide;
}

ir::Tensor NarrowFromFloat(const ir::Tensor& tensor, ir::DType target) {
  ir::Tensor narrow = NewTensorUninitialized(target, tensor.dims);
  const float* in = tensor.DataAs<float>();
  uint16_t* out = MutableData<uint16_t>(narrow);
  const int64_t n = tensor.NumElements();
  if (target == ir::DType::kFloat16) {
    for (int64_t i = 0; i < n; ++i) out[i] = ir::FloatToHalf(in[i]);
  } else {
    for (int64_t i = 0; i < n; ++i) out[i] = ir::FloatToBFloat16(in[i]);
  }
  return narrow;
}

CoalescedShapes CoalesceBroadcast(const std::vector<int64_t>& a, const std::vector<int64_t>& b,
                                  const std::vector<int64_t>& out) {
  const size_t rank = out.size();
  CoalescedShapes shapes;
  bool group_a = false, group_b = false;  // whether the current group is contiguous in a / b
  for (size_t d = 0; d < rank; ++d) {
    if (out[d] == 1) continue;
    const int64_t da = d < rank - a.size() ? 1 : a[d - (rank - a.size())];
    const int64_t db = d < rank - b.size() ? 1 : b[d - (rank - b.size())];
    const bool full_a = da == out[d], full_b = db == out[d];
    if (!shapes.out.empty() && full_a == group_a && full_b == group_b) {
      shapes.out.back() *= out[d];
      shapes.a.back() *= da;
      shapes.b.back() *= db;
    } else {
      shapes.out.push_back(out[d]);
      shapes.a.push_back(da);
      shapes.b.push_back(db);
      group_a = full_a;
      group_b = full_b;
    }
  }
  if (shapes.out.empty()) shapes = {{1}, {1}, {1}};
  return shapes;
}

BroadcastIndexer::BroadcastIndexer(const std::vector<std::vector<int64_t>>& input_dims,
                                   const std::vector<int64_t>& out_dims)
    : out_dims_(out_dims) {
  for (const std::vector<int64_t>& dims : input_dims) {
    strides_.push_back(BroadcastStrides(dims, out_dims));
  }
  for (int64_t d : out_dims) size_ *= d;
}

const ir::Tensor& NodeKernel::Input(const std::vector<const ir::Tensor*>& inputs,
                                    size_t index) const {
  if (index >= inputs.size() || inputs[index] == nullptr) {
    info_.Fail(ErrorCode::kInvalidArgument, "input " + std::to_string(index) + " is missing");
  }
  return *inputs[index];
}

}  // namespace nncf::exec::eltwise
