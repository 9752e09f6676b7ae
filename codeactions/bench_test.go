package codeactions

import (
	"os"
	"testing"

	"github.com/dockerfile-ls/dockerfile-ls/diagnostics"
	"github.com/dockerfile-ls/dockerfile-ls/dockerfile"
	"github.com/dockerfile-ls/dockerfile-ls/internal/testgen"
)

// BenchmarkFixes computes every quick fix for every finding of the first
// 200 corpus files (real Dockerfiles, which have findings to fix), as a
// code-action request does for each; it reports the time per file.
func BenchmarkFixes(b *testing.B) {
	type file struct {
		doc      *dockerfile.Document
		findings []diagnostics.Finding
	}
	var files []file
	for _, path := range testgen.CorpusFiles(b)[:200] {
		text, err := os.ReadFile(path)
		if err != nil {
			b.Fatal(err)
		}
		doc := dockerfile.Parse(text)
		findings, _ := diagnostics.Analyze(doc, nil)
		files = append(files, file{doc, findings})
	}
	b.ReportAllocs()
	offered := 0
	for b.Loop() {
		offered = 0
		for _, f := range files {
			offered += len(For(f.doc.State(dockerfile.Options{}), f.findings, nil))
		}
	}
	if offered == 0 {
		b.Fatal("no fixes offered")
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N*len(files)), "µs/file")
}
