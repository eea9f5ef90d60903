#!/bin/sh
# Every struct defined in nncf.h is known to nncf_abi_sizeof (with the size a C compiler sees),
# has its sizeof frozen in src/capi/abi_asserts.cc, and has every field's offset frozen there.
# Usage: struct_sizes_test.sh <c compiler> <source dir> <path to libnncf.so> [extra cflags]
set -eu
CC=$1
SRC=$2
LIB=$3
EXTRA_CFLAGS=${4:-}
HEADER=$SRC/include/nncf.h
ASSERTS=$SRC/src/capi/abi_asserts.cc
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
status=0
fail() {
  echo "FAIL: $*"
  status=1
}

# "struct field" for every field of every "typedef struct X { ... } X;" in the header.
awk '
  function finish(body,    n, i, d, f, decls) {
    gsub(/\/\*([^*]|\*+[^*\/])*\*+\//, " ", body)
    n = split(body, decls, ";")
    for (i = 1; i <= n; i++) {
      d = decls[i]
      if (d ~ /^[ \t]*$/) continue
      if (match(d, /\(\*[ ]*[a-z_0-9]+[ ]*\)/)) {
        f = substr(d, RSTART + 2, RLENGTH - 3)
      } else {
        sub(/[ \t]+$/, "", d)
        match(d, /[a-z_0-9]+$/)
        f = substr(d, RSTART, RLENGTH)
      }
      gsub(/ /, "", f)
      print name, f
    }
    inside = 0
  }
  !inside && /^typedef struct [a-z_0-9]+ *\{/ {
    name = $3
    body = substr($0, index($0, "{") + 1)
    inside = 1
    if (index(body, "}")) finish(substr(body, 1, index(body, "}") - 1))
    next
  }
  inside && /^\}/ { finish(body); next }
  inside { body = body " " $0 }
' "$HEADER" > "$WORK/fields.txt"
cut -d' ' -f1 "$WORK/fields.txt" | sort -u > "$WORK/structs.txt"
[ "$(wc -l < "$WORK/structs.txt")" -ge 4 ] || fail "found only $(wc -l < "$WORK/structs.txt") structs in $HEADER"
# Every params-style struct is versioned by its first field. Structs passed as array elements
# cannot be (an older caller's array would be indexed with the wrong stride): they are frozen
# for good and listed here.
ARRAY_ELEMENT_STRUCTS=" nncf_subgraph "
for s in $(cat "$WORK/structs.txt"); do
  first=$(grep "^$s " "$WORK/fields.txt" | head -n 1 | cut -d' ' -f2)
  case "$ARRAY_ELEMENT_STRUCTS" in
    *" $s "*) ;;
    *) [ "$first" = struct_size ] || fail "$s: first field is '$first', not struct_size" ;;
  esac
  grep -q "NNCF_ASSERT_SIZE($s," "$ASSERTS" || fail "$s: no NNCF_ASSERT_SIZE in abi_asserts.cc"
done
while read -r s f; do
  grep -q "NNCF_ASSERT_FIELD($s, $f," "$ASSERTS" || fail "$s.$f: offset not frozen in abi_asserts.cc"
done < "$WORK/fields.txt"

# nncf_abi_sizeof agrees with the C compiler for every struct, and rejects unknown names.
{
  cat <<'SRC'
#include <stdio.h>
#include "nncf.h"
#define CHECK(T)                                                                    \
  if (nncf_abi_sizeof(#T) != sizeof(T)) {                                           \
    printf("FAIL: nncf_abi_sizeof(\"%s\") = %zu, C sees %zu\n", #T,                 \
           nncf_abi_sizeof(#T), sizeof(T));                                         \
    bad = 1;                                                                        \
  }
int main(void) {
  int bad = 0;
  if (nncf_abi_sizeof("nncf_no_such_struct") != 0 || nncf_abi_sizeof(NULL) != 0 ||
      nncf_abi_sizeof("") != 0 || nncf_abi_sizeof("nncf_model") != 0) {
    printf("FAIL: nncf_abi_sizeof accepts names that are not public structs\n");
    bad = 1;
  }
SRC
  for s in $(cat "$WORK/structs.txt"); do
    printf '  CHECK(%s)\n' "$s"
  done
  printf '  return bad;\n}\n'
} > "$WORK/sizes.c"
# shellcheck disable=SC2086
"$CC" -std=c99 -pedantic -Wall -Wextra -Werror $EXTRA_CFLAGS -I"$SRC/include" "$WORK/sizes.c" "$LIB" \
  -Wl,-rpath,"$(dirname "$LIB")" -o "$WORK/sizes"
"$WORK/sizes" || status=1

if [ "$status" -eq 0 ]; then
  echo "PASS: $(wc -l < "$WORK/structs.txt") structs, $(wc -l < "$WORK/fields.txt") fields checked"
fi
exit "$status"
