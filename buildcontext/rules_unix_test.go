//go:build unix

package buildcontext

import (
	"context"
	"errors"
	"syscall"
	"testing"
	"time"
)

// TestHostileIgnoreFileIsBounded: a 65 KB .dockerignore of "**/" patterns
// over 20,000 files took 130 s of CPU per load, every path run through
// every pattern's regular expression, and one alternating a pattern with
// its "!" six minutes. Each shape must now load, or give up for its
// budget, within 2 s of CPU. CPU time, not the clock: the machine may be
// busy with other work.
func TestHostileIgnoreFileIsBounded(t *testing.T) {
	if testing.Short() {
		t.Skip("loads 20,000 files against 65 KB ignore files")
	}
	const limit = 2 * time.Second * slowdown
	readDir := hostileTree(20000)
	for name, f := range hostileIgnoreFiles() {
		start := cpuTime(t)
		c, err := build(context.Background(), readDir, f.patterns)
		used := cpuTime(t) - start
		if !errors.Is(err, f.wantErr) {
			t.Fatalf("%s: %v, want %v", name, err, f.wantErr)
		}
		if err == nil {
			if files, _, _ := c.Stats(); files != 20000 {
				t.Errorf("%s: %d files included, want all 20,000", name, files)
			}
		}
		t.Logf("%s: %d patterns, %v of CPU", name, len(f.patterns), used)
		if used > limit {
			t.Errorf("%s: loading took %v of CPU, more than %v", name, used, limit)
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
