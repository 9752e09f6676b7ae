//go:build unix

package codeactions

import (
	"os"
	"path/filepath"
	"slices"
	"syscall"
	"testing"
	"time"

	"github.com/dockerfile-ls/dockerfile-ls/buildcontext"
	"github.com/dockerfile-ls/dockerfile-ls/diagnostics"
	"github.com/dockerfile-ls/dockerfile-ls/dockerfile"
)

// The fixes that read files of the build context do not trust them (issue
// 18): a manifest that is a FIFO, or a symlink out of the context, is not
// read, and the fix that needed it is not offered; a symlink inside the
// context is followed as BuildKit follows it.
func TestManifestsAreNotTrusted(t *testing.T) {
	outside := t.TempDir()
	must(t, os.WriteFile(filepath.Join(outside, "requirements.txt"), []byte("flask\n"), 0o644))
	must(t, os.WriteFile(filepath.Join(outside, "package.json"), []byte(`{"name": "x"}`), 0o644))
	pip := "FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\nRUN pip install -r requirements.txt\n"
	npm := "FROM node:20\nWORKDIR /app\nCOPY . .\nRUN npm ci\n"
	for _, c := range []struct {
		name, text, file string
		make             func(path string) error
		offered          bool
	}{
		{"regular", pip, "requirements.txt", func(p string) error { return os.WriteFile(p, []byte("flask\n"), 0o644) }, true},
		{"symlink inside", pip, "requirements.txt", func(p string) error {
			must(t, os.WriteFile(filepath.Join(filepath.Dir(p), "base.txt"), []byte("flask\n"), 0o644))
			return os.Symlink("base.txt", p)
		}, true},
		{"symlink out", pip, "requirements.txt", func(p string) error { return os.Symlink(filepath.Join(outside, "requirements.txt"), p) }, false},
		{"FIFO", pip, "requirements.txt", func(p string) error { return syscall.Mkfifo(p, 0o644) }, false},
		{"package.json symlink out", npm, "package.json", func(p string) error { return os.Symlink(filepath.Join(outside, "package.json"), p) }, false},
		{"package.json FIFO", npm, "package.json", func(p string) error { return syscall.Mkfifo(p, 0o644) }, false},
	} {
		dir := t.TempDir()
		must(t, os.WriteFile(filepath.Join(dir, "app.py"), []byte("print(1)\n"), 0o644))
		if c.text == npm {
			must(t, os.WriteFile(filepath.Join(dir, "package-lock.json"), []byte("{}"), 0o644))
		}
		must(t, c.make(filepath.Join(dir, c.file)))
		bctx, err := buildcontext.Load(t.Context(), dir, "")
		must(t, err)
		if got := offersKind(t, c.text, bctx, diagnostics.CopyManifestsFirst); got != c.offered {
			t.Errorf("%s: fix offered %v, want %v", c.name, got, c.offered)
		}
	}
}

// TestDockerignoreNotTrusted: the ignore file the fix appends to is read
// again when the fix is asked for, and refused when it has become a FIFO or
// a symlink out of the context since the context was loaded.
func TestDockerignoreNotTrusted(t *testing.T) {
	outside := filepath.Join(t.TempDir(), "passwd")
	must(t, os.WriteFile(outside, []byte("root:x:0:0\n"), 0o644))
	for name, swap := range map[string]func(path string) error{
		"symlink out": func(p string) error { return os.Symlink(outside, p) },
		"FIFO":        func(p string) error { return syscall.Mkfifo(p, 0o644) },
	} {
		dir := t.TempDir()
		must(t, os.MkdirAll(filepath.Join(dir, "node_modules", "x"), 0o755))
		must(t, os.WriteFile(filepath.Join(dir, "node_modules", "x", "i.js"), []byte("1"), 0o644))
		ignore := filepath.Join(dir, ".dockerignore")
		must(t, os.WriteFile(ignore, []byte("dist\n"), 0o644))
		bctx, err := buildcontext.Load(t.Context(), dir, "")
		must(t, err)
		must(t, os.Remove(ignore))
		must(t, swap(ignore))
		if offersKind(t, "FROM node:20\nCOPY . /app\n", bctx, diagnostics.Dockerignore) {
			t.Errorf("%s: the fix appends to it", name)
		}
	}
}

// offersKind reports whether a fix of kind is offered for text; it fails
// the test when the fixes take more than a few seconds (a FIFO opened
// for reading blocks until a writer comes).
func offersKind(t *testing.T, text string, bctx *buildcontext.Context, kind diagnostics.FixKind) bool {
	t.Helper()
	doc, fs := analyse([]byte(text), bctx)
	if !slices.ContainsFunc(fs, func(f diagnostics.Finding) bool { return Kind(f) == kind }) {
		t.Fatalf("no finding with a fix of kind %s for\n%s", kind, text)
	}
	done := make(chan bool, 1)
	go func() {
		done <- slices.ContainsFunc(For(doc.State(dockerfile.Options{}), fs, bctx), func(a Action) bool { return Kind(a.Finding) == kind })
	}()
	select {
	case offered := <-done:
		return offered
	case <-time.After(5 * time.Second):
		t.Fatalf("the %s fix still reads after 5 s", kind)
		return false
	}
}
