package hostile

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"
)

// EnvRun runs the suite (make test-hostile); without it, TestHostile
// skips: it takes minutes, and make test's unit run must not.
const EnvRun = "DFLS_HOSTILE"

// EnvReport names a file the suite writes its figures to, a Markdown
// table for docs/hostile.md.
const EnvReport = "DFLS_HOSTILE_REPORT"

// EnvOnly runs only the cases whose names match this regular expression.
const EnvOnly = "DFLS_HOSTILE_ONLY"

// execArg, as the test binary's first argument, makes it the wrapper that
// limits its address space and runs the rest of its arguments.
const execArg = "hostile-exec"

// envRusage names the file where the wrapper writes what its child used.
const envRusage = "DFLS_HOSTILE_RUSAGE"

func TestMain(m *testing.M) {
	if len(os.Args) > 2 && os.Args[1] == execArg {
		os.Exit(limitAndRun(os.Args[2:]))
	}
	os.Exit(m.Run())
}

// limitAndRun limits the address space to AddressSpace and runs args as
// its child, which inherits the limit from its first instruction, and its
// standard streams. It writes the child's peak RSS and CPU time to the
// file envRusage names: a child started by the test process itself would
// count the test's own memory in its peak (a vfork shares it until the
// exec). It returns the child's exit status, 128 + the signal that ended
// it.
func limitAndRun(args []string) int {
	// A process group of its own, which the test kills whole (strace's
	// tracee outlives a killed strace), ended if the test dies.
	if err := errors.Join(syscall.Setpgid(0, 0), dieWithParent()); err != nil {
		fmt.Fprintf(os.Stderr, "hostile-exec: %v\n", err)
		return 125
	}
	lim := &syscall.Rlimit{Cur: AddressSpace, Max: AddressSpace}
	if err := syscall.Setrlimit(syscall.RLIMIT_AS, lim); err != nil {
		fmt.Fprintf(os.Stderr, "hostile-exec: limiting the address space: %v\n", err)
		return 125
	}
	runtime.LockOSThread() // Pdeathsig follows the thread that started the child
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL} // killed with the wrapper
	var exit *exec.ExitError
	if err := cmd.Run(); err != nil && !errors.As(err, &exit) {
		fmt.Fprintf(os.Stderr, "hostile-exec: running %s: %v\n", args[0], err)
		return 126
	}
	if path := os.Getenv(envRusage); path != "" {
		ru := cmd.ProcessState.SysUsage().(*syscall.Rusage)
		cpu := syscall.TimevalToNsec(ru.Utime) + syscall.TimevalToNsec(ru.Stime)
		if err := os.WriteFile(path, []byte(fmt.Sprintf("%d %d\n", ru.Maxrss, cpu)), 0o644); err != nil {
			fmt.Fprintf(os.Stderr, "hostile-exec: %v\n", err)
			return 125
		}
	}
	if ws := cmd.ProcessState.Sys().(syscall.WaitStatus); ws.Signaled() {
		return 128 + int(ws.Signal())
	}
	return cmd.ProcessState.ExitCode()
}

// dieWithParent asks the kernel to kill this process when its parent
// (the test) dies.
func dieWithParent() error {
	if _, _, errno := syscall.RawSyscall(syscall.SYS_PRCTL, syscall.PR_SET_PDEATHSIG, uintptr(syscall.SIGKILL), 0); errno != 0 {
		return fmt.Errorf("PR_SET_PDEATHSIG: %w", errno)
	}
	return nil
}

// killGroup kills the wrapper started as pid and everything it started.
func killGroup(pid int) { _ = syscall.Kill(-pid, syscall.SIGKILL) }

// limited is the command that runs args under the address-space limit.
func limited(t *testing.T, args ...string) []string {
	self, err := os.Executable()
	if err != nil {
		t.Fatalf("the test binary's path: %v", err)
	}
	return append([]string{self, execArg}, args...)
}

// figures are what one case measured.
type figures struct {
	name    string
	took    time.Duration // from the hostile input to the last answer
	cpu     time.Duration // CPU time used (a loaded machine stretches took, not this)
	rss     int64         // peak resident memory, KiB
	extra   string        // what else it measured (the hover, a cancel)
	problem []string      // what failed
}

// world is the folders of one run: ws is the workspace folder (check's
// working folder), with a .git so that it is a repository's root, and
// outside a folder beside it that no run may write.
type world struct {
	t                 *testing.T
	base, ws, outside string
}

func newWorld(t *testing.T) *world {
	base, err := filepath.EvalSymlinks(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	w := &world{t: t, base: base, ws: filepath.Join(base, "ws"), outside: filepath.Join(base, "outside")}
	for _, d := range []string{w.ws, w.outside, filepath.Join(w.ws, ".git")} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	return w
}

// path is rel's path in the workspace (rel may be absolute already).
func (w *world) path(rel string) string {
	if filepath.IsAbs(rel) {
		return rel
	}
	return filepath.Join(w.ws, rel)
}

// write writes a file of the workspace (or an absolute path).
func (w *world) write(rel string, data []byte) {
	p := w.path(rel)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		w.t.Fatal(err)
	}
	if err := os.WriteFile(p, data, 0o644); err != nil {
		w.t.Fatal(err)
	}
}

func (w *world) symlink(rel, target string) {
	p := w.path(rel)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		w.t.Fatal(err)
	}
	if err := os.Symlink(target, p); err != nil {
		w.t.Fatal(err)
	}
}

