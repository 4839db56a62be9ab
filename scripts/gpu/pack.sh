#!/usr/bin/env bash
# Packs what a GPU machine without .NET needs into .gpu/ (git-ignored), small enough for a carry limit of 64 MiB
# together with the tracked files that travel (about 54 MiB, 30 MiB without notebooks/ and results/: scripts/gpu/leave-behind.sh;
# the script prints the sum and fails past the limit):
#   .gpu/<program>.tar.xz   the trimmed self-contained publish of lab/ or benchmarks/ (lab: 15 MB instead of 52 MB)
#   .gpu/datasets/<slug>/   each dataset as .gz files whose unpacked form matches data/<slug>.sha256
#   .gpu/font.ttf           (lab) DejaVu Sans for the sample grids' labels
#   .gpu/commit             the commit the program was built from (scripts/gpu/unpack.sh prints how to pass it on)
# usage: scripts/gpu/pack.sh lab|benchmarks [DATASET[:train|:test]]...   (e.g. mnist, fashion-mnist:test)
# Datasets of an earlier pack stay when this one names none (pack the lab with its datasets, then the benchmarks, and
# carry both programs with them).
# Carry only what the run reads: the benchmarks read no images; with the committed teachers and classifiers the labs read
# the test split only (its FD statistics: mnist:test is 1.6 MiB packed, all of MNIST 11 MiB, which tips the sum over);
# training a teacher or a classifier reads the train split too.
# Then carry [".gpu/<program>.tar.xz", ".gpu/datasets", ".gpu/commit"] and, there: bash scripts/gpu/unpack.sh
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
program="${1:-}"
case "$program" in
  lab) exe=randcond-lab ;;
  benchmarks) exe=randcond-bench ;;
  *) echo "usage: scripts/gpu/pack.sh lab|benchmarks [DATASET[:train|:test]]..." >&2; exit 2 ;;
esac
shift
cd "$root"
mkdir -p .gpu
rm -rf ".gpu/$program"
(( $# > 0 )) && rm -rf .gpu/datasets   # else an earlier pack's stay (see the top)
dotnet publish "$program" -c Release -r linux-x64 --self-contained -p:PublishTrimmed=true -o ".gpu/$program" -nologo -v quiet
# Debugging and tracing support the runs never load.
rm -f ".gpu/$program"/*.pdb ".gpu/$program"/{libmscordaccore.so,libmscordbi.so,createdump,libcoreclrtraceptprovider.so,libclrgc.so,libclrgcexp.so}
test -x ".gpu/$program/$exe" || { echo "pack: .gpu/$program/$exe is missing after publish" >&2; exit 1; }
tar -C .gpu -cf - "$program" | xz -9 -T0 > ".gpu/$program.tar.xz.tmp"
mv ".gpu/$program.tar.xz.tmp" ".gpu/$program.tar.xz"
rm -rf ".gpu/$program"

# The font the sample grids' labels use (a bare GPU host has none); the lab's runs point RANDCOND_FONT at it.
font=/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf
if [[ "$program" == lab && -f "$font" ]]; then cp "$font" .gpu/font.ttf; fi

for spec in "$@"; do
  slug="${spec%%:*}"
  case "$spec" in
    *:test) prefix=t10k- ;;
    *:train) prefix=train- ;;
    *:*) echo "pack: '$spec': the split is train or test" >&2; exit 2 ;;
    *) prefix="" ;;
  esac
  manifest="data/$slug.sha256"
  [[ -f "$manifest" ]] || { echo "pack: no dataset '$slug' (no $manifest)" >&2; exit 2; }
  source=".cache/datasets/$slug"
  [[ -d "$source" ]] || bash scripts/install/datasets.sh
  mkdir -p ".gpu/datasets/$slug"
  while read -r _ name; do
    [[ "$name" == "$prefix"* ]] || continue
    if [[ "$name" == *.gz ]]; then cp "$source/$name" ".gpu/datasets/$slug/$name"      # stored compressed: carried as is
    else gzip -9 -n -c "$source/$name" > ".gpu/datasets/$slug/$name.gz"; fi          # stored raw: unpack.sh gunzips it
  done < "$manifest"
done

commit="$(git rev-parse HEAD)"
# Paths scripts/gpu/leave-behind.sh took out of the index for the call are not changes to the program.
left_behind=()
state="$(git rev-parse --git-path leave-behind)"
[[ -s "$state" ]] && mapfile -t left_behind < <(sed 's|^|:!|' "$state")
[[ -z "$(git status --porcelain --untracked-files=no -- . "${left_behind[@]}")" ]] || commit="$commit+dirty"
echo "$commit" > .gpu/commit
# What the call carries: the program, its commit, the datasets (this pack's, or an earlier one's it kept), the font.
paths=(".gpu/$program.tar.xz" .gpu/commit)
[[ -d .gpu/datasets ]] && paths+=(.gpu/datasets)
[[ "$program" == lab && -f .gpu/font.ttf ]] && paths+=(.gpu/font.ttf)
tracked=$(git ls-files -z | xargs -0 du -cb | tail -1 | cut -f1)
packed=$(du -cb "${paths[@]}" | tail -1 | cut -f1)
total=$((tracked + packed))
echo "packed $program ($commit) and datasets: ${*:-none}; tracked files $((tracked / 1048576)) MiB + packed $((packed / 1048576)) MiB = $((total / 1048576)) MiB"
if (( total >= 64 * 1048576 )); then
  echo "pack: $((total / 1048576)) MiB is over the 64 MiB carry limit: pack fewer datasets per call (none when the run needs no images), or leave tracked paths the run does not read behind (scripts/gpu/leave-behind.sh)" >&2
  exit 1
fi
carry="$(printf '"%s", ' "${paths[@]}")"
echo "carry: [${carry%, }]"
