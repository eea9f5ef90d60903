/* Samples and datasets: copying, lookup, callbacks, transforms, errors and destroy. */
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "nncf.h"

static void test_sample_tensors(void) {
  nncf_sample* sample = NULL;
  nncf_tensor_info info;
  float x[6] = {1, 2, 3, 4, 5, 6};
  const int64_t shape[2] = {2, 3};
  int64_t label = 7;
  uint8_t packed[2] = {0x21, 0x03}; /* int4 [3]: 1, 2, 3 */
  const int64_t shape3[1] = {3};

  CHECK_OK(nncf_sample_create(&sample));
  CHECK(nncf_sample_num_tensors(sample) == 0);
  CHECK_OK(nncf_sample_set_tensor(sample, "x", NNCF_DTYPE_FLOAT, shape, 2, x, sizeof x));
  CHECK_OK(
      nncf_sample_set_tensor(sample, "label", NNCF_DTYPE_INT64, NULL, 0, &label, sizeof label));
  CHECK_OK(nncf_sample_set_tensor(sample, "q", NNCF_DTYPE_INT4, shape3, 1, packed, 2));
  CHECK(nncf_sample_num_tensors(sample) == 3);

  /* The data was copied: changing the caller's buffer does not change the sample. */
  x[0] = 100;
  info.struct_size = sizeof info;
  CHECK_OK(nncf_sample_tensor_info(sample, 0, &info));
  CHECK(strcmp(info.name, "x") == 0);
  CHECK(info.dtype == NNCF_DTYPE_FLOAT);
  CHECK(info.ndim == 2 && info.shape[0] == 2 && info.shape[1] == 3);
  CHECK(info.has_shape == 1);
  CHECK(info.dim_params == NULL);
  CHECK(info.nbytes == 24);
  CHECK(((const float*)info.data)[0] == 1.0f && ((const float*)info.data)[5] == 6.0f);

  CHECK_OK(nncf_sample_find_tensor(sample, "label", &info));
  CHECK(info.ndim == 0 && info.nbytes == 8 && *(const int64_t*)info.data == 7);
  CHECK_OK(nncf_sample_find_tensor(sample, "q", &info));
  CHECK(info.dtype == NNCF_DTYPE_INT4 && info.nbytes == 2);
  CHECK(((const uint8_t*)info.data)[0] == 0x21);

  /* Replacing keeps the position and takes the new shape. */
  CHECK_OK(nncf_sample_set_tensor(sample, "x", NNCF_DTYPE_FLOAT, shape3, 1, x, 3 * sizeof(float)));
  CHECK(nncf_sample_num_tensors(sample) == 3);
  CHECK_OK(nncf_sample_tensor_info(sample, 0, &info));
  CHECK(strcmp(info.name, "x") == 0 && info.ndim == 1 && info.nbytes == 12);
  CHECK(((const float*)info.data)[0] == 100.0f);

  /* An empty tensor (a zero dimension) needs no data. */
  {
    const int64_t empty_shape[2] = {0, 5};
    CHECK_OK(nncf_sample_set_tensor(sample, "empty", NNCF_DTYPE_FLOAT, empty_shape, 2, NULL, 0));
    CHECK_OK(nncf_sample_find_tensor(sample, "empty", &info));
    CHECK(info.nbytes == 0 && info.shape[0] == 0 && info.shape[1] == 5);
  }

  CHECK_STATUS(nncf_sample_find_tensor(sample, "missing", &info), NNCF_ERR_NOT_FOUND, "'missing'");
  CHECK_STATUS(nncf_sample_tensor_info(sample, 4, &info), NNCF_ERR_INVALID_ARGUMENT,
               "index 4 is out of range");
  nncf_sample_free(sample);
  nncf_sample_free(NULL);
}

/* A callback dataset of `count` items; item i holds "x" = [i, i+1] and "label" = i. */
struct source {
  int64_t count; /* -1: unknown length, the source ends after `available` items */
  int64_t available;
  int destroyed;
  int fail_at;  /* get_item fails for this index */
  int empty_at; /* get_item returns success but adds nothing for this index */
  int get_item_calls;
  int transform_calls;
};

static int64_t source_length(void* user_data) {
  return ((struct source*)user_data)->count;
}

