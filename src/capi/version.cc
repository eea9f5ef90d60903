#include "nncf.h"

#define NNCF_STR2(x) #x
#define NNCF_STR(x) NNCF_STR2(x)

extern "C" {

int32_t nncf_version_number(void) {
  return NNCF_VERSION_NUMBER;
}

const char* nncf_version_string(void) {
  return NNCF_STR(NNCF_VERSION_MAJOR) "." NNCF_STR(NNCF_VERSION_MINOR) "." NNCF_STR(
      NNCF_VERSION_PATCH);
}

int32_t nncf_api_version(void) {
  return NNCF_API_VERSION;
}

}  // extern "C"
