/* nncf_quantize through the C API on the zoo MLP (Gemm -> Relu -> Gemm -> Sigmoid -> Gemm): the
 * quantized model keeps the float model's outputs closely, has exactly the Q/DQ pairs NNCF's
 * placement gives (model input and the two fused Gemm+activation outputs, three folded weights),
 * the report and the plan are JSON, the output is deterministic; bad parameters, bad datasets,
 * failing callbacks, unmatched ignored scopes, an already quantized model and cancellation fail
 * with clear statuses and return no model. */
#define _POSIX_C_SOURCE 200809L
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "nncf.h"

#define MLP_MODEL NNCF_SOURCE_DIR "/tests/ort/zoo/mlp.onnx"
#define MLP_QDQ_MODEL NNCF_SOURCE_DIR "/tests/ort/zoo/mlp_qdq.onnx"
#define BATCH 4
#define FEATURES 64
#define CLASSES 10

/* Deterministic items: item i is a [BATCH, FEATURES] float tensor in [-2, 2). */
struct source {
  int64_t count;
  int fail_at;        /* get_item fails for this index */
  int missing_at;     /* item lacks "input" (only a label) */
  int wrong_type_at;  /* "input" is int32 */
  int wrong_shape_at; /* "input" is [BATCH, FEATURES / 2] */
  int calls;
};

static void fill(float* x, size_t n, uint32_t seed) {
  size_t i;
  uint32_t state = seed * 2654435761u + 12345u;
  for (i = 0; i < n; ++i) {
    state = state * 1664525u + 1013904223u;
    x[i] = (float)(state >> 8) / (float)(1u << 24) * 4.0f - 2.0f;
  }
}

static int64_t source_length(void* user_data) {
  return ((struct source*)user_data)->count;
}

static nncf_status* source_get_item(void* user_data, int64_t index, nncf_sample* out) {
  struct source* src = (struct source*)user_data;
  static float x[BATCH * FEATURES];
  static int32_t xi[BATCH * FEATURES];
  const int64_t shape[2] = {BATCH, FEATURES};
  const int64_t half_shape[2] = {BATCH, FEATURES / 2};
  const int64_t label = index % CLASSES;
  src->calls++;
  if (index == src->fail_at) return nncf_status_create(NNCF_ERR_IO, "sensor 7 went dark");
  if (index == src->missing_at) {
    return nncf_sample_set_tensor(out, "label", NNCF_DTYPE_INT64, NULL, 0, &label, sizeof label);
  }
  if (index == src->wrong_type_at) {
    memset(xi, 0, sizeof xi);
    return nncf_sample_set_tensor(out, "input", NNCF_DTYPE_INT32, shape, 2, xi, sizeof xi);
  }
  fill(x, BATCH * FEATURES, (uint32_t)index);
  if (index == src->wrong_shape_at) {
    return nncf_sample_set_tensor(out, "input", NNCF_DTYPE_FLOAT, half_shape, 2, x, sizeof x / 2);
  }
  return nncf_sample_set_tensor(out, "input", NNCF_DTYPE_FLOAT, shape, 2, x, sizeof x);
}

static nncf_dataset* make_dataset(struct source* src) {
  nncf_dataset_callbacks callbacks;
  nncf_dataset* dataset = NULL;
  NNCF_DATASET_CALLBACKS_INIT(&callbacks);
  callbacks.user_data = src;
  callbacks.length = source_length;
  callbacks.get_item = source_get_item;
  CHECK_OK(nncf_dataset_create(&callbacks, &dataset));
  return dataset;
}

static struct source good_source(int64_t count) {
  struct source src;
  src.count = count;
  src.fail_at = -1;
  src.missing_at = -1;
  src.wrong_type_at = -1;
  src.wrong_shape_at = -1;
  src.calls = 0;
  return src;
}

static nncf_model* load(const char* path) {
  nncf_model* model = NULL;
  CHECK_OK(nncf_model_load_file(path, NULL, &model));
  return model;
}

