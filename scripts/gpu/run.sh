#!/usr/bin/env bash
# Runs a published RandCond program on a machine with a CUDA PyTorch and no .NET:
#   1. builds the native shim against that PyTorch's libtorch (python3's torch, or $LIBTORCH),
#   2. points the program at it through RANDCOND_NATIVE,
#   3. runs the program with the remaining arguments.
# Publish first, where the .NET SDK is:  dotnet publish benchmarks -c Release -r linux-x64 --self-contained \
#   -p:PublishTrimmed=true -o publish/bench
# then on the GPU machine:  bash scripts/gpu/run.sh publish/bench/randcond-bench convnet-step --device cuda
# Needs g++ and cmake (>= 3.18) there; CUDA's toolkit (nvcc) must be installed where torch's cmake looks.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
if [[ $# -lt 1 ]]; then
  echo "usage: scripts/gpu/run.sh PROGRAM [ARGS...]" >&2
  exit 2
fi
out="${RANDCOND_NATIVE_OUT:-$root/.cache/native-cuda}"
RANDCOND_NATIVE_BUILD_DIR="${RANDCOND_NATIVE_BUILD_DIR:-$root/.cache/native-cuda-build}" \
  bash "$root/lib/native/build.sh" "$out" >&2
export RANDCOND_NATIVE="$out/librandcond_native.so"
program="$1"
shift
chmod +x "$program" 2>/dev/null || true
exec "$program" "$@"
