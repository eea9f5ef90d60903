// nncf infer MODEL --data PATH [--output NAME] [--save DIR]
#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <iostream>
#include <memory>
#include <sstream>

#include "cli_error.h"
#include "commands.h"
#include "common_options.h"
#include "data_source.h"
#include "json.h"
#include "npy.h"

namespace nncf_cli {

namespace {

struct InferOptions {
  std::string model, data, save;
  std::vector<std::string> outputs;
  int64_t batch = 0;
  int32_t threads = 0;
  size_t show = 6;
  bool json = false;
};

// Element `index` as a double, for the dtypes worth printing; false for the others.
bool ElementValue(const nncf_tensor_info& info, size_t index, double* value) {
  const auto* bytes = static_cast<const uint8_t*>(info.data);
  auto read = [&](auto sample) {
    decltype(sample) element;
    std::memcpy(&element, bytes + index * sizeof element, sizeof element);
    *value = static_cast<double>(element);
    return true;
  };
  switch (info.dtype) {
    case NNCF_DTYPE_FLOAT:
      return read(float{});
    case NNCF_DTYPE_DOUBLE:
      return read(double{});
    case NNCF_DTYPE_INT8:
      return read(int8_t{});
    case NNCF_DTYPE_UINT8:
    case NNCF_DTYPE_BOOL:
      return read(uint8_t{});
    case NNCF_DTYPE_INT16:
      return read(int16_t{});
    case NNCF_DTYPE_UINT16:
      return read(uint16_t{});
    case NNCF_DTYPE_INT32:
      return read(int32_t{});
    case NNCF_DTYPE_UINT32:
      return read(uint32_t{});
    case NNCF_DTYPE_INT64:
      return read(int64_t{});
    case NNCF_DTYPE_UINT64:
      return read(uint64_t{});
    default:
      return false;
  }
}

size_t ElementCount(const nncf_tensor_info& info) {
  size_t count = 1;
  for (size_t i = 0; i < info.ndim; ++i) count *= static_cast<size_t>(info.shape[i]);
  return count;
}

std::string FileSafe(const std::string& name) {
  std::string safe = name;
  for (char& c : safe) {
    if (c == '/' || c == '\\' || c == ':') c = '_';
  }
  return safe;
}

void RunInfer(InferOptions& options) {
  ModelPtr model = LoadModel(options.model);
  std::vector<SamplePtr> items = LoadSamples(options.data, options.batch, model.get());
  if (!options.save.empty() && mkdir(options.save.c_str(), 0777) != 0 && errno != EEXIST) {
    throw CliError(kExitIo, "cannot create '" + options.save + "': " + std::strerror(errno));
  }
  std::vector<const char*> names;
  for (const std::string& name : options.outputs) names.push_back(name.c_str());
  nncf_infer_params params;
  NNCF_INFER_PARAMS_INIT(&params);
  params.num_threads = options.threads;
  if (!names.empty()) {
    params.output_names = names.data();
    params.n_output_names = names.size();
  }

  JsonPtr summary(cJSON_CreateObject());
  cJSON_AddStringToObject(summary.get(), "command", "infer");
  cJSON_AddStringToObject(summary.get(), "model", options.model.c_str());
  cJSON* items_json = cJSON_AddArrayToObject(summary.get(), "items");
  for (size_t item = 0; item < items.size(); ++item) {
    nncf_sample* raw = nullptr;
    Check(nncf_model_infer(model.get(), items[item].get(), &params, &raw),
          "running '" + options.model + "' on item " + std::to_string(item));
    SamplePtr outputs(raw);
    cJSON* item_json = cJSON_CreateArray();
    cJSON_AddItemToArray(items_json, item_json);
    if (!options.json && items.size() > 1) std::cout << "item " << item << ":\n";
    for (size_t i = 0; i < nncf_sample_num_tensors(outputs.get()); ++i) {
      nncf_tensor_info info = EmptyTensorInfo();
      Check(nncf_sample_tensor_info(outputs.get(), i, &info),
            "reading output " + std::to_string(i));
      const std::vector<int64_t> shape(info.shape, info.shape + info.ndim);
      std::string saved;
      if (!options.save.empty()) {
        saved = options.save + "/" +
                (items.size() > 1 ? "item" + std::to_string(item) + "_" : std::string()) +
                FileSafe(info.name) + ".npy";
        WriteNpyFile(saved, info.dtype, shape, info.data, info.nbytes);
      }
      cJSON* output_json = cJSON_CreateObject();
      cJSON_AddItemToArray(item_json, output_json);
      cJSON_AddStringToObject(output_json, "name", info.name);
      cJSON_AddStringToObject(output_json, "dtype", nncf_dtype_name(info.dtype));
      cJSON* shape_json = cJSON_AddArrayToObject(output_json, "shape");
      for (int64_t dim : shape) cJSON_AddItemToArray(shape_json, cJSON_CreateNumber(double(dim)));
      cJSON* values_json = cJSON_AddArrayToObject(output_json, "first_values");
      std::ostringstream line;
      line << "  " << info.name << "  " << nncf_dtype_name(info.dtype) << "  [";
      for (size_t d = 0; d < shape.size(); ++d) line << (d ? ", " : "") << shape[d];
      line << "]";
      const size_t count = ElementCount(info);
      double value = 0;
      for (size_t e = 0; e < std::min(count, options.show); ++e) {
        if (!ElementValue(info, e, &value)) break;
        cJSON_AddItemToArray(values_json, cJSON_CreateNumber(value));
        line << (e ? " " : "  ") << value;
      }
      if (count > options.show && cJSON_GetArraySize(values_json) > 0) line << " ...";
      if (saved.empty()) {
        cJSON_AddNullToObject(output_json, "saved");
      } else {
        cJSON_AddStringToObject(output_json, "saved", saved.c_str());
        line << "  -> " << saved;
      }
      if (!options.json) std::cout << line.str() << "\n";
    }
  }
  if (options.json) std::cout << PrintJson(summary.get());
}

}  // namespace

Command AddInferCommand(CLI::App& app, const GlobalOptions&) {
  auto options = std::make_shared<InferOptions>();
  CLI::App* command =
      app.add_subcommand("infer", "Run a model with the library's executor on .npy/.npz inputs");
  command->add_option("MODEL", options->model, "ONNX model file")->required();
  command
      ->add_option("--data", options->data,
                   "Inputs: a .npy file (the single input), a .npz file (arrays named after the "
                   "inputs) or a directory of them (one run per file)")
      ->required();
  command
      ->add_option("--batch", options->batch,
                   "Rows per run when --data is a single file (0: the whole file in one run)")
      ->capture_default_str();
  command
      ->add_option("--output", options->outputs,
                   "Output to compute (repeatable or comma-separated; default: the graph outputs)")
      ->delimiter(',')
      ->allow_extra_args(false)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  command->add_option("--save", options->save, "Write every output as DIR/<name>.npy");
  command->add_option("--show", options->show, "Values printed per output")->capture_default_str();
  command->add_option("--threads", options->threads, "Worker threads (0: one per core)")
      ->capture_default_str();
  command->add_flag("--json", options->json, "Print outputs (shape, first values) as JSON");
  return {command, [options] { RunInfer(*options); }};
}

}  // namespace nncf_cli
