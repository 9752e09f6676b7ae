//go:build unix

package buildcontext

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/dockerfile-ls/dockerfile-ls/internal/safefile"
)

// TestIgnoreFileIsNeverTrusted: an ignore file that is a FIFO, a device,
// a symlink out of the context or 10 MB fails the load at once with an
// error saying why, instead of blocking it, running it out of memory or
// reading a file outside the context; a symlink within the context is
// read.
func TestIgnoreFileIsNeverTrusted(t *testing.T) {
	passwd := filepath.Join(t.TempDir(), "passwd")
	writeFile(t, passwd, "root:x:0:0:root:/root:/bin/bash\n")
	fifo := func(t *testing.T, p string) {
		if err := syscall.Mkfifo(p, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cases := []struct {
		name    string
		file    string // the ignore file, relative to the context
		make    func(t *testing.T, p string)
		wantErr error
	}{
		{"symlink to /dev/zero", ".dockerignore", symlinkTo("/dev/zero"), safefile.ErrOutsideRoot},
		{"symlink to /dev/urandom", ".dockerignore", symlinkTo("/dev/urandom"), safefile.ErrOutsideRoot},
		{"symlink to /etc/passwd", ".dockerignore", symlinkTo("/etc/passwd"), safefile.ErrOutsideRoot},
		{"symlink out of the context", ".dockerignore", symlinkTo(passwd), safefile.ErrOutsideRoot},
		{"FIFO", ".dockerignore", fifo, safefile.ErrNotRegular},
		{"FIFO beside the Dockerfile", "app/Dockerfile.dockerignore", fifo, safefile.ErrNotRegular},
		{"FIFO .containerignore", ".containerignore", fifo, safefile.ErrNotRegular},
		{"10 MB", ".dockerignore", func(t *testing.T, p string) {
			big := make([]byte, 10<<20)
			for i := range big {
				big[i] = "x\n"[i%2]
			}
			if err := os.WriteFile(p, big, 0o644); err != nil {
				t.Fatal(err)
			}
		}, safefile.ErrTooLarge},
		{"symlink within the context", "app/Dockerfile.dockerignore", symlinkTo("../common.dockerignore"), nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			root := t.TempDir()
			writeTree(t, root, map[string]int{"app/Dockerfile": 10, "app/secret.key": 1})
			writeFile(t, filepath.Join(root, "common.dockerignore"), "**/*.key\n")
			c.make(t, filepath.Join(root, c.file))
			bctx, err := loadWithin(t, root, "app/Dockerfile")
			if !errors.Is(err, c.wantErr) {
				t.Fatalf("Load = %v, want %v", err, c.wantErr)
			}
			if c.wantErr != nil && !Refused(err) {
				t.Errorf("Refused(%v) = false: the user would not hear why", err)
			}
			if c.wantErr == nil && !bctx.Excluded("app/secret.key") {
				t.Error("the symlinked ignore file was not applied")
			}
		})
	}
}

func symlinkTo(target string) func(t *testing.T, p string) {
	return func(t *testing.T, p string) {
		if err := os.Symlink(target, p); err != nil {
			t.Fatal(err)
		}
	}
}

// loadWithin is Load with a deadline: an ignore file read that blocks
// fails the test instead of hanging it.
func loadWithin(t *testing.T, root, dockerfile string) (*Context, error) {
	t.Helper()
	type result struct {
		c   *Context
		err error
	}
	done := make(chan result, 1)
	go func() {
		c, err := Load(context.Background(), root, dockerfile)
		done <- result{c, err}
	}()
	select {
	case r := <-done:
		return r.c, r.err
	case <-time.After(5 * time.Second):
		t.Fatal("Load blocked on the ignore file")
		return nil, nil
	}
}
