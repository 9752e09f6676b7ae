#!/usr/bin/env bash
# Builds the VS Code extension for this machine's platform (the server
# inside, stamped with the extension's version) and installs it into the
# first editor found of: code (VS Code), codium (VSCodium), code-server.
# Prints the one install command it ran. `make vscode` runs this.
#
#   scripts/editors/install-vscode.sh
#   VSCODE_CLI=code-insiders scripts/editors/install-vscode.sh   # another CLI
#
# Exit codes: 0 installed; 1 build or install failed; 2 no editor CLI found
# (the message names the .vsix to install by hand).
#
# Env: VSCODE_CLI (the editor's command-line program, name or path; wins over
# the search), VSIX_OUT (see vsix.sh).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

EXT="$ROOT/editors/vscode"
OUT="${VSIX_OUT:-$EXT/dist-vsix}"
CANDIDATES=(code codium code-server)

# find_cli prints the editor CLI to install into, as it is typed (a name
# on PATH, or VSCODE_CLI as given), or nothing.
find_cli() {
  if [[ -n "${VSCODE_CLI:-}" ]]; then
    command -v "$VSCODE_CLI" >/dev/null 2>&1 || die "VSCODE_CLI=$VSCODE_CLI is not a program"
    echo "$VSCODE_CLI"
    return
  fi
  local c
  for c in "${CANDIDATES[@]}"; do
    if command -v "$c" >/dev/null 2>&1; then
      echo "$c"
      return
    fi
  done
}

command -v node >/dev/null 2>&1 || die "node not found (Node 20+ is needed to build the extension)"
VERSION="$(node -p "require('$EXT/package.json').version")"
EXT_ID="$(node -p "const p = require('$EXT/package.json'); p.publisher + '.' + p.name")"

# vsix.sh with no argument and no PLATFORM builds the host platform only.
PLATFORM='' bash "$ROOT/scripts/editors/vsix.sh"
HOST="$(vscode_host_target)"
VSIX="$OUT/dockerfile-ls-$HOST-$VERSION.vsix"
[[ -f "$VSIX" ]] || die "vsix.sh did not write $VSIX"

CLI="$(find_cli)"
if [[ -z "$CLI" ]]; then
  echo "No VS Code command-line program found (looked for: ${CANDIDATES[*]} on PATH)." >&2
  echo "Install the extension by hand: Extensions view > ... > Install from VSIX..., and pick" >&2
  echo "  $VSIX" >&2
  echo "or run <your editor's CLI> --install-extension $VSIX (VSCODE_CLI=<program> does it for you)." >&2
  exit 2
fi

echo "$CLI --install-extension $VSIX --force"
"$CLI" --install-extension "$VSIX" --force || die "$CLI --install-extension failed"
# --force reinstalls the same version (a rebuilt package); the editor must
# now list this version.
"$CLI" --list-extensions --show-versions 2>/dev/null | grep -qix "$EXT_ID@$VERSION" ||
  die "$CLI --list-extensions does not show $EXT_ID@$VERSION after the install"
echo "installed $EXT_ID@$VERSION into $CLI; reload the editor window to start it"
