// Package lspproc runs a language server as a child process with pipes on
// its standard input and output. The end-to-end tests (lsptest), the soak
// test and lspbench all start servers this way.
package lspproc

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// Process is a running server. Write requests to Stdin and read its
// messages from Stdout, which ends (io.EOF) once the process has exited.
type Process struct {
	Stdin  io.WriteCloser
	Stdout io.Reader

	cmd    *exec.Cmd
	exited chan struct{}
}

// Start runs args[0] with the arguments args[1:] in dir ("" for the current
// folder), its standard error written to stderr.
func Start(args []string, dir string, stderr io.Writer) (*Process, error) {
	if len(args) == 0 {
		return nil, errors.New("no server command")
	}
	name := args[0]
	if strings.ContainsRune(name, filepath.Separator) && !filepath.IsAbs(name) {
		// Relative to where we run, not to dir, as a user would expect.
		if abs, err := filepath.Abs(name); err == nil {
			name = abs
		}
	}
	cmd := exec.Command(name, args[1:]...)
	cmd.Dir, cmd.Stderr = dir, stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, fmt.Errorf("stdin pipe for %s: %w", args[0], err)
	}
	// An os.Pipe rather than cmd.StdoutPipe: Wait, which runs as soon as the
	// process starts, closes a StdoutPipe on exit and could cut off output
	// not yet read. This one's reader sees everything, then EOF.
	r, w, err := os.Pipe()
	if err != nil {
		return nil, fmt.Errorf("stdout pipe for %s: %w", args[0], err)
	}
	cmd.Stdout = w
	err = cmd.Start()
	w.Close() // the child has its own copy
	if err != nil {
		r.Close()
		return nil, fmt.Errorf("starting %s: %w", args[0], err)
	}
	p := &Process{Stdin: stdin, Stdout: r, cmd: cmd, exited: make(chan struct{})}
	go func() {
		_ = cmd.Wait()
		close(p.exited)
	}()
	return p, nil
}

// Pid is the process id.
func (p *Process) Pid() int { return p.cmd.Process.Pid }

// Exited is closed when the process has exited.
func (p *Process) Exited() <-chan struct{} { return p.exited }

// Signal sends sig to the process.
func (p *Process) Signal(sig os.Signal) error { return p.cmd.Process.Signal(sig) }

// WaitExit waits up to timeout for the process to exit and returns its exit
// code; ok is false when it is still running.
func (p *Process) WaitExit(timeout time.Duration) (code int, ok bool) {
	select {
	case <-p.exited:
		return p.cmd.ProcessState.ExitCode(), true
	case <-time.After(timeout):
		return 0, false
	}
}

// Kill kills the process and waits for it to be gone.
func (p *Process) Kill() {
	_ = p.cmd.Process.Kill()
	<-p.exited
}

// Close closes the server's input, which a server must take as the end of
// the session, and waits up to grace for it to exit before killing it. It
// returns the exit code (-1 when killed).
func (p *Process) Close(grace time.Duration) int {
	_ = p.Stdin.Close()
	if code, ok := p.WaitExit(grace); ok {
		return code
	}
	p.Kill()
	return p.cmd.ProcessState.ExitCode()
}
