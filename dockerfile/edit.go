package dockerfile

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/moby/buildkit/frontend/dockerfile/parser"

	"github.com/dockerfile-ls/dockerfile-ls/textpos"
)

// Edit replaces the bytes [Start, End) of a text with Text.
type Edit struct {
	Start, End int
	Text       string
}

// Apply returns the document after the edits, applied one after the other
// (each edit's offsets refer to the text left by the previous one, as in an
// LSP didChange). The receiver is not modified.
//
// Only the instructions an edit touches are re-parsed; the others are
// shifted and shared. Edits that could change how the rest of the file
// parses (parser directives, the escape character, heredocs, an open line
// continuation, a file with a parse error) fall back to a full parse.
func (d *Document) Apply(edits ...Edit) (*Document, error) {
	for _, e := range edits {
		if e.Start < 0 || e.End < e.Start || e.End > len(d.Text) {
			return nil, fmt.Errorf("edit [%d,%d) is outside the document (%d bytes)", e.Start, e.End, len(d.Text))
		}
		d = d.applyOne(e)
	}
	return d, nil
}

func (d *Document) applyOne(e Edit) *Document {
	text := make([]byte, 0, len(d.Text)-(e.End-e.Start)+len(e.Text))
	text = append(append(append(text, d.Text[:e.Start]...), e.Text...), d.Text[e.End:]...)
	if nd := d.splice(e, text); nd != nil {
		return nd
	}
	return Parse(text)
}

// splice re-parses the instructions around the edit and reuses the rest, or
// returns nil when only a full parse is safe.
func (d *Document) splice(e Edit, text []byte) *Document {
	if d.Error != nil || d.Escape != parser.DefaultEscapeToken || len(d.Instructions) == 0 ||
		strings.Contains(e.Text, "<<") || bytes.Contains(d.Text[e.Start:e.End], []byte("<<")) {
		return nil
	}
	startLine, endLine := d.Lines.LineOf(e.Start), d.Lines.LineOf(e.End)
	// a: the last instruction starting at or before the edit; edits above
	// the first instruction may change the directives.
	a := d.lastStartingAtOrBefore(startLine)
	if a >= 0 && d.Instructions[a].Line == startLine {
		// The edit may put a comment in front of instruction a; start the
		// region one instruction earlier, on a line the edit left alone, so
		// that the parser does not read that comment as a directive.
		a--
	}
	if a < 0 {
		return nil
	}
	// b: the first instruction after the edit, included so that joining or
	// splitting lines next to it is re-parsed too.
	b := d.lastStartingAtOrBefore(endLine) + 1
	last := min(b, len(d.Instructions)-1)
	for _, in := range d.Instructions[a : last+1] {
		if len(in.Heredocs) > 0 {
			return nil
		}
	}
	regionStart := d.Lines.Start(d.Instructions[a].Line)
	oldEnd := len(d.Text)
	if last+1 < len(d.Instructions) {
		oldEnd = d.Lines.Start(d.Instructions[last].EndLine + 1)
	}
	delta := len(text) - len(d.Text)
	region := text[regionStart : oldEnd+delta]
	if bytes.Contains(region, []byte("<<")) || endsInContinuation(region) {
		return nil
	}
	res, err := parseAST(region)
	if err != nil && !strings.Contains(err.Error(), errNoInstructions) {
		return nil
	}
	nd := &Document{Text: text, Lines: textpos.NewLines(text), Escape: d.Escape}
	lineBase := d.Instructions[a].Line
	lineDelta := nd.Lines.Count() - d.Lines.Count()
	var mid []*Instruction
	if res != nil {
		mid = nd.regionInstructions(res.AST.Children, lineBase, d, d.Instructions[a:last+1])
	}
	nd.Instructions = make([]*Instruction, 0, len(d.Instructions)+len(mid)-(last+1-a))
	for _, in := range d.Instructions[:a] {
		// A copy: finish() sets each instruction's Stage, and the previous
		// version, still read by other goroutines, must not see that.
		c := *in
		nd.Instructions = append(nd.Instructions, &c)
	}
	nd.Instructions = append(nd.Instructions, mid...)
	for _, in := range d.Instructions[last+1:] {
		nd.Instructions = append(nd.Instructions, in.shifted(delta, lineDelta))
	}
	nd.Warnings = d.spliceWarnings(nd, res, regionStart, oldEnd, delta, lineBase)
	nd.finish()
	nd.setPrior(d)
	return nd
}

