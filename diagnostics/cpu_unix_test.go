//go:build unix

package diagnostics

import (
	"syscall"
	"time"
)

// processCPU is the CPU time the process has used (user and system): on
// a shared machine, a keystroke's wall time mostly says how busy the
// others were, its CPU time what it cost.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
