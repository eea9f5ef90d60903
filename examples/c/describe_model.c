/* Loads an ONNX model with libnncf, describes it, saves it back and checks that the saved copy
 * loads and describes the same. Usage: describe_model <model.onnx> <copy.onnx> */
#include <stdio.h>
#include <string.h>

#include "nncf.h"

static int fail(const char* what, nncf_status* st) {
  fprintf(stderr, "%s failed: %s: %s\n", what, nncf_code_string(nncf_status_code(st)),
          nncf_status_message(st));
  nncf_status_free(st);
  return 1;
}

static void print_values(const nncf_model* model, int outputs) {
  size_t n = outputs ? nncf_model_num_outputs(model) : nncf_model_num_inputs(model);
  size_t i, d;
  for (i = 0; i < n; ++i) {
    nncf_tensor_info info;
    nncf_status* st;
    memset(&info, 0, sizeof info);
    info.struct_size = sizeof info;
    st = outputs ? nncf_model_output_info(model, i, &info) : nncf_model_input_info(model, i, &info);
    if (st) {
      fail("reading value info", st);
      return;
    }
    printf("  %s %-12s %-8s [", outputs ? "output" : "input ", info.name,
           nncf_dtype_name(info.dtype));
    for (d = 0; d < info.ndim; ++d) {
      if (info.shape[d] >= 0) {
        printf("%s%lld", d ? ", " : "", (long long)info.shape[d]);
      } else {
        printf("%s%s", d ? ", " : "",
               info.dim_params && info.dim_params[d] ? info.dim_params[d] : "?");
      }
    }
    printf("]\n");
  }
}

int main(int argc, char** argv) {
  nncf_model* model = NULL;
  nncf_model* copy = NULL;
  nncf_blob* summary = NULL;
  nncf_blob* copy_summary = NULL;
  nncf_status* st;
  int same;

  if (argc != 3) {
    fprintf(stderr, "usage: %s <model.onnx> <copy.onnx>\n", argv[0]);
    return 2;
  }
  printf("libnncf %s\n", nncf_version_string());

  st = nncf_model_load_file(argv[1], NULL, &model);
  if (st) return fail("loading the model", st);
  printf("loaded %s\n", argv[1]);
  print_values(model, 0);
  print_values(model, 1);

  st = nncf_model_summary_json(model, &summary);
  if (st) return fail("describing the model", st);
  printf("summary: %.*s\n", (int)nncf_blob_size(summary), (const char*)nncf_blob_data(summary));

  st = nncf_model_save_file(model, argv[2], NULL);
  if (st) return fail("saving the model", st);
  st = nncf_model_load_file(argv[2], NULL, &copy);
  if (st) return fail("reloading the saved model", st);
  st = nncf_model_summary_json(copy, &copy_summary);
  if (st) return fail("describing the saved model", st);

  same =
      nncf_blob_size(summary) == nncf_blob_size(copy_summary) &&
      memcmp(nncf_blob_data(summary), nncf_blob_data(copy_summary), nncf_blob_size(summary)) == 0;
  printf("saved %s and reloaded it: %s\n", argv[2],
         same ? "identical description" : "DESCRIPTION DIFFERS");

  nncf_blob_free(summary);
  nncf_blob_free(copy_summary);
  nncf_model_free(model);
  nncf_model_free(copy);
  return same ? 0 : 1;
}