static void infer(const nncf_model* model, uint32_t seed, float* out) {
  static float x[BATCH * FEATURES];
  const int64_t shape[2] = {BATCH, FEATURES};
  nncf_sample* inputs = NULL;
  nncf_sample* outputs = NULL;
  nncf_tensor_info info;
  fill(x, BATCH * FEATURES, seed);
  CHECK_OK(nncf_sample_create(&inputs));
  CHECK_OK(nncf_sample_set_tensor(inputs, "input", NNCF_DTYPE_FLOAT, shape, 2, x, sizeof x));
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

/* The count after `"key":` in a flat JSON text (the model summary). */
static long json_count(const char* json, const char* key) {
  char pattern[96];
  const char* at;
  snprintf(pattern, sizeof pattern, "\"%s\":", key);
  at = strstr(json, pattern);
  return at ? strtol(at + strlen(pattern), NULL, 10) : -1;
}

static char* blob_text(nncf_blob* blob) {
  const size_t size = nncf_blob_size(blob);
  char* text = (char*)malloc(size + 1);
  memcpy(text, nncf_blob_data(blob), size);
  text[size] = '\0';
  nncf_blob_free(blob);
  return text;
}

static void test_defaults_and_names(void) {
  nncf_quantize_params params;
  nncf_quantization_parameters qp;
  NNCF_QUANTIZE_PARAMS_INIT(&params);
  CHECK(params.struct_size == sizeof params);
  CHECK(params.mode == NNCF_QUANTIZATION_MODE_INT8 && params.preset == NNCF_PRESET_DEFAULT);
  CHECK(params.target_device == NNCF_TARGET_DEVICE_ANY && params.subset_size == 300);
  CHECK(params.fast_bias_correction == 1 && params.model_type == NNCF_MODEL_TYPE_DEFAULT);
  CHECK(params.overflow_fix == NNCF_OVERFLOW_FIX_DEFAULT && params.quantize_outputs == 0);
  CHECK(params.disable_bias_correction == 0 && params.batchwise_statistics == -1);
  CHECK(params.smooth_quant_alpha_matmul == 0.95 && params.smooth_quant_alpha_convolution == -1);
  CHECK(params.bias_correction_threshold == 0 && params.fold_weights == 1);
  CHECK(params.allow_opset_upgrade == 0 && params.num_threads == 0);
  CHECK(params.ignored_scope == NULL && params.activations == NULL && params.weights == NULL);
  CHECK(params.advanced == NULL && params.progress == NULL);
  NNCF_QUANTIZATION_PARAMETERS_INIT(&qp);
  CHECK(qp.struct_size == sizeof qp && qp.num_bits == 0);
  CHECK(qp.mode == NNCF_QUANTIZATION_SCHEME_DEFAULT && qp.signedness_to_force == -1);
  CHECK(qp.per_channel == -1 && qp.narrow_range == -1);
  CHECK(strcmp(nncf_quantization_mode_name(NNCF_QUANTIZATION_MODE_FP8_E4M3), "fp8_e4m3") == 0);
  CHECK(strcmp(nncf_quantization_preset_name(NNCF_PRESET_MIXED), "mixed") == 0);
  CHECK(strcmp(nncf_target_device_name(NNCF_TARGET_DEVICE_CPU_SPR), "cpu_spr") == 0);
  CHECK(strcmp(nncf_model_type_name(NNCF_MODEL_TYPE_TRANSFORMER), "transformer") == 0);
  CHECK(strcmp(nncf_overflow_fix_name(NNCF_OVERFLOW_FIX_FIRST_LAYER), "first_layer_only") == 0);
  CHECK(strcmp(nncf_overflow_fix_name(42), "unknown") == 0);
  CHECK(nncf_abi_sizeof("nncf_quantize_params") == sizeof(nncf_quantize_params));
  CHECK(nncf_abi_sizeof("nncf_quantization_parameters") == sizeof(nncf_quantization_parameters));
}

static void test_quantize_mlp(void) {
  nncf_model* model = load(MLP_MODEL);
  struct source src = good_source(16);
  nncf_dataset* dataset = make_dataset(&src);
  nncf_quantize_params params;
  nncf_model* quantized = NULL;
  nncf_model* again = NULL;
  nncf_blob* report = NULL;
  nncf_blob* summary = NULL;
  nncf_blob* bytes1 = NULL;
  nncf_blob* bytes2 = NULL;
  char* report_text;
  char* summary_text;
  float want[BATCH * CLASSES], got[BATCH * CLASSES];
  double max_want = 0, max_diff = 0;
  size_t i;
  uint32_t seed;

  NNCF_QUANTIZE_PARAMS_INIT(&params);
  params.subset_size = 8;
  CHECK_OK(nncf_quantize(model, dataset, &params, &quantized, &report));
  CHECK(src.calls >= 8);
  report_text = blob_text(report);
  CHECK(check_contains(report_text, "\"quantizers\":["));
  CHECK(check_contains(report_text, "\"tensor\":\"input\""));
  CHECK(check_contains(report_text, "\"calibration_items\":8"));
  CHECK(check_contains(report_text, "\"bias_correction\":["));
  free(report_text);

  CHECK_OK(nncf_model_summary_json(quantized, &summary));
  summary_text = blob_text(summary);
  /* Activations: the model input and the outputs of the fused Gemm+Relu and Gemm+Sigmoid; the
   * three Gemm weights are folded into int8 initializers behind a DequantizeLinear each. */
  CHECK(json_count(summary_text, "quantize_linear_count") == 3);
  CHECK(json_count(summary_text, "dequantize_linear_count") == 6);
  free(summary_text);

  for (seed = 100; seed < 104; ++seed) {
    infer(model, seed, want);
    infer(quantized, seed, got);
    for (i = 0; i < BATCH * CLASSES; ++i) {
      if (absolute(want[i]) > max_want) max_want = absolute(want[i]);
      if (absolute(got[i] - want[i]) > max_diff) max_diff = absolute(got[i] - want[i]);
    }
  }
  CHECK(max_diff > 0);               /* it really is quantized */
  CHECK(max_diff < 0.05 * max_want); /* and still the same function */

  /* Same inputs and settings, same bytes. */
  CHECK_OK(nncf_quantize(model, dataset, &params, &again, NULL));
  CHECK_OK(nncf_model_save_memory(quantized, &bytes1));
  CHECK_OK(nncf_model_save_memory(again, &bytes2));
  CHECK(nncf_blob_size(bytes1) == nncf_blob_size(bytes2) &&
        memcmp(nncf_blob_data(bytes1), nncf_blob_data(bytes2), nncf_blob_size(bytes1)) == 0);
  nncf_blob_free(bytes1);
  nncf_blob_free(bytes2);

  /* Quantizing a quantized model is refused. */
  {
    nncf_model* twice = (nncf_model*)&twice;
    CHECK_STATUS(nncf_quantize(quantized, dataset, &params, &twice, NULL),
                 NNCF_ERR_INVALID_ARGUMENT, "already quantized");
    CHECK(twice == NULL);
  }
  nncf_model_free(again);
  nncf_model_free(quantized);
  nncf_dataset_free(dataset);
  nncf_model_free(model);
}

static void test_plan(void) {
  nncf_model* model = load(MLP_MODEL);
  nncf_blob* plan = NULL;
  char* text;
  CHECK_OK(nncf_quantize_plan(model, NULL, &plan));
  text = blob_text(plan);
  CHECK(check_contains(text, "\"quantizers\":["));
  CHECK(check_contains(text, "\"is_weight\":true"));
  CHECK(check_contains(text, "\"tensor\":\"input\""));
  free(text);
  CHECK_STATUS(nncf_quantize_plan(model, NULL, NULL), NNCF_ERR_INVALID_ARGUMENT, "plan");
  nncf_model_free(model);
}

static int32_t cancel_at_statistics(void* user_data, const char* stage, double fraction) {
  int* calls = (int*)user_data;
  (void)fraction;
  ++*calls;
  return strstr(stage, "statistics") == NULL;
}

/* Runs nncf_quantize and checks the status; `out` must come back NULL. */
static void expect_failure(const nncf_model* model, nncf_dataset* dataset,
                           const nncf_quantize_params* params, nncf_code code,
                           const char* substring, int line) {
  nncf_model* out = (nncf_model*)&out;
  nncf_blob* report = (nncf_blob*)&report;
  nncf_status* status = nncf_quantize(model, dataset, params, &out, &report);
  if (nncf_status_code(status) != code || !check_contains(nncf_status_message(status), substring)) {
    fprintf(stderr, "line %d: got %s: %s\n", line, nncf_code_string(nncf_status_code(status)),
            nncf_status_message(status));
  }
  CHECK_STATUS(status, code, substring);
  CHECK(out == NULL);
  CHECK(report == NULL);
}

static void test_bad_input(void) {
  nncf_model* model = load(MLP_MODEL);
  nncf_model* qdq = load(MLP_QDQ_MODEL);
  nncf_quantize_params params;
  struct source src = good_source(4);
  nncf_dataset* dataset = make_dataset(&src);
  nncf_model* out = NULL;

  NNCF_QUANTIZE_PARAMS_INIT(&params);
  params.subset_size = 4;
  CHECK_STATUS(nncf_quantize(NULL, dataset, &params, &out, NULL), NNCF_ERR_INVALID_ARGUMENT,
               "model");
  CHECK_STATUS(nncf_quantize(model, NULL, &params, &out, NULL), NNCF_ERR_INVALID_ARGUMENT,
               "dataset");
  CHECK_STATUS(nncf_quantize(model, dataset, &params, NULL, NULL), NNCF_ERR_INVALID_ARGUMENT,
               "out");

  params.subset_size = 0;
  expect_failure(model, dataset, &params, NNCF_ERR_INVALID_ARGUMENT, "subset_size", __LINE__);
  params.subset_size = -3;
  expect_failure(model, dataset, &params, NNCF_ERR_INVALID_ARGUMENT, "subset_size", __LINE__);
  params.subset_size = 4;
  params.target_device = NNCF_TARGET_DEVICE_CPU_SPR;
  expect_failure(model, dataset, &params, NNCF_ERR_UNSUPPORTED, "CPU_SPR", __LINE__);
  params.target_device = 17;
  expect_failure(model, dataset, &params, NNCF_ERR_INVALID_ARGUMENT, "target_device", __LINE__);
  params.target_device = NNCF_TARGET_DEVICE_ANY;
  params.preset = 5;
  expect_failure(model, dataset, &params, NNCF_ERR_INVALID_ARGUMENT, "preset", __LINE__);
  params.preset = NNCF_PRESET_DEFAULT;
  params.struct_size = sizeof params + 8;
  expect_failure(model, dataset, &params, NNCF_ERR_VERSION_MISMATCH, "nncf_quantize_params",
                 __LINE__);
  params.struct_size = sizeof params;

  /* The model is already quantized. */
  expect_failure(qdq, dataset, &params, NNCF_ERR_INVALID_ARGUMENT, "already quantized", __LINE__);

  /* An unmatched ignored scope lists what did not match. */
  {
    const char* names[2] = {"no_such_node", "fc1_Gemm_typo"};
    nncf_ignored_scope scope;
    NNCF_IGNORED_SCOPE_INIT(&scope);
    scope.names = names;
    scope.n_names = 2;
    params.ignored_scope = &scope;
    expect_failure(model, dataset, &params, NNCF_ERR_INVALID_ARGUMENT, "no_such_node", __LINE__);
    expect_failure(model, dataset, &params, NNCF_ERR_INVALID_ARGUMENT, "fc1_Gemm_typo", __LINE__);
    params.ignored_scope = NULL;
  }

  /* Cancellation through progress. */
  {
    int calls = 0;
    params.progress = cancel_at_statistics;
    params.progress_user_data = &calls;
    expect_failure(model, dataset, &params, NNCF_ERR_CANCELLED, "cancel", __LINE__);
    CHECK(calls > 0);
    params.progress = NULL;
  }
  nncf_dataset_free(dataset);

  /* Dataset problems name the item and the input. */
  {
    struct source empty = good_source(0);
    struct source failing = good_source(4);
    struct source missing = good_source(4);
    struct source wrong_type = good_source(4);
    struct source wrong_shape = good_source(4);
    failing.fail_at = 2;
    missing.missing_at = 1;
    wrong_type.wrong_type_at = 3;
    wrong_shape.wrong_shape_at = 2;
    dataset = make_dataset(&empty);
    expect_failure(model, dataset, &params, NNCF_ERR_INVALID_ARGUMENT, "empty", __LINE__);
    nncf_dataset_free(dataset);
    dataset = make_dataset(&failing);
    expect_failure(model, dataset, &params, NNCF_ERR_CALLBACK, "sensor 7 went dark", __LINE__);
    nncf_dataset_free(dataset);
    dataset = make_dataset(&missing);
    expect_failure(model, dataset, &params, NNCF_ERR_INVALID_ARGUMENT, "item 1", __LINE__);
    expect_failure(model, dataset, &params, NNCF_ERR_INVALID_ARGUMENT, "'input'", __LINE__);
    nncf_dataset_free(dataset);
    dataset = make_dataset(&wrong_type);
    expect_failure(model, dataset, &params, NNCF_ERR_INVALID_ARGUMENT, "item 3", __LINE__);
    nncf_dataset_free(dataset);
    dataset = make_dataset(&wrong_shape);
    expect_failure(model, dataset, &params, NNCF_ERR_INVALID_ARGUMENT, "item 2", __LINE__);
    nncf_dataset_free(dataset);
  }
  nncf_model_free(qdq);
  nncf_model_free(model);
}

/* FP8 (NNCF refuses it on ONNX): float8e4m3fn Q/DQ pairs at opset 19, only with the opset change
 * allowed; the model stays close to float. */
static void test_fp8(void) {
  nncf_model* model = load(MLP_MODEL);
  struct source src = good_source(8);
  nncf_dataset* dataset = make_dataset(&src);
  nncf_quantize_params params;
  nncf_model* quantized = NULL;
  nncf_blob* report = NULL;
  char* text;
  float want[BATCH * CLASSES], got[BATCH * CLASSES];
  double max_want = 0, max_diff = 0;
  size_t i;
  NNCF_QUANTIZE_PARAMS_INIT(&params);
  params.subset_size = 8;
  params.mode = NNCF_QUANTIZATION_MODE_FP8_E4M3;
  expect_failure(model, dataset, &params, NNCF_ERR_VERSION_MISMATCH, "opset 19", __LINE__);
  params.allow_opset_upgrade = 1;
  CHECK_OK(nncf_quantize(model, dataset, &params, &quantized, &report));
  text = blob_text(report);
  CHECK(check_contains(text, "\"dtype\":\"float8e4m3fn\""));
  CHECK(check_contains(text, "\"after\":19"));
  free(text);
  infer(model, 7, want);
  infer(quantized, 7, got);
  for (i = 0; i < BATCH * CLASSES; ++i) {
    if (absolute(want[i]) > max_want) max_want = absolute(want[i]);
    if (absolute(got[i] - want[i]) > max_diff) max_diff = absolute(got[i] - want[i]);
  }
  CHECK(max_diff > 0);
  CHECK(max_diff < 0.1 * max_want);
  nncf_model_free(quantized);
  nncf_dataset_free(dataset);
  nncf_model_free(model);
}

int main(void) {
  test_defaults_and_names();
  test_quantize_mlp();
  test_plan();
  test_bad_input();
  test_fp8();
  return check_finish();
}
