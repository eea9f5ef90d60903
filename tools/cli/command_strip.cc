// nncf strip MODEL OUT --format native|dq|in_place
#include <iostream>
#include <memory>

#include "cli_error.h"
#include "commands.h"
#include "common_options.h"
#include "model_description.h"

namespace nncf_cli {

Command AddStripCommand(CLI::App& app, const GlobalOptions&) {
  struct Options {
    std::string model, out;
    int32_t format = NNCF_STRIP_FORMAT_NATIVE;
    bool json = false;
  };
  auto options = std::make_shared<Options>();
  CLI::App* command = app.add_subcommand(
      "strip", "Remove training-time structure (fake quantizers, adapters) from a model");
  command->add_option("MODEL", options->model, "ONNX model file")->required();
  command->add_option("OUT", options->out, "Where to write the stripped model")->required();
  AddEnumOption(command, "--format", &options->format, NNCF_STRIP_FORMAT_NATIVE,
                NNCF_STRIP_FORMAT_IN_PLACE, nncf_strip_format_name,
                "native: fake quantizers become Q/DQ; dq: weights stored quantized behind "
                "DequantizeLinear; in_place: quantization baked into float weights")
      ->capture_default_str();
  command->add_flag("--json", options->json, "Print a summary as JSON on stdout");
  return {
      command, [options] {
        const double start = NowSeconds();
        ModelPtr model = LoadModel(options->model);
        nncf_model* raw = nullptr;
        Check(nncf_strip(model.get(), options->format, &raw), "stripping '" + options->model + "'");
        ModelPtr stripped(raw);
        SaveModel(stripped.get(), options->out);
        JsonPtr description = DescribeModel(stripped.get(), options->out);
        if (options->json) {
          JsonPtr summary(cJSON_CreateObject());
          cJSON_AddStringToObject(summary.get(), "command", "strip");
          cJSON_AddStringToObject(summary.get(), "model", options->model.c_str());
          cJSON_AddStringToObject(summary.get(), "output", options->out.c_str());
          cJSON_AddStringToObject(summary.get(), "format", nncf_strip_format_name(options->format));
          cJSON_AddNumberToObject(summary.get(), "seconds", NowSeconds() - start);
          AddJson(summary.get(), "output_model", std::move(description));
          std::cout << PrintJson(summary.get());
        } else {
          std::cout << "stripped " << options->model << " -> " << options->out << " ("
                    << nncf_strip_format_name(options->format) << ")\n";
        }
      }};
}

}  // namespace nncf_cli
