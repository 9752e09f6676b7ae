#!/usr/bin/env bash
# Installs the TypeScript Dockerfile language server (the reference the
# benchmark compares against) into a cache folder outside the repository and
# prints the path of its docker-langserver executable.
#
#   scripts/bench/install-ts-server.sh            # installs once, then reuses
#   TS_SERVER_VERSION=0.15.0 DFLS_CACHE=/some/dir scripts/bench/install-ts-server.sh
#
# Uses npm with its ordinary configuration (the registry npm is set up for).
set -euo pipefail

VERSION="${TS_SERVER_VERSION:-0.15.0}"
CACHE="${DFLS_CACHE:-$HOME/.cache/dockerfile-ls}"
DEST="$CACHE/ts-server-$VERSION"
BIN="$DEST/node_modules/.bin/docker-langserver"

if [[ -x "$BIN" ]]; then
  echo "$BIN"
  exit 0
fi
command -v npm >/dev/null 2>&1 || { echo "install-ts-server: npm not found (Node 20+ with npm is needed)" >&2; exit 1; }

rm -rf "$DEST.tmp"
mkdir -p "$DEST.tmp"
(cd "$DEST.tmp" && npm install --no-save --no-package-lock --no-audit --no-fund --loglevel=error \
  "dockerfile-language-server-nodejs@$VERSION") >&2 || { echo "install-ts-server: npm install failed" >&2; exit 1; }
rm -rf "$DEST"
mv "$DEST.tmp" "$DEST"
[[ -x "$BIN" ]] || { echo "install-ts-server: $BIN missing after install" >&2; exit 1; }
echo "$BIN"
