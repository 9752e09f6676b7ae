package cachehistory

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	git "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"

	"github.com/dockerfile-ls/dockerfile-ls/cache"
	"github.com/dockerfile-ls/dockerfile-ls/dockerfile"
)

// testRepo builds a small repository in a temporary folder with go-git.
type testRepo struct {
	t    *testing.T
	dir  string
	repo *git.Repository
	wt   *git.Worktree
	when time.Time
}

func newTestRepo(t *testing.T) *testRepo {
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
	return &testRepo{t: t, dir: dir, repo: repo, wt: wt, when: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)}
}

// write writes files, given as path, text, path, text...
func (r *testRepo) write(pathsAndTexts ...string) {
	r.t.Helper()
	for i := 0; i < len(pathsAndTexts); i += 2 {
		p := filepath.Join(r.dir, filepath.FromSlash(pathsAndTexts[i]))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			r.t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(pathsAndTexts[i+1]), 0o644); err != nil {
			r.t.Fatal(err)
		}
	}
}

func (r *testRepo) remove(paths ...string) {
	r.t.Helper()
	for _, p := range paths {
		if err := os.Remove(filepath.Join(r.dir, filepath.FromSlash(p))); err != nil {
			r.t.Fatal(err)
		}
	}
}

func (r *testRepo) rename(from, to string) {
	r.t.Helper()
	if err := os.Rename(filepath.Join(r.dir, from), filepath.Join(r.dir, to)); err != nil {
		r.t.Fatal(err)
	}
}

// commit records the work tree, a minute after the previous commit, on
// HEAD or on the parents given.
func (r *testRepo) commit(msg string, parents ...plumbing.Hash) plumbing.Hash {
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

// reset moves HEAD and the work tree to h.
func (r *testRepo) reset(h plumbing.Hash) {
	r.t.Helper()
	if err := r.wt.Reset(&git.ResetOptions{Commit: h, Mode: git.HardReset}); err != nil {
		r.t.Fatal(err)
	}
}

// open opens the repository as the history does.
func (r *testRepo) open() *Repo {
	r.t.Helper()
	repo, err := Open(r.dir)
	if err != nil {
		r.t.Fatal(err)
	}
	r.t.Cleanup(func() { repo.Close() })
	return repo
}

// today is the work tree's Dockerfile, with its ignore file, as a Build.
func (r *testRepo) today(dockerfilePath string) Build {
	r.t.Helper()
	text, err := os.ReadFile(filepath.Join(r.dir, dockerfilePath))
	if err != nil {
		r.t.Fatal(err)
	}
	ignText, _ := os.ReadFile(filepath.Join(r.dir, ".dockerignore"))
	ign, err := parseIgnore(ignText)
	if err != nil {
		r.t.Fatal(err)
	}
	return Build{Input: cache.Input{Doc: dockerfile.Parse(text)}, Ignore: ign}
}

// replay replays the whole history of the repository at dir.
func (r *testRepo) replay(asBuilt bool, q Query) (*History, *Result) {
	r.t.Helper()
	rp := &Replayer{Repo: r.open(), Layout: Layout{Dockerfile: "Dockerfile"}, Today: r.today("Dockerfile"), AsBuilt: asBuilt}
	h, err := rp.History(q)
	if err != nil {
		r.t.Fatal(err)
	}
	res, err := rp.Replay(h, rp.Today)
	if err != nil {
		r.t.Fatal(err)
	}
	return h, res
}

// statuses are a commit's steps' statuses, space-separated.
func statuses(cr CommitResult) string {
	var out []string
	for _, s := range cr.Steps {
		out = append(out, string(s.Status))
	}
	return strings.Join(out, " ")
}

// bySubject finds the replayed commit with that subject.
func bySubject(t *testing.T, res *Result, subject string) CommitResult {
	t.Helper()
	for _, c := range res.Commits {
		if c.Subject == subject {
			return c
		}
	}
	t.Fatalf("no replayed commit %q", subject)
	return CommitResult{}
}
