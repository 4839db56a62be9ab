#!/usr/bin/env bash
# Several held-out-digit runs side by side on one GPU, each into its own folder (after scripts/gpu/pack.sh lab mnist:test,
# carrying what it names). RUNS holds one run per line, "NAME ARGS...", the arguments of `randcond-lab held-out-digit`:
#   RUNS=$'exp --conditioning label --scale paper --held-out 7 --replacement exponential\nf32 --bf16-sampling false ...' \
#     bash scripts/gpu/held-out-sweep.sh $OUT
# Each run writes its record, grid and log into runs/NAME/; everything comes back as $1/sweep.tar.gz. At DEADLINE
# seconds (default 560, under the device's 600 s a call) it packs whatever has finished and stops the rest.
# Runs share the GPU; when one run alone keeps it busy (paper-scale steps do), SEQUENTIAL=1 runs them one after
# another, so that a student's time budget is not spent waiting for the others' kernels. FRESH=1 (with SEQUENTIAL=1)
# removes the cached image sets and student checkpoints before each run, so that every run generates D and trains its
# students itself: runs that differ only in a path that changes no value (--concurrent-students) are then timed alike.
# A run whose log does not grow for STALL_S seconds (default 90) is stopped by scripts/gpu/watchdog.sh, which first
# writes what the process and the GPU were doing to runs/NAME/stall.txt.
set -uo pipefail
out="$1"; cd "$(dirname "${BASH_SOURCE[0]}")/../.."
[[ -n "${RUNS:-}" ]] || { echo "held-out-sweep: RUNS is empty (one 'NAME ARGS...' per line)" >&2; exit 2; }
bash scripts/gpu/unpack.sh >/dev/null
export RANDCOND_COMMIT="$(cat .gpu/commit)"
mkdir -p runs; t0=$SECONDS
# The sample grids' labels need a font; a bare GPU host has none (pack.sh carries DejaVu Sans as .gpu/font.ttf).
[[ -f .gpu/font.ttf ]] && export RANDCOND_FONT="$PWD/.gpu/font.ttf"
pack() { tar czf "$out/sweep.tar.gz" runs 2>/dev/null; }
trap pack EXIT
# Build the shim once; the runs then load it directly (parallel builds in one build folder would race).
bash scripts/gpu/run.sh .gpu/lab/randcond-lab --help > runs/build.log 2>&1; echo "shim ready after $((SECONDS - t0)) s"
export RANDCOND_NATIVE="$PWD/.cache/native-cuda/librandcond_native.so"
[[ -f "$RANDCOND_NATIVE" ]] || { echo "held-out-sweep: the shim did not build (runs/build.log)" >&2; exit 1; }
while read -r name args; do
  [[ -z "$name" ]] && continue
  mkdir -p "runs/$name"
  [[ "${FRESH:-0}" == 1 ]] && rm -rf .cache/imagesets .cache/checkpoints
  # shellcheck disable=SC2086  # ARGS are words by design
  ( .gpu/lab/randcond-lab held-out-digit $args --out "runs/$name" > "runs/$name/log.txt" 2>&1
    echo "$name: exit $? after $((SECONDS - t0)) s" ) &
  # A run whose log stops growing for STALL_S seconds is diagnosed (runs/NAME/stall.txt) and stopped.
  bash scripts/gpu/watchdog.sh "runs/$name/log.txt" "held-out-digit .* --out runs/$name\$" "runs/$name/stall.txt" "${STALL_S:-90}" &
  [[ "${SEQUENTIAL:-0}" == 1 ]] && while [[ -n "$(jobs -rp)" ]] && (( SECONDS - t0 < ${DEADLINE:-560} )); do sleep 2; done
done <<< "$RUNS"
while [[ -n "$(jobs -rp)" ]] && (( SECONDS - t0 < ${DEADLINE:-560} )); do sleep 2; done
[[ -n "$(jobs -rp)" ]] && { echo "deadline: stopping unfinished runs after $((SECONDS - t0)) s"; pkill -f randcond-lab; sleep 2; }
echo "all runs after $((SECONDS - t0)) s"
for log in runs/*/log.txt; do echo "== $log"; grep -E "held-out digit .*seen|^teacher:|^no-rc:|^rc:|step precision|time budget|->" "$log" | tail -n 6; done
