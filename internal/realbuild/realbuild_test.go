package realbuild

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dockerfile-ls/dockerfile-ls/diagnostics"
)

// EnvRun switches the real builds on; make test-realbuild and make
// proof-realbuild set it.
const EnvRun = "DFLS_REALBUILD"

// shared is the one prover of the build tests, which run side by side
// and share its build slots, its seeds and its work folder (removed by
// TestMain).
var shared struct {
	once sync.Once
	p    *Prover
	err  error
}

// oracleFor returns the prover, running $DFLS_REALBUILD_JOBS builds at a
// time (3). Without DFLS_REALBUILD=1 the test skips; with it, missing
// images fail the test, so that the target can never pass without
// building.
func oracleFor(t *testing.T) *Prover {
	t.Helper()
	if os.Getenv(EnvRun) != "1" {
		t.Skipf("real builds take minutes: set %s=1 (make test-realbuild)", EnvRun)
	}
	shared.once.Do(func() {
		images, err := LoadImages("")
		if err != nil {
			shared.err = err
			return
		}
		work, err := os.MkdirTemp("", "realbuild")
		if err != nil {
			shared.err = err
			return
		}
		shared.p = &Prover{Images: images, Work: work, Timeout: buildTimeout(t), Jobs: envInt(t, "DFLS_REALBUILD_JOBS", 3), Logf: logf}
	})
	if shared.err != nil || shared.p == nil {
		t.Fatalf("the oracle is not set up: %v", shared.err)
	}
	return shared.p
}

func TestMain(m *testing.M) {
	code := m.Run()
	if shared.p != nil {
		os.RemoveAll(shared.p.Work)
	}
	os.Exit(code)
}

// logf prints a build as it ends, with the time: the tests run side by
// side, so no one test's log is the place.
func logf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "%s realbuild: %s\n", time.Now().UTC().Format("15:04:05"), fmt.Sprintf(format, args...))
}

// buildTimeout is $DFLS_REALBUILD_TIMEOUT (a Go duration), else
// DefaultTimeout.
func buildTimeout(t *testing.T) time.Duration {
	s := os.Getenv("DFLS_REALBUILD_TIMEOUT")
	if s == "" {
		return DefaultTimeout
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		t.Fatalf("DFLS_REALBUILD_TIMEOUT: %v", err)
	}
	return d
}

// The apt regression, built for real: a cache mount on
// /var/lib/apt on both RUNs. A fresh builder builds it. On the CI runner,
// builder A exports its layer cache, the second install line changes, and
// a fresh builder B imports the cache: the RUN with apt-get update is a
// cache hit, its mount was never filled, and the install finds no lists.
// The original builds there. This is the evidence the apt mount fix is
// held to.
func TestAptListsOnlyInCacheMountFailOnFreshCIBuilder(t *testing.T) {
	p := oracleFor(t)
	t.Parallel()
	orig := "FROM debian:bookworm-slim\n" +
		"RUN apt-get update && apt-get install -y curl\n" +
		"RUN apt-get install -y jq\n"
	const mounts = "--mount=type=cache,target=/var/cache/apt,sharing=locked --mount=type=cache,target=/var/lib/apt,sharing=locked "
	mounted := "FROM debian:bookworm-slim\n" +
		"RUN rm -f /etc/apt/apt.conf.d/docker-clean; echo 'Binary::apt::APT::Keep-Downloaded-Packages \"true\";' > /etc/apt/apt.conf.d/keep-cache\n" +
		"RUN " + mounts + "apt-get update && apt-get install -y curl\n" +
		"RUN " + mounts + "apt-get install -y jq\n"
	ctxDir := t.TempDir()
	r := p.Prove(context.Background(), "apt-lists", []byte(orig), &Context{Dir: ctxDir},
		[]Variant{{Name: "apt mounts on both RUNs", Kinds: []diagnostics.FixKind{diagnostics.AddCacheMount}, Text: []byte(mounted)}})
	logReport(t, r)
	if r.Skipped != "" {
		t.Fatalf("the original must build: %s", r.Skipped)
	}
	got := map[string]Check{}
	for _, c := range r.Checks {
		got[c.Situation] = c
	}
	if c, ok := got[Fresh]; !ok || c.Problem() != "" {
		t.Errorf("on a fresh builder the mounted file builds with the original's files; got %+v", c)
	}
	c, ok := got[CIInstallChange]
	if !ok {
		t.Fatalf("the original did not build on the CI runner's builder B: %v", r.NotApplicable)
	}
	if c.Err == nil || !strings.Contains(c.Err.Error(), "Unable to locate package jq") {
		t.Errorf("on builder B the mounted file must fail with apt's \"Unable to locate package jq\"; got %v", c.Err)
	}
}

