#!/bin/sh
# include/nncf.h must be clean C99 and clean C++17 on its own: self-contained, include-guarded,
# no warnings under -pedantic, usable with and without NNCF_STATIC.
# Usage: header_c99_test.sh <c compiler> <c++ compiler> <include dir>
set -eu
CC=$1
CXX=$2
INC=$3
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

# Includes the header first (self-contained) and twice (guard), uses every INIT macro and the
# version macros in the preprocessor, so macro bodies are compiled too.
cat > "$WORK/use_header.c" <<'SRC'
#include "nncf.h"
#include "nncf.h"

#if NNCF_VERSION_NUMBER != NNCF_VERSION_MAJOR * 10000 + NNCF_VERSION_MINOR * 100 + NNCF_VERSION_PATCH
#error "NNCF_VERSION_NUMBER does not follow MAJOR*10000+MINOR*100+PATCH"
#endif
#if NNCF_API_VERSION < 1
#error "NNCF_API_VERSION must be positive"
#endif

int use_header(void);
int use_header(void) {
  nncf_model_load_params load;
  nncf_model_save_params save;
  nncf_dataset_callbacks callbacks;
  nncf_tensor_info info;
  nncf_code code = NNCF_ERR_INTERNAL;
  nncf_dtype dtype = NNCF_DTYPE_FLOAT4E2M1;
  nncf_log_level level = NNCF_LOG_NONE;
  nncf_external_data_mode mode = NNCF_EXTERNAL_DATA_NEVER;
  NNCF_MODEL_LOAD_PARAMS_INIT(&load);
  NNCF_MODEL_SAVE_PARAMS_INIT(&save);
  NNCF_DATASET_CALLBACKS_INIT(&callbacks);
  info.struct_size = sizeof info;
  return code + dtype + level + mode + (info.struct_size == sizeof info);
}
SRC
cp "$WORK/use_header.c" "$WORK/use_header.cc"

run() {
  echo "+ $*"
  "$@"
}

C_FLAGS="-std=c99 -pedantic -Werror -Wall -Wextra -Wstrict-prototypes -Wmissing-prototypes \
-Wshadow -Wundef -Wconversion -Wsign-conversion"
CXX_FLAGS="-std=c++17 -pedantic -Werror -Wall -Wextra -Wshadow -Wundef -Wold-style-cast \
-Wconversion -Wsign-conversion"

for defs in "" "-DNNCF_STATIC"; do
  # shellcheck disable=SC2086
  run "$CC" $C_FLAGS $defs -I"$INC" -c "$WORK/use_header.c" -o "$WORK/c.o"
  # shellcheck disable=SC2086
  run "$CXX" $CXX_FLAGS $defs -I"$INC" -c "$WORK/use_header.cc" -o "$WORK/cxx.o"
done

# C and C++ must agree on the names: the C++ object references the same unmangled symbols.
if nm "$WORK/cxx.o" | grep -q '_Z.*nncf_'; then
  echo "FAIL: C++ sees mangled nncf_ names; extern \"C\" guard is broken"
  nm "$WORK/cxx.o" | grep '_Z.*nncf_'
  exit 1
fi
nm "$WORK/cxx.o" | grep -q ' U nncf_model_load_params_default$' || {
  echo "FAIL: C++ object does not reference nncf_model_load_params_default unmangled"
  exit 1
}
echo "PASS: nncf.h compiles cleanly as C99 and C++17"
