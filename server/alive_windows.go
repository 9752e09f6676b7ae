//go:build windows

package server

import "os"

// alive reports whether process pid exists: on Windows FindProcess opens
// the process and fails when it is gone.
func alive(pid int) bool {
	p, err := os.FindProcess(pid)
	if err != nil {
		return false
	}
	_ = p.Release()
	return true
}
