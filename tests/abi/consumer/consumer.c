/* A minimal program built against an installed libnncf, the way a third-party project would. */
#include <stdio.h>
#include <string.h>

#include <nncf.h>

static int check_version(void) {
  char expected[32];
  snprintf(expected, sizeof expected, "%d.%d.%d", NNCF_VERSION_MAJOR, NNCF_VERSION_MINOR,
           NNCF_VERSION_PATCH);
  if (strcmp(nncf_version_string(), expected) != 0 ||
      nncf_version_number() != NNCF_VERSION_NUMBER) {
    fprintf(stderr, "header says %s, library says %s\n", expected, nncf_version_string());
    return 1;
  }
  if (nncf_api_version() < NNCF_API_VERSION) {
    fprintf(stderr, "library API %d is older than the header's %d\n", (int)nncf_api_version(),
            NNCF_API_VERSION);
    return 1;
  }
  return 0;
}

/* A missing file must come back as a status with a code and a message, not a crash. */
static int check_missing_file(void) {
  nncf_model* model = NULL;
  nncf_status* status = nncf_model_load_file("/nonexistent/nncf_consumer.onnx", NULL, &model);
  int bad = 0;
  if (status == NULL || nncf_status_code(status) == NNCF_OK || model != NULL ||
      strlen(nncf_status_message(status)) == 0) {
    fprintf(stderr, "loading a missing file did not fail with a status\n");
    bad = 1;
  } else {
    printf("missing file: %s: %s\n", nncf_code_string(nncf_status_code(status)),
           nncf_status_message(status));
  }
  nncf_status_free(status);
  nncf_model_free(model);
  return bad;
}

static int check_model(const char* path) {
  nncf_model_load_params params;
  nncf_model* model = NULL;
  nncf_status* status;
  NNCF_MODEL_LOAD_PARAMS_INIT(&params);
  status = nncf_model_load_file(path, &params, &model);
  if (status != NULL) {
    fprintf(stderr, "loading %s failed: %s\n", path, nncf_status_message(status));
    nncf_status_free(status);
    return 1;
  }
  printf("%s: %zu inputs, %zu outputs\n", path, nncf_model_num_inputs(model),
         nncf_model_num_outputs(model));
  if (nncf_model_num_inputs(model) == 0 || nncf_model_num_outputs(model) == 0) {
    nncf_model_free(model);
    return 1;
  }
  nncf_model_free(model);
  return 0;
}

int main(int argc, char** argv) {
  int bad = check_version() + check_missing_file();
  if (argc > 1) bad += check_model(argv[1]);
  printf("libnncf %s (API %d): %s\n", nncf_version_string(), (int)nncf_api_version(),
         bad ? "FAILED" : "ok");
  return bad ? 1 : 0;
}
