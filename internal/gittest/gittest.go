// Package gittest builds small git repositories for tests, with go-git (no
// git process) and a fixed clock, so that commit ids are the same on every
// run. The cache-history tests and the server's history tests share it.
package gittest

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	git "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
)

// Repo is a repository in a temporary folder and its work tree.
type Repo struct {
	t    testing.TB
	Dir  string
	Git  *git.Repository
	wt   *git.Worktree
	when time.Time
}

// New initialises an empty repository whose first commit is dated
// 2024-01-01 00:01 UTC, each later one a minute after the one before.
func New(t testing.TB) *Repo {
	t.Helper()
	dir := t.TempDir()
	repo, err := git.PlainInit(dir, false)
	if err != nil {
		t.Fatal(err)
	}
	wt, err := repo.Worktree()
	if err != nil {
		t.Fatal(err)
	}
	return &Repo{t: t, Dir: dir, Git: repo, wt: wt, when: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)}
}

// Write writes files into the work tree, given as path, text, path, text...
func (r *Repo) Write(pathsAndTexts ...string) {
	r.t.Helper()
	for i := 0; i+1 < len(pathsAndTexts); i += 2 {
		p := filepath.Join(r.Dir, filepath.FromSlash(pathsAndTexts[i]))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			r.t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(pathsAndTexts[i+1]), 0o644); err != nil {
			r.t.Fatal(err)
		}
	}
}

// Remove deletes files from the work tree.
func (r *Repo) Remove(paths ...string) {
	r.t.Helper()
	for _, p := range paths {
		if err := os.Remove(filepath.Join(r.Dir, filepath.FromSlash(p))); err != nil {
			r.t.Fatal(err)
		}
	}
}

// Rename moves a file in the work tree.
func (r *Repo) Rename(from, to string) {
	r.t.Helper()
	if err := os.Rename(filepath.Join(r.Dir, filepath.FromSlash(from)), filepath.Join(r.Dir, filepath.FromSlash(to))); err != nil {
		r.t.Fatal(err)
	}
}

// Commit records the whole work tree, on HEAD or on the parents given.
func (r *Repo) Commit(msg string, parents ...plumbing.Hash) plumbing.Hash {
	r.t.Helper()
	if err := r.wt.AddWithOptions(&git.AddOptions{All: true}); err != nil {
		r.t.Fatal(err)
	}
	r.when = r.when.Add(time.Minute)
	sig := &object.Signature{Name: "t", Email: "t@example.com", When: r.when}
	h, err := r.wt.Commit(msg, &git.CommitOptions{Author: sig, Committer: sig, Parents: parents, AllowEmptyCommits: true})
	if err != nil {
		r.t.Fatal(err)
	}
	return h
}

// Reset moves HEAD and the work tree to h.
func (r *Repo) Reset(h plumbing.Hash) {
	r.t.Helper()
	if err := r.wt.Reset(&git.ResetOptions{Commit: h, Mode: git.HardReset}); err != nil {
		r.t.Fatal(err)
	}
}
