package hostile

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/dockerfile-ls/dockerfile-ls/internal/lsptest"
)

// hcase is one hostile input: a workspace, and what the server or check
// is asked to do with it.
type hcase struct {
	name   string
	setup  func(w *world)
	server *serverSpec
	check  *checkSpec
	// writes: the case changes its workspace (check --fix), so that the
	// traced run needs a fresh one; the others reuse the measured run's.
	writes bool
}

// serverSpec says how the server is driven. The defaults open the
// workspace's Dockerfile, wait until it is published and the server is
// quiet, and hover its first word.
type serverSpec struct {
	docs        func(w *world) []document // default: the workspace's Dockerfile
	noWorkspace bool                      // initialize without a workspace folder
	neverAnswer bool                      // never answer the server's requests
	hover       func(w *world) (uri string, line, char int)
	// drive replaces opening the documents and settling: it returns when
	// the last answer came.
	drive func(s *session, w *world, docs []document, deadline time.Time) (last time.Time, extra string, err error)
	// projectDirs are folders outside the workspace whose project files
	// the server may read (a document's own folder, outside any
	// workspace folder).
	projectDirs func(w *world) []string
	// forbid must not be in the documents' last publish.
	forbid string
	// eof ends the session by closing the server's input, as an editor
	// that quits does, instead of shutdown and exit.
	eof bool
}

// checkSpec says how check is run: its arguments, the exit statuses
// that answer the input, what standard error must say, what runs while
// it does, and what must hold of the files afterwards.
type checkSpec struct {
	args   []string
	exits  []int
	says   string
	during func(w *world) (stop func() error) // set up before check starts
	after  func(w *world) error
	// named are files outside the workspace check may read: where a
	// path the user named leads.
	named func(w *world) []string
	// forbid must not be in check's output.
	forbid string
}

// hoverBudget is how long the hover after a case may take (plus Slack).
const hoverBudget = time.Second

// maxHover bounds a hover's answer: a value expanded to 335 MB was once.
const maxHover = 64 << 10

func (c hcase) measure(t *testing.T, w *world, bin string) figures {
	budget := budgetFor(c.name)
	f := figures{name: c.name}
	if budget == 0 {
		f.problem = append(f.problem, "no time budget in budgets.go")
		budget = time.Minute
	}
	if c.server != nil {
		c.server.measure(t, w, limited(t, bin), budget, &f)
	} else {
		c.check.measure(t, w, limited(t, bin), budget, &f)
	}
	if f.took > budget+Slack {
		f.problem = append(f.problem, fmt.Sprintf("took %s, over its budget of %s + %s", f.took.Round(time.Millisecond), budget, Slack))
	}
	if f.rss<<10 > MaxRSS {
		f.problem = append(f.problem, fmt.Sprintf("peak RSS %d MiB, over %d MiB", f.rss>>10, MaxRSS>>20))
	}
	return f
}

// trace runs the case again under strace, in w or, when the case writes,
// in a fresh workspace, and audits what it opened and wrote. Times are
// not checked here.
func (c hcase) trace(t *testing.T, w *world, bin string) []string {
	if c.writes {
		w = newWorld(t)
		c.setup(w)
	}
	log := filepath.Join(t.TempDir(), "strace.log")
	cmd, err := straceFor(log, bin)
	if err != nil {
		return []string{err.Error()}
	}
	deadline := 2*budgetFor(c.name) + 20*time.Second
	s := scope{roots: []string{w.ws}, binary: bin}
	var problems []string
	if c.server != nil {
		s.cwd = w.base
		if c.server.noWorkspace {
			s.roots = nil
		}
		if c.server.projectDirs != nil {
			s.projectDirs = c.server.projectDirs(w)
		}
		var f figures
		c.server.measure(t, w, limited(t, cmd...), deadline, &f)
		problems = f.problem
	} else {
		s.cwd, s.writable = w.ws, []string{w.ws}
		if c.check.named != nil {
			s.files = c.check.named(w)
		}
		var f figures
		c.check.measure(t, w, limited(t, cmd...), deadline, &f)
		problems = f.problem
	}
	for i, p := range problems {
		problems[i] = "under strace: " + p
	}
	found, lookups, err := audit(log, s)
	if err != nil {
		return append(problems, err.Error())
	}
	if len(lookups) > 0 {
		t.Logf("strace: %d lookups outside the workspace (no open), the first: %s", len(lookups), lookups[0])
	}
	if len(found) > 0 {
		problems = append(problems, fmt.Sprintf("strace: %d calls outside what the case may touch, the first:\n  %s",
			len(found), strings.Join(found[:min(10, len(found))], "\n  ")))
	}
	return problems
}

