#include "golden_cases.h"

#include <cstdlib>
#include <map>
#include <utility>

#include "core/common/error.h"
#include "npy_io.h"
#include "onnx/model_io.h"

namespace nncf::testing::goldens {

namespace fs = std::filesystem;
namespace q = algorithms::quantization;

fs::path ReferenceDir() {
  const char* env = std::getenv("NNCF_GOLDENS_DIR");
  const fs::path dir =
      env && *env ? fs::path(env)
                  : fs::path(NNCF_SOURCE_DIR) / ".." / "shared" / "reference" / "nncf_goldens";
  return fs::is_directory(dir) ? dir : fs::path();
}

fs::path ModelsDir() {
  return fs::path(NNCF_SOURCE_DIR) / "tests" / "goldens" / "models";
}

ir::Model LoadGoldenModel(const std::string& name) {
  onnx::LoadOptions options;
  options.validate = false;
  return onnx::LoadModelFile((ModelsDir() / (name + ".onnx")).string(), options);
}

std::vector<ir::Tensor> CalibrationInputs(const ir::Model& model, const std::string& name) {
  std::vector<ir::Tensor> item;
  for (const ir::ValueInfo* input : model.graph->RealInputs()) {
    ir::Tensor t = ReadNpy((ModelsDir() / (name + "." + input->name + ".npy")).string());
    t.name = input->name;
    item.push_back(std::move(t));
  }
  return item;
}

RepeatedItemDataset::RepeatedItemDataset(std::vector<ir::Tensor> item, int64_t count)
    : count_(count) {
  for (ir::Tensor& t : item) sample_.Set(std::move(t));
}

data::Sample RepeatedItemDataset::GetItem(int64_t index) {
  if (index < 0 || index >= count_) {
    Fail(ErrorCode::kNotFound,
         "calibration item " + std::to_string(index) + " of " + std::to_string(count_));
  }
  return sample_;
}

const std::vector<GraphCase>& GraphCases() {
  static const std::vector<GraphCase> cases = [] {
    std::vector<GraphCase> c;
    for (const char* name :
         {"activation_matmul_model", "double_input_output_model", "embedding_model",
          "float64_model", "gemm_weight_transpose_model", "int_edges_model", "linear_model",
          "many_input_ports_quantizable_model", "multi_input_output_model",
          "multi_input_output_parallel_edges_model", "non_shape_model",
          "one_convolutional_identity_bias_model", "one_convolutional_model",
          "one_input_port_quantizable_model", "reshape_weight_model", "weight_matmul_model",
          "weight_propagation_conv_model", "weight_propagation_matmul_model",
          "weight_sharing_model"}) {
      c.push_back({name, name, {}, false, {}, ""});
    }
    // Models NNCF never ran for these references (statistics mocked) and that cannot run.
    auto placement_only = [&c](const char* name, const char* reason) {
      c.push_back({name, name, {}, false, {}, reason});
    };
    placement_only("attention_model",
                   "Attention on 3D inputs without q_num_heads: ONNX Runtime rejects the model "
                   "and the executor has no Attention kernel");
    placement_only("shape_of_model",
                   "Reshape's shape is a float tensor (Sqrt_Y): not valid for inference");
    placement_only("unified_embedding_model",
                   "Reshape's shape R is a float tensor and MatMul_2 is [2,3,5] x [1,5]: not "
                   "valid for inference");
    c.push_back(
        {"multi_output_port_id_model", "multi_output_port_id_model", {"Split"}, false, {}, ""});
    c.push_back({"rope_model", "rope_model", {}, true, {}, ""});
    // NNCF's model transformer test: linear_model quantized, then two pairs removed.
    c.push_back(
        {"removed_nodes_in_linear_model", "linear_model", {}, false, {"X", "Avg_Pool1_Y"}, ""});
    return c;
  }();
  return cases;
}

const std::vector<ScalesCase>& ScalesCases() {
  static const std::vector<ScalesCase> cases = [] {
    std::vector<ScalesCase> c;
    for (const char* name :
         {"gemm_weight_transpose_model", "weight_matmul_model", "activation_matmul_model",
          "weight_sharing_model", "reshape_weight_model", "linear_model",
          "one_depthwise_convolutional_model", "embedding_model"}) {
      c.push_back({std::string(name) + "_performance", name, q::Preset::kPerformance, {}});
      c.push_back({std::string(name) + "_mixed", name, q::Preset::kMixed, {}});
    }
    c.push_back(
        {"linear_model_overflow_fix_disable", "linear_model", {}, q::OverflowFix::kDisable});
    c.push_back({"linear_model_overflow_fix_enable", "linear_model", {}, q::OverflowFix::kEnable});
    c.push_back({"linear_model_overflow_fix_first_layer_only",
                 "linear_model",
                 {},
                 q::OverflowFix::kFirstLayer});
    return c;
  }();
  return cases;
}

q::QuantizeParams ReferenceParams() {
  q::QuantizeParams params;
  params.subset_size = 1;
  params.disable_bias_correction = true;
  params.smooth_quant_alpha_matmul = -1;
  params.smooth_quant_alpha_convolution = -1;
  params.fold_weights = false;
  return params;
}

q::QuantizeParams ParamsFor(const GraphCase& c) {
  q::QuantizeParams params = ReferenceParams();
  params.ignored_scope.types = c.ignored_types;
  if (c.transformer) params.model_type = q::ModelType::kTransformer;
  return params;
}

q::QuantizeParams ParamsFor(const ScalesCase& c) {
  q::QuantizeParams params = ReferenceParams();
  params.preset = c.preset;
  params.overflow_fix = c.overflow_fix;
  return params;
}

void RemoveQdqPairs(ir::Model& model, const std::vector<std::string>& tensors) {
  ir::Graph& graph = *model.graph;
  for (const std::string& tensor : tensors) {
    const std::string q_name = "QuantizeLinear_" + tensor + "_1";
    const std::string dq_name = "DequantizeLinear_" + tensor + "_1";
    std::string source, dq_output;
    std::vector<std::string> dead_initializers;
    for (const ir::Node& node : graph.nodes) {
      if (node.name == q_name) source = node.inputs.at(0);
      if (node.name == dq_name) dq_output = node.outputs.at(0);
      if (node.name == q_name || node.name == dq_name) {
        for (size_t i = 1; i < node.inputs.size(); ++i) dead_initializers.push_back(node.inputs[i]);
      }
    }
    if (source.empty() || dq_output.empty()) {
      Fail(ErrorCode::kNotFound, "no " + q_name + " / " + dq_name + " pair to remove");
    }
    std::vector<ir::Node> kept;
    for (ir::Node& node : graph.nodes) {
      if (node.name == q_name || node.name == dq_name) continue;
      for (std::string& in : node.inputs) {
        if (in == dq_output) in = source;
      }
      kept.push_back(std::move(node));
    }
    graph.nodes = std::move(kept);
    for (ir::ValueInfo& out : graph.outputs) {
      if (out.name == dq_output) out.name = source;
    }
    std::vector<ir::Tensor> initializers;
    for (ir::Tensor& t : graph.initializers) {
      bool dead = false;
      for (const std::string& name : dead_initializers) dead = dead || t.name == name;
      if (!dead) initializers.push_back(std::move(t));
    }
    graph.initializers = std::move(initializers);
  }
}

}  // namespace nncf::testing::goldens
