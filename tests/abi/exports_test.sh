#!/bin/sh
# The shared library exports exactly the C API: every dynamic symbol is nncf_* at version NNCF_0,
# every function declared in nncf.h is exported, and the SONAME follows the versioning rule
# (pre-1.0: libnncf.so.0.MINOR; later: libnncf.so.MAJOR).
# Usage: exports_test.sh <path to libnncf.so> <path to nncf.h>
set -eu
LIB=$1
HEADER=$2
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
status=0
fail() {
  echo "FAIL: $*"
  status=1
}

# --- SONAME, computed independently from the header's version macros ---
major=$(sed -n 's/^#define NNCF_VERSION_MAJOR \([0-9][0-9]*\)$/\1/p' "$HEADER")
minor=$(sed -n 's/^#define NNCF_VERSION_MINOR \([0-9][0-9]*\)$/\1/p' "$HEADER")
[ -n "$major" ] && [ -n "$minor" ] || { echo "FAIL: no version macros in $HEADER"; exit 1; }
if [ "$major" -eq 0 ]; then
  want_soname="libnncf.so.0.$minor"
else
  want_soname="libnncf.so.$major"
fi
soname=$(readelf -d "$LIB" | sed -n 's/.*(SONAME).*\[\(.*\)\]$/\1/p')
[ "$soname" = "$want_soname" ] || fail "SONAME is '$soname', expected '$want_soname'"

# --- exported symbols ---
# nm prints "addr type name@@VERSION"; the version node itself shows up as an absolute symbol.
nm -D --defined-only "$LIB" > "$WORK/nm.txt"
awk '{print $NF}' "$WORK/nm.txt" | sed 's/@.*//' | sort -u > "$WORK/exported.txt"
[ -s "$WORK/exported.txt" ] || fail "no exported symbols at all"
while read -r addr type name; do
  case "$name" in
    nncf_*@@NNCF_0) ;;
    nncf_*) fail "$name is not bound to the default version NNCF_0" ;;
    NNCF_[0-9]*) [ "$type" = A ] || fail "unexpected symbol $name (type $type)" ;;
    *) fail "exported symbol outside the nncf_ namespace: $name ($type at $addr)" ;;
  esac
done < "$WORK/nm.txt"
# Only functions cross the ABI; exported data would freeze its size too.
awk '$2 != "T" && $2 != "A" {print}' "$WORK/nm.txt" > "$WORK/non_text.txt"
[ -s "$WORK/non_text.txt" ] && fail "exported non-function symbols: $(cat "$WORK/non_text.txt")"

# --- functions declared in the header ---
# Joins the header into one line and takes the identifier before '(' in every NNCF_API
# declaration (the #define NNCF_API lines yield none).
tr '\n' ' ' < "$HEADER" | grep -o 'NNCF_API[^;(]*(' | grep -o 'nncf_[a-z0-9_]*($' | tr -d '(' \
  | sort -u > "$WORK/declared.txt"

# A floor that does not depend on parsing the header, so a parser regression cannot hide gaps.
cat > "$WORK/minimum.txt" <<'LIST'
nncf_abi_sizeof
nncf_api_version
nncf_blob_data
nncf_blob_free
nncf_blob_size
nncf_code_string
nncf_config_free
nncf_config_from_json
nncf_config_to_json
nncf_dataset_create
nncf_dataset_free
nncf_dtype_name
nncf_model_free
nncf_model_load_file
nncf_model_load_memory
nncf_model_load_params_default
nncf_model_save_file
nncf_model_save_memory
nncf_model_save_params_default
nncf_sample_create
nncf_sample_free
nncf_set_log_callback
nncf_status_code
nncf_status_create
nncf_status_free
nncf_status_message
nncf_version_number
nncf_version_string
LIST
sort -u -o "$WORK/minimum.txt" "$WORK/minimum.txt"

missing_min=$(comm -23 "$WORK/minimum.txt" "$WORK/declared.txt")
[ -z "$missing_min" ] || fail "header parse lost declarations (or they were removed): $missing_min"
not_exported=$(sort -u "$WORK/declared.txt" "$WORK/minimum.txt" | comm -23 - "$WORK/exported.txt")
[ -z "$not_exported" ] || fail "declared in nncf.h but not exported:" $not_exported
undeclared=$(comm -13 "$WORK/declared.txt" "$WORK/exported.txt" | grep '^nncf_' || true)
[ -z "$undeclared" ] || fail "exported but not declared in nncf.h:" $undeclared

if [ "$status" -eq 0 ]; then
  echo "PASS: $(wc -l < "$WORK/declared.txt") functions exported, SONAME $soname"
fi
exit "$status"
