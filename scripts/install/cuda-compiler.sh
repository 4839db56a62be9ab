#!/usr/bin/env bash
# A CUDA compiler on a Debian machine without a GPU, to compile-check the fused kernels (scripts/check-cuda-kernels.sh):
# Debian 12's nvidia-cuda-toolkit (CUDA 11.8, from the non-free component, which this machine's sources leave out, so
# apt reads a sources list of its own for it) and clang-14, the newest host compiler that nvcc 11.8 accepts. About 1.6 GB
# to download once; idempotent.
set -euo pipefail
if command -v nvcc >/dev/null 2>&1 && command -v clang-14 >/dev/null 2>&1; then
  echo "install: nvcc $(nvcc --version | sed -n 's/.*release \([0-9.]*\).*/\1/p') and clang-14 present"
  exit 0
fi
[[ -f /etc/debian_version ]] || { echo "install: not Debian; install a CUDA toolkit (nvcc) yourself" >&2; exit 2; }
apt_dir="$(mktemp -d)"
trap 'rm -rf "$apt_dir"' EXIT
mkdir -p "$apt_dir/lists/partial"
cat > "$apt_dir/non-free.sources" <<SOURCES
Types: deb
URIs: http://deb.debian.org/debian
Suites: bookworm
Components: main contrib non-free
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SOURCES
apt_options=(-o "Dir::Etc::SourceParts=$apt_dir" -o Dir::Etc::SourceList=/dev/null -o "Dir::State::Lists=$apt_dir/lists")
echo "install: nvidia-cuda-toolkit and clang-14 from Debian 12 (non-free; about 1.6 GB)"
export DEBIAN_FRONTEND=noninteractive
apt-get "${apt_options[@]}" update -qq
apt-get "${apt_options[@]}" install -y -qq --no-install-recommends nvidia-cuda-toolkit clang-14 >/dev/null
echo "install: nvcc $(nvcc --version | sed -n 's/.*release \([0-9.]*\).*/\1/p') and clang-14 present"
