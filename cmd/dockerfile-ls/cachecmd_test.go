package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dockerfile-ls/dockerfile-ls/internal/cli"
)

// cacheStatuses runs `cache --format json` in dir and returns the steps'
// statuses, space-separated, or fails the test.
func cacheStatuses(t *testing.T, dir string, args ...string) string {
	t.Helper()
	code, out, errOut := inDir(t, dir, append([]string{"cache", "--format", "json"}, args...)...)
	var res struct {
		Steps []jsonStep `json:"steps"`
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil || code != 0 {
		t.Fatalf("%v in %s: exit %d, %v: %s %s", args, dir, code, err, out, errOut)
	}
	var got []string
	for _, s := range res.Steps {
		got = append(got, s.Status)
	}
	return strings.Join(got, " ")
}

// manifestFirst is a Dockerfile whose install re-runs only when
// requirements.txt changes.
const manifestFirst = "FROM python:3.12\nCOPY requirements.txt /app/\nRUN pip install -r /app/requirements.txt\nCOPY . /app\n"

// TestCacheChangedPaths: a --changed path that exists from the current
// folder (or is absolute) is that file, mapped into the build context;
// otherwise it is relative to the context.
func TestCacheChangedPaths(t *testing.T) {
	dir := t.TempDir()
	mkdirs(t, dir, "good/src")
	write(t, dir, "good/Dockerfile", manifestFirst)
	write(t, dir, "good/requirements.txt", "flask\n")
	write(t, dir, "good/src/app.py", "print(1)\n")
	good := filepath.Join(dir, "good")
	const install, code = "cached re-run re-run re-run", "cached cached cached re-run"
	for _, c := range []struct {
		cwd, dockerfile, changed, want string
	}{
		{dir, "good/Dockerfile", "good/requirements.txt", install},                 // from the current folder
		{dir, "good/Dockerfile", "./good/requirements.txt", install},               // the same, spelled another way
		{dir, "good/Dockerfile", filepath.Join(good, "requirements.txt"), install}, // absolute
		{dir, "good/Dockerfile", "requirements.txt", install},                      // not here: from the context
		{dir, "good/Dockerfile", "src/app.py", code},                               // not here: from the context
		{good, "Dockerfile", "requirements.txt", install},                          // here, and the context
		{filepath.Join(good, "src"), "../Dockerfile", "app.py", code},              // from a folder inside the context
		{filepath.Join(good, "src"), "../Dockerfile", "requirements.txt", install},
	} {
		if got := cacheStatuses(t, c.cwd, c.dockerfile, "--changed", c.changed); got != c.want {
			t.Errorf("in %s: cache %s --changed %s: %s, want %s", c.cwd, c.dockerfile, c.changed, got, c.want)
		}
	}
}

// TestCacheChangedContextMoved: with --context or a project file naming
// the context, paths are mapped into that context.
func TestCacheChangedContextMoved(t *testing.T) {
	dir := t.TempDir()
	mkdirs(t, dir, ".git", "build", "app")
	write(t, dir, "build/Dockerfile", "FROM python:3.12\nCOPY app/requirements.txt /app/\nRUN pip install -r /app/requirements.txt\nCOPY app /app\n")
	write(t, dir, "app/requirements.txt", "flask\n")
	write(t, dir, "app/main.py", "print(1)\n")
	build := filepath.Join(dir, "build")
	const install, code = "cached re-run re-run re-run", "cached cached cached re-run"
	for _, c := range []struct {
		cwd  string
		args []string
		want string
	}{
		{dir, []string{"build/Dockerfile", "--context", ".", "--changed", "app/requirements.txt"}, install},
		{dir, []string{"build/Dockerfile", "--context", ".", "--changed", "app/main.py"}, code},
		{build, []string{"Dockerfile", "--context", "..", "--changed", "../app/requirements.txt"}, install},
		{build, []string{"Dockerfile", "--context", "..", "--changed", "app/requirements.txt"}, install},
		{build, []string{"Dockerfile", "--context", dir, "--changed", filepath.Join(dir, "app", "main.py")}, code},
	} {
		if got := cacheStatuses(t, c.cwd, c.args...); got != c.want {
			t.Errorf("in %s: cache %v: %s, want %s", c.cwd, c.args, got, c.want)
		}
	}
	// The same through the project file's context, from the repository's
	// root; from build/, a file of the repository may not widen the
	// context above the current folder: --context must.
	write(t, dir, ".dockerfile-ls.yaml", "context: .\n")
	if got := cacheStatuses(t, dir, "build/Dockerfile", "--changed", "app/requirements.txt"); got != install {
		t.Errorf("project context: %s", got)
	}
	if got := cacheStatuses(t, dir, "build/Dockerfile", "--changed", "app/main.py"); got != code {
		t.Errorf("project context: %s", got)
	}
	exit, _, errOut := inDir(t, build, "cache", "Dockerfile", "--changed", "app/main.py")
	if exit != 2 || !strings.Contains(errOut, "cannot widen the build context above the current folder (give --context "+dir) {
		t.Errorf("project context above the current folder: exit %d: %s", exit, errOut)
	}
}

// TestCacheChangedThroughSymlink: the context reached through a link and
// the changed file by its real path are the same folder.
func TestCacheChangedThroughSymlink(t *testing.T) {
	dir := t.TempDir()
	mkdirs(t, dir, "real")
	write(t, dir, "real/Dockerfile", manifestFirst)
	write(t, dir, "real/requirements.txt", "flask\n")
	if err := os.Symlink("real", filepath.Join(dir, "link")); err != nil {
		t.Fatal(err)
	}
	if got := cacheStatuses(t, dir, "link/Dockerfile", "--changed", "real/requirements.txt"); got != "cached re-run re-run re-run" {
		t.Errorf("%s", got)
	}
}

// TestCacheChangedErrors: a path found nowhere, or outside the context,
// exits 2 naming every path tried.
func TestCacheChangedErrors(t *testing.T) {
	dir := t.TempDir()
	mkdirs(t, dir, "good")
	write(t, dir, "good/Dockerfile", manifestFirst)
	write(t, dir, "good/requirements.txt", "flask\n")
	write(t, dir, "notes.txt", "outside\n")
	good := filepath.Join(dir, "good")
	for _, c := range []struct {
		changed string
		want    []string
	}{
		{"missing.txt", []string{"--changed missing.txt", filepath.Join(dir, "missing.txt"), filepath.Join(good, "missing.txt")}},
		{"notes.txt", []string{"--changed notes.txt", filepath.Join(dir, "notes.txt"), "outside the build context " + good, filepath.Join(good, "notes.txt")}},
		{filepath.Join(dir, "notes.txt"), []string{filepath.Join(dir, "notes.txt"), "outside the build context " + good}},
		{filepath.Join(good, "gone.txt"), []string{filepath.Join(good, "gone.txt"), "does not exist"}},
		{"../notes.txt", []string{filepath.Join(filepath.Dir(dir), "notes.txt"), filepath.Join(dir, "notes.txt"), "outside the build context " + good}},
	} {
		code, out, errOut := inDir(t, dir, "cache", "good/Dockerfile", "--changed", c.changed)
		if code != 2 || out != "" {
			t.Errorf("--changed %s: exit %d, stdout %q; want exit 2 and nothing", c.changed, code, out)
		}
		for _, w := range c.want {
			if !strings.Contains(errOut, w) {
				t.Errorf("--changed %s: stderr %q lacks %q", c.changed, errOut, w)
			}
		}
	}
	// A file outside the context that is also inside it: the message says
	// how to name the one inside.
	write(t, dir, "requirements.txt", "django\n")
	code, _, errOut := inDir(t, dir, "cache", "good/Dockerfile", "--changed", "requirements.txt")
	if code != 2 || !strings.Contains(errOut, "give good/requirements.txt") {
		t.Errorf("exit %d: %s", code, errOut)
	}
}

// TestCacheText: the text output has a header naming its columns, and
// names stages as docker build does (stage-0 when unnamed).
func TestCacheText(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "app.py", "print(1)\n")
	p := write(t, dir, "Dockerfile", "FROM python:3.12\nCOPY app.py /app/\nFROM python:3.12 AS runtime\nCOPY --from=0 /app /app\n")
	code, out, errOut := runCLI(t, "cache", p, "--changed", filepath.Join(dir, "app.py"))
	want := "" +
		"LINE  STATUS     STAGE    INSTRUCTION\n" +
		"   1  CACHED     stage-0  FROM python:3.12\n" +
		"   2  RE-RUN     stage-0  COPY app.py /app/\n" +
		"                          because app.py changed and `COPY app.py /app/` copies it\n" +
		"   3  CACHED     runtime  FROM python:3.12 AS runtime\n" +
		"   4  DEPENDS    runtime  COPY --from=0 /app /app\n" +
		"                          because stage 0 re-runs; this step re-runs only if the files it copies from there change\n"
	if code != 0 || out != want {
		t.Errorf("exit %d, stderr %q:\n%s", code, errOut, cli.UnifiedDiff("want", "got", []byte(want), []byte(out)))
	}
}
