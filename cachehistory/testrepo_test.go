package cachehistory

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dockerfile-ls/dockerfile-ls/cache"
	"github.com/dockerfile-ls/dockerfile-ls/dockerfile"
	"github.com/dockerfile-ls/dockerfile-ls/internal/gittest"
)

// testRepo is a go-git repository with what the history tests ask of it.
type testRepo struct {
	*gittest.Repo
	t *testing.T
}

func newTestRepo(t *testing.T) *testRepo {
	t.Helper()
	return &testRepo{Repo: gittest.New(t), t: t}
}

// open opens the repository as the history does.
func (r *testRepo) open() *Repo {
	r.t.Helper()
	repo, err := Open(r.Dir)
	if err != nil {
		r.t.Fatal(err)
	}
	r.t.Cleanup(func() { repo.Close() })
	return repo
}

// today is the work tree's Dockerfile, with its ignore file, as a Build.
func (r *testRepo) today(dockerfilePath string) Build {
	r.t.Helper()
	text, err := os.ReadFile(filepath.Join(r.Dir, dockerfilePath))
	if err != nil {
		r.t.Fatal(err)
	}
	ignText, _ := os.ReadFile(filepath.Join(r.Dir, ".dockerignore"))
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
