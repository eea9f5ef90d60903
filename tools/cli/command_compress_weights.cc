// nncf compress-weights MODEL OUT [options mirroring nncf_compress_weights_params]
#include <fstream>
#include <iostream>
#include <memory>

#include "cli_error.h"
#include "commands.h"
#include "common_options.h"
#include "data_source.h"
#include "graph_dot.h"
#include "graph_structure.h"
#include "html_report.h"
#include "model_description.h"
#include "progress.h"

namespace nncf_cli {

namespace {

struct CompressOptions {
  std::string model, out, config, report, graph, data;
  int64_t batch = 1;
  int64_t subset_size = 128;
  int32_t mode = NNCF_COMPRESS_WEIGHTS_MODE_INT8_ASYM;
  double ratio = 1.0;
  int32_t group_size = 0;
  bool all_layers = false;
  int32_t backup_mode = NNCF_BACKUP_MODE_INT8_ASYM;
  int32_t format = NNCF_WEIGHT_FORMAT_DQ;
  int32_t sensitivity_metric = NNCF_SENSITIVITY_METRIC_DEFAULT;
  int32_t accuracy_level = 4;
  bool no_opset_upgrade = false;
  int32_t threads = 0;
  bool json = false;
  bool awq = false, scale_estimation = false, gptq = false, lora_correction = false;
  IgnoredScopeOptions ignored;
};

// Layers each data-aware algorithm changed, from the report ("awq 2, gptq 6"); "" when none ran.
std::string AlgorithmSummary(const cJSON* report, cJSON* json) {
  std::string text;
  for (const char* key : {"awq", "scale_estimation", "gptq", "lora_correction"}) {
    const cJSON* list = cJSON_GetObjectItemCaseSensitive(report, key);
    const int count = cJSON_IsArray(list) ? cJSON_GetArraySize(list) : 0;
    if (json) cJSON_AddNumberToObject(json, key, count);
    if (count > 0)
      text += (text.empty() ? "" : ", ") + std::string(key) + " " + std::to_string(count);
  }
  return text;
}

void RunCompress(CompressOptions& options, const GlobalOptions& global) {
  const double start = NowSeconds();
  // Open the input once up front so a missing file is an i/o error, not the library's NOT_FOUND.
  RequireFile(options.model, "model");
  ConfigPtr config = LoadConfig(options.config);
  ProgressReporter progress(global.quiet);
  nncf_compress_weights_params params;
  NNCF_COMPRESS_WEIGHTS_PARAMS_INIT(&params);
  params.mode = options.mode;
  params.ratio = options.ratio;
  params.group_size = options.group_size;
  params.all_layers = options.all_layers ? 1 : 0;
  params.backup_mode = options.backup_mode;
  params.format = options.format;
  params.sensitivity_metric = options.sensitivity_metric;
  params.accuracy_level = options.accuracy_level;
  params.allow_opset_upgrade = options.no_opset_upgrade ? 0 : 1;
  params.num_threads = options.threads;
  params.ignored_scope = options.ignored.Get();
  params.advanced = config.get();
  params.progress = ProgressReporter::Callback;
  params.progress_user_data = &progress;
  params.subset_size = options.subset_size;
  params.awq = options.awq ? 1 : 0;
  params.scale_estimation = options.scale_estimation ? 1 : 0;
  params.gptq = options.gptq ? 1 : 0;
  params.lora_correction = options.lora_correction ? 1 : 0;
  DatasetPtr dataset;
  if (!options.data.empty()) {
    ModelPtr model = LoadModel(options.model);  // to read the data against its inputs
    dataset = LoadDataset(options.data, options.batch, model.get(), "creating the dataset");
  }

  nncf_blob* raw_report = nullptr;
  CheckWrite(nncf_compress_weights_file(options.model.c_str(), options.out.c_str(), dataset.get(),
                                        &params, nullptr, &raw_report),
             "compressing the weights of '" + options.model + "'");
  progress.Finish();
  BlobPtr report(raw_report);
  const std::string report_text = BlobText(report.get());
  if (!options.report.empty()) {
    WriteReport(options.report, ReportKind::kCompressWeights,
                "nncf compress-weights: " + options.model, report_text);
  }
  std::string svg;
  if (!options.graph.empty()) svg = WriteGraphFiles(ReadGraphStructure(options.out), options.graph);

  JsonPtr report_json = ParseJson(report_text, "the weight compression report");
  const int layers =
      cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(report_json.get(), "layers"));
  const double ratio_achieved = JsonNumber(report_json.get(), "ratio_achieved", 0);
  ModelPtr compressed = LoadModel(options.out);
  JsonPtr description = DescribeModel(compressed.get(), options.out);
  if (options.json) {
    JsonPtr summary(cJSON_CreateObject());
    cJSON* root = summary.get();
    cJSON_AddStringToObject(root, "command", "compress-weights");
    cJSON_AddStringToObject(root, "model", options.model.c_str());
    cJSON_AddStringToObject(root, "output", options.out.c_str());
    cJSON_AddStringToObject(root, "mode", nncf_compress_weights_mode_name(options.mode));
    cJSON_AddStringToObject(root, "format", nncf_weight_format_name(options.format));
    cJSON_AddNumberToObject(root, "compressed_layers", layers);
    cJSON_AddNumberToObject(root, "ratio_achieved", ratio_achieved);
    cJSON_AddNumberToObject(root, "seconds", NowSeconds() - start);
    options.report.empty() ? cJSON_AddNullToObject(root, "report")
                           : cJSON_AddStringToObject(root, "report", options.report.c_str());
    options.graph.empty() ? cJSON_AddNullToObject(root, "graph")
                          : cJSON_AddStringToObject(root, "graph", options.graph.c_str());
    svg.empty() ? cJSON_AddNullToObject(root, "svg")
                : cJSON_AddStringToObject(root, "svg", svg.c_str());
    AlgorithmSummary(report_json.get(), cJSON_AddObjectToObject(root, "algorithm_layers"));
    AddJson(root, "output_model", std::move(description));
    std::cout << PrintJson(root);
    return;
  }
  std::cout << "compressed " << options.model << " -> " << options.out << ": " << layers
            << " layers, mode " << nncf_compress_weights_mode_name(options.mode) << ", ratio "
            << ratio_achieved << ", format " << nncf_weight_format_name(options.format) << "\n";
  const std::string algorithms = AlgorithmSummary(report_json.get(), nullptr);
  if (!algorithms.empty()) std::cout << "data-aware layers: " << algorithms << "\n";
  if (!options.report.empty()) std::cout << "report: " << options.report << "\n";
  if (!options.graph.empty()) std::cout << "graph: " << options.graph << "\n";
  if (!svg.empty()) std::cout << "svg: " << svg << "\n";
}

}  // namespace

