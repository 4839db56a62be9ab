#!/usr/bin/env bash
# Installs everything RandCond needs on a fresh Debian 12 machine with the .NET 10 SDK, then builds.
# Each step is idempotent; run it as often as you like.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
for step in "$root"/scripts/install/*.sh; do bash "$step"; done
dotnet build "$root/RandCond.sln" -c Release -v quiet -nologo -clp:ErrorsOnly
