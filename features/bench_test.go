package features

import (
	"fmt"
	"strings"
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
					if len(CompleteFor(noArgs(doc), len(text), CompletionOptions{Snippets: true})) == 0 {
						b.Fatal("no items")
					}
				}
			})
		}
	}
}

// navigationTail ends a generated file with references to its variables
// and a COPY, which the generator writes none of.
const navigationTail = "COPY --chown=app:app src/ /app/\nRUN echo $APP_HOME\n"

// BenchmarkHover measures a hover in the last stage of the file: on a
// variable reference (its value there) and on instruction keywords (with
// the step's cache note). "warm" asks the same version again; "cold"
// first drops what was derived from it, as after an edit.
func BenchmarkHover(b *testing.B) {
	for _, sz := range benchSizes {
		text := testgen.Dockerfile(sz.lines, sz.stages) + navigationTail
		doc := dockerfile.Parse([]byte(text))
		for _, c := range []struct {
			name, at string
			into     int // the cursor's place in at
		}{
			{"variable", "$APP_HOME", 3},
			{"declaration", "ENV APP_HOME", 6},
			{"run", "RUN echo", 1},
			{"copy", "COPY --chown", 1},
		} {
			off := strings.LastIndex(text, c.at) + c.into
			if _, ok := HoverFor(noArgs(doc), off); !ok {
				b.Fatalf("no hover on %s", c.name)
			}
			b.Run(fmt.Sprintf("lines=%d/%s/warm", sz.lines, c.name), func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					HoverFor(noArgs(doc), off)
				}
			})
			b.Run(fmt.Sprintf("lines=%d/%s/cold", sz.lines, c.name), func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					b.StopTimer()
					doc.Forget()
					b.StartTimer()
					HoverFor(noArgs(doc), off)
				}
			})
		}
	}
}

// BenchmarkSymbols measures the document outline, on a version asked
// before (warm) and after what was derived from it is dropped (cold).
func BenchmarkSymbols(b *testing.B) {
	for _, sz := range benchSizes {
		doc := dockerfile.Parse([]byte(testgen.Dockerfile(sz.lines, sz.stages)))
		b.Run(fmt.Sprintf("lines=%d/warm", sz.lines), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				SymbolsFor(noArgs(doc))
			}
		})
		b.Run(fmt.Sprintf("lines=%d/cold", sz.lines), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				b.StopTimer()
				doc.Forget()
				b.StartTimer()
				SymbolsFor(noArgs(doc))
			}
		})
	}
}

// BenchmarkNavigation measures go to definition and find references on a
// variable of the last stage.
func BenchmarkNavigation(b *testing.B) {
	for _, sz := range benchSizes {
		text := testgen.Dockerfile(sz.lines, sz.stages) + navigationTail
		doc := dockerfile.Parse([]byte(text))
		off := strings.LastIndex(text, "$APP_HOME") + 3
		if _, ok := Definition(doc, off); !ok {
			b.Fatal("no definition")
		}
		b.Run(fmt.Sprintf("lines=%d/definition", sz.lines), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				Definition(doc, off)
			}
		})
		b.Run(fmt.Sprintf("lines=%d/references", sz.lines), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				References(doc, off, true)
			}
		})
	}
}

// BenchmarkFolding measures the folding ranges, asked on every keystroke.
func BenchmarkFolding(b *testing.B) {
	for _, sz := range benchSizes {
		doc := dockerfile.Parse([]byte(testgen.Dockerfile(sz.lines, sz.stages)))
		b.Run(fmt.Sprintf("lines=%d", sz.lines), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				Folding(doc)
			}
		})
	}
}
