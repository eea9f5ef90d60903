// FoldWeightQuantizers (NNCF's compress_quantize_weights_transformation, onnx/graph/passes.py):
// a QuantizeLinear on an initializer is evaluated once, as ONNX's QuantizeLinear defines it
// (x / scale rounded half to even, plus the zero point, saturated; float8 converted with the
// node's saturate flag), and its output becomes an initializer. Unlike NNCF, the float
// initializer is dropped only when nothing else reads it.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "algorithms/quantization/qdq_insertion.h"
#include "algorithms/quantization/qdq_types.h"
#include "algorithms/quantization/value_references.h"
#include "core/common/error.h"
#include "core/common/parallel_for.h"
#include "core/ir/buffer.h"
#include "core/ir/dtype.h"

namespace nncf::algorithms::quantization {
namespace {

using ir::DType;

int64_t IntAttribute(const ir::Node& node, const std::string& name, int64_t fallback) {
  const ir::Attribute* a = node.FindAttribute(name);
  return a && a->i ? *a->i : fallback;
}

std::string ShapeText(const std::vector<int64_t>& dims) {
  std::string s = "[";
  for (size_t i = 0; i < dims.size(); ++i) s += (i ? ", " : "") + std::to_string(dims[i]);
  return s + "]";
}

// Where each element's scale is: per tensor, per axis or blocked (opset 21). Element i of row
// r = o * axis_dim + a (inner elements per row) uses ScaleIndex(o, a, i).
struct ScaleLayout {
  bool scalar = false;
  int64_t outer = 1, axis_dim = 1, inner = 1, block_size = 0, blocks = 0;

