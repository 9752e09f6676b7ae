// Package cachehistory replays a repository's history through the cache
// engine (package cache): for each commit, the files it changed in a
// Dockerfile's build context and the steps those changes re-run, as
// `dockerfile-ls cache --changed` predicts them; then, per step, how often
// it re-ran and what that cost by an estimate (estimate.go).
//
// Git is read with go-git: objects, references and the shallow list, never
// a git process and never the repository's configuration, which is the
// repository author's to write and can name programs to run.
//
// It has no LSP and no command line in it: internal/cli feeds it the
// Dockerfile, its settings and its build context as `cache` reads them.
package cachehistory

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/go-git/go-billy/v5"
	"github.com/go-git/go-billy/v5/osfs"
	git "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	gitcache "github.com/go-git/go-git/v5/plumbing/cache"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/storage/filesystem"
	"github.com/go-git/go-git/v5/storage/filesystem/dotgit"
)

// Repo is one git repository, opened for reading.
type Repo struct {
	git *git.Repository
	// WorkTree is the folder the repository's paths are relative to; ""
	// for a bare repository.
	WorkTree string
	// shallow holds the commits a shallow clone has without their parents.
	shallow map[plumbing.Hash]bool
	storage *filesystem.Storage
	// gitDir holds HEAD; commonDir the references and objects (the same
	// folder but for a linked worktree).
	gitDir, commonDir string
}

// Close closes the packfiles the repository keeps open.
func (r *Repo) Close() error { return r.storage.Close() }

// ErrNoRepository is returned when no folder from the given one up holds a
// repository.
var ErrNoRepository = errors.New("not in a git repository")

// maxPointer bounds the .git file and commondir file read to find the
// repository's folder (each holds one path).
const maxPointer = 64 << 10

// Open opens the repository holding dir: the first folder from dir up that
// has a .git folder, or a .git file pointing to one (a linked worktree, a
// submodule), or dir itself when it is a bare repository.
func Open(dir string) (*Repo, error) {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	for d := dir; ; d = filepath.Dir(d) {
		gitDir, found, err := dotGit(d)
		if err != nil {
			return nil, err
		}
		if found {
			return OpenGitDir(gitDir, d)
		}
		if d == dir && isBare(d) {
			return OpenGitDir(d, "")
		}
		if filepath.Dir(d) == d {
			return nil, fmt.Errorf("%s: %w", dir, ErrNoRepository)
		}
	}
}

// dotGit is the git folder dir/.git names, if any.
func dotGit(dir string) (string, bool, error) {
	p := filepath.Join(dir, git.GitDirName)
	fi, err := os.Lstat(p)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return "", false, nil
	case err != nil:
		return "", false, err
	case fi.IsDir():
		return p, true, nil
	case !fi.Mode().IsRegular():
		return "", false, fmt.Errorf("%s is neither a folder nor a file", p)
	}
	target, err := readPointer(p, "gitdir:")
	if err != nil {
		return "", false, err
	}
	if !filepath.IsAbs(target) {
		target = filepath.Join(dir, target)
	}
	return target, true, nil
}

// readPointer reads a one-line file naming a folder, such as a .git file
// ("gitdir: PATH") or a worktree's commondir ("PATH", prefix "").
func readPointer(p, prefix string) (string, error) {
	f, err := os.Open(p)
	if err != nil {
		return "", err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxPointer))
	if err != nil {
		return "", fmt.Errorf("reading %s: %w", p, err)
	}
	line, _, _ := strings.Cut(string(b), "\n")
	target, ok := strings.CutPrefix(strings.TrimSpace(line), prefix)
	target = strings.TrimSpace(target)
	if !ok || target == "" {
		return "", fmt.Errorf("%s does not name a folder", p)
	}
	return target, nil
}

// isBare reports whether dir looks like a bare repository: HEAD, objects
// and refs, as git's own discovery asks.
func isBare(dir string) bool {
	for _, name := range []string{"HEAD", "objects", "refs"} {
		if _, err := os.Stat(filepath.Join(dir, name)); err != nil {
			return false
		}
	}
	return true
}

