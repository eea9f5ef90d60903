// MatMul, Gemm and Einsum. f32/f16/bf16 MatMul and Gemm run on the oneDNN matmul primitive
// (cached per shape); f64 and integer types, and Einsum, run on plain loops.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "core/exec/kernel_registry.h"
#include "core/exec/kernels/onednn_util.h"
#include "core/exec/tensor_util.h"
#include "core/exec/uninitialized_tensor.h"
#include "core/ir/buffer.h"

namespace nncf::exec {
namespace {

using dnnl::memory;
using onednn::NodeLabel;

int64_t Product(const std::vector<int64_t>& v, size_t begin = 0, size_t end = SIZE_MAX) {
  const size_t stop = std::min(end, v.size());
  int64_t p = 1;
  if (begin >= stop) return p;
  for (auto it = v.begin() + static_cast<std::ptrdiff_t>(begin);
       it != v.begin() + static_cast<std::ptrdiff_t>(stop); ++it) {
    p *= *it;
  }
  return p;
}

// Element reads and writes in a computation type (double for floats, int64 for integers).
template <typename Acc>
Acc ReadAs(const ir::Tensor& t, int64_t i);

template <>
double ReadAs<double>(const ir::Tensor& t, int64_t i) {
  return t.GetAsDouble(i);
}

template <>
int64_t ReadAs<int64_t>(const ir::Tensor& t, int64_t i) {
  switch (t.dtype) {
    case ir::DType::kInt32:
      return t.DataAs<int32_t>()[i];
    case ir::DType::kInt64:
      return t.DataAs<int64_t>()[i];
    case ir::DType::kUint32:
      return t.DataAs<uint32_t>()[i];
    case ir::DType::kUint64:
      return static_cast<int64_t>(t.DataAs<uint64_t>()[i]);
    default:
      return static_cast<int64_t>(t.GetAsDouble(i));
  }
}

// Writes a whole buffer of computed values into a new tensor of `dtype`.
template <typename Acc>
ir::Tensor StoreAs(const std::vector<Acc>& values, ir::DType dtype, std::vector<int64_t> dims) {
  if (onednn::IsFloat32Like(dtype)) {
    std::vector<float> f(values.begin(), values.end());
    return onednn::FloatsToTensor(f.data(), dtype, std::move(dims));
  }
  ir::Tensor out = NewTensor(dtype, std::move(dims));
  const size_t n = values.size();
  switch (dtype) {
    case ir::DType::kDouble:
      std::copy(values.begin(), values.end(), MutableData<double>(out));
      break;
    case ir::DType::kInt32: {
      int32_t* p = MutableData<int32_t>(out);
      for (size_t i = 0; i < n; ++i) p[i] = static_cast<int32_t>(values[i]);
      break;
    }
    case ir::DType::kInt64: {
      int64_t* p = MutableData<int64_t>(out);
      for (size_t i = 0; i < n; ++i) p[i] = static_cast<int64_t>(values[i]);
      break;
    }
    case ir::DType::kUint32: {
      uint32_t* p = MutableData<uint32_t>(out);
      for (size_t i = 0; i < n; ++i) p[i] = static_cast<uint32_t>(values[i]);
      break;
    }
    case ir::DType::kUint64: {
      uint64_t* p = MutableData<uint64_t>(out);
      for (size_t i = 0; i < n; ++i) p[i] = static_cast<uint64_t>(values[i]);
      break;
    }
    default:
      Fail(ErrorCode::kInternal, std::string("no store for dtype ") + ir::DTypeName(dtype));
  }
  return out;
}

bool IsIntegerDType(ir::DType d) {
  return d == ir::DType::kInt32 || d == ir::DType::kInt64 || d == ir::DType::kUint32 ||
         d == ir::DType::kUint64;
}

const std::vector<ir::DType> kMatMulTypes = {
    ir::DType::kFloat, ir::DType::kFloat16, ir::DType::kBFloat16, ir::DType::kDouble,
    ir::DType::kInt32, ir::DType::kInt64,   ir::DType::kUint32,   ir::DType::kUint64};

// One matmul primitive per shape: dst = alpha * src x weights (src/weights may be strided, for
// Gemm's transposes).
struct MatMulEntry {
  dnnl::primitive primitive;
  memory::desc src, weights, dst;
};

MatMulEntry CachedMatMul(const NodeLabel& label, onednn::ShapeCache<MatMulEntry>& cache,
                         const std::vector<int64_t>& key, const memory::desc& src,
                         const memory::desc& weights, const memory::desc& dst, float alpha) {
  std::lock_guard<std::mutex> lock(cache.mutex());
  if (MatMulEntry* e = cache.Find(key)) return *e;
  auto entry = std::make_unique<MatMulEntry>();
  entry->src = src;
  entry->weights = weights;
  entry->dst = dst;
  try {
    dnnl::primitive_attr attr = onednn::CachedPrimitiveAttr();
    if (alpha != 1.0f) attr.set_output_scales(0, {alpha});
    dnnl::matmul::desc desc(src, weights, dst);
    dnnl::matmul::primitive_desc pd(desc, attr, onednn::Engine());
    entry->primitive = dnnl::matmul(pd);
  } catch (const dnnl::error& e) {
    label.Fail(ErrorCode::kInternal, std::string("oneDNN rejected the matmul: ") + e.what());
  }
  return *cache.Insert(key, std::move(entry));
}

void RunCachedMatMul(const NodeLabel& label, const MatMulEntry& e, const float* a, const float* b,
                     float* y) {
  const auto& engine = onednn::Engine();
  onednn::Execute(label, e.primitive,
                  {{DNNL_ARG_SRC, memory(e.src, engine, const_cast<float*>(a))},
                   {DNNL_ARG_WEIGHTS, memory(e.weights, engine, const_cast<float*>(b))},
                   {DNNL_ARG_DST, memory(e.dst, engine, y)}});
}

memory::desc Desc(const std::vector<int64_t>& dims, const std::vector<int64_t>& strides) {
  return memory::desc(onednn::ToDims(dims), memory::data_type::f32, onednn::ToDims(strides));
}

// Batched matrix product with numpy broadcasting of the batch dims (a: [..., M, K],
// b: [..., K, N], both already at least 2-D and padded to the output rank).
template <typename Acc>
std::vector<Acc> LoopMatMul(const ir::Tensor& a, const std::vector<int64_t>& a_dims,
                            const ir::Tensor& b, const std::vector<int64_t>& b_dims,
                            const std::vector<int64_t>& y_dims) {
  const size_t r = y_dims.size();
  const int64_t m = y_dims[r - 2], n = y_dims[r - 1], k = a_dims[r - 1];
  const std::vector<int64_t> batch(y_dims.begin(), y_dims.end() - 2);
  const std::vector<int64_t> a_batch(a_dims.begin(), a_dims.end() - 2);
  const std::vector<int64_t> b_batch(b_dims.begin(), b_dims.end() - 2);
  const std::vector<int64_t> as = BroadcastStrides(a_batch, batch);
  const std::vector<int64_t> bs = BroadcastStrides(b_batch, batch);
  const int64_t batches = Product(batch);
  std::vector<Acc> y(static_cast<size_t>(batches * m * n), Acc(0));
  std::vector<int64_t> index(batch.size(), 0);
  for (int64_t bi = 0; bi < batches; ++bi) {
    int64_t ao = 0, bo = 0;
    for (size_t i = 0; i < batch.size(); ++i) {
      ao += index[i] * as[i];
      bo += index[i] * bs[i];
    }
    ao *= m * k;
    bo *= k * n;
    Acc* yp = y.data() + bi * m * n;
    for (int64_t i = 0; i < m; ++i) {
      for (int64_t kk = 0; kk < k; ++kk) {
        const Acc av = ReadAs<Acc>(a, ao + i * k + kk);
        for (int64_t j = 0; j < n; ++j) yp[i * n + j] += av * ReadAs<Acc>(b, bo + kk * n + j);
      }
    }
    for (size_t i = batch.size(); i-- > 0;) {
      if (++index[i] < batch[i]) break;
      index[i] = 0;
    }
  }
  return y;
}

class MatMulKernel : public Kernel {
 public:
  explicit MatMulKernel(const NodeInfo& info) : label_(info) {}

