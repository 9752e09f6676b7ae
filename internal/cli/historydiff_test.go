package cli

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
)

// manifestFirstSvc copies the manifest, installs, then copies the code.
const manifestFirstSvc = "FROM python:3.12\nCOPY requirements.txt /app/\nRUN pip install -r /app/requirements.txt\nCOPY . /app\n"

// TestHistoryDiffVerdict: the working tree's Dockerfile against HEAD's,
// over the same commits, both ways; the base's forecast is the one
// `cache --history` gives HEAD's Dockerfile.
func TestHistoryDiffVerdict(t *testing.T) {
	for _, tc := range []struct {
		committed, working string
		want               Verdict
		before, after      int
	}{
		{installFirst, manifestFirstSvc, Better, 6, 4},
		{manifestFirstSvc, installFirst, Worse, 4, 6},
		{installFirst, installFirst + "# a comment\n", Same, 6, 6},
	} {
		r := serviceRepo(t, tc.committed)
		dockerfile := filepath.Join(r.Dir, "svc", "Dockerfile")
		h, err := History(HistoryOptions{CacheOptions: CacheOptions{Dockerfile: dockerfile}, Max: DefaultHistory})
		if err != nil {
			t.Fatal(err)
		}
		h.Repo.Close()
		write(t, filepath.Join(r.Dir, "svc"), "Dockerfile", tc.working)
		d, err := HistoryDiff(HistoryDiffOptions{CacheOptions: CacheOptions{Dockerfile: dockerfile}, Base: "HEAD", Max: DefaultHistory})
		if err != nil {
			t.Fatal(err)
		}
		if got := d.Verdict(); got != tc.want || d.Before.Reruns != tc.before || d.After.Reruns != tc.after {
			t.Errorf("%q → %q: %s, %d → %d re-runs; want %s, %d → %d", tc.committed, tc.working, got, d.Before.Reruns, d.After.Reruns, tc.want, tc.before, tc.after)
		}
		if d.Before.Reruns != h.Before.Reruns || d.Before.Seconds != h.Before.Seconds || len(d.History.Commits) != len(h.History.Commits) {
			t.Errorf("the base's forecast %d re-runs, %v s over %d commits; cache --history gives %d, %v s over %d",
				d.Before.Reruns, d.Before.Seconds, len(d.History.Commits), h.Before.Reruns, h.Before.Seconds, len(h.History.Commits))
		}
	}
}

// TestHistoryDiffIgnoreFiles: a commit that only the working tree's
// ignore file lets in is replayed against both, and re-runs nothing
// against the base, whose ignore file leaves it out.
func TestHistoryDiffIgnoreFiles(t *testing.T) {
	r := serviceRepo(t, installFirst)
	write(t, filepath.Join(r.Dir, "svc"), ".dockerignore", "")
	d, err := HistoryDiff(HistoryDiffOptions{CacheOptions: CacheOptions{Dockerfile: filepath.Join(r.Dir, "svc", "Dockerfile")}, Base: "HEAD"})
	if err != nil {
		t.Fatal(err)
	}
	if n := len(d.History.Commits); n != 3 || d.Before.Commits[0].Subject != "readme" {
		t.Fatalf("%d commits, want readme, code, deps and code", n)
	}
	if b, a := d.Before.Commits[0].Reruns, d.After.Commits[0].Reruns; b != 0 || a != 3 {
		t.Errorf("readme re-runs %d steps at the base, %d now; want 0 and 3", b, a)
	}
	if d.Verdict() != Worse {
		t.Errorf("verdict %s: letting README.md in re-runs the install once more", d.Verdict())
	}
}

// TestHistoryDiffOutput: the line for a pull request, and the JSON.
func TestHistoryDiffOutput(t *testing.T) {
	r := serviceRepo(t, installFirst)
	write(t, filepath.Join(r.Dir, "svc"), "Dockerfile", manifestFirstSvc)
	d, err := HistoryDiff(HistoryDiffOptions{CacheOptions: CacheOptions{Dockerfile: filepath.Join(r.Dir, "svc", "Dockerfile")}, Base: "HEAD~4"})
	if err != nil {
		t.Fatal(err)
	}
	var text bytes.Buffer
	WriteHistoryDiffText(&text, d)
	if !strings.Contains(text.String(), "better than at HEAD~4") || !strings.Contains(text.String(), "6 → 4 step re-runs (−2)") {
		t.Errorf("text: %s", text.String())
	}
	var buf bytes.Buffer
	if err := WriteHistoryDiffJSON(&buf, d); err != nil {
		t.Fatal(err)
	}
	var got struct {
		Verdict string `json:"verdict"`
		Commits int    `json:"commits"`
		Base    struct {
			TotalReruns int `json:"total_reruns"`
		} `json:"base_forecast"`
		Change struct {
			Reruns  int     `json:"reruns"`
			Seconds float64 `json:"estimated_seconds"`
		} `json:"change"`
		BaseCommit string `json:"base_commit"`
	}
	if err := json.Unmarshal(buf.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	if got.Verdict != "better" || got.Commits != 2 || got.Base.TotalReruns != 6 || got.Change.Reruns != -2 || got.Change.Seconds >= 0 || len(got.BaseCommit) != 40 {
		t.Errorf("json %+v", got)
	}
}

// TestHistoryDiffErrors: an unknown base, and a base without the Dockerfile.
func TestHistoryDiffErrors(t *testing.T) {
	r := serviceRepo(t, installFirst)
	df := filepath.Join(r.Dir, "svc", "Dockerfile")
	if _, err := HistoryDiff(HistoryDiffOptions{CacheOptions: CacheOptions{Dockerfile: df}, Base: "nosuch"}); err == nil || !strings.Contains(err.Error(), "nosuch") {
		t.Errorf("unknown base: %v", err)
	}
	r.commit("move", "svc/Dockerfile.new", installFirst)
	write(t, filepath.Join(r.Dir, "svc"), "Other.Dockerfile", installFirst)
	_, err := HistoryDiff(HistoryDiffOptions{CacheOptions: CacheOptions{Dockerfile: filepath.Join(r.Dir, "svc", "Other.Dockerfile")}, Base: "HEAD"})
	if err == nil || !strings.Contains(err.Error(), "has no svc/Other.Dockerfile") {
		t.Errorf("a base without the Dockerfile: %v", err)
	}
}
