package pathrel

import (
	"os"
	"path/filepath"
	"testing"
)

func TestInside(t *testing.T) {
	cases := []struct {
		root, p, want string
		ok            bool
	}{
		{"/a", "/a", ".", true},
		{"/a", "/a/b/c", "b/c", true},
		{"/a", "/ab", "", false},
		{"/a", "/", "", false},
		{"/a/b", "/a/b/../c", "", false},
		{"/a", "/a/..b", "..b", true},
	}
	for _, c := range cases {
		got, ok := Inside(c.root, c.p)
		if got != c.want || ok != c.ok {
			t.Errorf("Inside(%q, %q) = %q, %v; want %q, %v", c.root, c.p, got, ok, c.want, c.ok)
		}
	}
}

// TestWithinThroughLink: a root reached through a symbolic link holds the
// paths of its real folder, but a link inside it is not followed out.
func TestWithinThroughLink(t *testing.T) {
	dir := t.TempDir()
	real := filepath.Join(dir, "real")
	if err := os.MkdirAll(filepath.Join(real, "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "link")
	if err := os.Symlink(real, link); err != nil {
		t.Fatal(err)
	}
	if got, ok := Within(link, filepath.Join(real, "sub", "f")); !ok || got != "sub/f" {
		t.Errorf("Within(link, real/sub/f) = %q, %v; want sub/f, true", got, ok)
	}
	out := filepath.Join(real, "out")
	if err := os.Symlink(dir, out); err != nil {
		t.Fatal(err)
	}
	if got, ok := Within(real, out); !ok || got != "out" {
		t.Errorf("Within(real, real/out) = %q, %v; want the link itself, out, true", got, ok)
	}
	if _, ok := Within(real, filepath.Join(dir, "elsewhere")); ok {
		t.Error("a path beside the root is within it")
	}
}
