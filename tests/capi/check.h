/* Tiny assertion helpers for the C API tests (plain C99, thread-safe counters). A failed CHECK
 * prints where and why and counts a failure; CHECK_OK exits at once since later steps depend on
 * the call having worked. check_finish() prints "N passed, M failed" and returns the exit code. */
#ifndef NNCF_TESTS_CAPI_CHECK_H_
#define NNCF_TESTS_CAPI_CHECK_H_

#include <stddef.h>

#include "nncf.h"

void check_record(int ok, const char* file, int line, const char* expr);
/* Frees status. Exits the process when it is not NULL. */
void check_ok(nncf_status* status, const char* file, int line, const char* expr);
/* Frees status. Passes when its code is `code` and its message contains `substring`. */
void check_status(nncf_status* status, nncf_code code, const char* substring, const char* file,
                  int line, const char* expr);
int check_finish(void);
/* 1 when `haystack` contains `needle` (both may be NULL, which contains nothing). */
int check_contains(const char* haystack, const char* needle);
/* Reads a whole file into malloc'ed memory; exits on failure. */
void* check_read_file(const char* path, size_t* size);
/* Creates a fresh empty directory under TMPDIR (or /tmp) and writes its path to buffer. */
void check_make_temp_dir(char* buffer, size_t size);

#define CHECK(cond) check_record((cond) ? 1 : 0, __FILE__, __LINE__, #cond)
#define CHECK_OK(expr) check_ok((expr), __FILE__, __LINE__, #expr)
#define CHECK_STATUS(expr, code, substring) \
  check_status((expr), (code), (substring), __FILE__, __LINE__, #expr)

#endif /* NNCF_TESTS_CAPI_CHECK_H_ */
