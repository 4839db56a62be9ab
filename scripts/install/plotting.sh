#!/usr/bin/env bash
# Installs what lib/Plotting needs for offline chart HTML and static export (PuppeteerSharp drives this chromium):
#   - Debian chromium (headless, used for PNG/SVG/PDF export)
#   - plotly.js-dist-min (pinned) into <repo>/.cache/npm
#   - a font fontconfig finds (DejaVu Sans), for the labels SkiaSharp draws on image grids
# Idempotent: does nothing (quickly) when both are already present.
set -euo pipefail

PLOTLY_VERSION="${PLOTLY_VERSION:-4.1.2}"
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
NPM_DIR="$REPO_ROOT/.cache/npm"
PLOTLY_JS="$NPM_DIR/node_modules/plotly.js-dist-min/plotly.min.js"

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

# --- chromium ---------------------------------------------------------------
if command -v chromium >/dev/null 2>&1; then
  echo "chromium: already installed ($(chromium --version 2>/dev/null || echo 'version unknown'))"
else
  export DEBIAN_FRONTEND=noninteractive
  if ! apt-cache show chromium >/dev/null 2>&1; then
    echo "chromium: package index has no chromium; running apt-get update"
    as_root apt-get update -q
  fi
  echo "chromium: installing with apt-get"
  as_root apt-get install -y -q --no-install-recommends chromium fonts-dejavu-core
  echo "chromium: installed ($(chromium --version 2>/dev/null || echo 'version unknown'))"
fi

# --- fonts for image-grid labels (SkiaSharp asks fontconfig for DejaVu Sans) --
if command -v fc-list >/dev/null 2>&1 && fc-list "DejaVu Sans" family | grep -q "DejaVu Sans"; then
  echo "fonts: DejaVu Sans already installed"
else
  export DEBIAN_FRONTEND=noninteractive
  apt-cache show fonts-dejavu-core >/dev/null 2>&1 || as_root apt-get update -q
  echo "fonts: installing fonts-dejavu-core and fontconfig with apt-get"
  as_root apt-get install -y -q --no-install-recommends fonts-dejavu-core fontconfig
fi

# --- plotly.js --------------------------------------------------------------
installed_version=""
if [ -f "$NPM_DIR/node_modules/plotly.js-dist-min/package.json" ]; then
  installed_version="$(node -p "require('$NPM_DIR/node_modules/plotly.js-dist-min/package.json').version" 2>/dev/null || true)"
fi
if [ -f "$PLOTLY_JS" ] && [ "$installed_version" = "$PLOTLY_VERSION" ]; then
  echo "plotly.js-dist-min: already installed ($installed_version) at $PLOTLY_JS"
else
  if ! command -v npm >/dev/null 2>&1; then
    echo "npm: not found; installing with apt-get"
    export DEBIAN_FRONTEND=noninteractive
    apt-cache show npm >/dev/null 2>&1 || as_root apt-get update -q
    as_root apt-get install -y -q npm
  fi
  mkdir -p "$NPM_DIR"
  [ -f "$NPM_DIR/package.json" ] || echo '{"name":"randcond-npm-cache","private":true}' > "$NPM_DIR/package.json"
  echo "plotly.js-dist-min: installing $PLOTLY_VERSION into $NPM_DIR"
  npm install --prefix "$NPM_DIR" --no-audit --no-fund --save-exact "plotly.js-dist-min@$PLOTLY_VERSION"
  echo "plotly.js-dist-min: installed at $PLOTLY_JS"
fi
echo "Set RANDCOND_PLOTLYJS=$PLOTLY_JS to use it from outside this repository."
