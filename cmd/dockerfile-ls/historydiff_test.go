package main

import (
	"encoding/json"
	"strings"
	"testing"
)

// copyAllFirst copies everything before it installs: every code change
// re-runs the install.
const copyAllFirst = "FROM python:3.12\nCOPY . /app\nRUN pip install -r /app/requirements.txt\n"

// TestCheckHistoryDiff: check --history-diff from the command line, in
// text and JSON, with its exit status: 1 when the working tree's
// Dockerfile makes the forecast worse, 0 when better or with
// --fail-level none.
func TestCheckHistoryDiff(t *testing.T) {
	dir := historyRepo(t, map[string]string{"Dockerfile": manifestFirst, "requirements.txt": "flask\n", "src/app.py": "print(1)\n"},
		"src/app.py", "print(2)\n", "requirements.txt", "flask\nrequests\n", "src/app.py", "print(3)\n")
	write(t, dir, "Dockerfile", copyAllFirst)
	code, out, errOut := inDir(t, dir, "check", "--history-diff", "HEAD", "Dockerfile")
	if code != 1 || !strings.HasPrefix(out, "Dockerfile: the cache forecast is worse than at HEAD") || !strings.Contains(out, "over the last 3 commits") {
		t.Errorf("worse: exit %d: %s %s", code, out, errOut)
	}
	if code, _, _ := inDir(t, dir, "check", "--history-diff", "HEAD", "--fail-level", "none", "Dockerfile"); code != 0 {
		t.Errorf("--fail-level none: exit %d", code)
	}
	write(t, dir, "Dockerfile", manifestFirst)
	code, out, errOut = inDir(t, dir, "check", "--history-diff", "HEAD~3", "--format", "json", "Dockerfile")
	var got struct {
		Verdict string `json:"verdict"`
		Change  struct {
			Reruns int `json:"reruns"`
		} `json:"change"`
	}
	if err := json.Unmarshal([]byte(out), &got); code != 0 || err != nil || got.Verdict != "same" || got.Change.Reruns != 0 {
		t.Errorf("same Dockerfile: exit %d, %v: %s %s", code, err, out, errOut)
	}
}

// TestCheckHistoryDiffUsage: what --history-diff refuses, as usage errors.
func TestCheckHistoryDiffUsage(t *testing.T) {
	dir := historyRepo(t, map[string]string{"Dockerfile": manifestFirst})
	for _, args := range [][]string{
		{"check", "--history-diff", "HEAD"},
		{"check", "--history-diff", "HEAD", "a/Dockerfile", "b/Dockerfile"},
		{"check", "--history-diff", "HEAD", "--fix", "Dockerfile"},
		{"check", "--history-diff", "HEAD", "--format", "sarif", "Dockerfile"},
	} {
		if code, out, errOut := inDir(t, dir, args...); code != 2 || !strings.Contains(errOut, "--history-diff") {
			t.Errorf("%v: exit %d: %s %s", args, code, out, errOut)
		}
	}
	if code, _, errOut := inDir(t, dir, "check", "--history-diff", "nosuch", "Dockerfile"); code != 2 || !strings.Contains(errOut, "nosuch") {
		t.Errorf("unknown base: exit %d: %s", code, errOut)
	}
}