func (w *world) fifo(rel string) {
	p := w.path(rel)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		w.t.Fatal(err)
	}
	if err := syscall.Mkfifo(p, 0o644); err != nil {
		w.t.Fatal(err)
	}
}

func (w *world) read(rel string) []byte {
	b, err := os.ReadFile(w.path(rel))
	if err != nil {
		w.t.Fatal(err)
	}
	return b
}

// TestHostile runs every case twice: measured (time, memory, the server
// alive afterwards) and under strace (what it opened and wrote).
func TestHostile(t *testing.T) {
	if os.Getenv(EnvRun) == "" {
		t.Skipf("the hostile-input suite takes minutes: set %s=1 (make test-hostile)", EnvRun)
	}
	bin := binary(t)
	var only *regexp.Regexp
	if o := os.Getenv(EnvOnly); o != "" {
		only = regexp.MustCompile(o)
	}
	var all []figures
	for _, c := range cases() {
		if only != nil && !only.MatchString(c.name) {
			continue
		}
		t.Run(c.name, func(t *testing.T) {
			w := newWorld(t)
			c.setup(w)
			f := c.measure(t, w, bin)
			f.problem = append(f.problem, c.trace(t, w, bin)...)
			for _, p := range f.problem {
				t.Error(p)
			}
			t.Logf("%s: %s (CPU %s), peak RSS %d MiB %s", c.name, f.took.Round(time.Millisecond), f.cpu.Round(time.Millisecond), f.rss>>10, f.extra)
			all = append(all, f)
		})
	}
	if err := report(all); err != nil {
		t.Error(err)
	}
}

// tempPath is the part of a path t.TempDir makes, for the report.
var tempPath = regexp.MustCompile(`/tmp/TestHostile[^/ ]*/[0-9]+`)

// oneLine is a problem as a table cell: one line, no temporary folders.
func oneLine(s string) string {
	s = tempPath.ReplaceAllString(s, "")
	s = strings.Join(strings.Fields(s), " ")
	return strings.ReplaceAll(s, "|", "\\|")
}

// TestBudgets: every case has a time budget, and every budget a case.
func TestBudgets(t *testing.T) {
	names := map[string]bool{}
	for _, c := range cases() {
		if names[c.name] {
			t.Errorf("two cases named %s", c.name)
		}
		names[c.name] = true
		if _, ok := Budgets[c.name]; !ok {
			t.Errorf("%s has no budget in budgets.go", c.name)
		}
	}
	for name := range Budgets {
		if !names[name] {
			t.Errorf("budgets.go has a budget for %s, which is no case", name)
		}
	}
}

// binary builds the server as make build does, static (CGO_ENABLED=0),
// as it ships: a cgo build's threads each reserve C stacks and malloc
// arenas, address space the limit would count against the server. Or
// it is DOCKERFILE_LS_BIN.
func binary(t *testing.T) string {
	if bin := os.Getenv("DOCKERFILE_LS_BIN"); bin != "" {
		return bin
	}
	_, file, _, _ := runtime.Caller(0)
	root := filepath.Join(filepath.Dir(file), "..", "..")
	bin := filepath.Join(t.TempDir(), "dockerfile-ls")
	build := exec.Command("go", "build", "-C", root, "-trimpath", "-o", bin, "./cmd/dockerfile-ls")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building dockerfile-ls: %v\n%s", err, out)
	}
	return bin
}

// report writes the figures as Markdown rows to EnvReport's file.
func report(all []figures) error {
	path := os.Getenv(EnvReport)
	if path == "" {
		return nil
	}
	var b bytes.Buffer
	b.WriteString("| Case | Budget | Took | CPU | Peak RSS | Also | Result |\n|---|---|---|---|---|---|---|\n")
	for _, f := range all {
		result := "pass"
		if len(f.problem) > 0 {
			result = "**FAIL**: " + oneLine(strings.Join(f.problem, "; "))
			result = result[:min(len(result), 600)]
		}
		fmt.Fprintf(&b, "| `%s` | %s | %s | %s | %d MiB | %s | %s |\n", f.name, Budgets[f.name], f.took.Round(10*time.Millisecond),
			f.cpu.Round(10*time.Millisecond), f.rss>>10, f.extra, result)
	}
	return os.WriteFile(path, b.Bytes(), 0o644)
}

// crashSigns are what a crash or a recovered panic writes to standard
// error: neither is an answer to hostile input.
var crashSigns = []string{"fatal error:", "panic:", "panicked", "runtime: out of memory", "goroutine 1 ["}

// crashed is the first lines of standard error from the first sign of a
// crash on, or "".
func crashed(stderr string) string {
	at := -1
	for _, sign := range crashSigns {
		if i := strings.Index(stderr, sign); i >= 0 && (at < 0 || i < at) {
			at = i
		}
	}
	if at < 0 {
		return ""
	}
	start := strings.LastIndexByte(stderr[:at], '\n') + 1
	lines := strings.SplitN(stderr[start:], "\n", 6)
	return strings.Join(lines[:min(5, len(lines))], "\n")
}

// budgetFor is the case's time budget; a case without one fails.
func budgetFor(name string) time.Duration {
	if b, ok := Budgets[name]; ok {
		return b
	}
	return 0
}

// errorsOf collects the non-nil errors.
func errorsOf(errs ...error) []string {
	var out []string
	for _, e := range errs {
		if e != nil {
			out = append(out, e.Error())
		}
	}
	return out
}
