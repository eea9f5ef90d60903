/* nncf_compress_weights through the C API on the zoo MLP (three Gemm transB=1 layers): every
 * mode in DequantizeLinear form runs in our executor close to the float model; the file-to-file
 * path, the report, bad parameters, cancellation and the enum names. */
#define _POSIX_C_SOURCE 200809L
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "nncf.h"

#define MLP_MODEL NNCF_SOURCE_DIR "/tests/ort/zoo/mlp.onnx"
#define BATCH 2
#define FEATURES 64
#define CLASSES 10

static nncf_sample* mlp_input(void) {
  static float x[BATCH * FEATURES];
  const int64_t shape[2] = {BATCH, FEATURES};
  nncf_sample* sample = NULL;
  uint32_t state = 12345u;
  size_t i;
  for (i = 0; i < BATCH * FEATURES; ++i) {
    state = state * 1664525u + 1013904223u; /* deterministic inputs in [-2, 2) */
    x[i] = (float)(state >> 8) / (float)(1u << 24) * 4.0f - 2.0f;
  }
  CHECK_OK(nncf_sample_create(&sample));
  CHECK_OK(nncf_sample_set_tensor(sample, "input", NNCF_DTYPE_FLOAT, shape, 2, x, sizeof x));
  return sample;
}

static void infer(const nncf_model* model, float* out) {
  nncf_sample* inputs = mlp_input();
  nncf_sample* outputs = NULL;
  nncf_tensor_info info;
  CHECK_OK(nncf_model_infer(model, inputs, NULL, &outputs));
  info.struct_size = sizeof info;
  CHECK_OK(nncf_sample_tensor_info(outputs, 0, &info));
  CHECK(info.nbytes == BATCH * CLASSES * sizeof(float));
  if (info.nbytes == BATCH * CLASSES * sizeof(float)) memcpy(out, info.data, info.nbytes);
  nncf_sample_free(outputs);
  nncf_sample_free(inputs);
}

static double absolute(double value) {
  return value < 0 ? -value : value;
}

static double relative_error(const float* got, const float* want) {
  double max_want = 0, max_diff = 0;
  size_t i;
  for (i = 0; i < BATCH * CLASSES; ++i) {
    if (absolute(want[i]) > max_want) max_want = absolute(want[i]);
    if (absolute(got[i] - want[i]) > max_diff) max_diff = absolute(got[i] - want[i]);
  }
  return max_diff / max_want;
}

static void test_defaults(void) {
  nncf_compress_weights_params params;
  nncf_ignored_scope scope;
  NNCF_COMPRESS_WEIGHTS_PARAMS_INIT(&params);
  CHECK(params.struct_size == sizeof params);
  CHECK(params.mode == NNCF_COMPRESS_WEIGHTS_MODE_INT8_ASYM);
  CHECK(params.ratio == 1.0 && params.group_size == 0 && params.all_layers == 0);
  CHECK(params.sensitivity_metric == NNCF_SENSITIVITY_METRIC_DEFAULT);
  CHECK(params.backup_mode == NNCF_BACKUP_MODE_INT8_ASYM);
  CHECK(params.format == NNCF_WEIGHT_FORMAT_DQ && params.accuracy_level == 4);
  CHECK(params.allow_opset_upgrade == 1 && params.num_threads == 0);
  CHECK(params.ignored_scope == NULL && params.advanced == NULL && params.progress == NULL);
  NNCF_IGNORED_SCOPE_INIT(&scope);
  CHECK(scope.struct_size == sizeof scope && scope.validate == 1 && scope.n_names == 0);
  CHECK(strcmp(nncf_compress_weights_mode_name(NNCF_COMPRESS_WEIGHTS_MODE_INT4_SYM), "int4_sym") ==
        0);
  CHECK(strcmp(nncf_compress_weights_mode_name(NNCF_COMPRESS_WEIGHTS_MODE_E2M1), "e2m1") == 0);
  CHECK(strcmp(nncf_compress_weights_mode_name(99), "unknown") == 0);
  CHECK(strcmp(nncf_backup_mode_name(NNCF_BACKUP_MODE_NONE), "none") == 0);
  CHECK(strcmp(nncf_sensitivity_metric_name(NNCF_SENSITIVITY_METRIC_MAX_ACTIVATION_VARIANCE),
               "max_activation_variance") == 0);
  CHECK(strcmp(nncf_weight_format_name(NNCF_WEIGHT_FORMAT_DQ), "dq") == 0);
  CHECK(strcmp(nncf_weight_format_name(NNCF_WEIGHT_FORMAT_MATMUL_NBITS), "matmul_nbits") == 0);
  CHECK(strcmp(nncf_weight_format_name(-3), "unknown") == 0);
}

