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
#include "html_report.h"
#include "model_description.h"
#include "progress.h"
#include "quantize_options.h"

namespace nncf_cli {

namespace {

struct QuantizeOptions {
  std::string model, out, report, graph;
  bool json = false;
  QuantizeParamOptions params;
};

void RunQuantize(QuantizeOptions& options, const GlobalOptions& global) {
  const double start = NowSeconds();
  ModelPtr model = LoadModel(options.model);
  ConfigPtr config = LoadConfig(options.params.config);
  DatasetPtr dataset = LoadDataset(options.params.data, options.params.batch, model.get(),
                                   "creating the calibration dataset");

  ProgressReporter progress(global.quiet);
  nncf_quantize_params params;
  NNCF_QUANTIZE_PARAMS_INIT(&params);
  options.params.Fill(&params, config.get());
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
  if (!options.report.empty()) {
    WriteReport(options.report, ReportKind::kQuantize, "nncf quantize: " + options.model,
                report_text);
  }
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
  options->params.AddTo(command, true);
  command->add_option(
      "--report", options->report,
      "Write the report: JSON, or a page with tables and charts when FILE ends in .html");
  command->add_option("--graph", options->graph,
                      "Write the quantized model as a Graphviz .dot graph (and .svg when dot is "
                      "installed), quantizers highlighted");
  command->add_flag("--json", options->json, "Print a summary as JSON on stdout");
  const GlobalOptions* global_ptr = &global;
  return {command, [options, global_ptr] { RunQuantize(*options, *global_ptr); }};
}

}  // namespace nncf_cli
