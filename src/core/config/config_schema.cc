#include "core/config/config_schema.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <set>

#include "core/common/error.h"
#include "core/config/json_path.h"

namespace nncf::config {

const std::string& SchemaJson() {
  // Kept as one JSON document so it can be published verbatim; docs/config.md describes it.
  static const std::string kSchema = R"schema({
  "$schema": "http://json-schema.org/draft-06/schema#",
  "title": "libnncf configuration",
  "description": "Parameters of nncf.quantize, nncf.quantize_with_accuracy_control, nncf.compress_weights and nncf.strip for the ONNX backend. Keys are NNCF's parameter names; enum values are NNCF's enum values in lower case. Training-time sections (NNCFConfig) will be added as new top-level keys.",
  "type": "object",
  "additionalProperties": false,
  "properties": {
    "quantize": {
      "description": "nncf.quantize; also the quantization part of nncf.quantize_with_accuracy_control.",
      "type": "object",
      "additionalProperties": false,
      "properties": {
        "mode": {
          "description": "Special quantization mode (nncf.QuantizationMode); null means integer quantization.",
          "type": ["string", "null"],
          "enum": ["fp8_e4m3", "fp8_e5m2"],
          "default": null
        },
        "preset": {
          "description": "nncf.QuantizationPreset: performance = symmetric weights and activations, mixed = symmetric weights, asymmetric activations. null: mixed for model_type transformer, otherwise performance.",
          "type": ["string", "null"],
          "enum": ["performance", "mixed"],
          "default": null
        },
        "target_device": {
          "description": "nncf.TargetDevice the model is tuned for.",
          "type": "string",
          "enum": ["any", "cpu", "gpu", "npu", "cpu_spr"],
          "default": "any"
        },
        "subset_size": {
          "description": "Number of calibration dataset items used to collect activation statistics.",
          "type": "integer",
          "minimum": 1,
          "default": 300
        },
        "fast_bias_correction": {
          "description": "true: fast bias correction; false: the slower, more accurate bias correction.",
          "type": "boolean",
          "default": true
        },
        "model_type": {
          "description": "nncf.ModelType; transformer adds transformer-specific patterns and SmoothQuant.",
          "type": ["string", "null"],
          "enum": ["transformer"],
          "default": null
        },
        "ignored_scope": {"$ref": "#/definitions/ignored_scope"},
        "advanced": {"$ref": "#/definitions/advanced_quantization_parameters"}
      }
    },
    "accuracy_control": {
      "description": "nncf.quantize_with_accuracy_control; the quantization itself is configured by the quantize section (whose mode must be null).",
      "type": "object",
      "additionalProperties": false,
      "properties": {
        "max_drop": {
          "description": "Largest accepted accuracy drop of the quantized model.",
          "type": "number",
          "minimum": 0,
          "default": 0.01
        },
        "drop_type": {
          "description": "nncf.DropType: absolute = initial - quantized, relative = (initial - quantized) / initial.",
          "type": "string",
          "enum": ["absolute", "relative"],
          "default": "absolute"
        },
        "advanced": {"$ref": "#/definitions/advanced_accuracy_restorer_parameters"}
      }
    },
    "compress_weights": {
      "description": "nncf.compress_weights.",
      "type": "object",
      "additionalProperties": false,
      "properties": {
        "mode": {
          "description": "nncf.CompressWeightsMode: the primary precision of the weights.",
          "type": "string",
          "enum": ["int8_sym", "int8_asym", "int4_sym", "int4_asym", "nf4", "e2m1", "fp4", "mxfp4", "nvfp4", "fp8_e4m3", "mxfp8_e4m3", "cb4_f8e4m3", "codebook", "adaptive_codebook"],
          "default": "int8_asym"
        },
        "ratio": {
          "description": "Fraction of the ratio-defining layers compressed to the primary precision, the rest get backup_mode. null means 1.",
          "type": ["number", "null"],
          "minimum": 0,
          "maximum": 1,
          "default": null
        },
        "group_size": {
          "description": "Weights per quantization group along the reduction axis; -1 is per-channel. null: -1 for 8-bit modes, 32 for mxfp4/mxfp8_e4m3, 16 for nvfp4, -1 for codebook modes, else 128.",
          "type": ["integer", "null"],
          "minimum": -1,
          "default": null
        },
        "all_layers": {
          "description": "Compress embeddings and the last MatMul to the primary precision too; null means false.",
          "type": ["boolean", "null"],
          "default": null
        },
        "sensitivity_metric": {
          "description": "nncf.SensitivityMetric ranking layers for mixed precision; null: weight_quantization_error without a dataset, max_activation_variance with one.",
          "type": ["string", "null"],
          "enum": ["weight_quantization_error", "hessian_input_activation", "mean_activation_variance", "max_activation_variance", "mean_activation_magnitude"],
          "default": null
        },
        "subset_size": {
          "description": "Number of dataset items used for activation statistics.",
          "type": "integer",
          "minimum": 1,
          "default": 128
        },
        "awq": {
          "description": "Apply AWQ weight correction; null means false.",
          "type": ["boolean", "null"],
          "default": null
        },
        "scale_estimation": {
          "description": "Apply scale estimation (minimizes the L2 error of the layer output); null means false.",
          "type": ["boolean", "null"],
          "default": null
        },
        "gptq": {
          "description": "Apply GPTQ; null means false.",
          "type": ["boolean", "null"],
          "default": null
        },
        "lora_correction": {
          "description": "Apply LoRA correction; null means false.",
          "type": ["boolean", "null"],
          "default": null
        },
        "backup_mode": {
          "description": "nncf.BackupMode for layers not in the primary precision; null: mxfp8_e4m3 for mxfp modes, fp8_e4m3 for fp4/fp8_e4m3, else int8_asym.",
          "type": ["string", "null"],
          "enum": ["none", "int8_sym", "int8_asym", "fp8_e4m3", "mxfp8_e4m3"],
          "default": null
        },
        "compression_format": {
          "description": "nncf.CompressionFormat of the result.",
          "type": "string",
          "enum": ["dequantize", "fake_quantize", "fake_quantize_with_lora", "fake_quantize_with_lora_nls"],
          "default": "dequantize"
        },
        "ignored_scope": {"$ref": "#/definitions/ignored_scope"},
        "advanced": {"$ref": "#/definitions/advanced_compression_parameters"}
      }
    },
    "strip": {
      "description": "nncf.strip.",
      "type": "object",
      "additionalProperties": false,
      "properties": {
        "strip_format": {
          "description": "nncf.StripFormat: native keeps fake quantizers, dequantize stores low-bit weights with a dequantization subgraph, in_place writes fake-quantized float weights.",
          "type": "string",
          "enum": ["native", "dequantize", "in_place"],
          "default": "native"
        }
      }
    },
    "ignored_scope": {
      "description": "Ignored scope shared by every algorithm; an algorithm section's own ignored_scope replaces it.",
      "$ref": "#/definitions/ignored_scope"
    }
  },
  "definitions": {
    "ignored_scope": {
      "description": "nncf.IgnoredScope: nodes excluded from compression.",
      "type": "object",
      "additionalProperties": false,
      "properties": {
        "names": {
          "description": "Exact node names.",
          "type": "array",
          "items": {"type": "string"},
          "default": []
        },
        "patterns": {
          "description": "Regular expressions matched at the start of node names.",
          "type": "array",
          "items": {"type": "string"},
          "default": []
        },
        "types": {
          "description": "ONNX op types (\"Conv\", \"MatMul\").",
          "type": "array",
          "items": {"type": "string"},
          "default": []
        },
        "subgraphs": {
          "description": "nncf.Subgraph list: every node on a simple path from an input to an output node.",
          "type": "array",
          "items": {
            "type": "object",
            "additionalProperties": false,
            "required": ["inputs", "outputs"],
            "properties": {
              "inputs": {
                "description": "Input node names.",
                "type": "array",
                "items": {"type": "string"},
                "default": []
              },
              "outputs": {
                "description": "Output node names.",
                "type": "array",
                "items": {"type": "string"},
                "default": []
              }
            }
          },
          "default": []
        },
        "validate": {
          "description": "Fail when a name, pattern, type or subgraph matches nothing.",
          "type": "boolean",
          "default": true
        }
      }
    },
    "quantization_parameters": {
      "description": "nncf.quantization.advanced_parameters.QuantizationParameters (and FP8QuantizationParameters' destination_type); null fields come from the hardware config and preset.",
      "type": ["object", "null"],
      "additionalProperties": false,
      "properties": {
        "num_bits": {
          "description": "Quantizer bit width.",
          "type": ["integer", "null"],
          "minimum": 2,
          "maximum": 32,
          "default": null
        },
        "mode": {
          "description": "QuantizationScheme.",
          "type": ["string", "null"],
          "enum": ["symmetric", "asymmetric"],
          "default": null
        },
        "signedness_to_force": {
          "description": "true forces signed, false unsigned quantization.",
          "type": ["boolean", "null"],
          "default": null
        },
        "per_channel": {
          "description": "true: per-channel, false: per-tensor quantization.",
          "type": ["boolean", "null"],
          "default": null
        },
        "narrow_range": {
          "description": "Drop the lowest quantization level ([-127, 127] for signed 8-bit).",
          "type": ["boolean", "null"],
          "default": null
        },
        "destination_type": {
          "description": "FP8Type for mode fp8_*: f8e4m3 or f8e5m2.",
          "type": ["string", "null"],
          "enum": ["f8e4m3", "f8e5m2"],
          "default": null
        }
      },
      "default": null
    },
    "statistics_collector_parameters": {
      "description": "nncf.quantization.range_estimator.StatisticsCollectorParameters; null fields use the algorithm's choice.",
      "type": "object",
      "additionalProperties": false,
      "properties": {
        "statistics_type": {
          "description": "StatisticsType collected per item.",
          "type": ["string", "null"],
          "enum": ["max", "min", "abs_max", "quantile", "abs_quantile", "mean", "raw"],
          "default": null
        },
        "aggregator_type": {
          "description": "AggregatorType over the per-item statistics.",
          "type": ["string", "null"],
          "enum": ["mean", "max", "min", "median", "mean_no_outliers", "median_no_outliers", "histogram"],
          "default": null
        },
        "clipping_value": {
          "description": "Clip input tensors to this value before collecting statistics.",
          "type": ["number", "null"],
          "default": null
        },
        "quantile_outlier_prob": {
          "description": "Outlier probability for quantile statistics and *_no_outliers aggregators.",
          "type": "number",
          "minimum": 0,
          "maximum": 1,
          "default": 0.0001
        }
      }
    },
    "range_estimator_parameters": {
      "description": "nncf.quantization.range_estimator.RangeEstimatorParameters.",
      "type": "object",
      "additionalProperties": false,
      "properties": {
        "min": {"$ref": "#/definitions/statistics_collector_parameters"},
        "max": {"$ref": "#/definitions/statistics_collector_parameters"}
      }
    },
    "advanced_quantization_parameters": {
      "description": "nncf.AdvancedQuantizationParameters.",
      "type": "object",
      "additionalProperties": false,
      "properties": {
        "overflow_fix": {
          "description": "nncf.OverflowFix: use half the 8-bit range for weights of all (enable), the first (first_layer_only) or no (disable) convolutions and MatMuls. null: first_layer_only, or disable when a bit width is not 8.",
          "type": ["string", "null"],
          "enum": ["enable", "disable", "first_layer_only"],
          "default": null
        },
        "quantize_outputs": {
          "description": "Insert quantizers in front of model outputs.",
          "type": "boolean",
          "default": false
        },
        "inplace_statistics": {
          "description": "Compute statistics with graph operations (ignored by the ONNX backend).",
          "type": "boolean",
          "default": true
        },
        "disable_channel_alignment": {
          "description": "Skip channel alignment (an OpenVINO-only algorithm).",
          "type": "boolean",
          "default": true
        },
        "disable_bias_correction": {
          "description": "Skip (fast) bias correction.",
          "type": "boolean",
          "default": false
        },
        "batchwise_statistics": {
          "description": "Statistics per batch item instead of per dataset item; null: true when the dataset batch size is above 1.",
          "type": ["boolean", "null"],
          "default": null
        },
        "activations_quantization_params": {"$ref": "#/definitions/quantization_parameters"},
        "weights_quantization_params": {"$ref": "#/definitions/quantization_parameters"},
        "quantizer_propagation_rule": {
          "description": "QuantizerPropagationRule for quantizers meeting at branches.",
          "type": "string",
          "enum": ["do_not_merge_branches", "merge_if_all_branches_same", "merge_with_potential_requantization", "merge_all_in_one"],
          "default": "merge_all_in_one"
        },
        "activations_range_estimator_params": {"$ref": "#/definitions/range_estimator_parameters"},
        "weights_range_estimator_params": {"$ref": "#/definitions/range_estimator_parameters"},
        "bias_correction_params": {
          "description": "AdvancedBiasCorrectionParameters.",
          "type": "object",
          "additionalProperties": false,
          "properties": {
            "apply_for_all_nodes": {
              "description": "Correct every node, not only nodes with a bias.",
              "type": "boolean",
              "default": false
            },
            "threshold": {
              "description": "Largest accepted bias shift magnitude; null: 2 for fast bias correction, 1000 for bias correction.",
              "type": ["number", "null"],
              "default": null
            }
          }
        },
        "smooth_quant_alphas": {
          "description": "AdvancedSmoothQuantParameters; a negative alpha disables SmoothQuant for that op class.",
          "type": "object",
          "additionalProperties": false,
          "properties": {
            "convolution": {
              "description": "Alpha for convolutions.",
              "type": "number",
              "maximum": 1,
              "default": -1
            },
            "matmul": {
              "description": "Alpha for MatMul and Gemm.",
              "type": "number",
              "maximum": 1,
              "default": 0.95
            }
          }
        },
        "smooth_quant_alpha": {
          "description": "Deprecated: a negative value disables SmoothQuant, otherwise it sets smooth_quant_alphas.matmul.",
          "type": ["number", "null"],
          "maximum": 1,
          "default": null
        },
        "backend_params": {
          "description": "ONNX backend parameters.",
          "type": "object",
          "additionalProperties": false,
          "properties": {
            "compress_weights": {
              "description": "Fold weight QuantizeLinear nodes into int8 initializers.",
              "type": "boolean",
              "default": true
            },
            "external_data_dir": {
              "description": "Accepted for NNCF compatibility, with no effect: a model handle already carries its external data (nncf_model_load_file maps it; nncf_model_load_params.base_dir locates it for models loaded from memory).",
              "type": ["string", "null"],
              "default": null
            }
          }
        }
      }
    },
    "advanced_accuracy_restorer_parameters": {
      "description": "nncf.quantization.advanced_parameters.AdvancedAccuracyRestorerParameters.",
      "type": "object",
      "additionalProperties": false,
      "properties": {
        "max_num_iterations": {
          "description": "Most quantizer groups reverted to float; null means no limit (NNCF: sys.maxsize).",
          "type": ["integer", "null"],
          "minimum": 0,
          "default": null
        },
        "tune_hyperparams": {
          "description": "Tune quantization hyperparameters before reverting layers.",
          "type": "boolean",
          "default": false
        },
        "ranking_subset_size": {
          "description": "Validation items used to rank quantizer groups; null means subset_size.",
          "type": ["integer", "null"],
          "minimum": 1,
          "default": null
        },
        "num_ranking_workers": {
          "description": "Accepted for NNCF compatibility, with no effect: ranking validates on the calling thread, where validation callbacks must run.",
          "type": ["integer", "null"],
          "minimum": 1,
          "default": null
        },
        "intermediate_model_dir": {
          "description": "Directory where the fully quantized model is saved before restoring accuracy.",
          "type": ["string", "null"],
          "default": null
        },
        "restore_mode": {
          "description": "RestoreMode: revert reverted operations fully to float, or keep their int8 weights.",
          "type": "string",
          "enum": ["activations_and_weights", "only_activations"],
          "default": "activations_and_weights"
        }
      }
    },
    "advanced_compression_parameters": {
      "description": "nncf.AdvancedCompressionParameters.",
      "type": "object",
      "additionalProperties": false,
      "properties": {
        "statistics_path": {
          "description": "Directory that caches activation statistics.",
          "type": ["string", "null"],
          "default": null
        },
        "lora_adapter_rank": {
          "description": "Adapter rank of the fake_quantize_with_lora format.",
          "type": "integer",
          "minimum": 1,
          "default": 256
        },
        "group_size_fallback_mode": {
          "description": "GroupSizeFallbackMode for weights whose channel count the group size does not divide: error, ignore (leave float) or adjust (largest dividing power of two).",
          "type": "string",
          "enum": ["error", "ignore", "adjust"],
          "default": "error"
        },
        "min_adjusted_group_size": {
          "description": "Smallest group size group_size_fallback_mode adjust may choose.",
          "type": "integer",
          "minimum": 1,
          "default": 32
        },
        "awq_params": {
          "description": "AdvancedAWQParameters.",
          "type": "object",
          "additionalProperties": false,
          "properties": {
            "subset_size": {"description": "Samples used by AWQ.", "type": "integer", "minimum": 1, "default": 32},
            "percent_to_apply": {"description": "Fraction of salient input channels corrected.", "type": "number", "minimum": 0, "maximum": 1, "default": 0.002},
            "alpha_min": {"description": "Smallest alpha of the grid search.", "type": "number", "default": 0.0},
            "alpha_max": {"description": "Upper end of the alpha grid (not itself tried).", "type": "number", "default": 1.0},
            "steps": {"description": "Grid search steps.", "type": "integer", "minimum": 1, "default": 100},
            "prefer_data_aware_scaling": {"description": "Use activation statistics when a dataset is given.", "type": "boolean", "default": true}
          }
        },
        "scale_estimation_params": {
          "description": "AdvancedScaleEstimationParameters.",
          "type": "object",
          "additionalProperties": false,
          "properties": {
            "subset_size": {"description": "Samples used by scale estimation.", "type": "integer", "minimum": 1, "default": 64},
            "initial_steps": {"description": "Steps of absmax scale rectification.", "type": "integer", "minimum": 0, "default": 5},
            "scale_steps": {"description": "Steps of the grid search from 1.0 down by 0.05.", "type": "integer", "minimum": 0, "default": 5},
            "weight_penalty": {"description": "Weight of the penalty between float and compressed weights; -1 disables it.", "type": "number", "default": -1.0}
          }
        },
        "gptq_params": {
          "description": "AdvancedGPTQParameters.",
          "type": "object",
          "additionalProperties": false,
          "properties": {
            "damp_percent": {"description": "Fraction of the mean Hessian diagonal added for dampening.", "type": "number", "minimum": 0, "default": 0.1},
            "block_size": {"description": "Columns processed per block.", "type": "integer", "minimum": 1, "default": 128},
            "subset_size": {"description": "Samples used to build the Hessian.", "type": "integer", "minimum": 1, "default": 128}
          }
        },
        "lora_correction_params": {
          "description": "AdvancedLoraCorrectionParameters.",
          "type": "object",
          "additionalProperties": false,
          "properties": {
            "adapter_rank": {"description": "Rank of the correction adapters.", "type": "integer", "minimum": 1, "default": 8},
            "num_iterations": {"description": "Correction iterations.", "type": "integer", "minimum": 1, "default": 3},
            "apply_regularization": {"description": "Regularize the least-squares fits.", "type": "boolean", "default": true},
            "subset_size": {"description": "Samples used by LoRA correction.", "type": "integer", "minimum": 1, "default": 128},
            "use_int8_adapters": {"description": "Store the adapters as int8_asym.", "type": "boolean", "default": true}
          }
        },
        "backend_params": {
          "description": "ONNX backend parameters.",
          "type": "object",
          "additionalProperties": false,
          "properties": {
            "external_data_dir": {
              "description": "Accepted for NNCF compatibility, with no effect: a model handle already carries its external data (nncf_model_load_file maps it; nncf_model_load_params.base_dir locates it for models loaded from memory).",
              "type": ["string", "null"],
              "default": null
            }
          }
        },
        "codebook": {
          "description": "Codebook (lookup table) for mode codebook: strictly increasing values.",
          "type": ["array", "null"],
          "items": {"type": "number"},
          "minItems": 2,
          "default": null
        },
        "adaptive_codebook_params": {
          "description": "AdvancedAdaptiveCodebookParameters for mode adaptive_codebook.",
          "type": "object",
          "additionalProperties": false,
          "properties": {
            "value_type": {"description": "Element type of the codebook values.", "type": "string", "enum": ["f8e4m3", "f8e5m2", "f16", "f32"], "default": "f8e4m3"},
            "across_blocks": {"description": "Share one codebook between similar blocks.", "type": "boolean", "default": false},
            "num_elements": {"description": "Codebook entries.", "type": "integer", "minimum": 2, "default": 16}
          }
        }
      }
    }
  }
}
)schema";
  return kSchema;
}