static void test_every_mode(const nncf_model* model, const float* reference) {
  static const nncf_compress_weights_mode modes[6] = {
      NNCF_COMPRESS_WEIGHTS_MODE_INT8_ASYM, NNCF_COMPRESS_WEIGHTS_MODE_INT8_SYM,
      NNCF_COMPRESS_WEIGHTS_MODE_INT4_SYM,  NNCF_COMPRESS_WEIGHTS_MODE_INT4_ASYM,
      NNCF_COMPRESS_WEIGHTS_MODE_NF4,       NNCF_COMPRESS_WEIGHTS_MODE_E2M1};
  size_t m;
  for (m = 0; m < 6; ++m) {
    nncf_compress_weights_params params;
    nncf_model* compressed = NULL;
    nncf_blob* report = NULL;
    float out[BATCH * CLASSES];
    char* json;
    double error;
    const int four_bit = m >= 2;
    NNCF_COMPRESS_WEIGHTS_PARAMS_INIT(&params);
    params.mode = modes[m];
    if (four_bit) {
      params.group_size = 32;
      params.all_layers = 1;
    }
    CHECK_OK(nncf_compress_weights(model, NULL, &params, &compressed, &report));
    json = (char*)malloc(nncf_blob_size(report) + 1);
    memcpy(json, nncf_blob_data(report), nncf_blob_size(report));
    json[nncf_blob_size(report)] = '\0';
    CHECK(check_contains(json, nncf_compress_weights_mode_name(modes[m])));
    CHECK(check_contains(json, "\"node\":\"/fc3/Gemm\""));
    CHECK(check_contains(json, "\"ratio_achieved\":1"));
    infer(compressed, out);
    error = relative_error(out, reference);
    if (!(error > 0 && error < (four_bit ? 0.3 : 0.03))) {
      printf("mode %s: relative error %g\n", nncf_compress_weights_mode_name(modes[m]), error);
    }
    CHECK(error > 0 && error < (four_bit ? 0.3 : 0.03));
    free(json);
    nncf_blob_free(report);
    nncf_model_free(compressed);
  }
}

static int32_t cancel_at_second_call(void* user_data, const char* stage, double fraction) {
  int* calls = (int*)user_data;
  (void)stage;
  (void)fraction;
  return ++*calls < 2;
}

static void test_file_to_file(const float* reference) {
  char dir[512], out_path[600], data_path[600];
  nncf_compress_weights_params params;
  nncf_model_save_params save;
  nncf_model* loaded = NULL;
  nncf_blob* report = NULL;
  float out[BATCH * CLASSES];
  struct stat info;
  int calls = 0;
  check_make_temp_dir(dir, sizeof dir);
  snprintf(out_path, sizeof out_path, "%s/mlp_int4.onnx", dir);
  snprintf(data_path, sizeof data_path, "%s/mlp_int4.onnx.data", dir);
  NNCF_COMPRESS_WEIGHTS_PARAMS_INIT(&params);
  params.mode = NNCF_COMPRESS_WEIGHTS_MODE_INT4_ASYM;
  params.group_size = 32;
  params.ratio = 0.6;
  params.progress = cancel_at_second_call;
  params.progress_user_data = &calls;
  NNCF_MODEL_SAVE_PARAMS_INIT(&save);
  save.external_data = NNCF_EXTERNAL_DATA_ALWAYS;
  CHECK_STATUS(nncf_compress_weights_file(MLP_MODEL, out_path, NULL, &params, &save, &report),
               NNCF_ERR_CANCELLED, "cancelled");
  CHECK(report == NULL);
  CHECK(stat(out_path, &info) != 0 && stat(data_path, &info) != 0);

  params.progress = NULL;
  CHECK_OK(nncf_compress_weights_file(MLP_MODEL, out_path, NULL, &params, &save, &report));
  CHECK(report != NULL && check_contains((const char*)nncf_blob_data(report), "int4_asym"));
  CHECK(stat(data_path, &info) == 0 && info.st_size > 0);
  CHECK_OK(nncf_model_load_file(out_path, NULL, &loaded));
  infer(loaded, out);
  CHECK(relative_error(out, reference) < 0.3);
  nncf_model_free(loaded);
  nncf_blob_free(report);
  unlink(out_path);
  unlink(data_path);
  rmdir(dir);
}

