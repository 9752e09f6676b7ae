package diagnostics

import (
	"context"
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
