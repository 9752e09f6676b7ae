package realbuild

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// EnvDir overrides where setup.sh left the images (its
// DOCKERFILE_LS_REALBUILD_DIR).
const EnvDir = "DOCKERFILE_LS_REALBUILD_DIR"

// defaultDir is setup.sh's default; v1 is its recipe number.
const defaultDir = "/var/cache/dockerfile-ls-realbuild/v1"

// The local images, as setup.sh names their layouts.
const (
	Bookworm     = "bookworm"
	BookwormSlim = "bookworm-slim"
	Node         = "node"
	Python       = "python"
)

// Image is one local image: an OCI layout holding one manifest.
type Image struct {
	Name   string // Bookworm, BookwormSlim, Node or Python
	Layout string // the layout folder
	Digest string // its manifest
}

// Images are the local images setup.sh made.
type Images map[string]Image

// LoadImages reads the layouts in dir ("" means $DOCKERFILE_LS_REALBUILD_DIR,
// else setup.sh's default). The error names what is missing and how to
// make it.
func LoadImages(dir string) (Images, error) {
	if dir == "" {
		dir = os.Getenv(EnvDir)
	}
	if dir == "" {
		dir = defaultDir
	}
	out := Images{}
	for _, name := range []string{Bookworm, BookwormSlim, Node, Python} {
		layout := filepath.Join(dir, name)
		dg, err := layoutDigest(layout)
		if err != nil {
			return nil, fmt.Errorf("realbuild: image %s: %w; run scripts/realbuild/setup.sh (or set $%s)", name, err, EnvDir)
		}
		out[name] = Image{Name: name, Layout: layout, Digest: dg}
	}
	return out, nil
}

// dir is the folder of the layouts, where setup.sh left them.
func (im Images) dir() string {
	return filepath.Dir(im[Bookworm].Layout)
}

func layoutDigest(layout string) (string, error) {
	b, err := os.ReadFile(filepath.Join(layout, "index.json"))
	if err != nil {
		return "", err
	}
	var idx struct {
		Manifests []struct {
			Digest string `json:"digest"`
		} `json:"manifests"`
	}
	if err := json.Unmarshal(b, &idx); err != nil {
		return "", fmt.Errorf("%s/index.json: %w", layout, err)
	}
	if len(idx.Manifests) == 0 || idx.Manifests[0].Digest == "" {
		return "", fmt.Errorf("%s/index.json lists no manifest", layout)
	}
	return idx.Manifests[0].Digest, nil
}

// MapName is the local image a named-context key (a familiar image name
// such as "node:20-slim", as oracle.ExternalImages lists them) stands on,
// or false when the oracle cannot stand in for it. Slim Debian tags and
// Ubuntu, whose official images exclude docs as the slim ones do, map onto
// the slim image; node and python onto their own whatever the tag, since
// Debian has one version of each.
func MapName(key string) (string, bool) {
	key, _, _ = strings.Cut(key, "@")
	repo, tag, _ := strings.Cut(key, ":")
	switch repo {
	case "debian":
		if strings.Contains(tag, "slim") {
			return BookwormSlim, true
		}
		return Bookworm, true
	case "ubuntu":
		return BookwormSlim, true
	case "node":
		return Node, true
	case "python":
		return Python, true
	}
	return "", false
}

// contextArgs are the buildctl flags that map each key onto its image,
// and the keys that map onto none.
func (im Images) contextArgs(keys []string) (args, unmapped []string) {
	stores := map[string]bool{}
	for _, k := range keys {
		name, ok := MapName(k)
		if !ok {
			unmapped = append(unmapped, k)
			continue
		}
		img := im[name]
		if !stores[name] {
			stores[name] = true
			args = append(args, "--oci-layout", name+"="+img.Layout)
		}
		args = append(args, "--opt", "context:"+k+"=oci-layout://"+name+"@"+img.Digest)
	}
	return args, unmapped
}
