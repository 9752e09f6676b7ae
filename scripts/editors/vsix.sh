#!/usr/bin/env bash
# Builds the VS Code extension packages (.vsix) into editors/vscode/dist-vsix/:
# one per platform with the dockerfile-ls binary inside (cross-compiled with
# GOOS/GOARCH into editors/vscode/bin/), plus a universal one without it.
#
#   scripts/editors/vsix.sh                      # all platforms + universal
#   scripts/editors/vsix.sh linux-x64 universal  # a subset
#
# Env: VSIX_OUT (output folder), DFLS_BIN (use this prebuilt binary for the
# host platform's package instead of cross-compiling; for tests).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

EXT="$ROOT/editors/vscode"
OUT="${VSIX_OUT:-$EXT/dist-vsix}"
ALL=(linux-x64 linux-arm64 darwin-x64 darwin-arm64 win32-x64 universal)
TARGETS=("$@")
[[ ${#TARGETS[@]} -eq 0 ]] && TARGETS=("${ALL[@]}")

for t in "${TARGETS[@]}"; do
  [[ " ${ALL[*]} " == *" $t "* ]] || die "unknown target '$t' (one of: ${ALL[*]})"
done
command -v node >/dev/null 2>&1 || die "node not found (Node 20+ is needed)"
command -v npm >/dev/null 2>&1 || die "npm not found"

VERSION="$(node -p "require('$EXT/package.json').version")"

phase "npm ci (editors/vscode)"
if [[ ! -d "$EXT/node_modules" || "$EXT/package-lock.json" -nt "$EXT/node_modules/.package-lock.json" ]]; then
  (cd "$EXT" && npm ci --no-audit --no-fund) || die "npm ci failed in editors/vscode"
else
  echo "   node_modules up to date"
fi

phase "typecheck"
(cd "$EXT" && npm run --silent check) || die "extension typecheck failed"

mkdir -p "$OUT"
# bin/ only ever holds the binary of the package being built.
on_exit "rm -rf '$EXT/bin'"

host_target() {
  local os arch
  case "$(uname -s)" in Linux) os=linux ;; Darwin) os=darwin ;; *) os=other ;; esac
  case "$(uname -m)" in x86_64 | amd64) arch=x64 ;; aarch64 | arm64) arch=arm64 ;; *) arch=other ;; esac
  echo "$os-$arch"
}

for t in "${TARGETS[@]}"; do
  rm -rf "$EXT/bin"
  file="$OUT/dockerfile-ls-$t-$VERSION.vsix"
  if [[ "$t" == universal ]]; then
    file="$OUT/dockerfile-ls-$VERSION.vsix"
    target_args=()
  else
    phase "go build $t"
    goos="${t%-*}"
    goarch="${t#*-}"
    [[ "$goos" == win32 ]] && goos=windows
    [[ "$goarch" == x64 ]] && goarch=amd64
    exe=dockerfile-ls
    [[ "$goos" == windows ]] && exe=dockerfile-ls.exe
    mkdir -p "$EXT/bin"
    if [[ -n "${DFLS_BIN:-}" && "$t" == "$(host_target)" ]]; then
      [[ -x "$DFLS_BIN" ]] || die "DFLS_BIN=$DFLS_BIN is not executable"
      cp "$DFLS_BIN" "$EXT/bin/$exe"
    else
      [[ -d "$ROOT/cmd/dockerfile-ls" ]] || die "no $ROOT/cmd/dockerfile-ls to build (set DFLS_BIN for a host-platform package)"
      command -v go >/dev/null 2>&1 || die "go not found on PATH"
      (cd "$ROOT" && CGO_ENABLED=0 GOOS="$goos" GOARCH="$goarch" \
        go build -trimpath -ldflags='-s -w' -o "$EXT/bin/$exe" ./cmd/dockerfile-ls) ||
        die "go build for $goos/$goarch failed"
    fi
    chmod +x "$EXT/bin/$exe"
    target_args=(--target "$t")
  fi
  phase "vsce package $t"
  (cd "$EXT" && npx --no-install vsce package --no-dependencies \
    "${target_args[@]}" --out "$file" </dev/null) || die "vsce package $t failed"
  echo "   $file ($(du -h "$file" | cut -f1))"
done
phase_end
echo "== packages in $OUT:"
ls -1 "$OUT"
