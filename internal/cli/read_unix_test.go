//go:build unix

package cli

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/dockerfile-ls/dockerfile-ls/internal/budget"
	"github.com/dockerfile-ls/dockerfile-ls/internal/safefile"
)

// finishes fails the test when work takes longer than d: what it tests
// would otherwise hang the test binary.
func finishes(t *testing.T, d time.Duration, work func()) {
	t.Helper()
	done := make(chan struct{})
	go func() { defer close(done); work() }()
	select {
	case <-done:
	case <-time.After(d):
		t.Fatalf("still running after %v", d)
	}
}

// hostileDockerfiles are paths that check and cache are given as a
// Dockerfile, each made by its function, and the error each must give.
var hostileDockerfiles = map[string]struct {
	make func(p string) error
	want error
}{
	"FIFO":                 {func(p string) error { return syscall.Mkfifo(p, 0o644) }, safefile.ErrNotRegular},
	"symlink to /dev/zero": {func(p string) error { return os.Symlink("/dev/zero", p) }, safefile.ErrNotRegular},
	"directory":            {func(p string) error { return os.Mkdir(p, 0o755) }, safefile.ErrNotRegular},
	"missing":              {func(string) error { return nil }, fs.ErrNotExist},
	"binary":               {func(p string) error { return os.WriteFile(p, []byte("FROM alpine\n\x00\x01\x02"), 0o644) }, errBinary},
	"20 MB": {func(p string) error {
		f, err := os.Create(p)
		if err == nil {
			err = errors.Join(f.Truncate(20<<20), f.Close()) // sparse: no disk used
		}
		return err
	}, safefile.ErrTooLarge},
}

// TestHostileDockerfiles: a Dockerfile that is not a readable text file
// of a sane size is refused at once with an error that says why; it is
// never read whole, never blocked on, never analysed.
func TestHostileDockerfiles(t *testing.T) {
	for name, c := range hostileDockerfiles {
		t.Run(name, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), "Dockerfile")
			if err := c.make(p); err != nil {
				t.Fatal(err)
			}
			finishes(t, 5*time.Second, func() {
				c2 := NewChecker(CheckOptions{Stderr: io.Discard})
				if _, err := c2.Check(Target{Path: p}); !errors.Is(err, c.want) || !strings.Contains(err.Error(), p) {
					t.Errorf("check: %v, want %v naming the file", err, c.want)
				}
				if _, _, err := Predict(CacheOptions{Dockerfile: p}); !errors.Is(err, c.want) {
					t.Errorf("cache: %v, want %v", err, c.want)
				}
			})
		})
	}
}

// zeros is an endless stream, as `check - </dev/zero` reads.
type zeros struct{}

func (zeros) Read(b []byte) (int, error) { clear(b); return len(b), nil }

// TestStdinIsBounded: standard input is read up to budget.MaxDockerfile,
// not to its end.
func TestStdinIsBounded(t *testing.T) {
	finishes(t, 5*time.Second, func() {
		c := NewChecker(CheckOptions{Stdin: zeros{}, Stderr: io.Discard})
		if _, err := c.Check(Target{Stdin: true}); !errors.Is(err, safefile.ErrTooLarge) || !strings.Contains(err.Error(), "standard input") {
			t.Errorf("endless standard input: %v", err)
		}
	})
	text := "FROM alpine:3.19\n" + strings.Repeat("#", budget.MaxDockerfile-18) + "\n"
	c := NewChecker(CheckOptions{Stdin: strings.NewReader(text), Stderr: io.Discard})
	if _, err := c.Check(Target{Stdin: true}); err != nil {
		t.Errorf("a Dockerfile of exactly the limit: %v", err)
	}
}

// TestWalkSkipsWhatIsNotAFile: `check .` over a tree where every file it
// or the libraries it calls may read is a FIFO (or a symlink to a device)
// ends, checks the one real Dockerfile and names each Dockerfile it
// skipped.
func TestWalkSkipsWhatIsNotAFile(t *testing.T) {
	root := t.TempDir()
	mkfifo := func(rel string) {
		p := filepath.Join(root, rel)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := syscall.Mkfifo(p, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, rel := range []string{"Containerfile", "sub/Dockerfile", ".dockerignore", "Dockerfile.dockerignore", ".containerignore",
		".gitignore", "sub/.gitignore", "compose.yaml", "docker-compose.yml", "docker-bake.hcl", ".env", "sub/.dockerfile-ls.yaml"} {
		mkfifo(rel)
	}
	if err := os.Symlink("/dev/zero", filepath.Join(root, "zero.Dockerfile")); err != nil {
		t.Fatal(err)
	}
	write(t, root, "Dockerfile", "FROM alpine:3.19\n")
	var stderr strings.Builder
	finishes(t, 10*time.Second, func() {
		c := NewChecker(CheckOptions{Stderr: &stderr, Cwd: root})
		targets, _ := c.Collect([]string{root})
		if len(targets) != 1 || targets[0].Path != filepath.Join(root, "Dockerfile") {
			t.Errorf("found %v, want the one Dockerfile", targets)
		}
		for _, tg := range targets {
			if _, err := c.Check(tg); err != nil {
				t.Error(err)
			}
		}
	})
	for _, skipped := range []string{"Containerfile: not a regular file (a FIFO)", "Dockerfile: not a regular file (a FIFO)", "zero.Dockerfile: not a regular file (a character device)"} {
		if !strings.Contains(stderr.String(), skipped) {
			t.Errorf("stderr does not say %q:\n%s", skipped, stderr.String())
		}
	}
}
