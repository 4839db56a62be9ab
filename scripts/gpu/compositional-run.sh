#!/usr/bin/env bash
# The compositional experiment (paper Table 1 where D covers little of C) on one GPU within one call (after
# scripts/gpu/pack.sh lab mnist, carrying what it names; the bins in data/attributes are committed):
#   1. trains the compositional teachers (paper and quick) side by side for TEACHER_MIN minutes each (default 3),
#   2. scores them (digit accuracy, FD, and whether samples come out with the thickness and slant asked for),
#   3. runs `compositional --scale paper` for each n in COMBINATIONS (default "1") side by side, each student's
#      time budget cut so that everything ends by DEADLINE seconds (default 560),
# and packs the teachers, the new records and the logs into $1/compositional-run.tar.gz, also when stopped early.
# Every run passes --record: these are the committed records (results/) and teachers (data/teachers).
# TEACHERS=committed skips 1 and 2 (the teachers must then travel: commit them or carry data/teachers).
# Carry: the tracked files (about 45 MiB), the lab (15 MiB) and all of MNIST (11 MiB) are over the 64 MiB a call
# carries; scripts/gpu/leave-behind.sh takes the notebooks out of what travels for the call.
set -uo pipefail
out="$1"; cd "$(dirname "${BASH_SOURCE[0]}")/../.."
bash scripts/gpu/unpack.sh >/dev/null || exit 1
export RANDCOND_COMMIT="$(cat .gpu/commit)"
[[ -f .gpu/font.ttf ]] && export RANDCOND_FONT="$PWD/.gpu/font.ttf"
mkdir -p logs; touch logs/.start; t0=$SECONDS
pack() {
  find results data/teachers -type f -newer logs/.start > logs/new-files.txt
  tar czf "$out/compositional-run.tar.gz" logs -T logs/new-files.txt 2>/dev/null
}
trap pack EXIT
# Build the shim once; the runs then load it directly (parallel builds in one build folder would race).
bash scripts/gpu/run.sh .gpu/lab/randcond-lab --help > logs/build.log 2>&1
export RANDCOND_NATIVE="$PWD/.cache/native-cuda/librandcond_native.so"
[[ -f "$RANDCOND_NATIVE" ]] || { echo "compositional-run: the shim did not build (logs/build.log)" >&2; exit 1; }
echo "shim ready after $((SECONDS - t0)) s"
lab() { .gpu/lab/randcond-lab "$@" --record; }
if [[ "${TEACHERS:-train}" == train ]]; then
  lab train-teacher --dataset mnist --size attribute-teacher --device cuda --time-budget-min "${TEACHER_MIN:-3}" > logs/teacher.log 2>&1 &
  lab train-teacher --dataset mnist --size attribute-quick-teacher --device cuda --batch 512 --time-budget-min "${TEACHER_MIN:-3}" > logs/quick-teacher.log 2>&1 &
  wait; echo "teachers after $((SECONDS - t0)) s"; tail -n 2 logs/teacher.log logs/quick-teacher.log
  lab eval-teacher --dataset mnist --size attribute-teacher --device cuda --samples-per-class 100 --steps 25 > logs/eval-teacher.log 2>&1 &
  lab eval-teacher --dataset mnist --size attribute-quick-teacher --device cuda --samples-per-class 100 --steps 10 > logs/eval-quick-teacher.log 2>&1 &
  wait; echo "teacher scores after $((SECONDS - t0)) s"; tail -n 4 logs/eval-*.log
fi
deadline=${DEADLINE:-560}
# Two students per run one after the other; D's generation and the scoring of three models take about 100 s.
minutes=$(python3 -c "print(max(0.5, round(($deadline - $((SECONDS - t0)) - 100) / 2 / 60, 2)))")
echo "students get $minutes min each"
for n in ${COMBINATIONS:-1}; do
  lab compositional --scale paper --combinations-per-digit "$n" --device cuda --time-budget-min "$minutes" > "logs/paper-$n.log" 2>&1 &
done
while [[ -n "$(jobs -rp)" ]] && (( SECONDS - t0 < deadline )); do sleep 2; done
[[ -n "$(jobs -rp)" ]] && { echo "deadline: stopping unfinished runs after $((SECONDS - t0)) s"; pkill -f randcond-lab; sleep 2; }
echo "experiments after $((SECONDS - t0)) s"; tail -n 14 logs/paper-*.log
