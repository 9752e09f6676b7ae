package dockerfile

import (
	"bytes"
	"encoding/json"
	"strings"
	"unique"

	"github.com/moby/buildkit/frontend/dockerfile/parser"
)

// logical is an instruction's command with its continuation lines joined,
// as BuildKit joins them, plus the map back to file offsets.
type logical struct {
	text []byte
	segs []segment // the pieces of text, in order
	end  int       // file offset where the command ends
	last int       // zero-based line where the command ends
}

// segment maps text[at:at+(end-start)] to the file bytes [start, end).
type segment struct{ at, start, end int }

// offset maps an index into the logical text to a file offset.
func (l *logical) offset(i int) int {
	for k := len(l.segs) - 1; k >= 0; k-- {
		s := l.segs[k]
		if i >= s.at {
			return min(s.start+(i-s.at), s.end)
		}
	}
	return l.segs[0].start
}

// span maps a logical range to a file span.
func (l *logical) span(start, end int) Span {
	if end <= start {
		o := l.offset(start)
		return Span{o, o}
	}
	return Span{l.offset(start), l.offset(end-1) + 1}
}

// join collects the command lines starting at line, skipping comment and
// blank lines inside a continuation the way BuildKit's parser does.
func (d *Document) join(line, lastLine int) *logical {
	l := &logical{}
	start := d.lineTextStart(line)
	for i := line; i <= lastLine; i++ {
		if i > line {
			start = d.Lines.Start(i)
			trimmed := bytes.TrimLeft(d.Text[start:d.Lines.End(i)], " \t\r\v\f")
			if len(trimmed) == 0 || trimmed[0] == '#' {
				continue
			}
		}
		end := d.Lines.End(i)
		cut, more := Continuation(d.Text[start:end], byte(d.Escape))
		l.segs = append(l.segs, segment{at: len(l.text), start: start, end: start + cut})
		l.text = append(l.text, d.Text[start:start+cut]...)
		l.end, l.last = start+cut, i
		if !more {
			break
		}
	}
	if len(l.segs) == 0 {
		l.segs = []segment{{0, start, start}}
		l.end, l.last = start, line
	}
	return l
}

// Continuation reports whether line ends with the escape character (and
// optional blanks), BuildKit's line-continuation rule, and where the
// content before it ends. The editing features use it too, so the model
// and they never disagree on where an instruction ends.
func Continuation(line []byte, escape byte) (cut int, more bool) {
	i := len(line)
	for i > 0 && (line[i-1] == ' ' || line[i-1] == '\t') {
		i--
	}
	if i == 0 || line[i-1] != escape {
		return len(line), false
	}
	// BuildKit's regexp needs a character other than the escape before it,
	// or the escape alone on its line.
	if i >= 2 && line[i-2] == escape {
		return len(line), false
	}
	return i - 1, true
}

func (d *Document) buildInstruction(n *parser.Node, line, endLine int) *Instruction {
	line, endLine = d.clampLine(line), d.clampLine(endLine)
	l := d.join(line, endLine)
	in := &Instruction{Line: line, EndLine: endLine, Stage: -1, memo: &memo{}}
	_, in.err = parseCommand(n)
	words := tokenize(l.text, byte(d.Escape))
	if len(words) == 0 {
		in.KeywordSpan = Span{l.segs[0].start, l.segs[0].start}
	} else {
		in.KeywordSpan = l.span(words[0].start, words[0].end)
		words = words[1:]
	}
	// Interned: n.Value is a slice of BuildKit's copy of the whole
	// instruction, which every open document would otherwise keep.
	in.Keyword = unique.Make(strings.ToUpper(n.Value)).Value()
	in.Span = Span{in.KeywordSpan.Start, d.Lines.End(endLine)}
	words = in.takeFlags(l, words)
	if len(words) > 0 {
		in.ArgsSpan = Span{l.offset(words[0].start), l.end}
	} else {
		in.ArgsSpan = Span{l.end, l.end}
	}
	if n.Attributes["json"] && len(words) > 0 {
		in.JSONForm = true
		in.Args = jsonElements(l, words[0].start)
	} else if len(words) > 0 {
		in.Args = make([]Word, 0, len(words)) // every open document keeps these
		for _, w := range words {
			in.Args = append(in.Args, Word{Value: w.value, Span: l.span(w.start, w.end)})
		}
	}
	if len(n.Heredocs) > 0 {
		in.Heredocs = d.locateHeredocs(n.Heredocs, l)
	}
	return in
}

