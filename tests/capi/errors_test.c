/* Bad input of every kind returns a status with the right code and a message naming the problem.
 * Outputs stay untouched on failure. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "nncf.h"

#define TINY_MODEL NNCF_TEST_DATA_DIR "/tiny_matmul_add.onnx"
#define NULL_ARG NNCF_ERR_INVALID_ARGUMENT

static nncf_status* noop_get_item(void* user_data, int64_t index, nncf_sample* out) {
  (void)user_data;
  (void)index;
  (void)out;
  return NULL;
}

static void test_null_arguments(void) {
  nncf_model* model = NULL;
  nncf_model* out_model = NULL;
  nncf_blob* blob = NULL;
  nncf_tensor_info info;
  nncf_sample* sample = NULL;
  nncf_sample* out_sample = NULL;
  nncf_dataset* dataset = NULL;
  nncf_dataset* out_dataset = NULL;
  nncf_dataset_callbacks callbacks;
  nncf_config* config = NULL;
  nncf_config* out_config = NULL;
  const nncf_sample* with_null[2];
  int64_t value = 0;
  const int64_t shape[2] = {2, 2};
  float data[4] = {0, 0, 0, 0};

  CHECK_OK(nncf_model_load_file(TINY_MODEL, NULL, &model));
  CHECK_OK(nncf_sample_create(&sample));
  CHECK_OK(nncf_sample_set_tensor(sample, "x", NNCF_DTYPE_FLOAT, shape, 2, data, sizeof data));
  CHECK_OK(nncf_dataset_create_from_samples((const nncf_sample* const*)&sample, 1, &dataset));
  CHECK_OK(nncf_config_from_json("{}", 2, &config));
  info.struct_size = sizeof info;

  /* Models. */
  CHECK_STATUS(nncf_model_load_file(NULL, NULL, &out_model), NULL_ARG,
               "nncf_model_load_file: argument 'path' is NULL");
  CHECK_STATUS(nncf_model_load_file(TINY_MODEL, NULL, NULL), NULL_ARG, "'out' is NULL");
  CHECK_STATUS(nncf_model_load_memory(NULL, 10, NULL, &out_model), NULL_ARG,
               "nncf_model_load_memory: argument 'data' is NULL");
  CHECK_STATUS(nncf_model_load_memory(data, sizeof data, NULL, NULL), NULL_ARG, "'out' is NULL");
  CHECK_STATUS(nncf_model_save_file(NULL, "/tmp/x.onnx", NULL), NULL_ARG, "'model' is NULL");
  CHECK_STATUS(nncf_model_save_file(model, NULL, NULL), NULL_ARG, "'path' is NULL");
  CHECK_STATUS(nncf_model_save_memory(NULL, &blob), NULL_ARG, "'model' is NULL");
  CHECK_STATUS(nncf_model_save_memory(model, NULL), NULL_ARG, "'out' is NULL");
  CHECK_STATUS(nncf_model_input_info(NULL, 0, &info), NULL_ARG, "'model' is NULL");
  CHECK_STATUS(nncf_model_input_info(model, 0, NULL), NULL_ARG,
               "nncf_model_input_info: argument 'info' is NULL");
  CHECK_STATUS(nncf_model_output_info(NULL, 0, &info), NULL_ARG, "'model' is NULL");
  CHECK_STATUS(nncf_model_output_info(model, 0, NULL), NULL_ARG, "'info' is NULL");
  CHECK_STATUS(nncf_model_summary_json(NULL, &blob), NULL_ARG, "'model' is NULL");
  CHECK_STATUS(nncf_model_summary_json(model, NULL), NULL_ARG, "'out' is NULL");
  CHECK(nncf_model_num_inputs(NULL) == 0);
  CHECK(nncf_model_num_outputs(NULL) == 0);
  CHECK(out_model == NULL && blob == NULL);

  /* Samples. */
  CHECK_STATUS(nncf_sample_create(NULL), NULL_ARG, "nncf_sample_create: argument 'out' is NULL");
  CHECK_STATUS(nncf_sample_set_tensor(NULL, "x", NNCF_DTYPE_FLOAT, shape, 2, data, sizeof data),
               NULL_ARG, "'sample' is NULL");
  CHECK_STATUS(nncf_sample_set_tensor(sample, NULL, NNCF_DTYPE_FLOAT, shape, 2, data, sizeof data),
               NULL_ARG, "'name' is NULL");
  CHECK_STATUS(nncf_sample_set_tensor(sample, "x", NNCF_DTYPE_FLOAT, NULL, 2, data, sizeof data),
               NULL_ARG, "tensor 'x': shape is NULL but ndim is 2");
  CHECK_STATUS(nncf_sample_set_tensor(sample, "x", NNCF_DTYPE_FLOAT, shape, 2, NULL, sizeof data),
               NULL_ARG, "tensor 'x': data is NULL but nbytes is 16");
  CHECK_STATUS(nncf_sample_tensor_info(NULL, 0, &info), NULL_ARG, "'sample' is NULL");
  CHECK_STATUS(nncf_sample_tensor_info(sample, 0, NULL), NULL_ARG, "'info' is NULL");
  CHECK_STATUS(nncf_sample_find_tensor(NULL, "x", &info), NULL_ARG, "'sample' is NULL");
  CHECK_STATUS(nncf_sample_find_tensor(sample, NULL, &info), NULL_ARG, "'name' is NULL");
  CHECK_STATUS(nncf_sample_find_tensor(sample, "x", NULL), NULL_ARG, "'info' is NULL");
  CHECK(nncf_sample_num_tensors(NULL) == 0);

  /* Datasets. */
  NNCF_DATASET_CALLBACKS_INIT(&callbacks);
  callbacks.get_item = noop_get_item;
  CHECK_STATUS(nncf_dataset_create(NULL, &out_dataset), NULL_ARG, "'callbacks' is NULL");
  CHECK_STATUS(nncf_dataset_create(&callbacks, NULL), NULL_ARG, "'out' is NULL");
  callbacks.get_item = NULL;
  CHECK_STATUS(nncf_dataset_create(&callbacks, &out_dataset), NULL_ARG,
               "nncf_dataset_callbacks.get_item is NULL");
  CHECK_STATUS(nncf_dataset_create_from_samples(NULL, 2, &out_dataset), NULL_ARG,
               "'samples' is NULL but n_samples is 2");
  CHECK_STATUS(nncf_dataset_create_from_samples((const nncf_sample* const*)&sample, 1, NULL),
               NULL_ARG, "'out' is NULL");
  with_null[0] = sample;
  with_null[1] = NULL;
  CHECK_STATUS(nncf_dataset_create_from_samples(with_null, 2, &out_dataset), NULL_ARG,
               "samples[1] is NULL");
  CHECK_STATUS(nncf_dataset_set_transform(NULL, NULL, NULL, NULL), NULL_ARG, "'dataset' is NULL");
  CHECK_STATUS(nncf_dataset_length(NULL, &value), NULL_ARG, "'dataset' is NULL");
  CHECK_STATUS(nncf_dataset_length(dataset, NULL), NULL_ARG, "'out' is NULL");
  CHECK_STATUS(nncf_dataset_batch_size(NULL, &value), NULL_ARG, "'dataset' is NULL");
  CHECK_STATUS(nncf_dataset_batch_size(dataset, NULL), NULL_ARG, "'out' is NULL");
  CHECK_STATUS(nncf_dataset_get_item(NULL, 0, &out_sample), NULL_ARG, "'dataset' is NULL");
  CHECK_STATUS(nncf_dataset_get_item(dataset, 0, NULL), NULL_ARG, "'out' is NULL");
  CHECK(out_dataset == NULL && out_sample == NULL);

  /* Configs. */
  CHECK_STATUS(nncf_config_from_json(NULL, 0, &out_config), NULL_ARG, "'json' is NULL");
  CHECK_STATUS(nncf_config_from_json("{}", 2, NULL), NULL_ARG, "'out' is NULL");
  CHECK_STATUS(nncf_config_from_file(NULL, &out_config), NULL_ARG, "'path' is NULL");
  CHECK_STATUS(nncf_config_from_file("c.json", NULL), NULL_ARG, "'out' is NULL");
  CHECK_STATUS(nncf_config_to_json(NULL, &blob), NULL_ARG, "'config' is NULL");
  CHECK_STATUS(nncf_config_to_json(config, NULL), NULL_ARG, "'out' is NULL");
  CHECK_STATUS(nncf_config_get(NULL, "quantize", &blob), NULL_ARG, "'config' is NULL");
  CHECK_STATUS(nncf_config_get(config, NULL, &blob), NULL_ARG, "'key' is NULL");
  CHECK_STATUS(nncf_config_get(config, "quantize", NULL), NULL_ARG, "'json_value' is NULL");
  CHECK_STATUS(nncf_config_set(NULL, "quantize.subset_size", "1"), NULL_ARG, "'config' is NULL");
  CHECK_STATUS(nncf_config_set(config, NULL, "1"), NULL_ARG, "'key' is NULL");
  CHECK_STATUS(nncf_config_set(config, "quantize.subset_size", NULL), NULL_ARG,
               "'json_value' is NULL");
  CHECK_STATUS(nncf_config_schema_json(NULL), NULL_ARG, "'out' is NULL");
  CHECK(out_config == NULL && blob == NULL);

  nncf_config_free(config);
  nncf_dataset_free(dataset);
  nncf_sample_free(sample);
  nncf_model_free(model);
}

