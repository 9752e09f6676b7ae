package realbuild

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dockerfile-ls/dockerfile-ls/internal/oracle"
)

// writeLayout writes an OCI layout whose image has the layers (each a
// list of tar headers with their content; gzip for the first), and
// returns the layers' digests.
func writeLayout(t *testing.T, dir string, layers [][]tar.Header, bodies map[string]string) []string {
	t.Helper()
	blobs := filepath.Join(dir, "blobs", "sha256")
	if err := os.MkdirAll(blobs, 0o755); err != nil {
		t.Fatal(err)
	}
	put := func(b []byte) string {
		sum := sha256.Sum256(b)
		d := hex.EncodeToString(sum[:])
		if err := os.WriteFile(filepath.Join(blobs, d), b, 0o644); err != nil {
			t.Fatal(err)
		}
		return "sha256:" + d
	}
	var digests, descs []string
	for i, hs := range layers {
		var buf bytes.Buffer
		tw := tar.NewWriter(&buf)
		for _, h := range hs {
			body := bodies[h.Name]
			h.Size = int64(len(body))
			if h.Typeflag != tar.TypeReg {
				h.Size = 0
			}
			if err := tw.WriteHeader(&h); err != nil {
				t.Fatal(err)
			}
			tw.Write([]byte(body[:h.Size]))
		}
		tw.Close()
		media := "application/vnd.oci.image.layer.v1.tar"
		blob := buf.Bytes()
		if i == 0 {
			var z bytes.Buffer
			zw := gzip.NewWriter(&z)
			zw.Write(blob)
			zw.Close()
			blob, media = z.Bytes(), media+"+gzip"
		}
		d := put(blob)
		digests = append(digests, d)
		descs = append(descs, fmt.Sprintf(`{"mediaType":%q,"digest":%q,"size":%d}`, media, d, len(blob)))
	}
	manifest := put([]byte(`{"schemaVersion":2,"layers":[` + strings.Join(descs, ",") + `]}`))
	index := fmt.Sprintf(`{"schemaVersion":2,"manifests":[{"digest":%q}]}`, manifest)
	if err := os.WriteFile(filepath.Join(dir, "index.json"), []byte(index), 0o644); err != nil {
		t.Fatal(err)
	}
	return digests
}

func TestListImageAppliesWhiteoutsOverTheRememberedBase(t *testing.T) {
	reg := func(name string) tar.Header { return tar.Header{Name: name, Typeflag: tar.TypeReg, Mode: 0o644} }
	dir := func(name string) tar.Header { return tar.Header{Name: name, Typeflag: tar.TypeDir, Mode: 0o755} }
	bodies := map[string]string{"etc/a": "a", "d/x": "x", "d/y": "y", "d/z": "z", "keep": "k", "gone/f": "f"}
	layers := [][]tar.Header{
		{dir("etc/"), reg("etc/a"), dir("d/"), reg("d/x"), reg("d/y"), reg("keep"), dir("gone/"), reg("gone/f")},
		{reg(".wh.keep"), dir("d/"), reg("d/.wh..wh..opq"), reg("d/z"), reg(".wh.gone"),
			{Name: "etc/b", Typeflag: tar.TypeLink, Linkname: "etc/a", Mode: 0o644}},
	}
	layout := t.TempDir()
	digests := writeLayout(t, layout, layers, bodies)
	base := map[string]bool{digests[0]: true}
	for round := range 2 { // the second lists the base from memory
		files, err := listImage(layout, base)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, f := range files {
			got = append(got, fmt.Sprintf("%s:%d:%.4s", f.Path, f.Size, f.SHA256))
		}
		want := "d:0:,d/z:1:594e,etc:0:,etc/a:1:ca97,etc/b:1:ca97"
		if strings.Join(got, ",") != want {
			t.Errorf("round %d: files %s, want %s", round, strings.Join(got, ","), want)
		}
	}
}

// A layer listed entry by entry is what oracle.ListFiles makes of the
// same tar (one TarEntry lists both): modes, owners, sizes, hashes, link
// targets.
func TestListImageListsAsListFiles(t *testing.T) {
	hs := []tar.Header{
		{Name: "./", Typeflag: tar.TypeDir, Mode: 0o755},
		{Name: "./opt/", Typeflag: tar.TypeDir, Mode: 0o750, Uid: 1000, Gid: 1000},
		{Name: "./opt/run.sh", Typeflag: tar.TypeReg, Mode: 0o4755},
		{Name: "./opt/link", Typeflag: tar.TypeSymlink, Linkname: "../opt/run.sh", Mode: 0o777},
	}
	bodies := map[string]string{"./opt/run.sh": "#!/bin/sh\n"}
	layout := t.TempDir()
	writeLayout(t, layout, [][]tar.Header{hs}, bodies)
	got, err := listImage(layout, nil)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, h := range hs {
		h.Size = int64(len(bodies[h.Name]))
		tw.WriteHeader(&h)
		tw.Write([]byte(bodies[h.Name]))
	}
	tw.Close()
	p := filepath.Join(t.TempDir(), "image.tar")
	if err := os.WriteFile(p, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	want, err := oracle.ListFiles(p)
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(got) != fmt.Sprint(want) || len(want) != 3 {
		t.Errorf("listImage:\n%v\nListFiles:\n%v", got, want)
	}
}
