/* Model handles: load from file and memory, describe, save to file and memory, log callback. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "nncf.h"

#define TINY_MODEL NNCF_TEST_DATA_DIR "/tiny_matmul_add.onnx"

/* tiny_matmul_add.onnx: inputs x float [batch,4], bias float [2], mask int64 [?,3] (first dim
 * unknown and unnamed); W float [4,2] is an initializer that is also listed as a graph input;
 * outputs y float [batch,2] and mask_out int64 [?,3]. */
static void check_tiny_model_info(const nncf_model* model) {
  nncf_tensor_info info;
  CHECK(nncf_model_num_inputs(model) == 3);
  CHECK(nncf_model_num_outputs(model) == 2);

  info.struct_size = sizeof info;
  CHECK_OK(nncf_model_input_info(model, 0, &info));
  CHECK(strcmp(info.name, "x") == 0);
  CHECK(info.dtype == NNCF_DTYPE_FLOAT);
  CHECK(info.has_shape == 1);
  CHECK(info.ndim == 2 && info.shape[0] == -1 && info.shape[1] == 4);
  CHECK(info.dim_params != NULL && info.dim_params[1] == NULL);
  CHECK(info.dim_params != NULL && info.dim_params[0] != NULL &&
        strcmp(info.dim_params[0], "batch") == 0);
  CHECK(info.data == NULL && info.nbytes == 0);

  CHECK_OK(nncf_model_input_info(model, 1, &info));
  CHECK(strcmp(info.name, "bias") == 0); /* W, an initializer, is skipped */
  CHECK(info.ndim == 1 && info.shape[0] == 2);
  CHECK(info.dim_params == NULL);

  CHECK_OK(nncf_model_input_info(model, 2, &info));
  CHECK(strcmp(info.name, "mask") == 0);
  CHECK(info.dtype == NNCF_DTYPE_INT64);
  CHECK(info.has_shape == 1 && info.ndim == 2 && info.shape[0] == -1 && info.shape[1] == 3);
  CHECK(info.dim_params == NULL);

  CHECK_OK(nncf_model_output_info(model, 0, &info));
  CHECK(strcmp(info.name, "y") == 0);
  CHECK(info.ndim == 2 && info.shape[0] == -1 && info.shape[1] == 2);
  CHECK(info.dim_params != NULL && strcmp(info.dim_params[0], "batch") == 0);
  CHECK_OK(nncf_model_output_info(model, 1, &info));
  CHECK(strcmp(info.name, "mask_out") == 0 && info.ndim == 2 && info.shape[0] == -1);

  CHECK_STATUS(nncf_model_input_info(model, 3, &info), NNCF_ERR_INVALID_ARGUMENT,
               "index 3 is out of range; the model has 3 inputs");
  CHECK_STATUS(nncf_model_output_info(model, 2, &info), NNCF_ERR_INVALID_ARGUMENT,
               "the model has 2 outputs");
}

static int blobs_equal(const nncf_blob* a, const void* data, size_t size) {
  return nncf_blob_size(a) == size && memcmp(nncf_blob_data(a), data, size) == 0;
}

static void test_load_file_and_describe(void) {
  nncf_model* model = NULL;
  nncf_blob* summary = NULL;
  char* json;
  CHECK_OK(nncf_model_load_file(TINY_MODEL, NULL, &model));
  check_tiny_model_info(model);

  CHECK_OK(nncf_model_summary_json(model, &summary));
  json = (char*)malloc(nncf_blob_size(summary) + 1);
  memcpy(json, nncf_blob_data(summary), nncf_blob_size(summary));
  json[nncf_blob_size(summary)] = '\0';
  CHECK(json[0] == '{');
  CHECK(check_contains(json, "\"producer_name\":\"nncf-tests\""));
  CHECK(check_contains(json, "\"MatMul\":1"));
  CHECK(check_contains(json, "\"Add\":1"));
  CHECK(check_contains(json, "\"batch\""));
  CHECK(check_contains(json, "\"node_count\":3"));
  free(json);
  nncf_blob_free(summary);
  nncf_model_free(model);
  nncf_model_free(NULL);
}

static void test_memory_round_trip(void) {
  size_t size = 0;
  void* bytes = check_read_file(TINY_MODEL, &size);
  nncf_model* model = NULL;
  nncf_model* again = NULL;
  nncf_blob* blob = NULL;
  nncf_blob* blob2 = NULL;
  nncf_model_load_params params;

  NNCF_MODEL_LOAD_PARAMS_INIT(&params);
  CHECK_OK(nncf_model_load_memory(bytes, size, &params, &model));
  /* The bytes were copied: scribbling over them does not affect the model. */
  memset(bytes, 0xff, size);
  check_tiny_model_info(model);

  CHECK_OK(nncf_model_save_memory(model, &blob));
  CHECK(nncf_blob_size(blob) > 0);
  CHECK_OK(nncf_model_load_memory(nncf_blob_data(blob), nncf_blob_size(blob), NULL, &again));
  check_tiny_model_info(again);
  CHECK_OK(nncf_model_save_memory(again, &blob2));
  CHECK(blobs_equal(blob2, nncf_blob_data(blob), nncf_blob_size(blob)));

  /* An untouched model serializes to exactly the bytes it was loaded from. */
  free(bytes);
  bytes = check_read_file(TINY_MODEL, &size);
  CHECK(blobs_equal(blob, bytes, size));

  free(bytes);
  nncf_blob_free(blob);
  nncf_blob_free(blob2);
  nncf_model_free(model);
  nncf_model_free(again);
}

