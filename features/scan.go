package features

import (
	"bytes"

	"github.com/dockerfile-ls/dockerfile-ls/dockerfile"
)

// Span is a half-open range of byte offsets into the document's text.
type Span = dockerfile.Span

// logical is part of an instruction with its continuation lines joined as
// BuildKit joins them (escape character and line break removed, comment
// and empty lines inside the continuation dropped), mapped back to file
// offsets. A one-line command shares the document's bytes.
type logical struct {
	text []byte
	segs []segment // in order; segs[k] maps text[at:] to the file from start
	end  int       // file offset just after the last byte taken
}

type segment struct{ at, start int }

// off is the file offset of text[i] (l.end for i == len(text)).
func (l *logical) off(i int) int {
	if i >= len(l.text) {
		return l.end
	}
	k := len(l.segs) - 1
	for k > 0 && l.segs[k].at > i {
		k--
	}
	return l.segs[k].start + i - l.segs[k].at
}

// span maps the logical range [i, j) to a file span.
func (l *logical) span(i, j int) Span {
	if j <= i {
		o := l.off(i)
		return Span{Start: o, End: o}
	}
	return Span{Start: l.off(i), End: l.off(j-1) + 1}
}

// index is the first logical index whose file offset is at or after off.
func (l *logical) index(off int) int {
	for k := len(l.segs) - 1; k >= 0; k-- {
		sg := l.segs[k]
		if off >= sg.start {
			next := len(l.text)
			if k+1 < len(l.segs) {
				next = l.segs[k+1].at
			}
			return min(sg.at+off-sg.start, next)
		}
	}
	return 0
}

func isBlank(b byte) bool { return b == ' ' || b == '\t' || b == '\r' || b == '\v' || b == '\f' }

// skippedLine reports whether a line inside a continuation is dropped by
// BuildKit: empty (blanks only) or a comment.
func skippedLine(line []byte) bool {
	t := bytes.TrimLeft(line, " \t\r\v\f")
	return len(t) == 0 || t[0] == '#'
}

// joinLines joins the command starting at from (an offset on line first)
// until its last continuation line, stopping early at limit (a file offset).
func joinLines(doc *dockerfile.Document, first, from, limit int) *logical {
	l := &logical{end: from}
	esc := byte(doc.Escape)
	for line := first; line < doc.Lines.Count(); line++ {
		start, end := doc.Lines.Start(line), doc.Lines.End(line)
		if line == first {
			start = min(from, end)
		} else if skippedLine(doc.Text[start:end]) {
			if start >= limit {
				break
			}
			continue
		}
		if start > limit {
			break
		}
		cut, more := dockerfile.Continuation(doc.Text[start:end], esc)
		stop := min(start+cut, limit)
		if len(l.segs) == 1 {
			// A second line: stop sharing the document's bytes.
			l.text = append(make([]byte, 0, 2*len(l.text)+stop-start), l.text...)
		}
		l.segs = append(l.segs, segment{at: len(l.text), start: start})
		if len(l.segs) == 1 {
			l.text = doc.Text[start:stop:stop]
		} else {
			l.text = append(l.text, doc.Text[start:stop]...)
		}
		l.end = stop
		if !more || stop < start+cut {
			break
		}
	}
	if len(l.segs) == 0 {
		l.segs = []segment{{0, from}}
	}
	return l
}

// command is the instruction's text from its keyword to the end of its last
// command line (heredoc bodies excluded), joined.
func command(doc *dockerfile.Document, in *dockerfile.Instruction) *logical {
	// The keyword's own line: an instruction may begin with a bare
	// continuation line ("\\\n" then the keyword), which BuildKit counts as
	// its first line.
	return joinLines(doc, doc.Lines.LineOf(in.KeywordSpan.Start), in.KeywordSpan.Start, len(doc.Text))
}

// lword is a word of a logical text: raw as written (quotes kept), with its
// logical bounds.
type lword struct {
	raw        string
	start, end int // indexes into logical.text
}

// words splits a logical text on unquoted blanks, honouring quotes and the
// escape character the way a reader sees words. Unterminated quotes run to
// the end.
func words(text []byte, escape byte) []lword {
	var out []lword
	i := 0
	for i < len(text) {
		for i < len(text) && isBlank(text[i]) {
			i++
		}
		if i >= len(text) {
			break
		}
		start := i
		var quote byte
		for i < len(text) && (quote != 0 || !isBlank(text[i])) {
			c := text[i]
			switch {
			case c == escape && quote != '\'' && i+1 < len(text):
				i += 2
				continue
			case quote == 0 && (c == '"' || c == '\''):
				quote = c
			case c == quote:
				quote = 0
			}
			i++
		}
		out = append(out, lword{raw: string(text[start:i]), start: start, end: i})
	}
	return out
}

// varRef is a $NAME or ${NAME...} in the text.
type varRef struct {
	Name  string
	Span  Span // the name only
	Whole Span // from the $ to the end of the name (or the closing brace)
}

