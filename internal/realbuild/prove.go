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
	"time"

	"github.com/dockerfile-ls/dockerfile-ls/diagnostics"
	"github.com/dockerfile-ls/dockerfile-ls/internal/oracle"
)

// The situations a fixed Dockerfile must build in wherever its original
// does.
const (
	Fresh           = "fresh"             // a fresh builder, empty cache mounts
	CIAppChange     = "ci-app-change"     // builder B after a code change
	CIInstallChange = "ci-install-change" // builder B after a later install line changed
)

// Prover builds originals and their fixed variants, each build on a
// fresh builder.
type Prover struct {
	Images  Images
	Work    string        // folder for builders, caches and Dockerfiles
	Timeout time.Duration // per build; 0: DefaultTimeout
	Logf    func(format string, args ...any)
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
	Skipped  string
	Volatile []string // paths that differ between two builds of the original
	Checks   []Check
	// NotApplicable lists the situations the original cannot be put in,
	// with why (no application file, no install RUN, fails on builder B).
	NotApplicable []string
	Builds        []BuildTime
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

// baseline is what the original left.
type baseline struct {
	files    []oracle.FileEntry
	volatile Volatile
	after    map[string]*Result // by situation: the original on builder B
	changes  []change
}

// Prove builds the original text on the context c, then each variant,
// fresh and as builder B of the CI runner after each change.
func (p *Prover) Prove(ctx context.Context, name string, text []byte, c *Context, variants []Variant) *Report {
	r := &Report{Name: name}
	dir, err := os.MkdirTemp(p.Work, "case")
	if err != nil {
		r.Skipped = err.Error()
		return r
	}
	defer os.RemoveAll(dir)
	base, err := p.baseline(ctx, r, dir, text, c)
	if err != nil {
		r.Skipped = "original does not build: " + err.Error()
		return r
	}
	for i, v := range variants {
		p.check(ctx, r, filepath.Join(dir, fmt.Sprint("v", i)), v, c, base)
	}
	return r
}

func (p *Prover) baseline(ctx context.Context, r *Report, dir string, text []byte, c *Context) (*baseline, error) {
	cache := filepath.Join(dir, "cache-orig")
	first, err := p.build(ctx, r, "original, fresh (A)", dir, text, c.Dir, Spec{Files: true, ExportCache: cache})
	if err != nil {
		return nil, err
	}
	second, err := p.build(ctx, r, "original again, for the volatile set", dir, text, c.Dir, Spec{Files: true})
	if err != nil {
		return nil, fmt.Errorf("second build: %w", err)
	}
	b := &baseline{files: first.Files, volatile: VolatileOf(first.Files, second.Files), after: map[string]*Result{}}
	r.Volatile = sortedKeys(b.volatile)
	b.changes = p.changes(r, dir, c)
	for _, ch := range b.changes {
		changed, ctxDir, ok := ch.apply(text)
		if !ok {
			continue
		}
		res, err := p.build(ctx, r, "original, "+ch.situation+" (B)", dir, changed, ctxDir, Spec{Files: true, ImportCache: cache})
		if err != nil {
			r.NotApplicable = append(r.NotApplicable, ch.situation+": the original fails on B: "+firstLine(err))
			continue
		}
		b.after[ch.situation] = res
	}
	return b, nil
}

// changes are the CI runner's changes the context c allows.
func (p *Prover) changes(r *Report, dir string, c *Context) []change {
	var out []change
	if c.AppFile == "" {
		r.NotApplicable = append(r.NotApplicable, CIAppChange+": no application file is copied")
	} else if appCtx := filepath.Join(dir, "ctx-app"); EditAppFile(c, appCtx) == nil {
		out = append(out, change{CIAppChange, func(t []byte) ([]byte, string, bool) { return t, appCtx, true }})
	}
	edit := func(t []byte) ([]byte, string, bool) {
		out, ok := EditInstallLine(t)
		return out, c.Dir, ok
	}
	out = append(out, change{CIInstallChange, edit})
	return out
}

func (p *Prover) check(ctx context.Context, r *Report, dir string, v Variant, c *Context, base *baseline) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		r.Checks = append(r.Checks, Check{Variant: v.Name, Kinds: v.Kinds, Situation: Fresh, Err: err})
		return
	}
	allow := AllowanceFor(v.Kinds, v.Text)
	cache := filepath.Join(dir, "cache")
	fresh := Check{Variant: v.Name, Kinds: v.Kinds, Situation: Fresh}
	res, err := p.build(ctx, r, v.Name+", fresh (A)", dir, v.Text, c.Dir, Spec{Files: true, ExportCache: cache})
	if fresh.Err = err; err == nil {
		fresh.Unexplained = Unexplained(base.files, res.Files, base.volatile, allow)
	}
	r.Checks = append(r.Checks, fresh)
	if err != nil {
		return // builder B has no cache to import
	}
	for _, ch := range base.changes {
		orig := base.after[ch.situation]
		changed, ctxDir, ok := ch.apply(v.Text)
		if orig == nil || !ok {
			continue
		}
		k := Check{Variant: v.Name, Kinds: v.Kinds, Situation: ch.situation, RanOrig: orig.Ran}
		res, err := p.build(ctx, r, v.Name+", "+ch.situation+" (B)", dir, changed, ctxDir, Spec{Files: true, ImportCache: cache})
		if k.Err = err; err == nil {
			k.Unexplained = Unexplained(orig.Files, res.Files, base.volatile, allow)
			k.RanFixed = res.Ran
		}
		r.Checks = append(r.Checks, k)
	}
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
	b, err := StartBuilder(ctx, p.Work, p.Images)
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
	r.Builds = append(r.Builds, BuildTime{What: what, Duration: d, Failed: err != nil})
	p.logf("%s: %s: %s%s", r.Name, what, d.Round(time.Second), failedSuffix(err))
	return res, err
}

func (p *Prover) logf(format string, args ...any) {
	if p.Logf != nil {
		p.Logf(format, args...)
	}
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
