#include "common_options.h"

#include <sys/stat.h>

#include <cerrno>
#include <chrono>
#include <cstring>

#include "cli_error.h"

namespace nncf_cli {

void IgnoredScopeOptions::AddTo(CLI::App* command) {
  command->add_option("--ignored-names", names_, "Node names to leave alone (exact match)")
      ->delimiter(',')
      ->allow_extra_args(false)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  command
      ->add_option("--ignored-patterns", patterns_,
                   "ECMAScript regexes matched at the start of node names")
      ->delimiter(',')
      ->allow_extra_args(false)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  command->add_option("--ignored-types", types_, "Op types to leave alone")
      ->delimiter(',')
      ->allow_extra_args(false)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  command->add_flag("--no-validate-ignored", no_validate_,
                    "Accept ignored-scope rules that match nothing (else exit code 2)");
}

const nncf_ignored_scope* IgnoredScopeOptions::Get() {
  if (names_.empty() && patterns_.empty() && types_.empty()) return nullptr;
  NNCF_IGNORED_SCOPE_INIT(&scope_);
  auto pointers = [](const std::vector<std::string>& strings, std::vector<const char*>& out) {
    out.clear();
    for (const std::string& text : strings) out.push_back(text.c_str());
  };
  pointers(names_, name_ptrs_);
  pointers(patterns_, pattern_ptrs_);
  pointers(types_, type_ptrs_);
  scope_.names = name_ptrs_.data();
  scope_.n_names = name_ptrs_.size();
  scope_.patterns = pattern_ptrs_.data();
  scope_.n_patterns = pattern_ptrs_.size();
  scope_.types = type_ptrs_.data();
  scope_.n_types = type_ptrs_.size();
  scope_.validate = no_validate_ ? 0 : 1;
  return &scope_;
}

CLI::Option* AddEnumOption(CLI::App* command, const std::string& flag, int32_t* target,
                           int32_t first, int32_t last, const char* (*name_of)(int32_t),
                           const std::string& description) {
  std::map<std::string, int32_t> values;
  std::vector<std::string> names;
  for (int32_t value = first; value <= last; ++value) {
    values[name_of(value)] = value;
    names.push_back(name_of(value));
  }
  std::string choices;
  for (const std::string& name : names) choices += (choices.empty() ? "" : "|") + name;
  return command
      ->add_option_function<std::string>(
          flag,
          [values, target, flag, choices](const std::string& name) {
            auto found = values.find(name);
            if (found == values.end()) {
              throw CLI::ValidationError(flag, "'" + name + "' is not one of " + choices);
            }
            *target = found->second;
          },
          description)
      ->type_name(choices)
      ->default_str(name_of(*target));
}

ConfigPtr LoadConfig(const std::string& path) {
  if (path.empty()) return nullptr;
  RequireFile(path, "config");
  nncf_config* config = nullptr;
  Check(nncf_config_from_file(path.c_str(), &config), "loading config '" + path + "'");
  return ConfigPtr(config);
}

void RequireFile(const std::string& path, const std::string& what) {
  struct stat info;
  if (stat(path.c_str(), &info) != 0) {
    throw CliError(kExitIo, "cannot open " + what + " '" + path + "': " + std::strerror(errno));
  }
}

ModelPtr LoadModel(const std::string& path) {
  RequireFile(path, "model");
  nncf_model* model = nullptr;
  Check(nncf_model_load_file(path.c_str(), nullptr, &model), "loading '" + path + "'");
  return ModelPtr(model);
}

void SaveModel(const nncf_model* model, const std::string& path) {
  CheckWrite(nncf_model_save_file(model, path.c_str(), nullptr), "saving '" + path + "'");
}

double NowSeconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

}  // namespace nncf_cli
