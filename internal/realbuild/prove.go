package realbuild

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/dockerfile-ls/dockerfile-ls/diagnostics"
)

// The situations a fixed Dockerfile must build in wherever its original
// does.
const (
	Fresh           = "fresh"             // a fresh builder, empty cache mounts
	CIAppChange     = "ci-app-change"     // builder B after a code change
	CIInstallChange = "ci-install-change" // builder B after a later install line changed
	// Repairs: a fresh builder, for a fix whose rule says the original
	// fails, where it did.
	Repairs = "repairs"
)

// repairKinds are the fixes of findings that say the build fails, with
// what the failure looks like: their proof is the fixed file building
// where the original failed that way (there are no original's files to
// compare with). An original that fails otherwise proves nothing.
var repairKinds = map[diagnostics.FixKind]*regexp.Regexp{
	// apt asks "Do you want to continue? [Y/n]" and reads no answer.
	diagnostics.AddYesFlag: regexp.MustCompile(`\[Y/n\] Abort`),
	// /bin/sh: 1: [touch,: not found (the shell took the quotes)
	diagnostics.DoubleQuoteExecForm: regexp.MustCompile(`: \[[^ ]*: not found`),
	// BuildKit tries to pull the stage name as an image.
	diagnostics.UseStageName: regexp.MustCompile(`failed to resolve source metadata|pull access denied`),
}

// Prover builds originals and their fixed variants, each build on a
// fresh builder.
type Prover struct {
	Images  Images
	Work    string        // folder for builders, caches and Dockerfiles
	Timeout time.Duration // per build; 0: DefaultTimeout
	// Jobs is how many builds run at a time (0: one): they wait on the
	// archive and the registry as much as on the CPU.
	Jobs int
	Logf func(format string, args ...any)

	slotsOnce sync.Once
	slots     chan struct{}
	seeds     seeds
}

// acquire waits for a build slot and returns its release.
func (p *Prover) acquire() func() {
	p.slotsOnce.Do(func() { p.slots = make(chan struct{}, max(p.Jobs, 1)) })
	p.slots <- struct{}{}
	return func() { <-p.slots }
}

// BuildTime is one build's duration and outcome.
type BuildTime struct {
	What     string
	Duration time.Duration
	Failed   bool
}

// Check is one variant in one situation.
type Check struct {
	Variant   string
	Kinds     []diagnostics.FixKind
	Situation string
	// Err: the fixed file failed to build where the original built.
	Err error
	// Unexplained are the files that differ from the original's, neither
	// volatile nor what the fix exists to change.
	Unexplained []Change
	// RanOrig and RanFixed count the steps that ran on builder B.
	RanOrig, RanFixed int
}

// Problem says what is wrong, "" when the variant passed: it built, left
// the original's files, and after a code change re-ran no more steps
// (the reorder fix: fewer).
func (c Check) Problem() string {
	switch {
	case c.Err != nil:
		return "does not build: " + c.Err.Error()
	case len(c.Unexplained) > 0:
		return fmt.Sprintf("%d files differ: %s", len(c.Unexplained), changeList(c.Unexplained, 8))
	case c.Situation != CIAppChange:
		return ""
	case c.RanFixed > c.RanOrig:
		return fmt.Sprintf("re-runs %d steps after a code change, the original %d", c.RanFixed, c.RanOrig)
	case slices.Contains(c.Kinds, diagnostics.CopyManifestsFirst) && c.RanFixed >= c.RanOrig:
		return fmt.Sprintf("the reorder saves nothing: %d steps re-run, the original %d", c.RanFixed, c.RanOrig)
	}
	return ""
}

func changeList(cs []Change, n int) string {
	var parts []string
	for i, c := range cs {
		if i == n {
			parts = append(parts, fmt.Sprintf("… %d more", len(cs)-n))
			break
		}
		parts = append(parts, c.String())
	}
	return strings.Join(parts, ", ")
}

