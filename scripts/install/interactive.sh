#!/usr/bin/env bash
# Installs .NET Interactive's Jupyter kernel `.net-csharp`, the second kernel every notebook must run under
# (tests/Notebooks/InteractiveKernelTests.cs runs them all through Debian's nbconvert):
#   - Debian's jupyter-client (jupyter kernelspec, which `dotnet interactive jupyter install` calls)
#   - the dotnet tool Microsoft.dotnet-interactive, pinned, into ~/.dotnet/tools
#   - its kernel specs (`dotnet interactive jupyter install`), then the C# one rewritten to start the tool by its
#     full path with DOTNET_ROOT set, so the kernel starts from processes whose PATH lacks ~/.dotnet/tools.
# Idempotent: does nothing (quickly) when the pinned tool and the rewritten kernel spec are present.
set -euo pipefail

VERSION="${DOTNET_INTERACTIVE_VERSION:-1.0.712001}"
TOOLS="$HOME/.dotnet/tools"
TOOL="$TOOLS/dotnet-interactive"
KERNEL_NAME=".net-csharp"
DOTNET_ROOT_DIR="$(dirname "$(readlink -f "$(command -v dotnet)")")"

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

# --- jupyter-client -----------------------------------------------------------
if [ -x /usr/bin/jupyter-kernelspec ]; then
  echo "jupyter-client: already installed"
else
  export DEBIAN_FRONTEND=noninteractive
  apt-cache show jupyter-client >/dev/null 2>&1 || as_root apt-get update -q
  echo "jupyter-client: installing with apt-get"
  as_root apt-get install -y -q --no-install-recommends jupyter-client
fi

# --- the dotnet-interactive tool ----------------------------------------------
# The tool store holds one folder per installed version (asking `dotnet tool list` takes seconds).
store="$TOOLS/.store/microsoft.dotnet-interactive"
if [ -x "$TOOL" ] && [ -d "$store/$VERSION" ]; then
  echo "dotnet-interactive: already installed ($VERSION)"
else
  [ ! -d "$store" ] || dotnet tool uninstall -g Microsoft.dotnet-interactive >/dev/null
  echo "dotnet-interactive: installing $VERSION"
  dotnet tool install -g Microsoft.dotnet-interactive --version "$VERSION"
fi

# --- the kernel spec ------------------------------------------------------------
spec_dir() { /usr/bin/jupyter kernelspec list --json 2>/dev/null |
  /usr/bin/python3 -c "import json,sys; print(json.load(sys.stdin)['kernelspecs'].get('$KERNEL_NAME', {}).get('resource_dir', ''))"; }

# spec_ok <dir>: the spec starts this tool by its full path, with DOTNET_ROOT.
spec_ok() {
  [ -n "$1" ] && [ -f "$1/kernel.json" ] && /usr/bin/python3 - "$1/kernel.json" "$TOOL" "$DOTNET_ROOT_DIR" <<'EOF'
import json, sys
spec = json.load(open(sys.argv[1]))
sys.exit(0 if spec["argv"][0] == sys.argv[2] and spec.get("env", {}).get("DOTNET_ROOT") == sys.argv[3] else 1)
EOF
}

dir="$(spec_dir)"
if spec_ok "$dir"; then
  echo "$KERNEL_NAME: kernel spec present in $dir"
  exit 0
fi
echo "$KERNEL_NAME: registering the kernel specs (dotnet interactive jupyter install)"
PATH="$TOOLS:$PATH" DOTNET_ROOT="$DOTNET_ROOT_DIR" "$TOOL" jupyter install >/dev/null
dir="$(spec_dir)"
[ -n "$dir" ] || { echo "$KERNEL_NAME: 'dotnet interactive jupyter install' registered no kernel spec of that name" >&2; exit 1; }
/usr/bin/python3 - "$dir/kernel.json" "$TOOL" "$DOTNET_ROOT_DIR" <<'EOF'
import json, os, sys
path, tool, dotnet_root = sys.argv[1:]
spec = json.load(open(path))
argv = spec["argv"]
# `dotnet interactive jupyter ...` needs the tool on PATH; call the tool itself instead.
if argv[:2] == ["dotnet", "interactive"]:
    argv = [tool] + argv[2:]
spec["argv"] = argv
spec.setdefault("env", {}).update({"DOTNET_ROOT": dotnet_root, "DOTNET_INTERACTIVE_CLI_TELEMETRY_OPTOUT": "1",
                                   "DOTNET_CLI_TELEMETRY_OPTOUT": "1"})
with open(path + ".tmp", "w") as f:
    json.dump(spec, f, indent=2)
os.replace(path + ".tmp", path)
EOF
spec_ok "$dir" || { echo "$KERNEL_NAME: rewriting $dir/kernel.json did not take" >&2; exit 1; }
echo "$KERNEL_NAME: kernel spec in $dir starts $TOOL"