  void Run(const std::vector<const ir::Tensor*>& inputs, std::vector<ir::Tensor>& outputs,
           const RunContext& /*context*/) override {
    const ir::Tensor& a = onednn::RequireInput(label_, inputs, 0, "A");
    const ir::Tensor& b = onednn::RequireInput(label_, inputs, 1, "B");
    onednn::RequireDType(label_, a, "A", kMatMulTypes);
    onednn::RequireSameDType(label_, b, "B", a);
    if (a.dims.empty() || b.dims.empty()) {
      label_.Fail(ErrorCode::kInvalidArgument, "inputs A " + ShapeString(a.dims) + " and B " +
                                                   ShapeString(b.dims) + " must not be scalars");
    }
    std::vector<int64_t> ad = a.dims, bd = b.dims;
    if (ad.size() == 1) ad.insert(ad.begin(), 1);
    if (bd.size() == 1) bd.push_back(1);
    const int64_t m = ad[ad.size() - 2], k = ad.back(), n = bd.back();
    if (bd[bd.size() - 2] != k) {
      label_.Fail(ErrorCode::kInvalidArgument, "inner dimensions of A " + ShapeString(a.dims) +
                                                   " and B " + ShapeString(b.dims) + " differ");
    }
    const std::vector<int64_t> batch =
        BroadcastBatch(std::vector<int64_t>(ad.begin(), ad.end() - 2),
                       std::vector<int64_t>(bd.begin(), bd.end() - 2));
    std::vector<int64_t> y_dims = batch;
    y_dims.push_back(m);
    y_dims.push_back(n);
    // The node's output drops the dims that 1-D operands did not have.
    std::vector<int64_t> out_dims = batch;
    if (a.dims.size() > 1) out_dims.push_back(m);
    if (b.dims.size() > 1) out_dims.push_back(n);
    const size_t r = y_dims.size();
    while (ad.size() < r) ad.insert(ad.begin(), 1);
    while (bd.size() < r) bd.insert(bd.begin(), 1);

    if (!onednn::IsFloat32Like(a.dtype)) {
      outputs[0] = IsIntegerDType(a.dtype)
                       ? StoreAs(LoopMatMul<int64_t>(a, ad, b, bd, y_dims), a.dtype, out_dims)
                       : StoreAs(LoopMatMul<double>(a, ad, b, bd, y_dims), a.dtype, out_dims);
      return;
    }
    if (a.dtype == ir::DType::kFloat && k > 0 && r <= DNNL_MAX_NDIMS && Product(y_dims) > 0) {
      // oneDNN writes every element: no zero-fill.
      ir::Tensor out = NewTensorUninitialized(ir::DType::kFloat, out_dims);
      RunOneDnn(a, ad, b, bd, y_dims, MutableData<float>(out));
      outputs[0] = std::move(out);
      return;
    }
    onednn::FloatOutput y(a.dtype, out_dims);
    if (Product(y_dims) > 0) {
      if (k == 0) {
        // Empty inner dimension: the product is all zeros (FloatOutput starts zeroed).
      } else if (r > DNNL_MAX_NDIMS) {
        std::vector<double> values = LoopMatMul<double>(a, ad, b, bd, y_dims);
        std::copy(values.begin(), values.end(), y.data());
      } else {
        RunOneDnn(a, ad, b, bd, y_dims, y.data());
      }
    }
    outputs[0] = y.Finish();
  }