static void test_bad_input(const nncf_model* model) {
  nncf_compress_weights_params params;
  nncf_ignored_scope scope;
  const char* names[2] = {"/fc1/Gemm", "ghost"};
  nncf_model* out = NULL;
  NNCF_COMPRESS_WEIGHTS_PARAMS_INIT(&params);
  params.mode = NNCF_COMPRESS_WEIGHTS_MODE_INT4_SYM;
  params.ratio = 1.5;
  CHECK_STATUS(nncf_compress_weights(model, NULL, &params, &out, NULL), NNCF_ERR_INVALID_ARGUMENT,
               "ratio");
  params.ratio = 1.0;
  params.group_size = 48;
  CHECK_STATUS(nncf_compress_weights(model, NULL, &params, &out, NULL), NNCF_ERR_INVALID_ARGUMENT,
               "/fc1/Gemm");
  params.group_size = 32;
  params.mode = NNCF_COMPRESS_WEIGHTS_MODE_NF4;
  params.format = NNCF_WEIGHT_FORMAT_MATMUL_NBITS;
  CHECK_STATUS(nncf_compress_weights(model, NULL, &params, &out, NULL), NNCF_ERR_UNSUPPORTED,
               "nf4");
  NNCF_COMPRESS_WEIGHTS_PARAMS_INIT(&params);
  NNCF_IGNORED_SCOPE_INIT(&scope);
  scope.names = names;
  scope.n_names = 2;
  params.ignored_scope = &scope;
  CHECK_STATUS(nncf_compress_weights(model, NULL, &params, &out, NULL), NNCF_ERR_INVALID_ARGUMENT,
               "'ghost'");
  scope.validate = 0;
  CHECK_OK(nncf_compress_weights(model, NULL, &params, &out, NULL));
  nncf_model_free(out);
  out = NULL;
  params.ignored_scope = NULL;
  params.mode = NNCF_COMPRESS_WEIGHTS_MODE_INT8_SYM;
  params.ratio = 0.5;
  CHECK_STATUS(nncf_compress_weights(model, NULL, &params, &out, NULL), NNCF_ERR_INVALID_ARGUMENT,
               "ratio");
  params.ratio = 1.0;
  params.mode = 42;
  CHECK_STATUS(nncf_compress_weights(model, NULL, &params, &out, NULL), NNCF_ERR_INVALID_ARGUMENT,
               "mode");
  params.mode = NNCF_COMPRESS_WEIGHTS_MODE_INT4_SYM;
  params.group_size = 32;
  params.allow_opset_upgrade = 0; /* the zoo MLP is opset 17; int4 DQ needs 21 */
  CHECK_STATUS(nncf_compress_weights(model, NULL, &params, &out, NULL), NNCF_ERR_VERSION_MISMATCH,
               "21");
  params.struct_size = sizeof params + 8;
  CHECK_STATUS(nncf_compress_weights(model, NULL, &params, &out, NULL), NNCF_ERR_VERSION_MISMATCH,
               "nncf_compress_weights_params");
  CHECK_STATUS(nncf_compress_weights(NULL, NULL, NULL, &out, NULL), NNCF_ERR_INVALID_ARGUMENT,
               "model");
  CHECK(out == NULL);
}

/* Data-aware mixed precision: with a dataset and ratio < 1 the report names the data-aware default
 * metric and the items reduced (subset_size of the 3 given); a dataset whose items do not fit the
 * model fails naming the item, and an activation metric without a dataset is refused. */