// OpenGitDir opens the repository whose git folder is gitDir, with its
// paths relative to workTree ("" for a bare repository). A linked
// worktree's git folder names, in its commondir file, the folder that
// holds the objects.
func OpenGitDir(gitDir, workTree string) (*Repo, error) {
	var fs billy.Filesystem = osfs.New(gitDir)
	commonDir := gitDir
	if common, err := readPointer(filepath.Join(gitDir, "commondir"), ""); err == nil {
		if !filepath.IsAbs(common) {
			common = filepath.Join(gitDir, common)
		}
		fs = dotgit.NewRepositoryFilesystem(fs, osfs.New(common))
		commonDir = common
	} else if !errors.Is(err, os.ErrNotExist) {
		return nil, err
	}
	// Packfiles stay open and their indexes read once: a walk reads
	// thousands of objects, and reopening the pack for each costs more
	// than the rest of the walk.
	s := filesystem.NewStorageWithOptions(fs, gitcache.NewObjectLRUDefault(), filesystem.Options{KeepDescriptors: true, ExclusiveAccess: true})
	// git.Open would read the configuration; the history needs objects
	// and references only, which the Storer alone serves.
	r := &Repo{git: &git.Repository{Storer: s}, WorkTree: workTree, shallow: map[plumbing.Hash]bool{}, storage: s,
		gitDir: gitDir, commonDir: commonDir}
	if _, err := s.Reference(plumbing.HEAD); err != nil {
		s.Close()
		return nil, fmt.Errorf("%s: %w (%w)", gitDir, ErrNoRepository, err)
	}
	shallow, err := s.Shallow()
	if err != nil {
		s.Close()
		return nil, fmt.Errorf("reading %s's shallow list: %w", gitDir, err)
	}
	for _, h := range shallow {
		r.shallow[h] = true
	}
	return r, nil
}

// Head is the commit HEAD names now.
func (r *Repo) Head() (plumbing.Hash, error) {
	ref, err := r.git.Head()
	if err != nil {
		return plumbing.ZeroHash, fmt.Errorf("reading HEAD: %w", err)
	}
	return ref.Hash(), nil
}

// HeadFiles are the files whose change moves HEAD: HEAD itself, the
// branch file it names (when it names one) and packed-refs, where git
// keeps branches it has packed. A watcher of HEAD watches these.
func (r *Repo) HeadFiles() []string {
	files := []string{filepath.Join(r.gitDir, "HEAD"), filepath.Join(r.commonDir, "packed-refs")}
	if ref, err := r.storage.Reference(plumbing.HEAD); err == nil && ref.Type() == plumbing.SymbolicReference {
		files = append(files, filepath.Join(r.commonDir, filepath.FromSlash(ref.Target().String())))
	}
	return files
}

// Shallow reports whether the repository is a shallow clone.
func (r *Repo) Shallow() bool { return len(r.shallow) > 0 }

// resolve is the commit a revision names (a branch, a tag, a hash, HEAD~3).
func (r *Repo) resolve(rev string) (*object.Commit, error) {
	h, err := r.git.ResolveRevision(plumbing.Revision(rev))
	if err != nil {
		return nil, fmt.Errorf("revision %q: %w", rev, err)
	}
	return r.git.CommitObject(*h)
}

// ErrTooLarge is a file larger than the caller's limit.
var ErrTooLarge = errors.New("too large")

// Blob returns the content of the blob h, at most limit bytes.
func (r *Repo) Blob(h plumbing.Hash, limit int64) ([]byte, error) {
	b, err := r.git.BlobObject(h)
	if err != nil {
		return nil, fmt.Errorf("blob %s: %w", h, err)
	}
	if b.Size > limit {
		return nil, fmt.Errorf("blob %s: %w (%d bytes, at most %d)", h, ErrTooLarge, b.Size, limit)
	}
	rd, err := b.Reader()
	if err != nil {
		return nil, fmt.Errorf("blob %s: %w", h, err)
	}
	defer rd.Close()
	var buf bytes.Buffer
	if _, err := io.Copy(&buf, io.LimitReader(rd, limit)); err != nil {
		return nil, fmt.Errorf("blob %s: %w", h, err)
	}
	return buf.Bytes(), nil
}
