/* The thread-safety contract of nncf.h: one model shared by several threads that describe and
 * save it at once; a dataset per thread; the log callback swapped while other threads log. */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "check.h"
#include "nncf.h"

#define TINY_MODEL NNCF_TEST_DATA_DIR "/tiny_matmul_add.onnx"
#define NUM_WORKERS 4
#define ITERATIONS 40
#define NUM_LOGGERS 64

struct shared {
  const nncf_model* model;
  const void* model_bytes; /* the model's serialized form, for comparison */
  size_t model_size;
  const void* file_bytes; /* the file, reloaded by the workers so that the library logs */
  size_t file_size;
};

struct worker {
  const struct shared* shared;
  int id;
  int failures;
};

/* Item i of worker w: "x" = [w, i]. */
struct worker_source {
  int worker;
};

static nncf_status* worker_get_item(void* user_data, int64_t index, nncf_sample* out) {
  const struct worker_source* src = (const struct worker_source*)user_data;
  const int64_t shape[1] = {2};
  float x[2];
  x[0] = (float)src->worker;
  x[1] = (float)index;
  return nncf_sample_set_tensor(out, "x", NNCF_DTYPE_FLOAT, shape, 1, x, sizeof x);
}

static int64_t worker_length(void* user_data) {
  (void)user_data;
  return ITERATIONS;
}

static int describe_matches(const nncf_model* model) {
  static const char* const kInputs[3] = {"x", "bias", "mask"};
  nncf_tensor_info info;
  size_t i;
  nncf_status* status;
  info.struct_size = sizeof info;
  if (nncf_model_num_inputs(model) != 3) return 0;
  for (i = 0; i < 3; ++i) {
    status = nncf_model_input_info(model, i, &info);
    if (status || strcmp(info.name, kInputs[i]) != 0) {
      nncf_status_free(status);
      return 0;
    }
  }
  status = nncf_model_input_info(model, 0, &info);
  if (status || info.dim_params == NULL || strcmp(info.dim_params[0], "batch") != 0) {
    nncf_status_free(status);
    return 0;
  }
  status = nncf_model_output_info(model, 0, &info);
  if (status || strcmp(info.name, "y") != 0) {
    nncf_status_free(status);
    return 0;
  }
  return 1;
}

static void* worker_main(void* arg) {
  struct worker* self = (struct worker*)arg;
  const struct shared* shared = self->shared;
  struct worker_source src;
  nncf_dataset_callbacks callbacks;
  nncf_dataset* dataset = NULL;
  int i;

  src.worker = self->id;
  NNCF_DATASET_CALLBACKS_INIT(&callbacks);
  callbacks.user_data = &src;
  callbacks.get_item = worker_get_item;
  callbacks.length = worker_length;
  CHECK_OK(nncf_dataset_create(&callbacks, &dataset));

  for (i = 0; i < ITERATIONS; ++i) {
    nncf_blob* blob = NULL;
    nncf_sample* item = NULL;
    nncf_model* own = NULL;
    nncf_tensor_info info;

    if (!describe_matches(shared->model)) self->failures++;

    CHECK_OK(nncf_model_summary_json(shared->model, &blob));
    if (nncf_blob_size(blob) < 2 || memchr(nncf_blob_data(blob), '{', 1) == NULL) {
      self->failures++;
    }
    nncf_blob_free(blob);

    CHECK_OK(nncf_model_save_memory(shared->model, &blob));
    if (nncf_blob_size(blob) != shared->model_size ||
        memcmp(nncf_blob_data(blob), shared->model_bytes, shared->model_size) != 0) {
      self->failures++;
    }
    nncf_blob_free(blob);

    CHECK_OK(nncf_dataset_get_item(dataset, i, &item));
    info.struct_size = sizeof info;
    CHECK_OK(nncf_sample_find_tensor(item, "x", &info));
    if (((const float*)info.data)[0] != (float)self->id ||
        ((const float*)info.data)[1] != (float)i) {
      self->failures++;
    }
    nncf_sample_free(item);

    /* Loading logs, so the log callback runs on this thread while another swaps it. */
    CHECK_OK(nncf_model_load_memory(shared->file_bytes, shared->file_size, NULL, &own));
    nncf_model_free(own);
  }
  nncf_dataset_free(dataset);
  return NULL;
}

