#!/usr/bin/env bash
# Installs what the Jupyter kernel (lib/Kernel) and its tests need:
#   - libzmq5: the ZeroMQ library the kernel calls through DllImport (libzmq.so.5)
#   - Debian's jupyter-nbconvert, python3-nbclient, python3-jupyter-client, python3-zmq: the real clients
#     tests/Kernel drives the kernel with (always through /usr/bin/python3 and /usr/bin/jupyter).
# Idempotent: does nothing (quickly) when everything is present.
set -euo pipefail

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

have_all() {
  [ -e /usr/lib/x86_64-linux-gnu/libzmq.so.5 ] || ldconfig -p 2>/dev/null | grep -q 'libzmq\.so\.5' || return 1
  [ -x /usr/bin/jupyter-nbconvert ] || return 1
  /usr/bin/python3 -c 'import jupyter_client, nbclient, nbformat, zmq' >/dev/null 2>&1 || return 1
}

if have_all; then
  echo "kernel prerequisites: already installed"
  exit 0
fi

export DEBIAN_FRONTEND=noninteractive
packages=(libzmq5 jupyter-nbconvert python3-nbclient python3-jupyter-client python3-zmq python3-nbformat)
if ! apt-cache show jupyter-nbconvert >/dev/null 2>&1; then
  echo "kernel prerequisites: package index has no jupyter-nbconvert; running apt-get update"
  as_root apt-get update -q
fi
echo "kernel prerequisites: installing ${packages[*]}"
as_root apt-get install -y -q --no-install-recommends "${packages[@]}"
have_all || { echo "kernel prerequisites: still missing after install" >&2; exit 1; }
echo "kernel prerequisites: installed"
