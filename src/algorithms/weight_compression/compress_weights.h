// nncf.compress_weights (data-free) on the IR: layer selection, mixed precision, quantization and
// the chosen output format, in memory or streamed file to file.
#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <string>

#include "algorithms/common/ignored_scope.h"
#include "algorithms/weight_compression/awq.h"
#include "algorithms/weight_compression/compressed_weight.h"
#include "algorithms/weight_compression/gptq.h"
#include "algorithms/weight_compression/lora_correction.h"
#include "algorithms/weight_compression/scale_estimation.h"
#include "algorithms/weight_compression/weight_format_writer.h"
#include "core/common/context.h"
#include "core/config/config.h"
#include "core/data/dataset.h"
#include "core/ir/model.h"
#include "onnx/model_io.h"

namespace nncf::algorithms::wc {

enum class BackupMode { kInt8Asym, kInt8Sym, kNone };
enum class SensitivityMetric {
  kWeightQuantizationError,
  kHessianInputActivation,
  kMeanActivationVariance,
  kMaxActivationVariance,
  kMeanActivationMagnitude
};
enum class GroupSizeFallback { kError, kIgnore, kAdjust };

// NNCF's name of a metric ("max_activation_variance").
const char* SensitivityMetricName(SensitivityMetric metric);

struct CompressWeightsParams {
  WeightMode mode = WeightMode::kInt8Asym;
  std::optional<double> ratio;        // nullopt = NNCF's default (1)
  std::optional<int64_t> group_size;  // nullopt = NNCF's default for the mode; -1 per channel
  bool all_layers = false;
  std::optional<SensitivityMetric> sensitivity_metric;
  std::optional<BackupMode> backup_mode;
  WeightFormat format = WeightFormat::kDequantizeLinear;
  FormatOptions format_options;
  bool allow_opset_upgrade = true;
  int num_threads = 0;
  IgnoredScope ignored_scope;
  // Dataset items used for activation statistics (data-aware mixed precision); NNCF's default.
  int64_t subset_size = 128;
  GroupSizeFallback group_size_fallback = GroupSizeFallback::kError;
  int64_t min_adjusted_group_size = 32;
  // Data-aware algorithms for the 4-bit layers (weight_compression.md section 4). AWQ without a
  // dataset uses NNCF's data-free scales; the others need one. gptq and lora_correction exclude
  // each other, as in NNCF.
  bool awq = false;
  bool scale_estimation = false;
  bool gptq = false;
  bool lora_correction = false;
  AwqParams awq_params;
  ScaleEstimationParams scale_estimation_params;
  GptqParams gptq_params;
  LoraCorrectionParams lora_correction_params;

  // Fills the advanced fields from a config's "compress_weights" section (keys in docs/config.md).
  void ApplyConfig(const config::Config& config);
};

// Per-layer record for the JSON report.
struct LayerReport {
  std::string node;
  std::string weight;
  std::string mode;  // "int4_asym", "int8_asym", "float" (kept)
  int bits = 0;
  int64_t group_size = 0;
  double error = 0;  // WeightQuantizationError of the chosen mode
  // The mixed-precision score of a ratio-defining layer (lower goes to the primary mode first);
  // NaN when no ranking ran.
  double sensitivity = std::numeric_limits<double>::quiet_NaN();
};

// What a data-aware algorithm did to one layer (beyond the quantization itself).
struct AlgorithmLayerReport {
  std::string node;
  // scale estimation: the summed output loss of the groups with RTN and with the fitted scales;
  // GPTQ: tr(E H E^T) of the RTN and GPTQ errors; LoRA: mean |X R| before and after the branch.
  double before = 0;
  double after = 0;
  int64_t dead_columns = 0;  // GPTQ
  double damp = 0;           // GPTQ
  int64_t rank = 0;          // LoRA
};

struct CompressWeightsReport {
  std::vector<LayerReport> layers;
  std::vector<AwqLayerReport> awq;
  std::vector<AlgorithmLayerReport> scale_estimation;
  std::vector<AlgorithmLayerReport> gptq;
  std::vector<AlgorithmLayerReport> lora_correction;
  double ratio_achieved = 0;       // share of ratio-defining parameters in the primary mode
  std::string sensitivity_metric;  // the metric that ranked layers; "" when none ran
  int64_t statistics_items = 0;    // dataset items reduced for a data-aware metric
  std::string ToJson() const;
};

// In memory. The input is never modified. `dataset` (may be null) feeds the data-aware
// sensitivity metrics of mixed precision: with it and ratio < 1, one executor pass over the
// first subset_size items reduces the input activation of every ratio-defining layer, and the
// default metric becomes MAX_ACTIVATION_VARIANCE, as in NNCF.
ir::Model CompressWeights(const ir::Model& model, data::Dataset* dataset,
                          const CompressWeightsParams& params, const Context& context,
                          CompressWeightsReport* report);
ir::Model CompressWeights(const ir::Model& model, const CompressWeightsParams& params,
                          const Context& context, CompressWeightsReport* report);

// File to file, streaming: peak memory near the largest weight (plus the executor's activations
// when a dataset is reduced).
void CompressWeightsFile(const std::string& input_path, const std::string& output_path,
                         data::Dataset* dataset, const CompressWeightsParams& params,
                         const onnx::SaveOptions& save, const Context& context,
                         CompressWeightsReport* report);
void CompressWeightsFile(const std::string& input_path, const std::string& output_path,
                         const CompressWeightsParams& params, const onnx::SaveOptions& save,
                         const Context& context, CompressWeightsReport* report);

}  // namespace nncf::algorithms::wc
