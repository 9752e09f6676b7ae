package diagnostics

import (
	"context"
	"os"
	"reflect"
	"testing"

	"github.com/dockerfile-ls/dockerfile-ls/dockerfile"
	"github.com/dockerfile-ls/dockerfile-ls/internal/testgen"
)

// checkInvariants runs every analysis and checks what any finding must
// satisfy, whatever the input.
func checkInvariants(t *testing.T, name string, text []byte) []Finding {
	doc := dockerfile.Parse(text)
	fast, errs := Analyze(doc, nil)
	for _, err := range errs {
		t.Errorf("%s: %v", name, err)
	}
	all := fast
	// As the pipeline (analysis.BuildKit): BuildKit expands every word in
	// full, so a document over the expansion budget never reaches it. A
	// fuzzed expansion bomb otherwise takes the fuzzing process down.
	if _, over := OverExpansionBudget(doc.State(dockerfile.Options{})); !over {
		all = append(all, BuildKitChecks(context.Background(), doc, BuildKitOptions{})...)
	}
	for _, f := range all {
		if f.Span.Start < 0 || f.Span.End > len(text) || f.Span.Start > f.Span.End {
			t.Errorf("%s: %s has span %v outside the text (%d bytes)", name, f.Rule, f.Span, len(text))
		}
		if f.Message == "" || f.Rule == "" || f.Severity < Error || f.Severity > Hint {
			t.Errorf("%s: malformed finding %+v", name, f)
		}
	}
	return all
}

// TestCorpus: every real-world Dockerfile goes through every analysis; the
// files BuildKit cannot parse get a ParseError finding.
func TestCorpus(t *testing.T) {
	for _, f := range testgen.CorpusFiles(t) {
		text, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		all := checkInvariants(t, f, text)
		if doc := dockerfile.Parse(text); doc.Error != nil {
			found := false
			for _, x := range all {
				found = found || x.Rule == "ParseError"
			}
			if !found {
				t.Errorf("%s: parse error %q not reported", f, doc.Error.Message)
			}
		}
	}
}

func FuzzAnalyze(f *testing.F) {
	testgen.AddFuzzSeeds(f, "../dockerfile/testdata/*")
	f.Fuzz(func(t *testing.T, text []byte) {
		checkInvariants(t, "fuzz input", text)
		checkEditsAtMiddle(t, text)
	})
}

// checkEditsAtMiddle inserts, at the start of the middle line, lines that
// change what the instructions after them mean, and checks that analysing
// the edited document (sharing what was derived before the edit) equals
// analysing a fresh parse.
func checkEditsAtMiddle(t *testing.T, text []byte) {
	doc := dockerfile.Parse(text)
	Analyze(doc, nil)
	at := doc.Lines.Start(doc.Lines.Count() / 2)
	for _, ins := range []string{"WORKDIR /w\n", "ENV PIP_CACHE_DIR=/p GOMODCACHE=/g\n", "SHELL [\"pwsh\", \"-c\"]\n", "FROM scratch AS x\n"} {
		next, err := doc.Apply(dockerfile.Edit{Start: at, End: at, Text: ins})
		if err != nil {
			t.Fatal(err)
		}
		got, _ := Analyze(next, nil)
		want, _ := Analyze(dockerfile.Parse(next.Text), nil)
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("after inserting %q at %d the analysis differs from a fresh one:\ngot  %v\nwant %v", ins, at, got, want)
		}
	}
}
