package buildcontext

import (
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
)

// ErrOutsideScope: a build context lies where the language server does not
// walk (see Scope). The context is then not loaded at all, so that a
// repository's `context: /` cannot make the server list, and name in a
// diagnostic, files from the rest of the disk.
var ErrOutsideScope = errors.New("outside the folders a build context may be in")

// Refused reports whether err, from Cache.Get, Load or Scope.Check, says
// that a context was not loaded on purpose: it is out of scope, or its
// ignore file cannot be used or costs too much to apply. The features that
// need the context are silent without it, so the user should hear why.
func Refused(err error) bool {
	return errors.Is(err, ErrOutsideScope) || errors.Is(err, ErrIgnoreFile) || errors.Is(err, ErrIgnoreTooCostly)
}

// Scope says which folders a build context may be, for a Dockerfile the
// user opened from a repository they may not have read:
//
//   - the Dockerfile's workspace folder (any of Workspaces holding it) or a
//     folder below it;
//   - with no workspace folder holding the Dockerfile, its own folder or
//     one below it, unless that folder is the filesystem root, a folder
//     directly under it (/etc, /tmp, /home…) or a home folder, where no
//     context is walked at all;
//   - a folder the user widened the scope to (Allowed) or one below it;
//   - never the filesystem root.
//
// Widening belongs to the user, not to the repository: Allowed must come
// from user- or machine-scoped settings, never from a file in the
// repository (.vscode/settings.json is one). Folders are compared as given
// and once symlinks are resolved, so a link in the workspace cannot lead
// the walk out of it.
type Scope struct {
	// Workspaces are the editor's workspace folders (absolute).
	Workspaces []string
	// Allowed are the folders the user allows beyond them (absolute;
	// others are ignored).
	Allowed []string
	// Home is the user's home folder ("" when unknown).
	Home string
}

// Check returns nil when the context root of the Dockerfile at dockerfile
// may be walked, else an error wrapping ErrOutsideScope that says why. It
// reads nothing outside the folders it allows: a root that is not inside
// one of them as written is refused before any symlink is resolved.
func (s Scope) Check(root, dockerfile string) error {
	root, dockerfile = absClean(root), absClean(dockerfile)
	if isFSRoot(root) {
		return fmt.Errorf("build context %s: %w: the filesystem root is never walked", root, ErrOutsideScope)
	}
	folders, why := s.folders(dockerfile)
	if !slices.ContainsFunc(folders, func(f folder) bool { return inOrAt(root, f.path) }) {
		return fmt.Errorf("build context %s: %w: %s", root, ErrOutsideScope, why)
	}
	real := resolved(root)
	leadsIn := func(f folder) bool { return inOrAt(real, resolved(f.path)) && !(f.fallback && s.unwalkable(real)) }
	if isFSRoot(real) || !slices.ContainsFunc(folders, leadsIn) {
		return fmt.Errorf("build context %s: %w: a symlink leads it to %s", root, ErrOutsideScope, real)
	}
	return nil
}

// folder is one folder a context may be in; fallback marks the
// Dockerfile's own folder standing in for a workspace folder.
type folder struct {
	path     string
	fallback bool
}

// folders are the folders a context of dockerfile may be in, and what to
// say when it is in none of them.
func (s Scope) folders(dockerfile string) (folders []folder, why string) {
	var names []string
	for _, w := range s.Workspaces {
		if w = absClean(w); inOrAt(dockerfile, w) {
			folders = append(folders, folder{path: w})
			names = append(names, w)
		}
	}
	why = fmt.Sprintf("it is not in the Dockerfile's workspace folder %s", strings.Join(names, " or "))
	if len(folders) == 0 {
		dir := filepath.Dir(dockerfile)
		why = fmt.Sprintf("with no workspace folder, only the Dockerfile's folder %s is walked", dir)
		if s.unwalkable(dir) {
			why = fmt.Sprintf("with no workspace folder, the Dockerfile's folder %s is not walked: it is the filesystem root, a folder directly under it or a home folder", dir)
		} else {
			folders = append(folders, folder{path: dir, fallback: true})
		}
	}
	for _, a := range s.Allowed {
		if filepath.IsAbs(a) {
			folders = append(folders, folder{path: filepath.Clean(a)})
		}
	}
	return folders, why + " (the allowedContexts setting, in user settings, widens it)"
}

// unwalkable reports whether dir is a folder whose walk, without a
// workspace folder that asks for it, would list far more than a build
// context: the filesystem root, a folder directly under it, or a home
// folder (see HomeFolder).
func (s Scope) unwalkable(dir string) bool {
	return isFSRoot(dir) || isFSRoot(filepath.Dir(dir)) || s.HomeFolder(dir)
}

// HomeFolder reports whether dir (absolute) is a home folder: the user's
// (Home), one beside it, one under /home or /Users, or a folder above the
// user's home. Its walk would list a whole user's files, of which a
// Dockerfile kept there uses few (check refuses it as a default context
// too).
func (s Scope) HomeFolder(dir string) bool {
	dir = absClean(dir)
	parent := filepath.Dir(dir)
	switch filepath.ToSlash(parent) {
	case "/home", "/Users":
		return true
	}
	if s.Home == "" {
		return false
	}
	home := absClean(s.Home)
	return inOrAt(home, dir) || parent == filepath.Dir(home) && !isFSRoot(parent)
}

// absClean is p made absolute and clean (p as it is when that fails).
func absClean(p string) string {
	if abs, err := filepath.Abs(p); err == nil {
		return abs
	}
	return filepath.Clean(p)
}

// resolved is p with its symlinks resolved, or p when that fails (it does
// not exist: the load then fails on its own).
func resolved(p string) string {
	if real, err := filepath.EvalSymlinks(p); err == nil {
		return real
	}
	return p
}

// isFSRoot reports whether p is a filesystem (or volume) root.
func isFSRoot(p string) bool { return filepath.Dir(p) == p }

// inOrAt reports whether p is the folder dir or below it.
func inOrAt(p, dir string) bool { return p == dir || within(p, dir) }
