// Weight quantization with NNCF's formulas (weight_lowering.py), bit for bit: float32 maths, true
// division by the scale (never a reciprocal multiply), round-half-to-even, the float32-epsilon
// clamp of the scale. Work is split into independent tiles (one group of rows times a block of
// output channels), so the result does not depend on the number of threads.
#include "algorithms/weight_compression/weight_quantization.h"

#include <algorithm>
#include <atomic>
#include <cfloat>
#include <cmath>
#include <cstring>
#include <limits>
#include <sstream>
#include <vector>

#include "algorithms/weight_compression/weight_quantization_kernels.h"
#include "core/common/error.h"
#include "core/common/parallel_for.h"

namespace nncf::algorithms::wc {
namespace {

// Where the elements of one weight live: [outer, channels, inner] around the reduction axis.
struct Layout {
  int64_t outer = 1;
  int64_t channels = 1;
  int64_t inner = 1;
  int64_t group_size = 1;
  int64_t groups = 1;
};

std::string ShapeText(const std::vector<int64_t>& dims) {
  std::ostringstream out;
  out << '[';
  for (size_t i = 0; i < dims.size(); ++i) out << (i ? "," : "") << dims[i];
  out << ']';
  return out.str();
}

std::string TensorLabel(const ir::Tensor& weight) {
  return "weight '" + weight.name + "' " + ShapeText(weight.dims);
}

Layout MakeLayout(const ir::Tensor& weight, int64_t axis, int64_t group_size) {
  Layout layout;
  for (int64_t d = 0; d < axis; ++d) layout.outer *= weight.dims[d];
  layout.channels = weight.dims[axis];
  for (size_t d = axis + 1; d < weight.dims.size(); ++d) layout.inner *= weight.dims[d];
  layout.group_size = group_size;
  layout.groups = layout.channels / group_size;
  return layout;
}

// Runs body(task, next) for task in [0, count) on up to num_threads threads (0: all cores) of
// the library's pool, each thread taking one contiguous range of tasks in order; `next` is the
// task the same thread runs after this one (-1 at the end of its range), so the body can
// prefetch its input. Deterministic because every task writes its own outputs only.
template <typename Body>
void ParallelTiles(int64_t count, int num_threads, int64_t work_per_tile, const Body& body) {
  ParallelFor(ResolveNumThreads(num_threads), count, work_per_tile,
              [&](int64_t begin, int64_t end) {
                for (int64_t t = begin; t < end; ++t) body(t, t + 1 < end ? t + 1 : -1);
              });
}

// Float32 value each code stands for, before the scale.
float CodeValue(WeightMode mode, uint8_t code, uint8_t zero) {
  switch (mode) {
    case WeightMode::kInt8Asym:
    case WeightMode::kInt4Asym:
      return static_cast<float>(static_cast<int32_t>(code) - static_cast<int32_t>(zero));
    case WeightMode::kInt8Sym:
    case WeightMode::kInt4Sym:
      return static_cast<float>(static_cast<int8_t>(code));
    case WeightMode::kNf4:
      return Nf4Table()[code & 15];
    case WeightMode::kE2M1:
      return ir::Float4E2M1ToFloat(code & 15);
  }
  return 0.0f;
}

void CheckCompressed(const CompressedWeight& weight) {
  int64_t numel = 1;
  for (int64_t d : weight.shape) numel *= d;
  const int64_t groups = weight.num_groups();
  std::vector<int64_t> expected_scale_shape = weight.shape;
  expected_scale_shape[weight.reduction_axis] = groups;
  const size_t scale_count = static_cast<size_t>(numel / weight.group_size);
  if (static_cast<int64_t>(weight.codes.size()) != numel || weight.scales.size() != scale_count ||
      weight.scale_shape != expected_scale_shape ||
      (IsAsymmetric(weight.mode) ? weight.zero_points.size() != scale_count
                                 : !weight.zero_points.empty())) {
    Fail(ErrorCode::kInvalidArgument, std::string("compressed ") + WeightModeName(weight.mode) +
                                          " weight of shape " + ShapeText(weight.shape) +
                                          " has codes, scales or zero points of the wrong size");
  }
}

// Dequantized float32 values in the original element order.
std::vector<float> DequantizeToFloat(const CompressedWeight& weight) {
  CheckCompressed(weight);
  Layout layout;
  for (int64_t d = 0; d < weight.reduction_axis; ++d) layout.outer *= weight.shape[d];
  layout.channels = weight.shape[weight.reduction_axis];
  for (size_t d = weight.reduction_axis + 1; d < weight.shape.size(); ++d) {
    layout.inner *= weight.shape[d];
  }
  layout.group_size = weight.group_size;
  layout.groups = weight.num_groups();
  std::vector<float> out(weight.codes.size());
  const bool asym = IsAsymmetric(weight.mode);
  for (int64_t o = 0; o < layout.outer; ++o) {
    for (int64_t c = 0; c < layout.channels; ++c) {
      const int64_t g = c / layout.group_size;
      const int64_t element = (o * layout.channels + c) * layout.inner;
      const int64_t param = (o * layout.groups + g) * layout.inner;
      for (int64_t i = 0; i < layout.inner; ++i) {
        const uint8_t zero = asym ? weight.zero_points[param + i] : 0;
        out[element + i] =
            CodeValue(weight.mode, weight.codes[element + i], zero) * weight.scales[param + i];
      }
    }
  }
  return out;
}

std::vector<float> WeightAsFloat(const ir::Tensor& weight) {
  std::vector<float> out(static_cast<size_t>(weight.NumElements()));
  kernels::Convert(weight.dtype, weight.bytes(), static_cast<int64_t>(out.size()), out.data());
  return out;
}

// A CompressedWeight with everything but its codes, scales and zero points filled in.
CompressedWeight Describe(const ir::Tensor& weight, WeightMode mode, int64_t axis,
                          int64_t group_size, const Layout& layout) {
  CompressedWeight result;
  result.mode = mode;
  result.shape = weight.dims;
  result.reduction_axis = axis;
  result.group_size = group_size;
  result.float_dtype = weight.dtype;
  result.scale_shape = weight.dims;
  result.scale_shape[axis] = layout.groups;
  return result;
}

// Elements per tile of the contiguous-group layout: long runs for the hardware prefetcher.
constexpr int64_t kTileElements = 1 << 18;
// Source bytes per tile of the strided layout: the tile being quantized and the next one being
// prefetched both stay in L2 (256 KiB measured best against 128 KiB to 1 MiB).
constexpr int64_t kTileBytes = int64_t{1} << 18;

// Per-thread working memory, reused across tiles and calls (never zeroed: always written first).
float* ScratchBuffer(int64_t count) {
  thread_local std::vector<float> buffer;
  if (static_cast<int64_t>(buffer.size()) < count) buffer.resize(static_cast<size_t>(count));
  return buffer.data();
}

}  // namespace

bool IsQuantizableDType(ir::DType dtype) {
  return dtype == ir::DType::kFloat || dtype == ir::DType::kFloat16 ||
         dtype == ir::DType::kBFloat16 || dtype == ir::DType::kDouble;
}

double MachineEpsilon(ir::DType dtype) {
  switch (dtype) {
    case ir::DType::kFloat16:
      return std::ldexp(1.0, -10);
    case ir::DType::kBFloat16:
      return std::ldexp(1.0, -7);
    case ir::DType::kDouble:
      return std::numeric_limits<double>::epsilon();
    default:
      return std::numeric_limits<float>::epsilon();
  }
}

CompressedWeight QuantizeWeight(const ir::Tensor& weight, WeightMode mode, int64_t reduction_axis,
                                int64_t group_size, int num_threads) {
  if (!IsQuantizableDType(weight.dtype)) {
    Fail(ErrorCode::kInvalidArgument, TensorLabel(weight) + ": element type " +
                                          ir::DTypeName(weight.dtype) +
                                          " is not float, float16, bfloat16 or double");
  }
  const int64_t rank = static_cast<int64_t>(weight.dims.size());
  if (rank == 0 || reduction_axis < -rank || reduction_axis >= rank) {
    Fail(ErrorCode::kInvalidArgument, TensorLabel(weight) + ": reduction axis " +
                                          std::to_string(reduction_axis) + " is out of range");
  }
  const int64_t axis = reduction_axis < 0 ? reduction_axis + rank : reduction_axis;
  const int64_t numel = weight.NumElements();
  if (numel <= 0 || weight.data == nullptr ||
      weight.ByteSize() != ir::StorageBytes(weight.dtype, numel)) {
    Fail(ErrorCode::kInvalidArgument, TensorLabel(weight) + ": has no element data to quantize");
  }
  const int64_t channels = weight.dims[axis];
  if (group_size == -1) group_size = channels;
  if (group_size <= 0 || channels % group_size != 0) {
    Fail(ErrorCode::kInvalidArgument,
         TensorLabel(weight) + ": group size " + std::to_string(group_size) +
             " does not divide the reduction axis " + std::to_string(axis) + " of size " +
             std::to_string(channels));
  }
  if (mode == WeightMode::kE2M1 && group_size != 32) {
    Fail(ErrorCode::kInvalidArgument, TensorLabel(weight) +
                                          ": e2m1 (MX FP4) needs group size 32, got " +
                                          std::to_string(group_size));
  }

  const Layout layout = MakeLayout(weight, axis, group_size);
  CompressedWeight result = Describe(weight, mode, axis, group_size, layout);
  const int64_t param_count = layout.outer * layout.groups * layout.inner;
  result.codes.resize(static_cast<size_t>(numel));
  result.scales.resize(static_cast<size_t>(param_count));
  if (IsAsymmetric(mode)) result.zero_points.resize(static_cast<size_t>(param_count));

  const bool is_float = weight.dtype == ir::DType::kFloat;
  const size_t element_bytes = ir::DTypeBits(weight.dtype) / 8;
  const uint8_t* src = weight.bytes();
  std::atomic<bool> finite{true};

  if (layout.inner == 1) {
    // Each group is a contiguous run; a tile is a batch of whole groups.
    const int64_t total_groups = layout.outer * layout.groups;
    const int64_t per_tile = std::max<int64_t>(1, kTileElements / group_size);
    const int64_t tiles = (total_groups + per_tile - 1) / per_tile;
    ParallelTiles(tiles, num_threads, per_tile * group_size, [&](int64_t tile, int64_t) {
      float* scratch = is_float ? nullptr : ScratchBuffer(group_size);
      const int64_t end = std::min(total_groups, (tile + 1) * per_tile);
      for (int64_t group = tile * per_tile; group < end; ++group) {
        const int64_t base = group * group_size;
        float mn, mx, scale, zero;
        if (!kernels::ConvertSpanStats(weight.dtype, src + base * element_bytes, group_size,
                                       scratch, &mn, &mx)) {
          finite = false;
        }
        const float* x = is_float ? reinterpret_cast<const float*>(src) + base : scratch;
        kernels::GroupParams(mode, mn, mx, &scale, &zero);
        kernels::QuantizeSpan(mode, x, group_size, &scale, &zero, 0, result.codes.data() + base);
        result.scales[group] = scale;
        if (IsAsymmetric(mode)) result.zero_points[group] = static_cast<uint8_t>(zero);
      }
    });
  } else {
    // A tile is one group of rows times a block of at least 512 columns (output channels), so
    // every row segment read is a long contiguous run. One pass folds the rows into the column
    // min/max, a second converts them again (from L2) and quantizes: cheaper than storing and
    // reloading a float copy. Fewer than 512 columns per row segment measured slower for
    // per-channel groups even though their tiles then exceed L2.
    const int64_t tile_elements = kTileBytes / static_cast<int64_t>(element_bytes);
    int64_t block = std::max<int64_t>(512, (tile_elements / group_size) / 16 * 16);
    block = std::min(block, layout.inner);
    const int64_t blocks = (layout.inner + block - 1) / block;
    const int64_t tiles = layout.outer * layout.groups * blocks;
    auto tile_base = [&](int64_t tile) {
      const int64_t og = tile / blocks;  // o * groups + g
      const int64_t o = og / layout.groups, g = og % layout.groups;
      return (o * layout.channels + g * group_size) * layout.inner + (tile % blocks) * block;
    };
    ParallelTiles(tiles, num_threads, block * group_size, [&](int64_t tile, int64_t next_tile) {
      const int64_t og = tile / blocks;  // o * groups + g
      const int64_t c0 = (tile % blocks) * block;
      const int64_t cols = std::min(block, layout.inner - c0);
      const int64_t base = tile_base(tile);
      // While this tile is quantized (bound by the division), the next one's rows are fetched
      // into L2 so the next statistics pass does not wait on memory.
      const int64_t next_base = next_tile >= 0 ? tile_base(next_tile) : -1;
      const int64_t next_cols =
          next_tile >= 0 ? std::min(block, layout.inner - (next_tile % blocks) * block) : 0;
      float* mn = ScratchBuffer(4 * cols);
      float* mx = mn + cols;
      float* scale = mx + cols;
      float* zero = scale + cols;
      std::fill(mn, mn + cols, std::numeric_limits<float>::infinity());
      std::fill(mx, mx + cols, -std::numeric_limits<float>::infinity());
      auto row_bytes = [&](int64_t r) { return src + (base + r * layout.inner) * element_bytes; };
      kernels::ColumnStats(weight.dtype, row_bytes(0), group_size, cols, layout.inner, mn, mx);
      if (!kernels::AllFinite(mn, mx, cols)) finite = false;
      kernels::GroupParamsSpan(mode, mn, mx, cols, scale, zero);
      const int64_t param = og * layout.inner + c0;
      std::copy(scale, scale + cols, result.scales.data() + param);
      if (IsAsymmetric(mode)) {
        for (int64_t j = 0; j < cols; ++j) {
          result.zero_points[param + j] = static_cast<uint8_t>(zero[j]);
        }
      }
      for (int64_t r = 0; r < group_size; ++r) {
        if (next_base >= 0) {
          kernels::PrefetchToL2(src + (next_base + r * layout.inner) * element_bytes,
                                next_cols * element_bytes);
        }
        if (!kernels::QuantizeRow(mode, weight.dtype, row_bytes(r), cols, scale, zero, 1,
                                  result.codes.data() + base + r * layout.inner)) {
          finite = false;
        }
      }
    });
  }
  if (!finite) {
    Fail(ErrorCode::kInvalidArgument,
         TensorLabel(weight) + ": contains NaN or infinity, which cannot be quantized");
  }
  return result;
}

GroupQuantization ComputeGroupQuantization(WeightMode mode, float min_value, float max_value) {
  float scale = 1, zero = 0;
  kernels::GroupParams(mode, min_value, max_value, &scale, &zero);
  GroupQuantization result;
  result.scale = scale;
  if (IsAsymmetric(mode)) result.zero_point = static_cast<uint8_t>(zero);
  return result;
}

uint8_t QuantizeScalar(WeightMode mode, float x, float scale, uint8_t zero_point) {
  const float zero = IsAsymmetric(mode)          ? static_cast<float>(zero_point)
                     : mode == WeightMode::kE2M1 ? 1.0f / scale
                                                 : 0.0f;
  if (mode == WeightMode::kE2M1) {
    // A scale that is not a power of two (fitted by an algorithm) needs the true division.
    return kernels::QuantizeOne(WeightMode::kE2M1, x / scale, 1.0f, 1.0f);
  }
  return kernels::QuantizeOne(mode, x, scale, zero);
}

float CodeLevel(WeightMode mode, uint8_t code, uint8_t zero_point) {
  return CodeValue(mode, code, zero_point);
}

CompressedWeight QuantizeWeightWithParams(const ir::Tensor& weight, WeightMode mode,
                                          int64_t reduction_axis, int64_t group_size,
                                          std::vector<float> scales,
                                          std::vector<uint8_t> zero_points) {
  if (!IsQuantizableDType(weight.dtype) || weight.data == nullptr) {
    Fail(ErrorCode::kInvalidArgument, TensorLabel(weight) + ": not a float weight with data");
  }
  const int64_t rank = static_cast<int64_t>(weight.dims.size());
  const int64_t axis = reduction_axis < 0 ? reduction_axis + rank : reduction_axis;
  if (axis < 0 || axis >= rank) {
    Fail(ErrorCode::kInvalidArgument, TensorLabel(weight) + ": reduction axis " +
                                          std::to_string(reduction_axis) + " is out of range");
  }
  const int64_t channels = weight.dims[axis];
  if (group_size == -1) group_size = channels;
  if (group_size <= 0 || channels % group_size != 0) {
    Fail(ErrorCode::kInvalidArgument, TensorLabel(weight) + ": group size " +
                                          std::to_string(group_size) +
                                          " does not divide the reduction axis");
  }
  const Layout layout = MakeLayout(weight, axis, group_size);
  const size_t params = static_cast<size_t>(layout.outer * layout.groups * layout.inner);
  if (scales.size() != params ||
      (IsAsymmetric(mode) ? zero_points.size() != params : !zero_points.empty())) {
    Fail(ErrorCode::kInvalidArgument, TensorLabel(weight) + ": " + std::to_string(params) +
                                          " precomputed scales (and zero points) expected, got " +
                                          std::to_string(scales.size()));
  }
  for (float scale : scales) {
    if (!std::isfinite(scale) || scale == 0.0f) {
      Fail(ErrorCode::kInvalidArgument,
           TensorLabel(weight) + ": a precomputed scale is zero or not finite");
    }
  }
  const std::vector<float> x = WeightAsFloat(weight);
  CompressedWeight result = Describe(weight, mode, axis, group_size, layout);
  result.codes.resize(x.size());
  for (int64_t o = 0; o < layout.outer; ++o) {
    for (int64_t c = 0; c < layout.channels; ++c) {
      const int64_t element = (o * layout.channels + c) * layout.inner;
      const int64_t param = (o * layout.groups + c / group_size) * layout.inner;
      for (int64_t i = 0; i < layout.inner; ++i) {
        const uint8_t zero = IsAsymmetric(mode) ? zero_points[param + i] : 0;
        result.codes[element + i] = QuantizeScalar(mode, x[element + i], scales[param + i], zero);
      }
    }
  }
  result.scales = std::move(scales);
  result.zero_points = std::move(zero_points);
  return result;
}

ir::Tensor DequantizeWeight(const CompressedWeight& weight, ir::DType dtype) {
  if (!IsQuantizableDType(dtype)) {
    Fail(ErrorCode::kInvalidArgument, std::string("cannot dequantize a weight to ") +
                                          ir::DTypeName(dtype) + ": not a float type");
  }
  const std::vector<float> values = DequantizeToFloat(weight);
  std::vector<uint8_t> storage(ir::StorageBytes(dtype, static_cast<int64_t>(values.size())));
  uint8_t* bytes = storage.data();
  for (size_t i = 0; i < values.size(); ++i) {
    switch (dtype) {
      case ir::DType::kFloat16: {
        const uint16_t h = ir::FloatToHalf(values[i]);
        std::memcpy(bytes + 2 * i, &h, 2);
        break;
      }
      case ir::DType::kBFloat16: {
        const uint16_t h = ir::FloatToBFloat16(values[i]);
        std::memcpy(bytes + 2 * i, &h, 2);
        break;
      }
      case ir::DType::kDouble: {
        const double d = values[i];
        std::memcpy(bytes + 8 * i, &d, 8);
        break;
      }
      default:
        std::memcpy(bytes + 4 * i, &values[i], 4);
        break;
    }
  }
  return ir::Tensor::FromBytes("", dtype, weight.shape, storage.data(), storage.size());
}

double WeightQuantizationError(const ir::Tensor& weight, const CompressedWeight& compressed,
                               int num_threads) {
  if (!IsQuantizableDType(weight.dtype) || weight.dims != compressed.shape ||
      weight.data == nullptr) {
    Fail(ErrorCode::kInvalidArgument, TensorLabel(weight) +
                                          ": does not match its compressed form of shape " +
                                          ShapeText(compressed.shape));
  }
  CheckCompressed(compressed);
  const Layout layout = MakeLayout(weight, compressed.reduction_axis, compressed.group_size);
  const bool asym = IsAsymmetric(compressed.mode);
  const size_t element_bytes = ir::DTypeBits(weight.dtype) / 8;
  // max over the kept positions of the mean over the reduction axis of the squared error. Each
  // position sums its channels in order; blocks of positions run on the threads, the original
  // converted a row segment at a time and the dequantized value made on the fly (no float copy
  // of the weight, which for an embedding is half a gigabyte).
  constexpr int64_t kBlock = 1024;
  const int64_t blocks = (layout.inner + kBlock - 1) / kBlock;
  std::vector<double> sums(static_cast<size_t>(layout.outer * layout.inner), 0.0);
  ParallelFor(ResolveNumThreads(num_threads), layout.outer * blocks,
              layout.channels * std::min(kBlock, layout.inner), [&](int64_t begin, int64_t end) {
                std::vector<float> original(static_cast<size_t>(std::min(kBlock, layout.inner)));
                for (int64_t task = begin; task < end; ++task) {
                  const int64_t o = task / blocks, i0 = (task % blocks) * kBlock;
                  const int64_t count = std::min(kBlock, layout.inner - i0);
                  double* sum = sums.data() + o * layout.inner + i0;
                  for (int64_t c = 0; c < layout.channels; ++c) {
                    const int64_t element = (o * layout.channels + c) * layout.inner + i0;
                    const int64_t param =
                        (o * layout.groups + c / layout.group_size) * layout.inner + i0;
                    kernels::Convert(weight.dtype, weight.bytes() + element * element_bytes, count,
                                     original.data());
                    for (int64_t i = 0; i < count; ++i) {
                      const uint8_t zero = asym ? compressed.zero_points[param + i] : 0;
                      const float restored =
                          CodeValue(compressed.mode, compressed.codes[element + i], zero) *
                          compressed.scales[param + i];
                      const float diff = restored - original[i];
                      sum[i] += static_cast<double>(diff * diff);
                    }
                  }
                }
              });
  double worst = 0.0;
  for (double s : sums) worst = std::max(worst, s / static_cast<double>(layout.channels));
  return worst;
}

double WeightQuantizationScore(const ir::Tensor& weight, int64_t reduction_axis, int num_threads) {
  const CompressedWeight int8 =
      QuantizeWeight(weight, WeightMode::kInt8Asym, reduction_axis, -1, num_threads);
  const double eps = MachineEpsilon(weight.dtype);
  return 1.0 / (WeightQuantizationError(weight, int8, num_threads) + eps);
}

double WeightQuantizationFrobenius(const ir::Tensor& weight, int64_t reduction_axis,
                                   int num_threads) {
  const CompressedWeight int8 =
      QuantizeWeight(weight, WeightMode::kInt8Asym, reduction_axis, -1, num_threads);
  const std::vector<float> restored = DequantizeToFloat(int8);
  const std::vector<float> original = WeightAsFloat(weight);
  double sum = 0.0;
  for (size_t i = 0; i < original.size(); ++i) {
    const double diff = static_cast<double>(restored[i]) - static_cast<double>(original[i]);
    sum += diff * diff;
  }
  return std::sqrt(sum);
}

}  // namespace nncf::algorithms::wc
