// nncf info MODEL [--json]
#include <iostream>
#include <memory>

#include "cli_error.h"
#include "commands.h"
#include "common_options.h"
#include "model_description.h"

namespace nncf_cli {

Command AddInfoCommand(CLI::App& app, const GlobalOptions&) {
  struct Options {
    std::string model;
    bool json = false;
  };
  auto options = std::make_shared<Options>();
  CLI::App* command = app.add_subcommand(
      "info", "Describe a model: inputs, outputs, op histogram, quantizers, compressed weights");
  command->add_option("MODEL", options->model, "ONNX model file")->required();
  command->add_flag("--json", options->json, "Print the description as JSON on stdout");
  return {command, [options] {
            ModelPtr model = LoadModel(options->model);
            JsonPtr description = DescribeModel(model.get(), options->model);
            std::cout << (options->json ? PrintJson(description.get())
                                        : DescriptionText(description.get()));
          }};
}

}  // namespace nncf_cli
