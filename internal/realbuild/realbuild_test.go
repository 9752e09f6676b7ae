package realbuild

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/dockerfile-ls/dockerfile-ls/diagnostics"
)

// EnvRun switches the real builds on; make test-realbuild and make
// proof-realbuild set it.
const EnvRun = "DFLS_REALBUILD"

// oracleFor returns a Prover whose work folder goes with the test. Without
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
	return &Prover{Images: images, Work: work, Timeout: buildTimeout(t), Logf: t.Logf}
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
	t.Logf("%s: %d builds in %s, volatile set %d paths", r.Name, len(r.Builds), total.Round(time.Second), r.Volatile)
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
