#include "algorithms/common/ignored_scope_config.h"

#include <cjson/cJSON.h>

#include <memory>
#include <vector>

namespace nncf::algorithms {
namespace {

std::vector<std::string> JsonStrings(const cJSON* array) {
  std::vector<std::string> values;
  const cJSON* item = nullptr;
  cJSON_ArrayForEach(item, array) {
    if (cJSON_IsString(item)) values.emplace_back(item->valuestring);
  }
  return values;
}

IgnoredScope ScopeFromConfig(const config::Config& config, const std::string& prefix) {
  IgnoredScope scope;
  scope.names = config.GetStringList(prefix + ".names");
  scope.patterns = config.GetStringList(prefix + ".patterns");
  scope.types = config.GetStringList(prefix + ".types");
  scope.validate = config.GetBool(prefix + ".validate");
  const std::string subgraphs = config.Get(prefix + ".subgraphs");
  std::unique_ptr<cJSON, void (*)(cJSON*)> json(cJSON_Parse(subgraphs.c_str()), cJSON_Delete);
  const cJSON* item = nullptr;
  cJSON_ArrayForEach(item, json.get()) {
    Subgraph subgraph;
    subgraph.inputs = JsonStrings(cJSON_GetObjectItemCaseSensitive(item, "inputs"));
    subgraph.outputs = JsonStrings(cJSON_GetObjectItemCaseSensitive(item, "outputs"));
    scope.subgraphs.push_back(std::move(subgraph));
  }
  return scope;
}

}  // namespace

void AddIgnoredScopeFromConfig(const config::Config& config, const std::string& section,
                               IgnoredScope* scope) {
  std::string key;
  if (config.Has(section + ".ignored_scope")) {
    key = section + ".ignored_scope";
  } else if (config.Has("ignored_scope")) {
    key = "ignored_scope";
  } else {
    return;
  }
  MergeIgnoredScope(scope, ScopeFromConfig(config, key));
}

}  // namespace nncf::algorithms
