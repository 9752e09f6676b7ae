//go:build unix

package lspstream

import (
	"io"
	"io/fs"
	"os"
	"syscall"
)

// pollable returns r read through the runtime's network poller when it is
// a pipe, socket or terminal (an editor's stdin), and r itself otherwise.
//
// A process's stdin is in blocking mode, so os.Stdin's Read is a blocking
// system call: the goroutine reading messages holds its thread and its P
// (the runtime's right to run Go code) in the kernel. A keystroke's
// analysis, woken by the message just read, then waits on that P's queue
// until the runtime's monitor takes the P back from the system call, 20
// µs to 10 ms later; on a 2-core machine that was most of the wait between
// a didChange and its analysis starting. Read through the poller, the
// reading goroutine parks instead, and the analysis runs at once.
//
// Non-blocking mode is a property of the open file, which the client also
// holds (the write end of a pipe is a different file; a terminal is not):
// nothing else in the process reads stdin.
func pollable(r io.Reader) io.Reader {
	f, ok := r.(*os.File)
	if !ok {
		return r
	}
	info, err := f.Stat()
	if err != nil || info.Mode()&(fs.ModeNamedPipe|fs.ModeSocket|fs.ModeCharDevice) == 0 {
		return r // a regular file: the poller cannot wait on it
	}
	raw, err := f.SyscallConn()
	if err != nil {
		return r
	}
	var fd uintptr
	var setErr error
	if err := raw.Control(func(s uintptr) { fd, setErr = s, syscall.SetNonblock(int(s), true) }); err != nil || setErr != nil {
		return r
	}
	// NewFile registers a descriptor in non-blocking mode with the poller.
	// The new File owns fd from now on: closing it closes the stream's
	// input, as closing r did.
	return os.NewFile(fd, f.Name())
}