// takeFlags moves the leading "--flag" words into in.Flags, as BuildKit
// does, and returns the remaining words.
func (in *Instruction) takeFlags(l *logical, words []token) []token {
	for len(words) > 0 && strings.HasPrefix(words[0].value, "--") {
		w := words[0]
		words = words[1:]
		f := Flag{Span: l.span(w.start, w.end)}
		name, value, has := strings.Cut(w.value[2:], "=")
		f.Name, f.Value, f.HasValue = name, value, has
		if eq := bytes.IndexByte(l.text[w.start:w.end], '='); eq >= 0 {
			f.NameSpan = l.span(w.start+2, w.start+eq)
			f.ValueSpan = l.span(w.start+eq+1, w.end)
		} else {
			f.NameSpan = l.span(w.start+2, w.end)
			f.ValueSpan = Span{f.Span.End, f.Span.End}
		}
		in.Flags = append(in.Flags, f)
	}
	return words
}

// token is a word of the logical text, with quotes and escapes removed
// from value.
type token struct {
	value      string
	start, end int
}

// tokenize splits on unquoted blanks, honouring '...', "..." and the escape
// character, the way a reader of the Dockerfile sees words.
func tokenize(text []byte, escape byte) []token {
	var out []token
	i := 0
	for i < len(text) {
		for i < len(text) && isBlank(text[i]) {
			i++
		}
		if i >= len(text) {
			break
		}
		start := i
		var val []byte
		var quote byte
		for i < len(text) && (quote != 0 || !isBlank(text[i])) {
			c := text[i]
			switch {
			case c == escape && quote != '\'' && i+1 < len(text):
				val = append(val, text[i+1])
				i += 2
				continue
			case quote == 0 && (c == '"' || c == '\''):
				quote = c
			case c == quote:
				quote = 0
			default:
				val = append(val, c)
			}
			i++
		}
		out = append(out, token{value: string(val), start: start, end: i})
	}
	return out
}

// jsonElements locates the string elements of an exec-form JSON array that
// starts at logical index from.
func jsonElements(l *logical, from int) []Word {
	var out []Word
	text := l.text
	for i := from; i < len(text); i++ {
		if text[i] != '"' {
			continue
		}
		j := i + 1
		for j < len(text) && text[j] != '"' {
			if text[j] == '\\' {
				j++
			}
			j++
		}
		if j >= len(text) {
			break
		}
		var s string
		if err := json.Unmarshal(text[i:j+1], &s); err != nil {
			s = string(text[i+1 : j])
		}
		out = append(out, Word{Value: s, Span: l.span(i, j+1)})
		i = j
	}
	return out
}

// locateHeredocs finds the delimiter and body of each heredoc: the bodies
// follow the command's last line, one after the other, each ended by a line
// equal to its delimiter (tabs trimmed with <<-), as BuildKit reads them.
func (d *Document) locateHeredocs(hs []parser.Heredoc, l *logical) []Heredoc {
	out := make([]Heredoc, 0, len(hs))
	line := l.last + 1
	search := 0
	for _, h := range hs {
		hd := Heredoc{Name: h.Name, Content: h.Content, Chomp: h.Chomp, Expand: h.Expand, FileDescr: h.FileDescriptor}
		if at := bytes.Index(l.text[search:], []byte("<<")); at >= 0 {
			at += search
			if k := bytes.Index(l.text[at:], []byte(h.Name)); k >= 0 {
				hd.NameSpan = l.span(at+k, at+k+len(h.Name))
				search = at + k + len(h.Name)
			}
		}
		bodyStart := d.lineStartOrEnd(line)
		for ; line < d.Lines.Count(); line++ {
			content := d.Text[d.Lines.Start(line):d.Lines.End(line)]
			if h.Chomp {
				content = bytes.TrimLeft(content, "\t")
			}
			if string(content) == h.Name {
				break
			}
		}
		hd.Body = Span{bodyStart, d.lineStartOrEnd(line)}
		if line < d.Lines.Count() {
			hd.EndSpan = Span{d.Lines.Start(line), d.Lines.End(line)}
		}
		line++
		out = append(out, hd)
	}
	return out
}

func (d *Document) lineStartOrEnd(line int) int {
	if line >= d.Lines.Count() {
		return len(d.Text)
	}
	return d.Lines.Start(line)
}
