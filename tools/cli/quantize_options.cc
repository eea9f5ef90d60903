#include "quantize_options.h"

namespace nncf_cli {

void QuantizeParamOptions::AddTo(CLI::App* command, bool with_mode) {
  command
      ->add_option("--data", data,
                   "Calibration data: a .npy file (the single input), a .npz file (arrays "
                   "named after the inputs) or a directory of them (one item per file)")
      ->required();
  command
      ->add_option("--batch", batch,
                   "Rows per item when --data is a single file (0: the whole file is one item)")
      ->capture_default_str();
  command->add_option("--subset-size", subset_size, "Items used for statistics")
      ->capture_default_str();
  if (with_mode) {
    AddEnumOption(command, "--mode", &mode, NNCF_QUANTIZATION_MODE_INT8,
                  NNCF_QUANTIZATION_MODE_FP8_E5M2, nncf_quantization_mode_name, "Quantizer type");
  }
  AddEnumOption(command, "--preset", &preset, NNCF_PRESET_DEFAULT, NNCF_PRESET_MIXED,
                nncf_quantization_preset_name,
                "performance (symmetric) or mixed (asymmetric activations); default: mixed "
                "for transformers, else performance");
  AddEnumOption(command, "--target-device", &target_device, NNCF_TARGET_DEVICE_ANY,
                NNCF_TARGET_DEVICE_CPU_SPR, nncf_target_device_name, "Target hardware");
  AddEnumOption(command, "--model-type", &model_type, NNCF_MODEL_TYPE_DEFAULT,
                NNCF_MODEL_TYPE_TRANSFORMER, nncf_model_type_name,
                "transformer: transformer patterns, ignored metatypes and SmoothQuant");
  AddEnumOption(command, "--overflow-fix", &overflow_fix, NNCF_OVERFLOW_FIX_DEFAULT,
                NNCF_OVERFLOW_FIX_DISABLE, nncf_overflow_fix_name,
                "Halve the weight range against int8 overflow (default: first_layer_only)");
  CLI::Option* fast = command->add_flag("--fast-bias-correction", fast_bias_correction,
                                        "FastBiasCorrection (the default)");
  CLI::Option* full = command->add_flag("--bias-correction", bias_correction,
                                        "Full BiasCorrection instead of the fast one");
  fast->excludes(full);
  command->add_flag("--disable-bias-correction", disable_bias_correction,
                    "No bias correction at all");
  command->add_flag("--quantize-outputs", quantize_outputs, "Quantize model outputs too");
  ignored.AddTo(command);
  command->add_option("--config", config,
                      "JSON config (nncf_config); its \"quantize\" section supplies advanced "
                      "parameters, options given here take precedence");
  command->add_flag("--allow-opset-upgrade", allow_opset_upgrade,
                    "Raise the model's opset when the quantized model needs it");
  command->add_option("--threads", threads, "Worker threads (0: one per core)")
      ->capture_default_str();
}

void QuantizeParamOptions::Fill(nncf_quantize_params* params, const nncf_config* loaded_config) {
  params->mode = mode;
  params->preset = preset;
  params->target_device = target_device;
  params->model_type = model_type;
  params->subset_size = subset_size;
  params->overflow_fix = overflow_fix;
  if (bias_correction) params->fast_bias_correction = 0;
  params->disable_bias_correction = disable_bias_correction ? 1 : 0;
  params->quantize_outputs = quantize_outputs ? 1 : 0;
  params->allow_opset_upgrade = allow_opset_upgrade ? 1 : 0;
  params->num_threads = threads;
  params->ignored_scope = ignored.Get();
  params->advanced = loaded_config;
}

}  // namespace nncf_cli
