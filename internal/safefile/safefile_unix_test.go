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

// TestInRootNeverBlocks: ReadIn and OpenSame, which check --fix uses on
// the file it writes, refuse a FIFO put in the file's place without
// waiting for a writer or a reader.
func TestInRootNeverBlocks(t *testing.T) {
	dir := t.TempDir()
	write(t, filepath.Join(dir, "Dockerfile"), "FROM scratch\n")
	was, err := os.Stat(filepath.Join(dir, "Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mkfifo(filepath.Join(dir, "fifo"), 0o644); err != nil {
		t.Fatal(err)
	}
	r, err := os.OpenRoot(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	done := make(chan struct{})
	go func() {
		defer close(done)
		if _, _, err := ReadIn(r, "fifo", MaxIgnoreFile); !errors.Is(err, ErrNotRegular) {
			t.Errorf("ReadIn(fifo) = %v", err)
		}
		if f, err := OpenSame(r, "fifo", was); err == nil {
			f.Close()
			t.Error("OpenSame opened a FIFO")
		}
		write(t, filepath.Join(dir, "other"), "FROM scratch\n")
		if f, err := OpenSame(r, "other", was); err == nil {
			f.Close()
			t.Error("OpenSame opened another file")
		}
		f, err := OpenSame(r, "Dockerfile", was)
		if err != nil {
			t.Errorf("OpenSame(the same file) = %v", err)
			return
		}
		f.Close()
	}()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("blocked on a FIFO")
	}
}