/* A caller's struct followed by bytes this library does not know about. */
struct future_load_params {
  nncf_model_load_params params;
  uint64_t new_field;
};
struct future_save_params {
  nncf_model_save_params params;
  uint64_t new_field;
};
struct future_callbacks {
  nncf_dataset_callbacks callbacks;
  uint64_t new_field;
};
struct future_info {
  nncf_tensor_info info;
  uint64_t new_field;
};

static void test_struct_sizes(void) {
  nncf_model* model = NULL;
  nncf_model* out_model = NULL;
  nncf_dataset* dataset = NULL;
  nncf_sample* sample = NULL;
  struct future_load_params load;
  struct future_save_params save;
  struct future_callbacks callbacks;
  struct future_info info;
  char message[256];
  const int64_t shape[1] = {1};
  float one = 1.0f;

  CHECK_OK(nncf_model_load_file(TINY_MODEL, NULL, &model));
  CHECK_OK(nncf_sample_create(&sample));
  CHECK_OK(nncf_sample_set_tensor(sample, "x", NNCF_DTYPE_FLOAT, shape, 1, &one, sizeof one));

  NNCF_MODEL_LOAD_PARAMS_INIT(&load.params);
  load.params.struct_size = 0;
  CHECK_STATUS(nncf_model_load_file(TINY_MODEL, &load.params, &out_model),
               NNCF_ERR_VERSION_MISMATCH, "nncf_model_load_params.struct_size is 0");
  load.params.struct_size = (uint32_t)sizeof load;
  load.new_field = 0x1234;
  snprintf(message, sizeof message,
           "nncf_model_load_params.struct_size is %u but this library's nncf_model_load_params "
           "has %u bytes",
           (unsigned)sizeof load, (unsigned)sizeof load.params);
  CHECK_STATUS(nncf_model_load_file(TINY_MODEL, &load.params, &out_model),
               NNCF_ERR_VERSION_MISMATCH, message);
  CHECK_STATUS(nncf_model_load_memory(&one, sizeof one, &load.params, &out_model),
               NNCF_ERR_VERSION_MISMATCH, "nncf_model_load_params.struct_size");
  CHECK(out_model == NULL);

  NNCF_MODEL_SAVE_PARAMS_INIT(&save.params);
  save.params.struct_size = 0;
  CHECK_STATUS(nncf_model_save_file(model, "/nonexistent/never.onnx", &save.params),
               NNCF_ERR_VERSION_MISMATCH, "nncf_model_save_params.struct_size is 0");
  save.params.struct_size = (uint32_t)sizeof save;
  save.new_field = 1;
  CHECK_STATUS(nncf_model_save_file(model, "/nonexistent/never.onnx", &save.params),
               NNCF_ERR_VERSION_MISMATCH, "newer nncf.h");
  NNCF_MODEL_SAVE_PARAMS_INIT(&save.params);
  save.params.external_data = 7;
  CHECK_STATUS(nncf_model_save_file(model, "/nonexistent/never.onnx", &save.params),
               NNCF_ERR_INVALID_ARGUMENT, "external_data is 7");

  NNCF_DATASET_CALLBACKS_INIT(&callbacks.callbacks);
  callbacks.callbacks.get_item = noop_get_item;
  callbacks.callbacks.struct_size = 0;
  CHECK_STATUS(nncf_dataset_create(&callbacks.callbacks, &dataset), NNCF_ERR_VERSION_MISMATCH,
               "nncf_dataset_callbacks.struct_size is 0");
  callbacks.callbacks.struct_size = (uint32_t)sizeof callbacks;
  callbacks.new_field = 99;
  CHECK_STATUS(nncf_dataset_create(&callbacks.callbacks, &dataset), NNCF_ERR_VERSION_MISMATCH,
               "nncf_dataset_callbacks.struct_size");
  NNCF_DATASET_CALLBACKS_INIT(&callbacks.callbacks);
  callbacks.callbacks.get_item = noop_get_item;
  callbacks.callbacks.batch_size = -2;
  CHECK_STATUS(nncf_dataset_create(&callbacks.callbacks, &dataset), NNCF_ERR_INVALID_ARGUMENT,
               "batch_size is -2");
  CHECK(dataset == NULL);

  /* Output structs are checked too, and nothing is written on failure. */
  memset(&info, 0, sizeof info);
  CHECK_STATUS(nncf_model_input_info(model, 0, &info.info), NNCF_ERR_VERSION_MISMATCH,
               "nncf_tensor_info.struct_size is 0");
  info.info.struct_size = (uint32_t)sizeof info;
  info.new_field = 5;
  CHECK_STATUS(nncf_sample_tensor_info(sample, 0, &info.info), NNCF_ERR_VERSION_MISMATCH,
               "nncf_tensor_info.struct_size");
  CHECK(info.info.name == NULL && info.new_field == 5);
  /* An older, smaller nncf_tensor_info gets only the fields it has. */
  info.info.struct_size = (uint32_t)offsetof(nncf_tensor_info, data);
  CHECK_OK(nncf_sample_tensor_info(sample, 0, &info.info));
  CHECK(info.info.data == NULL && info.info.nbytes == 0 && info.info.ndim == 1);
  CHECK(info.info.struct_size == offsetof(nncf_tensor_info, data));

  nncf_sample_free(sample);
  nncf_model_free(model);
}

