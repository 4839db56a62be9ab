#!/usr/bin/env bash
# The test command of the README: set up a fresh machine (packages, datasets, native build), run every test.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bash "$root/scripts/setup.sh"
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
status=0
dotnet test "$root/tests/RandCond.Tests.csproj" -c Release --no-build -nologo "$@" 2>&1 | tee "$log" || status=$?
summary="$(grep -E '^(Passed|Failed)!' "$log" | tail -1 || true)"
if [[ -z "$summary" ]]; then
  echo "test.sh: dotnet test printed no summary (exit $status)" >&2
  exit $((status == 0 ? 1 : status))
fi
passed="$(sed -E 's/.*Passed: *([0-9]+).*/\1/' <<<"$summary")"
failed="$(sed -E 's/.*Failed: *([0-9]+),.*/\1/' <<<"$summary")"
echo "$passed passed, $failed failed"
exit "$status"
