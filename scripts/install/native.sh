#!/usr/bin/env bash
# Debian packages for the CPU build: libtorch (C++ headers and libraries), a fast BLAS (without it matrix
# products fall back to the reference BLAS, about 30x slower), the C++ toolchain, and python3-torch (the
# same libtorch 1.13.1, used as the reference in benchmarks). Idempotent; quick when all is present.
set -euo pipefail
packages=(libtorch-dev libopenblas0-pthread python3-torch cmake g++ git)
missing=()
for p in "${packages[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if ((${#missing[@]})); then
  echo "install: Debian packages ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
echo "install: native prerequisites present (libtorch $(dpkg-query -W -f='${Version}' libtorch-dev))"
