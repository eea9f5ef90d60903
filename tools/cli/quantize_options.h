// The options that mirror nncf_quantize_params, shared by `quantize` and `accuracy-control`.
#pragma once

#include <CLI/CLI.hpp>

#include <cstdint>
#include <string>

#include "common_options.h"
#include "nncf.h"

namespace nncf_cli {

struct QuantizeParamOptions {
  std::string data, config;
  int64_t batch = 1;
  int64_t subset_size = 300;
  int32_t mode = NNCF_QUANTIZATION_MODE_INT8;
  int32_t preset = NNCF_PRESET_DEFAULT;
  int32_t target_device = NNCF_TARGET_DEVICE_ANY;
  int32_t model_type = NNCF_MODEL_TYPE_DEFAULT;
  int32_t overflow_fix = NNCF_OVERFLOW_FIX_DEFAULT;
  bool fast_bias_correction = false;
  bool bias_correction = false;
  bool disable_bias_correction = false;
  bool quantize_outputs = false;
  bool allow_opset_upgrade = false;
  int32_t threads = 0;
  IgnoredScopeOptions ignored;

  // Registers --data (required), --batch, --subset-size, --preset, ... on `command`; with
  // `with_mode` also --mode (accuracy control has none, as in NNCF).
  void AddTo(CLI::App* command, bool with_mode);
  // Fills `params` (already defaulted); `config` is the loaded --config (may be NULL) and must
  // outlive the call that uses `params`, as must this object.
  void Fill(nncf_quantize_params* params, const nncf_config* config);
};

}  // namespace nncf_cli
