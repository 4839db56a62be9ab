#!/usr/bin/env bash
# Keeps tracked folders a GPU run does not read out of what a device call carries (tracked and untracked-not-ignored
# files count towards its 64 MiB): takes them out of git's index and ignores them by a .gitignore of `*` put inside
# each (this checkout alone: other worktrees of the repository are not affected), leaving the files on disk and HEAD
# untouched. `restore` puts the index back and removes those .gitignore files.
#   bash scripts/gpu/leave-behind.sh notebooks results   # before the call (lab verbs write records, never read them)
#   bash scripts/gpu/leave-behind.sh restore             # after it (git status is then as before)
# Nothing can be committed in between (the paths would be committed as deleted): a pre-commit hook refuses until restore.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
state="$(git rev-parse --git-path leave-behind)"   # the paths left behind, one per line
hook="$(git rev-parse --git-path hooks)/pre-commit"
marker="# written by scripts/gpu/leave-behind.sh"
if [[ "${1:-}" == restore ]]; then
  [[ -s "$state" ]] || { echo "leave-behind: nothing to restore"; exit 0; }
  mapfile -t paths < "$state"
  git reset -q HEAD -- "${paths[@]}"
  for path in "${paths[@]}"; do rm -f "$path/.gitignore"; done
  rm -f "$state"
  [[ -f "$hook" ]] && grep -qF "$marker" "$hook" && rm -f "$hook"
  echo "leave-behind: restored ${paths[*]}"
  exit 0
fi
[[ $# -gt 0 ]] || { echo "usage: scripts/gpu/leave-behind.sh FOLDER... | restore" >&2; exit 2; }
[[ ! -e "$hook" ]] || grep -qF "$marker" "$hook" || { echo "leave-behind: $hook exists and is not ours; it cannot guard the commits" >&2; exit 1; }
[[ -z "$(git status --porcelain -- "$@")" ]] || { echo "leave-behind: $* has uncommitted changes; commit them first" >&2; exit 1; }
for path in "$@"; do
  path="${path%/}"
  [[ -d "$path" ]] || { echo "leave-behind: '$path' is not a folder" >&2; exit 1; }
  git ls-files --error-unmatch -- "$path" > /dev/null || { echo "leave-behind: '$path' is not tracked" >&2; exit 1; }
  [[ ! -e "$path/.gitignore" ]] || { echo "leave-behind: '$path' has a .gitignore of its own" >&2; exit 1; }
  git rm -r -q --cached -- "$path"
  echo '*' > "$path/.gitignore"
  echo "$path" >> "$state"
done
mkdir -p "$(dirname "$hook")"
cat > "$hook" <<EOF
#!/bin/sh
$marker
echo "pre-commit: \$(tr '\n' ' ' < '$state')are out of git's index for a GPU call; run bash scripts/gpu/leave-behind.sh restore first" >&2
exit 1
EOF
chmod +x "$hook"
echo "leave-behind: $* stay here; tracked files that travel: $(( $(git ls-files -z | xargs -0 du -cb | tail -1 | cut -f1) / 1048576 )) MiB"