static void write_file(const char* path, const void* data, size_t size) {
  FILE* file = fopen(path, "wb");
  CHECK(file != NULL);
  if (file == NULL) return;
  CHECK(fwrite(data, 1, size, file) == size);
  fclose(file);
}

static void test_bad_model_files(void) {
  char dir[512];
  char path[600];
  nncf_model* model = NULL;
  size_t size = 0;
  void* bytes = check_read_file(TINY_MODEL, &size);
  const char* text = "name,value\nalpha,1\n";

  check_make_temp_dir(dir, sizeof dir);
  snprintf(path, sizeof path, "%s/missing.onnx", dir);
  CHECK_STATUS(nncf_model_load_file(path, NULL, &model), NNCF_ERR_NOT_FOUND, "missing.onnx");

  snprintf(path, sizeof path, "%s/table.csv", dir);
  write_file(path, text, strlen(text));
  CHECK_STATUS(nncf_model_load_file(path, NULL, &model), NNCF_ERR_INVALID_MODEL, "table.csv");
  CHECK(remove(path) == 0);

  snprintf(path, sizeof path, "%s/truncated.onnx", dir);
  write_file(path, bytes, size / 2);
  CHECK_STATUS(nncf_model_load_file(path, NULL, &model), NNCF_ERR_INVALID_MODEL, "truncated.onnx");
  CHECK(remove(path) == 0);

  /* The same from memory. */
  CHECK_STATUS(nncf_model_load_memory(bytes, size / 2, NULL, &model), NNCF_ERR_INVALID_MODEL, NULL);
  CHECK_STATUS(nncf_model_load_memory(text, strlen(text), NULL, &model), NNCF_ERR_INVALID_MODEL,
               NULL);
  CHECK(model == NULL);

  /* Saving into a directory that does not exist. */
  CHECK_OK(nncf_model_load_memory(bytes, size, NULL, &model));
  snprintf(path, sizeof path, "%s/no/such/dir/out.onnx", dir);
  CHECK_STATUS(nncf_model_save_file(model, path, NULL), NNCF_ERR_NOT_FOUND, "no/such/dir");
  nncf_model_free(model);

  CHECK(rmdir(dir) == 0);
  free(bytes);
}

