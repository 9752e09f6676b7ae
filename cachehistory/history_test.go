package cachehistory

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/go-git/go-git/v5/plumbing"
)

// manifestFirst re-runs its install only when requirements.txt changes.
const manifestFirst = "FROM python:3.12\nCOPY requirements.txt /app/\nRUN pip install -r /app/requirements.txt\nCOPY src /app/src\n"

const (
	install = "cached re-run re-run re-run"
	code    = "cached cached cached re-run"
)

// baseRepo has a first commit with manifestFirst, a requirements file,
// source, docs the ignore file leaves out.
func baseRepo(t *testing.T) *testRepo {
	r := newTestRepo(t)
	r.Write("Dockerfile", manifestFirst, ".dockerignore", "docs\n", "requirements.txt", "flask\n",
		"src/app.py", "print(1)\n", "src/util.py", "x = 1\n", "docs/index.md", "# doc\n")
	r.Commit("first")
	return r
}

// TestReplayToday: each commit's changed files, after the ignore file, run
// through the cache engine against today's Dockerfile; commits that
// change only ignored files are not counted.
func TestReplayToday(t *testing.T) {
	r := baseRepo(t)
	r.Write("requirements.txt", "flask\nrequests\n")
	r.Commit("deps")
	r.Write("src/app.py", "print(2)\n")
	r.Commit("code")
	r.Write("docs/index.md", "# more doc\n")
	r.Commit("docs only")
	h, res := r.replay(false, Query{})
	if got := len(res.Commits); got != 2 {
		t.Fatalf("%d commits replayed, want 2 (docs only is ignored, the first has no parent)", got)
	}
	if h.Stats.Untouched != 1 || len(h.Stats.Boundaries) != 1 || h.Stats.Boundaries[0].Shallow {
		t.Errorf("stats %+v: want 1 untouched, the first commit a boundary", h.Stats)
	}
	if got := statuses(bySubject(t, res, "deps")); got != install {
		t.Errorf("deps: %s, want %s", got, install)
	}
	if got := statuses(bySubject(t, res, "code")); got != code {
		t.Errorf("code: %s, want %s", got, code)
	}
	if got := bySubject(t, res, "code").Paths; !slices.Equal(got, []string{"src/app.py"}) {
		t.Errorf("code changed %v", got)
	}
	// The install re-ran once, the last COPY twice.
	var reruns []int
	for _, s := range res.Steps {
		reruns = append(reruns, s.Reruns)
	}
	if !slices.Equal(reruns, []int{0, 1, 1, 2}) || res.Reruns != 4 {
		t.Errorf("re-runs per step %v, total %d; want [0 1 1 2], 4", reruns, res.Reruns)
	}
}

// TestRenameAndDelete: a rename changes both paths, a deletion its own.
func TestRenameAndDelete(t *testing.T) {
	r := baseRepo(t)
	r.Rename("src/util.py", "src/helpers.py")
	r.Commit("rename")
	r.Remove("requirements.txt")
	r.Commit("delete")
	_, res := r.replay(false, Query{})
	ren := bySubject(t, res, "rename")
	if !slices.Equal(ren.Paths, []string{"src/util.py", "src/helpers.py"}) {
		t.Errorf("rename changed %v, want both paths", ren.Paths)
	}
	if len(ren.Changes) != 1 || ren.Changes[0].From != "src/util.py" || ren.Changes[0].To != "src/helpers.py" {
		t.Errorf("rename is %+v, want one change from src/util.py to src/helpers.py", ren.Changes)
	}
	if got := statuses(ren); got != code {
		t.Errorf("rename: %s, want %s", got, code)
	}
	del := bySubject(t, res, "delete")
	if !slices.Equal(del.Paths, []string{"requirements.txt"}) || statuses(del) != install {
		t.Errorf("delete changed %v: %s; want requirements.txt: %s", del.Paths, statuses(del), install)
	}
}

// TestMergeFirstParent: a merge is compared with its first parent, so it
// carries what the merged branch changed; the branch's own commits are
// each compared with theirs.
func TestMergeFirstParent(t *testing.T) {
	r := baseRepo(t)
	first, _ := r.Git.Head()
	r.Write("requirements.txt", "flask\nrequests\n")
	side := r.Commit("side: deps")
	r.Reset(first.Hash())
	r.Write("src/app.py", "print(2)\n")
	main := r.Commit("main: code")
	r.Write("requirements.txt", "flask\nrequests\n")
	r.Commit("merge", main, side)
	_, res := r.replay(false, Query{})
	m := bySubject(t, res, "merge")
	if !m.Merge || m.Parent != main {
		t.Errorf("merge: Merge=%v parent %s, want a merge compared with %s", m.Merge, m.Parent, main)
	}
	if !slices.Equal(m.Paths, []string{"requirements.txt"}) || statuses(m) != install {
		t.Errorf("merge changed %v: %s; want requirements.txt: %s", m.Paths, statuses(m), install)
	}
	if len(res.Commits) != 3 {
		t.Errorf("%d commits, want the merge, and each side's commit", len(res.Commits))
	}
}

