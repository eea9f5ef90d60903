/* nncf_quantize_with_accuracy_control through the C API on the zoo MLP (three Gemms, three
 * quantizer groups of one activation and one weight quantizer each). The scripted metric counts
 * the QuantizeLinear nodes of the model it is given (1 - 0.02 per node, read from the model's
 * summary JSON; the callback sees weights folded, so only activation quantizers count): the
 * quantized model scores 0.94, each reverted group gives back 0.02, so a max_drop of 0.03 needs
 * exactly two groups reverted. Also: the dataset view a callback gets,
 * validation call counts, the report, the summary, and failing, NaN-returning and cancelling
 * callbacks and bad parameters: clear statuses, no model, no intermediate file. */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "check.h"
#include "nncf.h"

#define MLP_MODEL NNCF_SOURCE_DIR "/tests/ort/zoo/mlp.onnx"
#define BATCH 4
#define FEATURES 64
#define VALIDATION_ITEMS 4

static void fill(float* x, size_t n, uint32_t seed) {
  size_t i;
  uint32_t state = seed * 2654435761u + 12345u;
  for (i = 0; i < n; ++i) {
    state = state * 1664525u + 1013904223u;
    x[i] = (float)(state >> 8) / (float)(1u << 24) * 4.0f - 2.0f;
  }
}

static int64_t count_length(void* user_data) {
  return *(int64_t*)user_data;
}

static nncf_status* get_item(void* user_data, int64_t index, nncf_sample* out) {
  static float x[BATCH * FEATURES];
  const int64_t shape[2] = {BATCH, FEATURES};
  (void)user_data;
  fill(x, BATCH * FEATURES, (uint32_t)index + 1u);
  return nncf_sample_set_tensor(out, "input", NNCF_DTYPE_FLOAT, shape, 2, x, sizeof x);
}

static nncf_dataset* make_dataset(int64_t* count) {
  nncf_dataset_callbacks callbacks;
  nncf_dataset* dataset = NULL;
  NNCF_DATASET_CALLBACKS_INIT(&callbacks);
  callbacks.user_data = count;
  callbacks.length = count_length;
  callbacks.get_item = get_item;
  CHECK_OK(nncf_dataset_create(&callbacks, &dataset));
  return dataset;
}

enum behaviour { SCRIPTED, FAIL_ON_QUANTIZED, NAN_ON_QUANTIZED, CANCEL_ON_QUANTIZED };

struct script {
  enum behaviour behaviour;
  int fill_per_item;
  int calls;
  int bad_views; /* views whose length or source indices were wrong */
};

static long quantize_nodes(const nncf_model* model) {
  nncf_blob* blob = NULL;
  const char* json;
  const char* at;
  long count = 0;
  CHECK_OK(nncf_model_summary_json(model, &blob));
  json = (const char*)nncf_blob_data(blob);
  at = strstr(json, "\"QuantizeLinear\":");
  if (at) count = strtol(at + strlen("\"QuantizeLinear\":"), NULL, 10);
  nncf_blob_free(blob);
  return count;
}

static nncf_status* validate(void* user_data, const nncf_model* model, nncf_dataset* items,
                             nncf_validation_output* output) {
  struct script* s = (struct script*)user_data;
  int64_t n = -1, k, previous = -1;
  const long q = quantize_nodes(model);
  s->calls++;
  CHECK_OK(nncf_dataset_length(items, &n));
  if (n != (int64_t)output->n_items || n < 1) s->bad_views++;
  for (k = 0; k < n; ++k) {
    int64_t source = -1;
    nncf_sample* item = NULL;
    CHECK_OK(nncf_dataset_source_index(items, k, &source));
    if (source <= previous || source >= VALIDATION_ITEMS) s->bad_views++;
    previous = source;
    CHECK_OK(nncf_dataset_get_item(items, k, &item));
    nncf_sample_free(item);
  }
  if (q > 0 && s->behaviour == FAIL_ON_QUANTIZED) {
    return nncf_status_create(NNCF_ERR_IO, "the labels file vanished");
  }
  if (q > 0 && s->behaviour == CANCEL_ON_QUANTIZED) {
    return nncf_status_create(NNCF_ERR_CANCELLED, "user pressed stop");
  }
  output->metric = (q > 0 && s->behaviour == NAN_ON_QUANTIZED) ? NAN : 1.0 - 0.02 * (double)q;
  if (s->fill_per_item) {
    for (k = 0; k < n; ++k) output->per_item[k] = output->metric;
    output->per_item_filled = 1;
  }
  return NULL;
}