// Report is one Dockerfile's proof.
type Report struct {
	Name  string
	Bases []string // the local images it builds on
	// Skipped says why the file proves nothing (its original does not
	// build); "" when it was built.
	Skipped string
	// OrigFailed is why the original failed, when the file proved repairs.
	OrigFailed string
	Volatile   []string // what differs between two builds of the original (Volatile.List)
	// Mounts are the cache mount targets of the variants built, without
	// the leading slash: which managers' mounts the file proved.
	Mounts []string
	Checks []Check
	// NotApplicable lists the situations the original cannot be put in,
	// with why (no application file, no install RUN, fails on builder B).
	NotApplicable []string
	Builds        []BuildTime
	mu            sync.Mutex // Builds, appended to by builds side by side
}

// Failed lists the checks with a problem.
func (r *Report) Failed() []Check {
	var out []Check
	for _, c := range r.Checks {
		if c.Problem() != "" {
			out = append(out, c)
		}
	}
	return out
}

// change is one way the CI runner's context changes between A and B.
type change struct {
	situation string
	apply     func(text []byte) (out []byte, ctxDir string, ok bool)
}

// job is one build of a proof.
type job struct {
	what   string
	text   []byte
	ctxDir string
	spec   Spec
	res    *Result
	err    error
}

// Prove builds the original text on the context c on a fresh builder A
// (unless it failed before: see failures.go);
// then, if it built, the original once more (for the volatile set) and
// each variant on fresh builders A; then, after each change, the original
// and the variants on fresh builders B that import their A's layer cache.
// The builds of a phase run side by side, as many at a time as the
// prover's Jobs.
func (p *Prover) Prove(ctx context.Context, name string, text []byte, c *Context, variants []Variant) *Report {
	r := &Report{Name: name}
	dir, err := os.MkdirTemp(p.Work, "case")
	if err != nil {
		r.Skipped = err.Error()
		return r
	}
	defer os.RemoveAll(dir)
	bases, _ := localBases(text)
	key := p.failureKey(text, c, bases)
	if why := p.rememberedFailure(key); why != "" && len(repairing(variants, errors.New(why))) == 0 {
		r.Skipped = "original does not build (remembered): " + why
		return r
	}
	origCache := filepath.Join(dir, "cache-orig")
	origA := &job{what: "original, fresh (A)", text: text, ctxDir: c.Dir, spec: Spec{Files: true, ExportCache: origCache}}
	// Alone first: most real-world originals do not build here, and then
	// their variants prove nothing.
	p.runAll(ctx, r, dir, []*job{origA})
	if origA.err != nil {
		if !p.proveRepairs(ctx, r, dir, c, repairing(variants, origA.err)) {
			p.rememberFailure(key, origA.err)
			r.Skipped = "original does not build: " + origA.err.Error()
		} else {
			r.OrigFailed = firstLine(origA.err)
		}
		return r
	}
	// The second build of the original is not beside the first: two
	// builds in the same second would hide what depends on the time (the
	// timestamps compiled into .pyc files).
	again := &job{what: "original again, for the volatile set", text: text, ctxDir: c.Dir, spec: Spec{Files: true}}
	varA := make([]*job, len(variants))
	for i, v := range variants {
		varA[i] = &job{what: v.Name + ", fresh (A)", text: v.Text, ctxDir: c.Dir,
			spec: Spec{Files: true, ExportCache: filepath.Join(dir, fmt.Sprint("cache-", i))}}
	}
	p.runAll(ctx, r, dir, append([]*job{again}, varA...))
	if again.err != nil {
		r.Skipped = "original does not build twice: " + again.err.Error()
		return r
	}
	changes := p.changes(r, dir, text, c)
	origB, varB := p.phaseB(ctx, r, dir, origCache, changes, text, variants, varA)
	volatile := VolatileOf(origA.res.Files, again.res.Files)
	r.Volatile = volatile.List()
	for i, v := range variants {
		for _, m := range cacheTargets(v.Text) {
			if !slices.Contains(r.Mounts, m) {
				r.Mounts = append(r.Mounts, m)
			}
		}
		r.Checks = append(r.Checks, variantChecks(v, i, volatile, origA, varA[i], changes, origB, varB)...)
	}
	return r
}

