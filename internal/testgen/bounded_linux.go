package testgen

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
)

// boundedEnv marks the child process of InBoundedChild.
const boundedEnv = "DFLS_BOUNDED_CHILD"

// InBoundedChild runs the calling test again in a child process whose
// address space may grow by at most limit bytes beyond what it has when
// the test starts (the race detector reserves terabytes up front), so
// that an allocation past the limit kills the child, not the machine. It
// reports true in the child, which goes on with the test; in the parent
// it waits for the child and fails the test with the child's output when
// the child fails.
func InBoundedChild(t *testing.T, limit uint64) bool {
	t.Helper()
	if os.Getenv(boundedEnv) == t.Name() {
		size, err := addressSpace()
		if err != nil {
			t.Fatal(err)
		}
		if err := syscall.Setrlimit(syscall.RLIMIT_AS, &syscall.Rlimit{Cur: size + limit, Max: size + limit}); err != nil {
			t.Fatalf("setting the address space limit: %v", err)
		}
		return true
	}
	cmd := exec.Command(os.Args[0], "-test.run=^"+t.Name()+"$", "-test.v")
	cmd.Env = append(os.Environ(), boundedEnv+"="+t.Name())
	out, err := cmd.CombinedOutput()
	if err != nil || !bytes.Contains(out, []byte("--- PASS: "+t.Name())) {
		t.Fatalf("under a limit of %d MiB more address space: %v\n%s", limit>>20, err, firstLines(out, 40))
	}
	return false
}

// addressSpace is the process's virtual memory size (VmSize) in bytes.
func addressSpace() (uint64, error) {
	status, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0, fmt.Errorf("reading the address space size: %w", err)
	}
	for line := range strings.Lines(string(status)) {
		if rest, ok := strings.CutPrefix(line, "VmSize:"); ok {
			kb, err := strconv.ParseUint(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			return kb << 10, err
		}
	}
	return 0, fmt.Errorf("no VmSize in /proc/self/status")
}

// firstLines is the first n lines of out: a child that ran out of memory says
// so first, then prints every goroutine's stack.
func firstLines(out []byte, n int) []byte {
	lines := bytes.SplitAfter(out, []byte("\n"))
	return bytes.Join(lines[:min(n, len(lines))], nil)
}