static int file_exists(const char* path) {
  struct stat st;
  return stat(path, &st) == 0;
}

static void test_defaults_and_names(void) {
  nncf_accuracy_control_params params;
  NNCF_ACCURACY_CONTROL_PARAMS_INIT(&params);
  CHECK(params.struct_size == sizeof params);
  CHECK(params.max_drop == 0.01);
  CHECK(params.drop_type == NNCF_DROP_TYPE_ABSOLUTE);
  CHECK(params.max_num_iterations == -1);
  CHECK(params.tune_hyperparams == 0);
  CHECK(params.ranking_subset_size == 0);
  CHECK(params.restore_mode == NNCF_RESTORE_MODE_ACTIVATIONS_AND_WEIGHTS);
  CHECK(params.ranking == NNCF_RANKING_MODE_AUTO);
  CHECK(params.validate == NULL && params.quantize == NULL);
  CHECK(strcmp(nncf_drop_type_name(NNCF_DROP_TYPE_RELATIVE), "relative") == 0);
  CHECK(strcmp(nncf_restore_mode_name(NNCF_RESTORE_MODE_ONLY_ACTIVATIONS), "only_activations") ==
        0);
  CHECK(strcmp(nncf_ranking_mode_name(NNCF_RANKING_MODE_OUTPUT_DIFFERENCE), "output_difference") ==
        0);
  CHECK(strcmp(nncf_ranking_mode_name(9), "unknown") == 0);
  CHECK(nncf_abi_sizeof("nncf_accuracy_control_params") == sizeof params);
  CHECK(nncf_abi_sizeof("nncf_accuracy_control_summary") == sizeof(nncf_accuracy_control_summary));
  CHECK(nncf_abi_sizeof("nncf_validation_output") == sizeof(nncf_validation_output));
}

static nncf_status* run(nncf_model* model, struct script* s, const char* dir, double max_drop,
                        nncf_model** out, nncf_accuracy_control_summary* summary,
                        nncf_blob** report) {
  int64_t calibration_count = 8, validation_count = VALIDATION_ITEMS;
  nncf_dataset* calibration = make_dataset(&calibration_count);
  nncf_dataset* validation = make_dataset(&validation_count);
  nncf_quantize_params quantize;
  nncf_accuracy_control_params params;
  nncf_status* status;
  NNCF_QUANTIZE_PARAMS_INIT(&quantize);
  quantize.subset_size = 8;
  quantize.num_threads = 1;
  NNCF_ACCURACY_CONTROL_PARAMS_INIT(&params);
  params.quantize = &quantize;
  params.validate = validate;
  params.validate_user_data = s;
  params.max_drop = max_drop;
  params.intermediate_model_dir = dir;
  status = nncf_quantize_with_accuracy_control(model, calibration, validation, &params, out,
                                               summary, report);
  nncf_dataset_free(calibration);
  nncf_dataset_free(validation);
  return status;
}