// proveRepairs builds the repairing variants vs on fresh builders, the
// original having failed; false when there are none.
func (p *Prover) proveRepairs(ctx context.Context, r *Report, dir string, c *Context, vs []Variant) bool {
	if len(vs) == 0 {
		return false
	}
	jobs := make([]*job, len(vs))
	for i, v := range vs {
		jobs[i] = &job{what: v.Name + ", " + Repairs, text: v.Text, ctxDir: c.Dir, spec: Spec{Files: true}}
	}
	p.runAll(ctx, r, dir, jobs)
	for i, v := range vs {
		r.Checks = append(r.Checks, Check{Variant: v.Name, Kinds: v.Kinds, Situation: Repairs, Err: jobs[i].err})
	}
	return true
}

// repairing are the variants holding a fix of repairKinds whose failure
// the original's, origErr, is.
func repairing(variants []Variant, origErr error) []Variant {
	msg := origErr.Error()
	var out []Variant
	for _, v := range variants {
		if slices.ContainsFunc(v.Kinds, func(k diagnostics.FixKind) bool { return repairKinds[k] != nil && repairKinds[k].MatchString(msg) }) {
			out = append(out, v)
		}
	}
	return out
}

// variantChecks are the checks of variant i: fresh against the original
// on A, then after each change against the original on B.
func variantChecks(v Variant, i int, volatile Volatile, origA, varA *job, changes []change, origB map[int]*job, varB map[[2]int]*job) []Check {
	allow := AllowanceFor(v.Kinds, v.Text)
	fresh := Check{Variant: v.Name, Kinds: v.Kinds, Situation: Fresh, Err: varA.err}
	if fresh.Err == nil {
		fresh.Unexplained = Unexplained(origA.res.Files, varA.res.Files, volatile, allow)
	}
	out := []Check{fresh}
	for k, ch := range changes {
		o, f := origB[k], varB[[2]int{i, k}]
		if o == nil || o.err != nil || f == nil {
			continue
		}
		c := Check{Variant: v.Name, Kinds: v.Kinds, Situation: ch.situation, RanOrig: o.res.Ran, Err: f.err}
		if f.err == nil {
			c.Unexplained = Unexplained(o.res.Files, f.res.Files, volatile, allow)
			c.RanFixed = f.res.Ran
		}
		out = append(out, c)
	}
	return out
}

// phaseB builds, after each change, the original and every variant that
// built on A, each on a fresh builder B importing its A's layer cache.
// The results are by change index, and by variant and change index.
func (p *Prover) phaseB(ctx context.Context, r *Report, dir, origCache string, changes []change, text []byte, variants []Variant, varA []*job) (map[int]*job, map[[2]int]*job) {
	origB, varB := map[int]*job{}, map[[2]int]*job{}
	var all []*job
	for k, ch := range changes {
		changed, ctxDir, _ := ch.apply(text)
		origB[k] = &job{what: "original, " + ch.situation + " (B)", text: changed, ctxDir: ctxDir,
			spec: Spec{Files: true, ImportCache: origCache}}
		all = append(all, origB[k])
		for i, v := range variants {
			if changedV, ctxDir, ok := ch.apply(v.Text); ok && varA[i].err == nil {
				varB[[2]int{i, k}] = &job{what: v.Name + ", " + ch.situation + " (B)", text: changedV, ctxDir: ctxDir,
					spec: Spec{Files: true, ImportCache: varA[i].spec.ExportCache}}
				all = append(all, varB[[2]int{i, k}])
			}
		}
	}
	p.runAll(ctx, r, dir, all)
	for k, ch := range changes {
		if err := origB[k].err; err != nil {
			r.NotApplicable = append(r.NotApplicable, ch.situation+": the original fails on B: "+firstLine(err))
		}
	}
	return origB, varB
}

