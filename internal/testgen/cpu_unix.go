//go:build unix

package testgen

import (
	"syscall"
	"time"
)

// ProcessCPU is the CPU time the process has used (user and system): on
// a shared machine, a keystroke's wall time mostly says how busy the
// others were, its CPU time what it cost. Benchmarks report it per op.
func ProcessCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