 private:
  // Numpy broadcast of the batch dims (the kernel keeps a label, not a NodeInfo).
  std::vector<int64_t> BroadcastBatch(const std::vector<int64_t>& a,
                                      const std::vector<int64_t>& b) const {
    const size_t rank = std::max(a.size(), b.size());
    std::vector<int64_t> out(rank);
    for (size_t i = 0; i < rank; ++i) {
      const int64_t da = i < rank - a.size() ? 1 : a[i - (rank - a.size())];
      const int64_t db = i < rank - b.size() ? 1 : b[i - (rank - b.size())];
      if (da != db && da != 1 && db != 1) {
        label_.Fail(ErrorCode::kInvalidArgument, "batch dimensions " + ShapeString(a) + " and " +
                                                     ShapeString(b) + " do not broadcast");
      }
      out[i] = da == 1 ? db : da;
    }
    return out;
  }

  void RunOneDnn(const ir::Tensor& a, std::vector<int64_t> ad, const ir::Tensor& b,
                 std::vector<int64_t> bd, std::vector<int64_t> yd, float* y) {
    const size_t r = yd.size();
    // A batch of rows against one matrix is a single 2-D product.
    if (Product(bd, 0, r - 2) == 1 && Product(ad, 0, r - 2) == Product(yd, 0, r - 2)) {
      const int64_t rows = Product(ad, 0, r - 1);
      ad = {rows, ad[r - 1]};
      bd = {bd[r - 2], bd[r - 1]};
      yd = {rows, yd[r - 1]};
    }
    std::vector<int64_t> key;
    onednn::AppendKey(key, ad);
    onednn::AppendKey(key, bd);
    if (RunPacked(a, ad, b, bd, yd, key, y)) return;
    const MatMulEntry e = CachedMatMul(label_, cache_, key, Desc(ad, Strides(ad)),
                                       Desc(bd, Strides(bd)), Desc(yd, Strides(yd)), 1.0f);
    onednn::FloatView av(a), bv(b);
    RunCachedMatMul(label_, e, av.data(), bv.data(), y);
  }

