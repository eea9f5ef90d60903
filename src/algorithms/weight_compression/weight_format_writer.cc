#include "algorithms/weight_compression/weight_format_writer.h"

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <functional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "core/common/error.h"
#include "core/ir/buffer.h"
#include "core/ir/dtype.h"

namespace nncf::algorithms::wc {
namespace {

using ir::DType;

int Bits(WeightMode mode) {
  return mode == WeightMode::kInt8Sym || mode == WeightMode::kInt8Asym ? 8 : 4;
}
const char* FormatName(WeightFormat format) {
  switch (format) {
    case WeightFormat::kDequantizeLinear:
      return "DQ";
    case WeightFormat::kMatMulNBits:
      return "MatMulNBits";
    case WeightFormat::kFakeQuantize:
      return "FQ";
    case WeightFormat::kFakeQuantizeLora:
      return "FQ_LORA";
    case WeightFormat::kDequantizeLinearFloat4:
      return "DQ_FLOAT4";
  }
  return "unknown";
}

int64_t Product(const std::vector<int64_t>& dims) {
  int64_t n = 1;
  for (int64_t d : dims) n *= d;
  return n;
}

std::string Where(const CompressedWeight& weight, const WeightSite& site) {
  return "weight '" + site.weight_name + "' (" + WeightModeName(weight.mode) + ")";
}

// Checks that the compressed weight is self-consistent before any bytes are laid out.
void Validate(const CompressedWeight& w, const WeightSite& site) {
  const std::string where = Where(w, site);
  auto fail = [&](const std::string& why) {
    Fail(ErrorCode::kInvalidArgument, where + ": " + why);
  };
  const int64_t rank = static_cast<int64_t>(w.shape.size());
  if (rank == 0) fail("the compressed weight has no shape");
  if (w.reduction_axis < 0 || w.reduction_axis >= rank) {
    fail("reduction axis " + std::to_string(w.reduction_axis) + " is out of range for rank " +
         std::to_string(rank));
  }
  for (int64_t d : w.shape) {
    if (d <= 0) fail("dimensions must be positive");
  }
  const int64_t channel = w.shape[w.reduction_axis];
  if (w.group_size <= 0 || channel % w.group_size != 0) {
    fail("group size " + std::to_string(w.group_size) + " does not divide the reduction axis (" +
         std::to_string(channel) + ")");
  }
  std::vector<int64_t> expect = w.shape;
  expect[w.reduction_axis] = channel / w.group_size;
  if (w.scale_shape != expect) fail("scale_shape does not match the weight's grouping");
  const int64_t numel = Product(w.shape);
  const int64_t groups = Product(expect);
  if (static_cast<int64_t>(w.codes.size()) != numel) {
    fail("has " + std::to_string(w.codes.size()) + " codes for " + std::to_string(numel) +
         " elements");
  }
  if (static_cast<int64_t>(w.scales.size()) != groups) {
    fail("has " + std::to_string(w.scales.size()) + " scales for " + std::to_string(groups) +
         " groups");
  }
  if (IsAsymmetric(w.mode) && static_cast<int64_t>(w.zero_points.size()) != groups) {
    fail("has " + std::to_string(w.zero_points.size()) + " zero points for " +
         std::to_string(groups) + " groups");
  }
  if (w.float_dtype != DType::kFloat && w.float_dtype != DType::kFloat16 &&
      w.float_dtype != DType::kBFloat16 && w.float_dtype != DType::kDouble) {
    fail(std::string("float_dtype ") + ir::DTypeName(w.float_dtype) + " is not a float type");
  }
  if (Bits(w.mode) == 4) {
    for (uint8_t c : w.codes) {
      const bool ok = w.mode == WeightMode::kInt4Sym ? (c <= 7 || c >= 0xF8) : c <= 15;
      if (!ok) fail("a code does not fit in 4 bits: " + std::to_string(c));
    }
  }
}

// One code per element as `dtype` (int8/uint8 one byte each; 4-bit types packed low nibble first).
template <typename Codes>
ir::Tensor CodeTensor(std::string name, DType dtype, std::vector<int64_t> dims,
                      const Codes& codes) {
  if (!ir::IsSubByte(dtype)) {
    return ir::Tensor::FromBytes(std::move(name), dtype, std::move(dims), codes.data(),
                                 codes.size());
  }
  const size_t count = codes.size();
  auto buffer = std::make_shared<ir::OwnedBuffer>(
      ir::kUninitialized, ir::StorageBytes(dtype, static_cast<int64_t>(count)));
  uint8_t* packed = buffer->mutable_data();
  const uint8_t* c = codes.data();
  for (size_t i = 0; i < count / 2; ++i) {
    packed[i] = static_cast<uint8_t>((c[2 * i] & 0x0F) | (c[2 * i + 1] << 4));
  }
  if (count % 2 != 0) packed[count / 2] = c[count - 1] & 0x0F;
  ir::Tensor tensor;
  tensor.name = std::move(name);
  tensor.dtype = dtype;
  tensor.dims = std::move(dims);
  tensor.data = std::move(buffer);
  return tensor;
}

ir::Tensor Int64Tensor(std::string name, const std::vector<int64_t>& values) {
  return ir::Tensor::FromBytes(std::move(name), DType::kInt64,
                               {static_cast<int64_t>(values.size())}, values.data(),
                               values.size() * sizeof(int64_t));
}

ir::Node MakeNode(std::string op, std::string name, std::vector<std::string> inputs,
                  std::vector<std::string> outputs, std::vector<ir::Attribute> attributes = {},
                  std::string domain = "") {
  ir::Node node;
  node.op_type = std::move(op);
  node.name = std::move(name);
  node.inputs = std::move(inputs);
  node.outputs = std::move(outputs);
  node.attributes = std::move(attributes);
  node.domain = std::move(domain);
  return node;
}

// DequantizeLinear/QuantizeLinear scales exist in float, float16 and bfloat16 only: a double
// model gets float scales and a Cast back to double.
DType ScaleDType(DType float_dtype) {
  return float_dtype == DType::kDouble ? DType::kFloat : float_dtype;
}

int64_t IrVersionFor(int64_t opset) {
  if (opset >= 23) return 11;
  if (opset >= 21) return 10;
  if (opset >= 19) return 9;
  if (opset >= 13) return 7;
  return 0;
}

// [.., C, ..] -> [.., C / gs, gs, ..]: the grouped view of the weight (same row-major bytes).
std::vector<int64_t> GroupedShape(const CompressedWeight& w) {
  std::vector<int64_t> dims = w.shape;
  const int64_t r = w.reduction_axis;
  dims[r] = w.shape[r] / w.group_size;
  dims.insert(dims.begin() + r + 1, w.group_size);
  return dims;
}
// The scale broadcast over the grouped view: [.., C / gs, 1, ..].
std::vector<int64_t> GroupedScaleShape(const CompressedWeight& w) {
  std::vector<int64_t> dims = w.scale_shape;
  dims.insert(dims.begin() + w.reduction_axis + 1, 1);
  return dims;
}

std::vector<float> ZeroPointsAsFloat(const CompressedWeight& w) {
  return std::vector<float>(w.zero_points.begin(), w.zero_points.end());
}

// Appends a Cast to double after `value` for double models; returns the final value name.
void FinishInFloatType(const CompressedWeight& w, const std::string& prefix,
                       const std::string& produced, WeightEdit& edit) {
  if (w.float_dtype == DType::kDouble) {
    edit.nodes.push_back(
        MakeNode("Cast", prefix + "_Cast", {produced}, {prefix + "_dequantized"},
                 {ir::Attribute::Int("to", static_cast<int64_t>(DType::kDouble))}));
  }
  edit.replacement_value = prefix + "_dequantized";
}

// Integer codes behind one DequantizeLinear: per-axis (2-D, one group per channel, 8 bit), per
// tensor (1-D, one group) or blocked along the reduction axis (opset 21).
WeightEdit IntegerDequantizeLinear(const CompressedWeight& w, const WeightSite& site) {
  WeightEdit edit;
  const std::string& name = site.weight_name;
  const int bits = Bits(w.mode);
  const bool asym = IsAsymmetric(w.mode);
  const DType code_dtype =
      bits == 8 ? (asym ? DType::kUint8 : DType::kInt8) : (asym ? DType::kUint4 : DType::kInt4);
  const DType scale_dtype = ScaleDType(w.float_dtype);
  const int64_t rank = static_cast<int64_t>(w.shape.size());
  const bool per_channel = w.group_size == w.shape[w.reduction_axis];

  std::vector<int64_t> scale_dims = w.scale_shape;
  std::vector<ir::Attribute> attributes;
  int64_t opset = 21;
  if (bits == 8 && per_channel && rank == 2) {
    const int64_t axis = 1 - w.reduction_axis;
    scale_dims = {w.shape[axis]};
    attributes.push_back(ir::Attribute::Int("axis", axis));
    opset = scale_dtype == DType::kFloat ? 13 : 19;
  } else if (bits == 8 && per_channel && rank == 1) {
    scale_dims = {};
    opset = scale_dtype == DType::kFloat ? 13 : 19;
  } else {
    attributes.push_back(ir::Attribute::Int("axis", w.reduction_axis));
    attributes.push_back(ir::Attribute::Int("block_size", w.group_size));
  }
  edit.initializers.push_back(CodeTensor(name + "_quantized", code_dtype, w.shape, w.codes));
  edit.initializers.push_back(
      ir::Tensor::FromFloats(name + "_scale", scale_dtype, scale_dims, w.scales));
  std::vector<std::string> inputs = {name + "_quantized", name + "_scale"};
  if (asym) {
    edit.initializers.push_back(
        CodeTensor(name + "_zero_point", code_dtype, scale_dims, w.zero_points));
    inputs.push_back(name + "_zero_point");
  }
  const std::string out =
      w.float_dtype == DType::kDouble ? name + "_dequantized_float" : name + "_dequantized";
  edit.nodes.push_back(
      MakeNode("DequantizeLinear", name + "_DequantizeLinear", inputs, {out}, attributes));
  FinishInFloatType(w, name, out, edit);
  edit.min_opset = opset;
  edit.min_ir_version = std::max<int64_t>(IrVersionFor(opset), bits == 4 ? 10 : 0);
  return edit;
}

// NF4 / E2M1 codes decoded through a 16-entry table: uint4 codes in the grouped view, Cast to
// int32 (ORT has no Gather on uint4), Gather the level, times the group's scale, Reshape back.
WeightEdit LookupDequantize(const CompressedWeight& w, const WeightSite& site) {
  WeightEdit edit;
  const std::string& name = site.weight_name;
  std::vector<float> table(16);
  for (int i = 0; i < 16; ++i) {
    table[i] =
        w.mode == WeightMode::kNf4 ? Nf4Table()[i] : ir::Float4E2M1ToFloat(static_cast<uint8_t>(i));
  }
  edit.initializers.push_back(
      CodeTensor(name + "_quantized", DType::kUint4, GroupedShape(w), w.codes));
  edit.initializers.push_back(ir::Tensor::FromFloats(name + "_levels", w.float_dtype, {16}, table));
  edit.initializers.push_back(
      ir::Tensor::FromFloats(name + "_scale", w.float_dtype, GroupedScaleShape(w), w.scales));
  edit.initializers.push_back(Int64Tensor(name + "_shape", w.shape));
  edit.nodes.push_back(MakeNode("Cast", name + "_Cast", {name + "_quantized"}, {name + "_indices"},
                                {ir::Attribute::Int("to", static_cast<int64_t>(DType::kInt32))}));
  edit.nodes.push_back(MakeNode("Gather", name + "_Gather", {name + "_levels", name + "_indices"},
                                {name + "_normalized"}, {ir::Attribute::Int("axis", 0)}));
  edit.nodes.push_back(
      MakeNode("Mul", name + "_Mul", {name + "_normalized", name + "_scale"}, {name + "_scaled"}));
  edit.nodes.push_back(MakeNode("Reshape", name + "_Reshape", {name + "_scaled", name + "_shape"},
                                {name + "_dequantized"}));
  edit.replacement_value = name + "_dequantized";
  edit.min_opset = 21;  // Cast from uint4
  edit.min_ir_version = 10;
  return edit;
}

// E2M1 as opset-23 DequantizeLinear of float4e2m1, blocked along the reduction axis.
WeightEdit Float4DequantizeLinear(const CompressedWeight& w, const WeightSite& site) {
  WeightEdit edit;
  const std::string& name = site.weight_name;
  edit.initializers.push_back(
      CodeTensor(name + "_quantized", DType::kFloat4E2M1, w.shape, w.codes));
  edit.initializers.push_back(
      ir::Tensor::FromFloats(name + "_scale", ScaleDType(w.float_dtype), w.scale_shape, w.scales));
  const std::string out =
      w.float_dtype == DType::kDouble ? name + "_dequantized_float" : name + "_dequantized";
  edit.nodes.push_back(MakeNode("DequantizeLinear", name + "_DequantizeLinear",
                                {name + "_quantized", name + "_scale"}, {out},
                                {ir::Attribute::Int("axis", w.reduction_axis),
                                 ir::Attribute::Int("block_size", w.group_size)}));
  FinishInFloatType(w, name, out, edit);
  edit.min_opset = 23;
  edit.min_ir_version = 11;
  return edit;
}

// com.microsoft MatMulNBits: B [N, n_blocks, blob] uint8 (codes of column n along K, low bits
// first), scales [N * n_blocks], zero points packed per row like the codes.
WeightEdit MatMulNBits(const CompressedWeight& w, const WeightSite& site,
                       const FormatOptions& options) {
  const std::string where = Where(w, site);
  if (!IsIntegerMode(w.mode)) {
    Fail(ErrorCode::kUnsupported,
         where + ": MatMulNBits holds integer codes only; use the DQ " + "format for NF4 and E2M1");
  }
  if (site.consumer_op != "MatMul" && site.consumer_op != "Gemm") {
    Fail(ErrorCode::kUnsupported, where + ": MatMulNBits replaces MatMul or Gemm, not " +
                                      site.consumer_op + " '" + site.consumer_node + "'");
  }
  if (site.input_index != 1) {
    Fail(ErrorCode::kUnsupported, where + ": MatMulNBits needs the weight on input 1 of " +
                                      site.consumer_op + " '" + site.consumer_node + "'");
  }
  if (w.shape.size() != 2) {
    Fail(ErrorCode::kUnsupported, where + ": MatMulNBits needs a 2-D weight");
  }
  if (w.float_dtype != DType::kFloat && w.float_dtype != DType::kFloat16) {
    Fail(ErrorCode::kUnsupported, where + ": MatMulNBits runs float and float16 models, not " +
                                      ir::DTypeName(w.float_dtype));
  }
  const int64_t r = w.reduction_axis;
  const int64_t k = w.shape[r];
  const int64_t n = w.shape[1 - r];
  const int64_t groups = k / w.group_size;
  int64_t block = w.group_size;
  if (groups == 1) {
    // One block over K: round up to a power of two >= 16 (the padding is never read).
    block = 16;
    while (block < k) block *= 2;
  } else if (block < 16 || (block & (block - 1)) != 0) {
    Fail(ErrorCode::kUnsupported, where + ": MatMulNBits needs a group size that is a power of " +
                                      "two >= 16, got " + std::to_string(w.group_size));
  }
  const int bits = Bits(w.mode);
  const bool asym = IsAsymmetric(w.mode);
  const int64_t blob = block * bits / 8;
  const int64_t offset = asym ? 0 : (int64_t{1} << (bits - 1));  // signed -> unsigned with zp
  std::vector<uint8_t> b(static_cast<size_t>(n * groups * blob), 0);
  std::vector<float> scales(static_cast<size_t>(n * groups));
  const int64_t zp_row = (groups * bits + 7) / 8;
  std::vector<uint8_t> zps(asym ? static_cast<size_t>(n * zp_row) : 0, 0);
  for (int64_t col = 0; col < n; ++col) {
    for (int64_t g = 0; g < groups; ++g) {
      const int64_t s = r == 0 ? g * n + col : col * groups + g;
      scales[col * groups + g] = w.scales[s];
      if (asym) {
        if (bits == 8) {
          zps[col * zp_row + g] = w.zero_points[s];
        } else {
          ir::SetNibble(zps.data() + col * zp_row, g, w.zero_points[s] & 0x0F);
        }
      }
      uint8_t* dst = b.data() + (col * groups + g) * blob;
      for (int64_t j = 0; j < w.group_size; ++j) {
        const int64_t kk = g * w.group_size + j;
        const int64_t idx = r == 0 ? kk * n + col : col * k + kk;
        const int64_t signed_code = asym ? w.codes[idx]
                                         : (bits == 8 ? static_cast<int8_t>(w.codes[idx])
                                                      : ir::SignExtendInt4(w.codes[idx] & 0x0F));
        const uint8_t code = static_cast<uint8_t>(signed_code + offset);
        if (bits == 8) {
          dst[j] = code;
        } else {
          ir::SetNibble(dst, j, code);
        }
      }
    }
  }
  WeightEdit edit;
  const std::string& name = site.weight_name;
  edit.initializers.push_back(ir::Tensor::FromBytes(name + "_quantized", DType::kUint8,
                                                    {n, groups, blob}, b.data(), b.size()));
  edit.initializers.push_back(
      ir::Tensor::FromFloats(name + "_scale", w.float_dtype, {n * groups}, scales));
  std::vector<std::string> inputs = {"", name + "_quantized", name + "_scale"};
  if (asym) {
    edit.initializers.push_back(ir::Tensor::FromBytes(name + "_zero_point", DType::kUint8,
                                                      {static_cast<int64_t>(zps.size())},
                                                      zps.data(), zps.size()));
    inputs.push_back(name + "_zero_point");
  }
  edit.replaces_consumer = true;
  edit.replacement =
      MakeNode("MatMulNBits", site.consumer_node + "_compressed_matmul", inputs, {},
               {ir::Attribute::Int("K", k), ir::Attribute::Int("N", n),
                ir::Attribute::Int("bits", bits), ir::Attribute::Int("block_size", block),
                ir::Attribute::Int("accuracy_level", options.accuracy_level)},
               "com.microsoft");
  edit.domains.emplace_back("com.microsoft", 1);
  return edit;
}

// FNV-1a of the weight's name: adapter initialisation that is the same on every machine.
uint64_t NameSeed(const std::string& name) {
  uint64_t h = 1469598103934665603ull;
  for (unsigned char c : name) h = (h ^ c) * 1099511628211ull;
  return h;
}

// splitmix64 stream.
class Random {
 public:
  explicit Random(uint64_t seed) : state_(seed) {}
  uint64_t Next() {
    uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  double Uniform() { return static_cast<double>(Next() >> 11) * (1.0 / 9007199254740992.0); }
  double Normal() {
    const double u1 = std::max(Uniform(), 1e-300);
    const double u2 = Uniform();
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
  }

 private:
  uint64_t state_;
};

// NNCF's adapter initialisation: a tiny random residual R = rand * |scale| / 100 ([out, in]),
// factored by a rank-`rank` SVD into B = U sqrt(S) [out, rank] and A = sqrt(S) V^T [rank, in].
// The truncated SVD is computed by randomized subspace iteration, which is exact when rank plus
// oversampling covers min(out, in).
void InitLoraAdapters(const CompressedWeight& w, const std::string& name, int64_t rank,
                      std::vector<float>* a_out, std::vector<float>* b_out) {
  const int64_t r = w.reduction_axis;
  const int64_t in = w.shape[r];
  const int64_t out = w.shape[1 - r];
  Random random(NameSeed(name));
  Eigen::MatrixXd residual(out, in);
  for (int64_t o = 0; o < out; ++o) {
    for (int64_t i = 0; i < in; ++i) {
      const int64_t g = i / w.group_size;
      const int64_t s = r == 0 ? g * out + o : o * (in / w.group_size) + g;
      residual(o, i) = random.Uniform() * std::fabs(w.scales[s]) / 100.0;
    }
  }
  const int64_t sketch = std::min<int64_t>(std::min(out, in), rank + 8);
  Eigen::MatrixXd omega(in, sketch);
  for (int64_t i = 0; i < in; ++i) {
    for (int64_t j = 0; j < sketch; ++j) omega(i, j) = random.Normal();
  }
  Eigen::MatrixXd q = Eigen::HouseholderQR<Eigen::MatrixXd>(residual * omega).householderQ() *
                      Eigen::MatrixXd::Identity(out, sketch);
  for (int iteration = 0; iteration < 2; ++iteration) {
    Eigen::MatrixXd z =
        Eigen::HouseholderQR<Eigen::MatrixXd>(residual.transpose() * q).householderQ() *
        Eigen::MatrixXd::Identity(in, sketch);
    q = Eigen::HouseholderQR<Eigen::MatrixXd>(residual * z).householderQ() *
        Eigen::MatrixXd::Identity(out, sketch);
  }
  const Eigen::MatrixXd small = q.transpose() * residual;  // [sketch, in]
  Eigen::JacobiSVD<Eigen::MatrixXd> svd(small, Eigen::ComputeThinU | Eigen::ComputeThinV);
  const Eigen::MatrixXd u = q * svd.matrixU();  // [out, sketch]
  const Eigen::VectorXd sv = svd.singularValues();
  const Eigen::MatrixXd v = svd.matrixV();  // [in, sketch]
  a_out->assign(static_cast<size_t>(rank * in), 0.0f);
  b_out->assign(static_cast<size_t>(out * rank), 0.0f);
  for (int64_t j = 0; j < rank && j < sv.size(); ++j) {
    const double root = std::sqrt(sv(j));
    for (int64_t o = 0; o < out; ++o) (*b_out)[o * rank + j] = static_cast<float>(u(o, j) * root);
    for (int64_t i = 0; i < in; ++i) (*a_out)[j * in + i] = static_cast<float>(root * v(i, j));
  }
}

// Fake quantization of the float weight, in ONNX QuantizeLinear/DequantizeLinear semantics on the
// grouped view: q = clip(round(w / s) + zp, lo, hi); w' = (q - zp) * s.
WeightEdit FakeQuantize(const CompressedWeight& w, const WeightSite& site, bool lora,
                        const FormatOptions& options) {
  const std::string where = Where(w, site);
  if (!IsIntegerMode(w.mode)) {
    Fail(ErrorCode::kUnsupported,
         where + ": the FQ formats hold integer modes only (as NNCF's); use DQ for NF4 and E2M1");
  }
  WeightEdit edit;
  const std::string& name = site.weight_name;
  const std::string p = name + "_fq";
  std::string source = name;
  if (lora) {
    if (w.shape.size() != 2) {
      Fail(ErrorCode::kUnsupported, where + ": FQ_LORA adapters need a 2-D weight");
    }
    if (options.lora_rank <= 0) {
      Fail(ErrorCode::kInvalidArgument,
           where + ": lora_rank must be positive, got " + std::to_string(options.lora_rank));
    }
    const int64_t r = w.reduction_axis;
    const int64_t in = w.shape[r];
    const int64_t out = w.shape[1 - r];
    const int64_t rank = std::min<int64_t>(options.lora_rank, std::min(in, out));
    std::vector<float> a, b;
    InitLoraAdapters(w, name, rank, &a, &b);
    edit.initializers.push_back(
        ir::Tensor::FromFloats(name + "_lora_A", w.float_dtype, {rank, in}, a));
    edit.initializers.push_back(
        ir::Tensor::FromFloats(name + "_lora_B", w.float_dtype, {out, rank}, b));
    edit.initializers.push_back(Int64Tensor(name + "_lora_shape", w.shape));
    edit.nodes.push_back(MakeNode("MatMul", name + "_lora_MatMul",
                                  {name + "_lora_B", name + "_lora_A"}, {name + "_lora_BA"}));
    std::string delta = name + "_lora_BA";
    if (r == 0) {  // the weight is [in, out]
      edit.nodes.push_back(MakeNode("Transpose", name + "_lora_Transpose", {delta},
                                    {name + "_lora_delta"}, {ir::Attribute::Ints("perm", {1, 0})}));
      delta = name + "_lora_delta";
    }
    edit.nodes.push_back(MakeNode("Reshape", name + "_lora_Reshape", {name, name + "_lora_shape"},
                                  {name + "_lora_base"}));
    edit.nodes.push_back(
        MakeNode("Add", name + "_lora_Add", {name + "_lora_base", delta}, {name + "_lora_merged"}));
    source = name + "_lora_merged";
  }
  const bool asym = IsAsymmetric(w.mode);
  const int bits = Bits(w.mode);
  const float low = asym ? 0.0f : -static_cast<float>(1 << (bits - 1));
  const float high =
      asym ? static_cast<float>((1 << bits) - 1) : static_cast<float>((1 << (bits - 1)) - 1);
  const DType t = w.float_dtype;
  edit.initializers.push_back(Int64Tensor(p + "_grouped_shape", GroupedShape(w)));
  edit.initializers.push_back(
      ir::Tensor::FromFloats(p + "_scale", t, GroupedScaleShape(w), w.scales));
  edit.initializers.push_back(ir::Tensor::FromFloats(p + "_low", t, {}, {low}));
  edit.initializers.push_back(ir::Tensor::FromFloats(p + "_high", t, {}, {high}));
  edit.initializers.push_back(Int64Tensor(p + "_shape", w.shape));
  edit.nodes.push_back(MakeNode("Reshape", p + "_Reshape_grouped", {source, p + "_grouped_shape"},
                                {p + "_grouped"}));
  edit.nodes.push_back(MakeNode("Div", p + "_Div", {p + "_grouped", p + "_scale"}, {p + "_div"}));
  edit.nodes.push_back(MakeNode("Round", p + "_Round", {p + "_div"}, {p + "_rounded"}));
  std::string q = p + "_rounded";
  if (asym) {
    edit.initializers.push_back(
        ir::Tensor::FromFloats(p + "_zero_point", t, GroupedScaleShape(w), ZeroPointsAsFloat(w)));
    edit.nodes.push_back(MakeNode("Add", p + "_Add", {q, p + "_zero_point"}, {p + "_shifted"}));
    q = p + "_shifted";
  }
  edit.nodes.push_back(
      MakeNode("Clip", p + "_Clip", {q, p + "_low", p + "_high"}, {p + "_clipped"}));
  q = p + "_clipped";
  if (asym) {
    edit.nodes.push_back(MakeNode("Sub", p + "_Sub", {q, p + "_zero_point"}, {p + "_centered"}));
    q = p + "_centered";
  }
  edit.nodes.push_back(
      MakeNode("Mul", p + "_Mul", {q, p + "_scale"}, {p + "_dequantized_grouped"}));
  edit.nodes.push_back(MakeNode("Reshape", p + "_Reshape",
                                {p + "_dequantized_grouped", p + "_shape"}, {p + "_dequantized"}));
  edit.replacement_value = p + "_dequantized";
  // The opset strip needs to turn this into Q/DQ or DQ without converting the model.
  const WeightEdit dq = IntegerDequantizeLinear(w, site);
  edit.min_opset = std::max<int64_t>(dq.min_opset, t == DType::kBFloat16 ? 22 : 13);
  edit.min_ir_version = std::max(dq.min_ir_version, IrVersionFor(edit.min_opset));
  return edit;
}

// --- ApplyWeightEdit helpers ---

// Calls `visit` on every input name of every node of `graph` and of its subgraphs, stopping at
// subgraphs that define `name` themselves (shadowing).
void ForEachUse(ir::Graph& graph, const std::string& name,
                const std::function<void(std::string&)>& visit);

bool Defines(const ir::Graph& graph, const std::string& name) {
  if (graph.FindInitializer(name)) return true;
  for (const ir::ValueInfo& input : graph.inputs) {
    if (input.name == name) return true;
  }
  for (const ir::Node& node : graph.nodes) {
    for (const std::string& output : node.outputs) {
      if (output == name) return true;
    }
  }
  return false;
}

void ForEachUseInNode(ir::Node& node, const std::string& name,
                      const std::function<void(std::string&)>& visit) {
  for (std::string& input : node.inputs) {
    if (input == name) visit(input);
  }
  for (ir::Attribute& attribute : node.attributes) {
    if (attribute.g && !Defines(**attribute.g, name)) ForEachUse(**attribute.g, name, visit);
    for (ir::Box<ir::Graph>& g : attribute.graphs) {
      if (!Defines(*g, name)) ForEachUse(*g, name, visit);
    }
  }
}

void ForEachUse(ir::Graph& graph, const std::string& name,
                const std::function<void(std::string&)>& visit) {
  for (ir::Node& node : graph.nodes) ForEachUseInNode(node, name, visit);
  for (ir::ValueInfo& output : graph.outputs) {
    if (output.name == name) visit(output.name);
  }
}

bool NodeUses(ir::Node& node, const std::string& name) {
  bool used = false;
  ForEachUseInNode(node, name, [&](std::string&) { used = true; });
  return used;
}

std::set<std::string> NamesInGraph(const ir::Graph& graph) {
  std::set<std::string> names;
  for (const ir::Tensor& t : graph.initializers) names.insert(t.name);
  for (const ir::ValueInfo& v : graph.inputs) names.insert(v.name);
  for (const ir::Node& node : graph.nodes) {
    for (const std::string& output : node.outputs) names.insert(output);
  }
  return names;
}

std::set<std::string> NodeNames(const ir::Graph& graph) {
  std::set<std::string> names;
  for (const ir::Node& node : graph.nodes) {
    if (!node.name.empty()) names.insert(node.name);
  }
  return names;
}

const ir::Attribute* Attr(const ir::Node& node, const char* name) {
  return node.FindAttribute(name);
}

// Connects MatMulNBits to the MatMul/Gemm it replaces; a Gemm bias becomes an Add after it.
std::vector<ir::Node> BindMatMulNBits(const ir::Node& consumer, const WeightSite& site,
                                      WeightEdit& edit) {
  const std::string where =
      consumer.op_type + " '" + consumer.name + "' (weight '" + site.weight_name + "')";
  if (consumer.op_type != "MatMul" && consumer.op_type != "Gemm") {
    Fail(ErrorCode::kUnsupported, "MatMulNBits cannot replace " + where);
  }
  if (consumer.inputs.size() < 2 || consumer.inputs[1] != site.weight_name) {
    Fail(ErrorCode::kUnsupported, "MatMulNBits needs the weight on input 1 of " + where);
  }
  ir::Node node = edit.replacement;
  node.inputs[0] = consumer.inputs[0];
  std::vector<ir::Node> extra;
  const std::string output = consumer.outputs.at(0);
  if (consumer.op_type == "Gemm") {
    auto get_f = [&](const char* n, float d) {
      const ir::Attribute* a = Attr(consumer, n);
      return a && a->f ? *a->f : d;
    };
    auto get_i = [&](const char* n, int64_t d) {
      const ir::Attribute* a = Attr(consumer, n);
      return a && a->i ? *a->i : d;
    };
    if (get_i("transA", 0) != 0) {
      Fail(ErrorCode::kUnsupported, "MatMulNBits cannot express transA=1 of " + where);
    }
    const bool trans_b = get_i("transB", 0) != 0;
    if (trans_b != site.transposed) {
      Fail(ErrorCode::kInvalidArgument,
           "the weight site of " + where + " disagrees with the node's transB attribute");
    }
    if (get_f("alpha", 1.0f) != 1.0f) {
      Fail(ErrorCode::kUnsupported, "MatMulNBits cannot express alpha != 1 of " + where);
    }
    const bool has_bias = consumer.inputs.size() > 2 && !consumer.inputs[2].empty();
    if (has_bias) {
      if (get_f("beta", 1.0f) != 1.0f) {
        Fail(ErrorCode::kUnsupported, "MatMulNBits cannot express beta != 1 of " + where);
      }
      const std::string product = output + "_matmul";
      node.outputs = {product};
      extra.push_back(
          MakeNode("Add", node.name + "_bias", {product, consumer.inputs[2]}, {output}));
      return {node, extra.front()};
    }
  }
  node.outputs = {output};
  return {node};
}

}  // namespace

WeightEdit MakeWeightEdit(const CompressedWeight& weight, const WeightSite& site,
                          WeightFormat format, const FormatOptions& options) {
  if (site.weight_name.empty()) {
    Fail(ErrorCode::kInvalidArgument, "MakeWeightEdit: the weight site has no weight name");
  }
  Validate(weight, site);
  WeightEdit edit;
  switch (format) {
    case WeightFormat::kDequantizeLinear:
      edit = IsIntegerMode(weight.mode) ? IntegerDequantizeLinear(weight, site)
                                        : LookupDequantize(weight, site);
      break;
    case WeightFormat::kDequantizeLinearFloat4:
      if (weight.mode != WeightMode::kE2M1) {
        Fail(ErrorCode::kUnsupported,
             Where(weight, site) + ": the " + FormatName(format) + " format holds E2M1 codes only");
      }
      edit = Float4DequantizeLinear(weight, site);
      break;
    case WeightFormat::kMatMulNBits:
      edit = MatMulNBits(weight, site, options);
      break;
    case WeightFormat::kFakeQuantize:
      edit = FakeQuantize(weight, site, /*lora=*/false, options);
      break;
    case WeightFormat::kFakeQuantizeLora:
      edit = FakeQuantize(weight, site, /*lora=*/true, options);
      break;
    default:
      Fail(ErrorCode::kInvalidArgument,
           "unknown weight format " + std::to_string(static_cast<int>(format)));
  }
  if (!edit.replaces_consumer) edit.replacement_dims = weight.shape;
  return edit;
}

void ApplyWeightEdit(ir::Model& model, const WeightSite& site, WeightEdit edit) {
  if (!model.graph) Fail(ErrorCode::kInvalidArgument, "ApplyWeightEdit: the model has no graph");
  ir::Graph& graph = *model.graph;
  const std::string& weight = site.weight_name;
  const ir::Tensor* initializer = graph.FindInitializer(weight);
  if (initializer == nullptr) {
    Fail(ErrorCode::kNotFound, "weight '" + weight + "' is not an initializer of the main graph");
  }
  const std::vector<int64_t> weight_dims = initializer->dims;
  size_t consumer_index = graph.nodes.size();
  for (size_t i = 0; i < graph.nodes.size(); ++i) {
    if (graph.nodes[i].name == site.consumer_node) {
      consumer_index = i;
      break;
    }
  }
  if (edit.replaces_consumer && consumer_index == graph.nodes.size()) {
    Fail(ErrorCode::kNotFound, "consumer node '" + site.consumer_node + "' of weight '" + weight +
                                   "' is not in the main graph");
  }

  // Versions first: nothing is changed when the model cannot take the edit.
  const int64_t opset = model.DefaultOpset();
  if (edit.min_opset > 0 && opset < edit.min_opset) {
    Fail(ErrorCode::kVersionMismatch, "writing weight '" + weight + "' needs default opset " +
                                          std::to_string(edit.min_opset) + ", the model has " +
                                          std::to_string(opset) + "; convert the model first");
  }
  for (const auto& [domain, version] : edit.domains) {
    const int64_t have = model.OpsetFor(domain);
    if (have != 0 && have != version) {
      Fail(ErrorCode::kVersionMismatch, "writing weight '" + weight + "' needs " + domain +
                                            " opset " + std::to_string(version) +
                                            ", the model imports " + std::to_string(have));
    }
  }

  // Reshape back when the compressed view has other dims than the initializer.
  if (!edit.replaces_consumer && !edit.replacement_dims.empty() &&
      edit.replacement_dims != weight_dims) {
    if (Product(edit.replacement_dims) != Product(weight_dims)) {
      Fail(ErrorCode::kInvalidArgument, "the compressed form of weight '" + weight +
                                            "' has another element count than the " +
                                            "initializer");
    }
    edit.initializers.push_back(Int64Tensor(weight + "_original_shape", weight_dims));
    edit.nodes.push_back(MakeNode("Reshape", weight + "_Reshape_original",
                                  {edit.replacement_value, weight + "_original_shape"},
                                  {weight + "_restored"}));
    edit.replacement_value = weight + "_restored";
  }

  std::vector<ir::Node> consumer_nodes;
  if (edit.replaces_consumer) {
    consumer_nodes = BindMatMulNBits(graph.nodes[consumer_index], site, edit);
    for (ir::Node& extra : edit.nodes) consumer_nodes.push_back(std::move(extra));
    edit.nodes.clear();
  }

  // Name clashes with what the graph already has.
  const std::set<std::string> names = NamesInGraph(graph);
  std::set<std::string> node_names = NodeNames(graph);
  if (edit.replaces_consumer) node_names.erase(graph.nodes[consumer_index].name);
  auto check_value = [&](const std::string& name) {
    if (names.count(name)) {
      Fail(ErrorCode::kInvalidModel,
           "writing weight '" + weight + "': the name '" + name + "' is already used in the graph");
    }
  };
  for (const ir::Tensor& t : edit.initializers) check_value(t.name);
  for (const std::vector<ir::Node>* list : {&edit.nodes, &consumer_nodes}) {
    for (const ir::Node& node : *list) {
      if (!node.name.empty() && node_names.count(node.name)) {
        Fail(ErrorCode::kInvalidModel,
             "writing weight '" + weight + "': a node named '" + node.name + "' already exists");
      }
      for (const std::string& output : node.outputs) {
        if (edit.replaces_consumer && output == graph.nodes[consumer_index].outputs.at(0)) continue;
        check_value(output);
      }
    }
  }

  if (edit.replaces_consumer) {
    graph.nodes.erase(graph.nodes.begin() + static_cast<std::ptrdiff_t>(consumer_index));
    graph.nodes.insert(graph.nodes.begin() + static_cast<std::ptrdiff_t>(consumer_index),
                       consumer_nodes.begin(), consumer_nodes.end());
  } else {
    if (edit.replacement_value.empty()) {
      Fail(ErrorCode::kInternal, "the edit of weight '" + weight + "' has no replacement value");
    }
    size_t first_use = graph.nodes.size();
    for (size_t i = 0; i < graph.nodes.size(); ++i) {
      if (NodeUses(graph.nodes[i], weight)) {
        first_use = i;
        break;
      }
    }
    // Every reader of the weight (shared weights too) reads the replacement; graph outputs keep
    // the float weight.
    for (ir::Node& node : graph.nodes) {
      ForEachUseInNode(node, weight, [&](std::string& input) { input = edit.replacement_value; });
    }
    graph.nodes.insert(graph.nodes.begin() + static_cast<std::ptrdiff_t>(first_use),
                       edit.nodes.begin(), edit.nodes.end());
  }

  // Drop the float initializer when nothing reads it any more.
  bool used = false;
  ForEachUse(graph, weight, [&](std::string&) { used = true; });
  if (!used) {
    graph.initializers.erase(std::remove_if(graph.initializers.begin(), graph.initializers.end(),
                                            [&](const ir::Tensor& t) { return t.name == weight; }),
                             graph.initializers.end());
    graph.inputs.erase(std::remove_if(graph.inputs.begin(), graph.inputs.end(),
                                      [&](const ir::ValueInfo& v) { return v.name == weight; }),
                       graph.inputs.end());
    graph.value_info.erase(std::remove_if(graph.value_info.begin(), graph.value_info.end(),
                                          [&](const ir::ValueInfo& v) { return v.name == weight; }),
                           graph.value_info.end());
  }
  for (ir::Tensor& t : edit.initializers) graph.initializers.push_back(std::move(t));
  for (const auto& [domain, version] : edit.domains) {
    if (model.OpsetFor(domain) == 0) model.SetOpset(domain, version);
  }
  if (model.ir_version < edit.min_ir_version) model.ir_version = edit.min_ir_version;
}

}  // namespace nncf::algorithms::wc
