// cJSON with ownership, for the --json summaries and for reading the library's JSON blobs.
#pragma once

#include <cjson/cJSON.h>

#include <memory>
#include <string>

namespace nncf_cli {

struct JsonDeleter {
  void operator()(cJSON* json) const { cJSON_Delete(json); }
};
using JsonPtr = std::unique_ptr<cJSON, JsonDeleter>;

// Throws CliError (other) when the library hands back text that is not JSON.
JsonPtr ParseJson(const std::string& text, const std::string& what);
// Indented JSON text plus a newline.
std::string PrintJson(const cJSON* json);
// Attaches `item` to `object` under `key`; the object then owns it.
void AddJson(cJSON* object, const char* key, JsonPtr item);
// A number member, or `fallback` when it is missing or not a number.
double JsonNumber(const cJSON* object, const char* key, double fallback);

}  // namespace nncf_cli