namespace {

// Doubles hold integers exactly up to 2^53; larger "integers" would not survive a round trip.
constexpr double kMaxExactInteger = 9007199254740992.0;

const std::set<std::string>& KnownTypes() {
  static const std::set<std::string> kTypes = {"object",  "array",   "string", "number",
                                               "integer", "boolean", "null"};
  return kTypes;
}

const std::set<std::string>& NodeKeywords() {
  static const std::set<std::string> kKeywords = {
      "type",    "properties", "additionalProperties", "required", "items",      "minItems", "enum",
      "minimum", "maximum",    "exclusiveMinimum",     "default",  "description"};
  return kKeywords;
}

bool IsInteger(double value) {
  return std::isfinite(value) && std::floor(value) == value && std::fabs(value) <= kMaxExactInteger;
}

// The "type" keyword as a list of names.
std::vector<std::string> TypeNames(const cJSON* node) {
  std::vector<std::string> names;
  const cJSON* type = cJSON_GetObjectItemCaseSensitive(node, "type");
  if (cJSON_IsString(type)) {
    names.emplace_back(type->valuestring);
  } else if (cJSON_IsArray(type)) {
    const cJSON* entry = nullptr;
    cJSON_ArrayForEach(entry, type) {
      if (cJSON_IsString(entry)) names.emplace_back(entry->valuestring);
    }
  }
  return names;
}

bool HasType(const cJSON* node, const char* name) {
  for (const std::string& type : TypeNames(node)) {
    if (type == name) return true;
  }
  return false;
}

bool MatchesType(const cJSON* value, const std::string& type) {
  if (type == "object") return cJSON_IsObject(value);
  if (type == "array") return cJSON_IsArray(value);
  if (type == "string") return cJSON_IsString(value);
  if (type == "number") return cJSON_IsNumber(value);
  if (type == "integer") return cJSON_IsNumber(value) && IsInteger(value->valuedouble);
  if (type == "boolean") return cJSON_IsBool(value);
  if (type == "null") return cJSON_IsNull(value);
  return false;
}

std::string JoinTypes(const std::vector<std::string>& types) {
  std::string out;
  for (size_t i = 0; i < types.size(); ++i) {
    if (i > 0) out += i + 1 == types.size() ? " or " : ", ";
    out += types[i];
  }
  return out;
}

// How a mismatching value is named in "expected X, got Y".
std::string Describe(const cJSON* value) {
  if (cJSON_IsNumber(value)) return FormatNumber(value->valuedouble);
  return JsonTypeName(value);
}

[[noreturn]] void Invalid(const std::string& path, const std::string& problem) {
  Fail(ErrorCode::kInvalidConfig, path + ": " + problem);
}

double NumberKeyword(const cJSON* node, const char* keyword, bool* present) {
  const cJSON* item = cJSON_GetObjectItemCaseSensitive(node, keyword);
  *present = cJSON_IsNumber(item);
  return *present ? item->valuedouble : 0.0;
}

}  // namespace

