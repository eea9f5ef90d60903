#!/usr/bin/env bash
# Installs dependencies, builds libnncf and runs every test: the full suite on a RelWithDebInfo
# build, then the core and C API tests again under ASan+UBSan. Prints per-stage timings.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${NNCF_BUILD_DIR:-$root/build}"
asan_build="${NNCF_ASAN_BUILD_DIR:-$root/build-asan}"
jobs="$(nproc)"
export CCACHE_DIR="${CCACHE_DIR:-$HOME/.cache/ccache}"
export CCACHE_MAXSIZE="${CCACHE_MAXSIZE:-5G}"
# Relative paths in the cache key, so a fresh clone in another directory still hits the cache.
export CCACHE_BASEDIR="${CCACHE_BASEDIR:-$root}"
export CCACHE_NOHASHDIR=1

timings=()
stage_start=0
stage() { stage_start=$(date +%s); echo "=== $1"; }
stage_end() { timings+=("$(printf '%-28s %5ss' "$1" $(( $(date +%s) - stage_start )))"); }
report() {
  echo "=== stage timings"
  for t in "${timings[@]}"; do echo "$t"; done
}
trap report EXIT

stage "install dependencies"
"$root/scripts/install_deps.sh" test
stage_end "install dependencies"

stage "build (RelWithDebInfo)"
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DNNCF_BUILD_TESTS=ON >/dev/null
cmake --build "$build" -j"$jobs"
stage_end "build"

stage "tests"
ctest --test-dir "$build" --output-on-failure -j"$jobs"
stage_end "tests"

stage "build (ASan+UBSan)"
cmake -S "$root" -B "$asan_build" -DCMAKE_BUILD_TYPE=Debug -DNNCF_BUILD_TESTS=ON \
  -DNNCF_BUILD_STATIC=OFF -DNNCF_SANITIZE=address,undefined >/dev/null
cmake --build "$asan_build" -j"$jobs"
stage_end "build (sanitizers)"

stage "core and C API tests under ASan+UBSan"
# The >2 GB model test measures memory and maps huge files: it runs in the plain build only.
ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1 \
  ctest --test-dir "$asan_build" --output-on-failure -j"$jobs" -L 'unit|capi' -E 'large_model'
stage_end "tests (sanitizers)"
