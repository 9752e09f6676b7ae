package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func read(t *testing.T, p string) string {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

const casingText = "FROM alpine:3.19 as base\nrun echo hi\nRUN echo x\ncopy a /a\n"
const casingFixed = "FROM alpine:3.19 AS base\nRUN echo hi\nRUN echo x\nCOPY a /a\n"

func TestFixInPlace(t *testing.T) {
	withFixes(t, fakeFixes)
	dir := t.TempDir()
	p := write(t, dir, "Dockerfile", casingText)
	if err := os.Chmod(p, 0o600); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := runCLI(t, "check", "--fix", "--fail-level", "warning", p)
	if got := read(t, p); got != casingFixed {
		t.Errorf("fixed:\n%s", got)
	}
	if st, _ := os.Stat(p); st.Mode().Perm() != 0o600 {
		t.Errorf("mode %v", st.Mode())
	}
	// Only the findings left are reported; the summary says what was fixed.
	if code != 0 || out != "" || !strings.Contains(errOut, "fixed 3 problems") {
		t.Errorf("exit %d, out %q, err %q", code, out, errOut)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("left files behind: %v", entries)
	}
	// Fixed files stay fixed.
	if code, _, _ := runCLI(t, "check", "--fix", p); code != 0 || read(t, p) != casingFixed {
		t.Errorf("second --fix: exit %d\n%s", code, read(t, p))
	}
}

func TestFixSymlink(t *testing.T) {
	withFixes(t, fakeFixes)
	dir := t.TempDir()
	real := write(t, dir, "real.Dockerfile", casingText)
	link := filepath.Join(dir, "Dockerfile")
	if err := os.Symlink("real.Dockerfile", link); err != nil {
		t.Fatal(err)
	}
	if code, _, errOut := runCLI(t, "check", "--fix", link); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if st, err := os.Lstat(link); err != nil || st.Mode()&os.ModeSymlink == 0 {
		t.Errorf("the link is no longer a link: %v %v", st.Mode(), err)
	}
	if read(t, real) != casingFixed {
		t.Errorf("the link's target was not fixed:\n%s", read(t, real))
	}
}

// TestFixDiff: --diff prints what --fix would write as a unified diff
// (that such diffs apply is TestUnifiedDiff's business), and writes
// nothing.
func TestFixDiff(t *testing.T) {
	withFixes(t, fakeFixes)
	p := write(t, t.TempDir(), "Dockerfile", casingText)
	code, out, _ := runCLI(t, "check", "--diff", p)
	if read(t, p) != casingText {
		t.Error("--diff wrote the file")
	}
	want := "--- " + p + "\n+++ " + p + "\n@@ -1,4 +1,4 @@\n-FROM alpine:3.19 as base\n-run echo hi\n+FROM alpine:3.19 AS base\n+RUN echo hi\n RUN echo x\n-copy a /a\n+COPY a /a\n"
	if code != 0 || out != want {
		t.Errorf("exit %d:\n%s", code, out)
	}
}

func TestFixStdin(t *testing.T) {
	withFixes(t, fakeFixes)
	var out, errOut buffer
	code := run([]string{"check", "--fix", "-"}, strings.NewReader(casingText), &out, &errOut)
	if code != 0 || out.String() != casingFixed {
		t.Errorf("exit %d: %q %q", code, out.String(), errOut.String())
	}
}