JsonPtr ParseJson(std::string_view text, size_t* error_offset) {
  // cJSON's "nothing after the value" check wants to see the terminating NUL inside the length.
  const std::string terminated(text);
  const char* end = nullptr;
  JsonPtr json(cJSON_ParseWithLengthOpts(terminated.c_str(), terminated.size() + 1, &end,
                                         /*require_null_terminated=*/1));
  if (json == nullptr) {
    *error_offset = end == nullptr ? 0 : static_cast<size_t>(end - terminated.c_str());
  }
  return json;
}

namespace {

void AppendString(const char* text, std::string* out) {
  static const char kHex[] = "0123456789abcdef";
  *out += '"';
  for (const char* c = text; *c != '\0'; ++c) {
    const auto byte = static_cast<unsigned char>(*c);
    switch (*c) {
      case '"':
        *out += "\\\"";
        break;
      case '\\':
        *out += "\\\\";
        break;
      case '\b':
        *out += "\\b";
        break;
      case '\f':
        *out += "\\f";
        break;
      case '\n':
        *out += "\\n";
        break;
      case '\r':
        *out += "\\r";
        break;
      case '\t':
        *out += "\\t";
        break;
      default:
        if (byte < 0x20) {
          *out += "\\u00";
          *out += kHex[byte >> 4];
          *out += kHex[byte & 0xF];
        } else {
          *out += *c;  // UTF-8 passes through; input was checked to be valid
        }
    }
  }
  *out += '"';
}

void AppendIndent(bool pretty, int depth, std::string* out) {
  if (!pretty) return;
  *out += '\n';
  out->append(static_cast<size_t>(depth) * 2, ' ');
}

void AppendJson(const cJSON* json, bool pretty, int depth, std::string* out) {
  if (cJSON_IsObject(json) || cJSON_IsArray(json)) {
    const bool object = cJSON_IsObject(json);
    *out += object ? '{' : '[';
    const cJSON* child = json->child;
    if (child != nullptr) {
      for (; child != nullptr; child = child->next) {
        AppendIndent(pretty, depth + 1, out);
        if (object) {
          AppendString(child->string, out);
          *out += pretty ? ": " : ":";
        }
        AppendJson(child, pretty, depth + 1, out);
        if (child->next != nullptr) *out += ',';
      }
      AppendIndent(pretty, depth, out);
    }
    *out += object ? '}' : ']';
  } else if (cJSON_IsString(json)) {
    AppendString(json->valuestring, out);
  } else if (cJSON_IsNumber(json)) {
    if (!std::isfinite(json->valuedouble)) {
      Fail(ErrorCode::kInternal, "JSON number out of range");  // validation rejects these
    }
    *out += FormatNumber(json->valuedouble);
  } else if (cJSON_IsTrue(json)) {
    *out += "true";
  } else if (cJSON_IsFalse(json)) {
    *out += "false";
  } else if (cJSON_IsNull(json)) {
    *out += "null";
  } else {
    Fail(ErrorCode::kInternal, "cannot print an invalid JSON item");
  }
}

}  // namespace

