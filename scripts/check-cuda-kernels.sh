#!/usr/bin/env bash
# Compile-checks the fused CUDA kernels and the shim code that calls them, on a machine without a GPU, so a kernel that
# does not compile is found before a GPU session (where it would break the CUDA build): every lib/native/cuda/*.cu for
# A100 and H100/H200 (sm_80, sm_90) with warnings as errors, printing each kernel's registers and spills; then
# every shim source that calls them as the CUDA build compiles it (RC_WITH_NORM_KERNELS), syntax only, against
# the system libtorch's headers. Installs the compiler first when it is missing (scripts/install/cuda-compiler.sh).
# It checks that the code compiles, not that it computes the right values: `randcond-bench device-check` on a GPU does.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bash "$root/scripts/install/cuda-compiler.sh"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
status=0
for cu in "$root"/lib/native/cuda/*.cu; do
  name="$(basename "$cu")"
  if nvcc -ccbin clang-14 -std=c++17 -O3 -c "$cu" -o "$work/$name.o" -Werror all-warnings -Xptxas -v \
      -gencode arch=compute_80,code=sm_80 -gencode arch=compute_90,code=sm_90 2>"$work/$name.log"; then
    echo "ok   $name (sm_80, sm_90): $(grep -c 'Used [0-9]* registers' "$work/$name.log") kernel builds, at most $(grep -o 'Used [0-9]* registers' "$work/$name.log" | awk '{print $2}' | sort -n | tail -1) registers, $(grep -o '[0-9]* bytes spill stores' "$work/$name.log" | awk '{s+=$1} END {print s+0}') bytes spilled"
  else
    echo "FAIL $name:"; grep -v '^ptxas info' "$work/$name.log" >&2; status=1
  fi
done
# The CUDA build's generated header, which a CPU libtorch does not ship.
mkdir -p "$work/include/c10/cuda/impl"
echo '#define C10_CUDA_BUILD_SHARED_LIBS' > "$work/include/c10/cuda/impl/cuda_cmake_macros.h"
for cpp in $(cd "$root/lib/native" && grep -l RC_WITH_NORM_KERNELS *.cpp); do
  if g++ -std=c++17 -fsyntax-only -Wall -Werror -DRC_WITH_CUDA=1 -DRC_WITH_NORM_KERNELS=1 -I"$work/include" \
      -I/usr/include/torch/csrc/api/include -I"$root/lib/native" "$root/lib/native/$cpp" 2>"$work/$cpp.log"; then
    echo "ok   $cpp (with the kernels)"
  else
    echo "FAIL $cpp:"; cat "$work/$cpp.log" >&2; status=1
  fi
done
exit $status
