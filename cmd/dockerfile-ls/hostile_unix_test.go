//go:build unix

package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/dockerfile-ls/dockerfile-ls/internal/budget"
)

// TestHostileInput: check and cache given a path that is no Dockerfile
// to read exit 2 at once, saying why, and change nothing.
func TestHostileInput(t *testing.T) {
	dir := t.TempDir()
	makers := map[string]func(p string) error{
		"folder":  func(p string) error { return os.Mkdir(p, 0o755) },
		"missing": func(string) error { return nil },
		"binary":  func(p string) error { return os.WriteFile(p, []byte("FROM alpine\n\x00\x7fELF"), 0o644) },
		"20 MB": func(p string) error {
			return os.WriteFile(p, []byte(strings.Repeat("RUN echo hi\n", 20<<20/12)), 0o644)
		},
		"FIFO":      func(p string) error { return syscall.Mkfifo(p, 0o644) },
		"/dev/zero": func(p string) error { return os.Symlink("/dev/zero", p) },
	}
	says := map[string]string{
		"folder":    "not a regular file (a directory)",
		"missing":   "no such file or directory",
		"binary":    "a binary file, not a Dockerfile",
		"20 MB":     fmt.Sprintf("too large (more than %d MiB)", budget.MaxDockerfile>>20),
		"FIFO":      "not a regular file (a FIFO)",
		"/dev/zero": "not a regular file (a character device)",
	}
	for name, mk := range makers {
		p := filepath.Join(dir, strings.ReplaceAll(name, "/", "_")+".Dockerfile")
		if err := mk(p); err != nil {
			t.Fatal(err)
		}
		for _, cmd := range []string{"check", "cache"} {
			want := says[name]
			if cmd == "check" && name == "folder" {
				want = "no Dockerfile in " + p // a folder is searched
			}
			start := time.Now()
			done := make(chan struct{})
			var code int
			var errOut string
			go func() { defer close(done); code, _, errOut = runCLI(t, cmd, p) }()
			select {
			case <-done:
			case <-time.After(5 * time.Second):
				t.Fatalf("%s %s: still running after 5s", cmd, name)
			}
			if code != 2 || !strings.Contains(errOut, want) {
				t.Errorf("%s %s: exit %d, %q; want exit 2 saying %q", cmd, name, code, errOut, want)
			}
			t.Logf("%s %s: %v", cmd, name, time.Since(start))
		}
	}
}

// TestUsageSaysTheLimit: the help text's size limit is the budget's.
func TestUsageSaysTheLimit(t *testing.T) {
	limit := fmt.Sprintf("%d MiB", budget.MaxDockerfile>>20)
	if !strings.Contains(checkUsage, limit) || !strings.Contains(cacheUsage, limit) {
		t.Errorf("the usage does not say %s", limit)
	}
}
