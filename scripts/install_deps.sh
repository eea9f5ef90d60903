#!/usr/bin/env bash
# Installs the Debian packages libnncf needs. Idempotent and quiet when everything is present.
# Usage: scripts/install_deps.sh [build|test]   (test adds what the test suite needs)
set -euo pipefail
profile="${1:-build}"

pkgs=(cmake g++ make pkg-config ccache
      libonnx-dev libprotobuf-dev protobuf-compiler libdnnl-dev libeigen3-dev libcjson-dev)
if [[ "$profile" == "test" ]]; then
  pkgs+=(libgtest-dev libgmock-dev libbenchmark-dev libonnx-testdata binutils file)
fi

missing=()
for p in "${pkgs[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

echo "installing: ${missing[*]}"
sudo_cmd=()
[[ "$(id -u)" -ne 0 ]] && sudo_cmd=(sudo)
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
