// nncf quantize MODEL OUT --data PATH [options mirroring nncf_quantize_params]
#include <fstream>
#include <iostream>
#include <memory>

#include "cli_error.h"
#include "commands.h"
#include "common_options.h"
#include "data_source.h"
#include "graph_dot.h"
#include "graph_structure.h"
#include "model_description.h"
#include "progress.h"

namespace nncf_cli {

namespace {

struct QuantizeOptions {
  std::string model, out, data, config, report, graph;
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
  bool json = false;
  IgnoredScopeOptions ignored;
};

void WriteText(const std::string& path, const std::string& text) {
  std::ofstream file(path, std::ios::trunc);
  if (!file) throw CliError(kExitIo, "cannot create '" + path + "'");
  file << text;
  if (!file) throw CliError(kExitIo, "cannot write '" + path + "'");
}

void RunQuantize(QuantizeOptions& options, const GlobalOptions& global) {
  const double start = NowSeconds();
  ModelPtr model = LoadModel(options.model);
  ConfigPtr config = LoadConfig(options.config);
  std::vector<SamplePtr> samples = LoadSamples(options.data, options.batch, model.get());
  std::vector<const nncf_sample*> sample_ptrs;
  for (const SamplePtr& sample : samples) sample_ptrs.push_back(sample.get());
  nncf_dataset* raw_dataset = nullptr;
  Check(nncf_dataset_create_from_samples(sample_ptrs.data(), sample_ptrs.size(), &raw_dataset),
        "creating the calibration dataset");
  DatasetPtr dataset(raw_dataset);
  samples.clear();

  ProgressReporter progress(global.quiet);
  nncf_quantize_params params;
  NNCF_QUANTIZE_PARAMS_INIT(&params);
  params.mode = options.mode;
  params.preset = options.preset;
  params.target_device = options.target_device;
  params.model_type = options.model_type;
  params.subset_size = options.subset_size;
  params.overflow_fix = options.overflow_fix;
  if (options.bias_correction) params.fast_bias_correction = 0;
  params.disable_bias_correction = options.disable_bias_correction ? 1 : 0;
  params.quantize_outputs = options.quantize_outputs ? 1 : 0;
  params.allow_opset_upgrade = options.allow_opset_upgrade ? 1 : 0;
  params.num_threads = options.threads;
  params.ignored_scope = options.ignored.Get();
  params.advanced = config.get();
  params.progress = ProgressReporter::Callback;
  params.progress_user_data = &progress;

  nncf_model* raw_out = nullptr;
  nncf_blob* raw_report = nullptr;
  Check(nncf_quantize(model.get(), dataset.get(), &params, &raw_out, &raw_report),
        "quantizing '" + options.model + "'");
  progress.Finish();
  ModelPtr quantized(raw_out);
  BlobPtr report(raw_report);
  SaveModel(quantized.get(), options.out);
  const std::string report_text = BlobText(report.get());
  if (!options.report.empty()) WriteText(options.report, report_text);
  std::string svg;
  if (!options.graph.empty()) svg = WriteGraphFiles(ReadGraphStructure(options.out), options.graph);

  JsonPtr report_json = ParseJson(report_text, "the quantization report");
  const int quantizers =
      cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(report_json.get(), "quantizers"));
  const int corrected =
      cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(report_json.get(), "bias_correction"));
  const double calibration_items = JsonNumber(report_json.get(), "calibration_items", 0);
  JsonPtr description = DescribeModel(quantized.get(), options.out);
  if (options.json) {
    JsonPtr summary(cJSON_CreateObject());
    cJSON* root = summary.get();
    cJSON_AddStringToObject(root, "command", "quantize");
    cJSON_AddStringToObject(root, "model", options.model.c_str());
    cJSON_AddStringToObject(root, "output", options.out.c_str());
    cJSON_AddNumberToObject(root, "calibration_items", calibration_items);
    cJSON_AddNumberToObject(root, "quantizers", quantizers);
    cJSON_AddNumberToObject(root, "bias_corrected_layers", corrected);
    cJSON_AddNumberToObject(root, "seconds", NowSeconds() - start);
    if (options.report.empty()) {
      cJSON_AddNullToObject(root, "report");
    } else {
      cJSON_AddStringToObject(root, "report", options.report.c_str());
    }
    if (options.graph.empty()) {
      cJSON_AddNullToObject(root, "graph");
    } else {
      cJSON_AddStringToObject(root, "graph", options.graph.c_str());
    }
    if (svg.empty()) {
      cJSON_AddNullToObject(root, "svg");
    } else {
      cJSON_AddStringToObject(root, "svg", svg.c_str());
    }
    AddJson(root, "output_model", std::move(description));
    std::cout << PrintJson(root);
    return;
  }
  std::cout << "quantized " << options.model << " -> " << options.out << ": " << quantizers
            << " quantizers, " << corrected << " bias-corrected layers, "
            << static_cast<long long>(calibration_items) << " calibration items, "
            << static_cast<long long>(JsonNumber(description.get(), "compressed_weights", 0))
            << " int8 weights\n";
  if (!options.report.empty()) std::cout << "report: " << options.report << "\n";
  if (!options.graph.empty()) std::cout << "graph: " << options.graph << "\n";
  if (!svg.empty()) std::cout << "svg: " << svg << "\n";
}

}  // namespace

