// Config handles over nncf::config::Config (schema-validated JSON).
#include <memory>
#include <string>
#include <string_view>

#include "capi/api_impl.h"

extern "C" {

nncf_status* nncf_config_from_json(const char* json, size_t length, nncf_config** out) {
  NNCF_API_BEGIN
  NNCF_CHECK_ARG(json);
  NNCF_CHECK_ARG(out);
  auto config = std::make_unique<nncf_config>();
  config->impl = nncf::config::Config::FromJson(std::string_view(json, length));
  *out = config.release();
  NNCF_API_END
}

nncf_status* nncf_config_from_file(const char* path, nncf_config** out) {
  NNCF_API_BEGIN
  NNCF_CHECK_ARG(path);
  NNCF_CHECK_ARG(out);
  auto config = std::make_unique<nncf_config>();
  config->impl = nncf::config::Config::FromFile(path);
  *out = config.release();
  NNCF_API_END
}

void nncf_config_free(nncf_config* config) {
  delete config;
}

nncf_status* nncf_config_to_json(const nncf_config* config, nncf_blob** out) {
  NNCF_API_BEGIN
  NNCF_CHECK_ARG(config);
  NNCF_CHECK_ARG(out);
  *out = nncf::capi::NewBlob(config->impl.ToJson());
  NNCF_API_END
}

nncf_status* nncf_config_get(const nncf_config* config, const char* key, nncf_blob** json_value) {
  NNCF_API_BEGIN
  NNCF_CHECK_ARG(config);
  NNCF_CHECK_ARG(key);
  NNCF_CHECK_ARG(json_value);
  *json_value = nncf::capi::NewBlob(config->impl.Get(key));
  NNCF_API_END
}

nncf_status* nncf_config_set(nncf_config* config, const char* key, const char* json_value) {
  NNCF_API_BEGIN
  NNCF_CHECK_ARG(config);
  NNCF_CHECK_ARG(key);
  NNCF_CHECK_ARG(json_value);
  config->impl.Set(key, json_value);
  NNCF_API_END
}

nncf_status* nncf_config_schema_json(nncf_blob** out) {
  NNCF_API_BEGIN
  NNCF_CHECK_ARG(out);
  *out = nncf::capi::NewBlob(nncf::config::SchemaJson());
  NNCF_API_END
}

}  // extern "C"
