package realbuild

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/dockerfile-ls/dockerfile-ls/internal/oracle"
)

// A seed is a buildkitd state folder that holds nothing but local images,
// unpacked. A fresh builder starts on a copy of one: its cache mounts are
// empty and it has no layer but its bases', as a CI runner that pulled its
// base images. Unpacking the bases (130 MB of gzip for node) was most of
// a fresh build's time here, once per build; now it is once per machine.
//
// The copy hard-links the unpacked files (a committed snapshot is only
// ever an overlay's lower folder, never written) and copies the bolt
// databases, which the new daemon writes.

// seeds makes and finds the seeds of a prover, one per set of local
// images, kept on disk beside the images, keyed by a hash of BuildKit's
// version and the images' digests.
type seeds struct {
	mu   sync.Mutex
	made map[string]string // by key: the seed's folder
}

// seedKey names the seed of the images: it changes with BuildKit's version
// (the state's format) and with any image.
func seedKey(version string, images Images, names []string) string {
	h := sha256.New()
	fmt.Fprintln(h, "buildkit", version)
	for _, n := range names {
		fmt.Fprintln(h, n, images[n].Digest)
	}
	return strings.Join(names, "+") + "-" + hex.EncodeToString(h.Sum(nil))[:16]
}

// seedFor returns the seed folder holding the images names (sorted),
// making it on first use. Its state is in <folder>/root.
func (p *Prover) seedFor(ctx context.Context, names []string) (string, error) {
	bin, err := oracle.FindBinaries()
	if err != nil {
		return "", err
	}
	key := seedKey(bin.Version, p.Images, names)
	p.seeds.mu.Lock()
	defer p.seeds.mu.Unlock()
	if dir, ok := p.seeds.made[key]; ok {
		return dir, nil
	}
	dir := filepath.Join(p.Images.dir(), "seeds", key)
	if _, err := os.Stat(filepath.Join(dir, "root")); err != nil {
		start := time.Now()
		if err := p.makeSeed(ctx, dir, names); err != nil {
			return "", err
		}
		p.logf("made the seed %s in %s", key, time.Since(start).Round(time.Second))
	}
	if p.seeds.made == nil {
		p.seeds.made = map[string]string{}
	}
	p.seeds.made[key] = dir
	return dir, nil
}

// seedOf is the seed of the local images a Dockerfile builds on; "" when
// one of its bases has none (its build fails, saying so).
func (p *Prover) seedOf(ctx context.Context, text []byte) (string, error) {
	bases, skipped := localBases(text)
	if skipped != "" {
		return "", nil
	}
	return p.seedFor(ctx, bases)
}

// makeSeed unpacks the images on a builder of its own, in a folder
// renamed to dir once the daemon has stopped, so that a seed is never
// seen half made (another process making the same one keeps its own).
func (p *Prover) makeSeed(ctx context.Context, dir string, names []string) error {
	if err := os.MkdirAll(filepath.Dir(dir), 0o755); err != nil {
		return fmt.Errorf("realbuild: seeds folder: %w", err)
	}
	tmp, err := os.MkdirTemp(filepath.Dir(dir), ".seed")
	if err != nil {
		return fmt.Errorf("realbuild: seed folder: %w", err)
	}
	defer os.RemoveAll(tmp)
	b, err := startIn(ctx, tmp, p.Images, "")
	if err != nil {
		return err
	}
	for _, n := range names {
		// Exporting the image's files makes BuildKit unpack its layers.
		s := Spec{Context: tmp, Dockerfile: filepath.Join(tmp, n+".Dockerfile"), DiscardFiles: true, Timeout: p.Timeout}
		err = os.WriteFile(s.Dockerfile, []byte("FROM "+seedName[n]+"\n"), 0o644)
		if err == nil {
			_, err = b.Build(ctx, s)
		}
		if err != nil {
			b.stop()
			return fmt.Errorf("realbuild: unpacking %s for a seed: %w", n, err)
		}
	}
	if err := b.stop(); err != nil {
		return err
	}
	keep := []string{"buildkitd.log", "root"}
	entries, _ := os.ReadDir(tmp)
	for _, e := range entries {
		if !slices.Contains(keep, e.Name()) {
			os.RemoveAll(filepath.Join(tmp, e.Name()))
		}
	}
	// What the daemon remembers of its own: its builds, its identity.
	os.Remove(filepath.Join(tmp, "root", "history.db"))
	os.Remove(filepath.Join(tmp, "root", "runc-overlayfs", "workerid"))
	if err := os.Rename(tmp, dir); err != nil && !errors.Is(err, fs.ErrExist) {
		if _, serr := os.Stat(filepath.Join(dir, "root")); serr != nil {
			return fmt.Errorf("realbuild: keeping the seed: %w", err)
		}
	}
	return nil
}

// seedName is an image name each local image stands in for, for FROM.
var seedName = map[string]string{Bookworm: "debian:bookworm", BookwormSlim: "debian:bookworm-slim", Node: "node:lts", Python: "python:3"}

// copySeed makes root a copy of the seed's state: files hard-linked but
// the databases, copied. cp -a keeps folders' modes, owners and extended
// attributes (overlay's opaque marks), which links cannot share.
func copySeed(ctx context.Context, seed, root string) error {
	src := filepath.Join(seed, "root")
	if out, err := exec.CommandContext(ctx, "cp", "-al", src, root).CombinedOutput(); err != nil {
		return fmt.Errorf("realbuild: copying the seed: %v: %s", err, out)
	}
	return filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(d.Name(), ".db") {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		return replaceWithCopy(filepath.Join(src, rel), path)
	})
}

// replaceWithCopy replaces the link dst with a copy of src.
func replaceWithCopy(src, dst string) error {
	b, err := os.ReadFile(src)
	if err != nil {
		return fmt.Errorf("realbuild: copying the seed: %w", err)
	}
	if err := os.Remove(dst); err != nil {
		return fmt.Errorf("realbuild: copying the seed: %w", err)
	}
	return os.WriteFile(dst, b, 0o600)
}
