// Package pathrel places a path inside a folder: the build context, a
// repository's work tree.
package pathrel

import (
	"path/filepath"
	"strings"
)

// Within returns p relative to root (slash-separated) when p is inside
// root, comparing the real folders when either is reached through a
// symbolic link (a repository reached through a link, /tmp on macOS). The
// file itself is not resolved: a link inside the folder is a file of the
// folder.
func Within(root, p string) (string, bool) {
	if rel, ok := Inside(root, p); ok {
		return rel, true
	}
	realRoot, err := filepath.EvalSymlinks(root)
	if err != nil {
		return "", false
	}
	realDir, err := filepath.EvalSymlinks(filepath.Dir(p))
	if err != nil {
		return "", false
	}
	return Inside(realRoot, filepath.Join(realDir, filepath.Base(p)))
}

// Inside returns p relative to root (slash-separated) when p, as written,
// is root or below it.
func Inside(root, p string) (string, bool) {
	rel, err := filepath.Rel(root, p)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return "", false
	}
	return filepath.ToSlash(rel), true
}
