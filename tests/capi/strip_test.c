/* nncf_strip through the C API: IN_PLACE bakes the weight DequantizeLinear nodes of a Q/DQ model
 * into float initializers without changing its outputs; NATIVE and DQ leave a model without fake
 * quantizers computing the same; bad arguments and format names. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "nncf.h"

#define QDQ_MODEL NNCF_SOURCE_DIR "/tests/ort/zoo/mlp_qdq.onnx"

static nncf_sample* make_input(const nncf_model* model) {
  nncf_tensor_info info;
  float x[64];
  const int64_t shape[2] = {1, 64};
  nncf_sample* sample = NULL;
  size_t i;
  info.struct_size = sizeof info;
  CHECK_OK(nncf_model_input_info(model, 0, &info));
  for (i = 0; i < 64; ++i) x[i] = (float)((int)(i * 37 % 64) - 32) / 16.0f;
  CHECK_OK(nncf_sample_create(&sample));
  CHECK_OK(nncf_sample_set_tensor(sample, info.name, NNCF_DTYPE_FLOAT, shape, 2, x, sizeof x));
  return sample;
}

/* Outputs of both models on the same input are byte-for-byte equal. */
static void check_same_outputs(const nncf_model* a, const nncf_model* b) {
  nncf_sample* input = make_input(a);
  nncf_sample* out_a = NULL;
  nncf_sample* out_b = NULL;
  nncf_tensor_info ia, ib;
  CHECK_OK(nncf_model_infer(a, input, NULL, &out_a));
  CHECK_OK(nncf_model_infer(b, input, NULL, &out_b));
  CHECK(nncf_sample_num_tensors(out_a) == nncf_sample_num_tensors(out_b));
  ia.struct_size = sizeof ia;
  ib.struct_size = sizeof ib;
  CHECK_OK(nncf_sample_tensor_info(out_a, 0, &ia));
  CHECK_OK(nncf_sample_tensor_info(out_b, 0, &ib));
  CHECK(ia.nbytes == ib.nbytes && ia.nbytes > 0);
  CHECK(memcmp(ia.data, ib.data, ia.nbytes) == 0);
  nncf_sample_free(out_a);
  nncf_sample_free(out_b);
  nncf_sample_free(input);
}

/* Occurrences of `needle` in the model's JSON summary. */
static size_t summary_count(const nncf_model* model, const char* needle) {
  nncf_blob* blob = NULL;
  size_t count = 0, size, i, n = strlen(needle);
  const char* text;
  CHECK_OK(nncf_model_summary_json(model, &blob));
  text = (const char*)nncf_blob_data(blob);
  size = nncf_blob_size(blob);
  for (i = 0; i + n <= size; ++i) count += memcmp(text + i, needle, n) == 0;
  nncf_blob_free(blob);
  return count;
}

static size_t saved_size(const nncf_model* model) {
  nncf_blob* blob = NULL;
  size_t size;
  CHECK_OK(nncf_model_save_memory(model, &blob));
  size = nncf_blob_size(blob);
  nncf_blob_free(blob);
  return size;
}

int main(void) {
  nncf_model* model = NULL;
  nncf_model* stripped = NULL;
  CHECK_OK(nncf_model_load_file(QDQ_MODEL, NULL, &model));

  /* IN_PLACE: int8 weights become float (the model grows), outputs stay. */
  CHECK_OK(nncf_strip(model, NNCF_STRIP_FORMAT_IN_PLACE, &stripped));
  CHECK(stripped != NULL);
  CHECK(saved_size(stripped) > 2 * saved_size(model));
  /* The six weight and bias DequantizeLinear nodes go; the activation Q/DQ pairs stay. */
  CHECK(summary_count(model, "\"dequantize_linear_count\":12") == 1);
  CHECK(summary_count(stripped, "\"dequantize_linear_count\":6") == 1);
  CHECK(summary_count(stripped, "\"quantize_linear_count\":6") == 1);
  check_same_outputs(model, stripped);
  nncf_model_free(stripped);

  /* NATIVE and DQ: nothing to strip in a model without fake quantizers. */
  CHECK_OK(nncf_strip(model, NNCF_STRIP_FORMAT_NATIVE, &stripped));
  CHECK(saved_size(stripped) == saved_size(model));
  check_same_outputs(model, stripped);
  nncf_model_free(stripped);
  CHECK_OK(nncf_strip(model, NNCF_STRIP_FORMAT_DQ, &stripped));
  check_same_outputs(model, stripped);
  nncf_model_free(stripped);

  /* Bad arguments. */
  stripped = NULL;
  CHECK_STATUS(nncf_strip(model, 7, &stripped), NNCF_ERR_INVALID_ARGUMENT, "strip format 7");
  CHECK(stripped == NULL);
  CHECK_STATUS(nncf_strip(NULL, NNCF_STRIP_FORMAT_DQ, &stripped), NNCF_ERR_INVALID_ARGUMENT,
               "model");
  CHECK_STATUS(nncf_strip(model, NNCF_STRIP_FORMAT_DQ, NULL), NNCF_ERR_INVALID_ARGUMENT, "out");

  CHECK(strcmp(nncf_strip_format_name(NNCF_STRIP_FORMAT_NATIVE), "native") == 0);
  CHECK(strcmp(nncf_strip_format_name(NNCF_STRIP_FORMAT_DQ), "dq") == 0);
  CHECK(strcmp(nncf_strip_format_name(NNCF_STRIP_FORMAT_IN_PLACE), "in_place") == 0);
  CHECK(strcmp(nncf_strip_format_name(-1), "unknown") == 0);
  nncf_model_free(model);
  return check_finish();
}