// regionInstructions builds the instructions of the re-parsed region from
// BuildKit's nodes. One whose text the edit left as it was (the region
// takes in the instructions on either side of the edit) is its old
// instruction in d moved, as those outside the region are: it keeps what
// was derived from it, and is not checked by BuildKit again. old are the
// region's instructions in d.
func (nd *Document) regionInstructions(nodes []*parser.Node, lineBase int, d *Document, old []*Instruction) []*Instruction {
	out := make([]*Instruction, 0, len(nodes))
	for k, n := range nodes {
		line, endLine := nd.clampLine(lineBase+n.StartLine-1), nd.clampLine(lineBase+n.EndLine-1)
		start, end := nd.lineTextStart(line), nd.Lines.End(endLine)
		// The same instruction, counted from the region's start or end.
		if o := sameText(d, nd.Text[start:end], endLine-line, old, k, len(old)-len(nodes)+k); o != nil {
			out = append(out, o.shifted(start-o.Span.Start, line-o.Line))
			continue
		}
		out = append(out, nd.buildInstruction(n, line, endLine))
	}
	return out
}

// sameText is the first of old[i] and old[j] whose text in d is text,
// over the same number of lines (BuildKit may end an instruction on a
// line after its text), or nil.
func sameText(d *Document, text []byte, lines int, old []*Instruction, i, j int) *Instruction {
	for _, k := range [2]int{i, j} {
		if k < 0 || k >= len(old) {
			continue
		}
		if o := old[k]; o.EndLine-o.Line == lines && bytes.Equal(d.Text[o.Span.Start:o.Span.End], text) {
			return o
		}
	}
	return nil
}

// lastStartingAtOrBefore is the index of the last instruction whose first
// line is at or before line, or -1.
func (d *Document) lastStartingAtOrBefore(line int) int {
	lo, hi := 0, len(d.Instructions)
	for lo < hi {
		m := (lo + hi) / 2
		if d.Instructions[m].Line <= line {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo - 1
}

// endsInContinuation reports whether the region's last line continues onto
// the text after it, which would make the region's parse differ from the
// whole file's.
func endsInContinuation(region []byte) bool {
	region = bytes.TrimRight(region, "\r\n")
	lastLine := region[bytes.LastIndexByte(region, '\n')+1:]
	_, more := Continuation(lastLine, parser.DefaultEscapeToken)
	return more
}

func (d *Document) spliceWarnings(nd *Document, res *parser.Result, regionStart, oldEnd, delta, lineBase int) []Warning {
	var out []Warning
	for _, w := range d.Warnings {
		if w.Span.End <= regionStart {
			out = append(out, w)
		}
	}
	if res != nil {
		out = append(out, nd.convertWarnings(res.Warnings, lineBase)...)
	}
	for _, w := range d.Warnings {
		// A region running to the end of the file has nothing after it: an
		// empty warning span at the very end (a blank last line) is its own.
		if oldEnd < len(d.Text) && w.Span.Start >= oldEnd {
			w.Span = w.Span.Shift(delta)
			out = append(out, w)
		}
	}
	return out
}

// shifted returns a copy of the instruction moved by delta bytes and
// lineDelta lines; what was derived from its text is shared.
func (in *Instruction) shifted(delta, lineDelta int) *Instruction {
	c := *in
	c.Line += lineDelta
	c.EndLine += lineDelta
	c.KeywordSpan = c.KeywordSpan.Shift(delta)
	c.Span = c.Span.Shift(delta)
	c.ArgsSpan = c.ArgsSpan.Shift(delta)
	c.Flags = append([]Flag(nil), in.Flags...)
	for i := range c.Flags {
		f := &c.Flags[i]
		f.Span, f.NameSpan, f.ValueSpan = f.Span.Shift(delta), f.NameSpan.Shift(delta), f.ValueSpan.Shift(delta)
	}
	c.Args = append([]Word(nil), in.Args...)
	for i := range c.Args {
		c.Args[i].Span = c.Args[i].Span.Shift(delta)
	}
	c.Heredocs = append([]Heredoc(nil), in.Heredocs...)
	for i := range c.Heredocs {
		h := &c.Heredocs[i]
		h.NameSpan, h.Body, h.EndSpan = h.NameSpan.Shift(delta), h.Body.Shift(delta), h.EndSpan.Shift(delta)
	}
	return &c
}
