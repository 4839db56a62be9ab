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
  checked=()
  while read -r sum name; do   # a split may have been carried alone (pack.sh DATASET:test): unpack and check what came
    if [[ -f "$folder/$name" ]]; then cp "$folder/$name" "$target/$name"
    elif [[ -f "$folder/$name.gz" ]]; then gunzip -c "$folder/$name.gz" > "$target/$name"
    else continue; fi
    checked+=("$name")
    echo "$sum  $name" | (cd "$target" && sha256sum -c --quiet -) || { echo "unpack: $slug/$name does not match data/$slug.sha256" >&2; exit 1; }
  done < "data/$slug.sha256"
  (( ${#checked[@]} > 0 )) || { echo "unpack: .gpu/datasets/$slug holds no file data/$slug.sha256 names" >&2; exit 1; }
  echo "dataset $slug -> $target: ${checked[*]} (checked against data/$slug.sha256)"
done
