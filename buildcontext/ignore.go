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

// excluder decides what an ignore file excludes exactly as fsutil's walk
// does with patternmatcher.MatchesUsingParentResults, and with fsutil's
// rule for when an excluded directory may be skipped without being
// walked. Patterns compile lazily and are not safe for concurrent use, so
// an excluder belongs to one goroutine (one Load, or one query call).
type excluder struct {
	rules []rule
	// quick holds, by rule, what decides most paths, packed so that
	// running a path past thousands of rules stays in the CPU's caches.
	quick []quickRule
	// lastExclusion is the index of the last "!" rule, -1 when none:
	// after it, a path that matched stays matched.
	lastExclusion int
	// negPrefixes holds the literal prefixes of "!" patterns; wildcardNeg
	// means a negation could re-include anything anywhere.
	negPrefixes []string
	wildcardNeg bool
}

// newExcluder returns nil when there are no patterns: nothing is excluded.
//
// A pattern repeated within a run of patterns of one kind (all "!" or
// none) is dropped: under MatchesUsingParentResults the repetition never
// matches anything. When it would, the first one has already decided the
// path, and a rule that is skipped or answers no for a parent is not
// recorded as matched for its children either. Repeating one line is
// the cheapest way to make an ignore file expensive.
func newExcluder(patterns []string) (*excluder, error) {
	x := &excluder{lastExclusion: -1}
	var run map[string]bool // the patterns of the current run
	for _, p := range patterns {
		r, ok, err := newRule(p)
		if err != nil {
			return nil, fmt.Errorf("invalid ignore patterns: %w", err)
		}
		if !ok {
			continue
		}
		if n := len(x.rules); n == 0 || x.rules[n-1].exclusion != r.exclusion {
			run = map[string]bool{}
		}
		key := r.alone.Patterns()[0].String()
		if run[key] {
			continue
		}
		run[key] = true
		if r.exclusion {
			x.addNegation(r.alone.Patterns()[0])
			x.lastExclusion = len(x.rules)
		}
		x.rules = append(x.rules, r)
		x.quick = append(x.quick, quickRule{exclusion: r.exclusion, nameBytes: r.need.nameBytes})
	}
	if len(x.rules) == 0 {
		return nil, nil
	}
	return x, nil
}

// addNegation records what canSkipDir needs of a "!" pattern, p as the
// ignore file gives it.
func (x *excluder) addNegation(p *patternmatcher.Pattern) {
	prefix := patternWithoutTrailingGlob(p)
	// Same special characters fsutil checks before trusting a prefix.
	if strings.ContainsAny(prefix, `*[]?^\`) {
		x.wildcardNeg = true
	}
	x.negPrefixes = append(x.negPrefixes, prefix+"/")
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
	if x.lastExclusion < 0 {
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

// quickRule is the part of a rule that the matching loop reads for every
// path: whether it is a "!" rule, and the bytes the path's last segment
// must hold (its need's nameBytes).
type quickRule struct {
	exclusion bool
	nameBytes byteSet
}

// dirMatch is what matching a directory hands down to its entries, so
// that the work done for a directory is done once, not for every path
// below it.
type dirMatch struct {
	// matched says which rules matched the directory or one of its
	// parents: patternmatcher's MatchInfo. nil when none did.
	matched []bool
	// live lists, in order, the rules that can match below the directory:
	// those that matched it, and those whose need a path below it may
	// meet. The others cannot change the answer for any path below.
	live []int32
	// slashes is the number of "/" in the directory's entries' paths.
	slashes int
}

// top is the dirMatch of the context root.
func (x *excluder) top() *dirMatch {
	live := make([]int32, len(x.rules))
	for i := range live {
		live[i] = int32(i)
	}
	return &dirMatch{live: live}
}

// match reports whether rel, an entry of the directory parent describes,
// is excluded, as MatchesUsingParentResults answers with parent's
// MatchInfo. For a directory (isDir) it also returns what to hand down
// to its entries.
func (x *excluder) match(rel string, parent *dirMatch, isDir bool) (bool, *dirMatch, error) {
	name := rel[strings.LastIndexByte(rel, '/')+1:]
	nameBytes := bytesOf(name)
	var matched []bool
	if isDir {
		matched = make([]bool, len(x.rules))
	}
	excluded := false
	for _, i := range parent.live {
		q := &x.quick[i]
		m := parent.matched != nil && parent.matched[i]
		if !m {
			// A rule that cannot change the answer is not evaluated, as in
			// patternmatcher; nor is one whose need rel does not meet.
			if q.exclusion != excluded || !q.nameBytes.within(&nameBytes) {
				continue
			}
			r := &x.rules[i]
			if !r.need.allows(rel, parent.slashes, name) {
				continue
			}
			var err error
			if m, err = r.matches(rel); err != nil {
				return false, nil, fmt.Errorf("matching ignore pattern %s against %s: %w", r.alone.Patterns()[0], rel, err)
			}
		}
		if m {
			excluded = !q.exclusion
		}
		if isDir {
			matched[i] = m
		} else if excluded && int(i) >= x.lastExclusion {
			break // no later rule can include rel again
		}
	}
	if !isDir {
		return excluded, nil, nil
	}
	return excluded, x.below(rel, parent, matched), nil
}

// below is the dirMatch of the directory dir, whose own rule matches are
// matched.
func (x *excluder) below(dir string, parent *dirMatch, matched []bool) *dirMatch {
	d := &dirMatch{slashes: parent.slashes + 1}
	dirSlash := dir + "/"
	anyMatched := false
	for _, i := range parent.live {
		if matched[i] {
			anyMatched = true
		}
		if matched[i] || x.rules[i].need.allowsBelow(dirSlash, parent.slashes) {
			d.live = append(d.live, i)
		}
	}
	if anyMatched {
		d.matched = matched
	}
	return d
}

// excluded answers for one path the way the walk decides it: component by
// component, carrying parent results (fsutil's MatchesUsingParentResults).
// MatchesOrParentMatches is not used because it disagrees with BuildKit for
// some pattern orders, e.g. "a", "!a/b", "a" keeps a/b in BuildKit.
func (x *excluder) excluded(rel string) bool {
	if x == nil || rel == "." {
		return false
	}
	m, err := x.matchChain(rel)
	return err == nil && m
}

// matchChain matches rel and each of its parent directories in turn.
func (x *excluder) matchChain(rel string) (bool, error) {
	d := x.top()
	for i := 0; ; {
		j := strings.IndexByte(rel[i:], '/')
		if j < 0 {
			m, _, err := x.match(rel, d, false)
			return m, err
		}
		var err error
		if _, d, err = x.match(rel[:i+j], d, true); err != nil {
			return false, err
		}
		i += j + 1
	}
}

// within reports whether path is below the folder dir.
func within(path, dir string) bool {
	return strings.HasPrefix(path, strings.TrimSuffix(dir, string(filepath.Separator))+string(filepath.Separator))
}