func logReport(t *testing.T, r *Report) {
	t.Helper()
	var total time.Duration
	for _, b := range r.Builds {
		total += b.Duration
	}
	if r.Skipped != "" {
		t.Logf("%s: skipped: %s", r.Name, firstLineOf(r.Skipped))
		return
	}
	t.Logf("%s: %d builds in %s, volatile set %q", r.Name, len(r.Builds), total.Round(time.Second), r.Volatile)
	for _, na := range r.NotApplicable {
		t.Logf("  n/a %s", na)
	}
	for _, c := range r.Checks {
		status := "ok"
		if p := c.Problem(); p != "" {
			status = "BROKEN: " + p
		}
		t.Logf("  %-28s %-18s ran %d/%d  %s", c.Variant, c.Situation, c.RanFixed, c.RanOrig, status)
	}
}

// The CI sample: the corpus files of testdata/corpus, chosen to build on
// the oracle and to cover apt, npm, pip, the reorder, the cache mounts and
// the size fixes, and the fix forms of testdata/fixforms. Every file's
// original builds, and what fix-all writes builds in both situations with
// the original's files.
func TestCISample(t *testing.T) {
	p := oracleFor(t)
	t.Parallel()
	corpus, err := filepath.Glob("testdata/corpus/*/*.Dockerfile")
	if err != nil || len(corpus) < 6 {
		t.Fatalf("the CI sample needs at least 6 corpus files, found %d (%v)", len(corpus), err)
	}
	forms, err := filepath.Glob("testdata/fixforms/*.Dockerfile")
	if err != nil || len(forms) < 3 {
		t.Fatalf("the CI sample needs the 3 fix forms, found %d (%v)", len(forms), err)
	}
	ctx := context.Background()
	locks, err := p.MakeLockfiles(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range forms {
		want, err := os.ReadFile(strings.TrimSuffix(f, ".Dockerfile") + ".fixed")
		if err != nil || fixAllText(t, f, locks) != string(want) {
			t.Fatalf("%s: check --fix no longer writes the form to prove (%v): see TestFixFormsAreTheOnesProved", f, err)
		}
	}
	s := NewSummary()
	covered := map[string]int{}
	fixAll := func(v Variant) bool { return v.Name == FixAll }
	p.ProveFiles(ctx, append(forms, corpus...), locks, fixAll, func(r *Report) {
		logReport(t, r)
		s.Add(r)
		// A file no fix applies to any more proves nothing, but is no
		// failure: the fixes may have learnt not to offer themselves.
		if r.Skipped != "" && r.Skipped != noFix {
			t.Errorf("%s: the CI sample's files must build: %s", r.Name, r.Skipped)
		}
		for _, c := range r.Failed() {
			t.Errorf("%s: %s, %s: %s", r.Name, c.Variant, c.Situation, c.Problem())
		}
		if r.Skipped == "" && len(r.Failed()) == 0 && strings.HasPrefix(r.Name, "github/") {
			for _, c := range sampleCovers {
				if c.proves(r) {
					covered[c.name]++
				}
			}
		}
	})
	t.Logf("summary:\n%s", s.Markdown())
	checkCoverage(t, covered)
}

// minCovered is how many built corpus files of the CI sample must prove
// each of sampleCovers.
const minCovered = 3

// sampleCovers are what the CI sample exists to prove on real-world files.
var sampleCovers = []struct {
	name   string
	proves func(*Report) bool
}{
	{"the apt cache mount", func(r *Report) bool { return mountsAny(r, "var/cache/apt") }},
	{"a cache mount for npm, yarn or pip", func(r *Report) bool { return mountsAny(r, ".npm", "yarn", "pip") }},
	{"a size fix", func(r *Report) bool {
		return appliedAny(r, diagnostics.AddRmAptLists, diagnostics.AddNoCacheDir, diagnostics.AddCacheClean)
	}},
	{"the reorder", func(r *Report) bool { return appliedAny(r, diagnostics.CopyManifestsFirst) }},
}

func mountsAny(r *Report, parts ...string) bool {
	for _, m := range r.Mounts {
		for _, p := range parts {
			if strings.Contains(m, p) {
				return true
			}
		}
	}
	return false
}

func appliedAny(r *Report, kinds ...diagnostics.FixKind) bool {
	for _, c := range r.Checks {
		for _, k := range kinds {
			if slices.Contains(c.Kinds, k) {
				return true
			}
		}
	}
	return false
}

// checkCoverage fails when fewer than minCovered built files of the sample
// proved one of sampleCovers: the fixes changed, and the sample must be
// chosen again.
func checkCoverage(t *testing.T, covered map[string]int) {
	t.Helper()
	for _, c := range sampleCovers {
		t.Logf("%s: %d built corpus files", c.name, covered[c.name])
		if covered[c.name] < minCovered {
			t.Errorf("%s: %d built corpus files of the CI sample proved it, fewer than %d: choose files it applies to (testdata/corpus/README.md)", c.name, covered[c.name], minCovered)
		}
	}
}

// The proof over the corpus (make proof-realbuild): a stratified sample of
// $DFLS_REALBUILD_SAMPLE files (150) of $DFLS_REALBUILD_CORPUS, fix-all
// and each fix kind alone until that kind has $DFLS_REALBUILD_PER_KIND
// (15) built files. The summary goes to $DFLS_REALBUILD_REPORT as well.
func TestCorpusProof(t *testing.T) {
	dir := os.Getenv("DFLS_REALBUILD_CORPUS")
	if dir == "" {
		t.Skip("set DFLS_REALBUILD_CORPUS to a corpus folder (make proof-realbuild)")
	}
	p := oracleFor(t)
	all, err := filepath.Glob(filepath.Join(dir, "*", "*"))
	if err != nil || len(all) == 0 {
		t.Fatalf("no corpus in %s: %v", dir, err)
	}
	ctx := context.Background()
	locks, err := p.MakeLockfiles(ctx)
	if err != nil {
		t.Fatal(err)
	}
	s := NewSummary()
	files, left := kindsFirstSample(t, ctx, all, locks, p.Work, s)
	quota := envInt(t, "DFLS_REALBUILD_PER_KIND", 15)
	t.Logf("%d corpus files; sampled %d; left out, by reason: %v", len(all), len(files), left)
	wanted := func(v Variant) bool {
		built := 0
		if k := s.ByKind[v.Name]; k != nil {
			built = k.Built
		}
		return v.Name == FixAll || built < quota
	}
	p.ProveFiles(ctx, files, locks, wanted, func(r *Report) {
		logReport(t, r)
		s.Add(r)
		writeReport(t, s)
	})
	t.Logf("summary:\n%s", s.Markdown())
	for _, k := range proofKinds {
		if s.Covered[string(k)] < quota {
			t.Errorf("%s: %d built files, fewer than %d: sample more files (REALBUILD_SAMPLE)", k, s.Covered[string(k)], quota)
		}
	}
	for k, c := range s.ByKind {
		if c.Broken > 0 {
			t.Errorf("%s broke %d of %d built files", k, c.Broken, c.Built)
		}
	}
}

// kindsFirstSample is the proof's sample: the files that may build, in
// strata (StratifiedSample), the fix kinds' files first, rarest kind
// first (Sweep, KindsFirst), $DFLS_REALBUILD_SAMPLE of them. It notes in
// s how many files each kind applies to.
func kindsFirstSample(t *testing.T, ctx context.Context, all []string, locks Lockfiles, work string, s *Summary) ([]string, map[string]int) {
	t.Helper()
	buildable, left := StratifiedSample(all, len(all))
	kinds, err := Sweep(ctx, buildable, locks, work)
	if err != nil {
		t.Fatal(err)
	}
	for _, ks := range kinds {
		for _, k := range ks {
			s.Candidates[string(k)]++
		}
	}
	files := KindsFirst(buildable, kinds)
	return files[:min(len(files), envInt(t, "DFLS_REALBUILD_SAMPLE", 150))], left
}

// TestCorpusSweep lists, without building, the corpus files each fix
// kind applies to that may build on the oracle: where a kind can be
// proved at all (DFLS_REALBUILD_CORPUS=dir go test -run TestCorpusSweep -v).
func TestCorpusSweep(t *testing.T) {
	dir := os.Getenv("DFLS_REALBUILD_CORPUS")
	if dir == "" {
		t.Skip("set DFLS_REALBUILD_CORPUS to a corpus folder")
	}
	all, err := filepath.Glob(filepath.Join(dir, "*", "*"))
	if err != nil || len(all) == 0 {
		t.Fatalf("no corpus in %s: %v", dir, err)
	}
	buildable, left := StratifiedSample(all, len(all))
	kinds, err := Sweep(context.Background(), buildable, nil, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	byKind := map[string][]string{}
	for f, ks := range kinds {
		for _, k := range ks {
			byKind[string(k)] = append(byKind[string(k)], filepath.Base(f))
		}
	}
	t.Logf("%d corpus files, %d may build, %d with a fix; left out: %v", len(all), len(buildable), len(kinds), left)
	for _, k := range sortedKeys(byKind) {
		slices.Sort(byKind[k])
		t.Logf("%s: %d files, first %v", k, len(byKind[k]), byKind[k][:min(3, len(byKind[k]))])
	}
}

// proofKinds are the fix kinds the corpus proof must build quota files of.
var proofKinds = []diagnostics.FixKind{
	diagnostics.CopyManifestsFirst, diagnostics.AddCacheMount,
	diagnostics.AddRmAptLists, diagnostics.AddNoCacheDir, diagnostics.AddCacheClean,
}

func envInt(t *testing.T, name string, def int) int {
	s := os.Getenv(name)
	if s == "" {
		return def
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return n
}

// writeReport rewrites $DFLS_REALBUILD_REPORT after every file, so that a
// long run leaves its figures even when stopped.
func writeReport(t *testing.T, s *Summary) {
	if path := os.Getenv("DFLS_REALBUILD_REPORT"); path != "" {
		if err := os.WriteFile(path, []byte(s.Markdown()), 0o644); err != nil {
			t.Errorf("writing the report: %v", err)
		}
	}
}
