#!/usr/bin/env bash
# Headless Neovim test of the copy-paste configs in editors/nvim: runs the
# config for the Neovim installed, as init.lua would, then
# editors/nvim/test/smoke.lua opens the fixture Dockerfile, waits for the
# CopyBeforeInstall diagnostic, applies the quick fix and checks the buffer
# and the file on disk.
#
#   Neovim 0.11+      snippets/nvim-0.11.lua, then lsp/dockerfile_ls.lua on
#                     the runtimepath + vim.lsp.enable (two runs)
#   Neovim 0.8-0.10   snippets/nvim-0.8.lua
#   Neovim 0.7        snippets/nvim-0.7.lua
#
# It also checks that editors/nvim/README.md shows each snippet verbatim.
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

phase "snippets shown verbatim in editors/nvim/README.md"
NVIM_DIR="$ROOT/editors/nvim"
readme="$(cat "$NVIM_DIR/README.md")"
for f in "$NVIM_DIR"/snippets/*.lua; do
  [[ "$readme" == *"$(cat "$f")"* ]] || die "editors/nvim/README.md does not show ${f#"$ROOT"/} as it is"
done
echo "   ok"

phase "server binary"
BIN="$(server_bin "$TMPD/dockerfile-ls")"
# The configs start `dockerfile-ls` from PATH, as a user's would.
mkdir -p "$TMPD/path"
ln -sf "$BIN" "$TMPD/path/dockerfile-ls"
echo "   $BIN"

# nvim_configs prints the configs for the Neovim installed, one a line.
nvim_configs() {
  local v major minor
  v="$(nvim --version | head -1 | sed -E 's/^NVIM v([0-9]+)\.([0-9]+).*/\1 \2/')"
  read -r major minor <<<"$v"
  if ((major > 0 || minor >= 11)); then
    printf "vim.opt.runtimepath:prepend('%s')\nvim.lsp.enable('dockerfile_ls')\n" "$NVIM_DIR" >"$TMPD/init-lsp-dir.lua"
    echo "$NVIM_DIR/snippets/nvim-0.11.lua"
    echo "$TMPD/init-lsp-dir.lua"
  elif ((minor >= 8)); then
    echo "$NVIM_DIR/snippets/nvim-0.8.lua"
  elif ((minor == 7)); then
    echo "$NVIM_DIR/snippets/nvim-0.7.lua"
  else
    die "Neovim $major.$minor is older than any config in editors/nvim (0.7+)"
  fi
}

mapfile -t CONFIGS < <(nvim_configs)
[[ ${#CONFIGS[@]} -gt 0 ]] || die "no config for $(nvim --version | head -1)"
for cfg in "${CONFIGS[@]}"; do
  name="${cfg#"$ROOT"/}"
  [[ "$cfg" == "$TMPD"/* ]] && name="lsp/dockerfile_ls.lua + vim.lsp.enable"
  phase "run neovim: $name"
  rm -rf "$TMPD/ws" "$TMPD/xdg/state"/* "$TMPD/xdg/cache"/*
  write_fixture "$TMPD/ws"
  rc=0
  env XDG_CONFIG_HOME="$TMPD/xdg/config" XDG_DATA_HOME="$TMPD/xdg/data" \
    XDG_STATE_HOME="$TMPD/xdg/state" XDG_CACHE_HOME="$TMPD/xdg/cache" \
    PATH="$TMPD/path:$PATH" DFLS_WORKDIR="$TMPD/ws" \
    timeout 180 nvim --headless -u NONE -i NONE -n \
    -c "luafile $cfg" -c "luafile $ROOT/editors/nvim/test/smoke.lua" </dev/null || rc=$?
  if [[ $rc -ne 0 ]]; then
    log="$(find "$TMPD/xdg" -name 'lsp.log' 2>/dev/null | head -1)"
    if [[ -n "$log" ]]; then
      echo "--- last lines of $log:" >&2
      tail -40 "$log" >&2
    fi
    [[ $rc -eq 124 ]] && die "neovim test ($name) timed out after 180s"
    die "neovim test ($name) failed (exit $rc)"
  fi
  check_fixed "$TMPD/ws/Dockerfile" || die "Dockerfile on disk is not the fixed one ($name)"
  # Neovim logs the server's stderr in lsp.log: a warning there (settings the
  # server could not read, say) fails the config even though defaults pass.
  if find "$TMPD/xdg" -name lsp.log -exec grep -hE 'level=(WARN|ERROR)' {} + | grep .; then
    die "the server logged the warnings above with $name"
  fi
  echo "   PASS $name with $(nvim --version | head -1)"
done
echo "PASS [test-nvim.sh] $(nvim --version | head -1): ${#CONFIGS[@]} config(s), diagnostic + quick fix"
