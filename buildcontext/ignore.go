// Package buildcontext models a Docker build context the way BuildKit sees
// it: which ignore file applies, which files survive it, and what a COPY/ADD
// source selects from what survives. It is shared by the language server and
// the CLI and knows nothing about LSP.
package buildcontext

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/moby/patternmatcher"
	"github.com/moby/patternmatcher/ignorefile"

	"github.com/dockerfile-ls/dockerfile-ls/internal/safefile"
)

const (
	dockerIgnoreName    = ".dockerignore"
	containerIgnoreName = ".containerignore"
)

// FindIgnoreFile returns the ignore file a build of dockerfile (absolute, or
// relative to root) with context root would use, or "" if there is none.
//
// The order is BuildKit's: "<Dockerfile>.dockerignore" beside the Dockerfile
// replaces the root .dockerignore entirely (the two are never merged). The
// root .containerignore is a Podman/Buildah file; Docker never reads it, so it
// is only a fallback when no .dockerignore exists.
func FindIgnoreFile(root, dockerfile string) string {
	var candidates []string
	if dockerfile != "" {
		if !filepath.IsAbs(dockerfile) {
			dockerfile = filepath.Join(root, dockerfile)
		}
		candidates = append(candidates, dockerfile+dockerIgnoreName)
	}
	candidates = append(candidates,
		filepath.Join(root, dockerIgnoreName),
		filepath.Join(root, containerIgnoreName))
	for _, c := range candidates {
		// Stat, not Lstat: BuildKit reads the file through symlinks, and an
		// empty ignore file still counts as present (it disables the
		// fallback). One that must not be read (see readPatterns) is
		// present too: the load fails rather than use another file.
		if fi, err := os.Stat(c); err == nil && !fi.IsDir() {
			return c
		}
	}
	return ""
}

// readPatterns parses an ignore file with the same code BuildKit uses, so
// comments, BOMs, leading slashes and "!" lines behave identically. The
// file is read only when it is a regular file of at most
// safefile.MaxIgnoreFile bytes that no symlink leads out of the context
// root (out of the Dockerfile's folder, for a Dockerfile's own ignore file
// outside the context): a FIFO, a device or /etc/passwd is an error.
func readPatterns(root, file string) ([]string, error) {
	if file == "" {
		return nil, nil
	}
	if !within(file, root) {
		root = filepath.Dir(file)
	}
	data, err := safefile.Read(root, file, safefile.MaxIgnoreFile)
	if err != nil {
		return nil, fmt.Errorf("ignore file: %w", err)
	}
	patterns, err := ignorefile.ReadAll(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("parsing %s: %w", file, err)
	}
	return patterns, nil
}

// excluder wraps a patternmatcher with fsutil's rule for when an excluded
// directory may be skipped without being walked. A PatternMatcher compiles
// lazily and is not safe for concurrent use, so an excluder belongs to one
// goroutine (one Load, or one query call).
type excluder struct {
	pm *patternmatcher.PatternMatcher
	// negPrefixes holds the literal prefixes of "!" patterns; nil with
	// wildcardNeg set means a negation could re-include anything anywhere.
	negPrefixes []string
	wildcardNeg bool
}

// newExcluder returns nil when there are no patterns: nothing is excluded.
func newExcluder(patterns []string) (*excluder, error) {
	if len(patterns) == 0 {
		return nil, nil
	}
	pm, err := patternmatcher.New(patterns)
	if err != nil {
		return nil, fmt.Errorf("invalid ignore patterns: %w", err)
	}
	x := &excluder{pm: pm}
	for _, p := range pm.Patterns() {
		if !p.Exclusion() {
			continue
		}
		prefix := patternWithoutTrailingGlob(p)
		// Same special characters fsutil checks before trusting a prefix.
		if strings.ContainsAny(prefix, `*[]?^\`) {
			x.wildcardNeg = true
		}
		x.negPrefixes = append(x.negPrefixes, prefix+"/")
	}
	return x, nil
}

// patternWithoutTrailingGlob mirrors fsutil: "dir/**" and "dir/*" re-include
// everything below dir, so only "dir" matters for the skip decision.
func patternWithoutTrailingGlob(p *patternmatcher.Pattern) string {
	s := filepath.ToSlash(p.String())
	s = strings.TrimSuffix(s, "/**")
	return strings.TrimSuffix(s, "/*")
}

// canSkipDir reports whether an excluded directory can be left unwalked:
// only when no negation pattern could re-include something inside it. This is
// fsutil's filterFS.Walk optimisation, so we skip exactly what BuildKit skips.
func (x *excluder) canSkipDir(rel string) bool {
	if !x.pm.Exclusions() {
		return true
	}
	if x.wildcardNeg {
		return false
	}
	dirSlash := rel + "/"
	for _, p := range x.negPrefixes {
		if strings.HasPrefix(p, dirSlash) {
			return false
		}
	}
	return true
}

// excluded answers for one path the way the walk decides it: component by
// component, carrying parent results (fsutil's MatchesUsingParentResults).
// MatchesOrParentMatches is not used because it disagrees with BuildKit for
// some pattern orders, e.g. "a", "!a/b", "a" keeps a/b in BuildKit.
func (x *excluder) excluded(rel string) bool {
	if x == nil || rel == "." {
		return false
	}
	m, err := matchChain(x.pm, rel)
	return err == nil && m
}

// matchChain matches rel and each of its parent directories in turn.
func matchChain(pm *patternmatcher.PatternMatcher, rel string) (bool, error) {
	var info patternmatcher.MatchInfo
	for i := 0; ; {
		j := strings.IndexByte(rel[i:], '/')
		if j < 0 {
			m, _, err := pm.MatchesUsingParentResults(rel, info)
			return m, err
		}
		var err error
		if _, info, err = pm.MatchesUsingParentResults(rel[:i+j], info); err != nil {
			return false, err
		}
		i += j + 1
	}
}

// within reports whether path is below the folder dir.
func within(path, dir string) bool {
	return strings.HasPrefix(path, strings.TrimSuffix(dir, string(filepath.Separator))+string(filepath.Separator))
}
