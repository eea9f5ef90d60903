/* Writes a model back out through libnncf in every layout the library produces, for ONNX
 * Runtime to judge. Usage: save_variants <model.onnx> <out_dir> ; prints the written paths. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nncf.h"

static void check(nncf_status* st, const char* what) {
  if (st) {
    fprintf(stderr, "%s: %s: %s\n", what, nncf_code_string(nncf_status_code(st)),
            nncf_status_message(st));
    nncf_status_free(st);
    exit(1);
  }
}

static FILE* open_file(const char* path, const char* mode) {
  FILE* f = fopen(path, mode);
  if (!f) {
    fprintf(stderr, "cannot open %s\n", path);
    exit(1);
  }
  return f;
}

int main(int argc, char** argv) {
  nncf_model* model = NULL;
  nncf_model* from_memory = NULL;
  nncf_model_save_params save;
  nncf_blob* blob = NULL;
  char path[4096];
  FILE* f;

  if (argc != 3) {
    fprintf(stderr, "usage: %s <model.onnx> <out_dir>\n", argv[0]);
    return 2;
  }
  check(nncf_model_load_file(argv[1], NULL, &model), "load");

  snprintf(path, sizeof path, "%s/inline.onnx", argv[2]);
  check(nncf_model_save_file(model, path, NULL), "save inline");
  printf("%s\n", path);

  NNCF_MODEL_SAVE_PARAMS_INIT(&save);
  save.external_data = NNCF_EXTERNAL_DATA_ALWAYS;
  save.size_threshold = 0;
  snprintf(path, sizeof path, "%s/external_all.onnx", argv[2]);
  check(nncf_model_save_file(model, path, &save), "save external (all tensors)");
  printf("%s\n", path);

  save.size_threshold = 4096;
  save.external_data_file = "weights.bin";
  snprintf(path, sizeof path, "%s/external_large.onnx", argv[2]);
  check(nncf_model_save_file(model, path, &save), "save external (large tensors)");
  printf("%s\n", path);

  /* Reload the external copy (mapped), then save it inline again: data must survive. */
  nncf_model_free(model);
  model = NULL;
  check(nncf_model_load_file(path, NULL, &model), "reload external copy");
  snprintf(path, sizeof path, "%s/external_then_inline.onnx", argv[2]);
  check(nncf_model_save_file(model, path, NULL), "save reloaded copy inline");
  printf("%s\n", path);

  /* Through memory: save to a blob, load the blob, save to a file. */
  check(nncf_model_save_memory(model, &blob), "save to memory");
  check(nncf_model_load_memory(nncf_blob_data(blob), nncf_blob_size(blob), NULL, &from_memory),
        "load from memory");
  snprintf(path, sizeof path, "%s/via_memory.onnx", argv[2]);
  f = open_file(path, "wb");
  if (fwrite(nncf_blob_data(blob), 1, nncf_blob_size(blob), f) != nncf_blob_size(blob)) {
    fprintf(stderr, "short write to %s\n", path);
    return 1;
  }
  fclose(f);
  printf("%s\n", path);

  nncf_blob_free(blob);
  nncf_model_free(from_memory);
  nncf_model_free(model);
  return 0;
}
