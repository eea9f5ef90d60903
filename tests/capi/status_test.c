/* Status objects, codes, versions, dtypes, blobs and params defaults. */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "nncf.h"

static void test_status_objects(void) {
  nncf_status* status = nncf_status_create(NNCF_ERR_IO, "disk full while writing 'a.onnx'");
  CHECK(status != NULL);
  CHECK(nncf_status_code(status) == NNCF_ERR_IO);
  CHECK(strcmp(nncf_status_message(status), "disk full while writing 'a.onnx'") == 0);
  nncf_status_free(status);

  CHECK(nncf_status_create(NNCF_OK, "ignored") == NULL);
  status = nncf_status_create(NNCF_ERR_CALLBACK, NULL);
  CHECK(nncf_status_code(status) == NNCF_ERR_CALLBACK);
  CHECK(strcmp(nncf_status_message(status), "") == 0);
  nncf_status_free(status);

  CHECK(nncf_status_code(NULL) == NNCF_OK);
  CHECK(strcmp(nncf_status_message(NULL), "") == 0);
  nncf_status_free(NULL);
}

static void test_code_strings(void) {
  static const struct {
    nncf_code code;
    const char* name;
  } kCodes[] = {{NNCF_OK, "NNCF_OK"},
                {NNCF_ERR_INVALID_ARGUMENT, "NNCF_ERR_INVALID_ARGUMENT"},
                {NNCF_ERR_NOT_FOUND, "NNCF_ERR_NOT_FOUND"},
                {NNCF_ERR_INVALID_MODEL, "NNCF_ERR_INVALID_MODEL"},
                {NNCF_ERR_UNSUPPORTED, "NNCF_ERR_UNSUPPORTED"},
                {NNCF_ERR_IO, "NNCF_ERR_IO"},
                {NNCF_ERR_OUT_OF_MEMORY, "NNCF_ERR_OUT_OF_MEMORY"},
                {NNCF_ERR_CANCELLED, "NNCF_ERR_CANCELLED"},
                {NNCF_ERR_CALLBACK, "NNCF_ERR_CALLBACK"},
                {NNCF_ERR_VERSION_MISMATCH, "NNCF_ERR_VERSION_MISMATCH"},
                {NNCF_ERR_INVALID_CONFIG, "NNCF_ERR_INVALID_CONFIG"},
                {NNCF_ERR_INTERNAL, "NNCF_ERR_INTERNAL"}};
  size_t i;
  for (i = 0; i < sizeof kCodes / sizeof kCodes[0]; ++i) {
    CHECK(strcmp(nncf_code_string(kCodes[i].code), kCodes[i].name) == 0);
  }
  CHECK(strcmp(nncf_code_string(999), "NNCF_ERR_UNKNOWN") == 0);
  CHECK(strcmp(nncf_code_string(-1), "NNCF_ERR_UNKNOWN") == 0);
}

static void test_versions(void) {
  char expected[32];
  CHECK(nncf_version_number() == NNCF_VERSION_NUMBER);
  CHECK(nncf_api_version() >= NNCF_API_VERSION);
  snprintf(expected, sizeof expected, "%d.%d.%d", NNCF_VERSION_MAJOR, NNCF_VERSION_MINOR,
           NNCF_VERSION_PATCH);
  CHECK(strcmp(nncf_version_string(), expected) == 0);
}

