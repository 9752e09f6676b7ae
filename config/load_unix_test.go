//go:build unix

package config

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// TestLoaderReadsOutsideItsLock: a project file that is slow to read (a
// FIFO: reading it waits for a writer) holds up neither the Dockerfiles
// that do not use it nor, with a second read, those that do: they wait
// for the one read under way.
func TestLoaderReadsOutsideItsLock(t *testing.T) {
	root := t.TempDir()
	slow, quick := filepath.Join(root, "slow"), filepath.Join(root, "quick")
	for _, dir := range []string{slow, quick} {
		if err := os.MkdirAll(filepath.Join(dir, ".git"), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	fifo := filepath.Join(slow, ".dockerfile-ls.yaml")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(quick, ".dockerfile-ls.yaml"), "target: quick\n")
	l := &Loader{}
	slowTargets := make(chan string, 2)
	for range 2 {
		go func() {
			s, _, _ := l.Load(filepath.Join(slow, "Dockerfile"))
			slowTargets <- s.Target
		}()
	}

	quickDone := make(chan string)
	go func() {
		s, _, _ := l.Load(filepath.Join(quick, "Dockerfile"))
		quickDone <- s.Target
	}()
	select {
	case got := <-quickDone:
		if got != "quick" {
			t.Errorf("quick target %q", got)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("loading one project file waited for another being read")
	}

	// One write answers one read of the FIFO: both loads must share it.
	w, err := os.OpenFile(fifo, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.WriteString("target: slow\n"); err != nil {
		t.Fatal(err)
	}
	_ = w.Close()
	for range 2 {
		select {
		case got := <-slowTargets:
			if got != "slow" {
				t.Errorf("slow target %q", got)
			}
		case <-time.After(10 * time.Second):
			t.Fatal("a second load read the project file again instead of waiting for the read under way")
		}
	}
}
