package dockerfile

import (
	"strings"
	"testing"
)

// TestManyContinuationLines: a RUN of 100,000 continuation lines (600 KB)
// is parsed, joined and read in linear time. Logical.Offset and Index
// scanned the segments one by one, once per word: 13 s.
func TestManyContinuationLines(t *testing.T) {
	const n = 100000
	text := "FROM alpine\nRUN echo \\\n" + strings.Repeat("  b \\\n", n) + "  c\n"
	var d *Document
	timed(t, "parse", func() { d = Parse([]byte(text)) })
	run := d.Instructions[1]
	timed(t, "script, command text, words", func() {
		if s := d.Script(run); s == nil || len(s.Commands) != 1 || len(s.Commands[0].Args) != n+2 {
			t.Errorf("script: %+v", s)
		}
		if got := d.CommandText(run); len(got) != len("RUN echo ")+4*n+3 {
			t.Errorf("command text of %d bytes", len(got))
		}
		l := JoinLines(d, run.Line, run.KeywordSpan.Start, len(d.Text))
		if ws := l.Words('\\'); len(ws) != n+3 {
			t.Errorf("%d words", len(ws))
		}
	})
	if last := run.Args[len(run.Args)-1]; d.Slice(last.Span) != "c" {
		t.Errorf("last word at %v covers %q", last.Span, d.Slice(last.Span))
	}
}

// TestLogicalOffsets: Offset and Index map between the joined text and the
// file, skipped lines and empty segments included.
func TestLogicalOffsets(t *testing.T) {
	text := "RUN a \\\n# c\n\\\n  b \\\n  c"
	d := Parse([]byte(text))
	l := JoinLines(d, 0, 0, len(text))
	if string(l.Text) != "RUN a   b   c" {
		t.Fatalf("joined %q", l.Text)
	}
	for i := range l.Text {
		off := l.Offset(i)
		if text[off] != l.Text[i] {
			t.Errorf("Offset(%d) = %d: %q, want %q", i, off, text[off], l.Text[i])
		}
		if got := l.Index(off); got != i {
			t.Errorf("Index(Offset(%d)) = %d", i, got)
		}
	}
	if got := l.Offset(len(l.Text)); got != len(text) {
		t.Errorf("Offset(end) = %d, want %d", got, len(text))
	}
	if got := l.Index(strings.Index(text, "# c")); got != len("RUN a ") {
		t.Errorf("Index of a skipped line = %d, want %d", got, len("RUN a "))
	}
}