Command AddQuantizeCommand(CLI::App& app, const GlobalOptions& global) {
  auto options = std::make_shared<QuantizeOptions>();
  CLI::App* command = app.add_subcommand(
      "quantize", "Post-training quantization (nncf.quantize) calibrated on .npy/.npz data");
  command->add_option("MODEL", options->model, "ONNX model file")->required();
  command->add_option("OUT", options->out, "Where to write the quantized model")->required();
  command
      ->add_option("--data", options->data,
                   "Calibration data: a .npy file (the single input), a .npz file (arrays "
                   "named after the inputs) or a directory of them (one item per file)")
      ->required();
  command
      ->add_option("--batch", options->batch,
                   "Rows per item when --data is a single file (0: the whole file is one item)")
      ->capture_default_str();
  command->add_option("--subset-size", options->subset_size, "Items used for statistics")
      ->capture_default_str();
  AddEnumOption(command, "--mode", &options->mode, NNCF_QUANTIZATION_MODE_INT8,
                NNCF_QUANTIZATION_MODE_FP8_E5M2, nncf_quantization_mode_name, "Quantizer type");
  AddEnumOption(command, "--preset", &options->preset, NNCF_PRESET_DEFAULT, NNCF_PRESET_MIXED,
                nncf_quantization_preset_name,
                "performance (symmetric) or mixed (asymmetric activations); default: mixed "
                "for transformers, else performance");
  AddEnumOption(command, "--target-device", &options->target_device, NNCF_TARGET_DEVICE_ANY,
                NNCF_TARGET_DEVICE_CPU_SPR, nncf_target_device_name, "Target hardware");
  AddEnumOption(command, "--model-type", &options->model_type, NNCF_MODEL_TYPE_DEFAULT,
                NNCF_MODEL_TYPE_TRANSFORMER, nncf_model_type_name,
                "transformer: transformer patterns, ignored metatypes and SmoothQuant");
  AddEnumOption(command, "--overflow-fix", &options->overflow_fix, NNCF_OVERFLOW_FIX_DEFAULT,
                NNCF_OVERFLOW_FIX_DISABLE, nncf_overflow_fix_name,
                "Halve the weight range against int8 overflow (default: first_layer_only)");
  CLI::Option* fast = command->add_flag("--fast-bias-correction", options->fast_bias_correction,
                                        "FastBiasCorrection (the default)");
  CLI::Option* full = command->add_flag("--bias-correction", options->bias_correction,
                                        "Full BiasCorrection instead of the fast one");
  fast->excludes(full);
  command->add_flag("--disable-bias-correction", options->disable_bias_correction,
                    "No bias correction at all");
  command->add_flag("--quantize-outputs", options->quantize_outputs, "Quantize model outputs too");
  options->ignored.AddTo(command);
  command->add_option("--config", options->config,
                      "JSON config (nncf_config); its \"quantize\" section supplies advanced "
                      "parameters, options given here take precedence");
  command->add_flag("--allow-opset-upgrade", options->allow_opset_upgrade,
                    "Raise the model's opset when the quantized model needs it");
  command->add_option("--threads", options->threads, "Worker threads (0: one per core)")
      ->capture_default_str();
  command->add_option("--report", options->report,
                      "Write the JSON report (per quantizer scale, zero point, range)");
  command->add_option("--graph", options->graph,
                      "Write the quantized model as a Graphviz .dot graph (and .svg when dot is "
                      "installed), quantizers highlighted");
  command->add_flag("--json", options->json, "Print a summary as JSON on stdout");
  const GlobalOptions* global_ptr = &global;
  return {command, [options, global_ptr] { RunQuantize(*options, *global_ptr); }};
}

}  // namespace nncf_cli