std::string PrintJson(const cJSON* json, bool pretty) {
  std::string out;
  AppendJson(json, pretty, 0, &out);
  return out;
}

JsonPtr DuplicateJson(const cJSON* json) {
  JsonPtr copy(cJSON_Duplicate(json, /*recurse=*/1));
  if (copy == nullptr) Fail(ErrorCode::kOutOfMemory, "out of memory copying JSON");
  return copy;
}

const char* JsonTypeName(const cJSON* json) {
  if (cJSON_IsObject(json)) return "object";
  if (cJSON_IsArray(json)) return "array";
  if (cJSON_IsString(json)) return "string";
  if (cJSON_IsNumber(json)) return "number";
  if (cJSON_IsBool(json)) return "boolean";
  if (cJSON_IsNull(json)) return "null";
  return "invalid";
}

std::string FormatNumber(double value) {
  if (!std::isfinite(value)) return std::isnan(value) ? "nan" : (value > 0 ? "inf" : "-inf");
  char buffer[32];
  std::snprintf(buffer, sizeof(buffer), "%.15g", value);
  if (std::strtod(buffer, nullptr) != value) std::snprintf(buffer, sizeof(buffer), "%.17g", value);
  return buffer;
}

Schema::Schema(std::string_view json) {
  size_t offset = 0;
  root_ = ParseJson(json, &offset);
  if (root_ == nullptr) {
    const TextPosition at = PositionAt(json, offset);
    Fail(ErrorCode::kInternal, "config schema is not valid JSON (line " + std::to_string(at.line) +
                                   ", column " + std::to_string(at.column) + ")");
  }
  if (!cJSON_IsObject(root_.get())) Fail(ErrorCode::kInternal, "config schema is not an object");
  const cJSON* definitions = cJSON_GetObjectItemCaseSensitive(root_.get(), "definitions");
  if (definitions != nullptr) {
    if (!cJSON_IsObject(definitions)) {
      Fail(ErrorCode::kInternal, "config schema: definitions is not an object");
    }
    const cJSON* definition = nullptr;
    cJSON_ArrayForEach(definition, definitions) {
      if (cJSON_GetObjectItemCaseSensitive(definition, "$ref") != nullptr) {
        Fail(ErrorCode::kInternal,
             std::string("config schema: definition ") + definition->string + " is a $ref");
      }
      CheckNode(definition, std::string("#/definitions/") + definition->string, 0);
    }
  }
  CheckNode(root_.get(), "#", 0);
}

