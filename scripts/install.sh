#!/usr/bin/env bash
# Puts bin/dockerfile-ls (from `make build`) on the user's PATH: into $GOBIN
# when it is set, else ~/.local/bin (created if missing). Prints where it
# went, and warns on stderr when that folder is not on PATH or another
# dockerfile-ls comes first.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SRC="$ROOT/bin/dockerfile-ls"

die() {
  echo "install.sh: $*" >&2
  exit 1
}

warn() {
  echo "install.sh: warning: $*" >&2
}

# on_path reports whether the folder $1 is one of PATH's entries.
on_path() {
  local dir entry entries
  dir="${1%/}"
  IFS=: read -ra entries <<<"${PATH:-}"
  for entry in "${entries[@]}"; do
    [[ "${entry%/}" == "$dir" ]] && return 0
  done
  return 1
}

# path_hint prints the line that puts $1 on PATH, for the user's shell.
path_hint() {
  case "$(basename "${SHELL:-sh}")" in
    bash) echo "echo 'export PATH=\"$1:\$PATH\"' >> ~/.bashrc" ;;
    zsh) echo "echo 'export PATH=\"$1:\$PATH\"' >> ~/.zshrc" ;;
    fish) echo "fish_add_path '$1'" ;;
    *) echo "echo 'export PATH=\"$1:\$PATH\"' >> ~/.profile" ;;
  esac
}

[[ -x "$SRC" ]] || die "$SRC not found: run 'make build' first"
if [[ -n "${GOBIN:-}" ]]; then
  dest="$GOBIN"
else
  [[ -n "${HOME:-}" ]] || die "neither GOBIN nor HOME is set"
  dest="$HOME/.local/bin"
fi
mkdir -p "$dest" || die "cannot create $dest"

# Copy then rename: a running server (an open editor) keeps its old file,
# where writing over it in place fails with "text file busy".
tmp="$(mktemp "$dest/.dockerfile-ls.XXXXXX")" || die "cannot write to $dest"
trap 'rm -f "$tmp"' EXIT
if ! { cp "$SRC" "$tmp" && chmod 0755 "$tmp" && mv -f "$tmp" "$dest/dockerfile-ls"; }; then
  die "cannot install into $dest"
fi
echo "installed $dest/dockerfile-ls ($("$dest/dockerfile-ls" version))"

if ! on_path "$dest"; then
  warn "$dest is not on your PATH; to add it, run this, then open a new shell:"
  echo "    $(path_hint "$dest")" >&2
elif found="$(command -v dockerfile-ls)" && ! [[ "$found" -ef "$dest/dockerfile-ls" ]]; then
  warn "$found comes first on your PATH, so 'dockerfile-ls' runs that one, not $dest/dockerfile-ls"
fi
