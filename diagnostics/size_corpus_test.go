package diagnostics

import (
	"fmt"
	"github.com/dockerfile-ls/dockerfile-ls/internal/testgen"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/dockerfile-ls/dockerfile-ls/dockerfile"
)

// TestSizeRulesCorpus runs every size rule over every real-world Dockerfile
// of the corpus: no rule may panic, every finding (and related
// span) lies inside the text, and fixes carry a kind. The per-rule counts
// are logged (go test -v) to watch for noise.
func TestSizeRulesCorpus(t *testing.T) {
	counts := map[string]int{}
	files := testgen.CorpusFiles(t)
	for _, f := range files {
		text, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		doc := dockerfile.Parse(text)
		for _, r := range sizeRules {
			var out []Finding
			if err := run(r, &Pass{Doc: doc, rule: r, out: &out}); err != nil {
				t.Errorf("%s: %v", f, err)
				continue
			}
			for _, x := range out {
				counts[r.Name]++
				if !inside(x.Span, len(text)) {
					t.Errorf("%s: %s span %v outside the text (%d bytes)", f, r.Name, x.Span, len(text))
				}
				for _, rel := range x.Related {
					if !inside(rel.Span, len(text)) {
						t.Errorf("%s: %s related span %v outside the text", f, r.Name, rel.Span)
					}
				}
				if x.Message == "" || x.Severity < Info || x.Category != Size {
					t.Errorf("%s: malformed finding %+v", f, x)
				}
				if x.Fix != nil {
					if err := checkFixOffsets(x.Fix, len(text)); err != "" {
						t.Errorf("%s: %s: %s", f, r.Name, err)
					}
				}
				if testing.Verbose() && os.Getenv("SIZE_CORPUS_DUMP") == r.Name {
					t.Logf("%s:%d: %s", f, doc.Lines.LineOf(x.Span.Start)+1, x.Message)
				}
			}
		}
	}
	for _, r := range sizeRules {
		t.Logf("%-24s %5d findings in %d files", r.Name, counts[r.Name], len(files))
	}
}

// checkFixOffsets: a fix has a kind and its offset arguments lie in the
// text.
func checkFixOffsets(fix *FixData, n int) string {
	if fix.Kind == "" {
		return "fix without a kind"
	}
	for k, v := range fix.Args {
		if k != "copyOffsets" && !strings.HasSuffix(k, "Start") && !strings.HasSuffix(k, "End") && k != "offset" && k != "start" && k != "end" {
			continue
		}
		for _, part := range strings.Split(v, ",") {
			o, err := strconv.Atoi(part)
			if err != nil || o < 0 || o > n {
				return fmt.Sprintf("fix %s arg %s=%q is not an offset in the text (%d bytes)", fix.Kind, k, v, n)
			}
		}
	}
	return ""
}

func inside(s dockerfile.Span, n int) bool {
	return s.Start >= 0 && s.End <= n && s.Start <= s.End
}
