//go:build unix

package cli

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestGitIgnoreIsNeverTrusted: check reads .gitignore files only when
// they are regular files inside the repository. A FIFO must not hang the
// walk, a device must not be read, and a .gitignore symlinked out of the
// repository is not applied; a regular one is.
func TestGitIgnoreIsNeverTrusted(t *testing.T) {
	outside := filepath.Join(t.TempDir(), "gitignore")
	if err := os.WriteFile(outside, []byte("Dockerfile\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	cases := map[string]struct {
		create func(file string) error
		found  int // Dockerfiles check finds
	}{
		"FIFO":                          {func(f string) error { return syscall.Mkfifo(f, 0o644) }, 1},
		"symlink to /dev/zero":          {func(f string) error { return os.Symlink("/dev/zero", f) }, 1},
		"symlink out of the repository": {func(f string) error { return os.Symlink(outside, f) }, 1},
		"regular":                       {func(f string) error { return os.WriteFile(f, []byte("Dockerfile\n"), 0o644) }, 0},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			repo := t.TempDir()
			for _, p := range []string{".git", "app"} {
				if err := os.Mkdir(filepath.Join(repo, p), 0o755); err != nil {
					t.Fatal(err)
				}
			}
			if err := os.WriteFile(filepath.Join(repo, "app", "Dockerfile"), []byte("FROM scratch\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			if err := c.create(filepath.Join(repo, "app", ".gitignore")); err != nil {
				t.Fatal(err)
			}
			done := make(chan int, 1)
			go func() {
				g := newGitIgnores(repo)
				g.load(filepath.Join(repo, "app"))
				n := 1
				if g.ignored(filepath.Join(repo, "app", "Dockerfile"), false) {
					n = 0
				}
				done <- n
			}()
			select {
			case n := <-done:
				if n != c.found {
					t.Errorf("found %d Dockerfiles, want %d", n, c.found)
				}
			case <-time.After(5 * time.Second):
				t.Fatal("reading the .gitignore hung")
			}
		})
	}
}

// TestFoundSymlinkOutIsSkipped (issue 18): a Dockerfile that check finds
// in a folder but that is a symlink leading out of it is neither read nor
// fixed, and check says why; one leading to a file inside the folder is
// checked, and so is the link out when the user names it.
func TestFoundSymlinkOutIsSkipped(t *testing.T) {
	base := t.TempDir()
	outside := mkfile(t, base, "outside/Dockerfile", "FROM alpine:3.19\nMAINTAINER me\n")
	repo := filepath.Join(base, "repo")
	mkfile(t, repo, "app/Dockerfile.real", "FROM alpine:3.19\n")
	for link, target := range map[string]string{"Dockerfile": outside, "app/Dockerfile": "Dockerfile.real"} {
		if err := os.Symlink(target, filepath.Join(repo, link)); err != nil {
			t.Fatal(err)
		}
	}
	var stderr strings.Builder
	c := NewChecker(CheckOptions{Stderr: &stderr})
	var found []string
	targets, _ := c.Collect([]string{repo})
	for _, tg := range targets {
		found = append(found, tg.Path)
	}
	want := []string{filepath.Join(repo, "app", "Dockerfile"), filepath.Join(repo, "app", "Dockerfile.real")}
	if !slices.Equal(found, want) {
		t.Errorf("found %q, want %q", found, want)
	}
	if !strings.Contains(stderr.String(), "outside "+repo) {
		t.Errorf("check does not say why it skips the link out:\n%s", stderr.String())
	}
	if named, _ := c.Collect([]string{filepath.Join(repo, "Dockerfile")}); len(named) != 1 {
		t.Errorf("the link out, named: %v", named)
	}
}
