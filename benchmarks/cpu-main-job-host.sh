#!/usr/bin/env bash
# The README's main job (held-out digit, quick scale, CPU) timed end to end in two host settings, back to back on the
# same machine: "shim-settings" (what the native shim applies when it loads: freed host memory retained, Debian's
# pthread OpenBLAS on one thread) and "system-defaults" (glibc's malloc defaults, OpenBLAS on every core, as before
# the shim set them). Each run trains both students afresh: the two students' checkpoints are moved aside for the runs
# and put back after. Usage: bash benchmarks/cpu-main-job-host.sh OUT_DIR [extra randcond-lab arguments];
# SETTINGS="shim-settings" runs one setting only. The thread variables of the caller's environment are recorded.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${1:?usage: cpu-main-job-host.sh OUT_DIR [randcond-lab arguments]}"; shift
lab="$root/lab/bin/Release/net10.0/randcond-lab.dll"
[[ -f "$lab" ]] || { echo "cpu-main-job-host.sh: $lab is missing; run 'bash scripts/setup.sh' first" >&2; exit 1; }
mkdir -p "$out"
aside="$(mktemp -d)"
restore() { shopt -s nullglob; for f in "$aside"/*; do mv -f "$f" "$root/.cache/checkpoints/"; done; rmdir "$aside"; }
trap restore EXIT
summary="$out/times.txt"
{
  echo "commit $(git -C "$root" rev-parse HEAD)"
  echo "date_utc $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "machine $(nproc) cores, $(uname -r)"
  echo "command: bash benchmarks/cpu-main-job-host.sh OUT_DIR $*"
  echo "environment: OMP_NUM_THREADS=${OMP_NUM_THREADS:-unset} OPENBLAS_NUM_THREADS=${OPENBLAS_NUM_THREADS:-unset} RANDCOND_HOST_MEMORY=${RANDCOND_HOST_MEMORY:-unset}"
} > "$summary"
for setting in ${SETTINGS:-shim-settings system-defaults}; do
  [[ $setting == shim-settings || $setting == system-defaults ]] || { echo "cpu-main-job-host.sh: SETTINGS: '$setting' is neither shim-settings nor system-defaults" >&2; exit 2; }
  shopt -s nullglob
  for f in "$root"/.cache/checkpoints/held-out-digit-quick-*; do mv -f "$f" "$aside/"; done
  env=()
  [[ $setting == system-defaults ]] && env=(RANDCOND_HOST_MEMORY=release OPENBLAS_NUM_THREADS="$(nproc)")
  start=$(date +%s.%N)
  env "${env[@]}" /usr/bin/time -f "$setting: user %U s, sys %S s, max RSS %M KB, minor page faults %R" \
    dotnet "$lab" held-out-digit --scale quick --out "$out/$setting" "$@" > "$out/$setting-log.txt" 2>&1
  end=$(date +%s.%N)
  echo "$setting: ${env[*]:-(no variables)}: $(echo "$end - $start" | bc) s end to end" >> "$summary"
  tail -1 "$out/$setting-log.txt" >> "$summary"
  rm -f "$root"/.cache/checkpoints/held-out-digit-quick-*
done
cat "$summary"
