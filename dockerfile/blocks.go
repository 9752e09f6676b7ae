package dockerfile

import (
	"slices"
	"strings"
)

// BlockStart is where an instruction's block begins, for a fix that moves
// it or writes above it: its first line, or the comment lines directly
// above it, which describe it and go with it (parser directives stay).
func (d *Document) BlockStart(in *Instruction) int {
	line := in.Line
	for line > 0 {
		prev := strings.TrimSpace(d.Slice(Span{Start: d.Lines.Start(line - 1), End: d.Lines.End(line - 1)}))
		if !strings.HasPrefix(prev, "#") || d.isDirectiveLine(line-1) {
			break
		}
		line--
	}
	return d.Lines.Start(line)
}

func (d *Document) isDirectiveLine(line int) bool {
	return slices.ContainsFunc(d.Directives, func(x Directive) bool { return d.Lines.LineOf(x.Span.Start) == line })
}

// LineAfter is the offset where the line after line starts, or the end of
// the text.
func (d *Document) LineAfter(line int) int {
	if line+1 < d.Lines.Count() {
		return d.Lines.Start(line + 1)
	}
	return len(d.Text)
}

// LineEnding is how line ends ("\r\n" or "\n"), for text a fix writes
// beside it.
func (d *Document) LineEnding(line int) string {
	if end := d.Lines.End(line); end < len(d.Text) && d.Text[end] == '\r' {
		return "\r\n"
	}
	return "\n"
}
