package codeactions

import (
	"bytes"
	"context"
	"os"
	"testing"

	"github.com/dockerfile-ls/dockerfile-ls/diagnostics"
	"github.com/dockerfile-ls/dockerfile-ls/dockerfile"
	"github.com/dockerfile-ls/dockerfile-ls/internal/testgen"
)

func countErrors(fs []diagnostics.Finding) int {
	n := 0
	for _, f := range fs {
		if f.Severity == diagnostics.Error {
			n++
		}
	}
	return n
}

// fastFindings is the fast analysis (BuildKit's checks have their own
// corpus test with their fixes).
func fastFindings(doc *dockerfile.Document) []diagnostics.Finding {
	fs, _ := diagnostics.Analyze(doc, nil)
	return fs
}

// fastAnalysis is fastFindings as fix-all's Analysis.
func fastAnalysis(_ context.Context, doc *dockerfile.Document) ([]diagnostics.Finding, error) {
	return fastFindings(doc), nil
}

// TestCorpusFixes: on every real-world Dockerfile, every offered fix (of
// our rules) applies cleanly, the result parses when the input did, the
// finding it fixed is gone from its place, no new error appears; and
// source.fixAll settles: a second run changes nothing.
func TestCorpusFixes(t *testing.T) {
	offered := 0
	for _, file := range testgen.CorpusFiles(t) {
		text, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		offered += checkFixes(t, file, text)
	}
	t.Logf("%d fixes offered and checked", offered)
}

// checkFixes applies each fix offered for text on its own and checks that
// it applies, keeps the file parsing, removes its finding and adds no
// error; then that source.fixAll settles (a second run changes nothing).
// It returns how many fixes were offered.
func checkFixes(t *testing.T, file string, text []byte) int {
	offered := 0
	doc := dockerfile.Parse(text)
	before := fastFindings(doc)
	for _, a := range For(doc.State(dockerfile.Options{}), before, nil) {
		if a.Suppresses {
			continue
		}
		offered++
		fixed, err := Apply(text, a.Edits)
		if err != nil {
			t.Errorf("%s: %s: %v", file, a.Title, err)
			continue
		}
		fdoc := dockerfile.Parse(fixed)
		if doc.Error == nil && fdoc.Error != nil {
			t.Errorf("%s: %s breaks parsing: %v", file, a.Title, fdoc.Error)
			continue
		}
		after := fastFindings(fdoc)
		// Its finding is gone from where it was. (Another may appear
		// elsewhere, rightly: with apk's index removed, the next RUN's
		// apk add fetches one again.)
		if len(reintroduced([]Action{a}, after)) > 0 {
			t.Errorf("%s: %s did not remove its %s finding", file, a.Title, a.Finding.Rule)
		}
		if countErrors(after) > countErrors(before) {
			t.Errorf("%s: %s added an error", file, a.Title)
		}
	}
	fixing := Fixing{Analyse: fastAnalysis}
	once := fixAll(t, fixing, string(text))
	twice := fixAll(t, fixing, string(once.Doc.Text))
	if twice.Applied != 0 || !bytes.Equal(twice.Doc.Text, once.Doc.Text) {
		t.Errorf("%s: fix-all did not settle: a second run applied %d fixes", file, twice.Applied)
	}
	return offered
}
