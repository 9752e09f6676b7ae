package features

import (
	"strings"

	"github.com/dockerfile-ls/dockerfile-ls/dockerfile"
)

// FormatOptions shape the formatting.
type FormatOptions struct {
	// Indent is put in front of every continuation line; "" means four
	// spaces.
	Indent string
	// KeepMultiline leaves the continuation lines of multi-line
	// instructions as they are.
	KeepMultiline bool
}

// Format returns the minimal edits that format the document: keywords in
// upper case, instructions and comments at the start of their line, one
// indent in front of each continuation line, no trailing blanks. It never
// touches heredoc bodies, the inside of quotes or of exec-form JSON
// arrays, nor anything from a parse error on; formatting a formatted file
// changes nothing.
func Format(doc *dockerfile.Document, opts FormatOptions) []dockerfile.Edit {
	f := &formatter{doc: doc, indent: opts.Indent, keep: opts.KeepMultiline}
	if f.indent == "" {
		f.indent = "    "
	}
	return f.run()
}

// FormatRange is Format restricted to the lines that r touches.
func FormatRange(doc *dockerfile.Document, opts FormatOptions, r Span) []dockerfile.Edit {
	first := doc.Lines.LineOf(r.Start)
	last := doc.Lines.LineOf(r.End)
	if r.End > r.Start && last > first && r.End == doc.Lines.Start(last) {
		last-- // a selection ending at the start of a line does not include it
	}
	var out []dockerfile.Edit
	for _, e := range Format(doc, opts) {
		if l := doc.Lines.LineOf(e.Start); first <= l && l <= last {
			out = append(out, e)
		}
	}
	return out
}

type formatter struct {
	doc    *dockerfile.Document
	indent string
	keep   bool
	edits  []dockerfile.Edit
}

func (f *formatter) edit(start, end int, text string) {
	if end-start == len(text) && string(f.doc.Text[start:end]) == text {
		return
	}
	f.edits = append(f.edits, dockerfile.Edit{Start: start, End: end, Text: text})
}

func (f *formatter) run() []dockerfile.Edit {
	doc := f.doc
	limit := doc.Lines.Count()
	if doc.Error != nil {
		limit = doc.Lines.LineOf(doc.Error.Span.Start)
	}
	next := 0 // the next instruction
	for line := 0; line < limit; line++ {
		for next < len(doc.Instructions) && doc.Instructions[next].EndLine < line {
			next++
		}
		if next < len(doc.Instructions) && doc.Instructions[next].Line == line {
			in := doc.Instructions[next]
			if in.EndLine >= limit {
				break
			}
			f.instruction(in)
			line = in.EndLine
			continue
		}
		// A line outside instructions: blank, comment or directive.
		start, end := f.lineStart(line), doc.Lines.End(line)
		text := doc.Text[start:end]
		lead := leadingBlanks(text)
		if lead < len(text) && text[lead] == '#' {
			f.edit(start, start+lead, "")
		}
		f.trimTrailing(line, start)
	}
	return f.edits
}

func (f *formatter) lineStart(line int) int {
	s := f.doc.Lines.Start(line)
	if line == 0 {
		s += bomLen(f.doc.Text)
	}
	return s
}

func leadingBlanks(b []byte) int {
	n := 0
	for n < len(b) && (b[n] == ' ' || b[n] == '\t') {
		n++
	}
	return n
}

// trimTrailing removes the blanks at the end of line (not before from).
func (f *formatter) trimTrailing(line, from int) {
	end := f.doc.Lines.End(line)
	i := end
	for i > from && (f.doc.Text[i-1] == ' ' || f.doc.Text[i-1] == '\t') {
		i--
	}
	if i > from && f.doc.Text[i-1] == '\r' && end < len(f.doc.Text) && f.doc.Text[end] == '\n' {
		// A stray '\r' left last on a line ending in "\n" would become
		// part of a "\r\n" line break, and what is before it trailing
		// blanks again: leave such a line as it is.
		return
	}
	if i < end {
		f.edit(i, end, "")
	}
}

