package cli

import (
	"errors"
	"os"
	"runtime"
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
		"rename": func() { renameTemp = func(string, string) error { return boom } },
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