static void test_data_aware(const nncf_model* model) {
  nncf_sample* good = mlp_input();
  nncf_sample* bad = NULL;
  const nncf_sample* items[3];
  const int64_t wrong_shape[2] = {BATCH, FEATURES / 2};
  static float half[BATCH * FEATURES / 2];
  nncf_dataset* dataset = NULL;
  nncf_dataset* bad_dataset = NULL;
  nncf_compress_weights_params params;
  nncf_model* out = NULL;
  nncf_blob* report = NULL;
  char* json;
  items[0] = items[1] = items[2] = good;
  CHECK_OK(nncf_dataset_create_from_samples(items, 3, &dataset));
  NNCF_COMPRESS_WEIGHTS_PARAMS_INIT(&params);
  CHECK(params.subset_size == 128);
  params.mode = NNCF_COMPRESS_WEIGHTS_MODE_INT4_ASYM;
  params.group_size = 32;
  params.ratio = 0.5;
  params.subset_size = 2;
  CHECK_OK(nncf_compress_weights(model, dataset, &params, &out, &report));
  json = (char*)malloc(nncf_blob_size(report) + 1);
  memcpy(json, nncf_blob_data(report), nncf_blob_size(report));
  json[nncf_blob_size(report)] = '\0';
  CHECK(check_contains(json, "\"sensitivity_metric\":\"max_activation_variance\""));
  CHECK(check_contains(json, "\"statistics_items\":2"));
  CHECK(check_contains(json, "\"sensitivity\":"));
  free(json);
  nncf_blob_free(report);
  nncf_model_free(out);

  CHECK_OK(nncf_sample_create(&bad));
  CHECK_OK(
      nncf_sample_set_tensor(bad, "input", NNCF_DTYPE_FLOAT, wrong_shape, 2, half, sizeof half));
  items[0] = bad;
  CHECK_OK(nncf_dataset_create_from_samples(items, 1, &bad_dataset));
  out = NULL;
  CHECK_STATUS(nncf_compress_weights(model, bad_dataset, &params, &out, NULL),
               NNCF_ERR_INVALID_ARGUMENT, "item 0: input 'input'");
  CHECK(out == NULL);
  params.sensitivity_metric = NNCF_SENSITIVITY_METRIC_HESSIAN_INPUT_ACTIVATION;
  CHECK_STATUS(nncf_compress_weights(model, NULL, &params, &out, NULL), NNCF_ERR_INVALID_ARGUMENT,
               "needs activation statistics");
  params.subset_size = 0;
  CHECK_STATUS(nncf_compress_weights(model, dataset, &params, &out, NULL),
               NNCF_ERR_INVALID_ARGUMENT, "subset_size");
  nncf_dataset_free(bad_dataset);
  nncf_dataset_free(dataset);
  nncf_sample_free(bad);
  nncf_sample_free(good);
}

/* The data-aware algorithms through the C API: off by default; AWQ and scale estimation report
 * what they changed; GPTQ with LoRA correction and scale estimation without data are refused with
 * no model returned. */
static void test_algorithms(const nncf_model* model) {
  nncf_sample* good = mlp_input();
  const nncf_sample* items[2];
  nncf_dataset* dataset = NULL;
  nncf_compress_weights_params params;
  nncf_model* out = NULL;
  nncf_blob* report = NULL;
  char* json;
  items[0] = items[1] = good;
  CHECK_OK(nncf_dataset_create_from_samples(items, 2, &dataset));
  NNCF_COMPRESS_WEIGHTS_PARAMS_INIT(&params);
  CHECK(params.awq == 0 && params.scale_estimation == 0 && params.gptq == 0 &&
        params.lora_correction == 0);
  params.mode = NNCF_COMPRESS_WEIGHTS_MODE_INT4_SYM;
  params.group_size = 32;
  params.all_layers = 1;
  params.subset_size = 2;
  params.awq = 1;
  params.scale_estimation = 1;
  CHECK_OK(nncf_compress_weights(model, dataset, &params, &out, &report));
  CHECK(out != NULL);
  json = (char*)malloc(nncf_blob_size(report) + 1);
  memcpy(json, nncf_blob_data(report), nncf_blob_size(report));
  json[nncf_blob_size(report)] = '\0';
  CHECK(check_contains(json, "\"awq\":[{"));
  CHECK(check_contains(json, "\"scale_estimation\":[{"));
  CHECK(check_contains(json, "\"loss_rtn\":"));
  free(json);
  nncf_blob_free(report);
  nncf_model_free(out);

  out = NULL;
  params.awq = 0;
  params.scale_estimation = 0;
  params.gptq = 1;
  params.lora_correction = 1;
  CHECK_STATUS(nncf_compress_weights(model, dataset, &params, &out, NULL),
               NNCF_ERR_INVALID_ARGUMENT, "gptq and lora_correction");
  CHECK(out == NULL);
  params.gptq = 0;
  params.lora_correction = 0;
  params.scale_estimation = 1;
  CHECK_STATUS(nncf_compress_weights(model, NULL, &params, &out, NULL), NNCF_ERR_INVALID_ARGUMENT,
               "pass a dataset");
  CHECK(out == NULL);
  nncf_dataset_free(dataset);
  nncf_sample_free(good);
}

int main(void) {
  nncf_model* model = NULL;
  float reference[BATCH * CLASSES];
  test_defaults();
  CHECK_OK(nncf_model_load_file(MLP_MODEL, NULL, &model));
  infer(model, reference);
  test_every_mode(model, reference);
  test_file_to_file(reference);
  test_bad_input(model);
  test_data_aware(model);
  test_algorithms(model);
  nncf_model_free(model);
  return check_finish();
}