  // A 2-D f32 B runs through a primitive whose weights are in the layout oneDNN prefers (every
  // call, so results never depend on whether B was cached). B's storage seen on two calls in a
  // row (weights: an initializer) is reordered once and kept, so constant weights stop paying the
  // per-call packing. The kept copy holds the source storage, so its address cannot be reused by
  // another tensor while cached; tensors are never written once shared.
  struct PackedPrimitive {
    std::vector<int64_t> key;
    dnnl::primitive primitive;
    memory::desc src, weights, dst;
  };
  struct PackedWeights {
    std::shared_ptr<const ir::Buffer> source;
    std::vector<int64_t> key;
    memory weights;
  };

  bool RunPacked(const ir::Tensor& a, const std::vector<int64_t>& ad, const ir::Tensor& b,
                 const std::vector<int64_t>& bd, const std::vector<int64_t>& yd,
                 const std::vector<int64_t>& key, float* y) {
    if (a.dtype != ir::DType::kFloat || b.dtype != ir::DType::kFloat || !b.data || ad.size() != 2 ||
        bd.size() != 2) {
      return false;
    }
    const auto& engine = onednn::Engine();
    std::shared_ptr<const PackedPrimitive> prim;
    std::shared_ptr<const PackedWeights> packed;
    {
      std::lock_guard<std::mutex> lock(pack_mutex_);
      try {
        if (!packed_primitive_ || packed_primitive_->key != key) {
          auto entry = std::make_shared<PackedPrimitive>();
          entry->key = key;
          const memory::desc any(onednn::ToDims(bd), memory::data_type::f32,
                                 memory::format_tag::any);
          dnnl::matmul::desc desc(Desc(ad, Strides(ad)), any, Desc(yd, Strides(yd)));
          dnnl::matmul::primitive_desc pd(desc, onednn::CachedPrimitiveAttr(), engine);
          entry->primitive = dnnl::matmul(pd);
          entry->src = pd.src_desc();
          entry->weights = pd.weights_desc();
          entry->dst = pd.dst_desc();
          packed_primitive_ = std::move(entry);
        }
        prim = packed_primitive_;
        if (packed_ && packed_->source == b.data && packed_->key == key) {
          packed = packed_;
        } else {
          auto entry = std::make_shared<PackedWeights>();
          entry->key = key;
          entry->weights = memory(prim->weights, engine);
          memory plain(Desc(bd, Strides(bd)), engine, const_cast<float*>(b.DataAs<float>()));
          onednn::Execute(label_, dnnl::reorder(plain, entry->weights),
                          {{DNNL_ARG_FROM, plain}, {DNNL_ARG_TO, entry->weights}});
          if (last_b_.lock() == b.data) {
            entry->source = b.data;
            packed_ = entry;
          } else {
            last_b_ = b.data;
          }
          packed = std::move(entry);
        }
      } catch (const dnnl::error& e) {
        label_.Fail(ErrorCode::kInternal, std::string("oneDNN rejected the matmul: ") + e.what());
      }
    }
    onednn::Execute(
        label_, prim->primitive,
        {{DNNL_ARG_SRC, memory(prim->src, engine, const_cast<float*>(a.DataAs<float>()))},
         {DNNL_ARG_WEIGHTS, packed->weights},
         {DNNL_ARG_DST, memory(prim->dst, engine, y)}});
    return true;
  }

