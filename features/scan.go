package features

import (
	"bytes"

	"github.com/dockerfile-ls/dockerfile-ls/dockerfile"
)

// Span is a half-open range of byte offsets into the document's text.
type Span = dockerfile.Span

func isBlank(b byte) bool { return b == ' ' || b == '\t' || b == '\r' || b == '\v' || b == '\f' }

// command is the instruction's text from its keyword to the end of its last
// command line (heredoc bodies excluded), joined.
func command(doc *dockerfile.Document, in *dockerfile.Instruction) *dockerfile.Logical {
	// The keyword's own line: an instruction may begin with a bare
	// continuation line ("\\\n" then the keyword), which BuildKit counts as
	// its first line.
	return dockerfile.JoinLines(doc, doc.Lines.LineOf(in.KeywordSpan.Start), in.KeywordSpan.Start, len(doc.Text))
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
		for k < len(text) && dockerfile.IsNameByte(text[k], k == j) {
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

// validName reports whether s can name a variable.
func validName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !dockerfile.IsNameByte(s[i], i == 0) {
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
func varRefsIn(doc *dockerfile.Document, in *dockerfile.Instruction, l *dockerfile.Logical, emit func(varRef)) {
	if !expandsVars(in) && len(in.Flags) == 0 {
		return
	}
	qs := quoteScanner{escape: byte(doc.Escape), quotes: true}
	from := 0
	if !expandsVars(in) {
		// Only the flags expand (e.g. RUN --mount=target=$DIR ["x"]).
		n := l.Index(in.Flags[len(in.Flags)-1].Span.End)
		qs.scan(l.Text[:n], l.Offset, emit)
		return
	}
	// Skip the keyword itself.
	from = l.Index(in.KeywordSpan.End)
	qs.scan(l.Text[from:], func(i int) int { return l.Offset(from + i) }, emit)
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
