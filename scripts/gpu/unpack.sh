#!/usr/bin/env bash
# The GPU machine's half of scripts/gpu/pack.sh, run from the repository root there: unpacks .gpu/*.tar.xz into .gpu/
# and puts each carried dataset into .cache/datasets/<slug> in the form data/<slug>.sha256 names (raw or .gz).
# Then run the program through scripts/gpu/run.sh, e.g.
#   export RANDCOND_COMMIT=$(cat .gpu/commit); bash scripts/gpu/run.sh .gpu/lab/randcond-lab held-out-digit --device cuda
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
shopt -s nullglob
for archive in .gpu/*.tar.xz; do
  python3 -c "import sys, tarfile; tarfile.open(sys.argv[1]).extractall('.gpu')" "$archive"
  echo "unpacked $archive"
done
for folder in .gpu/datasets/*/; do
  slug="$(basename "$folder")"
  target=".cache/datasets/$slug"
  mkdir -p "$target"
  while read -r _ name; do
    if [[ "$name" == *.gz ]]; then cp "$folder/$name" "$target/$name"
    else gunzip -c "$folder/$name.gz" > "$target/$name"; fi
  done < "data/$slug.sha256"
  (cd "$target" && sha256sum -c --quiet "$root/data/$slug.sha256") || { echo "unpack: $slug does not match data/$slug.sha256" >&2; exit 1; }
  echo "dataset $slug -> $target (checked against data/$slug.sha256)"
done
