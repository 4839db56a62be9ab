#!/usr/bin/env bash
# The GPU benchmark session, in under 10 minutes: builds the native shim against this machine's CUDA torch (through
# scripts/gpu/run.sh), checks the binding and the fused kernels against the CPU and the PyTorch reference model against
# the C# model on CUDA, then times distill-step and sample in their default configurations, then the fastest C#
# configurations against torch.compile on the Python side, as far as the budget goes.
# Every result goes to OUT_DIR as JSON, with a summary.txt of what ran, how long, and what failed or was skipped.
#
# Publish first, where the .NET SDK is (from the repository root):
#   dotnet publish benchmarks -c Release -r linux-x64 --self-contained -p:PublishTrimmed=true -o .gpu/bench
# then on the GPU machine, from the repository root:
#   bash benchmarks/gpu-run.sh OUT_DIR [PUBLISHED_DIR (default .gpu/bench)]
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if [[ $# -lt 1 ]]; then
  echo "usage: benchmarks/gpu-run.sh OUT_DIR [PUBLISHED_DIR]" >&2
  exit 2
fi
out="$(mkdir -p "$1" && cd "$1" && pwd)"
published="${2:-$root/.gpu/bench}"
bench="$published/randcond-bench"
if [[ ! -f "$bench" ]]; then
  echo "gpu-run: $bench not found; publish first (see the top of this script)" >&2
  exit 2
fi
# The reference is the python3 whose torch the shim is built against (the default /usr/bin/python3 may lack torch).
python="$(command -v python3)"
budget=${RANDCOND_GPU_BUDGET_S:-560}
start=$SECONDS
summary="$out/summary.txt"
failures=0
: > "$summary"
cd "$root"

# The shim is built once here (the later calls of run.sh find it up to date).
t0=$SECONDS
if bash scripts/gpu/run.sh /bin/true > "$out/build-shim.log" 2>&1; then
  echo "ok      build-shim: $((SECONDS - t0))s" | tee -a "$summary"
else
  echo "FAILED  build-shim after $((SECONDS - t0))s; see build-shim.log" | tee -a "$summary"
  tail -20 "$out/build-shim.log" >&2
  exit 1
fi

# step NAME MAX_SECONDS NEEDED_SECONDS ARGS...: runs one benchmark unless fewer than NEEDED seconds of the budget remain.
step() {
  local name="$1" limit="$2" needed="$3"
  shift 3
  local left=$((budget - (SECONDS - start)))
  if (( left < needed )); then
    echo "SKIPPED $name: ${left}s of the ${budget}s budget left, it needs about ${needed}s" | tee -a "$summary"
    return
  fi
  (( limit > left )) && limit=$left
  local t0=$SECONDS
  echo "== $name (limit ${limit}s)" >&2
  timeout --signal=TERM --kill-after=10 "$limit" bash scripts/gpu/run.sh "$bench" "$@" --python "$python" 2>&1 | tee "$out/$name.log"
  local rc=${PIPESTATUS[0]}
  if (( rc == 0 )); then
    echo "ok      $name: $((SECONDS - t0))s" | tee -a "$summary"
  else
    failures=$((failures + 1))
    echo "FAILED  $name: exit $rc after $((SECONDS - t0))s (124 = time limit; see $name.log)" | tee -a "$summary"
  fi
}

step device-check         90  40 device-check --device cuda --out "$out/device-check-cuda.json"
step verify               150  30 distill-step --verify --device cuda --out "$out/distill-step-verify-cuda.json"
step distill-step         150  60 distill-step --device cuda --out "$out/distill-step-cuda.json"
step sample               260 200 sample --device cuda --out "$out/sample-cuda.json"
step sample-compile       200 150 sample --device cuda --compile --configs tf32+bf16w+cl+graph --out "$out/sample-compile-cuda.json"
step distill-step-compile 180 150 distill-step --device cuda --compile --configs tf32+bf16+graph --out "$out/distill-step-compile-cuda.json"

echo "total $((SECONDS - start))s, $failures failed; results in $out" | tee -a "$summary"
(( failures == 0 ))
