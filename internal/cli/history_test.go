package cli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dockerfile-ls/dockerfile-ls/cache"
	"github.com/dockerfile-ls/dockerfile-ls/internal/gittest"
)

// gitRepo is a repository made with go-git in a temporary folder.
type gitRepo struct{ *gittest.Repo }

func newGitRepo(t *testing.T) *gitRepo { return &gitRepo{gittest.New(t)} }

// commit writes files (path, text, path, text...) and commits them.
func (r *gitRepo) commit(msg string, pathsAndTexts ...string) {
	r.Write(pathsAndTexts...)
	r.Commit(msg)
}

// installFirst installs before it copies the code: every code change
// re-runs the install, which the safe fixes (copy the manifest first)
// avoid.
const installFirst = "FROM python:3.12\nWORKDIR /app\nCOPY . /app\nRUN pip install -r requirements.txt\nCMD [\"python\", \"app.py\"]\n"

// serviceRepo has a build context in a folder of the repository, with
// files outside it and files its ignore file leaves out.
func serviceRepo(t *testing.T, dockerfile string) *gitRepo {
	r := newGitRepo(t)
	r.commit("first", "svc/Dockerfile", dockerfile, "svc/.dockerignore", "*.md\n", "svc/requirements.txt", "flask\n",
		"svc/app.py", "print(1)\n", "svc/lib/util.py", "x = 1\n", "svc/README.md", "# svc\n", "other/main.go", "package main\n")
	r.commit("code", "svc/app.py", "print(2)\n")
	r.commit("deps and code", "svc/requirements.txt", "flask\nrequests\n", "svc/lib/util.py", "x = 2\n")
	r.commit("readme", "svc/README.md", "# svc 2\n")
	r.commit("outside", "other/main.go", "package main // 2\n")
	return r
}

// TestHistoryStepsAreCacheChanged: each commit's steps are what `cache
// --changed` predicts for the files it changed, and only the commits
// that change the build context after the ignore file are replayed.
func TestHistoryStepsAreCacheChanged(t *testing.T) {
	for _, text := range []string{installFirst, "FROM python:3.12\nCOPY requirements.txt /app/\nRUN pip install -r /app/requirements.txt\nCOPY . /app\n"} {
		r := serviceRepo(t, text)
		dockerfile := filepath.Join(r.Dir, "svc", "Dockerfile")
		rep, err := History(HistoryOptions{CacheOptions: CacheOptions{Dockerfile: dockerfile}})
		if err != nil {
			t.Fatal(err)
		}
		defer rep.Repo.Close()
		if got := subjects(rep); got != "deps and code, code" {
			t.Errorf("replayed %q, want the two commits that change the context after its ignore file", got)
		}
		for _, c := range rep.Before.Commits {
			var changed []string
			for _, p := range c.Paths {
				changed = append(changed, filepath.Join(r.Dir, "svc", p))
			}
			_, want, err := Predict(CacheOptions{Dockerfile: dockerfile, Changed: changed})
			if err != nil {
				t.Fatal(err)
			}
			if got, want := describe(c.Steps), describe(want); got != want {
				t.Errorf("%s: history\n%s\ncache --changed %v\n%s", c.Subject, got, c.Paths, want)
			}
		}
	}
}

func subjects(r *HistoryReport) string {
	var out []string
	for _, c := range r.Before.Commits {
		out = append(out, c.Subject)
	}
	return strings.Join(out, ", ")
}

// describe is each step's line, status and reason.
func describe(steps []cache.Step) string {
	var b strings.Builder
	for _, s := range steps {
		fmt.Fprintf(&b, "%d %s %s\n", s.Line(), s.Status, s.Reason)
	}
	return b.String()
}

// TestHistoryWithFixes: the safe fixes copy the manifest first, so a code
// change no longer re-runs the install; the JSON says so, in the shape
// the issue gives.
func TestHistoryWithFixes(t *testing.T) {
	r := serviceRepo(t, installFirst)
	rep, err := History(HistoryOptions{CacheOptions: CacheOptions{Dockerfile: filepath.Join(r.Dir, "svc", "Dockerfile")}, WithFixes: true})
	if err != nil {
		t.Fatal(err)
	}
	defer rep.Repo.Close()
	var buf bytes.Buffer
	if err := WriteHistoryJSON(&buf, rep); err != nil {
		t.Fatal(err)
	}
	var got struct {
		Commits []struct {
			Commit  string   `json:"commit"`
			Changed []string `json:"changed"`
			Steps   []struct {
				Line   int    `json:"line"`
				Status string `json:"status"`
			} `json:"steps"`
		} `json:"commits"`
		Steps []struct {
			Line        int    `json:"line"`
			Instruction string `json:"instruction"`
			Reruns      int    `json:"reruns"`
		} `json:"steps"`
		TotalReruns int `json:"total_reruns"`
		WithFixes   struct {
			TotalReruns int `json:"total_reruns"`
			Saving      struct {
				Reruns  int     `json:"reruns"`
				Seconds float64 `json:"estimated_seconds"`
			} `json:"saving"`
		} `json:"with_fixes"`
	}
	if err := json.Unmarshal(buf.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	if len(got.Commits) != 2 || got.Commits[1].Changed[0] != "svc/app.py" || len(got.Commits[1].Commit) != 40 {
		t.Fatalf("commits %+v", got.Commits)
	}
	if s := got.Steps[3]; s.Line != 4 || s.Instruction != "RUN pip install -r requirements.txt" || s.Reruns != 2 {
		t.Errorf("the install: %+v, want line 4 re-run in both commits", s)
	}
	// Before: COPY, RUN and CMD re-run in both commits. After: the code
	// change re-runs the last COPY and CMD; the dependency change the
	// manifest's COPY, the install, the COPY and CMD: as many steps, but
	// one install fewer.
	if got.TotalReruns != 6 || got.WithFixes.TotalReruns != 6 || got.WithFixes.Saving.Reruns != 0 {
		t.Errorf("total %d, with fixes %d", got.TotalReruns, got.WithFixes.TotalReruns)
	}
	if got.WithFixes.Saving.Seconds <= 0 {
		t.Errorf("the fixes save %v s, want a saving (the code change no longer installs)", got.WithFixes.Saving.Seconds)
	}
}

// TestHistoryErrors: a context in no repository, and an unknown revision.
func TestHistoryErrors(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "Dockerfile", installFirst)
	if _, err := History(HistoryOptions{CacheOptions: CacheOptions{Dockerfile: filepath.Join(dir, "Dockerfile")}}); err == nil || !strings.Contains(err.Error(), "not in a git repository") {
		t.Errorf("outside a repository: %v", err)
	}
	r := serviceRepo(t, installFirst)
	_, err := History(HistoryOptions{CacheOptions: CacheOptions{Dockerfile: filepath.Join(r.Dir, "svc", "Dockerfile")}, Range: "nosuch..HEAD"})
	if err == nil || !strings.Contains(err.Error(), "nosuch") {
		t.Errorf("unknown revision: %v", err)
	}
}
