//go:build unix

package cli

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestFixKeepsHardLinks: a file with two names is written in place: both
// names still lead to one file, which has the fixes.
func TestFixKeepsHardLinks(t *testing.T) {
	dir := t.TempDir()
	p := write(t, dir, "Dockerfile", casingText)
	other := filepath.Join(dir, "linked")
	if err := os.Link(p, other); err != nil {
		t.Fatal(err)
	}
	if err := checked(t, p).Write(); err != nil {
		t.Fatal(err)
	}
	a, errA := os.Stat(p)
	b, errB := os.Stat(other)
	if errA != nil || errB != nil || !os.SameFile(a, b) || links(a) != 2 {
		t.Errorf("the link was split: %v %v", errA, errB)
	}
	if got := read(t, other); got == casingText {
		t.Error("not fixed")
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 2 {
		t.Errorf("left files behind: %v", entries)
	}
}

// TestFailedWriteInPlaceKeepsBoth: when writing over a hard-linked file
// fails half-way, the file gets its old content back and the fixed one
// is kept in the file the error names.
func TestFailedWriteInPlaceKeepsBoth(t *testing.T) {
	dir := t.TempDir()
	p := write(t, dir, "Dockerfile", casingText)
	if err := os.Link(p, filepath.Join(dir, "linked")); err != nil {
		t.Fatal(err)
	}
	r := checked(t, p)
	saved := writeOver
	t.Cleanup(func() { writeOver = saved })
	boom := errors.New("injected failure")
	writeOver = func(f *os.File, data []byte) error {
		writeOver = saved
		f.WriteAt(data[:len(data)/2], 0)
		return boom
	}
	err := r.Write()
	if !errors.Is(err, boom) || read(t, p) != casingText {
		t.Fatalf("error %v:\n%s", err, read(t, p))
	}
	kept, _ := filepath.Glob(filepath.Join(dir, ".Dockerfile.dockerfile-ls-*"))
	if len(kept) != 1 || !strings.Contains(err.Error(), kept[0]) || read(t, kept[0]) != string(r.Doc.Text) {
		t.Errorf("the fixed file is not kept where the error says: %v, %v", kept, err)
	}
}

// TestFixKeepsOwnerAndMode: the fixed file has the owner, group and mode
// of the original (giving a file to another user needs root).
func TestFixKeepsOwnerAndMode(t *testing.T) {
	dir := t.TempDir()
	p := write(t, dir, "Dockerfile", casingText)
	if err := os.Chmod(p, 0o640); err != nil {
		t.Fatal(err)
	}
	uid, gid := os.Getuid(), os.Getgid()
	if uid == 0 {
		uid, gid = 4242, 4343
		if err := os.Chown(p, uid, gid); err != nil {
			t.Fatal(err)
		}
	}
	if err := checked(t, p).Write(); err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(p)
	if err != nil {
		t.Fatal(err)
	}
	sys := st.Sys().(*syscall.Stat_t)
	if int(sys.Uid) != uid || int(sys.Gid) != gid || st.Mode().Perm() != 0o640 || read(t, p) == casingText {
		t.Errorf("owner %d:%d mode %v, want %d:%d 0640", sys.Uid, sys.Gid, st.Mode(), uid, gid)
	}
}

// TestFixHonoursReadOnly: a file no one may write is not written, even by
// root, who could.
func TestFixHonoursReadOnly(t *testing.T) {
	dir := t.TempDir()
	p := write(t, dir, "Dockerfile", casingText)
	if err := os.Chmod(p, 0o444); err != nil {
		t.Fatal(err)
	}
	err := checked(t, p).Write()
	if !errors.Is(err, errReadOnly) || !strings.Contains(err.Error(), "0444") || read(t, p) != casingText {
		t.Errorf("error %v:\n%s", err, read(t, p))
	}
	if st, _ := os.Stat(p); st.Mode().Perm() != 0o444 {
		t.Errorf("mode %v", st.Mode())
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("left files behind: %v", entries)
	}
}
