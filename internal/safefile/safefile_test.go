package safefile

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

func write(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func symlink(t *testing.T, target, link string) {
	t.Helper()
	if err := os.Symlink(target, link); err != nil {
		t.Skipf("symlinks unavailable: %v", err)
	}
}

func TestReadRegular(t *testing.T) {
	root := t.TempDir()
	write(t, filepath.Join(root, "sub", "real"), "node_modules\n")
	symlink(t, "sub/real", filepath.Join(root, "link"))
	for _, name := range []string{"sub/real", "link"} {
		got, err := Read(root, filepath.Join(root, name), MaxIgnoreFile)
		if err != nil || string(got) != "node_modules\n" {
			t.Errorf("Read(%s) = %q, %v", name, got, err)
		}
	}
	if _, err := Read(root, filepath.Join(root, "missing"), MaxIgnoreFile); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing file: %v, want ErrNotExist", err)
	}
}

func TestReadRefusesOutsideRoot(t *testing.T) {
	root := t.TempDir()
	outside := filepath.Join(t.TempDir(), "secret")
	write(t, outside, "secret\n")
	write(t, filepath.Join(root, "inside"), "inside\n")
	symlink(t, outside, filepath.Join(root, "abs"))
	symlink(t, "../"+filepath.Base(filepath.Dir(outside))+"/secret", filepath.Join(root, "rel"))
	symlink(t, filepath.Join(root, "inside"), filepath.Join(root, "absInside"))
	for _, name := range []string{"abs", "rel", "absInside"} {
		if got, err := Read(root, filepath.Join(root, name), MaxIgnoreFile); !errors.Is(err, ErrOutsideRoot) {
			t.Errorf("Read(%s) = %q, %v; want ErrOutsideRoot", name, got, err)
		}
		if _, err := Stat(root, filepath.Join(root, name)); !errors.Is(err, ErrOutsideRoot) {
			t.Errorf("Stat(%s) = %v; want ErrOutsideRoot", name, err)
		}
	}
	if _, err := Read(root, outside, MaxIgnoreFile); !errors.Is(err, ErrOutsideRoot) {
		t.Errorf("a path outside the root: %v", err)
	}
	// Without a root, the user's own path is followed anywhere.
	if got, err := Read("", filepath.Join(root, "abs"), MaxIgnoreFile); err != nil || string(got) != "secret\n" {
		t.Errorf("Read without a root = %q, %v", got, err)
	}
}

func TestReadRefusesLargeFiles(t *testing.T) {
	root := t.TempDir()
	big := filepath.Join(root, "big")
	write(t, big, string(bytes.Repeat([]byte("x"), 10<<20)))
	if _, err := Read(root, big, MaxIgnoreFile); !errors.Is(err, ErrTooLarge) {
		t.Errorf("a 10 MB file: %v, want ErrTooLarge", err)
	}
	exact := filepath.Join(root, "exact")
	write(t, exact, "12345")
	if got, err := Read(root, exact, 5); err != nil || len(got) != 5 {
		t.Errorf("a file at the limit: %q, %v", got, err)
	}
	if _, err := Read(root, exact, 4); !errors.Is(err, ErrTooLarge) {
		t.Errorf("one byte over: %v", err)
	}
}

func TestReadRefusesDirectories(t *testing.T) {
	root := t.TempDir()
	if err := os.Mkdir(filepath.Join(root, "dir"), 0o755); err != nil {
		t.Fatal(err)
	}
	if _, err := Read(root, filepath.Join(root, "dir"), MaxIgnoreFile); !errors.Is(err, ErrNotRegular) {
		t.Errorf("a directory: %v, want ErrNotRegular", err)
	}
}

func TestReadInfoIsTheFileRead(t *testing.T) {
	root := t.TempDir()
	p := filepath.Join(root, "Dockerfile")
	write(t, p, "FROM scratch\n")
	data, fi, err := ReadInfo("", p, 100)
	if err != nil || string(data) != "FROM scratch\n" || fi.Size() != int64(len(data)) {
		t.Fatalf("ReadInfo = %q, %v, %v", data, fi, err)
	}
	if now, err := os.Stat(p); err != nil || !os.SameFile(fi, now) {
		t.Errorf("the info is not the file's: %v", err)
	}
}

func TestReadLimited(t *testing.T) {
	if got, err := ReadLimited(bytes.NewReader(make([]byte, 10)), "input", 10); err != nil || len(got) != 10 {
		t.Errorf("at the limit: %d bytes, %v", len(got), err)
	}
	_, err := ReadLimited(bytes.NewReader(make([]byte, 11<<20)), "standard input", 4<<20)
	if !errors.Is(err, ErrTooLarge) || err.Error() != "standard input: too large (more than 4 MiB)" {
		t.Errorf("past the limit: %v", err)
	}
}
