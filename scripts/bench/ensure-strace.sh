#!/usr/bin/env bash
# Installs strace (Debian's package) when it is missing. The security test
# (server/abuse_test.go, TestSecurityNoNetworkExecOrEscape) skips without it
# outside CI and fails without it under CI=true, so CI runs this first.
set -euo pipefail
if command -v strace >/dev/null 2>&1; then
  exit 0
fi
command -v apt-get >/dev/null 2>&1 || { echo "ensure-strace: no apt-get; install strace by hand" >&2; exit 1; }
SUDO=""
if [[ $(id -u) -ne 0 ]]; then SUDO="sudo"; fi
$SUDO apt-get -o DPkg::Lock::Timeout=600 update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends strace >/dev/null
strace -V | head -1
