#!/usr/bin/env bash
# Headless Emacs + Eglot smoke test for dockerfile-ls: opens the fixture
# Dockerfile in dockerfile-mode, waits for the CopyBeforeInstall diagnostic,
# applies the quick fix and checks the file. See editors/emacs/test/smoke.el.
#
#   scripts/editors/test-emacs.sh           # builds ./cmd/dockerfile-ls
#   DFLS_BIN=/path/to/dockerfile-ls scripts/editors/test-emacs.sh
#
# Env: DFLS_BIN, KEEP_TMP=1, DFLS_TIMEOUT_MS (per wait, default 20000).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

make_tmp emacs

phase "install emacs + eglot"
# Emacs 29+ ships Eglot; Debian 12's Emacs 28 needs elpa-eglot.
apt_install emacs-nox elpa-eglot elpa-dockerfile-mode
echo "   $(emacs --version | head -1)"

phase "server binary"
BIN="$(server_bin "$TMPD/dockerfile-ls")"
echo "   $BIN"

phase "run emacs test"
write_fixture "$TMPD/ws"
mkdir -p "$TMPD/home"
rc=0
env HOME="$TMPD/home" XDG_CONFIG_HOME="$TMPD/home/.config" \
  DFLS_BIN="$BIN" DFLS_WORKDIR="$TMPD/ws" \
  timeout 180 emacs --batch -Q -l "$ROOT/editors/emacs/test/smoke.el" </dev/null || rc=$?
if [[ $rc -ne 0 ]]; then
  [[ $rc -eq 124 ]] && die "emacs test timed out after 180s"
  die "emacs test failed (exit $rc)"
fi
check_fixed "$TMPD/ws/Dockerfile" || die "Dockerfile on disk is not the fixed one"
echo "PASS [test-emacs.sh] emacs/eglot: diagnostic + quick fix"