// TestShallow: a commit on the shallow list, or whose parent is missing,
// ends the history there, and is reported as a boundary.
func TestShallow(t *testing.T) {
	r := baseRepo(t)
	r.Write("src/app.py", "print(2)\n")
	cut := r.Commit("cut")
	r.Write("src/app.py", "print(3)\n")
	r.Commit("after")
	if err := r.Git.Storer.SetShallow([]plumbing.Hash{cut}); err != nil {
		t.Fatal(err)
	}
	h, res := r.replay(false, Query{})
	if len(res.Commits) != 1 || res.Commits[0].Subject != "after" {
		t.Fatalf("replayed %d commits, want only the one after the shallow boundary", len(res.Commits))
	}
	if len(h.Stats.Boundaries) != 1 || h.Stats.Boundaries[0] != (Boundary{Hash: cut, Shallow: true}) {
		t.Errorf("boundaries %+v, want the shallow commit %s", h.Stats.Boundaries, cut)
	}
	if !r.open().Shallow() {
		t.Error("the repository is not seen as shallow")
	}
}

// TestMissingParent: a parent whose object is gone (a shallow clone whose
// list was lost) ends the history as the shallow list would.
func TestMissingParent(t *testing.T) {
	r := baseRepo(t)
	r.Write("src/app.py", "print(2)\n")
	gone := r.Commit("gone")
	r.Write("src/app.py", "print(3)\n")
	r.Commit("after")
	hex := gone.String()
	if err := os.Remove(filepath.Join(r.Dir, ".git", "objects", hex[:2], hex[2:])); err != nil {
		t.Fatal(err)
	}
	h, res := r.replay(false, Query{})
	if len(res.Commits) != 0 || len(h.Stats.Boundaries) != 1 || !h.Stats.Boundaries[0].Shallow {
		t.Errorf("replayed %d, boundaries %+v: want none replayed and one shallow boundary", len(res.Commits), h.Stats.Boundaries)
	}
}

// TestQueryRangeAndMax: -n keeps the newest commits that touch the build;
// A..B leaves out what A reaches.
func TestQueryRangeAndMax(t *testing.T) {
	r := baseRepo(t)
	var hashes []plumbing.Hash
	for i := range 4 {
		r.Write("src/app.py", strings.Repeat("x", i+1))
		hashes = append(hashes, r.Commit("c"+string(rune('0'+i))))
		r.Write("docs/index.md", strings.Repeat("d", i+1))
		r.Commit("docs")
	}
	h, res := r.replay(false, Query{Max: 2})
	if len(res.Commits) != 2 || res.Commits[0].Subject != "c3" || res.Commits[1].Subject != "c2" || !h.Stats.Truncated {
		t.Errorf("-n 2 gave %d commits (truncated %v)", len(res.Commits), h.Stats.Truncated)
	}
	_, res = r.replay(false, Query{Range: hashes[1].String() + "..HEAD"})
	if len(res.Commits) != 2 || res.Commits[1].Subject != "c2" {
		t.Errorf("range gave %d commits", len(res.Commits))
	}
	rp := &Replayer{Repo: r.open(), Today: r.today("Dockerfile")}
	if _, err := rp.History(Query{Range: "nosuchbranch"}); err == nil {
		t.Error("an unknown revision is not an error")
	}
}

// TestOpenFindsRepository: from a folder inside the work tree, and a
// folder outside any repository is an error.
func TestOpenFindsRepository(t *testing.T) {
	r := baseRepo(t)
	repo, err := Open(filepath.Join(r.Dir, "src"))
	if err != nil || repo.WorkTree != r.Dir {
		t.Errorf("Open(src): %v, work tree %q, want %s", err, repo.WorkTree, r.Dir)
	}
	if _, err := Open(t.TempDir()); err == nil {
		t.Error("a folder outside a repository opened")
	}
	bare, err := OpenGitDir(filepath.Join(r.Dir, ".git"), "")
	if err != nil || bare.WorkTree != "" {
		t.Errorf("the git folder alone: %v", err)
	}
}
