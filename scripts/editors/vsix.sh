#!/usr/bin/env bash
# Builds the VS Code extension packages (.vsix) into editors/vscode/dist-vsix/:
# one per platform with the dockerfile-ls binary inside (built with
# GOOS/GOARCH into editors/vscode/bin/, stamped with the extension's version),
# or a universal one without it.
#
#   scripts/editors/vsix.sh                      # this machine's platform only
#   scripts/editors/vsix.sh all                  # every platform + universal
#   scripts/editors/vsix.sh linux-arm64          # one platform
#   scripts/editors/vsix.sh linux-x64 universal  # a subset
#   PLATFORM=all scripts/editors/vsix.sh         # the same, from the environment
#
# Arguments win over $PLATFORM; empty ones are ignored, so the Makefile's
# `vsix.sh $(PLATFORM)` builds the host platform when PLATFORM is unset.
# PLATFORM may list several, separated by spaces or commas.
#
# Env: PLATFORM, VSIX_OUT (output folder), DFLS_BIN (put this prebuilt binary
# in the host platform's package instead of building one; for tests).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

EXT="$ROOT/editors/vscode"
OUT="${VSIX_OUT:-$EXT/dist-vsix}"
ALL=("${VSCODE_PLATFORMS[@]}" universal)

# set_targets sets TARGETS to the packages to build: from the arguments,
# else $PLATFORM, else the host platform ("all" stands for every one).
set_targets() {
  local words=() w
  for w in "$@"; do [[ -n "$w" ]] && words+=("$w"); done
  if [[ ${#words[@]} -eq 0 && -n "${PLATFORM:-}" ]]; then
    read -r -a words <<<"${PLATFORM//,/ }"
  fi
  if [[ ${#words[@]} -eq 0 ]]; then
    w="$(vscode_host_target)"
    [[ -n "$w" ]] || die "no VS Code platform for $(uname -s)/$(uname -m); build PLATFORM=universal (uses dockerfile-ls from PATH) or one of: ${ALL[*]}"
    words=("$w")
  fi
  TARGETS=()
  for w in "${words[@]}"; do
    [[ "$w" == all || " ${ALL[*]} " == *" $w "* ]] || die "unknown platform '$w' (one of: all ${ALL[*]})"
  done
  for w in "${ALL[@]}"; do
    if [[ " ${words[*]} " == *" $w "* || " ${words[*]} " == *" all "* ]]; then TARGETS+=("$w"); fi
  done
}

set_targets "$@"
command -v node >/dev/null 2>&1 || die "node not found (Node 20+ is needed)"
command -v npm >/dev/null 2>&1 || die "npm not found"

VERSION="$(node -p "require('$EXT/package.json').version")"
echo "== [vsix.sh] dockerfile-ls $VERSION for: ${TARGETS[*]}"

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

# put_server TARGET EXE: writes the server for TARGET to editors/vscode/bin/EXE,
# stamped with the extension's version.
put_server() {
  local t="$1" exe="$2" goos="${1%-*}" goarch="${1#*-}"
  [[ "$goos" == win32 ]] && goos=windows
  [[ "$goarch" == x64 ]] && goarch=amd64
  mkdir -p "$EXT/bin"
  if [[ -n "${DFLS_BIN:-}" && "$t" == "$(vscode_host_target)" ]]; then
    [[ -x "$DFLS_BIN" ]] || die "DFLS_BIN=$DFLS_BIN is not executable"
    cp "$DFLS_BIN" "$EXT/bin/$exe"
  else
    [[ -d "$ROOT/cmd/dockerfile-ls" ]] || die "no $ROOT/cmd/dockerfile-ls to build (set DFLS_BIN for a host-platform package)"
    command -v go >/dev/null 2>&1 || die "go not found on PATH"
    (cd "$ROOT" && CGO_ENABLED=0 GOOS="$goos" GOARCH="$goarch" \
      go build -trimpath -ldflags="-s -w -X main.version=$VERSION" -o "$EXT/bin/$exe" ./cmd/dockerfile-ls) ||
      die "go build for $goos/$goarch failed"
  fi
  chmod +x "$EXT/bin/$exe"
}

# check_version EXE: the host platform's binary must say the extension's
# version (a DFLS_BIN from elsewhere may not: then only a warning).
check_version() {
  local got
  got="$("$EXT/bin/$1" version)" || die "$EXT/bin/$1 version failed"
  echo "   $got"
  if [[ "$got" != "dockerfile-ls $VERSION" ]]; then
    [[ -n "${DFLS_BIN:-}" ]] || die "the bundled server says '$got', want 'dockerfile-ls $VERSION'"
    echo "   warning: DFLS_BIN is not stamped with the extension's version $VERSION"
  fi
}

for t in "${TARGETS[@]}"; do
  rm -rf "${EXT:?}/bin"
  if [[ "$t" == universal ]]; then
    file="$OUT/dockerfile-ls-$VERSION.vsix"
    target_args=()
  else
    phase "server binary $t"
    file="$OUT/dockerfile-ls-$t-$VERSION.vsix"
    exe=dockerfile-ls
    [[ "$t" == win32-* ]] && exe=dockerfile-ls.exe
    put_server "$t" "$exe"
    if [[ "$t" == "$(vscode_host_target)" ]]; then check_version "$exe"; fi
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
