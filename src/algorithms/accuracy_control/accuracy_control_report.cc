#include <cjson/cJSON.h>

#include <memory>

#include "algorithms/accuracy_control/accuracy_control.h"

namespace nncf::algorithms::accuracy_control {
namespace {

struct JsonDeleter {
  void operator()(cJSON* json) const { cJSON_Delete(json); }
};
using JsonPtr = std::unique_ptr<cJSON, JsonDeleter>;

cJSON* Strings(const std::vector<std::string>& values) {
  cJSON* array = cJSON_CreateArray();
  for (const std::string& value : values)
    cJSON_AddItemToArray(array, cJSON_CreateString(value.c_str()));
  return array;
}

}  // namespace

std::string AccuracyControlReport::ToJson(const AccuracyControlParams& params) const {
  JsonPtr root(cJSON_CreateObject());
  cJSON* r = root.get();
  cJSON_AddNumberToObject(r, "initial_metric", initial_metric);
  cJSON_AddNumberToObject(r, "quantized_metric", quantized_metric);
  cJSON_AddNumberToObject(r, "quantized_drop", quantized_drop);
  cJSON_AddNumberToObject(r, "final_metric", final_metric);
  cJSON_AddNumberToObject(r, "final_drop", final_drop);
  cJSON_AddNumberToObject(r, "max_drop", params.max_drop);
  cJSON_AddStringToObject(r, "drop_type", DropTypeName(params.drop_type));
  cJSON_AddStringToObject(r, "restore_mode", RestoreModeName(params.restore_mode));
  cJSON_AddBoolToObject(r, "target_met", target_met);
  cJSON_AddBoolToObject(r, "all_groups_reverted", all_groups_reverted);
  cJSON_AddStringToObject(r, "ranking_mode", ranking_mode.c_str());
  cJSON_AddNumberToObject(r, "validation_items", double(validation_items));
  cJSON_AddNumberToObject(r, "num_groups", double(num_groups));
  cJSON_AddNumberToObject(r, "reverted_groups", double(reverted_groups));
  cJSON_AddNumberToObject(r, "validation_calls", double(validation_calls));
  cJSON* steps_json = cJSON_AddArrayToObject(r, "steps");
  for (const RevertStep& step : steps) {
    cJSON* item = cJSON_CreateObject();
    cJSON_AddItemToObject(item, "quantizers", Strings(step.quantizers));
    cJSON_AddItemToObject(item, "operations", Strings(step.operations));
    cJSON_AddNumberToObject(item, "metric", step.metric);
    cJSON_AddNumberToObject(item, "drop", step.drop);
    cJSON_AddBoolToObject(item, "kept", step.kept);
    cJSON_AddItemToArray(steps_json, item);
  }
  cJSON* phases_json = cJSON_AddArrayToObject(r, "phases");
  for (const PhaseRecord& phase : phases) {
    cJSON* item = cJSON_CreateObject();
    cJSON_AddStringToObject(item, "phase", phase.phase.c_str());
    cJSON_AddNumberToObject(item, "seconds", phase.seconds);
    cJSON_AddNumberToObject(item, "validation_calls", double(phase.validation_calls));
    cJSON_AddItemToArray(phases_json, item);
  }
  cJSON_AddBoolToObject(r, "hyperparameters_tuned", hyperparameters_tuned);
  cJSON* quantize_json = cJSON_Parse(quantize.ToJson().c_str());
  cJSON_AddItemToObject(r, "quantize", quantize_json ? quantize_json : cJSON_CreateNull());
  char* text = cJSON_PrintUnformatted(r);
  std::string out = text ? text : "{}";
  cJSON_free(text);
  return out;
}

}  // namespace nncf::algorithms::accuracy_control
