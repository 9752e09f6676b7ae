//go:build unix

package main

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/dockerfile-ls/dockerfile-ls/codeactions"
	"github.com/dockerfile-ls/dockerfile-ls/internal/cli"
)

// TestSARIFFixReadsNoHostileFile: to place a fix that appends to a
// .dockerignore, SARIF output reads it; a FIFO, a device or a file
// outside the build context is never read (the fix is left out), a
// regular one is.
func TestSARIFFixReadsNoHostileFile(t *testing.T) {
	outside := write(t, t.TempDir(), "secret", "a\nb\n")
	cases := map[string]struct {
		make   func(p string) error
		placed bool
	}{
		"regular":              {func(p string) error { return os.WriteFile(p, []byte("a\nb\n"), 0o644) }, true},
		"FIFO":                 {func(p string) error { return syscall.Mkfifo(p, 0o644) }, false},
		"symlink to /dev/zero": {func(p string) error { return os.Symlink("/dev/zero", p) }, false},
		"symlink out":          {func(p string) error { return os.Symlink(outside, p) }, false},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			if err := c.make(filepath.Join(dir, ".dockerignore")); err != nil {
				t.Fatal(err)
			}
			r := &cli.FileReport{ContextRoot: dir}
			a := codeactions.Action{Title: "ignore", Files: []codeactions.FileEdit{{Path: ".dockerignore", Append: "c\n"}}}
			done := make(chan bool, 1)
			var fx sarifFix
			go func() {
				var ok bool
				fx, ok = sarifFixOf(r, a, "Dockerfile", dir)
				done <- ok
			}()
			select {
			case ok := <-done:
				if ok != c.placed {
					t.Fatalf("fix placed: %v, want %v", ok, c.placed)
				}
				if ok && fx.ArtifactChanges[0].Replacements[0].DeletedRegion.StartLine != 3 {
					t.Errorf("appended at %+v, want line 3", fx.ArtifactChanges[0].Replacements[0].DeletedRegion)
				}
			case <-time.After(5 * time.Second):
				t.Fatal("reading the .dockerignore hung")
			}
		})
	}
}
