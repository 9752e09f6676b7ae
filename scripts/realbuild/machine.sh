# machine.sh — sourced by setup.sh: this machine's package-registry
# configuration, for the images. Only where packages come from and which
# CAs to trust is copied: never credentials (auth tokens, passwords).

# debian_mirror is the archive this machine's apt takes bookworm from.
debian_mirror() {
	apt-get indextargets --format '$(SITE) $(RELEASE)' |
		awk '$2 == "bookworm" { print $1; exit }'
}

# machine_npmrc prints the registry, CA and proxy settings of this
# machine's global and user npmrc.
machine_npmrc() {
	local global=/etc/npmrc user=$HOME/.npmrc f
	if command -v npm >/dev/null 2>&1; then
		global=$(npm config get globalconfig)
		user=$(npm config get userconfig)
	fi
	for f in "$global" "$user"; do
		[ -f "$f" ] || continue
		grep -E '^[[:space:]]*(@[^:=]+:)?(registry|cafile|ca|strict-ssl|proxy|https-proxy|noproxy)[[:space:]]*=' "$f" || true
	done
}

# machine_pip_cert prints the CA bundle this machine's pip is told to
# trust, if any.
machine_pip_cert() {
	local f
	for f in /etc/pip.conf "$HOME/.config/pip/pip.conf" "$HOME/.pip/pip.conf"; do
		[ -f "$f" ] && sed -n 's/^[[:space:]]*cert[[:space:]]*=[[:space:]]*//p' "$f"
	done | tail -1
	return 0
}
