#!/usr/bin/env bash
# The main job of the README: set up a fresh machine, then run the quickstart experiment on the CPU from the
# committed teacher and classifier (Fig. 5's closed-form overlap; the MNIST teacher sampling every digit,
# checked by the classifier). Extra arguments go to `randcond-lab quickstart` (e.g. --samples-per-class 20).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bash "$root/scripts/setup.sh"
cd "$root"
exec dotnet "$root/lab/bin/Release/net10.0/randcond-lab.dll" quickstart "$@"
