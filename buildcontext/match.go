package buildcontext

import (
	"path"
	"slices"
	"strings"

	"github.com/moby/patternmatcher"
)

// Selection is what one or more sources pick from the context.
type Selection struct {
	Files int      // non-directories, counted once even if selected twice
	Bytes int64    // their total lstat size
	Paths []string // matched top-level paths, sorted, nested ones dropped
}

// Match reports what a COPY/ADD source selects after the ignore file. src is
// relative to the context root (a leading "/" or "./" is allowed); "*", "?"
// and "[...]" match within one path segment as Go's path.Match does (BuildKit
// resolves COPY wildcards that way); a directory selects its whole tree.
func (c *Context) Match(src string) Selection {
	return c.selection(c.resolve(src))
}

// MatchAll is the union of Match over srcs.
func (c *Context) MatchAll(srcs []string) Selection {
	var paths []string
	for _, s := range srcs {
		paths = append(paths, c.resolve(s)...)
	}
	return c.selection(paths)
}

// Glob returns the present paths matching pattern (same rules as a COPY
// source, e.g. "requirements*.txt" or "*/go.mod"), sorted.
func (c *Context) Glob(pattern string) []string {
	return c.resolve(pattern)
}

// resolve expands a source to the present top-level paths it names.
func (c *Context) resolve(src string) []string {
	s := cleanRel(src)
	if s == "." {
		return []string{"."}
	}
	if !containsWildcards(s) {
		if i, ok := c.find(s); ok && c.entries[i].present() {
			return []string{s}
		}
		return nil
	}
	return c.resolveWildcards(splitWildcards(s))
}

// resolveWildcards follows fsutil's copy.ResolveWildcards: the literal
// leading directory is looked up, then the rest is matched with path.Match
// against paths relative to it. path.Match never crosses "/", so only
// entries with the same number of segments can match.
func (c *Context) resolveWildcards(dir, pattern string) []string {
	prefix := ""
	if dir != "." {
		prefix = dir + "/"
	}
	depth := strings.Count(pattern, "/")
	lo, hi := c.subtree(dir)
	var out []string
	for i := lo; i < hi; i++ {
		e := &c.entries[i]
		rel := e.path[len(prefix):]
		if strings.Count(rel, "/") != depth || !e.present() {
			continue
		}
		if ok, _ := path.Match(pattern, rel); ok {
			out = append(out, e.path)
		}
	}
	return out
}

// containsWildcards is fsutil's check: a backslash escapes the next byte.
func containsWildcards(s string) bool {
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case '*', '?', '[':
			return true
		}
	}
	return false
}

// splitWildcards splits a clean path at the first segment with a wildcard.
func splitWildcards(s string) (dir, pattern string) {
	parts := strings.Split(s, "/")
	for i, p := range parts {
		if containsWildcards(p) {
			dir = strings.Join(parts[:i], "/")
			if dir == "" {
				dir = "."
			}
			return dir, strings.Join(parts[i:], "/")
		}
	}
	return s, ""
}

// selection sums the given top-level paths, dropping duplicates and paths
// nested inside another selected path so nothing is counted twice.
func (c *Context) selection(paths []string) Selection {
	roots := topLevel(paths)
	sel := Selection{Paths: roots}
	for _, p := range roots {
		if p == "." {
			return Selection{Files: c.files, Bytes: c.bytes, Paths: roots}
		}
		i, ok := c.find(p)
		if !ok {
			continue
		}
		e := &c.entries[i]
		switch {
		case e.isDir():
			sel.Files += int(e.files)
			sel.Bytes += e.size
		case e.flags&flagExcluded == 0:
			sel.Files++
			sel.Bytes += e.size
		}
	}
	return sel
}

// topLevel dedupes paths and drops those below another one in the set.
func topLevel(paths []string) []string {
	if len(paths) == 0 {
		return nil
	}
	set := make(map[string]bool, len(paths))
	for _, p := range paths {
		set[p] = true
	}
	if set["."] {
		return []string{"."}
	}
	out := make([]string, 0, len(set))
	for p := range set {
		if !hasAncestorIn(p, set) {
			out = append(out, p)
		}
	}
	slices.Sort(out)
	return out
}