static void test_scripted_metric(int fill_per_item) {
  nncf_model* model = NULL;
  nncf_model* out = NULL;
  nncf_blob* report = NULL;
  nncf_accuracy_control_summary summary;
  struct script s = {SCRIPTED, 0, 0, 0};
  char dir[512], file[600];
  const char* json;
  s.fill_per_item = fill_per_item;
  check_make_temp_dir(dir, sizeof dir);
  snprintf(file, sizeof file, "%s/intermediate_model.onnx", dir);
  CHECK_OK(nncf_model_load_file(MLP_MODEL, NULL, &model));
  memset(&summary, 0, sizeof summary);
  summary.struct_size = sizeof summary;
  CHECK_OK(run(model, &s, dir, 0.03, &out, &summary, &report));
  CHECK(out != NULL);
  CHECK(fabs(summary.initial_metric - 1.0) < 1e-12);
  CHECK(fabs(summary.quantized_metric - 0.94) < 1e-12);
  CHECK(fabs(summary.final_metric - 0.98) < 1e-12);
  CHECK(fabs(summary.final_drop - 0.02) < 1e-12);
  CHECK(summary.target_met == 1);
  CHECK(summary.reverted_groups == 2);
  /* probe + float + quantized, per-item calls for both models (4 items each) unless the callback
   * fills them, 3 ranking calls, 2 loop calls. */
  CHECK(summary.validation_calls == (fill_per_item ? 8 : 16));
  CHECK(s.calls == summary.validation_calls);
  CHECK(s.bad_views == 0);
  /* The returned model keeps one group: its weight folded (no weight QuantizeLinear left). */
  CHECK(quantize_nodes(out) == 1);
  CHECK(file_exists(file));
  json = (const char*)nncf_blob_data(report);
  CHECK(check_contains(json, "\"target_met\":true"));
  CHECK(check_contains(json, "\"ranking_mode\":\"metric\""));
  CHECK(check_contains(json, "\"phases\""));
  CHECK(check_contains(json, "\"revert_loop\""));
  CHECK(check_contains(json, "\"steps\""));
  CHECK(check_contains(json, "\"quantize\":{"));
  nncf_blob_free(report);
  nncf_model_free(out);
  nncf_model_free(model);
}

static void test_failures(void) {
  static const struct {
    enum behaviour behaviour;
    nncf_code code;
    const char* text;
  } cases[] = {{FAIL_ON_QUANTIZED, NNCF_ERR_CALLBACK, "the labels file vanished"},
               {NAN_ON_QUANTIZED, NNCF_ERR_CALLBACK, "finite"},
               {CANCEL_ON_QUANTIZED, NNCF_ERR_CANCELLED, "user pressed stop"}};
  size_t i;
  nncf_model* model = NULL;
  CHECK_OK(nncf_model_load_file(MLP_MODEL, NULL, &model));
  for (i = 0; i < sizeof cases / sizeof cases[0]; ++i) {
    struct script s = {SCRIPTED, 0, 0, 0};
    nncf_model* out = (nncf_model*)&s; /* must stay untouched */
    nncf_blob* report = NULL;
    char dir[512], file[600];
    s.behaviour = cases[i].behaviour;
    check_make_temp_dir(dir, sizeof dir);
    snprintf(file, sizeof file, "%s/intermediate_model.onnx", dir);
    CHECK_STATUS(run(model, &s, dir, 0.05, &out, NULL, &report), cases[i].code, cases[i].text);
    CHECK(out == (nncf_model*)&s);
    CHECK(report == NULL);
    CHECK(!file_exists(file));
  }
  nncf_model_free(model);
}

