#!/usr/bin/env bash
# The compositional experiment (paper Table 1 where D covers little of C) on one GPU within one call (after
# scripts/gpu/pack.sh lab mnist, carrying what it names; the bins in data/attributes are committed):
#   1. trains the compositional teachers (TEACHERS="attribute-teacher attribute-quick-teacher", the default; "" for
#      none: the committed ones) side by side, each for TEACHER_MIN minutes (default 3) or its STEPS (the preset's
#      when empty: the paper teacher's schedule outlasts any call, so it stops at the time limit),
#   2. scores them (digit accuracy, FD, and whether samples come out with the thickness and slant asked for),
#   3. runs `compositional --scale paper` for each N[:SEED] in RUNS (default "1": one combination per digit in D, the
#      students' seed 17) side by side with the teachers, each student's time budget cut so that everything ends by
#      DEADLINE seconds (default 560),
# and packs the teachers, the new records and the logs into $1/compositional-run.tar.gz, also when stopped early.
# Every run passes --record: these are the committed records (results/) and teachers (data/teachers).
# Carry: the tracked files (about 54 MiB), the lab (15 MiB) and all of MNIST (11 MiB) are over the 64 MiB a call
# carries; `scripts/gpu/leave-behind.sh notebooks results` takes the folders no lab verb reads out of what travels.
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
deadline=${DEADLINE:-560}
train_and_score() {   # SIZE: train one teacher, then score it with the DDIM steps its experiments sample with
  local size=$1 sampling=25 batch=()
  [[ $size == *quick* ]] && { sampling=10; batch=(--batch 512); }
  set -- --size "$size" "${batch[@]}" ${STEPS:+--steps "$STEPS"} --time-budget-min "${TEACHER_MIN:-3}"
  lab train-teacher --dataset mnist --device cuda "$@" > "logs/$size.log" 2>&1 || return
  set -- --size "$size" --steps "$sampling"
  lab eval-teacher --dataset mnist --device cuda --samples-per-class 100 "$@" > "logs/eval-$size.log" 2>&1
}
for size in ${TEACHERS-attribute-teacher attribute-quick-teacher}; do train_and_score "$size" & done
# With a teacher to train first the experiments wait for it; else they start now. Two students per run one after the
# other; D's generation and the scoring of three models take about 100 s.
[[ " ${TEACHERS-attribute-teacher} " == *" attribute-teacher "* ]] && wait
minutes=$(python3 -c "print(max(0.5, round(($deadline - $((SECONDS - t0)) - 100) / 2 / 60, 2)))")
echo "students get $minutes min each"
for run in ${RUNS:-1}; do
  n=${run%%:*}; seed=${run#*:}; [[ $seed == "$run" ]] && seed=17
  lab compositional --scale paper --combinations-per-digit "$n" --seed "$seed" --device cuda --time-budget-min "$minutes" > "logs/paper-$n-seed$seed.log" 2>&1 &
done
while [[ -n "$(jobs -rp)" ]] && (( SECONDS - t0 < deadline )); do sleep 2; done
[[ -n "$(jobs -rp)" ]] && { echo "deadline: stopping unfinished runs after $((SECONDS - t0)) s"; pkill -f randcond-lab; sleep 2; }
echo "all done after $((SECONDS - t0)) s"
for log in logs/*.log; do echo "== $log"; tail -n 3 "$log"; done
