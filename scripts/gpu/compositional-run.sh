#!/usr/bin/env bash
# The compositional experiment on one GPU in under 10 minutes (after scripts/gpu/pack.sh lab mnist, carrying what it
# names; the bins in data/attributes are committed): trains the compositional teachers (paper and quick) side by side,
# scores them (digit accuracy, FD, and whether samples come out with the thickness and slant asked for), then runs
# `compositional` at paper scale with one and with two combinations per digit in D, side by side, and at quick scale;
# packs teachers, records and logs into $1/compositional-run.tar.gz. Every run passes --record: these are the committed
# records (results/) and teachers (data/teachers). TEACHERS=committed skips the training; COMBINATIONS, QUICK,
# TEACHER_MIN and STUDENT_MIN change the rest.
# Carry limit: the tracked files (about 44 MiB), the lab (about 15 MiB) and all of MNIST (11 MiB) exceed 64 MiB, so the
# training call cannot carry `pack.sh lab mnist` as it is; shrink the carry first (e.g. the lab without chart export,
# or the train split in a denser form), or train the teachers in a call that carries no lab-side extras.
set -uo pipefail
out="$1"; cd "$(dirname "${BASH_SOURCE[0]}")/../.."
bash scripts/gpu/unpack.sh >/dev/null
export RANDCOND_COMMIT="$(cat .gpu/commit)"
lab() { bash scripts/gpu/run.sh .gpu/lab/randcond-lab "$@" --record; }
pack() { tar czf "$out/compositional-run.tar.gz" logs results data/teachers/mnist-attribute-*.safetensors 2>/dev/null; }
mkdir -p logs; t0=$SECONDS
lab --help > logs/build.log 2>&1; echo "shim ready after $((SECONDS - t0)) s"
if [[ "${TEACHERS:-train}" == train ]]; then
  lab train-teacher --dataset mnist --size attribute-teacher --device cuda --time-budget-min ${TEACHER_MIN:-3} > logs/teacher.log 2>&1 &
  lab train-teacher --dataset mnist --size attribute-quick-teacher --device cuda --batch 512 --time-budget-min ${TEACHER_MIN:-3} > logs/quick-teacher.log 2>&1 &
  wait; echo "teachers after $((SECONDS - t0)) s"; tail -n 2 logs/teacher.log logs/quick-teacher.log; pack
  lab eval-teacher --dataset mnist --size attribute-teacher --device cuda --samples-per-class 100 > logs/eval-teacher.log 2>&1 &
  lab eval-teacher --dataset mnist --size attribute-quick-teacher --device cuda --samples-per-class 100 --steps 10 > logs/eval-quick-teacher.log 2>&1 &
  wait; tail -n 2 logs/eval-*.log
fi
for n in ${COMBINATIONS:-1 2}; do   # paper scale, one process per split, side by side
  lab compositional --scale paper --combinations-per-digit $n --device cuda --time-budget-min ${STUDENT_MIN:-1.2} > logs/paper-$n.log 2>&1 &
done
[[ "${QUICK:-1}" == 1 ]] && lab compositional --scale quick --device cuda > logs/quick.log 2>&1 &
wait; echo "experiments after $((SECONDS - t0)) s"; tail -n 12 logs/paper-*.log logs/quick.log 2>/dev/null; pack
