/* Config handles: JSON in and out, get/set by dotted key, schema errors with JSON paths. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "nncf.h"

/* Copies a blob into a NUL-terminated string (caller frees). */
static char* blob_text(nncf_blob* blob) {
  size_t size = nncf_blob_size(blob);
  char* text = (char*)malloc(size + 1);
  memcpy(text, nncf_blob_data(blob), size);
  text[size] = '\0';
  nncf_blob_free(blob);
  return text;
}

static int value_is(const nncf_config* config, const char* key, const char* expected) {
  nncf_blob* blob = NULL;
  char* text;
  int equal;
  nncf_status* status = nncf_config_get(config, key, &blob);
  if (status) {
    fprintf(stderr, "get %s: %s\n", key, nncf_status_message(status));
    nncf_status_free(status);
    return 0;
  }
  text = blob_text(blob);
  equal = strcmp(text, expected) == 0;
  if (!equal) fprintf(stderr, "get %s: expected %s, got %s\n", key, expected, text);
  free(text);
  return equal;
}

static void test_parse_get_set(void) {
  const char* json = "{\"quantize\": {\"subset_size\": 100, \"preset\": \"mixed\"}}";
  nncf_config* config = NULL;
  nncf_blob* blob = NULL;
  char* text;

  CHECK_OK(nncf_config_from_json(json, strlen(json), &config));
  CHECK(value_is(config, "quantize.subset_size", "100"));
  CHECK(value_is(config, "quantize.preset", "\"mixed\""));
  /* Unset keys read as the schema default. */
  CHECK(value_is(config, "quantize.target_device", "\"any\""));
  CHECK(value_is(config, "quantize.fast_bias_correction", "true"));
  CHECK(value_is(config, "quantize.advanced.overflow_fix", "null"));

  CHECK_OK(nncf_config_set(config, "quantize.advanced.overflow_fix", "\"enable\""));
  CHECK(value_is(config, "quantize.advanced.overflow_fix", "\"enable\""));
  CHECK_OK(nncf_config_set(config, "quantize.subset_size", "7"));
  CHECK(value_is(config, "quantize.subset_size", "7"));

  /* A rejected set leaves the config unchanged. */
  CHECK_STATUS(nncf_config_set(config, "quantize.subset_size", "\"many\""), NNCF_ERR_INVALID_CONFIG,
               "$.quantize.subset_size");
  CHECK_STATUS(nncf_config_set(config, "quantize.subset_size", "0"), NNCF_ERR_INVALID_CONFIG,
               "$.quantize.subset_size");
  CHECK_STATUS(nncf_config_set(config, "quantize.advanced.overflow_fix", "\"sometimes\""),
               NNCF_ERR_INVALID_CONFIG, "overflow_fix");
  CHECK(value_is(config, "quantize.subset_size", "7"));
  CHECK_STATUS(nncf_config_get(config, "quantize.subsetsize", &blob), NNCF_ERR_NOT_FOUND,
               "subsetsize");

  CHECK_OK(nncf_config_to_json(config, &blob));
  text = blob_text(blob);
  CHECK(check_contains(text, "\"subset_size\""));
  CHECK(check_contains(text, "\"enable\""));
  nncf_config_free(config);

  /* The serialized form reads back to the same values. */
  CHECK_OK(nncf_config_from_json(text, strlen(text), &config));
  CHECK(value_is(config, "quantize.subset_size", "7"));
  CHECK(value_is(config, "quantize.advanced.overflow_fix", "\"enable\""));
  nncf_config_free(config);
  free(text);
  nncf_config_free(NULL);
}

static void test_length_bounded_json(void) {
  /* Only `length` bytes are read: the trailing garbage is outside. */
  const char buffer[] = "{\"quantize\": {\"subset_size\": 5}}GARBAGE";
  nncf_config* config = NULL;
  CHECK_OK(nncf_config_from_json(buffer, sizeof buffer - 1 - 7, &config));
  CHECK(value_is(config, "quantize.subset_size", "5"));
  nncf_config_free(config);
  CHECK_OK(nncf_config_from_json("{}", 2, &config));
  CHECK(value_is(config, "quantize.subset_size", "300"));
  nncf_config_free(config);
}

static void test_schema_errors(void) {
  static const struct {
    const char* json;
    const char* path;
  } kBad[] = {
      {"{\"quantize\": {\"subsetsize\": 1}}", "$.quantize.subsetsize"},
      {"{\"quantise\": {}}", "$.quantise"},
      {"{\"quantize\": {\"subset_size\": \"many\"}}", "$.quantize.subset_size"},
      {"{\"quantize\": {\"subset_size\": 1.5}}", "$.quantize.subset_size"},
      {"{\"quantize\": {\"fast_bias_correction\": 1}}", "$.quantize.fast_bias_correction"},
      {"{\"quantize\": {\"advanced\": {\"overflow_fix\": \"always\"}}}",
       "$.quantize.advanced.overflow_fix"},
      {"[1, 2]", "$"},
  };
  size_t i;
  nncf_config* config = NULL;
  for (i = 0; i < sizeof kBad / sizeof kBad[0]; ++i) {
    CHECK_STATUS(nncf_config_from_json(kBad[i].json, strlen(kBad[i].json), &config),
                 NNCF_ERR_INVALID_CONFIG, kBad[i].path);
    CHECK(config == NULL);
  }
  /* Not JSON at all. */
  CHECK_STATUS(nncf_config_from_json("{\"quantize\": ", 13, &config), NNCF_ERR_INVALID_CONFIG,
               NULL);
}

static void test_files_and_schema(void) {
  char dir[512];
  char path[600];
  FILE* file;
  nncf_config* config = NULL;
  nncf_blob* schema = NULL;
  char* text;

  check_make_temp_dir(dir, sizeof dir);
  snprintf(path, sizeof path, "%s/config.json", dir);
  file = fopen(path, "w");
  CHECK(file != NULL);
  fputs("{\"compress_weights\": {\"subset_size\": 64}}\n", file);
  fclose(file);
  CHECK_OK(nncf_config_from_file(path, &config));
  CHECK(value_is(config, "compress_weights.subset_size", "64"));
  nncf_config_free(config);
  config = NULL;

  file = fopen(path, "w");
  fputs("{\"compress_weights\": {\"subset_size\": -1}}\n", file);
  fclose(file);
  CHECK_STATUS(nncf_config_from_file(path, &config), NNCF_ERR_INVALID_CONFIG, "config.json");
  CHECK(remove(path) == 0);
  CHECK_STATUS(nncf_config_from_file(path, &config), NNCF_ERR_NOT_FOUND, "config.json");
  CHECK(rmdir(dir) == 0);

  CHECK_OK(nncf_config_schema_json(&schema));
  text = blob_text(schema);
  CHECK(check_contains(text, "\"overflow_fix\""));
  CHECK(check_contains(text, "\"additionalProperties\""));
  free(text);
}

int main(void) {
  test_parse_get_set();
  test_length_bounded_json();
  test_schema_errors();
  test_files_and_schema();
  return check_finish();
}