// measure runs the server on the case and records its figures.
func (sp *serverSpec) measure(t *testing.T, w *world, cmd []string, budget time.Duration, f *figures) {
	ws := w.ws
	if sp.noWorkspace {
		ws = ""
	}
	s := startServer(t, cmd, ws, w.base, !sp.neverAnswer)
	var docs []document
	if sp.docs != nil {
		docs = sp.docs(w)
	} else {
		docs = []document{{uri: fileURI(w.path("Dockerfile")), text: string(w.read("Dockerfile"))}}
	}
	start := time.Now()
	deadline := start.Add(budget + Slack)
	drive := sp.drive
	if drive == nil {
		drive = openAndSettle
	}
	last, extra, err := drive(s, w, docs, deadline)
	f.took, f.extra = last.Sub(start), extra
	if err != nil {
		f.problem = append(f.problem, err.Error())
		f.rss = peakRSS(s)
		f.cpu = time.Duration(cpuTicks(s.proc.Pid())) * time.Second / clockTicks
		return
	}
	uri, line, char := docs[0].uri, 0, 1
	if sp.hover != nil {
		uri, line, char = sp.hover(w)
	}
	took, size, err := s.hover(uri, line, char, hoverBudget+Slack)
	f.extra = strings.TrimSpace(fmt.Sprintf("%s hover %s", f.extra, took.Round(time.Millisecond)))
	switch {
	case err != nil:
		f.problem = append(f.problem, "after the case: "+err.Error())
	case size > maxHover:
		f.problem = append(f.problem, fmt.Sprintf("the hover answered %d bytes", size))
	}
	f.rss = peakRSS(s)
	f.cpu = time.Duration(cpuTicks(s.proc.Pid())) * time.Second / clockTicks
	f.extra += fmt.Sprintf(", address space %d MiB", peakVM(s)>>10)
	if sp.forbid != "" {
		f.problem = append(f.problem, s.forbidden(docs, sp.forbid)...)
	}
	if crash := crashed(s.stderr.String()); crash != "" {
		f.problem = append(f.problem, "the server's log shows:\n"+crash)
	}
	if sp.eof {
		f.problem = append(f.problem, errorsOf(s.endInput())...)
	} else {
		f.problem = append(f.problem, errorsOf(s.stop())...)
	}
}

// peakRSS is the server's peak resident memory (VmHWM), KiB: that of the
// wrapper's descendants.
func peakRSS(s *session) int64 {
	var sum int64
	for _, pid := range processTree(s.proc.Pid())[1:] {
		_, hwm := lsptest.Memory(pid)
		sum += hwm
	}
	return sum
}

// peakVM is the largest peak address space (VmPeak, KiB) of the wrapper's
// descendants: how near the server came to AddressSpace.
func peakVM(s *session) int64 {
	var peak int64
	for _, pid := range processTree(s.proc.Pid())[1:] {
		b, _ := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
		for line := range strings.Lines(string(b)) {
			if rest, ok := strings.CutPrefix(line, "VmPeak:"); ok {
				var kb int64
				fmt.Sscan(rest, &kb)
				peak = max(peak, kb)
			}
		}
	}
	return peak
}

// openAndSettle opens the documents and waits until the server is done
// with them.
func openAndSettle(s *session, _ *world, docs []document, deadline time.Time) (time.Time, string, error) {
	s.open(docs)
	last, err := s.settle(docs, deadline)
	return last, "", err
}

// checkOutputMax bounds what is kept of check's output.
const checkOutputMax = 8 << 20

// measure runs check on the case and records its figures.
func (cs *checkSpec) measure(t *testing.T, w *world, cmd []string, budget time.Duration, f *figures) {
	args := append(slices.Clone(cmd), append([]string{"check"}, cs.args...)...)
	c := exec.Command(args[0], args[1:]...)
	c.Dir = w.ws
	usage := filepath.Join(w.base, "rusage")
	c.Env = append(os.Environ(), envRusage+"="+usage, "PWD="+w.ws) // as a shell sets it
	stdout, stderr := &lsptest.Tail{Max: checkOutputMax}, &lsptest.Tail{Max: checkOutputMax}
	c.Stdout, c.Stderr = stdout, stderr
	var stopDuring func() error
	if cs.during != nil {
		stopDuring = cs.during(w) // before check starts, so that it misses nothing
	}
	start := time.Now()
	if err := c.Start(); err != nil {
		t.Fatalf("starting check: %v", err)
	}
	done := make(chan error, 1)
	go func() { done <- c.Wait() }()
	var err error
	select {
	case err = <-done:
	case <-time.After(budget + Slack):
		killGroup(c.Process.Pid)
		<-done
		f.took = time.Since(start)
		f.problem = append(f.problem, fmt.Sprintf("check still running after %s: killed; stderr:\n%s", f.took.Round(time.Millisecond), tail(stderr.String(), 10)))
		return
	}
	f.took = time.Since(start)
	if err := readUsage(usage, f); err != nil {
		f.problem = append(f.problem, err.Error())
	}
	if stopDuring != nil {
		f.problem = append(f.problem, errorsOf(stopDuring())...)
	}
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		f.problem = append(f.problem, fmt.Sprintf("check: %v", err))
		return
	}
	code := c.ProcessState.ExitCode()
	f.extra = fmt.Sprintf("exit %d", code)
	exits := cs.exits
	if exits == nil {
		exits = []int{0, 1}
	}
	if crash := crashed(stderr.String()); crash != "" {
		f.problem = append(f.problem, fmt.Sprintf("check crashed (exit %d):\n%s", code, crash))
	} else if !slices.Contains(exits, code) || !strings.Contains(stderr.String(), cs.says) {
		f.problem = append(f.problem, fmt.Sprintf("check exited %d, want one of %v saying %q; stderr:\n%s", code, exits, cs.says, tail(stderr.String(), 10)))
	}
	if cs.forbid != "" && strings.Contains(stdout.String()+stderr.String(), cs.forbid) {
		f.problem = append(f.problem, fmt.Sprintf("check's output says %q", cs.forbid))
	}
	if cs.after != nil {
		f.problem = append(f.problem, errorsOf(cs.after(w))...)
	}
}

// readUsage reads the peak RSS and CPU time the wrapper wrote.
func readUsage(path string, f *figures) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("the wrapper's figures: %w", err)
	}
	var cpu int64
	if _, err := fmt.Sscan(string(b), &f.rss, &cpu); err != nil {
		return fmt.Errorf("the wrapper's figures %q: %w", b, err)
	}
	f.cpu = time.Duration(cpu)
	return nil
}
