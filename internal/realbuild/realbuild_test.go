package realbuild

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/dockerfile-ls/dockerfile-ls/diagnostics"
)

// EnvRun switches the real builds on; make test-realbuild and make
// proof-realbuild set it.
const EnvRun = "DFLS_REALBUILD"

// oracleFor returns a Prover whose work folder goes with the test, running
// $DFLS_REALBUILD_JOBS builds at a time (3). Without
// DFLS_REALBUILD=1 the test skips; with it, missing images fail the test,
// so that the target can never pass without building.
func oracleFor(t *testing.T) *Prover {
	t.Helper()
	if os.Getenv(EnvRun) != "1" {
		t.Skipf("real builds take minutes: set %s=1 (make test-realbuild)", EnvRun)
	}
	images, err := LoadImages("")
	if err != nil {
		t.Fatal(err)
	}
	work, err := os.MkdirTemp("", "realbuild")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(work) })
	return &Prover{Images: images, Work: work, Timeout: buildTimeout(t), Jobs: envInt(t, "DFLS_REALBUILD_JOBS", 3), Logf: t.Logf}
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

// The CI sample (testdata/corpus, chosen to build on the oracle and to
// cover apt, npm, pip, the reorder, the cache mounts and the size fixes):
// every file's original builds, and what fix-all writes builds in both
// situations with the original's files.
func TestCISample(t *testing.T) {
	p := oracleFor(t)
	files, err := filepath.Glob("testdata/corpus/*/*.Dockerfile")
	if err != nil || len(files) < 6 {
		t.Fatalf("the CI sample needs at least 6 files, found %d (%v)", len(files), err)
	}
	ctx := context.Background()
	locks, err := p.MakeLockfiles(ctx)
	if err != nil {
		t.Fatal(err)
	}
	s := NewSummary()
	fixAll := func(v Variant) bool { return v.Name == FixAll }
	p.ProveFiles(ctx, files, locks, fixAll, func(r *Report) {
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
	})
	t.Logf("summary:\n%s", s.Markdown())
	checkCoverage(t, s)
}

// sampleCovers are the fixes the CI sample exists to prove: the reorder,
// the cache mounts and the size fixes (any one of them).
var sampleCovers = [][]diagnostics.FixKind{
	{diagnostics.CopyManifestsFirst},
	{diagnostics.AddCacheMount},
	{diagnostics.AddRmAptLists, diagnostics.AddNoCacheDir, diagnostics.AddCacheClean},
}

// checkCoverage fails when no built file of the sample proved one of
// sampleCovers: the fixes changed, and the sample must be chosen again.
func checkCoverage(t *testing.T, s *Summary) {
	t.Helper()
	for _, kinds := range sampleCovers {
		n := 0
		for _, k := range kinds {
			n += s.Covered[string(k)]
		}
		if n == 0 {
			t.Errorf("no file of the CI sample proved %v any more: choose files it applies to (testdata/corpus/README.md)", kinds)
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
	files, left := StratifiedSample(all, envInt(t, "DFLS_REALBUILD_SAMPLE", 150))
	quota := envInt(t, "DFLS_REALBUILD_PER_KIND", 15)
	t.Logf("%d corpus files; sampled %d; left out, by reason: %v", len(all), len(files), left)
	ctx := context.Background()
	locks, err := p.MakeLockfiles(ctx)
	if err != nil {
		t.Fatal(err)
	}
	s := NewSummary()
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
	for _, kinds := range sampleCovers {
		for _, k := range kinds {
			if s.Covered[string(k)] < quota {
				t.Errorf("%s: %d built files, fewer than %d: sample more files (REALBUILD_SAMPLE)", k, s.Covered[string(k)], quota)
			}
		}
	}
	for k, c := range s.ByKind {
		if c.Broken > 0 {
			t.Errorf("%s broke %d of %d built files", k, c.Broken, c.Built)
		}
	}
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