func hasAncestorIn(p string, set map[string]bool) bool {
	for d := path.Dir(p); d != "."; d = path.Dir(d) {
		if set[d] {
			return true
		}
	}
	return false
}

// Sent reports what BuildKit transfers from the context for a build whose
// COPY/ADD/RUN --mount=type=bind sources are srcs. The Dockerfile frontend
// passes the raw sources as include patterns (llb.FollowPaths), so they are
// matched with patternmatcher here, not path.Match: "src/**" or "a*/b" can
// transfer more than COPY then copies. A "." or "/" source sends everything;
// no sources send nothing. The Dockerfile and its ignore file travel
// separately and are not counted.
func (c *Context) Sent(srcs []string) Selection {
	cleaned := make([]string, 0, len(srcs))
	wild := false
	for _, s := range srcs {
		s = cleanRel(s)
		cleaned = append(cleaned, s)
		wild = wild || containsWildcards(s) || strings.HasPrefix(s, "!")
	}
	if !wild {
		// Literal paths select the same trees under both matchers.
		return c.MatchAll(cleaned)
	}
	if slices.Contains(cleaned, ".") {
		return c.selection([]string{"."})
	}
	pm, err := patternmatcher.New(cleaned)
	if err != nil {
		return c.MatchAll(cleaned) // BuildKit would fail the build instead
	}
	return c.sentByPatterns(pm)
}

// sentByPatterns scans the snapshot once. Entries are sorted, so a parent
// directory is always matched before its children, and its match results are
// carried down exactly as fsutil does for include patterns.
func (c *Context) sentByPatterns(pm *patternmatcher.PatternMatcher) Selection {
	var sel Selection
	type dirState struct {
		info    patternmatcher.MatchInfo
		matched bool
	}
	dirs := map[string]dirState{}
	for i := range c.entries {
		e := &c.entries[i]
		if !e.present() {
			continue
		}
		parent := dirs[path.Dir(e.path)] // zero for top-level entries
		m, info, err := pm.MatchesUsingParentResults(e.path, parent.info)
		if err != nil {
			continue
		}
		if e.isDir() {
			dirs[e.path] = dirState{info: info, matched: m}
		}
		if !m {
			continue
		}
		if !parent.matched {
			sel.Paths = append(sel.Paths, e.path)
		}
		if !e.isDir() && e.flags&flagExcluded == 0 {
			sel.Files++
			sel.Bytes += e.size
		}
	}
	return sel
}

// Largest returns the n largest files and directories within what src
// selects, largest first (ties by path). Directory sizes count included
// files only. A single selected directory is left out of its own list.
func (c *Context) Largest(src string, n int) []Entry {
	if n <= 0 {
		return nil
	}
	roots := topLevel(c.resolve(src))
	t := topN{n: n}
	for _, r := range roots {
		skipRoot := len(roots) == 1 && c.IsDir(r)
		c.eachUnder(r, !skipRoot, func(e *entry) { t.offer(e) })
	}
	out := make([]Entry, len(t.items))
	for i, e := range t.items {
		out[i] = e.public()
	}
	return out
}

// eachUnder calls fn for the present entries in root's subtree.
func (c *Context) eachUnder(root string, self bool, fn func(*entry)) {
	if self && root != "." {
		if i, ok := c.find(root); ok {
			fn(&c.entries[i])
		}
	}
	lo, hi := c.subtree(root)
	for i := lo; i < hi; i++ {
		if e := &c.entries[i]; e.present() && (e.isDir() || e.flags&flagExcluded == 0) {
			fn(e)
		}
	}
}

// topN keeps the n largest entries in descending order; n is small, so an
// insertion into a short sorted slice beats sorting the whole context.
type topN struct {
	n     int
	items []*entry
}

func less(a, b *entry) bool { // a ranks before b
	if a.size != b.size {
		return a.size > b.size
	}
	return a.path < b.path
}

func (t *topN) offer(e *entry) {
	if len(t.items) == t.n && !less(e, t.items[len(t.items)-1]) {
		return
	}
	i, _ := slices.BinarySearchFunc(t.items, e, func(x, y *entry) int {
		if less(x, y) {
			return -1
		}
		return 1
	})
	t.items = slices.Insert(t.items, i, e)
	if len(t.items) > t.n {
		t.items = t.items[:t.n]
	}
}