// quoteScanner finds variable references, honouring quotes (nothing expands
// inside single quotes) and the escape character, across calls (so the
// state carries from one line of a heredoc script to the next).
type quoteScanner struct {
	escape byte
	quotes bool // track quotes at all (false for expanded heredoc bodies)
	quote  byte
}

// scan reports the references in text; at maps an index of text to a file
// offset.
func (q *quoteScanner) scan(text []byte, at func(i int) int, emit func(varRef)) {
	for i := 0; i < len(text); i++ {
		c := text[i]
		switch {
		case c == q.escape && q.quote != '\'':
			i++
			continue
		case q.quotes && q.quote == 0 && (c == '"' || c == '\''):
			q.quote = c
			continue
		case q.quotes && c == q.quote:
			q.quote = 0
			continue
		case c != '$' || q.quote == '\'' || i+1 >= len(text):
			continue
		}
		j := i + 1
		braced := text[j] == '{'
		if braced {
			j++
		}
		k := j
		for k < len(text) && isNameByte(text[k], k == j) {
			k++
		}
		if k == j {
			continue
		}
		whole := k
		if braced {
			if e := bytes.IndexByte(text[k:], '}'); e >= 0 && (e == 0 || !bytes.ContainsAny(text[k:k+e], "{")) {
				whole = k + e + 1
			}
		}
		emit(varRef{
			Name:  string(text[j:k]),
			Span:  Span{Start: at(j), End: at(k-1) + 1},
			Whole: Span{Start: at(i), End: at(whole-1) + 1},
		})
		i = k - 1
	}
}

func isNameByte(b byte, first bool) bool {
	return b == '_' || ('a' <= b && b <= 'z') || ('A' <= b && b <= 'Z') || (!first && '0' <= b && b <= '9')
}

// validName reports whether s can name a variable.
func validName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isNameByte(s[i], i == 0) {
			return false
		}
	}
	return true
}

// instructionOnLine returns the instruction whose lines (heredocs included)
// cover line, or nil.
func instructionOnLine(doc *dockerfile.Document, line int) *dockerfile.Instruction {
	lo, hi := 0, len(doc.Instructions)
	for lo < hi {
		m := (lo + hi) / 2
		in := doc.Instructions[m]
		switch {
		case line < in.Line:
			hi = m
		case line > in.EndLine:
			lo = m + 1
		default:
			return in
		}
	}
	return nil
}

// bodyStart is where the instruction's first heredoc body begins, or -1.
func bodyStart(in *dockerfile.Instruction) int {
	if len(in.Heredocs) == 0 {
		return -1
	}
	return in.Heredocs[0].Body.Start
}

// expandsVars reports whether BuildKit or the shell expands variables in
// the instruction's arguments.
func expandsVars(in *dockerfile.Instruction) bool {
	switch in.Keyword {
	case "ONBUILD", "MAINTAINER":
		return false
	case "RUN", "CMD", "ENTRYPOINT", "SHELL", "HEALTHCHECK":
		return !in.JSONForm
	}
	return true
}

// varRefs lists the variable references of an instruction, in order: in
// its flags and arguments, and in heredoc bodies that expand.
func varRefs(doc *dockerfile.Document, in *dockerfile.Instruction, emit func(varRef)) {
	if !expandsVars(in) && len(in.Flags) == 0 {
		return
	}
	varRefsIn(doc, in, command(doc, in), emit)
}

// varRefsIn is varRefs with the instruction's command already joined.
func varRefsIn(doc *dockerfile.Document, in *dockerfile.Instruction, l *logical, emit func(varRef)) {
	if !expandsVars(in) && len(in.Flags) == 0 {
		return
	}
	qs := quoteScanner{escape: byte(doc.Escape), quotes: true}
	from := 0
	if !expandsVars(in) {
		// Only the flags expand (e.g. RUN --mount=target=$DIR ["x"]).
		n := l.index(in.Flags[len(in.Flags)-1].Span.End)
		qs.scan(l.text[:n], l.off, emit)
		return
	}
	// Skip the keyword itself.
	from = l.index(in.KeywordSpan.End)
	qs.scan(l.text[from:], func(i int) int { return l.off(from + i) }, emit)
	for _, h := range in.Heredocs {
		script := in.Keyword == "RUN" && isHeredocScript(in, h)
		if !h.Expand && !script {
			continue
		}
		hs := quoteScanner{escape: '\\', quotes: script}
		body := doc.Text[h.Body.Start:h.Body.End]
		hs.scan(body, func(i int) int { return h.Body.Start + i }, emit)
	}
}

// isHeredocScript reports whether a RUN heredoc is the script itself
// (RUN <<EOF), not the input of a command (RUN python3 <<EOF).
func isHeredocScript(in *dockerfile.Instruction, h dockerfile.Heredoc) bool {
	return len(in.Args) > 0 && in.Args[0].Span.Start <= h.NameSpan.Start && h.NameSpan.Start < in.Args[0].Span.End
}
