#!/usr/bin/env bash
# The GPU benchmark session, in one device call of under 10 minutes (budget RANDCOND_GPU_BUDGET_S, default 560 s):
# builds the native shim against this machine's CUDA torch (through scripts/gpu/run.sh), checks the PyTorch reference
# model against the C# model on CUDA (distill-step --verify) and the binding and its fused kernels against the CPU
# (device-check), then times distill-step and sample against PyTorch at its
# best (eager, the whole step / walk as one CUDA graph, torch.compile in reduce-overhead mode; the step's kernels summed
# by kind on both sides, --profile: per training step, per DDIM step of a walk), then, as far as the budget goes, torch.compile's max-autotune mode. Each step has its own time limit
# and a line in summary.txt (ok, FAILED or SKIPPED); a torch.compile that overruns its limit is reported unavailable
# inside the result and never fails the step.
# STEPS (names, space-separated) runs only those steps, still in the order below (verify, device-check, norm-kernels,
# distill-step, sample, ...), each only while the budget holds what it needs; DSC and SC replace the configurations
# distill-step and sample time (without DSC, distill-step times all six defaults: about 170 s on an H100).
# Everything (JSON results, one log per step, summary.txt) is packed into ONE archive, OUT_DIR/bench.tar.gz, with a
# copy of summary.txt beside it (the device returns at most 8 files).
#
# Where the .NET SDK is, from the repository root:  bash scripts/gpu/pack.sh benchmarks
#   (carry [".gpu/benchmarks.tar.xz", ".gpu/commit"]), then on the GPU machine, from the repository root:
#   bash benchmarks/gpu-run.sh "$OUT" [PUBLISHED_DIR (default .gpu/benchmarks, unpacked from .gpu/benchmarks.tar.xz
#   when needed; else .gpu/bench)]
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if [[ $# -lt 1 ]]; then
  echo "usage: benchmarks/gpu-run.sh OUT_DIR [PUBLISHED_DIR]" >&2
  exit 2
fi
dest="$(mkdir -p "$1" && cd "$1" && pwd)"
out="$dest/bench"
rm -rf "$out" && mkdir -p "$out"
summary="$out/summary.txt"
: > "$summary"
start=$SECONDS
budget=${RANDCOND_GPU_BUDGET_S:-560}
failures=0

pack() {
  echo "total $((SECONDS - start))s of the ${budget}s budget, $failures failed" | tee -a "$summary"
  cp "$summary" "$dest/summary.txt"
  tar -C "$dest" -czf "$dest/bench.tar.gz.tmp" bench && mv "$dest/bench.tar.gz.tmp" "$dest/bench.tar.gz" && rm -rf "$out"
  echo "gpu-run: everything is in $dest/bench.tar.gz" >&2
}
trap pack EXIT
cd "$root"

published="${2:-}"
if [[ -z "$published" ]]; then
  if [[ ! -f .gpu/benchmarks/randcond-bench && -f .gpu/benchmarks.tar.xz ]]; then
    bash scripts/gpu/unpack.sh > "$out/unpack.log" 2>&1 || { echo "FAILED  unpack of .gpu/benchmarks.tar.xz; see unpack.log" | tee -a "$summary"; exit 1; }
  fi
  published=.gpu/benchmarks
  [[ -f "$published/randcond-bench" ]] || published=.gpu/bench
fi
bench="$(cd "$published" 2>/dev/null && pwd)/randcond-bench"
if [[ ! -f "$bench" ]]; then
  echo "FAILED  $published/randcond-bench not found; publish first (scripts/gpu/pack.sh benchmarks, see the top of this script)" | tee -a "$summary"
  exit 1
fi
[[ -f .gpu/commit ]] && export RANDCOND_COMMIT="$(cat .gpu/commit)"
# The reference is the python3 whose torch the shim is built against (the default /usr/bin/python3 may lack torch).
python="$(command -v python3)"

# The shim is built once here (the later calls of run.sh find it up to date).
t0=$SECONDS
if bash scripts/gpu/run.sh /bin/true > "$out/build-shim.log" 2>&1; then
  echo "ok      build-shim: $((SECONDS - t0))s" | tee -a "$summary"
else
  echo "FAILED  build-shim after $((SECONDS - t0))s; see build-shim.log" | tee -a "$summary"
  tail -20 "$out/build-shim.log" >&2
  failures=1
  exit 1
fi

# step NAME LIMIT NEEDED RESERVE ARGS...: runs one benchmark under a time limit of LIMIT seconds (less when less of the
# budget is left), unless fewer than NEEDED seconds remain. An argument COMPILE_TIMEOUT becomes the seconds each
# torch.compile mode may take: the step's limit less RESERVE, what the rest of the step needs.
step() {
  local name="$1" limit="$2" needed="$3" reserve="$4"
  shift 4
  if [[ -n "${STEPS:-}" && " $STEPS " != *" $name "* ]]; then
    echo "SKIPPED $name: not in STEPS ($STEPS)" | tee -a "$summary"
    return
  fi
  local left=$((budget - (SECONDS - start)))
  if (( left < needed )); then
    echo "SKIPPED $name: ${left}s of the ${budget}s budget left, it needs about ${needed}s" | tee -a "$summary"
    return
  fi
  (( limit > left )) && limit=$left
  local args=() a
  for a in "$@"; do
    if [[ "$a" == COMPILE_TIMEOUT ]]; then args+=("$(( limit - reserve > 30 ? limit - reserve : 30 ))"); else args+=("$a"); fi
  done
  local t0=$SECONDS
  echo "== $name (limit ${limit}s): ${args[*]}" >&2
  timeout --signal=TERM --kill-after=10 "$limit" bash scripts/gpu/run.sh "$bench" "${args[@]}" --python "$python" > "$out/$name.log" 2>&1
  local rc=$?
  if (( rc == 0 )); then
    echo "ok      $name: $((SECONDS - t0))s" | tee -a "$summary"
  else
    failures=$((failures + 1))
    echo "FAILED  $name: exit $rc after $((SECONDS - t0))s (124 = time limit; see $name.log)" | tee -a "$summary"
    tail -5 "$out/$name.log" >&2
  fi
  # The comparisons with PyTorch's best, from the benchmark's own table.
  grep -E "vs PyTorch|PyTorch best|unavailable" "$out/$name.log" | sed 's/^/          /' | tee -a "$summary"
}

# tf32+bf16+bf16w+graph: the student under bf16 autocast, the frozen teacher on a BFloat16 copy (DistillationOptions.Bf16Teacher);
# +fnorm: the step's norms on the fused kernels with their backward (NormTrainingPath.FusedKernels), which device-check,
# run before it, checks against the CPU's operators; +cl with them: channels-last training, which the fused norms read as it is.
# (+bf16w and +bf16w+fnorm without +cl were timed once, results/benchmarks-gpu/distill-step-fused-norm-training-cuda.json;
# leaving them out spares one PyTorch configuration, so that sample fits in the budget after the step.)
# +ovl: the teacher on a second stream beside the student (DistillationOptions.OverlappedTeacher), the labs' step now;
# +pair (= +x2): two such students stepped together (Lockstep), timed per student step, as the labs train their arms on CUDA;
# +x3, +x4: three or four (DSC=... to measure them).
dsc=${DSC:-tf32,tf32+graph,tf32+bf16+graph,tf32+bf16+bf16w+cl+fnorm+graph,tf32+bf16+bf16w+cl+fnorm+graph+ovl,tf32+bf16+bf16w+cl+fnorm+graph+ovl+pair}
# Sampling times the graphed configuration alone: with the eager tf32 and tf32+bf16w+cl beside it the step ran out of its
# limit twice on an H100 (their numbers are in results/benchmarks-gpu/sample-pytorch-best-cuda.json); alone it took 108 s.
sc=${SC:-tf32+bf16w+cl+graph}
step verify               90  30   0 distill-step --verify --device cuda --out "$out/distill-step-verify-cuda.json"
step device-check         90  60   0 device-check --device cuda --out "$out/device-check-cuda.json"
step norm-kernels        150  60   0 norm-kernels --device cuda --out "$out/norm-kernels-cuda.json"
step distill-step        360 150 110 distill-step --device cuda --configs "$dsc" --compile-modes reduce-overhead \
                                     --compile-configs tf32+bf16 --compile-timeout COMPILE_TIMEOUT --profile --out "$out/distill-step-cuda.json"
step sample              300 150 130 sample --device cuda --configs "$sc" --compile-modes reduce-overhead \
                                     --compile-configs tf32+bf16w+cl --compile-timeout COMPILE_TIMEOUT --profile --out "$out/sample-cuda.json"
step distill-step-max-autotune 300 300 60 distill-step --device cuda --configs tf32+bf16+graph --compile-modes max-autotune \
                                     --compile-configs tf32+bf16 --compile-timeout COMPILE_TIMEOUT --out "$out/distill-step-max-autotune-cuda.json"

(( failures == 0 ))
