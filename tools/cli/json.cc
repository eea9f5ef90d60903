#include "json.h"

#include "cli_error.h"

namespace nncf_cli {

JsonPtr ParseJson(const std::string& text, const std::string& what) {
  JsonPtr json(cJSON_ParseWithLength(text.data(), text.size()));
  if (!json) throw CliError(kExitOther, what + " is not valid JSON");
  return json;
}

std::string PrintJson(const cJSON* json) {
  char* printed = cJSON_Print(json);
  if (!printed) throw CliError(kExitOther, "out of memory printing JSON");
  std::string text(printed);
  cJSON_free(printed);
  return text + "\n";
}

void AddJson(cJSON* object, const char* key, JsonPtr item) {
  if (!cJSON_AddItemToObject(object, key, item.get())) {
    throw CliError(kExitOther, "out of memory building JSON");
  }
  item.release();
}

double JsonNumber(const cJSON* object, const char* key, double fallback) {
  const cJSON* item = cJSON_GetObjectItemCaseSensitive(object, key);
  return cJSON_IsNumber(item) ? item->valuedouble : fallback;
}

}  // namespace nncf_cli
