package cachehistory

import (
	"os"
	"path"
	"strconv"
	"testing"
	"time"

	"github.com/dockerfile-ls/dockerfile-ls/cache"
	"github.com/go-git/go-git/v5/plumbing"
)

// TestRealRepository times a replay of a real repository's history, when
// DFLS_HISTORY_REPO names one (a work tree or a bare clone);
// DFLS_HISTORY_DOCKERFILE is the Dockerfile's path in it (default
// Dockerfile, its folder the build context) and DFLS_HISTORY_N how many
// commits (default 1000; 0 for all). Today's Dockerfile is HEAD's. See
// docs/history.md for the figures.
func TestRealRepository(t *testing.T) {
	dir := os.Getenv("DFLS_HISTORY_REPO")
	if dir == "" {
		t.Skip("DFLS_HISTORY_REPO is not set")
	}
	file := os.Getenv("DFLS_HISTORY_DOCKERFILE")
	if file == "" {
		file = "Dockerfile"
	}
	n := 1000
	if s := os.Getenv("DFLS_HISTORY_N"); s != "" {
		n, _ = strconv.Atoi(s)
	}
	repo, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	l := Layout{Context: path.Dir(file), Dockerfile: file}
	if l.Context == "." {
		l.Context = ""
	}
	today := headBuild(t, repo, l)
	for _, asBuilt := range []bool{false, true} {
		start := time.Now()
		rp := &Replayer{Repo: repo, Layout: l, Today: today, AsBuilt: asBuilt}
		h, err := rp.History(Query{Max: n})
		if err != nil {
			t.Fatal(err)
		}
		walked := time.Since(start)
		res, err := rp.Replay(h, today)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("as-built %v: %d commits walked, %d replayed, %d re-runs (~%.0f s estimated): walk %v, replay %v, total %v",
			asBuilt, h.Stats.Walked, len(res.Commits), res.Reruns, res.Seconds, walked.Round(time.Millisecond),
			(time.Since(start) - walked).Round(time.Millisecond), time.Since(start).Round(time.Millisecond))
	}
}

// headBuild is HEAD's Dockerfile and ignore file as today's build.
func headBuild(t *testing.T, repo *Repo, l Layout) Build {
	t.Helper()
	head, err := repo.resolve("HEAD")
	if err != nil {
		t.Fatal(err)
	}
	w := &walker{r: repo, l: l, snaps: map[plumbing.Hash]*snapshot{}}
	snap, err := w.snapshot(head)
	if err != nil {
		t.Fatal(err)
	}
	rp := &Replayer{Repo: repo}
	doc, err := rp.dockerfile(snap.dockerfile)
	if err != nil || doc == nil {
		t.Fatalf("no Dockerfile %s at HEAD: %v", l.Dockerfile, err)
	}
	ign, err := rp.ignore(snap.ignore)
	if err != nil {
		t.Fatal(err)
	}
	return Build{Input: cache.Input{Doc: doc}, Ignore: ign}
}