const Schema& Schema::Library() {
  static const Schema kSchema(SchemaJson());
  return kSchema;
}

void Schema::CheckNode(const cJSON* node, const std::string& where, int depth) const {
  auto bad = [&where](const std::string& problem) {
    Fail(ErrorCode::kInternal, "config schema: " + where + ": " + problem);
  };
  if (depth > 64) bad("nested too deeply");
  if (!cJSON_IsObject(node)) bad("a schema node must be an object");

  const cJSON* ref = cJSON_GetObjectItemCaseSensitive(node, "$ref");
  if (ref != nullptr) {
    const cJSON* keyword = nullptr;
    cJSON_ArrayForEach(keyword, node) {
      if (std::string(keyword->string) != "$ref" && std::string(keyword->string) != "description") {
        bad(std::string("keyword ") + keyword->string + " next to $ref");
      }
    }
    if (!cJSON_IsString(ref)) bad("$ref must be a string");
    Resolve(node);  // throws for a dangling reference
    return;         // the definition itself is checked once, from the constructor
  }

  const cJSON* keyword = nullptr;
  cJSON_ArrayForEach(keyword, node) {
    const std::string name = keyword->string;
    const bool root_only = name == "$schema" || name == "title" || name == "definitions";
    if (NodeKeywords().count(name) == 0 && !(root_only && depth == 0)) {
      bad("unsupported keyword " + name);
    }
  }

  const cJSON* type = cJSON_GetObjectItemCaseSensitive(node, "type");
  if (!cJSON_IsString(type) && !cJSON_IsArray(type)) bad("type must be a string or a list");
  const std::vector<std::string> types = TypeNames(node);
  if (types.empty() ||
      (cJSON_IsArray(type) && static_cast<size_t>(cJSON_GetArraySize(type)) != types.size())) {
    bad("type must name at least one type, as strings");
  }
  std::set<std::string> seen;
  for (const std::string& name : types) {
    if (KnownTypes().count(name) == 0) bad("unknown type " + name);
    if (!seen.insert(name).second) bad("type " + name + " listed twice");
  }

  const cJSON* description = cJSON_GetObjectItemCaseSensitive(node, "description");
  if (description != nullptr && !cJSON_IsString(description)) bad("description must be a string");
  for (const char* bound : {"minimum", "maximum", "exclusiveMinimum"}) {
    const cJSON* item = cJSON_GetObjectItemCaseSensitive(node, bound);
    if (item != nullptr && !cJSON_IsNumber(item)) bad(std::string(bound) + " must be a number");
  }
  const cJSON* min_items = cJSON_GetObjectItemCaseSensitive(node, "minItems");
  if (min_items != nullptr && (!cJSON_IsNumber(min_items) || !IsInteger(min_items->valuedouble) ||
                               min_items->valuedouble < 0)) {
    bad("minItems must be a non-negative integer");
  }
  const cJSON* enumeration = cJSON_GetObjectItemCaseSensitive(node, "enum");
  if (enumeration != nullptr &&
      (!cJSON_IsArray(enumeration) || cJSON_GetArraySize(enumeration) == 0)) {
    bad("enum must be a non-empty list");
  }

  const cJSON* properties = cJSON_GetObjectItemCaseSensitive(node, "properties");
  if (HasType(node, "object")) {
    if (!cJSON_IsObject(properties)) bad("an object type needs properties");
    const cJSON* additional = cJSON_GetObjectItemCaseSensitive(node, "additionalProperties");
    if (!cJSON_IsFalse(additional)) bad("objects must set additionalProperties to false");
    const cJSON* property = nullptr;
    cJSON_ArrayForEach(property, properties) {
      const std::string child_where = where + "/properties/" + property->string;
      CheckNode(property, child_where, depth + 1);
      // Every leaf needs a default so Get can answer for any unset key.
      const cJSON* resolved = Resolve(property);
      const bool computed_default = TypeNames(resolved) == std::vector<std::string>{"object"};
      if (!computed_default && cJSON_GetObjectItemCaseSensitive(resolved, "default") == nullptr) {
        Fail(ErrorCode::kInternal, "config schema: " + child_where + ": no default");
      }
    }
    const cJSON* required = cJSON_GetObjectItemCaseSensitive(node, "required");
    if (required != nullptr) {
      if (!cJSON_IsArray(required)) bad("required must be a list");
      const cJSON* name = nullptr;
      cJSON_ArrayForEach(name, required) {
        if (!cJSON_IsString(name) ||
            cJSON_GetObjectItemCaseSensitive(properties, name->valuestring) == nullptr) {
          bad("required names a key that is not a property");
        }
      }
    }
  } else if (properties != nullptr) {
    bad("properties on a non-object type");
  }

  const cJSON* items = cJSON_GetObjectItemCaseSensitive(node, "items");
  if (HasType(node, "array")) {
    if (items == nullptr) bad("an array type needs items");
    CheckNode(items, where + "/items", depth + 1);
  } else if (items != nullptr) {
    bad("items on a non-array type");
  }

  const cJSON* default_value = cJSON_GetObjectItemCaseSensitive(node, "default");
  if (default_value != nullptr) {
    try {
      Validate(node, default_value, "default");
    } catch (const Error& error) {
      bad(std::string("default does not validate: ") + error.what());
    }
  }
}

