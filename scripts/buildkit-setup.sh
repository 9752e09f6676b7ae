#!/usr/bin/env bash
# buildkit-setup.sh — prepare a standalone BuildKit for the cache oracle
# (internal/oracle). Idempotent: every step is skipped when its result exists.
#
# What it leaves in $DOCKERFILE_LS_BUILDKIT_DIR (default
# $HOME/.cache/dockerfile-ls/buildkit-<version>/, version read from go.mod so
# the daemon always matches the frontend code the language server links):
#   buildkitd, buildctl   built from the module cache (no prebuilt downloads)
#   busybox-oci/          an OCI layout holding a one-layer busybox image; the
#                         oracle maps every external FROM name onto it, since
#                         base images cannot be pulled on these machines
#
# Needs root (apt-get, and buildkitd's OCI worker) and the Go toolchain.
set -euo pipefail

repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo_root"

log() { printf 'buildkit-setup: %s\n' "$*" >&2; }

version=$(go list -m -f '{{.Version}}' github.com/moby/buildkit)
dir=${DOCKERFILE_LS_BUILDKIT_DIR:-$HOME/.cache/dockerfile-ls/buildkit-$version}
mkdir -p "$dir"

# 1. System packages: runc is the OCI worker's runtime; busybox-static is the
#    one statically linked userland we can put into images without a registry.
missing=()
command -v runc >/dev/null 2>&1 || missing+=(runc)
# Ask dpkg rather than look for /bin/busybox: Debian's plain `busybox`
# package is dynamically linked and would find no libc inside the image.
dpkg -s busybox-static >/dev/null 2>&1 || missing+=(busybox-static)
if [ ${#missing[@]} -gt 0 ]; then
	log "installing ${missing[*]} with apt-get"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
busybox_bin=/bin/busybox

# 2. buildkitd + buildctl. `go install pkg@version` refuses the module because
#    its go.mod has exclude directives, so build inside the (read-only) module
#    cache with -o pointing outside it.
if [ ! -x "$dir/buildkitd" ] || [ ! -x "$dir/buildctl" ]; then
	log "building buildkitd and buildctl $version (about 90 s on 2 cores)"
	go mod download github.com/moby/buildkit@"$version"
	src="$(go env GOMODCACHE)/github.com/moby/buildkit@$version"
	tmp=$(mktemp -d "$dir/.build.XXXXXX")
	(cd "$src" && GOFLAGS=-mod=mod CGO_ENABLED=0 go build -trimpath -o "$tmp/" ./cmd/buildkitd ./cmd/buildctl)
	# Rename last so an interrupted build never leaves a half-written binary
	# that the idempotence check above would accept.
	mv -f "$tmp/buildctl" "$dir/buildctl"
	mv -f "$tmp/buildkitd" "$dir/buildkitd"
	rmdir "$tmp"
fi

# 3. The busybox OCI layout, built by the BuildKit we just made. The final
#    stage copies the whole rootfs so the image has exactly one layer, which
#    keeps LayerCount of fixture images easy to reason about.
layout="$dir/busybox-oci"
if [ ! -f "$layout/index.json" ]; then
	log "building the busybox OCI layout"
	work=$(mktemp -d /tmp/bk-setup.XXXXXX)
	pid=""
	cleanup() {
		if [ -n "$pid" ]; then
			kill "$pid" 2>/dev/null || true
			wait "$pid" 2>/dev/null || true
		fi
		rm -rf "$work" 2>/dev/null || true
	}
	trap cleanup EXIT
	mkdir -p "$work/ctx" "$work/root"
	cp "$busybox_bin" "$work/ctx/busybox"
	cat >"$work/ctx/Dockerfile" <<'EOF'
FROM scratch AS rootfs
COPY busybox /bin/busybox
RUN ["/bin/busybox", "--install", "-s", "/bin"]
RUN ["/bin/busybox", "mkdir", "-p", "/tmp", "/root", "/etc", "/var/cache", "/var/lib", "/usr/bin", "/usr/sbin", "/usr/local/bin", "/sbin"]
RUN ["/bin/busybox", "chmod", "1777", "/tmp"]
FROM scratch
COPY --from=rootfs / /
ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
CMD ["sh"]
EOF
	sock="$work/buildkitd.sock"
	mkdir -p "$work/tmp"
	# TMPDIR: buildkitd leaves empty scratch mount dirs there.
	TMPDIR="$work/tmp" "$dir/buildkitd" --root "$work/root" --addr "unix://$sock" \
		--oci-worker=true --containerd-worker=false \
		--oci-worker-snapshotter="${DOCKERFILE_LS_BUILDKIT_SNAPSHOTTER:-overlayfs}" \
		--oci-worker-net=host --otel-socket-path "$work/otel.sock" --cdi-disabled \
		>"$work/buildkitd.log" 2>&1 &
	pid=$!
	for _ in $(seq 1 100); do
		"$dir/buildctl" --addr "unix://$sock" debug workers >/dev/null 2>&1 && break
		sleep 0.1
	done
	tmp_layout="$work/layout"
	# SOURCE_DATE_EPOCH + rewrite-timestamp make the layout reproducible, so
	# every machine gets the same base digest.
	if ! timeout 300 "$dir/buildctl" --addr "unix://$sock" build \
		--frontend dockerfile.v0 --local context="$work/ctx" --local dockerfile="$work/ctx" \
		--opt cmdline= --opt build-arg:SOURCE_DATE_EPOCH=0 --opt force-network-mode=none \
		--progress=plain \
		--output "type=oci,dest=$tmp_layout,tar=false,rewrite-timestamp=true" >"$work/build.log" 2>&1; then
		cat "$work/build.log" "$work/buildkitd.log" >&2
		exit 1
	fi
	rm -rf "$tmp_layout/ingest"
	rm -rf "$layout"
	mv "$tmp_layout" "$layout"
fi

echo "BUILDKIT_DIR=$dir"
echo "buildkitd=$dir/buildkitd"
echo "buildctl=$dir/buildctl"
echo "busybox_layout=$layout"
