package realbuild

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/dockerfile-ls/dockerfile-ls/internal/oracle"
)

// Originals that fail on the oracle are remembered on the machine, beside
// the images: most corpus files the proof samples fail here (8 in 9 in
// the runs of 7 December), a minute or several each, and every run built
// them again. The key covers what makes the build: BuildKit's version,
// the images' digests, the Dockerfile and its generated context. Only a
// step that failed is remembered, never a timeout or a builder's error,
// which depend on the machine's load.

// failureKey names the build of text on the context c, over the images
// names; "" when BuildKit's version is unknown.
func (p *Prover) failureKey(text []byte, c *Context, names []string) string {
	version, err := oracle.BuildkitVersion()
	if err != nil {
		return ""
	}
	h := sha256.New()
	fmt.Fprintf(h, "buildkit %s\n", version)
	for _, n := range names {
		fmt.Fprintf(h, "image %s %s\n", n, p.Images[n].Digest)
	}
	fmt.Fprintf(h, "dockerfile %d\n%s", len(text), text)
	for _, f := range c.Files {
		b, err := os.ReadFile(filepath.Join(c.Dir, filepath.FromSlash(f)))
		if err != nil {
			return ""
		}
		fmt.Fprintf(h, "file %s %d\n%s", f, len(b), b)
	}
	return hex.EncodeToString(h.Sum(nil))
}

func (p *Prover) failurePath(key string) string {
	return filepath.Join(p.Images.dir(), "failures", key)
}

// rememberedFailure is why the build of key failed before, "" when it
// did not, or is not known to.
func (p *Prover) rememberedFailure(key string) string {
	if key == "" {
		return ""
	}
	b, err := os.ReadFile(p.failurePath(key))
	if err != nil {
		return ""
	}
	return string(b)
}

// rememberFailure keeps err, the original's failure, when a step failed.
func (p *Prover) rememberFailure(key string, err error) {
	var be *BuildError
	if key == "" || !errors.As(err, &be) || be.Step == "" || strings.Contains(err.Error(), "timed out after") {
		return
	}
	path := p.failurePath(key)
	if os.MkdirAll(filepath.Dir(path), 0o755) != nil {
		return // not remembered: the next run builds it again
	}
	_ = os.WriteFile(path, []byte(firstLine(err)), 0o644)
}