const cJSON* Schema::Resolve(const cJSON* node) const {
  const cJSON* ref = cJSON_GetObjectItemCaseSensitive(node, "$ref");
  if (ref == nullptr) return node;
  static const std::string kPrefix = "#/definitions/";
  const std::string target = cJSON_IsString(ref) ? ref->valuestring : "";
  if (target.compare(0, kPrefix.size(), kPrefix) != 0) {
    Fail(ErrorCode::kInternal, "config schema: unsupported $ref \"" + target + "\"");
  }
  const cJSON* definitions = cJSON_GetObjectItemCaseSensitive(root_.get(), "definitions");
  const cJSON* resolved =
      cJSON_GetObjectItemCaseSensitive(definitions, target.substr(kPrefix.size()).c_str());
  if (resolved == nullptr) {
    Fail(ErrorCode::kInternal, "config schema: dangling $ref \"" + target + "\"");
  }
  return resolved;
}

const cJSON* Schema::Property(const cJSON* node, std::string_view name) const {
  const cJSON* properties = cJSON_GetObjectItemCaseSensitive(Resolve(node), "properties");
  if (properties == nullptr) return nullptr;
  const std::string key(name);
  return cJSON_GetObjectItemCaseSensitive(properties, key.c_str());
}

const cJSON* Schema::Items(const cJSON* node) const {
  return cJSON_GetObjectItemCaseSensitive(Resolve(node), "items");
}

