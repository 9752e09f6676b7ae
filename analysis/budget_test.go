package analysis

import (
	"fmt"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/dockerfile-ls/dockerfile-ls/config"
	"github.com/dockerfile-ls/dockerfile-ls/diagnostics"
	"github.com/dockerfile-ls/dockerfile-ls/dockerfile"
	"github.com/dockerfile-ls/dockerfile-ls/internal/budget"
	"github.com/dockerfile-ls/dockerfile-ls/internal/testgen"
)

// staleRuns is a file with n StalePackageIndex warnings, about 19 bytes
// each.
func staleRuns(n int) string {
	return "FROM debian:12\n" + strings.Repeat("RUN apt-get update\n", n)
}

// TestOversizedDocumentNotAnalysed: past budget.MaxAnalysedDocument the
// file gets one finding, on its first line, from both phases together
// (a 10 MB file got 408,000 and took half a minute).
func TestOversizedDocumentNotAnalysed(t *testing.T) {
	text := staleRuns(budget.MaxAnalysedDocument/19 + 1)
	fs := run(t, config.Settings{}, text)
	if len(fs) != 1 || fs[0].Rule != "AnalysisBudget" || fs[0].Span.Start != 0 || !strings.Contains(fs[0].Message, "not analysed") {
		t.Fatalf("%d findings, the first %+v; want one AnalysisBudget finding on the first line", len(fs), fs[0])
	}
}

// TestTenThousandLinesAnalysed: an ordinary 10,000-line file is under
// every budget: its findings are all there, with no AnalysisBudget one
// (BuildKit's phase only without -short: it takes seconds).
func TestTenThousandLinesAnalysed(t *testing.T) {
	doc := dockerfile.Parse([]byte(testgen.Dockerfile(10000, 10)))
	fast, errs := Fast(doc, nil, config.Settings{})
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	var buildkit []diagnostics.Finding
	if !testing.Short() {
		var err error
		if buildkit, err = BuildKit(t.Context(), doc, diagnostics.BuildKitOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	fs := Assemble(doc, config.Settings{}, fast, buildkit)
	if f, ok := find(fs, "AnalysisBudget"); ok {
		t.Errorf("a 10,000-line file goes over a budget: %s", f.Message)
	}
	if len(fs) == 0 {
		t.Error("no findings for a file that has some")
	}
}

// TestFindingsCapped: more findings than budget.MaxFindings are cut to it,
// the most severe kept even when they come last, and a last finding at the
// end of the file counts the others.
func TestFindingsCapped(t *testing.T) {
	text := staleRuns(budget.MaxFindings+500) + "RUN --bogus=1 echo\n"
	doc := dockerfile.Parse([]byte(text))
	fast, _ := Fast(doc, nil, config.Settings{})
	buildkit, err := BuildKit(t.Context(), doc, diagnostics.BuildKitOptions{})
	if err != nil {
		t.Fatal(err)
	}
	fs := Assemble(doc, config.Settings{}, fast, buildkit)
	if len(fs) != budget.MaxFindings+1 {
		t.Fatalf("%d findings, want %d and the count of the others", len(fs), budget.MaxFindings+1)
	}
	last, more := fs[len(fs)-1], len(fast)+len(buildkit)-budget.MaxFindings
	if last.Rule != "AnalysisBudget" || last.Span.Start != len(text) || !strings.HasPrefix(last.Message, fmt.Sprintf("%d more findings not shown", more)) {
		t.Errorf("last finding %+v, want %d more at the end of the file", last, more)
	}
	if f, ok := find(fs, "InvalidInstruction"); !ok || f.Severity != diagnostics.Error {
		t.Error("the error on the last line was cut, and warnings kept")
	}
}

// TestMessagesCapped: a message quoting a huge word is cut, at a rune
// boundary, to budget.MaxFindingMessage bytes and a mark.
func TestMessagesCapped(t *testing.T) {
	fs := run(t, config.Settings{}, "FROM alpine:3.19\n"+strings.Repeat("é", 5000)+" a b\n")
	f, ok := find(fs, "InvalidInstruction")
	if !ok {
		t.Fatalf("no InvalidInstruction in %v", rules(fs))
	}
	if len(f.Message) > budget.MaxFindingMessage+len("…") || !utf8.ValidString(f.Message) || !strings.HasSuffix(f.Message, "…") {
		t.Errorf("message of %d bytes, valid UTF-8 %v: %.80q", len(f.Message), utf8.ValidString(f.Message), f.Message)
	}
}

// TestBuildKitOverTime: BuildKit's checks that take longer than their
// budget keep their findings and add an AnalysisBudget one saying so.
func TestBuildKitOverTime(t *testing.T) {
	defer func(d time.Duration) { buildKitTime = d }(buildKitTime)
	buildKitTime = time.Nanosecond
	fs, err := BuildKit(t.Context(), dockerfile.Parse([]byte(text)), diagnostics.BuildKitOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := find(fs, "ConsistentInstructionCasing"); !ok {
		t.Errorf("BuildKit's own findings went: %v", rules(fs))
	}
	if f, ok := find(fs, "AnalysisBudget"); !ok || !strings.Contains(f.Message, "BuildKit's checks took") {
		t.Errorf("no AnalysisBudget finding for the time: %v", rules(fs))
	}
}
