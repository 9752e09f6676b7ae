package cache

import (
	"testing"

	"github.com/dockerfile-ls/dockerfile-ls/dockerfile"
	"github.com/dockerfile-ls/dockerfile-ls/internal/testgen"
)

// BenchmarkPredict is the prediction behind the cache lenses and hovers:
// which steps of a 2,000-line file re-run when one source file changes.
func BenchmarkPredict(b *testing.B) {
	doc := dockerfile.Parse([]byte(testgen.Dockerfile(2000, 110)))
	ch := Change{Paths: []string{"src/main.go"}}
	b.ReportAllocs()
	for b.Loop() {
		if steps := Predict(Input{Doc: doc}, ch); len(steps) == 0 {
			b.Fatal("no steps predicted")
		}
	}
}