// changes are the CI runner's changes that apply to the original text on
// the context c; the others are noted as not applicable.
func (p *Prover) changes(r *Report, dir string, text []byte, c *Context) []change {
	var out []change
	if c.AppFile == "" {
		r.NotApplicable = append(r.NotApplicable, CIAppChange+": no application file is copied")
	} else if appCtx := filepath.Join(dir, "ctx-app"); EditAppFile(c, appCtx) == nil {
		out = append(out, change{CIAppChange, func(t []byte) ([]byte, string, bool) { return t, appCtx, true }})
	}
	if _, ok := EditInstallLine(text); !ok {
		r.NotApplicable = append(r.NotApplicable, CIInstallChange+": no RUN installs packages")
	} else {
		out = append(out, change{CIInstallChange, func(t []byte) ([]byte, string, bool) {
			edited, ok := EditInstallLine(t)
			return edited, c.Dir, ok
		}})
	}
	return out
}

// runAll runs the jobs side by side and waits for them.
func (p *Prover) runAll(ctx context.Context, r *Report, dir string, jobs []*job) {
	var wg sync.WaitGroup
	for _, j := range jobs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			j.res, j.err = p.build(ctx, r, j.what, dir, j.text, j.ctxDir, j.spec)
		}()
	}
	wg.Wait()
}

// build builds text (written to a Dockerfile outside the context, so that
// a COPY of the whole context does not take it) on a fresh builder.
func (p *Prover) build(ctx context.Context, r *Report, what, dir string, text []byte, ctxDir string, s Spec) (*Result, error) {
	dfDir, err := os.MkdirTemp(dir, "df")
	if err != nil {
		return nil, err
	}
	s.Context, s.Dockerfile, s.Timeout = ctxDir, filepath.Join(dfDir, "Dockerfile"), p.Timeout
	if err := os.WriteFile(s.Dockerfile, text, 0o644); err != nil {
		return nil, err
	}
	seed, err := p.seedOf(ctx, text)
	if err != nil {
		return nil, err
	}
	release := p.acquire()
	defer release()
	b, err := StartBuilder(ctx, p.Work, p.Images, seed)
	if err != nil {
		return nil, err
	}
	res, err := b.Build(ctx, s)
	if cerr := b.Close(); err == nil && cerr != nil {
		err = cerr
	}
	var d time.Duration
	if res != nil {
		d = res.Duration
	}
	r.mu.Lock()
	r.Builds = append(r.Builds, BuildTime{What: what, Duration: d, Failed: err != nil})
	r.mu.Unlock()
	p.logf("%s: %s: %s%s%s", r.Name, what, d.Round(time.Second), breakdown(res), failedSuffix(err))
	return res, err
}

func (p *Prover) logf(format string, args ...any) {
	if p.Logf != nil {
		p.Logf(format, args...)
	}
}

// breakdown is where a build's time went, for the log.
func breakdown(res *Result) string {
	if res == nil || res.Steps+res.Export == 0 {
		return ""
	}
	return fmt.Sprintf(" (steps %s, export %s, then listing %s)", res.Steps.Round(time.Second), res.Export.Round(time.Second), res.List.Round(time.Second))
}

func failedSuffix(err error) string {
	if err == nil {
		return ""
	}
	return ", FAILED: " + firstLine(err)
}

// firstLine is an error's message up to its first line break, with the
// failing step's last output line when it is a build's.
func firstLine(err error) string {
	msg, _, _ := strings.Cut(err.Error(), "\n")
	var be *BuildError
	if errors.As(err, &be) && be.Output != "" {
		lines := strings.Split(be.Output, "\n")
		msg += " | " + lastMeaningful(lines)
	}
	return msg
}

var progressLine = regexp.MustCompile(`^(#\d+ )?\d+(\.\d+)? `)

// lastMeaningful is the last line of output that is an error message
// rather than a progress report, else the last line.
func lastMeaningful(lines []string) string {
	for i := len(lines) - 1; i >= 0; i-- {
		l := strings.TrimSpace(lines[i])
		if strings.HasPrefix(l, "E: ") || strings.HasPrefix(l, "ERROR") || strings.Contains(l, "rror:") {
			return l
		}
	}
	return strings.TrimSpace(progressLine.ReplaceAllString(lines[len(lines)-1], ""))
}
