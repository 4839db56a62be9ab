#!/usr/bin/env bash
# watchdog.sh LOG PATTERN OUT [STALL_S]: watches a run whose progress goes to LOG and whose command line matches PATTERN
# (pgrep -f). When LOG has not grown for STALL_S seconds (default 90) while the run is alive, it writes to OUT what the
# process and the GPU are doing (nvidia-smi, each thread's state and kernel stack, a gdb backtrace of every thread where
# gdb is installed) and stops the run, so that a stalled run leaves a diagnosis instead of using up the call. It ends
# when the run does (or when none has appeared after 30 s). held-out-sweep.sh starts one per run.
set -u
log="$1" pattern="$2" out="$3" stall="${4:-90}"
last=-1 quiet=0 seen=0 waited=0
while sleep 5; do
  pid="$(pgrep -f -- "$pattern" | head -1)"
  if [[ -z "$pid" ]]; then
    waited=$((waited + 5))
    (( seen || waited >= 30 )) && exit 0  # the run has ended, or never started (or ended within the first seconds)
    continue
  fi
  seen=1
  size="$(stat -c %s "$log" 2>/dev/null || echo 0)"
  if [[ "$size" == "$last" ]]; then quiet=$((quiet + 5)); else quiet=0; last="$size"; fi
  (( quiet < stall )) && continue
  {
    echo "no output in $log for ${quiet} s; $(date -u +%FT%TZ); process $pid: $(tr '\0' ' ' < "/proc/$pid/cmdline")"
    command -v nvidia-smi > /dev/null && nvidia-smi
    for t in /proc/"$pid"/task/*; do
      echo "== thread ${t##*/} $(cat "$t/comm") state $(cut -d' ' -f3 "$t/stat") wchan $(cat "$t/wchan" 2>/dev/null)"
      head -8 "$t/stack" 2>/dev/null
    done
    command -v gdb > /dev/null && timeout 60 gdb -p "$pid" -batch -ex "thread apply all bt 12" 2>&1 | head -400
  } > "$out" 2>&1
  kill "$pid"
  exit 0
done
