package realbuild

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"time"
)

// lockDockerfile makes the lock files of PackageJSON on the node image:
// npm's and yarn's, resolved against the registry this machine uses.
const lockDockerfile = `FROM node:lts
WORKDIR /w
COPY package.json ./
RUN npm install --package-lock-only --ignore-scripts && yarn install --ignore-scripts --non-interactive
FROM scratch
COPY --from=0 /w/package-lock.json /w/yarn.lock /
`

var lockNames = []string{"package-lock.json", "yarn.lock"}

// MakeLockfiles builds the lock files of PackageJSON on a fresh builder,
// once per machine: they are kept beside the images, keyed by a hash of
// what makes them (the manifest, the recipe, the node image).
func (p *Prover) MakeLockfiles(ctx context.Context) (Lockfiles, error) {
	h := sha256.New()
	fmt.Fprintln(h, PackageJSON, lockDockerfile, p.Images[Node].Digest)
	kept := filepath.Join(p.Images.dir(), "locks-"+hex.EncodeToString(h.Sum(nil))[:16])
	if locks, err := readLockfiles(kept); err == nil {
		return locks, nil
	}
	dir, err := os.MkdirTemp(p.Work, "locks")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	out := filepath.Join(dir, "out")
	start := time.Now()
	if err := p.buildLockfiles(ctx, dir, out); err != nil {
		return nil, err
	}
	p.logf("made the lock files in %s", time.Since(start).Round(time.Second))
	locks, err := readLockfiles(out)
	if err != nil {
		return nil, err
	}
	// Kept by renaming a full folder, so that a half-written one is never read.
	tmp, err := os.MkdirTemp(p.Images.dir(), ".locks")
	if err == nil {
		for _, name := range lockNames {
			err = os.WriteFile(filepath.Join(tmp, name), locks[name], 0o644)
		}
		if err == nil {
			err = os.Rename(tmp, kept)
		}
		os.RemoveAll(tmp)
	}
	return locks, nil
}

func (p *Prover) buildLockfiles(ctx context.Context, dir, out string) error {
	ctxDir := filepath.Join(dir, "ctx")
	if err := os.MkdirAll(ctxDir, 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(ctxDir, "package.json"), []byte(PackageJSON), 0o644); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "Dockerfile"), []byte(lockDockerfile), 0o644); err != nil {
		return err
	}
	seed, err := p.seedFor(ctx, []string{Node})
	if err != nil {
		return err
	}
	b, err := StartBuilder(ctx, p.Work, p.Images, seed)
	if err != nil {
		return err
	}
	defer b.Close()
	if _, err := b.Build(ctx, Spec{Context: ctxDir, Dockerfile: filepath.Join(dir, "Dockerfile"), LocalOutput: out, Timeout: p.Timeout}); err != nil {
		return fmt.Errorf("realbuild: making the lock files: %w", err)
	}
	return nil
}

func readLockfiles(dir string) (Lockfiles, error) {
	locks := Lockfiles{}
	for _, name := range lockNames {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			return nil, fmt.Errorf("realbuild: reading the lock files: %w", err)
		}
		locks[name] = b
	}
	return locks, nil
}
