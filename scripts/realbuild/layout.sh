# layout.sh — sourced by setup.sh: pack a root filesystem as a one-layer
# OCI image layout, with tar, gzip and sha256sum (no registry tools).

# blob writes stdin as a blob of the layout and prints its digest and size.
blob() {
	local layout=$1 tmp sum
	tmp=$(mktemp "$layout/blobs/sha256/.tmp.XXXXXX")
	cat >"$tmp"
	sum=$(sha256sum "$tmp" | cut -d' ' -f1)
	mv "$tmp" "$layout/blobs/sha256/$sum"
	echo "sha256:$sum $(stat -c %s "$layout/blobs/sha256/$sum")"
}

# pack_layout packs rootfs into a new OCI layout at dest, its one image
# named name. Owners are kept by number; /dev, /proc and /sys stay empty.
pack_layout() {
	local rootfs=$1 dest=$2 name=$3 tmp diffid layer config manifest arch
	log "packing $name"
	tmp=$(mktemp -d "$dest.XXXXXX")
	chmod 0755 "$tmp"
	mkdir -p "$tmp/blobs/sha256"
	tar --numeric-owner --xattrs --xattrs-include='*' --sort=name -C "$rootfs" -cf "$tmp/layer.tar" .
	diffid=sha256:$(sha256sum "$tmp/layer.tar" | cut -d' ' -f1)
	layer=$(gzip -n -1 <"$tmp/layer.tar" | blob "$tmp")
	rm "$tmp/layer.tar"
	arch=$(dpkg --print-architecture)
	config=$(printf '{"architecture":"%s","os":"linux","config":{"Env":["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],"Cmd":["bash"]},"rootfs":{"type":"layers","diff_ids":["%s"]},"history":[{"created_by":"debootstrap --variant=minbase bookworm (scripts/realbuild/setup.sh)"}]}' \
		"$arch" "$diffid" | blob "$tmp")
	manifest=$(printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"%s","size":%s},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"%s","size":%s}]}' \
		${config% *} ${config#* } ${layer% *} ${layer#* } | blob "$tmp")
	printf '{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"%s","size":%s,"annotations":{"org.opencontainers.image.ref.name":"%s"}}]}\n' \
		${manifest% *} ${manifest#* } "$name" >"$tmp/index.json"
	echo '{"imageLayoutVersion":"1.0.0"}' >"$tmp/oci-layout"
	rm -rf "$dest"
	mv "$tmp" "$dest"
}

# layout_digest prints the digest of the first manifest of a layout.
layout_digest() {
	grep -o '"digest":"sha256:[0-9a-f]*"' "$1/index.json" | head -1 | cut -d'"' -f4
}