static void test_bad_tensors(void) {
  nncf_sample* sample = NULL;
  const int64_t shape[2] = {2, 3};
  const int64_t negative[2] = {2, -3};
  const int64_t huge[3] = {(int64_t)1 << 40, (int64_t)1 << 40, 1 << 20};
  const int64_t three[1] = {3};
  float data[6] = {0};
  CHECK_OK(nncf_sample_create(&sample));
  CHECK_STATUS(nncf_sample_set_tensor(sample, "x", NNCF_DTYPE_FLOAT, shape, 2, data, 10),
               NNCF_ERR_INVALID_ARGUMENT,
               "tensor 'x': nbytes is 10 but float [2,3] needs 24 bytes");
  CHECK_STATUS(nncf_sample_set_tensor(sample, "q", NNCF_DTYPE_INT4, three, 1, data, 3),
               NNCF_ERR_INVALID_ARGUMENT, "int4 [3] needs 2 bytes");
  CHECK_STATUS(nncf_sample_set_tensor(sample, "x", NNCF_DTYPE_FLOAT, negative, 2, data, 24),
               NNCF_ERR_INVALID_ARGUMENT, "tensor 'x': dimension 1 is -3");
  CHECK_STATUS(nncf_sample_set_tensor(sample, "x", NNCF_DTYPE_FLOAT, huge, 3, data, 24),
               NNCF_ERR_INVALID_ARGUMENT, "too many elements");
  CHECK_STATUS(nncf_sample_set_tensor(sample, "x", 99, shape, 2, data, 24),
               NNCF_ERR_INVALID_ARGUMENT, "tensor 'x': unknown dtype 99");
  CHECK_STATUS(nncf_sample_set_tensor(sample, "x", NNCF_DTYPE_UNDEFINED, shape, 2, data, 24),
               NNCF_ERR_INVALID_ARGUMENT, "unknown dtype 0");
  CHECK_STATUS(nncf_sample_set_tensor(sample, "s", NNCF_DTYPE_STRING, shape, 2, data, 24),
               NNCF_ERR_UNSUPPORTED, "tensor 's': string tensors");
  CHECK_STATUS(nncf_sample_set_tensor(sample, "", NNCF_DTYPE_FLOAT, shape, 2, data, 24),
               NNCF_ERR_INVALID_ARGUMENT, "name is empty");
  /* Nothing was added by the failed calls. */
  CHECK(nncf_sample_num_tensors(sample) == 0);
  nncf_sample_free(sample);

  /* An empty sample cannot become a dataset item. */
  {
    nncf_dataset* dataset = NULL;
    CHECK_OK(nncf_sample_create(&sample));
    CHECK_STATUS(nncf_dataset_create_from_samples((const nncf_sample* const*)&sample, 1, &dataset),
                 NNCF_ERR_INVALID_ARGUMENT, "samples[0] has no tensors");
    nncf_sample_free(sample);
  }
}

static void test_bad_configs(void) {
  nncf_config* config = NULL;
  const char* unknown = "{\"compress_weights\": {\"ratio\": 0.5, \"group\": 64}}";
  const char* wrong_type = "{\"compress_weights\": {\"ratio\": \"half\"}}";
  CHECK_STATUS(nncf_config_from_json(unknown, strlen(unknown), &config), NNCF_ERR_INVALID_CONFIG,
               "$.compress_weights.group");
  CHECK_STATUS(nncf_config_from_json(wrong_type, strlen(wrong_type), &config),
               NNCF_ERR_INVALID_CONFIG, "$.compress_weights.ratio");
  CHECK(config == NULL);
}

int main(void) {
  test_null_arguments();
  test_struct_sizes();
  test_bad_model_files();
  test_bad_tensors();
  test_bad_configs();
  return check_finish();
}
