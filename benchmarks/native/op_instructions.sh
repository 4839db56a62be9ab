#!/usr/bin/env bash
# Instructions per `x + x` (float32 [4], one thread), counted by callgrind, so the comparison does not depend
# on what else the machine is doing: libtorch's C++ API, its boxed dispatcher path, RandCond's shim, and
# Python (Debian's python3-torch: the same libtorch 1.13.1). Each count is the difference between a run of
# 11,000 and one of 1,000 operations, divided by 10,000, which cancels start-up.
# Writes results/op-instructions-cpu.json. Needs valgrind, g++, libtorch-dev, python3-torch and a built shim.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
shim="$root/lib/native/build/out"
command -v valgrind >/dev/null || { echo "op_instructions: needs valgrind (apt-get install valgrind)" >&2; exit 2; }
[[ -f "$shim/librandcond_native.so" ]] || { echo "op_instructions: build the shim first (dotnet build or lib/native/build.sh)" >&2; exit 2; }
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
g++ -O2 -std=c++17 "$here/op_floor.cpp" -o "$work/op_floor" -I"$root/lib/native" -D_GLIBCXX_USE_CXX11_ABI=1 \
  -ltorch -ltorch_cpu -lc10 -L"$shim" -lrandcond_native -Wl,-rpath,"$shim"
count() { valgrind --tool=callgrind --callgrind-out-file=/dev/null "$@" 2>&1 | sed -nE 's/.*refs: *([0-9,]+).*/\1/p' | tr -d ,; }
per_op() {
  local small big
  small="$("$@" 1000)"
  big="$("$@" 11000)"
  echo $(( (big - small) / 10000 ))
}
cpp() { count "$work/op_floor" "$1" "$2"; }
py() { count /usr/bin/python3 -c "import torch
torch.set_num_threads(1)
x = torch.ones(4)
for i in range($1): z = x + x"; }
direct="$(per_op cpp 0)"
boxed="$(per_op cpp 1)"
shim_ops="$(per_op cpp 2)"
python="$(per_op py)"
commit="$(git -C "$root" rev-parse HEAD 2>/dev/null || echo unknown)"
mkdir -p "$root/results"
out="$root/results/op-instructions-cpu.json"
cat > "$out.tmp" <<JSON
{
  "benchmark": "op-instructions",
  "description": "instructions per x + x (float32 [4], 1 thread), callgrind; (11000-op run - 1000-op run) / 10000",
  "libtorch": "$(dpkg-query -W -f='${Version}' libtorch-dev 2>/dev/null || echo unknown)",
  "cpu": "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')",
  "git_commit": "$commit",
  "command": "benchmarks/native/op_instructions.sh",
  "date_utc": "$(date -u +%Y-%m-%dT%H:%M:%SZ)",
  "instructions_per_op": {"cpp_at_add": $direct, "cpp_boxed_dispatch": $boxed, "randcond_shim": $shim_ops, "python_torch": $python},
  "ratio_to_python": {"cpp_at_add": $(awk "BEGIN{printf \"%.3f\", $direct/$python}"), "cpp_boxed_dispatch": $(awk "BEGIN{printf \"%.3f\", $boxed/$python}"), "randcond_shim": $(awk "BEGIN{printf \"%.3f\", $shim_ops/$python}")}
}
JSON
mv "$out.tmp" "$out"
printf '%-22s %8s %8s\n' "path" "instr/op" "vs python"
for k in direct boxed shim_ops python; do printf '%-22s %8d %8.3f\n' "$k" "${!k}" "$(awk "BEGIN{print ${!k}/$python}")"; done
echo "-> $out"