bool Schema::Allows(const cJSON* node, const char* type_name) const {
  return HasType(Resolve(node), type_name);
}

std::vector<std::string> Schema::PropertyNames(const cJSON* node) const {
  std::vector<std::string> names;
  const cJSON* properties = cJSON_GetObjectItemCaseSensitive(Resolve(node), "properties");
  const cJSON* property = nullptr;
  cJSON_ArrayForEach(property, properties) {
    names.emplace_back(property->string);
  }
  return names;
}

void Schema::Validate(const cJSON* node, const cJSON* value, const std::string& path) const {
  node = Resolve(node);
  const std::vector<std::string> types = TypeNames(node);
  bool type_ok = false;
  for (const std::string& type : types) type_ok = type_ok || MatchesType(value, type);
  if (!type_ok) {
    if (cJSON_IsNumber(value) && !std::isfinite(value->valuedouble)) {
      Invalid(path, "number out of range");
    }
    Invalid(path, "expected " + JoinTypes(types) + ", got " +
                      (cJSON_IsNumber(value) && HasType(node, "integer") ? Describe(value)
                                                                         : JsonTypeName(value)));
  }
  if (cJSON_IsNull(value)) return;  // admitted by "type"; enum and bounds describe real values
  if (cJSON_IsNumber(value) && !std::isfinite(value->valuedouble)) {
    Invalid(path, "number out of range");
  }

  const cJSON* enumeration = cJSON_GetObjectItemCaseSensitive(node, "enum");
  if (enumeration != nullptr) {
    bool found = false;
    std::string choices;
    const cJSON* choice = nullptr;
    cJSON_ArrayForEach(choice, enumeration) {
      found = found || cJSON_Compare(choice, value, /*case_sensitive=*/1);
      if (!choices.empty()) choices += ", ";
      choices += PrintJson(choice, false);
    }
    if (!found) Invalid(path, "expected one of " + choices + ", got " + PrintJson(value, false));
  }

  if (cJSON_IsNumber(value)) {
    const double number = value->valuedouble;
    bool present = false;
    const double minimum = NumberKeyword(node, "minimum", &present);
    if (present && number < minimum) {
      Invalid(path, FormatNumber(number) + " is below the minimum " + FormatNumber(minimum));
    }
    const double maximum = NumberKeyword(node, "maximum", &present);
    if (present && number > maximum) {
      Invalid(path, FormatNumber(number) + " is above the maximum " + FormatNumber(maximum));
    }
    const double exclusive_minimum = NumberKeyword(node, "exclusiveMinimum", &present);
    if (present && number <= exclusive_minimum) {
      Invalid(path, FormatNumber(number) + " is not above the exclusive minimum " +
                        FormatNumber(exclusive_minimum));
    }
  }

  if (cJSON_IsArray(value)) {
    bool present = false;
    const double min_items = NumberKeyword(node, "minItems", &present);
    const int size = cJSON_GetArraySize(value);
    if (present && size < min_items) {
      Invalid(path, "expected at least " + FormatNumber(min_items) + " items, got " +
                        std::to_string(size));
    }
    const cJSON* items = cJSON_GetObjectItemCaseSensitive(node, "items");
    size_t index = 0;
    const cJSON* element = nullptr;
    cJSON_ArrayForEach(element, value) {
      if (items != nullptr) Validate(items, element, ElementPath(path, index));
      ++index;
    }
  }

  if (cJSON_IsObject(value)) {
    const cJSON* properties = cJSON_GetObjectItemCaseSensitive(node, "properties");
    std::set<std::string> seen;
    const cJSON* member = nullptr;
    cJSON_ArrayForEach(member, value) {
      const std::string name = member->string;
      const std::string member_path = MemberPath(path, name);
      if (!seen.insert(name).second) Invalid(member_path, "duplicate key");
      const cJSON* child = cJSON_GetObjectItemCaseSensitive(properties, name.c_str());
      if (child == nullptr) {
        std::string known;
        for (const std::string& property : PropertyNames(node)) {
          known += known.empty() ? property : ", " + property;
        }
        Invalid(member_path, "unknown key (known: " + known + ")");
      }
      Validate(child, member, member_path);
    }
    const cJSON* required = cJSON_GetObjectItemCaseSensitive(node, "required");
    const cJSON* name = nullptr;
    cJSON_ArrayForEach(name, required) {
      if (seen.count(name->valuestring) == 0) {
        Invalid(path, std::string("missing required key \"") + name->valuestring + "\"");
      }
    }
  }
}

