#!/usr/bin/env bash
# Installs code-server 4.100.3 (VS Code 1.100.3 server + web workbench) from the npm registry into a cache
# directory, for the headless extension tests (scripts/vscode/run-code-server-tests.mjs, test/vscode/ui/*).
#
#   scripts/vscode/install-code-server.sh [DIR]      (default: .cache/code-server under the repository)
#
# Idempotent: a complete install (marker file DIR/.installed-4.100.3) is reused and the script exits at once.
# Quiet: npm output goes to DIR.log and is shown only when a step fails.
# Needs the Debian packages libkrb5-dev ripgrep chromium (and a C++ toolchain: build-essential python3), and
# Node 20 (code-server 4.103+ wants Node 22; 4.100.3 is the last line that runs on Node 20).
#
# Why each step (see docs/testing.md in the shared notes):
# - the package's own postinstall refuses to run as root and @vscode/ripgrep downloads a binary from the internet,
#   so scripts are skipped (--ignore-scripts) and ripgrep is pointed at Debian's /usr/bin/rg;
# - `npm rebuild` then builds the native modules (argon2, node-pty, kerberos, spdlog, ...) against this Node;
#   npm_config_yes=true lets node-pty's build call `npx node-gyp`;
# - lib/vscode/node_modules.asar is where the server looks for its modules (the desktop build packs them).
set -euo pipefail

VERSION=4.100.3
root="$(cd "$(dirname "$0")/../.." && pwd)"
dir="${1:-${CODE_SERVER_DIR:-$root/.cache/code-server}}"
mkdir -p "$(dirname "$dir")"
dir="$(cd "$(dirname "$dir")" && pwd)/$(basename "$dir")"
marker="$dir/.installed-$VERSION"
log="$dir.log"

if [ -f "$marker" ] && [ -f "$dir/out/node/entry.js" ]; then
  exit 0
fi

missing=()
for pkg in libkrb5-dev ripgrep chromium; do
  dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
for tool in make g++ python3; do
  command -v "$tool" >/dev/null 2>&1 || missing+=("$tool(build-essential/python3)")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "install-code-server: missing Debian packages: ${missing[*]}" >&2
  echo "  install them with: apt-get install -y libkrb5-dev ripgrep chromium build-essential python3" >&2
  exit 1
fi
node_major="$(node -p 'process.versions.node.split(".")[0]')"
if [ "$node_major" != 20 ]; then
  echo "install-code-server: code-server $VERSION needs Node 20 (this is Node $(node --version))" >&2
  exit 1
fi

: >"$log"
step() {
  local what="$1"; shift
  local t0; t0=$(date +%s)
  echo "== $what" >>"$log"
  if ! "$@" >>"$log" 2>&1; then
    echo "install-code-server: step failed: $what" >&2
    echo "  command: $*" >&2
    tail -n 40 "$log" >&2
    echo "  (full log: $log)" >&2
    exit 1
  fi
  echo "== $what: $(( $(date +%s) - t0 )) s" >>"$log"
}

started=$(date +%s)
tmp="$(mktemp -d "$(dirname "$dir")/code-server.tmp.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
export npm_config_yes=true npm_config_fund=false npm_config_audit=false npm_config_update_notifier=false
export npm_config_loglevel=warn
# node-gyp: compile native modules on every core.
export JOBS=max

step "npm pack code-server@$VERSION" npm pack "code-server@$VERSION" --pack-destination "$tmp"
step "unpack" tar xzf "$tmp/code-server-$VERSION.tgz" -C "$tmp"
pkg="$tmp/package"
step "npm install (code-server)" sh -c "cd '$pkg' && npm install --omit=dev --ignore-scripts"
step "npm rebuild argon2" sh -c "cd '$pkg' && npm rebuild argon2"
step "npm install (lib/vscode)" sh -c "cd '$pkg/lib/vscode' && npm install --omit=dev --ignore-scripts"
mkdir -p "$pkg/lib/vscode/node_modules/@vscode/ripgrep/bin"
ln -sf /usr/bin/rg "$pkg/lib/vscode/node_modules/@vscode/ripgrep/bin/rg"
step "npm rebuild (lib/vscode native modules)" sh -c "cd '$pkg/lib/vscode' && npm rebuild"
ln -sfn node_modules "$pkg/lib/vscode/node_modules.asar"

# code-server writes a default config (and logs) under XDG dirs on first start: keep them out of $HOME.
version_line="$(XDG_CONFIG_HOME="$tmp/xdg/config" XDG_DATA_HOME="$tmp/xdg/data" node "$pkg/out/node/entry.js" --version 2>>"$log" | grep -E "^$VERSION " || true)"
if [ -z "$version_line" ]; then
  echo "install-code-server: installed code-server does not report $VERSION; see $log" >&2
  exit 1
fi

rm -rf "$dir"
mv "$pkg" "$dir"
touch "$marker"
echo "code-server $VERSION installed in ${dir#"$root"/} ($(( $(date +%s) - started )) s)"
