package realbuild

import (
	"archive/tar"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"github.com/dockerfile-ls/dockerfile-ls/internal/oracle"
)

// An image's files are listed from its OCI export, layer by layer: the
// base's layers (a local image's) are listed once per process and
// remembered, the layers the build made are applied on top. Exporting
// the whole file tree as a tar and hashing it, 420 MB for node, was as
// long as the build's own steps here.

// tree is a file listing by path.
type tree map[string]oracle.FileEntry

// baseTrees remembers the listing of every chain of local images' layers
// met so far, by chain key.
var baseTrees = struct {
	sync.Mutex
	m map[string]tree
}{m: map[string]tree{}}

// ociDescriptor is the part of an OCI descriptor the listing needs.
type ociDescriptor struct {
	MediaType string `json:"mediaType"`
	Digest    string `json:"digest"`
}

// layoutLayers are the layers of the first image of an OCI layout.
func layoutLayers(layout string) ([]ociDescriptor, error) {
	var idx struct {
		Manifests []ociDescriptor `json:"manifests"`
	}
	if err := readJSON(filepath.Join(layout, "index.json"), &idx); err != nil {
		return nil, err
	}
	if len(idx.Manifests) == 0 {
		return nil, fmt.Errorf("realbuild: %s lists no image", layout)
	}
	var m struct {
		Layers []ociDescriptor `json:"layers"`
	}
	if err := readJSON(blobPath(layout, idx.Manifests[0].Digest), &m); err != nil {
		return nil, err
	}
	return m.Layers, nil
}

func readJSON(p string, v any) error {
	b, err := os.ReadFile(p)
	if err != nil {
		return fmt.Errorf("realbuild: %w", err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("realbuild: %s: %w", p, err)
	}
	return nil
}

func blobPath(layout, digest string) string {
	algo, hexPart, _ := strings.Cut(digest, ":")
	return filepath.Join(layout, "blobs", algo, hexPart)
}

// baseLayers are the digests of the local images' layers.
func (im Images) baseLayers() (map[string]bool, error) {
	out := map[string]bool{}
	for _, img := range im {
		ls, err := layoutLayers(img.Layout)
		if err != nil {
			return nil, err
		}
		for _, l := range ls {
			out[l.Digest] = true
		}
	}
	return out, nil
}

// listImage lists the files of the image in the OCI layout (sorted by
// path, as oracle.ListFiles lists a tar export). The longest prefix of
// its layers made only of the local images' layers comes from baseTrees
// (listed on first use); the other layers are applied to a copy.
func listImage(layout string, base map[string]bool) ([]oracle.FileEntry, error) {
	layers, err := layoutLayers(layout)
	if err != nil {
		return nil, err
	}
	t, rest, err := baseTree(layout, layers, base)
	if err != nil {
		return nil, err
	}
	for _, l := range rest {
		if err := applyLayer(t, blobPath(layout, l.Digest), l.MediaType); err != nil {
			return nil, err
		}
	}
	out := make([]oracle.FileEntry, 0, len(t))
	for _, e := range t {
		out = append(out, e)
	}
	slices.SortFunc(out, func(a, b oracle.FileEntry) int { return strings.Compare(a.Path, b.Path) })
	return out, nil
}

// baseTree is a copy of the listing of the image's base layers, and the
// layers above them.
func baseTree(layout string, layers []ociDescriptor, base map[string]bool) (tree, []ociDescriptor, error) {
	baseTrees.Lock()
	defer baseTrees.Unlock()
	t, key := tree{}, ""
	i := 0
	for ; i < len(layers) && base[layers[i].Digest]; i++ {
		key = chainKey(key, layers[i].Digest)
		if known, ok := baseTrees.m[key]; ok {
			t = known
			continue
		}
		next := maps(t)
		if err := applyLayer(next, blobPath(layout, layers[i].Digest), layers[i].MediaType); err != nil {
			return nil, nil, err
		}
		baseTrees.m[key] = next
		t = next
	}
	return maps(t), layers[i:], nil
}

func chainKey(parent, digest string) string {
	h := sha256.Sum256([]byte(parent + " " + digest))
	return hex.EncodeToString(h[:])
}

// maps copies a tree.
func maps(t tree) tree {
	out := make(tree, len(t))
	for k, v := range t {
		out[k] = v
	}
	return out
}

// applyLayer applies one layer's tar to t, as overlay does: its whiteouts
// remove what the layers below left, then its entries are added. A hard
// link is listed as the file it links to, so that a listing does not
// depend on which layer made the link.
func applyLayer(t tree, blob, mediaType string) error {
	f, err := os.Open(blob)
	if err != nil {
		return fmt.Errorf("realbuild: layer: %w", err)
	}
	defer f.Close()
	var r io.Reader = f
	switch {
	case strings.HasSuffix(mediaType, "gzip"):
		zr, err := gzip.NewReader(f)
		if err != nil {
			return fmt.Errorf("realbuild: layer %s: %w", blob, err)
		}
		defer zr.Close()
		r = zr
	case strings.HasSuffix(mediaType, "zstd"):
		return fmt.Errorf("realbuild: layer %s: zstd is not read here", blob)
	}
	added := tree{}
	tr := tar.NewReader(r)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return fmt.Errorf("realbuild: layer %s: %w", blob, err)
		}
		p := oracle.CleanPath(h.Name)
		dir, name := path.Split(p)
		switch {
		case p == "":
		case name == ".wh..wh..opq":
			removeUnder(t, strings.TrimSuffix(dir, "/"), false)
		case strings.HasPrefix(name, ".wh."):
			removeUnder(t, dir+strings.TrimPrefix(name, ".wh."), true)
		default:
			e, err := oracle.TarEntry(h, tr)
			if err != nil {
				return fmt.Errorf("realbuild: layer %s: %w", blob, err)
			}
			if h.Typeflag == tar.TypeLink {
				e = linked(e, added, t)
			}
			added[p] = e
		}
	}
	for p, e := range added {
		t[p] = e
	}
	return nil
}

// removeUnder removes what lies under p, and p itself with self.
func removeUnder(t tree, p string, self bool) {
	if self {
		delete(t, p)
	}
	for k := range t {
		if strings.HasPrefix(k, p+"/") || p == "" {
			delete(t, k)
		}
	}
}

// linked is a hard link's entry as the file it links to (found in this
// layer, else below), under its own path.
func linked(e oracle.FileEntry, added, below tree) oracle.FileEntry {
	target, ok := added[e.LinkTarget]
	if !ok {
		target, ok = below[e.LinkTarget]
	}
	if !ok {
		return e
	}
	target.Path = e.Path
	return target
}
