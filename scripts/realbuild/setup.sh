#!/usr/bin/env bash
# setup.sh — prepare the real-build oracle (internal/realbuild): base images
# that real-world Dockerfiles can build on, made offline from the Debian
# archive this machine's apt uses, with no registry. Idempotent: every step
# is skipped when its result exists; it prints how long it took.
#
# What it leaves in $DOCKERFILE_LS_REALBUILD_DIR (default
# /var/cache/dockerfile-ls-realbuild/v$recipe), each an OCI layout holding one
# image:
#   bookworm/       debootstrap --variant=minbase bookworm, with the apt and
#                   dpkg configuration of the official debian:bookworm image
#                   (debuerreotype's minimizing config), this machine's apt
#                   sources and acquisition settings and its CA certificates
#   bookworm-slim/  the same, slimmed as debian:bookworm-slim is (dpkg
#                   path-excludes, no docs, man pages or locales)
#   node/           bookworm + Debian's nodejs, npm, yarnpkg (as yarn), the
#                   user node (1000:1000, /home/node), this machine's npm
#                   registry and CA configuration
#   python/         bookworm + python3, pip, venv; python and pip on PATH, no
#                   EXTERNALLY-MANAGED marker; pip installs from the local
#                   wheels in /opt/wheels (the index is not reachable here)
# and buildkitd/buildctl from scripts/buildkit-setup.sh.
#
# Needs root (apt-get, debootstrap, buildkitd) and the Go toolchain. Nothing
# here names a registry or mirror: they are read from this machine's config.
set -euo pipefail
started=$SECONDS

repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
here="$repo_root/scripts/realbuild"
cd "$repo_root"

log() { printf 'realbuild-setup: %s\n' "$*" >&2; }

# recipe changes whenever what the images hold changes, so that a machine
# set up by an older script builds new images beside the old ones.
recipe=1
dir=${DOCKERFILE_LS_REALBUILD_DIR:-/var/cache/dockerfile-ls-realbuild/v$recipe}
mkdir -p "$dir"

# 1. BuildKit (and runc) as the cache oracle has it.
bk=$(bash "$repo_root/scripts/buildkit-setup.sh")
buildkitd=$(sed -n 's/^buildkitd=//p' <<<"$bk")
buildctl=$(sed -n 's/^buildctl=//p' <<<"$bk")

# 2. debootstrap, from the same apt.
if ! command -v debootstrap >/dev/null 2>&1; then
	log "installing debootstrap with apt-get"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	apt-get install -y -qq --no-install-recommends debootstrap >/dev/null
fi

source "$here/machine.sh"
source "$here/rootfs.sh"
source "$here/layout.sh"

# 3. The root filesystems.
work=$(mktemp -d "$dir/.work.XXXXXX")
daemon_pid=""
cleanup() {
	if [ -n "$daemon_pid" ]; then
		kill "$daemon_pid" 2>/dev/null || true
		wait "$daemon_pid" 2>/dev/null || true
	fi
	# A daemon just stopped may still be unmounting its snapshots.
	rm -rf "$work" 2>/dev/null || { sleep 2 && rm -rf "$work"; } || true
}
trap cleanup EXIT

if [ ! -f "$dir/bookworm/index.json" ] || [ ! -f "$dir/bookworm-slim/index.json" ]; then
	mirror=$(debian_mirror)
	[ -n "$mirror" ] || { log "apt has no bookworm source on this machine"; exit 1; }
	log "debootstrap --variant=minbase bookworm (a few minutes)"
	t0=$SECONDS
	debootstrap --variant=minbase bookworm "$work/rootfs" "$mirror" >"$work/debootstrap.log" 2>&1 ||
		{ tail -30 "$work/debootstrap.log" >&2; exit 1; }
	log "debootstrap took $((SECONDS - t0))s"
	configure_rootfs "$work/rootfs"
	pack_layout "$work/rootfs" "$dir/bookworm" bookworm
	slimify_rootfs "$work/rootfs"
	pack_layout "$work/rootfs" "$dir/bookworm-slim" bookworm-slim
	rm -rf "$work/rootfs"
fi

# 4. node and python, built FROM bookworm by BuildKit so that their files
#    keep their owners (the node user's home).
start_buildkitd() {
	local sock="$work/buildkitd.sock"
	mkdir -p "$work/tmp"
	TMPDIR="$work/tmp" "$buildkitd" --root "$work/bkroot" --addr "unix://$sock" \
		--oci-worker=true --containerd-worker=false --oci-worker-net=host \
		--otel-socket-path "$work/otel.sock" --cdi-disabled >"$work/buildkitd.log" 2>&1 &
	daemon_pid=$!
	for _ in $(seq 1 100); do
		"$buildctl" --addr "unix://$sock" debug workers >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	cat "$work/buildkitd.log" >&2
	return 1
}

# derive builds $here/<name>.Dockerfile FROM the bookworm layout, with the
# context folder it is given, into the layout $dir/<name>.
derive() {
	local name=$1 ctx=$2
	[ -f "$dir/$name/index.json" ] && return 0
	[ -n "$daemon_pid" ] || start_buildkitd
	log "building the $name image"
	local t0=$SECONDS digest
	digest=$(layout_digest "$dir/bookworm")
	if ! timeout 900 "$buildctl" --addr "unix://$work/buildkitd.sock" build \
		--frontend dockerfile.v0 --local context="$ctx" --local dockerfile="$here" \
		--opt filename="$name.Dockerfile" --opt cmdline= \
		--oci-layout "bookworm=$dir/bookworm" \
		--opt "context:realbuild-bookworm=oci-layout://bookworm@$digest" \
		--progress=plain --output "type=oci,dest=$work/$name,tar=false,name=$name" \
		>"$work/$name.log" 2>&1; then
		tail -40 "$work/$name.log" >&2
		exit 1
	fi
	rm -rf "$work/$name/ingest" "$dir/$name"
	mv "$work/$name" "$dir/$name"
	log "$name took $((SECONDS - t0))s"
}

mkdir -p "$work/node-ctx" "$work/python-ctx"
machine_npmrc >"$work/node-ctx/npmrc"
{
	printf '[global]\n# The index is not reachable here: local wheels only.\nno-index = true\nfind-links = /opt/wheels\n'
	cert=$(machine_pip_cert)
	[ -z "$cert" ] || printf 'cert = %s\n' "$cert"
} >"$work/python-ctx/pip.conf"
derive node "$work/node-ctx"
derive python "$work/python-ctx"

for name in bookworm bookworm-slim node python; do
	echo "$name=$dir/$name@$(layout_digest "$dir/$name")"
done
echo "DOCKERFILE_LS_REALBUILD_DIR=$dir"
log "took $((SECONDS - started))s"
