package features

import (
	"fmt"
	"strings"

	"github.com/dockerfile-ls/dockerfile-ls/dockerfile"
	"github.com/dockerfile-ls/dockerfile-ls/textpos"
)

// withCursor parses src with the cursor at its "|" (removed).
func withCursor(src string) (*dockerfile.Document, int) {
	i := strings.Index(src, "|")
	if i < 0 {
		panic("no cursor in " + src)
	}
	return dockerfile.Parse([]byte(src[:i] + src[i+1:])), i
}

// noArgs is doc's build state for a build without build args: what an
// editor without build settings sees.
func noArgs(doc *dockerfile.Document) *dockerfile.BuildState {
	return doc.State(dockerfile.Options{})
}

// rng shows a span as zero-based line:col-line:col (UTF-8 columns).
func rng(doc *dockerfile.Document, s Span) string {
	a, b := doc.Lines.Pos(s.Start, textpos.UTF8), doc.Lines.Pos(s.End, textpos.UTF8)
	return fmt.Sprintf("%d:%d-%d:%d", a.Line, a.Col, b.Line, b.Col)
}

// spans shows spans with their text: `V`@1:4-1:5.
func spans(doc *dockerfile.Document, ss []Span) string {
	var out []string
	for _, s := range ss {
		out = append(out, fmt.Sprintf("%s@%s", doc.Slice(s), rng(doc, s)))
	}
	return strings.Join(out, " ")
}
