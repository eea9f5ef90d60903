#!/usr/bin/env bash
# The main job on the bundled example: installs dependencies, builds libnncf, then loads the
# bundled Fashion-MNIST CNN, describes it and round-trips it through the library.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${NNCF_BUILD_DIR:-$root/build-release}"

"$root/scripts/install_deps.sh" build
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release -DNNCF_BUILD_TESTS=OFF >/dev/null
cmake --build "$build" -j"$(nproc)" --target example_describe_model >/dev/null
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
"$build/examples/example_describe_model" "$root/examples/models/fashion_mnist_cnn.onnx" \
  "$out/fashion_mnist_cnn.roundtrip.onnx"
