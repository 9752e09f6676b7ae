//go:build unix

package lspstream

import (
	"context"
	"os"
	"syscall"
	"testing"
	"time"
)

// TestStdinThroughPoller: a pipe in blocking mode, as a process's stdin
// is, is read through the runtime's poller (which alone supports read
// deadlines): the reading goroutine parks instead of holding its thread in
// a system call, which delayed the analysis it had just woken.
func TestStdinThroughPoller(t *testing.T) {
	pr, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	// As a child's stdin: the pipe in blocking mode (Fd does that), opened
	// by os.NewFile.
	fd, err := syscall.Dup(int(pr.Fd()))
	pr.Close()
	if err != nil {
		t.Fatal(err)
	}
	r := os.NewFile(uintptr(fd), "stdin")
	if err := r.SetReadDeadline(time.Now()); err == nil {
		t.Fatal("the pipe is already pollable: the test proves nothing")
	}
	polled, ok := pollable(r).(*os.File)
	if !ok {
		t.Fatal("a pipe was not made pollable")
	}
	if err := polled.SetReadDeadline(time.Time{}); err != nil {
		t.Errorf("stdin is not read through the poller: %v", err)
	}

	s := New(polled, &buffer{}, nil)
	defer s.Close()
	if _, err := w.WriteString(frame(initNote)); err != nil {
		t.Fatal(err)
	}
	m, _, err := s.Read(context.Background())
	if err != nil || describe(m) != "note initialized" {
		t.Errorf("read %v, %v; want the notification", m, err)
	}
}

// TestRegularFileNotPolled: a regular file (input redirected from one) is
// read as it is.
func TestRegularFileNotPolled(t *testing.T) {
	f, err := os.CreateTemp(t.TempDir(), "in")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got := pollable(f); got != f {
		t.Errorf("a regular file was replaced by %v", got)
	}
}
