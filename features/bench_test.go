package features

import (
	"fmt"
	"testing"

	"github.com/dockerfile-ls/dockerfile-ls/dockerfile"
	"github.com/dockerfile-ls/dockerfile-ls/internal/testgen"
)

var benchSizes = []struct{ lines, stages int }{{2000, 10}, {10000, 40}}

// BenchmarkSemanticTokens measures a full tokenisation of a parsed file
// (RUN scripts parsed once and memoised, as between keystrokes); "cold"
// parses the file, and so every RUN script, each time.
func BenchmarkSemanticTokens(b *testing.B) {
	for _, sz := range benchSizes {
		text := []byte(testgen.Dockerfile(sz.lines, sz.stages))
		b.Run(fmt.Sprintf("lines=%d/warm", sz.lines), func(b *testing.B) {
			doc := dockerfile.Parse(text)
			SemanticTokens(doc)
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				SemanticTokens(doc)
			}
		})
		b.Run(fmt.Sprintf("lines=%d/cold", sz.lines), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				SemanticTokens(dockerfile.Parse(text))
			}
		})
	}
}

// BenchmarkCompletion measures completion in the last stage of the file:
// a variable after "$" and a --mount option.
func BenchmarkCompletion(b *testing.B) {
	for _, sz := range benchSizes {
		base := testgen.Dockerfile(sz.lines, sz.stages)
		for _, c := range []struct{ name, tail string }{
			{"variable", "RUN echo $"},
			{"mount", "RUN --mount=type=cache,"},
			{"keyword", "R"},
		} {
			text := base + c.tail
			doc := dockerfile.Parse([]byte(text))
			b.Run(fmt.Sprintf("lines=%d/%s", sz.lines, c.name), func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					if len(Complete(doc, len(text), CompletionOptions{Snippets: true})) == 0 {
						b.Fatal("no items")
					}
				}
			})
		}
	}
}