func (f *formatter) instruction(in *dockerfile.Instruction) {
	doc := f.doc
	if doc.Lines.LineOf(in.KeywordSpan.Start) != in.Line {
		// The first line holds only the escape and the keyword follows on
		// the next: too odd a layout to change; only its case is fixed.
		f.keyword(in.KeywordSpan)
		return
	}
	// The keyword line.
	start := f.lineStart(in.Line)
	if in.KeywordSpan.Start > start && strings.Trim(string(doc.Text[start:in.KeywordSpan.Start]), " \t") == "" {
		f.edit(start, in.KeywordSpan.Start, "")
	}
	f.keyword(in.KeywordSpan)
	if in.Keyword == "ONBUILD" && len(in.Args) > 0 && data.instruction(in.Args[0].Value) != nil {
		f.keyword(in.Args[0].Span)
	}
	// The command's lines, then heredoc bodies (never touched).
	esc := byte(doc.Escape)
	var q quoteTracker
	q.escape = esc
	more := true
	for line := in.Line; line <= in.EndLine; line++ {
		ls, le := doc.Lines.Start(line), doc.Lines.End(line)
		text := doc.Text[ls:le]
		cont := line > in.Line
		if cont && !more {
			break // past the command: heredoc bodies follow
		}
		if cont && f.keep {
			// Leave the line as written, but keep the quote state right.
			if !dockerfile.SkippedLine(text) {
				cut, m := dockerfile.Continuation(text, esc)
				q.feed(text[:cut])
				more = m
			}
			continue
		}
		if cont && dockerfile.SkippedLine(text) {
			lead := leadingBlanks(text)
			if lead < len(text) && text[lead] == '#' {
				f.reindent(ls, lead)
				f.trimTrailing(line, ls+lead)
			} else {
				f.trimTrailing(line, ls)
			}
			continue
		}
		if lead := leadingBlanks(text); cont && q.quote == 0 && !in.JSONForm && (lead > 0 || q.blankEnd()) {
			// With no blank on either side the line continues a word:
			// indenting it would split the word.
			f.reindent(ls, lead)
		}
		cut, m := dockerfile.Continuation(text, esc)
		if cont {
			q.feed(text[:cut])
		} else {
			// Quotes count only after the keyword, which BuildKit splits
			// off at the first blank whatever it holds.
			q.feed(text[min(in.KeywordSpan.End-ls, cut):cut])
		}
		more = m
		if m || q.quote == 0 {
			f.trimTrailing(line, ls+leadingBlanks(text))
		}
	}
}

// reindent sets the blanks at the start of a continuation line (lead bytes
// long, starting at ls) to one indent, with the smallest edit.
func (f *formatter) reindent(ls, lead int) {
	have := string(f.doc.Text[ls : ls+lead])
	switch {
	case have == f.indent:
	case strings.HasPrefix(have, f.indent):
		f.edit(ls+len(f.indent), ls+lead, "")
	case strings.HasPrefix(f.indent, have):
		f.edit(ls+lead, ls+lead, f.indent[lead:])
	default:
		f.edit(ls, ls+lead, f.indent)
	}
}

// keyword upper-cases an instruction keyword written on one line.
func (f *formatter) keyword(s Span) {
	kw := f.doc.Text[s.Start:s.End]
	up := strings.ToUpper(string(kw))
	if string(kw) == up || strings.ContainsAny(string(kw), "\r\n") || data.instruction(up) == nil {
		return
	}
	// Only the letters that change, to keep the edit minimal.
	i, j := 0, len(kw)
	for i < j && kw[i] == up[i] {
		i++
	}
	for j > i && kw[j-1] == up[j-1] {
		j--
	}
	f.edit(s.Start+i, s.Start+j, up[i:j])
}

// quoteTracker follows quotes across the lines of a command.
type quoteTracker struct {
	escape      byte
	quote       byte
	last        byte // the last byte fed
	lastEscaped bool // the last byte fed followed the escape character
}

// blankEnd reports whether what was fed so far ends with a blank that
// separates words (an escaped one, as in `a\ `, belongs to its word).
func (q *quoteTracker) blankEnd() bool {
	return (q.last == ' ' || q.last == '\t') && !q.lastEscaped
}

func (q *quoteTracker) feed(b []byte) {
	if len(b) > 0 {
		q.last, q.lastEscaped = b[len(b)-1], false
	}
	for i := 0; i < len(b); i++ {
		c := b[i]
		switch {
		case c == q.escape && q.quote != '\'':
			i++
			q.lastEscaped = q.lastEscaped || i == len(b)-1
		case q.quote == 0 && (c == '"' || c == '\''):
			q.quote = c
		case c == q.quote:
			q.quote = 0
		}
	}
}