static void test_dtypes(void) {
  CHECK(strcmp(nncf_dtype_name(NNCF_DTYPE_FLOAT), "float") == 0);
  CHECK(strcmp(nncf_dtype_name(NNCF_DTYPE_INT4), "int4") == 0);
  CHECK(strcmp(nncf_dtype_name(NNCF_DTYPE_FLOAT8E4M3FN), "float8e4m3fn") == 0);
  CHECK(strcmp(nncf_dtype_name(NNCF_DTYPE_BFLOAT16), "bfloat16") == 0);
  CHECK(strcmp(nncf_dtype_name(99), "unknown") == 0);
  CHECK(strcmp(nncf_dtype_name(-3), "unknown") == 0);
  CHECK(nncf_dtype_bits(NNCF_DTYPE_FLOAT) == 32);
  CHECK(nncf_dtype_bits(NNCF_DTYPE_DOUBLE) == 64);
  CHECK(nncf_dtype_bits(NNCF_DTYPE_FLOAT16) == 16);
  CHECK(nncf_dtype_bits(NNCF_DTYPE_UINT8) == 8);
  CHECK(nncf_dtype_bits(NNCF_DTYPE_INT4) == 4);
  CHECK(nncf_dtype_bits(NNCF_DTYPE_UINT4) == 4);
  CHECK(nncf_dtype_bits(NNCF_DTYPE_FLOAT4E2M1) == 4);
  CHECK(nncf_dtype_bits(NNCF_DTYPE_COMPLEX128) == 128);
  CHECK(nncf_dtype_bits(NNCF_DTYPE_STRING) == 0);
  CHECK(nncf_dtype_bits(1234) == 0);
}

static void test_null_blob(void) {
  CHECK(nncf_blob_data(NULL) == NULL);
  CHECK(nncf_blob_size(NULL) == 0);
  nncf_blob_free(NULL);
}

static void test_params_defaults(void) {
  nncf_model_load_params load;
  nncf_model_save_params save;
  nncf_dataset_callbacks callbacks;
  struct {
    nncf_model_load_params params;
    unsigned char tail[16];
  } future;
  size_t i;
  int tail_zero = 1;

  NNCF_MODEL_LOAD_PARAMS_INIT(&load);
  CHECK(load.struct_size == sizeof load);
  CHECK(load.base_dir == NULL);
  CHECK(load.mmap_external_data == 1);
  CHECK(load.validate == 1);

  NNCF_MODEL_SAVE_PARAMS_INIT(&save);
  CHECK(save.struct_size == sizeof save);
  CHECK(save.external_data == NNCF_EXTERNAL_DATA_AUTO);
  CHECK(save.external_data_file == NULL);
  CHECK(save.size_threshold == 1024);
  CHECK(save.progress == NULL);
  CHECK(save.progress_user_data == NULL);

  NNCF_DATASET_CALLBACKS_INIT(&callbacks);
  CHECK(callbacks.struct_size == sizeof callbacks);
  CHECK(callbacks.user_data == NULL);
  CHECK(callbacks.length == NULL);
  CHECK(callbacks.get_item == NULL);
  CHECK(callbacks.transform == NULL);
  CHECK(callbacks.destroy == NULL);
  CHECK(callbacks.batch_size == 0);

  /* A caller built against an older, smaller struct: bytes past its size are not touched. */
  memset(&load, 0x5a, sizeof load);
  nncf_model_load_params_default(&load, (uint32_t)offsetof(nncf_model_load_params, validate));
  CHECK(load.struct_size == offsetof(nncf_model_load_params, validate));
  CHECK(load.mmap_external_data == 1);
  CHECK(load.validate == 0x5a5a5a5a);

  /* A caller built against a newer, larger struct: our part is filled, its tail zeroed. */
  memset(&future, 0x5a, sizeof future);
  nncf_model_load_params_default(&future.params, (uint32_t)sizeof future);
  CHECK(future.params.struct_size == sizeof future);
  CHECK(future.params.validate == 1);
  for (i = 0; i < sizeof future - sizeof future.params; ++i) {
    if (((unsigned char*)&future)[sizeof future.params + i] != 0) tail_zero = 0;
  }
  CHECK(tail_zero);

  /* NULL and struct_size 0 are ignored. */
  nncf_model_load_params_default(NULL, sizeof load);
  memset(&load, 0x5a, sizeof load);
  nncf_model_load_params_default(&load, 0);
  CHECK(load.validate == 0x5a5a5a5a);
}

int main(void) {
  test_status_objects();
  test_code_strings();
  test_versions();
  test_dtypes();
  test_null_blob();
  test_params_defaults();
  return check_finish();
}
