/* nncf_model_infer: outputs of a small model and of the Fashion-MNIST CNN, argument errors, and
 * several threads inferring on one shared model at once. */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "nncf.h"

#define TINY_MODEL NNCF_TEST_DATA_DIR "/tiny_matmul_add.onnx"
#define CNN_MODEL NNCF_SOURCE_DIR "/examples/models/fashion_mnist_cnn.onnx"
#define NUM_WORKERS 4
#define ITERATIONS 10
#define CNN_BATCH 2
#define IMAGE_ELEMENTS (28 * 28)

static nncf_model* load(const char* path) {
  nncf_model* model = NULL;
  CHECK_OK(nncf_model_load_file(path, NULL, &model));
  return model;
}

static void find(const nncf_sample* sample, const char* name, nncf_tensor_info* info) {
  info->struct_size = sizeof *info;
  CHECK_OK(nncf_sample_find_tensor(sample, name, info));
}

/* Inputs of tiny_matmul_add.onnx (x [2,4], bias [2], mask [1,3]) plus a label. */
static nncf_sample* tiny_inputs(void) {
  static const float x[8] = {1, 2, 3, 4, -1, 0, 0.5f, 2};
  static const float bias[2] = {0.25f, -0.5f};
  static const int64_t mask[3] = {7, -8, 9};
  static const int64_t label[1] = {3};
  const int64_t x_shape[2] = {2, 4}, bias_shape[1] = {2}, mask_shape[2] = {1, 3};
  const int64_t label_shape[1] = {1};
  nncf_sample* sample = NULL;
  CHECK_OK(nncf_sample_create(&sample));
  CHECK_OK(nncf_sample_set_tensor(sample, "label", NNCF_DTYPE_INT64, label_shape, 1, label,
                                  sizeof label));
  CHECK_OK(nncf_sample_set_tensor(sample, "x", NNCF_DTYPE_FLOAT, x_shape, 2, x, sizeof x));
  CHECK_OK(
      nncf_sample_set_tensor(sample, "bias", NNCF_DTYPE_FLOAT, bias_shape, 1, bias, sizeof bias));
  CHECK_OK(
      nncf_sample_set_tensor(sample, "mask", NNCF_DTYPE_INT64, mask_shape, 2, mask, sizeof mask));
  return sample;
}

/* An output subset that needs only Identity. */
static void test_selected_output(const nncf_model* model) {
  const char* names[1] = {"mask_out"};
  nncf_infer_params params;
  nncf_sample* inputs = tiny_inputs();
  nncf_sample* outputs = NULL;
  nncf_tensor_info info;
  NNCF_INFER_PARAMS_INIT(&params);
  CHECK(params.num_threads == 0 && params.output_names == NULL && params.n_output_names == 0);
  params.output_names = names;
  params.n_output_names = 1;
  params.num_threads = 1;
  CHECK_OK(nncf_model_infer(model, inputs, &params, &outputs));
  CHECK(nncf_sample_num_tensors(outputs) == 1);
  find(outputs, "mask_out", &info);
  CHECK(info.dtype == NNCF_DTYPE_INT64);
  CHECK(info.ndim == 2 && info.shape[0] == 1 && info.shape[1] == 3);
  CHECK(info.nbytes == 24 && ((const int64_t*)info.data)[1] == -8);
  nncf_sample_free(outputs);
  nncf_sample_free(inputs);
}

/* Default outputs: y [2,2] float and mask_out. */
static void test_default_outputs(const nncf_model* model) {
  nncf_sample* inputs = tiny_inputs();
  nncf_sample* outputs = NULL;
  nncf_tensor_info info;
  CHECK_OK(nncf_model_infer(model, inputs, NULL, &outputs));
  CHECK(nncf_sample_num_tensors(outputs) == 2);
  info.struct_size = sizeof info;
  CHECK_OK(nncf_sample_tensor_info(outputs, 0, &info));
  CHECK(strcmp(info.name, "y") == 0);
  CHECK(info.dtype == NNCF_DTYPE_FLOAT && info.ndim == 2);
  CHECK(info.shape[0] == 2 && info.shape[1] == 2);
  CHECK_OK(nncf_sample_tensor_info(outputs, 1, &info));
  CHECK(strcmp(info.name, "mask_out") == 0);
  nncf_sample_free(outputs);
  nncf_sample_free(inputs);
}

