#!/bin/sh
# Executor speed against ONNX Runtime over the matrix models x batches x threads; prints a table.
#
#   bench/run_executor_bench.sh BUILD_DIR [extra.onnx ...]
#
# BUILD_DIR holds a Release build with the executor_bench target built
# (cmake -S . -B build-rel -DCMAKE_BUILD_TYPE=Release && cmake --build build-rel --target
# executor_bench). ResNet-50 and the BERT-base-sized encoder are generated into
# BUILD_DIR/bench_models when missing (Debian's python3-torch). Extra models (e.g. the zoo CNNs)
# are measured too. Environment: NNCF_BENCH_BATCHES (default 1,8), NNCF_BENCH_THREADS (1,2),
# NNCF_BENCH_MIN_TIME (seconds per case, default 3).
set -eu

if [ $# -lt 1 ]; then
  echo "usage: $0 BUILD_DIR [extra.onnx ...]" >&2
  exit 2
fi
build=$1
shift
here=$(cd "$(dirname "$0")" && pwd)
models_dir=$build/bench_models
bench=$build/bench/executor_bench
if [ ! -x "$bench" ]; then
  echo "$bench is missing: cmake --build $build --target executor_bench" >&2
  exit 1
fi

missing=""
for m in resnet50 bert_base; do
  [ -f "$models_dir/$m.onnx" ] || missing="$missing $m"
done
if [ -n "$missing" ]; then
  # shellcheck disable=SC2086
  OPENBLAS_NUM_THREADS=1 /usr/bin/python3 "$here/make_bench_models.py" "$models_dir" $missing
fi

models="$models_dir/resnet50.onnx,$models_dir/bert_base.onnx"
for extra in "$@"; do models="$models,$extra"; done
export NNCF_BENCH_BATCHES="${NNCF_BENCH_BATCHES:-1,8}"
export NNCF_BENCH_THREADS="${NNCF_BENCH_THREADS:-1,2}"
export NNCF_BENCH_MIN_TIME="${NNCF_BENCH_MIN_TIME:-3}"

results=$(mktemp)
log=$(mktemp)
trap 'rm -f "$results" "$log"' EXIT
echo "load before: $(uptime)" >&2
"$bench" --benchmark_color=false --models="$models" >"$log"
node "$here/ort_bench.js" --models="$models" >>"$log"
cat "$log" >&2
grep -o 'RESULT .*' "$log" >"$results"
echo "load after: $(uptime)" >&2

# Table: one row per (model, batch, threads); throughput = batch / time.
awk '
  $2 == "nncf" { key = $3 " " $4 " " $5; nncf[key] = $6; order[++n] = key }
  $2 == "ort"  { ort[$3 " " $4 " " $5] = $6 }
  END {
    print "| model | batch | threads | libnncf ms | ORT ms | libnncf / ORT | libnncf items/s | ORT items/s |"
    print "|---|---|---|---|---|---|---|---|"
    for (i = 1; i <= n; ++i) {
      key = order[i]; split(key, f, " ")
      o = ort[key]
      printf "| %s | %s | %s | %.2f | %.2f | %.2fx | %.1f | %.1f |\n", f[1], f[2], f[3], nncf[key],
             o, (o > 0 ? nncf[key] / o : 0), 1000 * f[2] / nncf[key], (o > 0 ? 1000 * f[2] / o : 0)
    }
  }' "$results"
