// CompressWeights over whole models against the independent numpy reference
// (tests/wc_reference/reference.py), byte for byte: for every layer the report says was compressed,
// the ORIGINAL float weight goes through the reference with the layer's mode, reduction axis and
// group size, and the codes, scales and zero points feeding the layer's DequantizeLinear in the
// COMPRESSED model must equal the reference's outputs (scales cast to the model's float type).
// Models: the fp16 LM (MatMul weights [K, N]: reduction axis 0; Gather embedding [V, H]: axis 1)
// and the fp32 MLP (Gemm transB=1 weights [N, K]: axis 1).
#include <gtest/gtest.h>
#include <stdlib.h>

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "algorithms/weight_compression/compress_weights.h"
#include "core/ir/dtype.h"
#include "npy_io.h"
#include "onnx/model_io.h"

namespace nncf::algorithms::wc {
namespace {

struct CompressionRun {
  std::string label;
  std::string model_path;
  WeightMode mode;
  std::optional<int64_t> group_size;
};

struct LayerCase {
  std::string run;
  std::string node;
  std::string weight;
  std::string mode;  // reference.py's mode name
  int64_t axis;
  int64_t group;
  std::string prefix;
  ir::DType float_type;
  const ir::Graph* compressed;
};

std::string MakeTempDir() {
  char pattern[] = "/tmp/nncf_wc_whole_model_XXXXXX";
  const char* dir = mkdtemp(pattern);
  if (dir == nullptr) return "";
  return dir;
}

const ir::Node* FindNode(const ir::Graph& graph, const std::string& name) {
  for (const ir::Node& node : graph.nodes) {
    if (node.name == name) return &node;
  }
  return nullptr;
}

// The axis the layer reduces over (its input-channel axis), from the original node; -1 when the
// weight sits somewhere this test does not know.
int64_t ReductionAxis(const ir::Node& node, const std::string& weight) {
  if (node.op_type == "MatMul" && node.inputs.size() == 2 && node.inputs[1] == weight) return 0;
  if (node.op_type == "Gemm" && node.inputs.size() >= 2 && node.inputs[1] == weight) {
    const ir::Attribute* trans_b = node.FindAttribute("transB");
    return trans_b != nullptr && trans_b->i.value_or(0) != 0 ? 1 : 0;
  }
  if (node.op_type == "Gather" && !node.inputs.empty() && node.inputs[0] == weight) return 1;
  return -1;
}

// Integer codes (4-bit unpacked, sign-extended for int4) as one byte each, as reference.py
// stores them (int8 for symmetric modes, uint8 otherwise).
std::vector<uint8_t> UnpackCodes(const ir::Tensor& tensor) {
  const int64_t numel = tensor.NumElements();
  std::vector<uint8_t> out(static_cast<size_t>(numel));
  for (int64_t i = 0; i < numel; ++i) {
    switch (tensor.dtype) {
      case ir::DType::kUint4:
        out[i] = ir::GetNibble(tensor.bytes(), i);
        break;
      case ir::DType::kInt4:
        out[i] = static_cast<uint8_t>(ir::SignExtendInt4(ir::GetNibble(tensor.bytes(), i)));
        break;
      case ir::DType::kUint8:
      case ir::DType::kInt8:
        out[i] = tensor.bytes()[i];
        break;
      default:
        ADD_FAILURE() << tensor.name << ": unexpected code type " << static_cast<int>(tensor.dtype);
        return {};
    }
  }
  return out;
}

// Reference scales (float32) as the model's float type stores them.
std::vector<uint8_t> ScaleBytes(const ir::Tensor& reference, ir::DType float_type) {
  const float* values = reference.DataAs<float>();
  const int64_t numel = reference.NumElements();
  if (float_type == ir::DType::kFloat) {
    const uint8_t* bytes = reference.bytes();
    return std::vector<uint8_t>(bytes, bytes + reference.ByteSize());
  }
  std::vector<uint8_t> out(static_cast<size_t>(numel) * 2);
  for (int64_t i = 0; i < numel; ++i) {
    const uint16_t half = ir::FloatToHalf(values[i]);
    std::memcpy(out.data() + 2 * i, &half, 2);
  }
  return out;
}

void ExpectSameElements(const std::vector<uint8_t>& ours, const std::vector<uint8_t>& theirs,
                        size_t element_size, const std::string& what) {
  ASSERT_EQ(ours.size(), theirs.size()) << what << ": sizes differ";
  const size_t count = ours.size() / element_size;
  size_t mismatches = 0, first = 0;
  for (size_t i = 0; i < count; ++i) {
    if (std::memcmp(ours.data() + i * element_size, theirs.data() + i * element_size,
                    element_size) != 0 &&
        mismatches++ == 0) {
      first = i;
    }
  }
  if (mismatches == 0) return;
  uint32_t mine = 0, reference = 0;
  std::memcpy(&mine, ours.data() + first * element_size, element_size);
  std::memcpy(&reference, theirs.data() + first * element_size, element_size);
  ADD_FAILURE() << what << ": " << mismatches << " of " << count << " elements differ; first at "
                << first << ": ours 0x" << std::hex << mine << ", reference 0x" << reference;
}

void CompareLayer(const LayerCase& c) {
  const std::string layer = c.run + " layer " + c.node + " (weight " + c.weight + ", " + c.mode +
                            ", axis " + std::to_string(c.axis) + ", group " +
                            std::to_string(c.group) + ")";
  SCOPED_TRACE(layer);
  const ir::Node* dq = FindNode(*c.compressed, c.weight + "_DequantizeLinear");
  ASSERT_NE(dq, nullptr) << "no DequantizeLinear for the weight in the compressed model";
  ASSERT_EQ(dq->op_type, "DequantizeLinear");
  ASSERT_GE(dq->inputs.size(), 2u);
  const ir::Tensor* codes = c.compressed->FindInitializer(dq->inputs[0]);
  const ir::Tensor* scales = c.compressed->FindInitializer(dq->inputs[1]);
  ASSERT_NE(codes, nullptr) << dq->inputs[0];
  ASSERT_NE(scales, nullptr) << dq->inputs[1];
  const ir::Tensor* zero_points = nullptr;
  if (dq->inputs.size() > 2 && !dq->inputs[2].empty()) {
    zero_points = c.compressed->FindInitializer(dq->inputs[2]);
    ASSERT_NE(zero_points, nullptr) << dq->inputs[2];
  }

  const ir::Tensor ref_codes = testing::ReadNpy(c.prefix + ".codes.npy");
  const ir::Tensor ref_scales = testing::ReadNpy(c.prefix + ".scales.npy");
  const bool asymmetric = c.mode.find("_asym") != std::string::npos;
  const bool four_bit = c.mode.rfind("int4", 0) == 0;
  const ir::DType expected_codes = four_bit ? (asymmetric ? ir::DType::kUint4 : ir::DType::kInt4)
                                            : (asymmetric ? ir::DType::kUint8 : ir::DType::kInt8);
  EXPECT_EQ(codes->dtype, expected_codes) << codes->name;
  ASSERT_EQ(codes->dims, ref_codes.dims) << codes->name << ": codes not in the weight's shape";
  const uint8_t* ref_code_bytes = ref_codes.bytes();
  ExpectSameElements(UnpackCodes(*codes),
                     std::vector<uint8_t>(ref_code_bytes, ref_code_bytes + ref_codes.ByteSize()), 1,
                     layer + ": codes " + codes->name);

  ASSERT_EQ(scales->dtype, c.float_type) << scales->name;
  ASSERT_EQ(scales->NumElements(), ref_scales.NumElements()) << scales->name;
  const uint8_t* scale_bytes = scales->bytes();
  ExpectSameElements(std::vector<uint8_t>(scale_bytes, scale_bytes + scales->ByteSize()),
                     ScaleBytes(ref_scales, c.float_type), ir::DTypeBits(c.float_type) / 8,
                     layer + ": scales " + scales->name);

  if (asymmetric) {
    ASSERT_NE(zero_points, nullptr) << "asymmetric layer without zero points";
    EXPECT_EQ(zero_points->dtype, four_bit ? ir::DType::kUint4 : ir::DType::kUint8);
    const ir::Tensor ref_zero_points = testing::ReadNpy(c.prefix + ".zero_points.npy");
    ASSERT_EQ(zero_points->NumElements(), ref_zero_points.NumElements()) << zero_points->name;
    const uint8_t* ref_zp_bytes = ref_zero_points.bytes();
    ExpectSameElements(
        UnpackCodes(*zero_points),
        std::vector<uint8_t>(ref_zp_bytes, ref_zp_bytes + ref_zero_points.ByteSize()), 1,
        layer + ": zero points " + zero_points->name);
  } else if (zero_points != nullptr) {
    // A symmetric layer may carry an explicit all-zero zero point of the codes' type.
    for (uint8_t v : UnpackCodes(*zero_points)) {
      ASSERT_EQ(v, 0) << layer << ": symmetric zero point " << zero_points->name << " not zero";
    }
  }
}

TEST(WcWholeModelTest, CompressedModelsMatchNumpyBitExactly) {
  const std::string dir = MakeTempDir();
  ASSERT_FALSE(dir.empty());
  const std::string lm = std::string(NNCF_SOURCE_DIR) + "/tests/lm/lm.onnx";
  const std::string mlp = std::string(NNCF_SOURCE_DIR) + "/tests/ort/zoo/mlp.onnx";
  const std::vector<CompressionRun> runs = {
      {"lm_int4_asym_g128", lm, WeightMode::kInt4Asym, 128},
      {"mlp_int4_asym_g32", mlp, WeightMode::kInt4Asym, 32},
      {"mlp_int8_sym", mlp, WeightMode::kInt8Sym, std::nullopt},
      {"mlp_int4_sym_per_channel", mlp, WeightMode::kInt4Sym, -1},
  };

  std::map<std::string, ir::Model> originals;
  std::vector<ir::Model> compressed;
  compressed.reserve(runs.size());
  std::vector<LayerCase> cases;
  std::map<std::string, std::map<std::string, int>> layers_per_mode;  // run -> mode -> count
  std::ofstream manifest(dir + "/manifest.txt");
  for (const CompressionRun& run : runs) {
    SCOPED_TRACE(run.label);
    if (originals.count(run.model_path) == 0) {
      originals.emplace(run.model_path, onnx::LoadModelFile(run.model_path, onnx::LoadOptions{}));
    }
    const ir::Model& original = originals.at(run.model_path);
    ASSERT_TRUE(original.graph.has_value());
    CompressWeightsParams params;
    params.mode = run.mode;
    params.group_size = run.group_size;
    params.format = WeightFormat::kDequantizeLinear;
    params.num_threads = 2;
    CompressWeightsReport report;
    compressed.push_back(CompressWeights(original, params, Context(), &report));
    ASSERT_TRUE(compressed.back().graph.has_value());

    std::map<std::string, bool> seen_weights;  // a shared weight is compressed once
    for (const LayerReport& layer : report.layers) {
      if (layer.mode == "float" || seen_weights[layer.weight]) continue;
      seen_weights[layer.weight] = true;
      const ir::Node* node = FindNode(*original.graph, layer.node);
      ASSERT_NE(node, nullptr) << "report names an unknown node " << layer.node;
      const ir::Tensor* weight = original.graph->FindInitializer(layer.weight);
      ASSERT_NE(weight, nullptr) << "report names an unknown weight " << layer.weight;
      ASSERT_EQ(weight->dims.size(), 2u) << layer.weight;
      const int64_t axis = ReductionAxis(*node, layer.weight);
      ASSERT_GE(axis, 0) << "unexpected layer " << node->op_type << " " << layer.node;
      LayerCase c{run.label,  layer.node,    layer.weight,
                  layer.mode, axis,          layer.group_size,
                  "",         weight->dtype, &*compressed.back().graph};
      c.prefix = dir + "/" + run.label + "_" + std::to_string(cases.size());
      const std::string weight_path = c.prefix + ".weight.npy";
      testing::WriteNpy(weight_path, *weight);
      manifest << weight_path << ' ' << c.mode << ' ' << c.axis << ' ' << c.group << ' ' << c.prefix
               << '\n';
      ++layers_per_mode[run.label][layer.mode];
      cases.push_back(std::move(c));
    }
    // The run's primary mode must have been checked on at least one layer.
    EXPECT_GT(layers_per_mode[run.label][WeightModeName(run.mode)], 0)
        << run.label << ": no layer compressed to " << WeightModeName(run.mode);
  }
  manifest.close();
  ASSERT_FALSE(cases.empty());

  const std::string command = std::string("OPENBLAS_NUM_THREADS=1 ") + NNCF_PYTHON3 + " " +
                              NNCF_SOURCE_DIR + "/tests/wc_reference/reference.py --batch " + dir +
                              "/manifest.txt";
  ASSERT_EQ(std::system(command.c_str()), 0)
      << "the numpy reference failed (needs python3-numpy): " << command;

  for (const LayerCase& c : cases) CompareLayer(c);
  for (const auto& [run, modes] : layers_per_mode) {
    for (const auto& [mode, count] : modes) {
      std::printf("%s: %d %s layers checked\n", run.c_str(), count, mode.c_str());
    }
  }
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace nncf::algorithms::wc
