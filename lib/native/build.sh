#!/usr/bin/env bash
# Builds librandcond_native.so into $1 (default: lib/native/build/out).
# libtorch is looked for in this order: $LIBTORCH (a libtorch root), the torch package of the active
# Python (how CUDA builds are found on GPU machines and in the conda environment), then the system.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
out="${1:-$here/build/out}"
build="${RANDCOND_NATIVE_BUILD_DIR:-$here/build/cmake}"
mkdir -p "$out" "$build"

prefix=""
source=""
if [[ -n "${LIBTORCH:-}" ]]; then
  prefix="$LIBTORCH"; source="LIBTORCH=$LIBTORCH"
else
  for py in python3 python; do
    if command -v "$py" >/dev/null 2>&1; then
      p="$("$py" -c 'import torch, torch.utils, os; p = torch.utils.cmake_prefix_path; print(p if os.path.isdir(os.path.join(p, "Torch")) else "")' 2>/dev/null || true)"
      if [[ -n "$p" ]]; then prefix="$p"; source="$(command -v "$py")'s torch ($p)"; break; fi
    fi
  done
fi
if [[ -z "$prefix" ]]; then
  for p in /usr/lib/x86_64-linux-gnu/cmake /usr/lib/aarch64-linux-gnu/cmake /usr/local/lib/cmake; do
    if [[ -f "$p/Torch/TorchConfig.cmake" ]]; then prefix="$p"; source="system libtorch ($p)"; break; fi
  done
fi
if [[ -z "$prefix" ]]; then
  echo "RandCond native build: libtorch not found. Looked at \$LIBTORCH, the torch package of python3/python," >&2
  echo "and /usr/lib/*/cmake/Torch. Fix: 'apt-get install libtorch-dev libopenblas0-pthread' (Debian, CPU)," >&2
  echo "or 'pip install torch' / 'conda env create -f environment.yml' (CUDA), or set LIBTORCH=/path/to/libtorch." >&2
  exit 2
fi
echo "RandCond native build: using $source"

# A cache made against another libtorch would silently keep the old one.
if [[ -f "$build/.prefix" && "$(cat "$build/.prefix")" != "$prefix" ]]; then rm -rf "$build"; mkdir -p "$build"; fi
echo "$prefix" > "$build/.prefix"

cmake -S "$here" -B "$build" -DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_LIBRARY_OUTPUT_DIRECTORY="$build/lib" >"$build/configure.log" 2>&1 || { cat "$build/configure.log" >&2; exit 1; }
# A failed compile must not leave an earlier build's library to be installed as if it were this one.
status=0
cmake --build "$build" -j "$(nproc)" >"$build/build.log" 2>&1 || status=$?
grep -vE '^\[ *[0-9]+%\]' "$build/build.log" || true
if [[ $status -ne 0 || ! -f "$build/lib/librandcond_native.so" ]]; then echo "RandCond native build failed (see above)" >&2; exit 1; fi
tmp="$out/.librandcond_native.so.tmp"
cp "$build/lib/librandcond_native.so" "$tmp" && mv -f "$tmp" "$out/librandcond_native.so"
echo "RandCond native build: $out/librandcond_native.so"