  int64_t ScaleIndex(int64_t o, int64_t a, int64_t i) const {
    if (scalar) return 0;
    return block_size == 0 ? a : (o * blocks + a / block_size) * inner + i;
  }
};

ScaleLayout ResolveScaleLayout(const ir::Node& node, const ir::Tensor& x, const ir::Tensor& scale,
                               int64_t opset) {
  ScaleLayout layout;
  layout.block_size = opset >= 21 ? IntAttribute(node, "block_size", 0) : 0;
  layout.scalar = scale.dims.empty() ||
                  (scale.dims.size() == 1 && scale.dims[0] == 1 && layout.block_size == 0);
  if (layout.scalar) {
    layout.axis_dim = 1;
    layout.inner = x.NumElements();
    return layout;
  }
  const int64_t rank = static_cast<int64_t>(x.dims.size());
  int64_t axis = opset >= 13 ? IntAttribute(node, "axis", 1) : 1;
  if (axis < 0) axis += rank;
  const std::string where = "cannot fold QuantizeLinear '" + node.name + "': scale shape " +
                            ShapeText(scale.dims) + " for weight shape " + ShapeText(x.dims);
  if (axis < 0 || axis >= rank) {
    Fail(ErrorCode::kInvalidModel, where + " with axis " + std::to_string(axis));
  }
  for (int64_t d = 0; d < axis; ++d) layout.outer *= x.dims[d];
  for (int64_t d = axis + 1; d < rank; ++d) layout.inner *= x.dims[d];
  layout.axis_dim = x.dims[axis];
  if (layout.block_size == 0) {
    if (scale.dims.size() != 1 || scale.dims[0] != layout.axis_dim) {
      Fail(ErrorCode::kInvalidModel, where + " along axis " + std::to_string(axis));
    }
  } else {
    layout.blocks = (layout.axis_dim + layout.block_size - 1) / layout.block_size;
    bool ok = scale.dims.size() == x.dims.size();
    for (int64_t d = 0; ok && d < rank; ++d) {
      ok = scale.dims[d] == (d == axis ? layout.blocks : x.dims[d]);
    }
    if (!ok) {
      Fail(ErrorCode::kInvalidModel,
           where + " with block_size " + std::to_string(layout.block_size));
    }
  }
  return layout;
}

// The QuantizeLinear output for constant inputs, named `name`. Rows run on the caller's threads
// (each element is independent; sub-byte outputs, which share bytes, run on one).
ir::Tensor Quantize(const ir::Node& node, const ir::Tensor& x, const ir::Tensor& scale,
                    const ir::Tensor* zero_point, int64_t opset, const std::string& name,
                    int num_threads) {
  DType out = DType::kUint8;
  if (zero_point) {
    out = zero_point->dtype;
  } else if (opset >= 21 && IntAttribute(node, "output_dtype", 0) != 0) {
    out = static_cast<DType>(IntAttribute(node, "output_dtype", 0));
  }
  if (zero_point && zero_point->NumElements() != scale.NumElements()) {
    Fail(ErrorCode::kInvalidModel, "cannot fold QuantizeLinear '" + node.name +
                                       "': zero point shape " + ShapeText(zero_point->dims) +
                                       " differs from scale shape " + ShapeText(scale.dims));
  }
  int64_t lo = 0, hi = 0;
  const bool integer = IntegerRange(out, &lo, &hi);
  if (!integer && out != DType::kFloat4E2M1 && !IsFloat8(out)) {
    Fail(ErrorCode::kInvalidModel, "cannot fold QuantizeLinear '" + node.name +
                                       "': output element type " + ir::DTypeName(out) +
                                       " is not a quantized type");
  }
  const ScaleLayout layout = ResolveScaleLayout(node, x, scale, opset);
  const int64_t n = x.NumElements();
  const bool saturate = opset < 19 || IntAttribute(node, "saturate", 1) != 0;
  // Element access through GetAsDouble costs more than the quantization itself on big weights:
  // read float32 data in place and widen everything else once.
  std::vector<float> widened;
  const float* values = nullptr;
  if (x.dtype == DType::kFloat) {
    values = x.DataAs<float>();
  } else {
    widened.resize(static_cast<size_t>(n));
    for (int64_t i = 0; i < n; ++i) widened[i] = static_cast<float>(x.GetAsDouble(i));
    values = widened.data();
  }
  std::vector<float> scales(static_cast<size_t>(scale.NumElements()));
  std::vector<double> zero_points(scales.size(), 0.0);
  for (size_t k = 0; k < scales.size(); ++k) {
    scales[k] = static_cast<float>(scale.GetAsDouble(static_cast<int64_t>(k)));
    if (zero_point) zero_points[k] = zero_point->GetAsDouble(static_cast<int64_t>(k));
  }
  const bool sub_byte = ir::IsSubByte(out);
  // Sub-byte outputs are zero-filled first (the nibbles are or-ed in); the rest is written whole.
  auto buffer =
      sub_byte ? std::make_shared<ir::OwnedBuffer>(ir::StorageBytes(out, n))
               : std::make_shared<ir::OwnedBuffer>(ir::kUninitialized, ir::StorageBytes(out, n));
  uint8_t* bytes = buffer->mutable_data();
  auto quantize_row = [&](int64_t row) {
    const int64_t o = row / layout.axis_dim, a = row % layout.axis_dim;
    for (int64_t in = 0; in < layout.inner; ++in) {
      const int64_t i = row * layout.inner + in;
      const size_t s = static_cast<size_t>(layout.ScaleIndex(o, a, in));
      // float arithmetic as ONNX's reference and our executor do; nearbyint rounds half to even.
      const float quotient = values[i] / scales[s];
      const double zp = zero_points[s];
      if (integer) {
        const float rounded = std::nearbyint(quotient);
        double v = std::isnan(rounded) ? 0.0 : static_cast<double>(rounded) + zp;
        v = std::min(std::max(v, static_cast<double>(lo)), static_cast<double>(hi));
        const int64_t q = static_cast<int64_t>(v);
        switch (out) {
          case DType::kInt8:
          case DType::kUint8:
            bytes[i] = static_cast<uint8_t>(q);
            break;
          case DType::kInt16:
          case DType::kUint16:
            bytes[2 * i] = static_cast<uint8_t>(q & 0xFF);
            bytes[2 * i + 1] = static_cast<uint8_t>((q >> 8) & 0xFF);
            break;
          default:  // int4 / uint4, two's complement nibbles, low nibble first
            ir::SetNibble(bytes, i, static_cast<uint8_t>(q & 0xF));
        }
      } else if (out == DType::kFloat4E2M1) {
        ir::SetNibble(bytes, i, ir::FloatToFloat4E2M1(quotient + static_cast<float>(zp)));
      } else {
        bytes[i] = ir::FloatToFloat8(out, quotient + static_cast<float>(zp), saturate);
      }
    }
  };
  const int64_t rows = layout.outer * layout.axis_dim;
  ParallelFor(sub_byte ? 1 : num_threads, rows, layout.inner, [&](int64_t begin, int64_t end) {
    for (int64_t row = begin; row < end; ++row) quantize_row(row);
  });
  ir::Tensor result;
  result.name = name;
  result.dtype = out;
  result.dims = x.dims;
  result.data = std::move(buffer);
  return result;
}

}  // namespace

int FoldWeightQuantizers(ir::Model& model, int num_threads) {
  if (!model.graph) return 0;
  ir::Graph& graph = *model.graph;
  const int64_t opset = model.DefaultOpset();
  std::vector<ir::Tensor> folded;
  std::vector<bool> remove(graph.nodes.size(), false);
  std::set<std::string> sources;
  for (size_t i = 0; i < graph.nodes.size(); ++i) {
    const ir::Node& node = graph.nodes[i];
    if (node.op_type != "QuantizeLinear" || !node.IsDefaultDomain() || node.inputs.size() < 2 ||
        node.outputs.empty()) {
      continue;
    }
    const ir::Tensor* x = graph.FindInitializer(node.inputs[0]);
    const ir::Tensor* scale = graph.FindInitializer(node.inputs[1]);
    const bool has_zp = node.inputs.size() > 2 && !node.inputs[2].empty();
    const ir::Tensor* zero_point = has_zp ? graph.FindInitializer(node.inputs[2]) : nullptr;
    // Only wholly constant quantizers fold (a scale from a Constant node stays a node).
    if (x == nullptr || scale == nullptr || (has_zp && zero_point == nullptr)) continue;
    if (graph.FindInitializer(node.outputs[0]) != nullptr) {
      Fail(ErrorCode::kInvalidModel, "cannot fold QuantizeLinear '" + node.name +
                                         "': an initializer is already named '" + node.outputs[0] +
                                         "'");
    }
    folded.push_back(Quantize(node, *x, *scale, zero_point, opset, node.outputs[0], num_threads));
    remove[i] = true;
    sources.insert(node.inputs[0]);
  }
  if (folded.empty()) return 0;

  std::vector<ir::Node> kept;
  kept.reserve(graph.nodes.size() - folded.size());
  for (size_t i = 0; i < graph.nodes.size(); ++i) {
    if (!remove[i]) kept.push_back(std::move(graph.nodes[i]));
  }
  graph.nodes = std::move(kept);
  const int count = static_cast<int>(folded.size());
  for (ir::Tensor& t : folded) graph.initializers.push_back(std::move(t));

  for (const std::string& source : sources) {
    if (GraphReads(graph, source)) continue;
    auto drop = [&](auto& list) {
      list.erase(std::remove_if(list.begin(), list.end(),
                                [&](const auto& item) { return item.name == source; }),
                 list.end());
    };
    drop(graph.initializers);
    drop(graph.inputs);
    drop(graph.value_info);
  }
  return count;
}

}  // namespace nncf::algorithms::quantization
