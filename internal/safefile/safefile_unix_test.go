//go:build unix

package safefile

import (
	"errors"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// TestReadNeverBlocksOnAFIFO: no writer ever opens the FIFO, so a read
// that opened it without O_NONBLOCK, or read from it, would never return.
func TestReadNeverBlocksOnAFIFO(t *testing.T) {
	root := t.TempDir()
	fifo := filepath.Join(root, ".dockerignore")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	symlink(t, ".dockerignore", filepath.Join(root, "link"))
	for _, name := range []string{".dockerignore", "link"} {
		done := make(chan error, 1)
		go func() {
			_, err := Read(root, filepath.Join(root, name), MaxIgnoreFile)
			done <- err
		}()
		select {
		case err := <-done:
			if !errors.Is(err, ErrNotRegular) {
				t.Errorf("Read(%s) = %v, want ErrNotRegular", name, err)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("Read(%s) blocked on a FIFO", name)
		}
	}
}

// TestOpenNeverBlocksOnAFIFO: a FIFO swapped in between the check and the
// open is opened without blocking and refused by the second check.
func TestOpenNeverBlocksOnAFIFO(t *testing.T) {
	root := t.TempDir()
	fifo := filepath.Join(root, "fifo")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		f, err := os.OpenFile(fifo, os.O_RDONLY|nonBlocking, 0)
		if err == nil {
			f.Close()
		}
		done <- err
	}()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("opening a FIFO with nonBlocking blocked")
	}
}

// TestReadRefusesDevices: a symlink to a device is refused before it is
// opened, with or without a root.
func TestReadRefusesDevices(t *testing.T) {
	for _, dev := range []string{"/dev/zero", "/dev/urandom", "/dev/null"} {
		if _, err := os.Stat(dev); err != nil {
			continue
		}
		if _, err := Read("", dev, MaxIgnoreFile); !errors.Is(err, ErrNotRegular) {
			t.Errorf("Read(%s) = %v, want ErrNotRegular", dev, err)
		}
		root := t.TempDir()
		link := filepath.Join(root, ".dockerignore")
		symlink(t, dev, link)
		if _, err := Read(root, link, MaxIgnoreFile); !errors.Is(err, ErrOutsideRoot) {
			t.Errorf("Read(link to %s) = %v, want ErrOutsideRoot", dev, err)
		}
	}
}
