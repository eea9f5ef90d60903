#!/usr/bin/env bash
# Installs the Debian packages libnncf needs. Idempotent and quiet when everything is present.
# Usage: scripts/install_deps.sh [build|test]   (test adds what the test suite needs)
set -euo pipefail
profile="${1:-build}"

pkgs=(cmake g++ make pkg-config ccache
      libonnx-dev libprotobuf-dev protobuf-compiler libdnnl-dev libeigen3-dev libcjson-dev
      zlib1g-dev dataset-fashion-mnist  # the examples read the real Fashion-MNIST .gz files
      libcli11-dev libzip-dev)  # the nncf tool: argument parsing, .npz archives
if [[ "$profile" == "test" ]]; then
  pkgs+=(libgtest-dev libgmock-dev libbenchmark-dev libonnx-testdata binutils file)
  pkgs+=(python3-numpy)  # the independent numpy reference of the weight quantization
  pkgs+=(chromium)       # renders the CLI's HTML reports in the report test
  # Node.js runs ONNX Runtime (npm onnxruntime-node) as the independent judge; any node >= 18.
  command -v node >/dev/null 2>&1 || pkgs+=(nodejs)
  command -v npm >/dev/null 2>&1 || pkgs+=(npm)
  # Binding tests: Go 1.19 from Debian; Rust from rustup when present, else Debian's cargo.
  pkgs+=(golang-go)
  if ! command -v cargo >/dev/null 2>&1 && [[ ! -x "${CARGO_HOME:-$HOME/.cargo}/bin/cargo" ]]; then
    pkgs+=(cargo)
  fi
fi

missing=()
for p in "${pkgs[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
install_ort() {
  # ONNX Runtime for the cross-checks, pinned by tests/ort/package-lock.json. --ignore-scripts:
  # the package ships its CPU library; its install script would try to download more.
  local dir
  dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/../tests/ort" && pwd)"
  if [[ ! -f "$dir/node_modules/onnxruntime-node/package.json" ]]; then
    (cd "$dir" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error >/dev/null)
  fi
}

if [[ ${#missing[@]} -eq 0 ]]; then
  [[ "$profile" == "test" ]] && install_ort
  exit 0
fi

echo "installing: ${missing[*]}"
sudo_cmd=()
[[ "$(id -u)" -ne 0 ]] && sudo_cmd=(sudo)
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
[[ "$profile" == "test" ]] && install_ort
exit 0