  NodeLabel label_;
  onednn::ShapeCache<MatMulEntry> cache_;
  std::mutex pack_mutex_;
  std::weak_ptr<const ir::Buffer> last_b_;
  std::shared_ptr<const PackedPrimitive> packed_primitive_;
  std::shared_ptr<const PackedWeights> packed_;
};

// Gemm: Y = alpha * op(A) * op(B) + beta * C, C unidirectionally broadcast to [M, N].
class GemmKernel : public Kernel {
 public:
  explicit GemmKernel(const NodeInfo& info)
      : label_(info),
        alpha_(info.GetFloat("alpha", 1.0f)),
        beta_(info.GetFloat("beta", 1.0f)),
        trans_a_(info.GetInt("transA", 0) != 0),
        trans_b_(info.GetInt("transB", 0) != 0),
        // Before opset 7, broadcast=0 requires C of exactly [M, N].
        exact_c_(info.opset() < 7 && info.GetInt("broadcast", 0) == 0),
        c_required_(info.opset() < 11) {}

  void Run(const std::vector<const ir::Tensor*>& inputs, std::vector<ir::Tensor>& outputs,
           const RunContext& /*context*/) override {
    const ir::Tensor& a = onednn::RequireInput(label_, inputs, 0, "A");
    const ir::Tensor& b = onednn::RequireInput(label_, inputs, 1, "B");
    const ir::Tensor* c = inputs.size() > 2 ? inputs[2] : nullptr;
    if (c == nullptr && c_required_) onednn::RequireInput(label_, inputs, 2, "C");
    onednn::RequireDType(label_, a, "A", kMatMulTypes);
    onednn::RequireSameDType(label_, b, "B", a);
    if (c) onednn::RequireSameDType(label_, *c, "C", a);
    if (a.dims.size() != 2 || b.dims.size() != 2) {
      label_.Fail(ErrorCode::kInvalidArgument, "inputs A " + ShapeString(a.dims) + " and B " +
                                                   ShapeString(b.dims) + " must be 2-D");
    }
    const int64_t m = trans_a_ ? a.dims[1] : a.dims[0];
    const int64_t k = trans_a_ ? a.dims[0] : a.dims[1];
    const int64_t kb = trans_b_ ? b.dims[1] : b.dims[0];
    const int64_t n = trans_b_ ? b.dims[0] : b.dims[1];
    if (k != kb) {
      label_.Fail(ErrorCode::kInvalidArgument, "inner dimensions of A " + ShapeString(a.dims) +
                                                   " and B " + ShapeString(b.dims) +
                                                   " differ (transA=" + std::to_string(trans_a_) +
                                                   ", transB=" + std::to_string(trans_b_) + ")");
    }
    std::vector<int64_t> c_strides = {0, 0};
    if (c) {
      const std::vector<int64_t>& cd = c->dims;
      bool ok = cd.size() <= 2;
      for (size_t i = 0; ok && i < cd.size(); ++i) {
        const int64_t want = i + 2 - cd.size() == 0 ? m : n;
        ok = cd[i] == want || cd[i] == 1;
      }
      if (ok && exact_c_) ok = cd == std::vector<int64_t>{m, n};
      if (!ok) {
        label_.Fail(ErrorCode::kInvalidArgument,
                    "input C " + ShapeString(cd) + " does not broadcast to [" + std::to_string(m) +
                        ", " + std::to_string(n) + "]");
      }
      c_strides = BroadcastStrides(cd, {m, n});
    }
    const std::vector<int64_t> y_dims = {m, n};
    if (!onednn::IsFloat32Like(a.dtype)) {
      if (IsIntegerDType(a.dtype)) {
        outputs[0] = StoreAs(Loop<int64_t>(a, b, c, c_strides, m, k, n), a.dtype, y_dims);
      } else {
        outputs[0] = StoreAs(Loop<double>(a, b, c, c_strides, m, k, n), a.dtype, y_dims);
      }
      return;
    }
    onednn::FloatOutput y(a.dtype, y_dims);
    float* yp = y.data();
    if (m > 0 && n > 0 && k > 0) {
      std::vector<int64_t> key = {m, k, n};
      const memory::desc ad = trans_a_ ? Desc({m, k}, {1, m}) : Desc({m, k}, {k, 1});
      const memory::desc bd = trans_b_ ? Desc({k, n}, {1, k}) : Desc({k, n}, {n, 1});
      const MatMulEntry e = CachedMatMul(label_, cache_, key, ad, bd, Desc({m, n}, {n, 1}), alpha_);
      onednn::FloatView av(a), bv(b);
      RunCachedMatMul(label_, e, av.data(), bv.data(), yp);
    }
    if (c && beta_ != 0.0f) {
      onednn::FloatView cv(*c);
      for (int64_t i = 0; i < m; ++i) {
        for (int64_t j = 0; j < n; ++j) {
          yp[i * n + j] += beta_ * cv.data()[i * c_strides[0] + j * c_strides[1]];
        }
      }
    }
    outputs[0] = y.Finish();
  }