JsonPtr Schema::Default(const cJSON* node) const {
  node = Resolve(node);
  const cJSON* default_value = cJSON_GetObjectItemCaseSensitive(node, "default");
  if (default_value != nullptr) return DuplicateJson(default_value);
  if (!HasType(node, "object")) return nullptr;
  JsonPtr object(cJSON_CreateObject());
  if (object == nullptr) Fail(ErrorCode::kOutOfMemory, "out of memory building JSON");
  const cJSON* properties = cJSON_GetObjectItemCaseSensitive(node, "properties");
  const cJSON* property = nullptr;
  cJSON_ArrayForEach(property, properties) {
    JsonPtr member = Default(property);
    if (member == nullptr) continue;
    if (!cJSON_AddItemToObject(object.get(), property->string, member.get())) {
      Fail(ErrorCode::kOutOfMemory, "out of memory building JSON");
    }
    member.release();  // now owned by object
  }
  return object;
}

JsonPtr Schema::WithDefaults(const cJSON* node, const cJSON* value) const {
  node = Resolve(node);
  if (cJSON_IsObject(value) && HasType(node, "object")) {
    JsonPtr object(cJSON_CreateObject());
    if (object == nullptr) Fail(ErrorCode::kOutOfMemory, "out of memory building JSON");
    const cJSON* properties = cJSON_GetObjectItemCaseSensitive(node, "properties");
    const cJSON* property = nullptr;
    cJSON_ArrayForEach(property, properties) {
      const cJSON* present = cJSON_GetObjectItemCaseSensitive(value, property->string);
      JsonPtr member = present != nullptr ? WithDefaults(property, present) : Default(property);
      if (member == nullptr) continue;
      if (!cJSON_AddItemToObject(object.get(), property->string, member.get())) {
        Fail(ErrorCode::kOutOfMemory, "out of memory building JSON");
      }
      member.release();
    }
    return object;
  }
  if (cJSON_IsArray(value) && HasType(node, "array")) {
    JsonPtr array(cJSON_CreateArray());
    if (array == nullptr) Fail(ErrorCode::kOutOfMemory, "out of memory building JSON");
    const cJSON* items = cJSON_GetObjectItemCaseSensitive(node, "items");
    const cJSON* element = nullptr;
    cJSON_ArrayForEach(element, value) {
      JsonPtr filled = WithDefaults(items, element);
      if (!cJSON_AddItemToArray(array.get(), filled.get())) {
        Fail(ErrorCode::kOutOfMemory, "out of memory building JSON");
      }
      filled.release();
    }
    return array;
  }
  return DuplicateJson(value);
}

}  // namespace nncf::config
