# Shared helpers for scripts/editors/*.sh. Source it; do not run it.
# shellcheck shell=bash

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
CACHE="${DFLS_CACHE:-$HOME/.cache/dockerfile-ls}"
SCRIPT_NAME="$(basename "${BASH_SOURCE[1]:-$0}")"

# ---- timing ---------------------------------------------------------------
_T0=$(date +%s%N)
_PHASE=""
_PHASE_T0=0
_TIMINGS=()

_ms_since() { echo $((($(date +%s%N) - $1) / 1000000)); }
_fmt_ms() { printf '%d.%01ds' $(($1 / 1000)) $((($1 % 1000) / 100)); }

phase_end() {
  if [[ -n "$_PHASE" ]]; then
    local ms
    ms=$(_ms_since "$_PHASE_T0")
    _TIMINGS+=("$(printf '%-40s %8s' "$_PHASE" "$(_fmt_ms "$ms")")")
    echo "-- [$SCRIPT_NAME] $_PHASE: $(_fmt_ms "$ms")"
    _PHASE=""
  fi
}

phase() {
  phase_end
  _PHASE="$1"
  _PHASE_T0=$(date +%s%N)
  echo "== [$SCRIPT_NAME] $1"
}

print_timings() {
  phase_end
  echo "== [$SCRIPT_NAME] timings"
  local t
  for t in "${_TIMINGS[@]}"; do echo "   $t"; done
  printf '   %-40s %8s\n' "total" "$(_fmt_ms "$(_ms_since "$_T0")")"
}

die() {
  echo "ERROR [$SCRIPT_NAME]: $*" >&2
  exit 1
}

# ---- temp folder ------------------------------------------------------------
# make_tmp sets TMPD; it is removed on exit unless KEEP_TMP=1 (or the test
# failed and KEEP_TMP_ON_FAIL=1).
TMPD=""
_CLEANUP_HOOKS=()
on_exit() { _CLEANUP_HOOKS+=("$1"); }
_cleanup() {
  local rc=$?
  local h
  for h in "${_CLEANUP_HOOKS[@]}"; do eval "$h" || true; done
  if [[ -n "$TMPD" && -d "$TMPD" ]]; then
    if [[ "${KEEP_TMP:-0}" == 1 || ( $rc -ne 0 && "${KEEP_TMP_ON_FAIL:-0}" == 1 ) ]]; then
      echo "   (kept temp folder $TMPD)"
    else
      rm -rf "$TMPD"
    fi
  fi
  if [[ ${#_TIMINGS[@]} -gt 0 || -n "$_PHASE" ]]; then print_timings; fi
  if [[ $rc -ne 0 ]]; then
    echo "FAILED [$SCRIPT_NAME] (exit $rc)" >&2
  fi
  exit $rc
}
trap _cleanup EXIT
trap 'exit 130' INT TERM

make_tmp() {
  TMPD="$(mktemp -d "${TMPDIR:-/tmp}/dockerfile-ls-${1:-test}.XXXXXX")"
}

# ---- installs -----------------------------------------------------------------
_SUDO=""
_need_root() {
  if [[ $(id -u) -ne 0 ]]; then
    command -v sudo >/dev/null 2>&1 || die "need root (or sudo) to apt-get install: $*"
    _SUDO="sudo"
  fi
}

# apt_install PKG...: installs the Debian packages that are not installed yet.
_APT_UPDATED=0
apt_install() {
  local missing=() p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  if [[ ${#missing[@]} -eq 0 ]]; then
    echo "   apt: already installed: $*"
    return 0
  fi
  command -v apt-get >/dev/null 2>&1 || die "apt-get not found; install these packages by hand: ${missing[*]}"
  _need_root "${missing[*]}"
  echo "   apt: installing ${missing[*]}"
  if [[ $_APT_UPDATED -eq 0 ]]; then
    $_SUDO apt-get -o DPkg::Lock::Timeout=600 update -qq || die "apt-get update failed"
    _APT_UPDATED=1
  fi
  DEBIAN_FRONTEND=noninteractive $_SUDO apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${missing[@]}" \
    >"${TMPD:-/tmp}/apt-install.log" 2>&1 || {
    tail -30 "${TMPD:-/tmp}/apt-install.log" >&2
    die "apt-get install ${missing[*]} failed (log above)"
  }
}

# ---- VS Code platforms ----------------------------------------------------------
# The platform-specific packages vsix.sh builds (VS Code target names).
VSCODE_PLATFORMS=(linux-x64 linux-arm64 darwin-x64 darwin-arm64 win32-x64)

# vscode_host_target prints this machine's VS Code target (linux-x64,
# darwin-arm64, win32-x64, ...), or nothing when there is no package for it.
vscode_host_target() {
  local os arch
  case "$(uname -s)" in
  Linux) os=linux ;;
  Darwin) os=darwin ;;
  MINGW* | MSYS* | CYGWIN*) os=win32 ;;
  *) return ;;
  esac
  case "$(uname -m)" in
  x86_64 | amd64) arch=x64 ;;
  aarch64 | arm64) arch=arm64 ;;
  *) return ;;
  esac
  if [[ " ${VSCODE_PLATFORMS[*]} " == *" $os-$arch "* ]]; then echo "$os-$arch"; fi
}

# ---- the server binary ----------------------------------------------------------
# server_bin DEST: prints the dockerfile-ls binary to test. $DFLS_BIN wins;
# else builds ./cmd/dockerfile-ls from this checkout to DEST.
server_bin() {
  local dest="$1"
  if [[ -n "${DFLS_BIN:-}" ]]; then
    [[ -x "$DFLS_BIN" ]] || die "DFLS_BIN=$DFLS_BIN is not an executable file"
    echo "$DFLS_BIN"
    return 0
  fi
  [[ -d "$ROOT/cmd/dockerfile-ls" ]] || die "no $ROOT/cmd/dockerfile-ls to build, and DFLS_BIN is not set (point DFLS_BIN at a dockerfile-ls binary)"
  command -v go >/dev/null 2>&1 || die "go not found on PATH (needed to build dockerfile-ls); or set DFLS_BIN"
  (cd "$ROOT" && CGO_ENABLED=0 go build -o "$dest" ./cmd/dockerfile-ls) >&2 || die "go build ./cmd/dockerfile-ls failed"
  echo "$dest"
}

# write_fixture DIR: the workspace used by every editor test.
write_fixture() {
  mkdir -p "$1"
  cat >"$1/Dockerfile" <<'EOF'
FROM python:3.12-slim
WORKDIR /app
COPY . .
RUN pip install -r requirements.txt
CMD ["python", "app.py"]
EOF
  printf 'flask==3.0.3\n' >"$1/requirements.txt"
  printf 'print("hello")\n' >"$1/app.py"
}

EXPECTED_DOCKERFILE='FROM python:3.12-slim
WORKDIR /app
COPY requirements.txt .
RUN pip install -r requirements.txt
COPY . .
CMD ["python", "app.py"]'

# check_fixed FILE: compares FILE with the expected reordered Dockerfile.
check_fixed() {
  local got
  got="$(cat "$1")"
  # ignore trailing newlines
  if [[ "$got" != "$EXPECTED_DOCKERFILE" ]]; then
    echo "--- $1 is:" >&2
    cat "$1" >&2
    echo "--- expected:" >&2
    echo "$EXPECTED_DOCKERFILE" >&2
    return 1
  fi
}