static nncf_status* source_get_item(void* user_data, int64_t index, nncf_sample* out) {
  struct source* src = (struct source*)user_data;
  float x[2];
  const int64_t shape[1] = {2};
  int64_t label = index;
  src->get_item_calls++;
  if (index == src->fail_at) return nncf_status_create(NNCF_ERR_IO, "camera 3 is unplugged");
  if (index == src->empty_at) return NULL;
  if (src->count < 0 && index >= src->available) {
    return nncf_status_create(NNCF_ERR_NOT_FOUND, "no more frames");
  }
  x[0] = (float)index;
  x[1] = (float)index + 1;
  {
    nncf_status* status = nncf_sample_set_tensor(out, "x", NNCF_DTYPE_FLOAT, shape, 1, x, sizeof x);
    if (status) return status;
  }
  return nncf_sample_set_tensor(out, "label", NNCF_DTYPE_INT64, NULL, 0, &label, sizeof label);
}

/* Doubles x and drops the label, as a transform_func would. */
static nncf_status* source_transform(void* user_data, const nncf_sample* item, nncf_sample* out) {
  struct source* src = (struct source*)user_data;
  nncf_tensor_info info;
  nncf_status* status;
  float doubled[8];
  size_t i, count;
  src->transform_calls++;
  info.struct_size = sizeof info;
  status = nncf_sample_find_tensor(item, "x", &info);
  if (status) return status;
  count = info.nbytes / sizeof(float);
  if (count > 8) return nncf_status_create(NNCF_ERR_INVALID_ARGUMENT, "x is too large");
  for (i = 0; i < count; ++i) doubled[i] = 2 * ((const float*)info.data)[i];
  return nncf_sample_set_tensor(out, "x", info.dtype, info.shape, info.ndim, doubled,
                                count * sizeof(float));
}

static void source_destroy(void* user_data) {
  ((struct source*)user_data)->destroyed++;
}

static struct source make_source(int64_t count) {
  struct source src;
  memset(&src, 0, sizeof src);
  src.count = count;
  src.available = count;
  src.fail_at = -1;
  src.empty_at = -1;
  return src;
}

static nncf_dataset* make_dataset(struct source* src, int with_transform) {
  nncf_dataset_callbacks callbacks;
  nncf_dataset* dataset = NULL;
  NNCF_DATASET_CALLBACKS_INIT(&callbacks);
  callbacks.user_data = src;
  callbacks.length = source_length;
  callbacks.get_item = source_get_item;
  callbacks.transform = with_transform ? source_transform : NULL;
  callbacks.destroy = source_destroy;
  callbacks.batch_size = 1;
  CHECK_OK(nncf_dataset_create(&callbacks, &dataset));
  return dataset;
}

static float item_x0(nncf_dataset* dataset, int64_t index) {
  nncf_sample* item = NULL;
  nncf_tensor_info info;
  float value;
  CHECK_OK(nncf_dataset_get_item(dataset, index, &item));
  info.struct_size = sizeof info;
  CHECK_OK(nncf_sample_find_tensor(item, "x", &info));
  value = ((const float*)info.data)[0];
  nncf_sample_free(item);
  return value;
}

static void test_callback_dataset(void) {
  struct source src = make_source(3);
  nncf_dataset* dataset = make_dataset(&src, 0);
  nncf_sample* item = NULL;
  int64_t value = 0;

  CHECK_OK(nncf_dataset_length(dataset, &value));
  CHECK(value == 3);
  CHECK_OK(nncf_dataset_batch_size(dataset, &value));
  CHECK(value == 1);
  CHECK(item_x0(dataset, 2) == 2.0f);

  /* Labels (tensors no model input uses) are kept. */
  CHECK_OK(nncf_dataset_get_item(dataset, 1, &item));
  CHECK(nncf_sample_num_tensors(item) == 2);
  nncf_sample_free(item);

  CHECK_STATUS(nncf_dataset_get_item(dataset, 3, &item), NNCF_ERR_NOT_FOUND,
               "index 3 is out of range");
  CHECK_STATUS(nncf_dataset_get_item(dataset, -1, &item), NNCF_ERR_INVALID_ARGUMENT,
               "-1 is negative");
  CHECK(src.get_item_calls == 2);
  CHECK(src.destroyed == 0);
  nncf_dataset_free(dataset);
  CHECK(src.destroyed == 1);
  nncf_dataset_free(NULL);
}