struct logger {
  pthread_mutex_t mutex;
  int calls;
  int retired;    /* set once nncf_set_log_callback has replaced this logger */
  int violations; /* calls after retirement */
};

static void logger_fn(void* user_data, nncf_log_level level, const char* component,
                      const char* message) {
  struct logger* logger = (struct logger*)user_data;
  (void)level;
  (void)component;
  (void)message;
  pthread_mutex_lock(&logger->mutex);
  logger->calls++;
  if (logger->retired) logger->violations++;
  pthread_mutex_unlock(&logger->mutex);
}

struct swapper {
  struct logger loggers[NUM_LOGGERS];
  volatile int stop;
};

static void* swapper_main(void* arg) {
  struct swapper* self = (struct swapper*)arg;
  int i = 0;
  while (!__sync_fetch_and_add(&self->stop, 0) && i + 1 < NUM_LOGGERS) {
    nncf_set_log_callback(logger_fn, &self->loggers[i + 1], NNCF_LOG_DEBUG);
    pthread_mutex_lock(&self->loggers[i].mutex);
    self->loggers[i].retired = 1;
    pthread_mutex_unlock(&self->loggers[i].mutex);
    ++i;
    {
      struct timespec pause = {0, 2000000}; /* 2 ms */
      nanosleep(&pause, NULL);
    }
  }
  return NULL;
}

int main(void) {
  struct shared shared;
  struct worker workers[NUM_WORKERS];
  pthread_t threads[NUM_WORKERS];
  pthread_t swap_thread;
  struct swapper* swapper = (struct swapper*)calloc(1, sizeof(struct swapper));
  nncf_model* model = NULL;
  nncf_blob* reference = NULL;
  int i;
  int total_calls = 0;
  int violations = 0;
  int failures = 0;

  shared.file_bytes = check_read_file(TINY_MODEL, &shared.file_size);
  CHECK_OK(nncf_model_load_memory(shared.file_bytes, shared.file_size, NULL, &model));
  CHECK_OK(nncf_model_save_memory(model, &reference));
  shared.model = model;
  shared.model_bytes = nncf_blob_data(reference);
  shared.model_size = nncf_blob_size(reference);

  for (i = 0; i < NUM_LOGGERS; ++i) pthread_mutex_init(&swapper->loggers[i].mutex, NULL);
  nncf_set_log_callback(logger_fn, &swapper->loggers[0], NNCF_LOG_DEBUG);
  CHECK(pthread_create(&swap_thread, NULL, swapper_main, swapper) == 0);
  for (i = 0; i < NUM_WORKERS; ++i) {
    workers[i].shared = &shared;
    workers[i].id = i;
    workers[i].failures = 0;
    CHECK(pthread_create(&threads[i], NULL, worker_main, &workers[i]) == 0);
  }
  for (i = 0; i < NUM_WORKERS; ++i) {
    pthread_join(threads[i], NULL);
    failures += workers[i].failures;
  }
  __sync_fetch_and_add(&swapper->stop, 1);
  pthread_join(swap_thread, NULL);
  nncf_set_log_callback(NULL, NULL, NNCF_LOG_WARNING);

  for (i = 0; i < NUM_LOGGERS; ++i) {
    total_calls += swapper->loggers[i].calls;
    violations += swapper->loggers[i].violations;
    pthread_mutex_destroy(&swapper->loggers[i].mutex);
  }
  printf("log calls: %d over the swapped loggers\n", total_calls);
  CHECK(failures == 0);
  CHECK(violations == 0);
  CHECK(total_calls >= NUM_WORKERS * ITERATIONS);

  nncf_blob_free(reference);
  nncf_model_free(model);
  free((void*)shared.file_bytes);
  free(swapper);
  return check_finish();
}
