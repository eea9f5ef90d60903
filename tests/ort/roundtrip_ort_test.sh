#!/usr/bin/env bash
# ONNX Runtime judges the models libnncf writes: every layout must give bit-identical outputs
# to the original. Usage: roundtrip_ort_test.sh <save_variants binary> <ort dir> <model>...
set -euo pipefail
tool="$1"; ort_dir="$2"; shift 2
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
status=0
for model in "$@"; do
  out="$work/$(basename "$model" .onnx)"
  mkdir -p "$out"
  mapfile -t copies < <("$tool" "$model" "$out")
  node "$ort_dir/same_outputs.js" "$model" "${copies[@]}" || status=1
done
exit $status
