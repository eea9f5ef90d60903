/* Post-training INT8 quantization of the bundled Fashion-MNIST CNN with libnncf (nncf_quantize):
 * calibrates on the first 300 training images, measures top-1 accuracy on the 10 000 test images
 * before and after with nncf_model_infer, saves the quantized model, and fails (exit 1) when the
 * accuracy drops by more than MAX_DROP_POINTS.
 *
 * Usage: quantize_fashion_mnist <model.onnx> <quantized.onnx> [fashion-mnist dir]
 * The data directory (default /usr/share/datasets/fashion-mnist, Debian's dataset-fashion-mnist)
 * holds the four original *-idx?-ubyte.gz files. The model takes "image" [N,1,28,28] normalized as
 * (pixel / 255 - 0.5) / 0.5 and returns logits [N,10].
 * Exit codes: 0 success, 1 failure or too large a drop, 2 bad usage, 77 data set not installed
 * (ctest reports that as skipped). */
#define _POSIX_C_SOURCE 200112L /* clock_gettime */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zlib.h>

#include "nncf.h"

/* The largest accuracy loss accepted, in percentage points of top-1. */
#define MAX_DROP_POINTS 1.0
#define CALIBRATION_IMAGES 300
#define EVAL_BATCH 100
#define PIXELS (28 * 28)

typedef struct {
  float* images; /* [count, 1, 28, 28], normalized */
  unsigned char* labels;
  long count;
} image_set;

static int fail(const char* what, nncf_status* st) {
  fprintf(stderr, "%s failed: %s: %s\n", what, nncf_code_string(nncf_status_code(st)),
          nncf_status_message(st));
  nncf_status_free(st);
  return 1;
}

