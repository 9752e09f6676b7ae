package diagnostics

import (
	"context"
	"fmt"
	"testing"

	"github.com/dockerfile-ls/dockerfile-ls/dockerfile"
	"github.com/dockerfile-ls/dockerfile-ls/internal/testgen"
)

var sizes = []struct {
	name          string
	lines, stages int
}{{"60lines", 60, 3}, {"2000lines", 2000, 110}}

// BenchmarkFullAnalysis is parse + fast analysis + BuildKit's checks, as
// the check command does for one file.
func BenchmarkFullAnalysis(b *testing.B) {
	for _, size := range sizes {
		text := []byte(testgen.Dockerfile(size.lines, size.stages))
		b.Run(size.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				doc := dockerfile.Parse(text)
				Analyze(doc, nil)
				BuildKitChecks(context.Background(), doc, BuildKitOptions{})
			}
		})
	}
}

// BenchmarkBuildKitPass is the background pass alone.
func BenchmarkBuildKitPass(b *testing.B) {
	doc := dockerfile.Parse([]byte(testgen.Dockerfile(2000, 110)))
	b.ReportAllocs()
	for b.Loop() {
		BuildKitChecks(context.Background(), doc, BuildKitOptions{})
	}
}

// BenchmarkFastAnalysis is what runs on every keystroke.
func BenchmarkFastAnalysis(b *testing.B) {
	doc := dockerfile.Parse([]byte(testgen.Dockerfile(2000, 110)))
	b.ReportAllocs()
	for b.Loop() {
		Analyze(doc, nil)
	}
}

// BenchmarkRuleFamily is one keystroke's work for each family of rules on
// 2,000 lines: an edit in the middle (so per-document indexes are rebuilt,
// as in the server), then the family's checks.
func BenchmarkRuleFamily(b *testing.B) {
	families := []struct {
		name  string
		rules []*Rule
	}{{"syntax", syntaxRules}, {"cache", cacheRules}, {"size", sizeRules}}
	text := testgen.Dockerfile(2000, 110)
	at := testgen.TypingAt(text)
	for _, fam := range families {
		b.Run(fam.name, func(b *testing.B) {
			doc := dockerfile.Parse([]byte(text))
			b.ReportAllocs()
			for i := 0; b.Loop(); i++ {
				doc = typeKeystroke(b, doc, at, i)
				var out []Finding
				for _, r := range fam.rules {
					if r.Check == nil {
						continue // reported by Analyze itself (parse errors)
					}
					if err := run(r, &Pass{Doc: doc, rule: r, out: &out}); err != nil {
						b.Fatal(err)
					}
				}
			}
		})
	}
}

// BenchmarkKeystrokePath is one keystroke's work before the first
// publish, at each size lspbench sweeps: the edit applied to the model,
// then the fast analysis. The document is analysed once before the loop,
// as the server does on didOpen. cpu-ns/op is the process's CPU time per
// keystroke (GC included): on a shared machine ns/op mostly says how busy
// the others were.
func BenchmarkKeystrokePath(b *testing.B) {
	for _, lines := range []int{20, 54, 200, 2000, 10000} {
		b.Run(fmt.Sprintf("%dlines", lines), func(b *testing.B) {
			text := testgen.Dockerfile(lines, max(1, lines*110/2000))
			doc := dockerfile.Parse([]byte(text))
			at := testgen.TypingAt(text)
			Analyze(doc, nil)
			b.ReportAllocs()
			cpu := testgen.ProcessCPU()
			for i := 0; b.Loop(); i++ {
				doc = typeKeystroke(b, doc, at, i)
				Analyze(doc, nil)
			}
			b.ReportMetric(float64(testgen.ProcessCPU()-cpu)/float64(b.N), "cpu-ns/op")
		})
	}
}

// typeKeystroke applies the i-th keystroke of testgen's typing at at.
func typeKeystroke(b *testing.B, doc *dockerfile.Document, at, i int) *dockerfile.Document {
	b.Helper()
	start, end, typed := testgen.Keystroke(at, i)
	next, err := doc.Apply(dockerfile.Edit{Start: start, End: end, Text: typed})
	if err != nil {
		b.Fatal(err)
	}
	return next
}
