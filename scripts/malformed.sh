#!/usr/bin/env bash
# The full malformed-input suite (tests/Malformed): every bad safetensors file, IDX file, notebook and kernel message
# its generators make, each through its real entry point in a child process; prints the counts table (tried, clean
# errors, unclear errors, crashes, hangs, silent successes) and every case that did not end in a clean error.
# CI runs a fixed sample of it within the normal test run. Build first (scripts/setup.sh or dotnet build -c Release).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
status=0
RANDCOND_MALFORMED_STRIDE=1 dotnet test tests/RandCond.Tests.csproj -c Release --no-build -nologo \
  --filter "FullyQualifiedName~RandCond.Tests.Malformed.MalformedInputTests.Every_entry_point" >/dev/null 2>&1 || status=$?
report=.cache/malformed/counts.txt
[[ -f "$report" ]] || { echo "malformed.sh: the suite wrote no $report (dotnet test exit $status)" >&2; exit 1; }
cat "$report"
exit "$status"