 private:
  template <typename Acc>
  std::vector<Acc> Loop(const ir::Tensor& a, const ir::Tensor& b, const ir::Tensor* c,
                        const std::vector<int64_t>& cs, int64_t m, int64_t k, int64_t n) const {
    std::vector<Acc> y(static_cast<size_t>(m * n));
    const Acc alpha = static_cast<Acc>(alpha_), beta = static_cast<Acc>(beta_);
    for (int64_t i = 0; i < m; ++i) {
      for (int64_t j = 0; j < n; ++j) {
        Acc acc = 0;
        for (int64_t kk = 0; kk < k; ++kk) {
          const int64_t ai = trans_a_ ? kk * m + i : i * k + kk;
          const int64_t bi = trans_b_ ? j * k + kk : kk * n + j;
          acc += ReadAs<Acc>(a, ai) * ReadAs<Acc>(b, bi);
        }
        Acc v = alpha * acc;
        if (c) v += beta * ReadAs<Acc>(*c, i * cs[0] + j * cs[1]);
        y[i * n + j] = v;
      }
    }
    return y;
  }

  NodeLabel label_;
  float alpha_, beta_;
  bool trans_a_, trans_b_, exact_c_, c_required_;
  onednn::ShapeCache<MatMulEntry> cache_;
};

// Einsum, parsed once: every label (letters, and one per ellipsis dim) gets a loop; inputs read
// through per-label strides (repeated labels add up, giving diagonals), labels missing from the
// output are summed over.
class EinsumKernel : public Kernel {
 public:
  explicit EinsumKernel(const NodeInfo& info) : label_(info) {
    std::string eq;
    for (char ch : info.GetString("equation", "")) {
      if (ch != ' ') eq += ch;
    }
    if (eq.empty()) info.Fail(ErrorCode::kInvalidModel, "attribute equation is missing or empty");
    const size_t arrow = eq.find("->");
    explicit_output_ = arrow != std::string::npos;
    const std::string lhs = eq.substr(0, arrow);
    if (explicit_output_) output_term_ = eq.substr(arrow + 2);
    size_t start = 0;
    while (true) {
      const size_t comma = lhs.find(',', start);
      input_terms_.push_back(lhs.substr(start, comma - start));
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
    for (const std::string& t : input_terms_) CheckTerm(info, t, "input");
    if (explicit_output_) CheckTerm(info, output_term_, "output");
  }

  void Run(const std::vector<const ir::Tensor*>& inputs, std::vector<ir::Tensor>& outputs,
           const RunContext& /*context*/) override {
    if (inputs.size() != input_terms_.size()) {
      label_.Fail(ErrorCode::kInvalidArgument,
                  "equation has " + std::to_string(input_terms_.size()) + " operands, got " +
                      std::to_string(inputs.size()) + " inputs");
    }
    for (size_t i = 0; i < inputs.size(); ++i) {
      const ir::Tensor& t = onednn::RequireInput(label_, inputs, i, "Inputs");
      onednn::RequireDType(label_, t, "Inputs", kMatMulTypes);
      onednn::RequireSameDType(label_, t, "Inputs", *inputs[0]);
    }
    // Ellipsis dims: right-aligned numpy broadcast of every operand's ellipsis part.
    std::vector<int64_t> ellipsis;
    std::vector<size_t> ellipsis_rank(inputs.size(), 0);
    for (size_t i = 0; i < inputs.size(); ++i) {
      const std::string& term = input_terms_[i];
      const size_t letters = CountLetters(term);
      const bool has_ellipsis = term.find("...") != std::string::npos;
      const size_t rank = inputs[i]->dims.size();
      if (rank < letters || (!has_ellipsis && rank != letters)) {
        label_.Fail(ErrorCode::kInvalidArgument, "operand " + std::to_string(i) + " " +
                                                     ShapeString(inputs[i]->dims) +
                                                     " does not match term '" + term + "'");
      }
      if (!has_ellipsis) continue;
      ellipsis_rank[i] = rank - letters;
      const size_t pos = term.find("...");
      std::vector<int64_t> part(inputs[i]->dims.begin() + static_cast<int64_t>(pos),
                                inputs[i]->dims.begin() + static_cast<int64_t>(pos) +
                                    static_cast<int64_t>(ellipsis_rank[i]));
      const size_t r = std::max(ellipsis.size(), part.size());
      std::vector<int64_t> merged(r);
      for (size_t d = 0; d < r; ++d) {
        const int64_t x = d < r - ellipsis.size() ? 1 : ellipsis[d - (r - ellipsis.size())];
        const int64_t y = d < r - part.size() ? 1 : part[d - (r - part.size())];
        if (x != y && x != 1 && y != 1) {
          label_.Fail(ErrorCode::kInvalidArgument, "ellipsis dimensions " + ShapeString(ellipsis) +
                                                       " and " + ShapeString(part) +
                                                       " do not broadcast");
        }
        merged[d] = x == 1 ? y : x;
      }
      ellipsis = merged;
    }
    // Labels: letters keep their char code, ellipsis dim d becomes 256 + d.
    std::map<int, int64_t> sizes;
    std::map<int, int> counts;
    for (size_t d = 0; d < ellipsis.size(); ++d) sizes[256 + static_cast<int>(d)] = ellipsis[d];
    std::vector<std::vector<int>> operand_labels(inputs.size());
    for (size_t i = 0; i < inputs.size(); ++i) {
      operand_labels[i] = Expand(input_terms_[i], ellipsis_rank[i], ellipsis.size());
      std::map<int, bool> seen;
      for (size_t d = 0; d < operand_labels[i].size(); ++d) {
        const int l = operand_labels[i][d];
        const int64_t size = inputs[i]->dims[d];
        if (l < 256) {
          auto it = sizes.find(l);
          if (it != sizes.end() && it->second != size) {
            label_.Fail(ErrorCode::kInvalidArgument,
                        std::string("label '") + static_cast<char>(l) + "' has sizes " +
                            std::to_string(it->second) + " and " + std::to_string(size));
          }
          sizes[l] = size;
          if (!seen[l]) ++counts[l];
          seen[l] = true;
        }
      }
    }
    std::vector<int> out_labels;
    if (explicit_output_) {
      out_labels = Expand(output_term_, ellipsis.size(), ellipsis.size());
      for (int l : out_labels) {
        if (l < 256 && sizes.count(l) == 0) {
          label_.Fail(
              ErrorCode::kInvalidArgument,
              std::string("output label '") + static_cast<char>(l) + "' appears in no input");
        }
      }
    } else {
      for (size_t d = 0; d < ellipsis.size(); ++d) out_labels.push_back(256 + static_cast<int>(d));
      for (const auto& [l, count] : counts) {
        // Implicit output: labels used once, alphabetically (std::map orders them).
        if (count == 1 && OccurrencesIn(operand_labels, l) == 1) out_labels.push_back(l);
      }
    }
    std::vector<int> loop_labels = out_labels;
    for (const auto& [l, size] : sizes) {
      (void)size;
      if (std::find(loop_labels.begin(), loop_labels.end(), l) == loop_labels.end()) {
        loop_labels.push_back(l);
      }
    }
    std::vector<int64_t> out_dims, loop_sizes;
    for (int l : out_labels) out_dims.push_back(sizes[l]);
    for (int l : loop_labels) loop_sizes.push_back(sizes[l]);
    // Strides of each operand per loop label (0 for labels it lacks or broadcasts).
    std::vector<std::vector<int64_t>> strides(inputs.size(),
                                              std::vector<int64_t>(loop_labels.size(), 0));
    for (size_t i = 0; i < inputs.size(); ++i) {
      const std::vector<int64_t> own = Strides(inputs[i]->dims);
      for (size_t d = 0; d < operand_labels[i].size(); ++d) {
        if (inputs[i]->dims[d] == 1) continue;
        const size_t li = static_cast<size_t>(
            std::find(loop_labels.begin(), loop_labels.end(), operand_labels[i][d]) -
            loop_labels.begin());
        strides[i][li] += own[d];
      }
    }
    const ir::DType dtype = inputs[0]->dtype;
    if (IsIntegerDType(dtype)) {
      outputs[0] = StoreAs(Compute<int64_t>(inputs, strides, loop_sizes, out_labels.size()), dtype,
                           out_dims);
    } else {
      outputs[0] =
          StoreAs(Compute<double>(inputs, strides, loop_sizes, out_labels.size()), dtype, out_dims);
    }
  }

 private:
  static size_t CountLetters(const std::string& term) {
    size_t n = 0;
    for (char ch : term) n += ch != '.';
    return n;
  }

  static int OccurrencesIn(const std::vector<std::vector<int>>& operand_labels, int l) {
    int n = 0;
    for (const auto& labels : operand_labels)
      n += static_cast<int>(std::count(labels.begin(), labels.end(), l));
    return n;
  }

  // Labels of a term with its ellipsis expanded to `rank` dims, aligned to the last of `total`.
  static std::vector<int> Expand(const std::string& term, size_t rank, size_t total) {
    std::vector<int> labels;
    for (size_t i = 0; i < term.size(); ++i) {
      if (term.compare(i, 3, "...") == 0) {
        for (size_t d = total - rank; d < total; ++d) labels.push_back(256 + static_cast<int>(d));
        i += 2;
      } else {
        labels.push_back(static_cast<unsigned char>(term[i]));
      }
    }
    return labels;
  }

  static void CheckTerm(const NodeInfo& info, const std::string& term, const char* what) {
    const size_t pos = term.find("...");
    if (pos != std::string::npos && term.find("...", pos + 3) != std::string::npos) {
      info.Fail(ErrorCode::kInvalidModel,
                std::string(what) + " term '" + term + "' has more than one ellipsis");
    }
    for (size_t i = 0; i < term.size(); ++i) {
      if (i == pos) {
        i += 2;
        continue;
      }
      const char ch = term[i];
      if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z'))) {
        info.Fail(ErrorCode::kInvalidModel, std::string("invalid character '") + ch + "' in " +
                                                what + " term '" + term + "'");
      }
    }
  }

