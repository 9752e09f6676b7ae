package realbuild

import (
	"path"
	"slices"
	"strings"

	"github.com/dockerfile-ls/dockerfile-ls/internal/oracle"
)

// ChangeKind says how a path differs in the second tree of a Diff.
type ChangeKind string

const (
	Added    ChangeKind = "added"
	Missing  ChangeKind = "missing"
	Modified ChangeKind = "modified" // mode, owner, size, content or link target
)

// Change is one path that differs between two file trees.
type Change struct {
	Path string
	Kind ChangeKind
}

func (c Change) String() string { return string(c.Kind) + " /" + c.Path }

// Diff lists the paths whose entries differ from a to b, in path order
// (both sorted by path, as oracle.ListFiles returns them).
func Diff(a, b []oracle.FileEntry) []Change {
	var out []Change
	i, j := 0, 0
	for i < len(a) || j < len(b) {
		switch {
		case j == len(b) || i < len(a) && a[i].Path < b[j].Path:
			out = append(out, Change{a[i].Path, Missing})
			i++
		case i == len(a) || b[j].Path < a[i].Path:
			out = append(out, Change{b[j].Path, Added})
			j++
		default:
			if a[i] != b[j] {
				out = append(out, Change{a[i].Path, Modified})
			}
			i, j = i+1, j+1
		}
	}
	return out
}

// Volatile is what differs between two builds of the same Dockerfile
// (logs, caches of ldconfig and debconf): computed, not listed. A file
// whose content differs is volatile; a file only one build has is named
// at random (npm's timestamped logs, yarn's temporary folders), so
// everything in its folder is.
type Volatile struct {
	paths   map[string]bool
	folders []string
}

// VolatileOf is the volatile set of two builds of one Dockerfile.
func VolatileOf(a, b []oracle.FileEntry) Volatile {
	v := Volatile{paths: map[string]bool{}}
	for _, c := range Diff(a, b) {
		dir := path.Dir(c.Path)
		if c.Kind == Modified || dir == "." {
			v.paths[c.Path] = true
		} else if !slices.Contains(v.folders, dir) {
			v.folders = append(v.folders, dir)
		}
	}
	return v
}

// Has reports whether p is volatile.
func (v Volatile) Has(p string) bool {
	if v.paths[p] {
		return true
	}
	for _, d := range v.folders {
		if strings.HasPrefix(p, d+"/") {
			return true
		}
	}
	return false
}

// List is the volatile set as the report shows it: paths, and folders
// as "folder/**".
func (v Volatile) List() []string {
	out := sortedKeys(v.paths)
	for _, d := range v.folders {
		out = append(out, d+"/**")
	}
	slices.Sort(out)
	return out
}

// Allowance names the changes a fix exists to make, as patterns: "**"
// matches every path, a pattern ending in "/**" the folders its first
// part matches and everything in them, others match as path.Match does.
// Paths have no leading slash.
type Allowance struct {
	Missing, Added, Modified []string
}

func (a Allowance) allows(c Change) bool {
	var pats []string
	switch c.Kind {
	case Missing:
		pats = a.Missing
	case Added:
		pats = a.Added
	case Modified:
		pats = a.Modified
	}
	for _, p := range pats {
		if matches(p, c.Path) {
			return true
		}
	}
	return false
}

func matches(pattern, p string) bool {
	if pattern == "**" {
		return true
	}
	if dir, ok := strings.CutSuffix(pattern, "/**"); ok {
		parts := strings.Split(p, "/")
		n := strings.Count(dir, "/") + 1
		if len(parts) < n {
			return false
		}
		ok, _ := path.Match(dir, strings.Join(parts[:n], "/"))
		return ok
	}
	ok, _ := path.Match(pattern, p)
	return ok
}

// Unexplained lists the changes from the original's tree to the fixed
// one's that are neither volatile nor allowed.
func Unexplained(orig, fixed []oracle.FileEntry, v Volatile, allow Allowance) []Change {
	var out []Change
	for _, c := range Diff(orig, fixed) {
		if !v.Has(c.Path) && !allow.allows(c) {
			out = append(out, c)
		}
	}
	return out
}
