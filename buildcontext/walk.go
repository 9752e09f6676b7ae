package buildcontext

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
)

// Load walks the build context at root once and returns its snapshot.
// dockerfilePath (absolute or relative to root, may be "") selects the
// Dockerfile-specific ignore file. Only directory listings and lstat are
// used: file contents are never read and symlinks are never followed.
func Load(ctx context.Context, root, dockerfilePath string) (*Context, error) {
	abs, err := resolveRoot(root)
	if err != nil {
		return nil, err
	}
	if dockerfilePath != "" && !filepath.IsAbs(dockerfilePath) {
		dockerfilePath = filepath.Join(abs, dockerfilePath)
	}
	ignore := FindIgnoreFile(abs, dockerfilePath)
	patterns, err := readPatterns(abs, ignore)
	if err != nil {
		return nil, err
	}
	readDir := func(rel string) ([]fs.DirEntry, error) {
		return os.ReadDir(filepath.Join(abs, filepath.FromSlash(rel)))
	}
	c, err := build(ctx, readDir, patterns)
	if err != nil {
		return nil, err
	}
	c.root, c.ignoreFile = abs, ignore
	return c, nil
}

// resolveRoot resolves symlinks in the root itself, as the docker CLI does
// before sending a context; symlinks inside the context are never followed.
func resolveRoot(root string) (string, error) {
	abs, err := filepath.Abs(root)
	if err != nil {
		return "", err
	}
	if real, err := filepath.EvalSymlinks(abs); err == nil {
		abs = real
	}
	fi, err := os.Stat(abs)
	if err != nil {
		return "", err
	}
	if !fi.IsDir() {
		return "", fmt.Errorf("build context %s is not a directory", abs)
	}
	return abs, nil
}

// dirReader lists one directory given its slash path relative to the root
// ("." for the root). Its DirEntry.Info must not follow symlinks.
type dirReader func(rel string) ([]fs.DirEntry, error)

type walker struct {
	ctx     context.Context
	readDir dirReader
	ex      *excluder // nil: nothing excluded
	entries []entry
	errors  int
	visited int
}

// agg is what a directory's subtree contributes to its ancestors.
type agg struct {
	files, excFiles int32
	bytes, excBytes int64
	hasIncluded     bool
}

func (a *agg) add(b agg) {
	a.files += b.files
	a.excFiles += b.excFiles
	a.bytes += b.bytes
	a.excBytes += b.excBytes
	a.hasIncluded = a.hasIncluded || b.hasIncluded
}

// build walks through readDir; it is separate from Load so tests and fuzzing
// can run the exact walk over an in-memory fs.
func build(ctx context.Context, readDir dirReader, patterns []string) (*Context, error) {
	ex, err := newExcluder(patterns)
	if err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	w := &walker{ctx: ctx, readDir: readDir, ex: ex}
	children, err := readDir(".")
	if err != nil {
		return nil, err
	}
	var top *dirMatch
	if ex != nil {
		top = ex.top()
	}
	total, err := w.walkChildren(".", children, top)
	if err != nil {
		return nil, err
	}
	// The walk emits parents before children in readdir order; lexical order
	// is what makes subtrees contiguous for binary search.
	slices.SortFunc(w.entries, func(a, b entry) int { return strings.Compare(a.path, b.path) })
	c := &Context{
		patterns: patterns,
		entries:  slices.Clip(w.entries),
		files:    int(total.files),
		bytes:    total.bytes,
		errors:   w.errors,
	}
	if ex != nil {
		c.excluders.Put(ex) // compiled already: the first Excluded call takes it
	}
	return c, nil
}

func (w *walker) walkChildren(dir string, children []fs.DirEntry, parent *dirMatch) (agg, error) {
	var total agg
	for _, d := range children {
		if w.visited++; w.visited%256 == 0 {
			if err := w.ctx.Err(); err != nil {
				return total, err
			}
		}
		rel := d.Name()
		if dir != "." {
			rel = dir + "/" + rel
		}
		a, err := w.visit(rel, d, parent)
		if err != nil {
			return total, err
		}
		total.add(a)
	}
	return total, nil
}

// visit records one path and, for a directory that must be walked, its
// subtree. Parent match results are carried down exactly like fsutil does,
// so nested negations resolve identically.
func (w *walker) visit(rel string, d fs.DirEntry, parent *dirMatch) (agg, error) {
	excluded, below, err := w.match(rel, parent, d.IsDir())
	if err != nil {
		return agg{}, err
	}
	e := entry{path: rel, mode: d.Type()}
	if excluded {
		e.flags |= flagExcluded
	}
	if d.IsDir() {
		return w.visitDir(e, below)
	}
	fi, err := d.Info()
	if isVanished(err) {
		return agg{}, nil // deleted while we walked: simply not in the snapshot
	}
	if err != nil || (!excluded && e.mode.IsRegular() && !readable(fi)) {
		e.flags |= flagUnreadable
		if !excluded { // BuildKit ignores permission errors on skipped paths
			w.errors++
		}
	}
	if fi != nil {
		e.mode, e.size = fi.Mode(), fi.Size()
	}
	w.entries = append(w.entries, e)
	if excluded {
		return agg{excFiles: 1, excBytes: e.size}, nil
	}
	return agg{files: 1, bytes: e.size, hasIncluded: true}, nil
}

func (w *walker) match(rel string, parent *dirMatch, isDir bool) (bool, *dirMatch, error) {
	if w.ex == nil {
		return false, nil, nil
	}
	return w.ex.match(rel, parent, isDir)
}

func (w *walker) visitDir(e entry, below *dirMatch) (agg, error) {
	excluded := e.flags&flagExcluded != 0
	if excluded && w.ex.canSkipDir(e.path) {
		// Not walked, as in BuildKit; its size is unknown by design.
		e.flags |= flagSkipped
		w.entries = append(w.entries, e)
		return agg{}, nil
	}
	if err := w.ctx.Err(); err != nil {
		return agg{}, err
	}
	idx := len(w.entries)
	w.entries = append(w.entries, e)
	children, err := w.readDir(e.path)
	if isVanished(err) && len(children) == 0 {
		w.entries = w.entries[:idx]
		return agg{}, nil
	}
	if err != nil {
		// Keep whatever was listed; one unreadable directory must not hide
		// the rest of the context.
		w.entries[idx].flags |= flagUnreadable
		if !excluded {
			w.errors++
		}
	}
	sub, err := w.walkChildren(e.path, children, below)
	if err != nil {
		return agg{}, err
	}
	w.finishDir(idx, sub)
	if !excluded {
		sub.hasIncluded = true
	}
	return sub, nil
}

// finishDir stores the subtree aggregate on the directory's entry. The
// directory's mode bits come from the DirEntry type; an lstat per directory
// would only add permission bits nobody queries.
func (w *walker) finishDir(idx int, sub agg) {
	e := &w.entries[idx]
	e.size, e.files = sub.bytes, sub.files
	e.excBytes, e.excFiles = sub.excBytes, sub.excFiles
	if sub.hasIncluded {
		e.flags |= flagHasIncluded
	}
}

// isVanished reports errors meaning the path disappeared (or was replaced by
// a non-directory) during the walk.
func isVanished(err error) bool {
	return errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR)
}
