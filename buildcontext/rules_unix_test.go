//go:build unix

package buildcontext

import (
	"context"
	"syscall"
	"testing"
	"time"
)

// TestHostileIgnoreFileIsBounded: a 65 KB .dockerignore of "**/" patterns
// over 20,000 files took 130 s of CPU per load, every path run through
// every pattern's regular expression. Each shape must now load within a
// CPU budget that leaves room for a slow machine and none for that. CPU
// time, not the clock: the machine may be busy with other work.
func TestHostileIgnoreFileIsBounded(t *testing.T) {
	if testing.Short() {
		t.Skip("loads 20,000 files against 65 KB ignore files")
	}
	const budget = 5 * time.Second * slowdown
	readDir := hostileTree(20000)
	for name, patterns := range hostileIgnoreFiles() {
		start := cpuTime(t)
		c, err := build(context.Background(), readDir, patterns)
		used := cpuTime(t) - start
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if files, _, _ := c.Stats(); files != 20000 {
			t.Errorf("%s: %d files included, want all 20,000", name, files)
		}
		t.Logf("%s: %d patterns, %v of CPU", name, len(patterns), used)
		if used > budget {
			t.Errorf("%s: loading took %v of CPU, more than %v", name, used, budget)
		}
	}
}

// cpuTime is the CPU time the process has used so far.
func cpuTime(t *testing.T) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		t.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
