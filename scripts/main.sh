#!/usr/bin/env bash
# The main job of the README: set up a fresh machine, then run the held-out-digit experiment (paper Fig. 2) at quick
# scale on the CPU from the committed quick teacher and classifier: two students with the teacher's U-Net weights and a
# text encoder of their own, distilled on teacher images without the digit 3, without and with random conditioning,
# scored on every digit (under 10 minutes on two cores). Its record and figures go to .cache/results, nothing tracked changes; extra arguments go to
# `randcond-lab held-out-digit` (e.g. --held-out 7, --scale smoke, or --record to write the committed record in results/).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bash "$root/scripts/setup.sh"
cd "$root"
# Quick scale unless the arguments name another (an option given twice is refused).
scale=(--scale quick)
for arg in "$@"; do [[ "$arg" == --scale || "$arg" == --scale=* ]] && scale=(); done
exec dotnet "$root/lab/bin/Release/net10.0/randcond-lab.dll" held-out-digit "${scale[@]}" "$@"
