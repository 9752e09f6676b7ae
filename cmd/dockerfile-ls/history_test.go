package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/dockerfile-ls/dockerfile-ls/internal/gittest"
)

// historyRepo is a repository made with go-git: a first commit, then one
// commit per file given (path, text, path, text...).
func historyRepo(t *testing.T, first map[string]string, changes ...string) string {
	t.Helper()
	r := gittest.New(t)
	for p, text := range first {
		r.Write(p, text)
	}
	r.Commit("first")
	for i := 0; i+1 < len(changes); i += 2 {
		r.Write(changes[i], changes[i+1])
		r.Commit("change " + changes[i])
	}
	return r.Dir
}

// TestCacheHistory: --history in text and JSON, from the repository root,
// with a range and -n.
func TestCacheHistory(t *testing.T) {
	dir := historyRepo(t, map[string]string{"Dockerfile": manifestFirst, "requirements.txt": "flask\n", "src/app.py": "print(1)\n"},
		"src/app.py", "print(2)\n", "requirements.txt", "flask\nrequests\n", "src/app.py", "print(3)\n")
	code, out, errOut := inDir(t, dir, "cache", "--history", "Dockerfile")
	if code != 0 || !strings.HasPrefix(out, "Replayed 3 commits against today's Dockerfile") || !strings.Contains(out, "estimate") {
		t.Fatalf("exit %d: %s %s", code, out, errOut)
	}
	code, out, errOut = inDir(t, dir, "cache", "--history", "--format", "json", "-n", "2", "Dockerfile")
	var res struct {
		Commits []struct {
			Changed []string `json:"changed"`
		} `json:"commits"`
		Steps []struct {
			Reruns int `json:"reruns"`
		} `json:"steps"`
		TotalReruns int `json:"total_reruns"`
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil || code != 0 {
		t.Fatalf("exit %d, %v: %s %s", code, err, out, errOut)
	}
	if len(res.Commits) != 2 || res.Commits[0].Changed[0] != "src/app.py" || res.Commits[1].Changed[0] != "requirements.txt" {
		t.Errorf("-n 2: %+v", res.Commits)
	}
	if res.TotalReruns != 4 || res.Steps[2].Reruns != 1 { // the install, for requirements.txt alone
		t.Errorf("total %d, install %d", res.TotalReruns, res.Steps[2].Reruns)
	}
	code, out, _ = inDir(t, dir, "cache", "--history", "HEAD~1..HEAD", "--format", "json", "Dockerfile")
	if err := json.Unmarshal([]byte(out), &res); err != nil || code != 0 || len(res.Commits) != 1 {
		t.Errorf("HEAD~1..HEAD: exit %d, %v, %d commits", code, err, len(res.Commits))
	}
}

// TestCacheHistoryUsage: the history flags go with --history, and
// --history with neither --changed nor --build-arg.
func TestCacheHistoryUsage(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"cache", "-n", "3", "Dockerfile"}, "-n, --as-built, --with-fixes and --buildkit-addr go with --history"},
		{[]string{"cache", "--with-fixes", "Dockerfile"}, "-n, --as-built, --with-fixes and --buildkit-addr go with --history"},
		{[]string{"cache", "--buildkit-addr", "unix:///run/buildkit/buildkitd.sock", "Dockerfile"}, "-n, --as-built, --with-fixes and --buildkit-addr go with --history"},
		{[]string{"cache", "--history", "--changed", "a", "Dockerfile"}, "--changed and --build-arg do not go with --history"},
		{[]string{"cache", "--history", "-n", "0", "Dockerfile"}, "-n wants at least 1 commit"},
		{[]string{"cache", "--history", "a..b", "c", "Dockerfile"}, "want [REV-RANGE] DOCKERFILE, got 3 arguments"},
		{[]string{"cache", "--history"}, "want [REV-RANGE] DOCKERFILE, got 0 arguments"},
	} {
		code, out, errOut := runCLI(t, c.args...)
		if code != 2 || out != "" || !strings.HasPrefix(errOut, "dockerfile-ls cache: "+c.want) {
			t.Errorf("%v: exit %d, stderr %q; want exit 2 and %q", c.args, code, firstLine(errOut), c.want)
		}
	}
	dir := t.TempDir()
	write(t, dir, "Dockerfile", manifestFirst)
	if code, _, errOut := inDir(t, dir, "cache", "--history", "Dockerfile"); code != 2 || !strings.Contains(errOut, "not in a git repository") {
		t.Errorf("outside a repository: exit %d, %s", code, errOut)
	}
	if code, _, errOut := inDir(t, dir, "cache", "--history", "--as-built", "--with-fixes", "Dockerfile"); code != 2 || !strings.Contains(errOut, "--as-built") {
		t.Errorf("--as-built --with-fixes: exit %d, %s", code, errOut)
	}
}
