#define _POSIX_C_SOURCE 200809L
#include "check.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static long g_passed = 0;
static long g_failed = 0;

void check_record(int ok, const char* file, int line, const char* expr) {
  if (ok) {
    __sync_fetch_and_add(&g_passed, 1);
  } else {
    __sync_fetch_and_add(&g_failed, 1);
    fprintf(stderr, "%s:%d: CHECK failed: %s\n", file, line, expr);
  }
}

void check_ok(nncf_status* status, const char* file, int line, const char* expr) {
  if (status != NULL) {
    fprintf(stderr, "%s:%d: %s failed: %s: %s\n", file, line, expr,
            nncf_code_string(nncf_status_code(status)), nncf_status_message(status));
    nncf_status_free(status);
    __sync_fetch_and_add(&g_failed, 1);
    check_finish();
    exit(1);
  }
  __sync_fetch_and_add(&g_passed, 1);
}

int check_contains(const char* haystack, const char* needle) {
  return haystack != NULL && needle != NULL && strstr(haystack, needle) != NULL;
}

void check_status(nncf_status* status, nncf_code code, const char* substring, const char* file,
                  int line, const char* expr) {
  const char* message = nncf_status_message(status);
  int ok = status != NULL && nncf_status_code(status) == code &&
           (substring == NULL || check_contains(message, substring));
  if (ok) {
    __sync_fetch_and_add(&g_passed, 1);
  } else {
    __sync_fetch_and_add(&g_failed, 1);
    fprintf(stderr, "%s:%d: %s: expected %s containing \"%s\", got %s: \"%s\"\n", file, line, expr,
            nncf_code_string(code), substring ? substring : "",
            status ? nncf_code_string(nncf_status_code(status)) : "success (NULL status)", message);
  }
  nncf_status_free(status);
}

int check_finish(void) {
  long passed = __sync_fetch_and_add(&g_passed, 0);
  long failed = __sync_fetch_and_add(&g_failed, 0);
  printf("%ld passed, %ld failed\n", passed, failed);
  fflush(stdout);
  return failed == 0 && passed > 0 ? 0 : 1;
}

void* check_read_file(const char* path, size_t* size) {
  FILE* file = fopen(path, "rb");
  long length;
  void* data;
  if (file == NULL) {
    fprintf(stderr, "cannot open %s\n", path);
    exit(1);
  }
  if (fseek(file, 0, SEEK_END) != 0 || (length = ftell(file)) < 0 || fseek(file, 0, SEEK_SET)) {
    fprintf(stderr, "cannot size %s\n", path);
    exit(1);
  }
  data = malloc(length > 0 ? (size_t)length : 1);
  if (data == NULL || fread(data, 1, (size_t)length, file) != (size_t)length) {
    fprintf(stderr, "cannot read %s\n", path);
    exit(1);
  }
  fclose(file);
  *size = (size_t)length;
  return data;
}

void check_make_temp_dir(char* buffer, size_t size) {
  const char* base = getenv("TMPDIR");
  if (base == NULL || *base == '\0') base = "/tmp";
  if ((size_t)snprintf(buffer, size, "%s/nncf_capi_XXXXXX", base) >= size ||
      mkdtemp(buffer) == NULL) {
    fprintf(stderr, "cannot create a temporary directory under %s\n", base);
    exit(1);
  }
}