static void test_callback_errors(void) {
  struct source src = make_source(5);
  nncf_dataset* dataset;
  nncf_sample* item = NULL;
  src.fail_at = 1;
  src.empty_at = 3;
  dataset = make_dataset(&src, 0);
  CHECK_STATUS(nncf_dataset_get_item(dataset, 1, &item), NNCF_ERR_CALLBACK,
               "camera 3 is unplugged");
  CHECK_STATUS(nncf_dataset_get_item(dataset, 1, &item), NNCF_ERR_CALLBACK, "NNCF_ERR_IO");
  CHECK_STATUS(nncf_dataset_get_item(dataset, 3, &item), NNCF_ERR_CALLBACK,
               "get_item(3) returned success but left the sample empty");
  CHECK(item == NULL);
  nncf_dataset_free(dataset);
  CHECK(src.destroyed == 1);
}

static void test_unknown_length(void) {
  struct source src = make_source(-1);
  nncf_dataset* dataset;
  nncf_sample* item = NULL;
  int64_t length = 0;
  src.available = 2;
  dataset = make_dataset(&src, 0);
  CHECK_OK(nncf_dataset_length(dataset, &length));
  CHECK(length == -1);
  CHECK(item_x0(dataset, 1) == 1.0f);
  /* The end of a dataset of unknown length is NNCF_ERR_NOT_FOUND, not a callback failure. */
  CHECK_STATUS(nncf_dataset_get_item(dataset, 2, &item), NNCF_ERR_NOT_FOUND, "no more frames");
  nncf_dataset_free(dataset);

  /* A length callback returning nonsense is reported. */
  src = make_source(-5);
  dataset = make_dataset(&src, 0);
  CHECK_STATUS(nncf_dataset_length(dataset, &length), NNCF_ERR_CALLBACK, "returned -5");
  nncf_dataset_free(dataset);
  CHECK(src.destroyed == 1);
}

static void test_transforms(void) {
  struct source src = make_source(4);
  struct source other = make_source(0);
  nncf_dataset* dataset = make_dataset(&src, 1);
  nncf_sample* item = NULL;
  nncf_tensor_info info;

  CHECK(item_x0(dataset, 3) == 6.0f);
  CHECK(src.transform_calls == 1);
  CHECK_OK(nncf_dataset_get_item(dataset, 2, &item));
  CHECK(nncf_sample_num_tensors(item) == 1);
  info.struct_size = sizeof info;
  CHECK_STATUS(nncf_sample_find_tensor(item, "label", &info), NNCF_ERR_NOT_FOUND, "label");
  nncf_sample_free(item);

  /* Replacing the transform: the new one owns `other`, released when replaced again. */
  CHECK_OK(nncf_dataset_set_transform(dataset, source_transform, &other, source_destroy));
  CHECK(item_x0(dataset, 1) == 2.0f);
  CHECK(other.transform_calls == 1);
  CHECK_OK(nncf_dataset_set_transform(dataset, source_transform, &other, source_destroy));
  CHECK(other.destroyed == 0); /* the same owner set again is not released */
  CHECK_OK(nncf_dataset_set_transform(dataset, NULL, NULL, NULL));
  CHECK(other.destroyed == 1);
  CHECK(item_x0(dataset, 1) == 1.0f);

  /* A transform that fails, or leaves its output empty, is reported with the item index. */
  other = make_source(0);
  CHECK_OK(nncf_dataset_set_transform(dataset, source_transform, &other, source_destroy));
  nncf_dataset_free(dataset);
  CHECK(other.destroyed == 1);
  CHECK(src.destroyed == 1);
}

static nncf_status* failing_transform(void* user_data, const nncf_sample* item, nncf_sample* out) {
  (void)user_data;
  (void)item;
  (void)out;
  return nncf_status_create(NNCF_ERR_INVALID_ARGUMENT, "resize needs a 3-channel image");
}

static nncf_status* empty_transform(void* user_data, const nncf_sample* item, nncf_sample* out) {
  (void)user_data;
  (void)item;
  (void)out;
  return NULL;
}

