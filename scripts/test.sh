#!/usr/bin/env bash
# The test command of the README: set up a fresh machine, build, run every test.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bash "$root/scripts/setup.sh"
dotnet test "$root/tests/RandCond.Tests.csproj" -c Release --no-build -v quiet -nologo "$@"