Command AddCompressWeightsCommand(CLI::App& app, const GlobalOptions& global) {
  auto options = std::make_shared<CompressOptions>();
  CLI::App* command = app.add_subcommand(
      "compress-weights", "Data-free weight compression (nncf.compress_weights), file to file");
  command->add_option("MODEL", options->model, "ONNX model file")->required();
  command->add_option("OUT", options->out, "Where to write the compressed model")->required();
  AddEnumOption(command, "--mode", &options->mode, NNCF_COMPRESS_WEIGHTS_MODE_INT8_ASYM,
                NNCF_COMPRESS_WEIGHTS_MODE_E2M1, nncf_compress_weights_mode_name,
                "Compression mode");
  command
      ->add_option("--ratio", options->ratio,
                   "Share of the ratio-defining layers in --mode (the rest use --backup-mode)")
      ->check(CLI::Range(0.0, 1.0))
      ->capture_default_str();
  command
      ->add_option("--group-size", options->group_size,
                   "Group size (0: the mode's default, -1: per channel)")
      ->capture_default_str();
  command->add_flag("--all-layers", options->all_layers,
                    "Embeddings and the last layer in --mode too");
  AddEnumOption(command, "--backup-mode", &options->backup_mode, NNCF_BACKUP_MODE_INT8_ASYM,
                NNCF_BACKUP_MODE_NONE, nncf_backup_mode_name, "Mode of the layers outside --ratio");
  AddEnumOption(command, "--format", &options->format, NNCF_WEIGHT_FORMAT_DQ,
                NNCF_WEIGHT_FORMAT_DQ_FLOAT4, nncf_weight_format_name,
                "How compressed weights are written");
  AddEnumOption(command, "--sensitivity-metric", &options->sensitivity_metric,
                NNCF_SENSITIVITY_METRIC_DEFAULT, NNCF_SENSITIVITY_METRIC_MEAN_ACTIVATION_MAGNITUDE,
                nncf_sensitivity_metric_name, "How layers are ranked for --ratio");
  command
      ->add_option("--accuracy-level", options->accuracy_level,
                   "MatMulNBits accuracy_level attribute")
      ->capture_default_str();
  command->add_flag("--no-opset-upgrade", options->no_opset_upgrade,
                    "Fail instead of raising the opset when the format needs it");
  options->ignored.AddTo(command);
  command->add_option("--config", options->config,
                      "JSON config; its \"compress_weights\" section supplies advanced parameters");
  command->add_option("--threads", options->threads, "Worker threads (0: one per core)")
      ->capture_default_str();
  command->add_option("--data", options->data,
                      "Data for the data-aware steps (sensitivity metrics with --ratio < 1, the "
                      "algorithms below): .npy, .npz or a directory, as quantize's --data");
  command->add_flag("--awq", options->awq,
                    "AWQ for the 4-bit layers (data-free scales without --data)");
  command->add_flag("--scale-estimation", options->scale_estimation,
                    "Fit the 4-bit scales to the layer outputs (needs --data)");
  command->add_flag("--gptq", options->gptq, "GPTQ for the 4-bit layers (needs --data)");
  command->add_flag("--lora-correction", options->lora_correction,
                    "Add a low-rank correction branch per 4-bit MatMul (needs --data; not with "
                    "--gptq)");
  command->add_option("--batch", options->batch, "Rows per item when --data is a single file")
      ->capture_default_str();
  command->add_option("--subset-size", options->subset_size, "Items of --data reduced")
      ->capture_default_str();
  command->add_option(
      "--report", options->report,
      "Write the report: JSON, or a page with tables and charts when FILE ends in .html");
  command->add_option("--graph", options->graph,
                      "Write the compressed model as a Graphviz .dot graph (and .svg when dot is "
                      "installed), compressed weights highlighted");
  command->add_flag("--json", options->json, "Print a summary as JSON on stdout");
  const GlobalOptions* global_ptr = &global;
  return {command, [options, global_ptr] { RunCompress(*options, *global_ptr); }};
}

}  // namespace nncf_cli
