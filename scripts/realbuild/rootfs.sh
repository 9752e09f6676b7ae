# rootfs.sh — sourced by setup.sh: turn a debootstrap minbase into what the
# official Debian images are, plus this machine's apt and TLS configuration.
#
# The docker-* files and the slim excludes are debuerreotype's, which builds
# the official images: scripts/debuerreotype-minimizing-config,
# debuerreotype-slimify, .slimify-excludes, .slimify-includes, .tar-exclude
# and debuerreotype-fixup (github.com/debuerreotype/debuerreotype).

# configure_rootfs applies the official image's configuration, then this
# machine's, then removes what the official tarball leaves out.
configure_rootfs() {
	local r=$1
	minimizing_config "$r"
	machine_apt_config "$r"
	machine_ca_certificates "$r"
	fixup_rootfs "$r"
}

minimizing_config() {
	local r=$1 clean
	cat >"$r/usr/sbin/policy-rc.d" <<-'EOT'
	#!/bin/sh

	# For most Docker users, "apt-get install" only happens during "docker build",
	# where starting services doesn't work and often fails in humorous ways. This
	# prevents those failures by stopping the services from attempting to start.

	exit 101
	EOT
	chmod 0755 "$r/usr/sbin/policy-rc.d"
	printf '%s\n' '# For most Docker users, package installs happen during "docker build", which' \
		"# doesn't survive power loss and gets restarted clean afterwards anyhow, so" \
		'# this minor tweak gives us a nice speedup (much nicer on spinning disks,' \
		'# obviously).' '' 'force-unsafe-io' >"$r/etc/dpkg/dpkg.cfg.d/docker-apt-speedup"
	printf '%s\n' '# Since Docker users are looking for the smallest possible final images, the' \
		'# following emerges as a very common pattern:' '' \
		'#   RUN apt-get update \' '#       && apt-get install -y <packages> \' \
		'#       && <do some compilation work> \' '#       && apt-get purge -y --auto-remove <packages>' '' \
		'Apt::AutoRemove::SuggestsImportant "false";' >"$r/etc/apt/apt.conf.d/docker-autoremove-suggests"
	clean='"rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true";'
	printf '%s\n' '# Since for most Docker users, package installs happen in "docker build" steps,' \
		'# they essentially become individual layers due to the way Docker handles' \
		'# layering, especially using CoW filesystems.' '' \
		"DPkg::Post-Invoke { $clean };" "APT::Update::Post-Invoke { $clean };" '' \
		'Dir::Cache::pkgcache "";' 'Dir::Cache::srcpkgcache "";' >"$r/etc/apt/apt.conf.d/docker-clean"
	printf '%s\n' '# Keep the package lists compressed on disk.' '' \
		'Acquire::GzipIndexes "true";' >"$r/etc/apt/apt.conf.d/docker-gzip-indexes"
	printf '%s\n' '# In Docker, we do not often need the "Translations" files.' '' \
		'Acquire::Languages "none";' >"$r/etc/apt/apt.conf.d/docker-no-languages"
	chmod 0644 "$r"/etc/apt/apt.conf.d/docker-* "$r/etc/dpkg/dpkg.cfg.d/docker-apt-speedup"
}

