package oracle

import (
	"archive/tar"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
)

// FileEntry is one file of an exported image filesystem.
type FileEntry struct {
	Path       string      `json:"path"` // slash-separated, no leading "/" or "./"
	Mode       fs.FileMode `json:"mode"` // permission, type and setuid/setgid/sticky bits
	UID        int         `json:"uid"`
	GID        int         `json:"gid"`
	Size       int64       `json:"size"`             // regular files only
	SHA256     string      `json:"sha256,omitempty"` // hex, regular files only
	LinkTarget string      `json:"linkTarget,omitempty"`
}

// ListFiles lists the filesystem an image export produced: a tarball from
// `--output type=tar,dest=F`, or a directory from `type=local,dest=D`.
// Entries are sorted by path so two exports compare with reflect.DeepEqual.
func ListFiles(p string) ([]FileEntry, error) {
	st, err := os.Stat(p)
	if err != nil {
		return nil, err
	}
	var out []FileEntry
	if st.IsDir() {
		out, err = listDir(p)
	} else {
		out, err = listTar(p)
	}
	if err != nil {
		return nil, err
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out, nil
}

// CleanPath is a tar entry's name as FileEntry.Path has it: slash-
// separated, no leading "/" or "./" ("" for the archive's root).
func CleanPath(p string) string {
	p = path.Clean("/" + p)
	return strings.TrimPrefix(p, "/")
}

func listTar(p string) ([]FileEntry, error) {
	f, err := os.Open(p)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	tr := tar.NewReader(f)
	var out []FileEntry
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", p, err)
		}
		if CleanPath(h.Name) == "" {
			continue // the archive root "./"
		}
		e, err := TarEntry(h, tr)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", p, err)
		}
		out = append(out, e)
	}
}

// TarEntry lists one tar entry, whose content r reads: a regular file's
// size and hash, a link's target (a hard link's cleaned as a path; it
// keeps its target's mode). The real-build oracle lists image layers with
// it, so that its listings and ListFiles' compare.
func TarEntry(h *tar.Header, r io.Reader) (FileEntry, error) {
	e := FileEntry{Path: CleanPath(h.Name), Mode: h.FileInfo().Mode(), UID: h.Uid, GID: h.Gid}
	switch h.Typeflag {
	case tar.TypeReg:
		sum := sha256.New()
		n, err := io.Copy(sum, r)
		if err != nil {
			return e, fmt.Errorf("oracle: reading %s: %w", h.Name, err)
		}
		e.Size, e.SHA256 = n, hex.EncodeToString(sum.Sum(nil))
	case tar.TypeSymlink:
		e.LinkTarget = h.Linkname
	case tar.TypeLink:
		e.LinkTarget = CleanPath(h.Linkname)
	}
	return e, nil
}

func listDir(root string) ([]FileEntry, error) {
	var out []FileEntry
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		if rel == "." {
			return nil
		}
		info, err := os.Lstat(p)
		if err != nil {
			return err
		}
		e := FileEntry{Path: filepath.ToSlash(rel), Mode: info.Mode()}
		if st, ok := info.Sys().(*syscall.Stat_t); ok {
			e.UID, e.GID = int(st.Uid), int(st.Gid)
		}
		switch {
		case info.Mode().IsRegular():
			f, err := os.Open(p)
			if err != nil {
				return err
			}
			sum := sha256.New()
			n, err := io.Copy(sum, f)
			f.Close()
			if err != nil {
				return err
			}
			e.Size, e.SHA256 = n, hex.EncodeToString(sum.Sum(nil))
		case info.Mode()&fs.ModeSymlink != 0:
			e.LinkTarget, _ = os.Readlink(p)
		}
		out = append(out, e)
		return nil
	})
	return out, err
}

// LayerCount counts the layers of the image in an OCI export: a tarball from
// `--output type=oci,dest=F` or a layout directory from `type=oci,tar=false`.
// Attestation manifests are skipped; nested indexes are followed.
func LayerCount(p string) (int, error) {
	blobs, err := readOCI(p)
	if err != nil {
		return 0, err
	}
	idx, ok := blobs["index.json"]
	if !ok {
		return 0, fmt.Errorf("%s: no index.json", p)
	}
	return countLayers(blobs, idx, 0)
}

type ociDescriptor struct {
	MediaType   string            `json:"mediaType"`
	Digest      string            `json:"digest"`
	Annotations map[string]string `json:"annotations"`
}

type ociIndexOrManifest struct {
	MediaType string          `json:"mediaType"`
	Manifests []ociDescriptor `json:"manifests"`
	Layers    []ociDescriptor `json:"layers"`
	Config    *ociDescriptor  `json:"config"`
}

func countLayers(blobs map[string][]byte, b []byte, depth int) (int, error) {
	if depth > 4 {
		return 0, errors.New("OCI index nesting too deep")
	}
	var m ociIndexOrManifest
	if err := json.Unmarshal(b, &m); err != nil {
		return 0, err
	}
	if m.Config != nil {
		return len(m.Layers), nil
	}
	for _, d := range m.Manifests {
		if d.Annotations["vnd.docker.reference.type"] == "attestation-manifest" {
			continue
		}
		child, ok := blobs[d.Digest]
		if !ok {
			return 0, fmt.Errorf("blob %s missing from the export", d.Digest)
		}
		return countLayers(blobs, child, depth+1)
	}
	return 0, errors.New("OCI index lists no image manifest")
}

// readOCI loads index.json and the JSON blobs (manifests, indexes) of an OCI
// tarball or layout directory, keyed "index.json" and "sha256:<hex>". Layer
// blobs are skipped by size so a large export is not read into memory.
func readOCI(p string) (map[string][]byte, error) {
	const maxJSON = 4 << 20
	out := map[string][]byte{}
	st, err := os.Stat(p)
	if err != nil {
		return nil, err
	}
	if st.IsDir() {
		b, err := os.ReadFile(filepath.Join(p, "index.json"))
		if err != nil {
			return nil, err
		}
		out["index.json"] = b
		ents, err := os.ReadDir(filepath.Join(p, "blobs", "sha256"))
		if err != nil {
			return nil, err
		}
		for _, e := range ents {
			info, err := e.Info()
			if err != nil || info.Size() > maxJSON {
				continue
			}
			b, err := os.ReadFile(filepath.Join(p, "blobs", "sha256", e.Name()))
			if err != nil {
				return nil, err
			}
			out["sha256:"+e.Name()] = b
		}
		return out, nil
	}
	f, err := os.Open(p)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var r io.Reader = f
	// Accept a gzipped tarball too (a caller may have compressed it).
	var magic [2]byte
	if n, _ := io.ReadFull(f, magic[:]); n == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		if _, err := f.Seek(0, io.SeekStart); err != nil {
			return nil, err
		}
		gz, err := gzip.NewReader(f)
		if err != nil {
			return nil, err
		}
		defer gz.Close()
		r = gz
	} else if _, err := f.Seek(0, io.SeekStart); err != nil {
		return nil, err
	}
	tr := tar.NewReader(r)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", p, err)
		}
		name := CleanPath(h.Name)
		if h.Typeflag != tar.TypeReg || h.Size > maxJSON {
			continue
		}
		switch {
		case name == "index.json":
		case strings.HasPrefix(name, "blobs/sha256/"):
			name = "sha256:" + strings.TrimPrefix(name, "blobs/sha256/")
		default:
			continue
		}
		b, err := io.ReadAll(tr)
		if err != nil {
			return nil, err
		}
		out[name] = b
	}
}
