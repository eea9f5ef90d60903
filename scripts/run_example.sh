#!/usr/bin/env bash
# The main job on the bundled example: installs dependencies, builds libnncf, describes the bundled
# Fashion-MNIST CNN, then quantizes it to INT8 with 300 real training images (nncf_quantize) and
# reports top-1 accuracy on the 10 000 test images before and after (nncf_model_infer).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${NNCF_BUILD_DIR:-$root/build-release}"

"$root/scripts/install_deps.sh" build
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release -DNNCF_BUILD_TESTS=OFF >/dev/null
cmake --build "$build" -j"$(nproc)" --target example_describe_model \
  example_quantize_fashion_mnist >/dev/null
out="${NNCF_EXAMPLE_OUT:-$root/build-release/example-output}"
mkdir -p "$out"
"$build/examples/example_describe_model" "$root/examples/models/fashion_mnist_cnn.onnx" \
  "$out/fashion_mnist_cnn.roundtrip.onnx"
echo
"$build/examples/example_quantize_fashion_mnist" "$root/examples/models/fashion_mnist_cnn.onnx" \
  "$out/fashion_mnist_cnn.int8.onnx"