struct progress_log {
  int calls;
  int cancel;
  double last_fraction;
};

static int32_t record_progress(void* user_data, const char* stage, double fraction) {
  struct progress_log* log = (struct progress_log*)user_data;
  log->calls++;
  log->last_fraction = fraction;
  (void)stage;
  return log->cancel ? 0 : 1;
}

static void test_save_file(void) {
  char dir[512];
  char path[600];
  nncf_model* model = NULL;
  nncf_model* reloaded = NULL;
  nncf_blob* a = NULL;
  nncf_blob* b = NULL;
  nncf_model_save_params save;
  nncf_model_load_params load;
  struct progress_log log = {0, 0, -1.0};

  check_make_temp_dir(dir, sizeof dir);
  snprintf(path, sizeof path, "%s/copy.onnx", dir);
  CHECK_OK(nncf_model_load_file(TINY_MODEL, NULL, &model));

  NNCF_MODEL_SAVE_PARAMS_INIT(&save);
  save.progress = record_progress;
  save.progress_user_data = &log;
  CHECK_OK(nncf_model_save_file(model, path, &save));
  CHECK(log.calls >= 1);
  CHECK(log.last_fraction == 1.0);

  CHECK_OK(nncf_model_load_file(path, NULL, &reloaded));
  check_tiny_model_info(reloaded);
  CHECK_OK(nncf_model_save_memory(model, &a));
  CHECK_OK(nncf_model_save_memory(reloaded, &b));
  CHECK(blobs_equal(a, nncf_blob_data(b), nncf_blob_size(b)));

  /* Saving over the file a model was loaded from. */
  CHECK_OK(nncf_model_save_file(reloaded, path, NULL));
  nncf_model_free(reloaded);
  reloaded = NULL;
  NNCF_MODEL_LOAD_PARAMS_INIT(&load);
  load.validate = 1;
  CHECK_OK(nncf_model_load_file(path, &load, &reloaded));
  check_tiny_model_info(reloaded);

  /* A progress callback returning 0 cancels the save and leaves the old file in place. */
  log.cancel = 1;
  log.calls = 0;
  CHECK_STATUS(nncf_model_save_file(model, path, &save), NNCF_ERR_CANCELLED, "cancel");
  CHECK(log.calls >= 1);
  nncf_model_free(reloaded);
  reloaded = NULL;
  CHECK_OK(nncf_model_load_file(path, NULL, &reloaded));

  /* An older caller's smaller params struct still works (missing fields get defaults). */
  save.struct_size = (uint32_t)offsetof(nncf_model_save_params, progress);
  CHECK_OK(nncf_model_save_file(model, path, &save));

  nncf_blob_free(a);
  nncf_blob_free(b);
  nncf_model_free(model);
  nncf_model_free(reloaded);
  CHECK(remove(path) == 0);
  CHECK(rmdir(dir) == 0);
}

struct log_capture {
  int calls;
  int saw_loaded;
  int below_min;
  nncf_log_level min_level;
};

static void capture_log(void* user_data, nncf_log_level level, const char* component,
                        const char* message) {
  struct log_capture* capture = (struct log_capture*)user_data;
  capture->calls++;
  if (level < capture->min_level) capture->below_min = 1;
  if (check_contains(message, "loaded") && component != NULL) capture->saw_loaded = 1;
}

static void test_log_callback(void) {
  struct log_capture info = {0, 0, 0, NNCF_LOG_INFO};
  struct log_capture quiet = {0, 0, 0, NNCF_LOG_ERROR};
  nncf_model* model = NULL;

  nncf_set_log_callback(capture_log, &info, NNCF_LOG_INFO);
  CHECK_OK(nncf_model_load_file(TINY_MODEL, NULL, &model));
  nncf_model_free(model);
  CHECK(info.calls >= 1);
  CHECK(info.saw_loaded);
  CHECK(!info.below_min);

  /* Swapping in a callback with a higher level: the old one is no longer called. */
  nncf_set_log_callback(capture_log, &quiet, NNCF_LOG_ERROR);
  info.calls = 0;
  CHECK_OK(nncf_model_load_file(TINY_MODEL, NULL, &model));
  nncf_model_free(model);
  CHECK(info.calls == 0);
  CHECK(quiet.calls == 0);

  /* Out-of-range levels are clamped: 42 means "none", -7 means "debug". */
  nncf_set_log_callback(capture_log, &quiet, 42);
  CHECK_OK(nncf_model_load_file(TINY_MODEL, NULL, &model));
  nncf_model_free(model);
  CHECK(quiet.calls == 0);
  quiet.min_level = NNCF_LOG_DEBUG;
  nncf_set_log_callback(capture_log, &quiet, -7);
  CHECK_OK(nncf_model_load_file(TINY_MODEL, NULL, &model));
  nncf_model_free(model);
  CHECK(quiet.saw_loaded);

  nncf_set_log_callback(NULL, NULL, NNCF_LOG_DEBUG);
}

int main(void) {
  test_load_file_and_describe();
  test_memory_round_trip();
  test_save_file();
  test_log_callback();
  return check_finish();
}
