// nncf accuracy-control MODEL OUT --data PATH --val-data PATH --val-labels LABELS.npy
// [--max-drop D] [options mirroring nncf_quantize_params and the restorer parameters]
// Validates with top-1 accuracy (a fraction in [0, 1]) of the model's first output against the
// labels, one value per validation item.
#include <algorithm>
#include <cmath>
#include <fstream>
#include <iostream>
#include <memory>

#include "cli_error.h"
#include "commands.h"
#include "common_options.h"
#include "data_source.h"
#include "html_report.h"
#include "model_description.h"
#include "npy.h"
#include "progress.h"
#include "quantize_options.h"

namespace nncf_cli {

namespace {

struct AccuracyControlOptions {
  std::string model, out, val_data, val_labels, report, intermediate_dir;
  int64_t val_batch = 100;
  double max_drop = 0.01;
  int32_t drop_type = NNCF_DROP_TYPE_ABSOLUTE;
  int64_t max_iterations = -1;
  int64_t ranking_subset_size = 0;
  int32_t restore_mode = NNCF_RESTORE_MODE_ACTIVATIONS_AND_WEIGHTS;
  bool tune_hyperparams = false;
  bool json = false;
  QuantizeParamOptions params;
};

// Labels as int64, one per validation row.
std::vector<int64_t> ReadLabels(const std::string& path) {
  const Array array = ReadNpyFile(path);
  if (array.shape.size() > 2 || (array.shape.size() == 2 && array.shape[1] != 1)) {
    throw CliError(kExitInvalidInput, "'" + path + "': labels must have shape [N] or [N, 1]");
  }
  std::vector<int64_t> labels(static_cast<size_t>(array.ElementCount()));
  for (size_t i = 0; i < labels.size(); ++i) {
    const uint8_t* p = array.data.data() + i * array.ElementSize();
    switch (array.dtype) {
      case NNCF_DTYPE_INT64:
        labels[i] = *reinterpret_cast<const int64_t*>(p);
        break;
      case NNCF_DTYPE_INT32:
        labels[i] = *reinterpret_cast<const int32_t*>(p);
        break;
      case NNCF_DTYPE_UINT8:
        labels[i] = *p;
        break;
      case NNCF_DTYPE_INT8:
        labels[i] = *reinterpret_cast<const int8_t*>(p);
        break;
      case NNCF_DTYPE_INT16:
        labels[i] = *reinterpret_cast<const int16_t*>(p);
        break;
      default:
        throw CliError(kExitInvalidInput,
                       "'" + path + "': labels must be an integer array (int8/16/32/64, uint8)");
    }
  }
  return labels;
}

// What the validation callback needs: the labels and the first label row of each item.
struct TopOne {
  std::vector<int64_t> labels;
  std::vector<int64_t> first_row;  // per validation item
};

nncf_status* Fail(nncf_code code, const std::string& message) {
  return nncf_status_create(code, message.c_str());
}

nncf_status* ValidateTopOne(void* user_data, const nncf_model* model, nncf_dataset* items,
                            nncf_validation_output* output) {
  const auto* top = static_cast<const TopOne*>(user_data);
  int64_t n = 0;
  if (nncf_status* s = nncf_dataset_length(items, &n)) return s;
  int64_t correct_total = 0, rows_total = 0;
  for (int64_t k = 0; k < n; ++k) {
    int64_t source = 0;
    if (nncf_status* s = nncf_dataset_source_index(items, k, &source)) return s;
    nncf_sample* item = nullptr;
    if (nncf_status* s = nncf_dataset_get_item(items, k, &item)) return s;
    nncf_sample* outputs = nullptr;
    nncf_status* s = nncf_model_infer(model, item, nullptr, &outputs);
    nncf_sample_free(item);
    if (s) return s;
    SamplePtr owned(outputs);
    nncf_tensor_info info = EmptyTensorInfo();
    if (nncf_status* t = nncf_sample_tensor_info(outputs, 0, &info)) return t;
    if (info.dtype != NNCF_DTYPE_FLOAT || info.ndim != 2) {
      return Fail(NNCF_ERR_INVALID_ARGUMENT,
                  "top-1 needs the model's first output as float [rows, classes]");
    }
    const int64_t rows = info.shape[0], classes = info.shape[1];
    const int64_t first = top->first_row[static_cast<size_t>(source)];
    if (first + rows > static_cast<int64_t>(top->labels.size())) {
      return Fail(NNCF_ERR_INVALID_ARGUMENT, "validation item " + std::to_string(source) +
                                                 " has more rows than there are labels");
    }
    const auto* scores = static_cast<const float*>(info.data);
    int64_t correct = 0;
    for (int64_t r = 0; r < rows; ++r) {
      const float* row = scores + r * classes;
      if (std::max_element(row, row + classes) - row ==
          top->labels[static_cast<size_t>(first + r)]) {
        ++correct;
      }
    }
    output->per_item[k] = rows > 0 ? double(correct) / double(rows) : 0.0;
    correct_total += correct;
    rows_total += rows;
  }
  output->per_item_filled = 1;
  output->metric = rows_total > 0 ? double(correct_total) / double(rows_total) : 0.0;
  return nullptr;
}

void RunAccuracyControl(AccuracyControlOptions& options, const GlobalOptions& global) {
  const double start = NowSeconds();
  ModelPtr model = LoadModel(options.model);
  ConfigPtr config = LoadConfig(options.params.config);
  DatasetPtr calibration = LoadDataset(options.params.data, options.params.batch, model.get(),
                                       "creating the calibration dataset");
  TopOne top;
  top.labels = ReadLabels(options.val_labels);
  std::vector<SamplePtr> samples = LoadSamples(options.val_data, options.val_batch, model.get());
  int64_t rows = 0;
  for (const SamplePtr& sample : samples) {
    top.first_row.push_back(rows);
    nncf_tensor_info info = EmptyTensorInfo();
    Check(nncf_sample_tensor_info(sample.get(), 0, &info), "reading the validation data");
    rows += info.ndim > 0 ? info.shape[0] : 1;
  }
  if (rows != static_cast<int64_t>(top.labels.size())) {
    throw CliError(kExitInvalidInput, "--val-data has " + std::to_string(rows) +
                                          " rows but --val-labels has " +
                                          std::to_string(top.labels.size()) + " labels");
  }
  std::vector<const nncf_sample*> pointers;
  for (const SamplePtr& sample : samples) pointers.push_back(sample.get());
  nncf_dataset* raw_validation = nullptr;
  Check(nncf_dataset_create_from_samples(pointers.data(), pointers.size(), &raw_validation),
        "creating the validation dataset");
  DatasetPtr validation(raw_validation);
  samples.clear();

  nncf_quantize_params quantize;
  NNCF_QUANTIZE_PARAMS_INIT(&quantize);
  options.params.Fill(&quantize, config.get());
  ProgressReporter progress(global.quiet);
  nncf_accuracy_control_params params;
  NNCF_ACCURACY_CONTROL_PARAMS_INIT(&params);
  params.quantize = &quantize;
  params.validate = ValidateTopOne;
  params.validate_user_data = &top;
  params.max_drop = options.max_drop;
  params.drop_type = options.drop_type;
  params.max_num_iterations = options.max_iterations;
  params.tune_hyperparams = options.tune_hyperparams ? 1 : 0;
  params.ranking_subset_size = options.ranking_subset_size;
  params.restore_mode = options.restore_mode;
  params.intermediate_model_dir =
      options.intermediate_dir.empty() ? nullptr : options.intermediate_dir.c_str();
  params.progress = ProgressReporter::Callback;
  params.progress_user_data = &progress;

  nncf_model* raw_out = nullptr;
  nncf_blob* raw_report = nullptr;
  nncf_accuracy_control_summary summary{};
  summary.struct_size = sizeof summary;
  Check(nncf_quantize_with_accuracy_control(model.get(), calibration.get(), validation.get(),
                                            &params, &raw_out, &summary, &raw_report),
        "quantizing '" + options.model + "' with accuracy control");
  progress.Finish();
  ModelPtr result(raw_out);
  BlobPtr report(raw_report);
  SaveModel(result.get(), options.out);
  if (!options.report.empty()) {
    WriteReport(options.report, ReportKind::kAccuracyControl,
                "nncf accuracy-control: " + options.model, BlobText(report.get()));
  }
  if (options.json) {
    JsonPtr json(cJSON_CreateObject());
    cJSON* root = json.get();
    cJSON_AddStringToObject(root, "command", "accuracy-control");
    cJSON_AddStringToObject(root, "model", options.model.c_str());
    cJSON_AddStringToObject(root, "output", options.out.c_str());
    cJSON_AddNumberToObject(root, "initial_metric", summary.initial_metric);
    cJSON_AddNumberToObject(root, "quantized_metric", summary.quantized_metric);
    cJSON_AddNumberToObject(root, "final_metric", summary.final_metric);
    cJSON_AddNumberToObject(root, "final_drop", summary.final_drop);
    cJSON_AddNumberToObject(root, "max_drop", options.max_drop);
    cJSON_AddBoolToObject(root, "target_met", summary.target_met != 0);
    cJSON_AddNumberToObject(root, "reverted_groups", double(summary.reverted_groups));
    cJSON_AddNumberToObject(root, "validation_calls", double(summary.validation_calls));
    cJSON_AddNumberToObject(root, "seconds", NowSeconds() - start);
    if (options.report.empty()) {
      cJSON_AddNullToObject(root, "report");
    } else {
      cJSON_AddStringToObject(root, "report", options.report.c_str());
    }
    std::cout << PrintJson(root);
  } else {
    std::cout << "accuracy control " << options.model << " -> " << options.out << ": top-1 "
              << summary.initial_metric << " float, " << summary.quantized_metric << " int8, "
              << summary.final_metric << " returned (drop " << summary.final_drop << ", max "
              << options.max_drop << "), " << summary.reverted_groups << " groups reverted, "
              << summary.validation_calls << " validation calls\n";
    if (!options.report.empty()) std::cout << "report: " << options.report << "\n";
  }
  if (!summary.target_met) {
    throw CliError(kExitTargetMissed,
                   "the accuracy drop " + std::to_string(summary.final_drop) +
                       " is above --max-drop " + std::to_string(options.max_drop) +
                       "; the best model found was written to '" + options.out + "'");
  }
}

}  // namespace

Command AddAccuracyControlCommand(CLI::App& app, const GlobalOptions& global) {
  auto options = std::make_shared<AccuracyControlOptions>();
  CLI::App* command = app.add_subcommand(
      "accuracy-control",
      "Quantization with accuracy control (nncf.quantize_with_accuracy_control): top-1 on "
      "labelled validation data");
  command->add_option("MODEL", options->model, "ONNX model file")->required();
  command->add_option("OUT", options->out, "Where to write the resulting model")->required();
  options->params.AddTo(command, false);
  command
      ->add_option("--val-data", options->val_data,
                   "Validation inputs (.npy, .npz or a directory, as --data)")
      ->required();
  command
      ->add_option("--val-labels", options->val_labels,
                   "Integer class labels, one per validation row (.npy of shape [N])")
      ->required();
  command->add_option("--val-batch", options->val_batch, "Rows per validation item")
      ->capture_default_str();
  command->add_option("--max-drop", options->max_drop, "Largest top-1 drop accepted")
      ->capture_default_str();
  AddEnumOption(command, "--drop-type", &options->drop_type, NNCF_DROP_TYPE_ABSOLUTE,
                NNCF_DROP_TYPE_RELATIVE, nncf_drop_type_name,
                "absolute (initial - quantized) or relative (to the initial metric)");
  command
      ->add_option("--max-iterations", options->max_iterations,
                   "Groups of quantizers reverted at most (-1: no limit)")
      ->capture_default_str();
  command
      ->add_option("--ranking-subset-size", options->ranking_subset_size,
                   "Validation items used to rank groups (0: --subset-size)")
      ->capture_default_str();
  AddEnumOption(command, "--restore-mode", &options->restore_mode,
                NNCF_RESTORE_MODE_ACTIVATIONS_AND_WEIGHTS, NNCF_RESTORE_MODE_ONLY_ACTIVATIONS,
                nncf_restore_mode_name, "What a reverted operation loses");
  command->add_flag("--tune-hyperparams", options->tune_hyperparams,
                    "Search NNCF's quantization parameter grid before reverting");
  command->add_option("--intermediate-dir", options->intermediate_dir,
                      "Also write intermediate_model.onnx (quantized, before any revert) here");
  command->add_option("--report", options->report,
                      "Write the report: JSON, or a page with tables and charts when FILE ends in "
                      ".html");
  command->add_flag("--json", options->json, "Print a summary as JSON on stdout");
  const GlobalOptions* global_ptr = &global;
  return {command, [options, global_ptr] { RunAccuracyControl(*options, *global_ptr); }};
}

}  // namespace nncf_cli
