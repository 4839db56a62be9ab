#!/usr/bin/env bash
# Issue 20 on one GPU in under 10 minutes (after scripts/gpu/pack.sh lab mnist, or pack.sh lab mnist:test with
# TEACHERS=committed, carrying what it names): trains the label teachers (paper and quick) side by side, then the label
# held-out-digit experiment at paper scale for three digits side by side and at quick scale for digit 3; packs
# teachers, records and logs into $1/label-run.tar.gz. Every run passes --record: these are the committed records
# (results/) and teachers (data/teachers).
set -uo pipefail
out="$1"; cd "$(dirname "${BASH_SOURCE[0]}")/../.."
bash scripts/gpu/unpack.sh >/dev/null
export RANDCOND_COMMIT="$(cat .gpu/commit)"
lab() { bash scripts/gpu/run.sh .gpu/lab/randcond-lab "$@" --record; }
pack() { tar czf "$out/label-run.tar.gz" logs results data/teachers/mnist-label-*.safetensors 2>/dev/null; }
mkdir -p logs; t0=$SECONDS
lab --help > logs/build.log 2>&1; echo "shim ready after $((SECONDS - t0)) s"
if [[ "${TEACHERS:-train}" == train ]]; then   # TEACHERS=committed uses data/teachers/mnist-label-*.safetensors as they are
  lab train-teacher --dataset mnist --size label-teacher --device cuda --time-budget-min ${TEACHER_MIN:-3} > logs/teacher.log 2>&1 &
  lab train-teacher --dataset mnist --size label-quick-teacher --device cuda --batch 512 --time-budget-min ${TEACHER_MIN:-3} > logs/quick-teacher.log 2>&1 &
  wait; echo "teachers after $((SECONDS - t0)) s"; tail -n 2 logs/teacher.log logs/quick-teacher.log; pack
fi
for d in ${DIGITS:-3 7 5}; do   # paper scale, one process per digit, side by side
  lab held-out-digit --conditioning label --scale paper --held-out $d --device cuda --time-budget-min ${STUDENT_MIN:-1.2} > logs/paper-$d.log 2>&1 &
done
[[ "${QUICK:-1}" == 1 ]] && lab held-out-digit --conditioning label --scale quick --held-out 3 --device cuda > logs/quick-3.log 2>&1 &
wait; echo "experiments after $((SECONDS - t0)) s"; tail -n 4 logs/paper-*.log logs/quick-*.log 2>/dev/null; pack
