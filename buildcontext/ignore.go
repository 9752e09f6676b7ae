// Package buildcontext models a Docker build context the way BuildKit sees
// it: which ignore file applies, which files survive it, and what a COPY/ADD
// source selects from what survives. It is shared by the language server and
// the CLI and knows nothing about LSP.
package buildcontext

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/moby/patternmatcher"
	"github.com/moby/patternmatcher/ignorefile"

	"github.com/dockerfile-ls/dockerfile-ls/internal/budget"
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
		return nil, fmt.Errorf("%w: %w", ErrIgnoreFile, err)
	}
	patterns, err := ignorefile.ReadAll(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("%w: parsing %s: %w", ErrIgnoreFile, file, err)
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
	// lastExclusion is the index of the last "!" rule, -1 when none.
	lastExclusion int
	// negPrefixes holds the literal prefixes of "!" patterns; wildcardNeg
	// means a negation could re-include anything anywhere.
	negPrefixes []string
	wildcardNeg bool
	// textID numbers the rules by pattern text ("!" aside): rules of one
	// text give one answer for a path, worked out once (memo, by text),
	// so repeating a line in alternation with its "!" costs nothing.
	textID []int32
	memo   []memoEntry
	// inOrder: a pattern does not compile, so files are matched in
	// patternmatcher's order too (see matchFile), for the error to come
	// exactly where it would.
	inOrder bool
	// path numbers the paths matched, for memo; spent counts the pattern
	// evaluations since top, less budget.IgnoreMatchesPerPath for each
	// path matched, against budget.MaxIgnoreMatches.
	path  uint32
	spent int
}

// memoEntry is one pattern text's answer for the path numbered path.
type memoEntry struct {
	path    uint32
	matched bool
}

// ErrIgnoreFile: the context's ignore file is not read (a FIFO, a device,
// too large, a symlink out of the context) or its patterns are invalid.
// The context is then not loaded: without its ignore file it would be
// another context than the one BuildKit sends.
var ErrIgnoreFile = errors.New("the ignore file cannot be used")

// ErrIgnoreTooCostly: applying the ignore file to the context takes more
// pattern evaluations than budget.MaxIgnoreMatches allows. The needs, the
// memo and the order of evaluation leave real ignore files far below it;
// a 65 KB file of patterns written to defeat them all would take minutes.
var ErrIgnoreTooCostly = fmt.Errorf("applying the ignore file takes more than %d pattern matches (and %d per path): the build context is not loaded",
	budget.MaxIgnoreMatches, budget.IgnoreMatchesPerPath)

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
	ids := map[string]int32{}
	var run map[string]bool // the patterns of the current run
	for _, p := range patterns {
		r, ok, err := newRule(p)
		if err != nil {
			return nil, fmt.Errorf("%w: invalid patterns: %w", ErrIgnoreFile, err)
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
		id, seen := ids[key]
		if !seen {
			id = int32(len(ids))
			ids[key] = id
		}
		x.textID = append(x.textID, id)
	}
	x.memo = make([]memoEntry, len(ids))
	for i := range x.rules {
		// A rule whose need is known is made of text that always compiles.
		if r := &x.rules[i]; !r.need.known {
			_, err := r.matches("")
			x.inOrder = x.inOrder || err != nil
		}
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

// top is the dirMatch of the context root, where a walk (or one path's
// chain of folders) starts: the evaluation budget starts afresh.
func (x *excluder) top() *dirMatch {
	x.spent = 0
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
	x.path++
	x.spent -= budget.IgnoreMatchesPerPath
	c := candidate{rel: rel, name: rel[strings.LastIndexByte(rel, '/')+1:], parent: parent}
	c.nameBytes = bytesOf(c.name)
	if !isDir && !x.inOrder {
		excluded, err := x.matchFile(&c)
		return excluded, nil, err
	}
	excluded, matched, err := x.matchInOrder(&c, isDir)
	if err != nil || !isDir {
		return excluded, nil, err
	}
	return excluded, x.below(rel, parent, matched), nil
}

// matchInOrder is match as patternmatcher goes, rule after rule, which
// records for a directory (isDir) which rules matched it.
func (x *excluder) matchInOrder(c *candidate, isDir bool) (excluded bool, matched []bool, err error) {
	if isDir {
		matched = make([]bool, len(x.rules))
	}
	for _, i := range c.parent.live {
		m := c.parent.matched != nil && c.parent.matched[i]
		// A rule that cannot change the answer is not evaluated, as in
		// patternmatcher; nor is one whose need rel does not meet.
		if !m && x.quick[i].exclusion == excluded && x.mayMatch(i, c) {
			if m, err = x.evaluate(i, c.rel); err != nil {
				return false, nil, err
			}
		}
		if m {
			excluded = !x.quick[i].exclusion
		}
		if isDir {
			matched[i] = m
		}
	}
	return excluded, matched, nil
}

// candidate is a path being matched, with what the rules' needs look at.
type candidate struct {
	rel, name string
	nameBytes byteSet
	parent    *dirMatch
}

// matchFile is match for a file, whose answer is all there is to find:
// the kind of the last rule that matches it (MatchesUsingParentResults
// skips only rules that could not change its answer), so the rules are
// tried from the last, and the first match ends the search. A "!" rule
// before the first rule that may exclude the path cannot change the
// answer either, and is not tried.
func (x *excluder) matchFile(c *candidate) (bool, error) {
	live := c.parent.live
	first := len(live)
	for k, i := range live {
		if !x.quick[i].exclusion && x.mayMatch(i, c) {
			first = k
			break
		}
	}
	for k := len(live) - 1; k >= first; k-- {
		i := live[k]
		if !x.mayMatch(i, c) {
			continue
		}
		m := c.parent.matched != nil && c.parent.matched[i]
		if !m {
			var err error
			if m, err = x.evaluate(i, c.rel); err != nil {
				return false, err
			}
		}
		if m {
			return !x.quick[i].exclusion, nil
		}
	}
	return false, nil
}

// mayMatch reports whether rule i may match the candidate: its parent
// matched the rule, or the path meets the rule's need.
func (x *excluder) mayMatch(i int32, c *candidate) bool {
	if c.parent.matched != nil && c.parent.matched[i] {
		return true
	}
	return x.quick[i].nameBytes.within(&c.nameBytes) && x.rules[i].need.allows(c.rel, c.parent.slashes, c.name)
}

// evaluate runs rule i's pattern on rel (once per path for each pattern
// text), within the budget of evaluations.
func (x *excluder) evaluate(i int32, rel string) (bool, error) {
	e := &x.memo[x.textID[i]]
	if e.path == x.path {
		return e.matched, nil
	}
	if x.spent++; x.spent > budget.MaxIgnoreMatches {
		return false, ErrIgnoreTooCostly
	}
	r := &x.rules[i]
	m, err := r.matches(rel)
	if err != nil {
		return false, fmt.Errorf("matching ignore pattern %s against %s: %w", r.alone.Patterns()[0], rel, err)
	}
	*e = memoEntry{path: x.path, matched: m}
	return m, nil
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
