//go:build !windows

package server

import (
	"os"
	"syscall"
)

// alive reports whether process pid exists (signal 0 checks without
// signalling).
func alive(pid int) bool {
	p, err := os.FindProcess(pid)
	if err != nil {
		return false
	}
	err = p.Signal(syscall.Signal(0))
	return err == nil || err == syscall.EPERM
}
