package buildcontext

import (
	"io/fs"
	"path"
	"slices"
	"strings"
	"sync"
)

// Context is an immutable snapshot of one build context after its ignore
// file. All query methods are safe for concurrent use.
type Context struct {
	root       string
	ignoreFile string
	patterns   []string
	// excluders keeps compiled excluders for Excluded: compiling the
	// patterns of a large ignore file takes milliseconds, and an excluder
	// serves one call at a time.
	excluders sync.Pool

	// entries holds every walked path (included or not) sorted by path, so a
	// subtree is one contiguous range found by binary search. One flat slice
	// keeps 100,000 files at a few MB with no per-node pointers.
	entries []entry

	files  int
	bytes  int64
	errors int
}

// entry is the compact internal record; Entry is its public view.
type entry struct {
	path     string
	size     int64 // non-dir: lstat size; dir: bytes of included files below
	excBytes int64 // dir: bytes of excluded files seen below (skipped dirs unknown)
	files    int32 // dir: included files below
	excFiles int32 // dir: excluded files seen below
	mode     fs.FileMode
	flags    uint8
}

const (
	flagExcluded    uint8 = 1 << iota // matched by the ignore file
	flagSkipped                       // excluded dir that was not walked
	flagUnreadable                    // stat/readdir failed or permissions deny reading
	flagHasIncluded                   // dir with at least one included descendant
)

// present reports whether the path exists in what BuildKit transfers: it is
// not excluded, or it is an excluded directory that a negation re-populated
// (BuildKit still creates the parents of re-included files).
func (e *entry) present() bool {
	return e.flags&flagExcluded == 0 || e.flags&flagHasIncluded != 0
}

func (e *entry) isDir() bool { return e.mode.IsDir() }

// Entry describes one path of the context. Files counts regular files,
// symlinks and other non-directories alike, because BuildKit transfers each
// of them as one entry.
type Entry struct {
	Path string // slash-separated, relative to the context root
	Mode fs.FileMode
	// Size is the lstat size of a non-directory (a symlink's is its target
	// length) or, for a directory, the bytes of the included files below it.
	Size  int64
	Files int // included files below a directory; 1 for an included file
	// ExcludedFiles/ExcludedBytes count ignored files seen below a directory.
	// Ignored directories are not walked (see Skipped), so this is a floor.
	ExcludedFiles int
	ExcludedBytes int64
	Excluded      bool // matched by the ignore file
	Skipped       bool // ignored directory whose contents were not walked
	Unreadable    bool // BuildKit would fail to read it
}

func (e *entry) public() Entry {
	out := Entry{
		Path:          e.path,
		Mode:          e.mode,
		Size:          e.size,
		Files:         int(e.files),
		ExcludedFiles: int(e.excFiles),
		ExcludedBytes: e.excBytes,
		Excluded:      e.flags&flagExcluded != 0,
		Skipped:       e.flags&flagSkipped != 0,
		Unreadable:    e.flags&flagUnreadable != 0,
	}
	if !e.isDir() && !out.Excluded {
		out.Files = 1
	}
	return out
}

// cleanRel turns a Dockerfile source or user path into the snapshot's key
// form. A leading "/" or "./" means the context root and ".." cannot climb
// above it, matching how BuildKit resolves COPY sources.
func cleanRel(p string) string {
	p = strings.TrimPrefix(path.Clean("/"+p), "/")
	if p == "" {
		return "."
	}
	return p
}

// find returns the index of the entry with exactly this (clean) path.
func (c *Context) find(p string) (int, bool) {
	return slices.BinarySearchFunc(c.entries, p, func(e entry, t string) int {
		return strings.Compare(e.path, t)
	})
}

// subtree returns the index range of entries strictly below dir. All paths
// with prefix "dir/" sort in [dir/, dir0) because '0' follows '/'.
func (c *Context) subtree(dir string) (lo, hi int) {
	if dir == "." {
		return 0, len(c.entries)
	}
	lo, _ = c.find(dir + "/")
	hi, _ = c.find(dir + "0")
	return lo, hi
}

// Root returns the absolute, symlink-resolved context directory.
func (c *Context) Root() string { return c.root }

// IgnoreFile returns the path of the ignore file used, "" if none.
func (c *Context) IgnoreFile() string { return c.ignoreFile }

// Patterns returns the parsed ignore patterns in file order.
func (c *Context) Patterns() []string { return slices.Clone(c.patterns) }

// Stats returns the included files and bytes, and how many paths could not
// be read (BuildKit would fail on those that are included).
func (c *Context) Stats() (files int, bytes int64, errors int) {
	return c.files, c.bytes, c.errors
}

// Exists reports whether path is present in the context after the ignore
// file, i.e. whether a COPY of it would find something.
func (c *Context) Exists(p string) bool {
	p = cleanRel(p)
	if p == "." {
		return true
	}
	i, ok := c.find(p)
	return ok && c.entries[i].present()
}

// IsDir reports whether path is a directory present after the ignore file.
func (c *Context) IsDir(p string) bool {
	p = cleanRel(p)
	if p == "." {
		return true
	}
	i, ok := c.find(p)
	return ok && c.entries[i].present() && c.entries[i].isDir()
}

// Stat returns the walked entry for path, including ignored ones, so callers
// can tell "missing" from "excluded by the ignore file".
func (c *Context) Stat(p string) (Entry, bool) {
	i, ok := c.find(cleanRel(p))
	if !ok {
		return Entry{}, false
	}
	return c.entries[i].public(), true
}

// Excluded reports whether the ignore file excludes path, whether or not it
// exists (paths inside unwalked ignored directories are not in the snapshot).
func (c *Context) Excluded(p string) bool {
	x, ok := c.excluders.Get().(*excluder)
	if !ok {
		var err error
		if x, err = newExcluder(c.patterns); err != nil || x == nil {
			return false
		}
	}
	defer c.excluders.Put(x)
	return x.excluded(cleanRel(p))
}
