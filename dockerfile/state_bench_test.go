package dockerfile

import (
	"testing"

	"github.com/dockerfile-ls/dockerfile-ls/internal/testgen"
)

// BenchmarkState is the build state of a 2,000-line file, read the way
// the cache engine and the size hints read it: every instruction's
// scope, COPY sources and mounts, and each RUN's user and workdir.
func BenchmarkState(b *testing.B) {
	doc := Parse([]byte(testgen.Dockerfile(2000, 110)))
	b.ReportAllocs()
	for b.Loop() {
		st := NewState(doc, Options{})
		for _, in := range doc.Instructions {
			x := st.Of(in)
			_, _ = x.Copy(), x.Mounts()
			if in.Keyword == "RUN" {
				_, _ = x.User(), x.Workdir()
			}
		}
	}
}