static nncf_status* cancelling_get_item(void* user_data, int64_t index, nncf_sample* out) {
  (void)user_data;
  (void)index;
  (void)out;
  return nncf_status_create(NNCF_ERR_CANCELLED, "user pressed stop");
}

static void test_transform_errors(void) {
  struct source src = make_source(2);
  nncf_dataset* dataset = make_dataset(&src, 0);
  nncf_sample* item = NULL;
  nncf_dataset_callbacks callbacks;
  CHECK_OK(nncf_dataset_set_transform(dataset, failing_transform, NULL, NULL));
  CHECK_STATUS(nncf_dataset_get_item(dataset, 1, &item), NNCF_ERR_CALLBACK,
               "transform of item 1 failed with NNCF_ERR_INVALID_ARGUMENT: resize needs");
  CHECK_OK(nncf_dataset_set_transform(dataset, empty_transform, NULL, NULL));
  CHECK_STATUS(nncf_dataset_get_item(dataset, 0, &item), NNCF_ERR_CALLBACK,
               "transform of item 0 returned success but left the output sample empty");
  nncf_dataset_free(dataset);

  /* Cancellation from a callback keeps its code. */
  NNCF_DATASET_CALLBACKS_INIT(&callbacks);
  callbacks.get_item = cancelling_get_item;
  CHECK_OK(nncf_dataset_create(&callbacks, &dataset));
  CHECK_STATUS(nncf_dataset_get_item(dataset, 0, &item), NNCF_ERR_CANCELLED, "user pressed stop");
  {
    int64_t value = 5;
    CHECK_OK(nncf_dataset_length(dataset, &value));
    CHECK(value == -1); /* no length callback: unknown */
    CHECK_OK(nncf_dataset_batch_size(dataset, &value));
    CHECK(value == 0);
  }
  nncf_dataset_free(dataset);
}

static void test_dataset_from_samples(void) {
  nncf_sample* samples[3];
  nncf_dataset* dataset = NULL;
  nncf_sample* item = NULL;
  nncf_tensor_info info;
  int64_t length = 0;
  int i;
  for (i = 0; i < 3; ++i) {
    const int64_t shape[1] = {1};
    float value = (float)(10 * i);
    CHECK_OK(nncf_sample_create(&samples[i]));
    CHECK_OK(
        nncf_sample_set_tensor(samples[i], "x", NNCF_DTYPE_FLOAT, shape, 1, &value, sizeof value));
  }
  CHECK_OK(nncf_dataset_create_from_samples((const nncf_sample* const*)samples, 3, &dataset));
  /* The dataset holds copies: freeing the samples does not affect it. */
  for (i = 0; i < 3; ++i) nncf_sample_free(samples[i]);
  CHECK_OK(nncf_dataset_length(dataset, &length));
  CHECK(length == 3);
  CHECK(item_x0(dataset, 2) == 20.0f);
  CHECK_STATUS(nncf_dataset_get_item(dataset, 3, &item), NNCF_ERR_NOT_FOUND, "3 items");

  /* A transform works on sample datasets too. */
  {
    struct source owner = make_source(0);
    CHECK_OK(nncf_dataset_set_transform(dataset, source_transform, &owner, source_destroy));
    CHECK(item_x0(dataset, 1) == 20.0f);
    CHECK_OK(nncf_dataset_get_item(dataset, 1, &item));
    info.struct_size = sizeof info;
    CHECK_OK(nncf_sample_tensor_info(item, 0, &info));
    CHECK(info.ndim == 1 && info.shape[0] == 1);
    nncf_sample_free(item);
    nncf_dataset_free(dataset);
    CHECK(owner.destroyed == 1);
  }

  CHECK_OK(nncf_dataset_create_from_samples(NULL, 0, &dataset));
  CHECK_OK(nncf_dataset_length(dataset, &length));
  CHECK(length == 0);
  nncf_dataset_free(dataset);
}

int main(void) {
  test_sample_tensors();
  test_callback_dataset();
  test_callback_errors();
  test_unknown_length();
  test_transforms();
  test_transform_errors();
  test_dataset_from_samples();
  return check_finish();
}
