// Writes a compressed weight into the graph in one of the ONNX forms (nncf_weight_format).
#pragma once

#include <string>
#include <vector>

#include "algorithms/weight_compression/compressed_weight.h"
#include "core/ir/model.h"

namespace nncf::algorithms::wc {

enum class WeightFormat {
  kDequantizeLinear,
  kMatMulNBits,
  kFakeQuantize,
  kFakeQuantizeLora,
  kDequantizeLinearFloat4
};

// Where the weight sits: an initializer read by one or more consumer nodes of the main graph.
struct WeightSite {
  std::string weight_name;    // the initializer
  std::string consumer_node;  // the node the weight was selected through (first consumer)
  std::string consumer_op;    // "MatMul", "Gemm", "Gather", "Conv", ...
  int input_index = 1;        // which input of the consumer the weight feeds
  bool transposed = false;    // Gemm transB=1 / transA=1 on that input
};

struct FormatOptions {
  int accuracy_level = 4;  // MatMulNBits
  int lora_rank = 8;       // FQ_LORA
};

// The graph edit for one weight: new initializers and nodes, and how consumers change.
struct WeightEdit {
  std::vector<ir::Tensor> initializers;  // added (the original initializer is removed)
  std::vector<ir::Node> nodes;           // inserted before the first consumer
  // The value that replaces the weight for every consumer (empty when `replacement` is used).
  std::string replacement_value;
  // Shape of `replacement_value` (the compressed weight's shape). When the initializer has other
  // dims with the same element count (a Conv weight compressed as [O, I*kH*kW]), ApplyWeightEdit
  // appends a Reshape back to the initializer's dims.
  std::vector<int64_t> replacement_dims;
  // Set when the consumer itself is replaced (MatMulNBits replaces the MatMul node). MakeWeightEdit
  // leaves input 0 (the activation) and the outputs empty: ApplyWeightEdit binds them to the
  // consumer (and adds an Add for a Gemm bias); `nodes` then go right after the replacement.
  bool replaces_consumer = false;
  ir::Node replacement;
  int64_t min_opset = 0;       // default-domain opset the edit needs (e.g. 21 for int4 DQ)
  int64_t min_ir_version = 0;  // e.g. 10 for int4/uint4 tensors, 11 for float4e2m1
  std::vector<std::pair<std::string, int64_t>> domains;  // extra opset imports ("com.microsoft", 1)
};

// Throws kUnsupported naming the weight when the format cannot hold the mode (e.g. NF4 as
// MatMulNBits) or the site (MatMulNBits on a non-MatMul consumer).
WeightEdit MakeWeightEdit(const CompressedWeight& weight, const WeightSite& site,
                          WeightFormat format, const FormatOptions& options);

// Applies an edit to the main graph of `model` (removes the original initializer if no other
// consumer needs it in float, inserts nodes in topological position, adds domain imports and
// raises ir_version). Never converts the default opset: a model below edit.min_opset fails with
// kVersionMismatch naming the opset needed (the caller converts first). New names that already
// exist in the graph fail with kInvalidModel; a Gemm that MatMulNBits cannot express (transA,
// alpha != 1, beta != 1 with a bias) fails with kUnsupported.
void ApplyWeightEdit(ir::Model& model, const WeightSite& site, WeightEdit edit);

}  // namespace nncf::algorithms::wc