static double now_seconds(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static unsigned long big_endian32(const unsigned char* p) {
  return ((unsigned long)p[0] << 24) | ((unsigned long)p[1] << 16) | ((unsigned long)p[2] << 8) |
         (unsigned long)p[3];
}

/* Reads a gzip-compressed IDX file: `header` bytes of magic and dims, then the payload. Returns
 * the payload (malloc'd, `payload` bytes long) or NULL. */
static unsigned char* read_idx(const char* path, unsigned char* header, int header_size,
                               size_t payload) {
  gzFile file = gzopen(path, "rb");
  unsigned char* data;
  if (!file) {
    fprintf(stderr, "cannot open %s\n", path);
    return NULL;
  }
  data = (unsigned char*)malloc(payload);
  if (!data || gzread(file, header, (unsigned)header_size) != header_size ||
      gzread(file, data, (unsigned)payload) != (int)payload) {
    fprintf(stderr, "%s: short or unreadable file\n", path);
    free(data);
    gzclose(file);
    return NULL;
  }
  gzclose(file);
  return data;
}

/* Loads `<dir>/<prefix>-images-idx3-ubyte.gz` and its labels; `count` is the number of images
 * the file must hold. */
static int load_set(const char* dir, const char* prefix, long count, image_set* set) {
  char path[1024];
  unsigned char header[16];
  unsigned char* pixels;
  long i;
  snprintf(path, sizeof path, "%s/%s-images-idx3-ubyte.gz", dir, prefix);
  pixels = read_idx(path, header, 16, (size_t)count * PIXELS);
  if (!pixels) return 0;
  if (big_endian32(header) != 0x803 || (long)big_endian32(header + 4) != count ||
      big_endian32(header + 8) != 28 || big_endian32(header + 12) != 28) {
    fprintf(stderr, "%s: not %ld 28x28 images\n", path, count);
    free(pixels);
    return 0;
  }
  set->images = (float*)malloc((size_t)count * PIXELS * sizeof(float));
  if (!set->images) {
    free(pixels);
    return 0;
  }
  for (i = 0; i < count * PIXELS; ++i) set->images[i] = ((float)pixels[i] / 255.0f - 0.5f) / 0.5f;
  free(pixels);

  snprintf(path, sizeof path, "%s/%s-labels-idx1-ubyte.gz", dir, prefix);
  set->labels = read_idx(path, header, 8, (size_t)count);
  if (!set->labels || big_endian32(header) != 0x801 || (long)big_endian32(header + 4) != count) {
    fprintf(stderr, "%s: not %ld labels\n", path, count);
    return 0;
  }
  set->count = count;
  return 1;
}

static void free_set(image_set* set) {
  free(set->images);
  free(set->labels);
}

/* Dataset callbacks: item i is training image i as {"image": [1,1,28,28]}. */
static int64_t calibration_length(void* user_data) {
  (void)user_data;
  return CALIBRATION_IMAGES;
}

static nncf_status* calibration_item(void* user_data, int64_t index, nncf_sample* out) {
  const image_set* train = (const image_set*)user_data;
  const int64_t shape[4] = {1, 1, 28, 28};
  return nncf_sample_set_tensor(out, "image", NNCF_DTYPE_FLOAT, shape, 4,
                                train->images + (size_t)index * PIXELS, PIXELS * sizeof(float));
}

/* Top-1 accuracy in percent, EVAL_BATCH images per inference call; negative on failure. */
static double top1(const nncf_model* model, const image_set* test) {
  long correct = 0, first, i;
  for (first = 0; first < test->count; first += EVAL_BATCH) {
    const long n = test->count - first < EVAL_BATCH ? test->count - first : EVAL_BATCH;
    const int64_t shape[4] = {n, 1, 28, 28};
    nncf_sample* inputs = NULL;
    nncf_sample* outputs = NULL;
    nncf_tensor_info info;
    nncf_status* st = nncf_sample_create(&inputs);
    if (!st) {
      st = nncf_sample_set_tensor(inputs, "image", NNCF_DTYPE_FLOAT, shape, 4,
                                  test->images + (size_t)first * PIXELS,
                                  (size_t)n * PIXELS * sizeof(float));
    }
    if (!st) st = nncf_model_infer(model, inputs, NULL, &outputs);
    memset(&info, 0, sizeof info);
    info.struct_size = sizeof info;
    if (!st) st = nncf_sample_tensor_info(outputs, 0, &info);
    nncf_sample_free(inputs);
    if (st) {
      nncf_sample_free(outputs);
      fail("inference", st);
      return -1;
    }
    if (info.dtype != NNCF_DTYPE_FLOAT || info.ndim != 2 || info.shape[0] != n ||
        info.shape[1] != 10) {
      fprintf(stderr, "unexpected output: want float [%ld, 10]\n", n);
      nncf_sample_free(outputs);
      return -1;
    }
    for (i = 0; i < n; ++i) {
      const float* row = (const float*)info.data + i * 10;
      int c, best = 0;
      for (c = 1; c < 10; ++c) {
        if (row[c] > row[best]) best = c;
      }
      if (best == test->labels[first + i]) ++correct;
    }
    nncf_sample_free(outputs);
  }
  return 100.0 * (double)correct / (double)test->count;
}

/* A number field of the model summary JSON ("quantize_linear_count"), or -1. */
static long summary_count(const nncf_model* model, const char* key) {
  nncf_blob* summary = NULL;
  char pattern[64];
  const char* text;
  const char* hit;
  char* copy;
  long value = -1;
  nncf_status* st = nncf_model_summary_json(model, &summary);
  if (st) {
    fail("describing the model", st);
    return -1;
  }
  /* The blob is not NUL-terminated: search a terminated copy. */
  copy = (char*)malloc(nncf_blob_size(summary) + 1);
  if (copy) {
    memcpy(copy, nncf_blob_data(summary), nncf_blob_size(summary));
    copy[nncf_blob_size(summary)] = '\0';
    text = copy;
    snprintf(pattern, sizeof pattern, "\"%s\":", key);
    hit = strstr(text, pattern);
    if (hit) value = strtol(hit + strlen(pattern), NULL, 10);
    free(copy);
  }
  nncf_blob_free(summary);
  return value;
}

int main(int argc, char** argv) {
  const char* data_dir = argc > 3 ? argv[3] : "/usr/share/datasets/fashion-mnist";
  image_set train, test;
  nncf_model* model = NULL;
  nncf_model* quantized = NULL;
  nncf_dataset* dataset = NULL;
  nncf_dataset_callbacks callbacks;
  nncf_quantize_params params;
  nncf_status* st;
  double start, float_top1, int8_top1, drop;
  long q_count, dq_count;

  if (argc < 3 || argc > 4) {
    fprintf(stderr, "usage: %s <model.onnx> <quantized.onnx> [fashion-mnist dir]\n", argv[0]);
    return 2;
  }
  memset(&train, 0, sizeof train);
  memset(&test, 0, sizeof test);
  if (!load_set(data_dir, "train", 60000, &train) || !load_set(data_dir, "t10k", 10000, &test)) {
    fprintf(stderr, "Fashion-MNIST not readable under %s (apt-get install dataset-fashion-mnist)\n",
            data_dir);
    free_set(&train);
    free_set(&test);
    return 77;
  }
  printf("libnncf %s\n", nncf_version_string());

  st = nncf_model_load_file(argv[1], NULL, &model);
  if (st) return fail("loading the model", st);
  start = now_seconds();
  float_top1 = top1(model, &test);
  if (float_top1 < 0) return 1;
  printf("float model %s: top-1 %.2f%% on %ld test images (%.1f s)\n", argv[1], float_top1,
         test.count, now_seconds() - start);

  /* The dataset borrows `train`, which outlives it, so it has no destroy callback. */
  NNCF_DATASET_CALLBACKS_INIT(&callbacks);
  callbacks.user_data = &train;
  callbacks.length = calibration_length;
  callbacks.get_item = calibration_item;
  st = nncf_dataset_create(&callbacks, &dataset);
  if (st) return fail("creating the calibration dataset", st);

  NNCF_QUANTIZE_PARAMS_INIT(&params); /* NNCF's defaults: 300 items, fast bias correction */
  params.subset_size = CALIBRATION_IMAGES;
  start = now_seconds();
  st = nncf_quantize(model, dataset, &params, &quantized, NULL);
  if (st) return fail("quantizing", st);
  q_count = summary_count(quantized, "quantize_linear_count");
  dq_count = summary_count(quantized, "dequantize_linear_count");
  printf(
      "quantized with %d calibration images in %.2f s: %ld QuantizeLinear (activations) and "
      "%ld DequantizeLinear (%ld for int8 weights)\n",
      CALIBRATION_IMAGES, now_seconds() - start, q_count, dq_count, dq_count - q_count);

  start = now_seconds();
  int8_top1 = top1(quantized, &test);
  if (int8_top1 < 0) return 1;
  printf("int8 model: top-1 %.2f%% (%.1f s)\n", int8_top1, now_seconds() - start);

  st = nncf_model_save_file(quantized, argv[2], NULL);
  if (st) return fail("saving the quantized model", st);
  printf("saved %s\n", argv[2]);

  drop = float_top1 - int8_top1;
  printf("accuracy drop: %.2f points (bound %.2f): %s\n", drop, MAX_DROP_POINTS,
         drop <= MAX_DROP_POINTS ? "ok" : "TOO LARGE");

  nncf_dataset_free(dataset);
  nncf_model_free(quantized);
  nncf_model_free(model);
  free_set(&train);
  free_set(&test);
  return drop <= MAX_DROP_POINTS ? 0 : 1;
}