static void test_bad_arguments(void) {
  nncf_model* model = NULL;
  nncf_model* out = NULL;
  int64_t count = 4;
  nncf_dataset* data = make_dataset(&count);
  nncf_accuracy_control_params params;
  nncf_accuracy_control_summary summary;
  struct script s = {SCRIPTED, 0, 0, 0};
  CHECK_OK(nncf_model_load_file(MLP_MODEL, NULL, &model));
  NNCF_ACCURACY_CONTROL_PARAMS_INIT(&params);
  CHECK_STATUS(nncf_quantize_with_accuracy_control(model, data, data, &params, &out, NULL, NULL),
               NNCF_ERR_INVALID_ARGUMENT, "validate");
  params.validate = validate;
  params.validate_user_data = &s;
  CHECK_STATUS(nncf_quantize_with_accuracy_control(model, data, data, NULL, &out, NULL, NULL),
               NNCF_ERR_INVALID_ARGUMENT, "params");
  CHECK_STATUS(nncf_quantize_with_accuracy_control(model, NULL, data, &params, &out, NULL, NULL),
               NNCF_ERR_INVALID_ARGUMENT, "calibration_dataset");
  params.max_drop = -0.5;
  CHECK_STATUS(nncf_quantize_with_accuracy_control(model, data, data, &params, &out, NULL, NULL),
               NNCF_ERR_INVALID_ARGUMENT, "max_drop");
  params.max_drop = 0.01;
  params.drop_type = 7;
  CHECK_STATUS(nncf_quantize_with_accuracy_control(model, data, data, &params, &out, NULL, NULL),
               NNCF_ERR_INVALID_ARGUMENT, "drop_type");
  params.drop_type = NNCF_DROP_TYPE_ABSOLUTE;
  params.max_num_iterations = -2;
  CHECK_STATUS(nncf_quantize_with_accuracy_control(model, data, data, &params, &out, NULL, NULL),
               NNCF_ERR_INVALID_ARGUMENT, "max_num_iterations");
  params.max_num_iterations = -1;
  memset(&summary, 0, sizeof summary);
  CHECK_STATUS(
      nncf_quantize_with_accuracy_control(model, data, data, &params, &out, &summary, NULL),
      NNCF_ERR_VERSION_MISMATCH, "nncf_accuracy_control_summary");
  params.struct_size = sizeof params + 8;
  CHECK_STATUS(nncf_quantize_with_accuracy_control(model, data, data, &params, &out, NULL, NULL),
               NNCF_ERR_VERSION_MISMATCH, "nncf_accuracy_control_params");
  CHECK(out == NULL);
  CHECK(s.calls == 0);
  nncf_dataset_free(data);
  nncf_model_free(model);
}

/* The config's accuracy_control section supplies max_drop when the struct keeps its default:
 * 0.5 accepts the quantized model as it is (probe, float and quantized calls only). */
static void test_config_section(void) {
  static const char json[] = "{\"accuracy_control\": {\"max_drop\": 0.5}}";
  nncf_model* model = NULL;
  nncf_model* out = NULL;
  nncf_config* config = NULL;
  int64_t calibration_count = 8, validation_count = VALIDATION_ITEMS;
  nncf_dataset* calibration = make_dataset(&calibration_count);
  nncf_dataset* validation = make_dataset(&validation_count);
  nncf_quantize_params quantize;
  nncf_accuracy_control_params params;
  nncf_accuracy_control_summary summary;
  struct script s = {SCRIPTED, 0, 0, 0};
  CHECK_OK(nncf_model_load_file(MLP_MODEL, NULL, &model));
  CHECK_OK(nncf_config_from_json(json, sizeof json - 1, &config));
  NNCF_QUANTIZE_PARAMS_INIT(&quantize);
  quantize.subset_size = 8;
  quantize.advanced = config;
  NNCF_ACCURACY_CONTROL_PARAMS_INIT(&params);
  params.quantize = &quantize;
  params.validate = validate;
  params.validate_user_data = &s;
  memset(&summary, 0, sizeof summary);
  summary.struct_size = sizeof summary;
  CHECK_OK(nncf_quantize_with_accuracy_control(model, calibration, validation, &params, &out,
                                               &summary, NULL));
  CHECK(summary.target_met == 1);
  CHECK(summary.reverted_groups == 0);
  CHECK(summary.validation_calls == 3);
  CHECK(quantize_nodes(out) == 3);
  nncf_model_free(out);
  nncf_config_free(config);
  nncf_dataset_free(calibration);
  nncf_dataset_free(validation);
  nncf_model_free(model);
}

static void test_source_index_of_plain_dataset(void) {
  int64_t count = 3, source = -1;
  nncf_dataset* data = make_dataset(&count);
  CHECK_OK(nncf_dataset_source_index(data, 2, &source));
  CHECK(source == 2);
  nncf_dataset_free(data);
}

int main(void) {
  test_defaults_and_names();
  test_scripted_metric(0);
  test_scripted_metric(1);
  test_failures();
  test_bad_arguments();
  test_config_section();
  test_source_index_of_plain_dataset();
  return check_finish();
}
