package cli

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/dockerfile-ls/dockerfile-ls/buildcontext"

	"github.com/dockerfile-ls/dockerfile-ls/internal/pathrel"
)

var (
	// errFSRoot: a build context is never the filesystem root, whoever
	// names it: walking it would list the whole disk.
	errFSRoot = errors.New("the filesystem root is never a build context")
	// errWidened: a file of the repository (project file, Compose, bake,
	// --config) names a context above the current folder. Only the user
	// widens the context, with --context: a repository just cloned must
	// not make check walk, and name in findings, the files around it.
	errWidened = errors.New("a file in the repository cannot widen the build context above the current folder")
	// errHomeFolder: a home folder holds a user's every file, of which a
	// Dockerfile kept there uses few; walking it for `check ~/Dockerfile`
	// would list them all, and name some in findings. As the server
	// without a workspace folder, check walks it only when asked to.
	errHomeFolder = errors.New("a home folder is walked as a build context only when --context names it")
)

// contextScope checks a build context root before check or cache walks
// it: the filesystem root never, and a home folder or one above it only
// when the user named it (userGave: --context). Unlike the server without
// a workspace folder, check walks a folder directly under the root: the
// user named the Dockerfile there, and CI checkouts live there (/src).
func contextScope(root string, userGave bool) error {
	if err := notFSRoot(root); err != nil || userGave {
		return err
	}
	home, _ := os.UserHomeDir()
	scope := buildcontext.Scope{Home: home}
	if scope.HomeFolder(root) || scope.HomeFolder(resolved(root)) {
		return fmt.Errorf("%w (give --context %s to walk it)", errHomeFolder, root)
	}
	return nil
}

// repoContext checks a build context root that a file of the repository
// gives the Dockerfile at dockerfile: it must not be the filesystem root,
// nor a home folder, and must be inside (as written and with symlinks resolved)
//   - the current folder cwd, what the user chose to check;
//   - or the Dockerfile's folder, the default context, so no widening;
//   - or, for a Dockerfile outside cwd (the user named a file elsewhere),
//     the repository holding it: the nearest folder above it with a .git.
func repoContext(root, dockerfile, cwd string) error {
	if err := contextScope(root, false); err != nil {
		return err
	}
	dir := filepath.Dir(dockerfile)
	if inside(root, cwd) || inside(root, dir) {
		return nil
	}
	if repo := repository(dir); repo != "" && !inside(dockerfile, cwd) && inside(root, repo) {
		return nil
	}
	return fmt.Errorf("%w (give --context %s to use it)", errWidened, root)
}

// repository is the nearest folder from dir up with a .git entry, or ""
// when none.
func repository(dir string) string {
	for d := dir; ; d = filepath.Dir(d) {
		if _, err := os.Lstat(filepath.Join(d, ".git")); err == nil {
			return d
		}
		if filepath.Dir(d) == d {
			return ""
		}
	}
}

// notFSRoot refuses the filesystem root, or a folder that leads to it.
func notFSRoot(root string) error {
	if isFSRoot(root) || isFSRoot(resolved(root)) {
		return errFSRoot
	}
	return nil
}

func isFSRoot(p string) bool {
	p = filepath.Clean(p)
	return filepath.Dir(p) == p
}

// inside reports whether p is dir or below it, as written and once the
// symlinks of both are resolved (a link inside dir may lead out of it).
func inside(p, dir string) bool {
	_, asWritten := pathrel.Inside(dir, p)
	_, real := pathrel.Inside(resolved(dir), resolved(p))
	return asWritten && real
}

// resolved is p with its symlinks resolved, or p when it cannot be (it
// does not exist: loading it fails later, saying so).
func resolved(p string) string {
	if r, err := filepath.EvalSymlinks(p); err == nil {
		p = r
	}
	if abs, err := filepath.Abs(p); err == nil {
		return abs
	}
	return p
}

// workingFolder is cwd, or the process's when cwd is "".
func workingFolder(cwd string) string {
	if cwd == "" {
		cwd, _ = os.Getwd()
	}
	return cwd
}
