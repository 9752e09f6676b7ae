#!/usr/bin/env bash
# Headless Neovim smoke test for dockerfile-ls: opens the fixture Dockerfile,
# waits for the CopyBeforeInstall diagnostic, applies the quick fix and checks
# the buffer and the file on disk. See editors/nvim/test/smoke.lua.
#
#   scripts/editors/test-nvim.sh            # builds ./cmd/dockerfile-ls
#   DFLS_BIN=/path/to/dockerfile-ls scripts/editors/test-nvim.sh
#
# Env: DFLS_BIN, KEEP_TMP=1, DFLS_TIMEOUT_MS (per wait, default 20000).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

make_tmp nvim
mkdir -p "$TMPD/xdg/config" "$TMPD/xdg/data" "$TMPD/xdg/state" "$TMPD/xdg/cache"

phase "install neovim"
command -v nvim >/dev/null 2>&1 || apt_install neovim
echo "   $(nvim --version | head -1)"

phase "lua syntax (editors/nvim)"
env XDG_CONFIG_HOME="$TMPD/xdg/config" XDG_DATA_HOME="$TMPD/xdg/data" XDG_STATE_HOME="$TMPD/xdg/state" \
  XDG_CACHE_HOME="$TMPD/xdg/cache" DFLS_NVIM_DIR="$ROOT/editors/nvim" \
  timeout 60 nvim --headless -u NONE -i NONE -n \
  -c 'lua local bad = 0; for _, f in ipairs(vim.fn.globpath(os.getenv("DFLS_NVIM_DIR"), "**/*.lua", false, true)) do local fn, err = loadfile(f); if not fn then io.stderr:write(err .. "\n"); bad = bad + 1 end end; if bad > 0 then vim.cmd("cquit! 1") end' \
  -c 'qall!' </dev/null || die "a Lua file under editors/nvim does not parse"
echo "   ok"

phase "server binary"
BIN="$(server_bin "$TMPD/dockerfile-ls")"
echo "   $BIN"

phase "run neovim test"
write_fixture "$TMPD/ws"
rc=0
env XDG_CONFIG_HOME="$TMPD/xdg/config" XDG_DATA_HOME="$TMPD/xdg/data" \
  XDG_STATE_HOME="$TMPD/xdg/state" XDG_CACHE_HOME="$TMPD/xdg/cache" \
  DFLS_BIN="$BIN" DFLS_WORKDIR="$TMPD/ws" \
  timeout 180 nvim --headless -u NONE -i NONE -n \
  -c "luafile $ROOT/editors/nvim/test/smoke.lua" </dev/null || rc=$?
if [[ $rc -ne 0 ]]; then
  log="$(find "$TMPD/xdg" -name 'lsp.log' 2>/dev/null | head -1)"
  if [[ -n "$log" ]]; then
    echo "--- last lines of $log:" >&2
    tail -40 "$log" >&2
  fi
  [[ $rc -eq 124 ]] && die "neovim test timed out after 180s"
  die "neovim test failed (exit $rc)"
fi
check_fixed "$TMPD/ws/Dockerfile" || die "Dockerfile on disk is not the fixed one"
echo "PASS [test-nvim.sh] neovim: diagnostic + quick fix"