static void test_errors(const nncf_model* model) {
  nncf_sample* inputs = tiny_inputs();
  nncf_sample* outputs = (nncf_sample*)&outputs; /* must be reset to NULL on failure */
  nncf_sample* wrong = NULL;
  nncf_infer_params params;
  const char* unknown[1] = {"no_such_value"};
  const char* null_name[1] = {NULL};
  const int64_t x_shape[2] = {2, 4};
  const int32_t ints[8] = {0};

  CHECK_STATUS(nncf_model_infer(NULL, inputs, NULL, &outputs), NNCF_ERR_INVALID_ARGUMENT,
               "'model'");
  CHECK_STATUS(nncf_model_infer(model, NULL, NULL, &outputs), NNCF_ERR_INVALID_ARGUMENT,
               "'inputs'");
  CHECK_STATUS(nncf_model_infer(model, inputs, NULL, NULL), NNCF_ERR_INVALID_ARGUMENT, "'outputs'");

  NNCF_INFER_PARAMS_INIT(&params);
  params.num_threads = -1;
  CHECK_STATUS(nncf_model_infer(model, inputs, &params, &outputs), NNCF_ERR_INVALID_ARGUMENT,
               "num_threads");
  CHECK(outputs == NULL);

  NNCF_INFER_PARAMS_INIT(&params);
  params.struct_size = 0;
  CHECK_STATUS(nncf_model_infer(model, inputs, &params, &outputs), NNCF_ERR_VERSION_MISMATCH,
               "nncf_infer_params");

  NNCF_INFER_PARAMS_INIT(&params);
  params.output_names = unknown;
  params.n_output_names = 1;
  CHECK_STATUS(nncf_model_infer(model, inputs, &params, &outputs), NNCF_ERR_INVALID_ARGUMENT,
               "'no_such_value'");
  params.output_names = null_name;
  CHECK_STATUS(nncf_model_infer(model, inputs, &params, &outputs), NNCF_ERR_INVALID_ARGUMENT,
               "output_names[0]");
  params.output_names = NULL;
  CHECK_STATUS(nncf_model_infer(model, inputs, &params, &outputs), NNCF_ERR_INVALID_ARGUMENT,
               "output_names is NULL");

  /* x as int32 instead of float. */
  wrong = tiny_inputs();
  CHECK_OK(nncf_sample_set_tensor(wrong, "x", NNCF_DTYPE_INT32, x_shape, 2, ints, sizeof ints));
  CHECK_STATUS(nncf_model_infer(model, wrong, NULL, &outputs), NNCF_ERR_INVALID_ARGUMENT,
               "input 'x': expected dtype float, got int32");
  nncf_sample_free(wrong);

  /* No bias at all. */
  CHECK_OK(nncf_sample_create(&wrong));
  CHECK_OK(nncf_sample_set_tensor(wrong, "x", NNCF_DTYPE_FLOAT, x_shape, 2, ints, sizeof ints));
  CHECK_STATUS(nncf_model_infer(model, wrong, NULL, &outputs), NNCF_ERR_INVALID_ARGUMENT,
               "missing input 'bias'");
  CHECK(outputs == NULL);
  nncf_sample_free(wrong);
  nncf_sample_free(inputs);
}

/* Without libm: the C tests link only the library. */
static float abs_diff(float a, float b) {
  return a > b ? a - b : b - a;
}
static int is_finite(float v) {
  return v == v && v - v == 0.0f;
}

/* Image n of a deterministic batch: a pattern in [-1, 1] that differs per image. */
static void fill_images(float* images, int batch) {
  int n, i;
  for (n = 0; n < batch; ++n) {
    for (i = 0; i < IMAGE_ELEMENTS; ++i) {
      images[n * IMAGE_ELEMENTS + i] = (float)((i * (n + 3) + 5 * n) % 29) / 14.0f - 1.0f;
    }
  }
}