  // Output labels come first in the loop order, so the output offset is a running counter over
  // the outer loops.
  template <typename Acc>
  std::vector<Acc> Compute(const std::vector<const ir::Tensor*>& inputs,
                           const std::vector<std::vector<int64_t>>& strides,
                           const std::vector<int64_t>& loop_sizes, size_t num_out) const {
    const int64_t out_count = Product(loop_sizes, 0, num_out);
    const int64_t inner_count = Product(loop_sizes, num_out);
    std::vector<Acc> y(static_cast<size_t>(out_count), Acc(0));
    if (inner_count == 0 || out_count == 0) return y;
    std::vector<int64_t> index(loop_sizes.size(), 0);
    std::vector<int64_t> offset(inputs.size(), 0);
    for (int64_t o = 0; o < out_count; ++o) {
      Acc acc = 0;
      for (int64_t it = 0; it < inner_count; ++it) {
        Acc p = 1;
        for (size_t i = 0; i < inputs.size(); ++i) p *= ReadAs<Acc>(*inputs[i], offset[i]);
        acc += p;
        // Advance the multi-index and the operand offsets together.
        for (size_t d = loop_sizes.size(); d-- > 0;) {
          if (++index[d] < loop_sizes[d]) {
            for (size_t i = 0; i < inputs.size(); ++i) offset[i] += strides[i][d];
            break;
          }
          index[d] = 0;
          for (size_t i = 0; i < inputs.size(); ++i) {
            offset[i] -= strides[i][d] * (loop_sizes[d] - 1);
          }
        }
      }
      y[o] = acc;
    }
    return y;
  }

  NodeLabel label_;
  bool explicit_output_ = false;
  std::vector<std::string> input_terms_;
  std::string output_term_;
};

std::unique_ptr<Kernel> MakeMatMul(const NodeInfo& info) {
  return std::make_unique<MatMulKernel>(info);
}
std::unique_ptr<Kernel> MakeGemm(const NodeInfo& info) {
  return std::make_unique<GemmKernel>(info);
}
std::unique_ptr<Kernel> MakeEinsum(const NodeInfo& info) {
  return std::make_unique<EinsumKernel>(info);
}

}  // namespace

void RegisterMatMulKernels(KernelRegistry& registry) {
  registry.Register("", "MatMul", 1, 23, MakeMatMul);
  registry.Register("", "Gemm", 1, 23, MakeGemm);
  registry.Register("", "Einsum", 12, 23, MakeEinsum);
}

}  // namespace nncf::exec
