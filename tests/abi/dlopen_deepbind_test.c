/* docs/packaging.md tells hosts with their own protobuf to load libnncf.so with
 * dlopen(RTLD_LOCAL | RTLD_DEEPBIND) and use the C API through dlsym. This checks that recipe:
 * the library loads that way, stays out of the global scope, and can load and save a model. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

#include "nncf.h"

typedef const char* (*version_string_fn)(void);
typedef nncf_status* (*load_file_fn)(const char*, const nncf_model_load_params*, nncf_model**);
typedef nncf_status* (*save_memory_fn)(const nncf_model*, nncf_blob**);
typedef size_t (*blob_size_fn)(const nncf_blob*);
typedef void (*blob_free_fn)(nncf_blob*);
typedef void (*model_free_fn)(nncf_model*);
typedef const char* (*status_message_fn)(const nncf_status*);
typedef void (*status_free_fn)(nncf_status*);

/* dlsym returns void*; ISO C has no conversion to function pointers, so copy the bits. */
static void* must_sym(void* lib, const char* name, int* bad) {
  void* p = dlsym(lib, name);
  if (p == NULL) {
    fprintf(stderr, "FAIL: dlsym(%s): %s\n", name, dlerror());
    *bad = 1;
  }
  return p;
}
#define LOOKUP(var, name)                 \
  do {                                    \
    void* p_ = must_sym(lib, name, &bad); \
    memcpy(&var, &p_, sizeof var);        \
  } while (0)

int main(int argc, char** argv) {
  void* lib;
  int bad = 0;
  version_string_fn version_string;
  load_file_fn load_file;
  save_memory_fn save_memory;
  blob_size_fn blob_size;
  blob_free_fn blob_free;
  model_free_fn model_free;
  status_message_fn status_message;
  status_free_fn status_free;
  nncf_model* model = NULL;
  nncf_blob* blob = NULL;
  nncf_status* status;

  if (argc != 3) {
    fprintf(stderr, "usage: %s <libnncf.so> <model.onnx>\n", argv[0]);
    return 2;
  }
  lib = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL | RTLD_DEEPBIND);
  if (lib == NULL) {
    fprintf(stderr, "FAIL: dlopen: %s\n", dlerror());
    return 1;
  }
  /* RTLD_LOCAL: the host's global lookups must not see the library. */
  if (dlsym(RTLD_DEFAULT, "nncf_version_string") != NULL) {
    fprintf(stderr, "FAIL: nncf_version_string leaked into the global scope\n");
    bad = 1;
  }
  LOOKUP(version_string, "nncf_version_string");
  LOOKUP(load_file, "nncf_model_load_file");
  LOOKUP(save_memory, "nncf_model_save_memory");
  LOOKUP(blob_size, "nncf_blob_size");
  LOOKUP(blob_free, "nncf_blob_free");
  LOOKUP(model_free, "nncf_model_free");
  LOOKUP(status_message, "nncf_status_message");
  LOOKUP(status_free, "nncf_status_free");
  if (bad) return 1;

  printf("libnncf %s loaded with RTLD_LOCAL | RTLD_DEEPBIND\n", version_string());
  status = load_file(argv[2], NULL, &model);
  if (status != NULL) {
    fprintf(stderr, "FAIL: loading %s: %s\n", argv[2], status_message(status));
    status_free(status);
    return 1;
  }
  /* Serializing exercises libonnx_proto.so and libprotobuf.so.32 through the deep-bound tree. */
  status = save_memory(model, &blob);
  if (status != NULL) {
    fprintf(stderr, "FAIL: saving to memory: %s\n", status_message(status));
    status_free(status);
    bad = 1;
  } else if (blob_size(blob) == 0) {
    fprintf(stderr, "FAIL: empty serialized model\n");
    bad = 1;
  } else {
    printf("round trip through protobuf: %zu bytes\n", blob_size(blob));
  }
  blob_free(blob);
  model_free(model);
  if (dlclose(lib) != 0) {
    fprintf(stderr, "FAIL: dlclose: %s\n", dlerror());
    bad = 1;
  }
  return bad;
}