# machine_apt_config copies the sources apt reads here (and the keyrings
# they are signed by), and the acquisition settings of this machine's own
# apt.conf.d files (those no package owns).
machine_apt_config() {
	local r=$1 f key
	rm -f "$r/etc/apt/sources.list"
	for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; do
		[ -f "$f" ] || continue
		install -D -m 0644 "$f" "$r$f"
		for key in $(sed -n 's/.*[Ss]igned-[Bb]y[:=] *\([^] ]*\).*/\1/p' "$f"); do
			[ -f "$key" ] && [ ! -e "$r$key" ] && install -D -m 0644 "$key" "$r$key"
		done
	done
	for f in /etc/apt/apt.conf.d/*; do
		case $(basename "$f") in docker-*) continue ;; esac
		[ -e "$r$f" ] && continue
		dpkg -S "$f" >/dev/null 2>&1 && continue
		grep -q '^[[:space:]]*Acquire::' "$f" && install -m 0644 "$f" "$r$f"
	done
	return 0
}

# machine_ca_certificates puts this machine's CA bundle where TLS clients
# read it, and its local CAs where update-ca-certificates finds them, so
# that a Dockerfile installing ca-certificates keeps them.
machine_ca_certificates() {
	local r=$1 f
	install -D -m 0644 /etc/ssl/certs/ca-certificates.crt "$r/etc/ssl/certs/ca-certificates.crt"
	mkdir -p "$r/usr/local/share/ca-certificates"
	for f in /usr/local/share/ca-certificates/*.crt; do
		[ -f "$f" ] && install -m 0644 "$f" "$r/usr/local/share/ca-certificates/"
	done
	return 0
}

fixup_rootfs() {
	local r=$1
	[ -s "$r/etc/machine-id" ] && : >"$r/etc/machine-id"
	rm -f "$r/var/log/dpkg.log" "$r/var/log/bootstrap.log" "$r/var/log/alternatives.log" \
		"$r/var/cache/ldconfig/aux-cache" "$r/var/log/apt/history.log" "$r/var/log/apt/term.log" \
		"$r"/var/cache/apt/*.bin "$r"/var/cache/apt/archives/*.deb "$r/var/cache/apt/archives/lock" \
		"$r"/var/lib/apt/lists/*Packages* "$r"/var/lib/apt/lists/*Release* "$r/var/lib/apt/lists/lock"
	rm -rf "${r:?}"/dev/* "${r:?}"/proc/* "${r:?}"/sys/*
}

slim_excludes=(/usr/share/doc/'*' /usr/share/doc/kde/HTML/'*'/'*' /usr/share/gnome/help/'*'/'*'
	/usr/share/info/'*' /usr/share/linda/'*' /usr/share/lintian/overrides/'*' /usr/share/locale/'*'
	/usr/share/man/'*' /usr/share/omf/'*'/'*-*.emf')
slim_includes=(/usr/share/doc/'*'/copyright /usr/share/doc/kde/HTML/C/'*' /usr/share/gnome/help/'*'/C/'*'
	/usr/share/locale/all_languages /usr/share/locale/currency/'*' /usr/share/locale/l10n/'*'
	/usr/share/locale/languages /usr/share/locale/locale.alias /usr/share/omf/'*'/'*-C.emf')

# slimify_rootfs is debuerreotype-slimify: dpkg path-excludes, and the
# files they name removed now.
slimify_rootfs() {
	local r=$1 ex inc match=() mandirs
	mandirs=$(cd "$r" && ls -d usr/share/man/man[0-9] 2>/dev/null || true)
	{
		echo '# This is the "slim" variant of the Debian base image.'
		echo '# Many files which are normally unnecessary in containers are excluded,'
		echo '# and this configuration file keeps them that way.'
		for ex in "${slim_excludes[@]}"; do printf '\npath-exclude %s\n' "$ex"; done
		echo
		for inc in "${slim_includes[@]}"; do echo "path-include $inc"; done
	} >"$r/etc/dpkg/dpkg.cfg.d/docker"
	chmod 0644 "$r/etc/dpkg/dpkg.cfg.d/docker"
	for inc in "${slim_includes[@]}"; do
		[ ${#match[@]} -eq 0 ] || match+=(-o)
		match+=(-path "$inc")
	done
	for ex in "${slim_excludes[@]}"; do
		if [[ $ex != *'/*' ]]; then
			chroot "$r" sh -c "rm -f $ex"
			continue
		fi
		[ -d "$r$(dirname "$ex")" ] || continue
		chroot "$r" find "$(dirname "$ex")" -depth -mindepth 1 -not \( -type d -o -type l \) \
			-not \( "${match[@]}" \) -exec rm -f '{}' +
		while [ "$(chroot "$r" find "$(dirname "$ex")" -depth -mindepth 1 \( -empty -o -xtype l \) \
			-exec rm -rf '{}' ';' -printf . | wc -c)" -gt 0 ]; do :; done
	done
	for d in $mandirs; do mkdir -p "$r/$d"; done
}
