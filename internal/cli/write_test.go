package cli

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// TestFailedWriteKeepsOriginal injects a failure at each step of the
// atomic write: the Dockerfile must keep its old content and no temporary
// file may be left.
func TestFailedWriteKeepsOriginal(t *testing.T) {
	boom := errors.New("injected failure")
	steps := map[string]func(){
		"write": func() {
			writeTemp = func(f *os.File, data []byte) (int, error) {
				n, _ := f.Write(data[:len(data)/2]) // half-written, then fails
				return n, boom
			}
		},
		"sync":   func() { syncTemp = func(*os.File) error { return boom } },
		"rename": func() { renameTemp = func(*os.Root, string, string) error { return boom } },
	}
	for name, inject := range steps {
		t.Run(name, func(t *testing.T) {
			savedW, savedS, savedR := writeTemp, syncTemp, renameTemp
			t.Cleanup(func() { writeTemp, syncTemp, renameTemp = savedW, savedS, savedR })
			inject()
			dir := t.TempDir()
			p := write(t, dir, "Dockerfile", casingText)
			if _, err := fixInPlace(t, p); !errors.Is(err, boom) {
				t.Errorf("error %v, want the injected failure", err)
			}
			if read(t, p) != casingText {
				t.Errorf("the original changed:\n%s", read(t, p))
			}
			if entries, _ := os.ReadDir(dir); len(entries) != 1 {
				t.Errorf("left files behind: %v", entries)
			}
		})
	}
	t.Run("read-only folder", func(t *testing.T) {
		if os.Geteuid() == 0 || runtime.GOOS == "windows" {
			t.Skip("root ignores folder permissions")
		}
		dir := t.TempDir()
		p := write(t, dir, "Dockerfile", casingText)
		if err := os.Chmod(dir, 0o555); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { os.Chmod(dir, 0o755) })
		if _, err := fixInPlace(t, p); err == nil || read(t, p) != casingText {
			t.Errorf("error %v:\n%s", err, read(t, p))
		}
	})
}

// checked is `check --fix` on the file at p up to the write: the report
// whose Write saves the fixes.
func checked(t *testing.T, p string) *FileReport {
	t.Helper()
	r, err := NewChecker(CheckOptions{Fix: true, Stderr: io.Discard}).Check(Target{Path: p})
	if err != nil {
		t.Fatal(err)
	}
	if r.Fixed == 0 {
		t.Fatal("nothing to fix")
	}
	return r
}

// TestFixKeepsAnEditSavedMeanwhile: a file changed between its read and
// the write is left as the user saved it, however it changed.
func TestFixKeepsAnEditSavedMeanwhile(t *testing.T) {
	edits := map[string]func(p string) error{
		"same size and time": func(p string) error {
			st, err := os.Stat(p)
			if err != nil {
				return err
			}
			edited := strings.Replace(casingText, "hi", "ho", 1)
			if err := os.WriteFile(p, []byte(edited), 0o644); err != nil {
				return err
			}
			return os.Chtimes(p, st.ModTime(), st.ModTime())
		},
		"appended": func(p string) error {
			return os.WriteFile(p, []byte(casingText+"RUN echo more\n"), 0o644)
		},
		"saved by rename, same content": func(p string) error {
			tmp := p + ".new"
			if err := os.WriteFile(tmp, []byte(casingText), 0o644); err != nil {
				return err
			}
			return os.Rename(tmp, p)
		},
	}
	for name, edit := range edits {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			p := write(t, dir, "Dockerfile", casingText)
			r := checked(t, p)
			if err := edit(p); err != nil {
				t.Fatal(err)
			}
			want := read(t, p)
			if err := r.Write(); !errors.Is(err, errChanged) {
				t.Errorf("error %v, want errChanged", err)
			}
			if got := read(t, p); got != want {
				t.Errorf("the edit was lost:\n%s", got)
			}
			if entries, _ := os.ReadDir(dir); len(entries) != 1 {
				t.Errorf("left files behind: %v", entries)
			}
		})
	}
	t.Run("right before the rename", func(t *testing.T) {
		dir := t.TempDir()
		p := write(t, dir, "Dockerfile", casingText)
		r := checked(t, p)
		saved := syncTemp
		t.Cleanup(func() { syncTemp = saved })
		syncTemp = func(f *os.File) error {
			os.WriteFile(p, []byte(casingText+"RUN echo saved meanwhile\n"), 0o644)
			return saved(f)
		}
		if err := r.Write(); !errors.Is(err, errChanged) || !strings.Contains(read(t, p), "saved meanwhile") {
			t.Errorf("error %v:\n%s", err, read(t, p))
		}
		if entries, _ := os.ReadDir(dir); len(entries) != 1 {
			t.Errorf("left files behind: %v", entries)
		}
	})
}

// TestFixNeverWritesOutsideThePathsGiven: a Dockerfile named itself that
// is a symlink to a file outside its folder is read and checked, but not
// written (found in a folder searched, it is skipped: see
// TestFoundSymlinkOutIsSkipped); one to a file inside is written through,
// and stays a link.
func TestFixNeverWritesOutsideThePathsGiven(t *testing.T) {
	base := t.TempDir()
	repo := filepath.Join(base, "repo")
	for _, d := range []string{"outside", "repo/real"} {
		if err := os.MkdirAll(filepath.Join(base, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	outside := write(t, filepath.Join(base, "outside"), "Dockerfile", casingText)
	inside := write(t, filepath.Join(repo, "real"), "Dockerfile", casingText)
	for link, target := range map[string]string{"Dockerfile": "../outside/Dockerfile", "app.Dockerfile": "real/Dockerfile"} {
		if err := os.Symlink(target, filepath.Join(repo, link)); err != nil {
			t.Skipf("symlinks unavailable: %v", err)
		}
	}
	c := NewChecker(CheckOptions{Fix: true, Write: true, Stderr: io.Discard})
	targets, failed := c.Collect([]string{repo})
	if failed || len(targets) != 2 {
		t.Fatalf("found %v", targets)
	}
	named := Target{Path: filepath.Join(repo, "Dockerfile")}
	for _, tg := range append(targets, named) {
		_, err := c.Check(tg)
		if outs := tg.Path == named.Path; outs != errors.Is(err, errOutside) {
			t.Errorf("%s (root %q): %v", tg.Path, tg.Root, err)
		}
	}
	if read(t, outside) != casingText {
		t.Errorf("the file outside was written:\n%s", read(t, outside))
	}
	if read(t, inside) == casingText {
		t.Error("the file inside was not fixed")
	}
	if st, err := os.Lstat(filepath.Join(repo, "app.Dockerfile")); err != nil || st.Mode()&os.ModeSymlink == 0 {
		t.Errorf("the link inside is no longer a link: %v", err)
	}
}
