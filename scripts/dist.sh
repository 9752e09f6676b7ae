#!/usr/bin/env bash
# Builds the release archives into dist/: one per platform, each holding the
# static binary (version stamped in), LICENSE and README.md, plus
# dist/SHA256SUMS. docs/RELEASING.md says when to run it.
#
#   scripts/dist.sh                          # linux, darwin, windows x amd64, arm64
#   scripts/dist.sh linux/amd64 darwin/arm64 # a subset
#
# Env: VERSION (default: git describe --tags --always --dirty),
# SOURCE_DATE_EPOCH (the files' mtime inside the archives; default: the
# commit's time, so two runs on one commit give the same bytes).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUT="$ROOT/dist"
ALL=(linux/amd64 linux/arm64 darwin/amd64 darwin/arm64 windows/amd64 windows/arm64)
start=$(date +%s)

die() {
  echo "dist.sh: $*" >&2
  exit 1
}

# release_version is VERSION if given, else what git describe says of the
# checkout (v0.1.0, v0.1.0-3-gabc1234, abc1234-dirty).
release_version() {
  if [[ -n "${VERSION:-}" ]]; then
    echo "$VERSION"
  else
    git -C "$ROOT" describe --tags --always --dirty 2>/dev/null || echo dev
  fi
}

# source_epoch is the mtime given to every file in the archives: the same for
# every run on one commit, so the archives are byte-for-byte reproducible.
source_epoch() {
  if [[ -n "${SOURCE_DATE_EPOCH:-}" ]]; then
    echo "$SOURCE_DATE_EPOCH"
  else
    git -C "$ROOT" log -1 --format=%ct 2>/dev/null || echo 0
  fi
}

# build_binary cross-compiles the server for $1 (GOOS) $2 (GOARCH) into $3,
# static and without local paths, as `make build` does.
build_binary() {
  (cd "$ROOT" && CGO_ENABLED=0 GOOS="$1" GOARCH="$2" \
    go build -trimpath -ldflags "-s -w -X main.version=$version" -o "$3" ./cmd/dockerfile-ls) ||
    die "go build for $1/$2 failed"
}

# check_stamp runs the binary when it is for this machine: a version that did
# not reach main.version (a renamed variable) fails the release here.
check_stamp() {
  local goos=$1 goarch=$2 bin=$3 got
  [[ "$goos/$goarch" == "$(go env GOHOSTOS)/$(go env GOHOSTARCH)" ]] || return 0
  got="$("$bin" version)" || die "$bin version failed"
  [[ "$got" == "dockerfile-ls $version" ]] || die "$bin version says '$got', want 'dockerfile-ls $version'"
}

# archive_name is the file name of $1 (GOOS) $2 (GOARCH)'s archive: .zip
# for windows, where tar.gz is not opened by a double click, else .tar.gz.
archive_name() {
  local ext=tar.gz
  [[ "$1" == windows ]] && ext=zip
  echo "dockerfile-ls_${version}_$1_$2.$ext"
}

# pack writes the staging folder $1 (holding the binary $2) into dist/$3:
# files sorted, owned by 0:0, with mode and mtime fixed.
pack() {
  local stage=$1 exe=$2 file=$3
  chmod 0755 "$stage/$exe"
  chmod 0644 "$stage/LICENSE" "$stage/README.md"
  touch -d "@$epoch" "$stage"/*
  if [[ "$file" == *.zip ]]; then
    # zip stores local time: UTC makes it the same everywhere; -X drops
    # the uid/gid and extra timestamps.
    (cd "$stage" && TZ=UTC zip -q -X "$OUT/$file" LICENSE README.md "$exe") || die "zip $file failed"
  else
    tar -C "$stage" --sort=name --mtime="@$epoch" --owner=0 --group=0 --numeric-owner \
      -cf - LICENSE README.md "$exe" | gzip -n -9 >"$OUT/$file" || die "tar $file failed"
  fi
}

version="$(release_version)"
[[ "$version" =~ ^[A-Za-z0-9._+-]+$ ]] || die "VERSION '$version' must be letters, digits and . _ + - (it names files)"
epoch="$(source_epoch)"
targets=("$@")
[[ ${#targets[@]} -eq 0 ]] && targets=("${ALL[@]}")
for t in "${targets[@]}"; do
  [[ " ${ALL[*]} " == *" $t "* ]] || die "unknown target '$t' (one of: ${ALL[*]})"
done
for tool in go tar gzip zip sha256sum; do
  command -v "$tool" >/dev/null || die "$tool not found on PATH"
done

mkdir -p "$OUT"
# SHA256SUMS lists exactly this run's archives: drop an earlier run's.
rm -f "$OUT"/dockerfile-ls_* "$OUT/SHA256SUMS"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

archives=()
for t in "${targets[@]}"; do
  goos="${t%/*}"
  goarch="${t#*/}"
  exe=dockerfile-ls
  [[ "$goos" == windows ]] && exe=dockerfile-ls.exe
  stage="$work/$goos-$goarch"
  mkdir -p "$stage"
  echo "== $goos/$goarch"
  build_binary "$goos" "$goarch" "$stage/$exe"
  check_stamp "$goos" "$goarch" "$stage/$exe"
  cp "$ROOT/LICENSE" "$ROOT/README.md" "$stage/"
  archives+=("$(archive_name "$goos" "$goarch")")
  pack "$stage" "$exe" "${archives[-1]}"
done

(cd "$OUT" && LC_ALL=C sha256sum "${archives[@]}" | LC_ALL=C sort -k2 >SHA256SUMS) || die "sha256sum failed"
echo "== dist/ for $version ($(($(date +%s) - start))s):"
(cd "$OUT" && ls -l "${archives[@]}" SHA256SUMS)
