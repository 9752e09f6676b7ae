package codeactions

import (
	"cmp"
	"fmt"
	"maps"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/dockerfile-ls/dockerfile-ls/diagnostics"
	"github.com/dockerfile-ls/dockerfile-ls/dockerfile"
	"github.com/dockerfile-ls/dockerfile-ls/internal/testgen"
)

// minManifestsFirstRate is the share of the full corpus's CopyBeforeInstall
// findings that must get the manifests-first fix: a floor at what the fix
// reaches (261 of 567, 46.0%, on 2026-12-08), so that a change that loses
// offers fails. It was 50% (306 of 605) before offers that changed the
// image or broke the build were refused (a redirection or an `rm` of a
// bare name passed, `go get` and `npm install -g` without packages, a
// gemspec, `--find-links`, a multi-module pom), before a COPY of a
// requirements folder stopped counting as code (its findings were wrong,
// their fixes copied dev.txt without the base.txt it includes), and before
// composer's dependency-only step was held back until a real build can
// prove it. Issue 17 asks for 80%; the reasons this test logs say what
// stands in the way, most of them reads the fix must not guess away.
const minManifestsFirstRate = 0.46

// TestCorpusManifestsFirstRate: over the corpus (the full one under make
// test-corpus), how many CopyBeforeInstall findings are offered the
// manifests-first fix, and why the others are not. Every finding without
// the fix must say why (FixData.Refused); on the full corpus the fix must
// reach minManifestsFirstRate. The rate and the reasons are logged.
func TestCorpusManifestsFirstRate(t *testing.T) {
	findings, offered := 0, 0
	reasons := map[string]int{}
	var silent []string
	for _, file := range testgen.CorpusFiles(t) {
		text, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		n, o, why := manifestsFirstOffers(text)
		findings, offered = findings+n, offered+o
		for _, r := range why {
			reasons[r]++
			if r == noReason {
				silent = append(silent, file)
			}
		}
	}
	if findings == 0 {
		t.Fatal("no CopyBeforeInstall finding in the corpus: the test measures nothing")
	}
	rate := float64(offered) / float64(findings)
	t.Logf("manifests-first fix offered on %d of %d CopyBeforeInstall findings (%.1f%%); not offered:\n%s",
		offered, findings, 100*rate, histogram(reasons))
	if len(silent) > 0 {
		t.Errorf("%d CopyBeforeInstall findings have neither the fix nor a reason, in %s", len(silent), strings.Join(silent[:min(5, len(silent))], ", "))
	}
	if testgen.FullCorpus() && rate < minManifestsFirstRate {
		t.Errorf("offer rate %.1f%% is below %.0f%%", 100*rate, 100*minManifestsFirstRate)
	}
}

const noReason = "(no reason given)"

// manifestsFirstOffers counts text's CopyBeforeInstall findings and those
// offered the fix, and lists, per finding without it, the class of its
// reason: the refusal up to its first colon (the rest names the file's
// details).
func manifestsFirstOffers(text []byte) (findings, offered int, reasons []string) {
	doc := dockerfile.Parse(text)
	fs := fastFindings(doc)
	fixed := map[dockerfile.Span]bool{}
	for _, a := range For(doc.State(dockerfile.Options{}), fs, nil) {
		if Kind(a.Finding) == diagnostics.CopyManifestsFirst {
			fixed[a.Finding.Span] = true
		}
	}
	for _, f := range fs {
		if f.Rule != "CopyBeforeInstall" {
			continue
		}
		findings++
		switch {
		case fixed[f.Span]:
			offered++
		case f.Fix == nil || f.Fix.Refused == "":
			reasons = append(reasons, noReason)
		default:
			class, _, _ := strings.Cut(f.Fix.Refused, ":")
			reasons = append(reasons, class)
		}
	}
	return findings, offered, reasons
}

// histogram lists counts, largest first.
func histogram(counts map[string]int) string {
	keys := slices.Collect(maps.Keys(counts))
	slices.SortFunc(keys, func(a, b string) int { return cmp.Or(counts[b]-counts[a], strings.Compare(a, b)) })
	var b strings.Builder
	for _, k := range keys {
		fmt.Fprintf(&b, "%6d  %s\n", counts[k], k)
	}
	return b.String()
}