/* Runs the CNN on `batch` images with `threads` threads; copies logits into `logits`. */
static int infer_cnn(const nncf_model* model, int batch, int threads, float* logits) {
  float local[CNN_BATCH * IMAGE_ELEMENTS];
  const int64_t shape[4] = {batch, 1, 28, 28};
  nncf_infer_params params;
  nncf_sample* inputs = NULL;
  nncf_sample* outputs = NULL;
  nncf_tensor_info info;
  nncf_status* status;
  int ok = 0;
  fill_images(local, batch);
  if (nncf_sample_create(&inputs)) return 0;
  status = nncf_sample_set_tensor(inputs, "image", NNCF_DTYPE_FLOAT, shape, 4, local,
                                  sizeof(float) * (size_t)(batch * IMAGE_ELEMENTS));
  NNCF_INFER_PARAMS_INIT(&params);
  params.num_threads = threads;
  if (!status) status = nncf_model_infer(model, inputs, &params, &outputs);
  if (!status) {
    info.struct_size = sizeof info;
    status = nncf_sample_find_tensor(outputs, "logits", &info);
  }
  if (status) {
    fprintf(stderr, "infer_cnn: %s\n", nncf_status_message(status));
  } else if (info.dtype == NNCF_DTYPE_FLOAT && info.ndim == 2 && info.shape[0] == batch &&
             info.shape[1] == 10) {
    memcpy(logits, info.data, sizeof(float) * 10 * (size_t)batch);
    ok = 1;
  }
  nncf_status_free(status);
  nncf_sample_free(outputs);
  nncf_sample_free(inputs);
  return ok;
}

struct worker {
  const nncf_model* model;
  const float* reference;
  int failures;
};

static void* worker_main(void* arg) {
  struct worker* w = (struct worker*)arg;
  float logits[CNN_BATCH * 10];
  int i;
  for (i = 0; i < ITERATIONS; ++i) {
    if (!infer_cnn(w->model, CNN_BATCH, 1, logits) ||
        memcmp(logits, w->reference, sizeof logits) != 0) {
      ++w->failures;
    }
  }
  return NULL;
}

static void test_cnn(void) {
  nncf_model* model = load(CNN_MODEL);
  float reference[CNN_BATCH * 10];
  float single[10];
  float threaded[CNN_BATCH * 10];
  struct worker workers[NUM_WORKERS];
  pthread_t threads[NUM_WORKERS];
  int i, finite = 1, distinct = 0;
  CHECK(infer_cnn(model, CNN_BATCH, 1, reference));
  for (i = 0; i < CNN_BATCH * 10; ++i) finite = finite && is_finite(reference[i]);
  CHECK(finite);
  for (i = 0; i < 10; ++i) distinct = distinct || reference[i] != reference[10 + i];
  CHECK(distinct);
  /* Batch 1 gives the first row of batch 2; thread count does not change the result much. */
  CHECK(infer_cnn(model, 1, 1, single));
  for (i = 0; i < 10; ++i) CHECK(abs_diff(single[i], reference[i]) <= 1e-4f);
  CHECK(infer_cnn(model, CNN_BATCH, 0, threaded));
  for (i = 0; i < CNN_BATCH * 10; ++i) CHECK(abs_diff(threaded[i], reference[i]) <= 1e-4f);

  for (i = 0; i < NUM_WORKERS; ++i) {
    workers[i].model = model;
    workers[i].reference = reference;
    workers[i].failures = 0;
    CHECK(pthread_create(&threads[i], NULL, worker_main, &workers[i]) == 0);
  }
  for (i = 0; i < NUM_WORKERS; ++i) {
    CHECK(pthread_join(threads[i], NULL) == 0);
    CHECK(workers[i].failures == 0);
  }
  nncf_model_free(model);
}

int main(void) {
  nncf_model* tiny = load(TINY_MODEL);
  CHECK(nncf_abi_sizeof("nncf_infer_params") == sizeof(nncf_infer_params));
  test_selected_output(tiny);
  test_errors(tiny);
  test_default_outputs(tiny);
  nncf_model_free(tiny);
  test_cnn();
  return check_finish();
}
