package dockerfile

import (
	"strings"
	"testing"

	"github.com/dockerfile-ls/dockerfile-ls/internal/testgen"
)

func BenchmarkParse(b *testing.B) {
	for _, size := range []struct {
		name          string
		lines, stages int
	}{{"60lines", 60, 3}, {"2000lines", 2000, 110}} {
		text := []byte(testgen.Dockerfile(size.lines, size.stages))
		b.Run(size.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				Parse(text)
			}
		})
	}
}

// BenchmarkKeystroke is one character typed in the middle of a 2,000-line
// file: the splice the server does on every didChange.
func BenchmarkKeystroke(b *testing.B) {
	text := testgen.Dockerfile(2000, 110)
	doc := Parse([]byte(text))
	half := len(text) / 2
	at := strings.Index(text[half:], "echo step 1")
	if at < 0 {
		b.Fatal("generated file changed: no RUN echo in its second half")
	}
	at += half + len("echo step 1")
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		if _, err := doc.Apply(Edit{Start: at, End: at, Text: "x"}); err != nil {
			b.Fatal(err)
		}
	}
}
