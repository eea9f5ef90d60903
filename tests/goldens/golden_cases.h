// What golden_test.cc and golden_ort_test.cc quantize: NNCF's reference cases (see
// ../shared/reference/nncf_goldens/README.md), our rebuilt models (models/, written by
// make_golden_models.py), their calibration data and the settings NNCF's tests used.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "algorithms/quantization/quantize_params.h"
#include "core/data/dataset.h"
#include "core/ir/model.h"

namespace nncf::testing::goldens {

// NNCF's reference files: $NNCF_GOLDENS_DIR when set, else
// NNCF_SOURCE_DIR/../shared/reference/nncf_goldens. Empty when that folder does not exist.
std::filesystem::path ReferenceDir();
// tests/goldens/models.
std::filesystem::path ModelsDir();

// models/<name>.onnx, loaded without validation (some of NNCF's models are not valid for
// inference, e.g. unified_embedding_model's float Reshape shape).
ir::Model LoadGoldenModel(const std::string& name);
// The calibration item: models/<name>.<input>.npy for every real graph input, in input order.
std::vector<ir::Tensor> CalibrationInputs(const ir::Model& model, const std::string& name);

// NNCF's test dataset: `count` items that are all the same sample.
class RepeatedItemDataset : public data::Dataset {
 public:
  RepeatedItemDataset(std::vector<ir::Tensor> item, int64_t count);
  int64_t Length() const override { return count_; }
  int64_t BatchSize() const override { return 0; }
  data::Sample GetItem(int64_t index) override;

 private:
  data::Sample sample_;
  int64_t count_;
};

// A reference graph in quantization/<reference>.dot.
struct GraphCase {
  std::string reference;
  std::string model;                         // models/<model>.onnx
  std::vector<std::string> ignored_types;    // IgnoredScope(types=...)
  bool transformer = false;                  // model_type=TRANSFORMER
  std::vector<std::string> removed_tensors;  // Q/DQ pairs removed after quantization, by tensor
  // NNCF made this reference with statistics mocked, never running the model, and the model
  // cannot run (not valid for inference, or an op our executor lacks): placement and Q/DQ
  // insertion are checked without calibration, with the same placeholder range NNCF's mock uses.
  std::string placement_only_reason;
};
const std::vector<GraphCase>& GraphCases();

// A reference in scales/<reference>.json.
struct ScalesCase {
  std::string reference;
  std::string model;
  std::optional<algorithms::quantization::Preset> preset;
  std::optional<algorithms::quantization::OverflowFix> overflow_fix;
};
const std::vector<ScalesCase>& ScalesCases();

// NNCF's min_max_quantize_model: subset_size 1, bias correction off, SmoothQuant off, no weight
// folding (PostTrainingQuantization.apply leaves weight QuantizeLinear nodes in place).
algorithms::quantization::QuantizeParams ReferenceParams();
algorithms::quantization::QuantizeParams ParamsFor(const GraphCase& c);
algorithms::quantization::QuantizeParams ParamsFor(const ScalesCase& c);

// Removes the QuantizeLinear_<tensor>_1 / DequantizeLinear_<tensor>_1 pair of each tensor, as
// NNCF's ONNXQDQNodeRemovingCommand does: consumers of the DQ output read the Q input again.
void RemoveQdqPairs(ir::Model& model, const std::vector<std::string>& tensors);

}  // namespace nncf::testing::goldens
