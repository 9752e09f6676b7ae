package dockerfile

import (
	"bytes"
	"encoding/json"
	"strings"
	"unique"

	"github.com/moby/buildkit/frontend/dockerfile/parser"
)

func (d *Document) buildInstruction(n *parser.Node, line, endLine int) *Instruction {
	line, endLine = d.clampLine(line), d.clampLine(endLine)
	l := JoinLines(d, line, d.lineTextStart(line), d.Lines.End(endLine))
	in := &Instruction{Line: line, EndLine: endLine, Stage: -1, memo: &memo{}}
	_, in.err = parseCommand(n)
	ks, ke := keyword(l.Text)
	if ks == ke {
		in.KeywordSpan = Span{l.Start(), l.Start()}
	} else {
		in.KeywordSpan = l.Span(ks, ke)
	}
	words := tokenize(l.Text, ke, byte(d.Escape))
	in.Keyword = internKeyword(n.Value)
	in.Span = Span{in.KeywordSpan.Start, d.Lines.End(endLine)}
	words = in.takeFlags(l, words)
	if len(words) > 0 {
		in.ArgsSpan = Span{l.Offset(words[0].start), l.End}
	} else {
		in.ArgsSpan = Span{l.End, l.End}
	}
	if n.Attributes["json"] && len(words) > 0 {
		in.JSONForm = true
		in.Args = jsonElements(l, words[0].start)
	} else if len(words) > 0 {
		in.Args = make([]Word, 0, len(words)) // every open document keeps these
		for _, w := range words {
			in.Args = append(in.Args, Word{Value: w.value, Span: l.Span(w.start, w.end)})
		}
	}
	if len(n.Heredocs) > 0 {
		in.Heredocs = d.locateHeredocs(n.Heredocs, l)
	}
	return in
}

// keywords are the instructions' keywords, one string each, shared by
// every document.
var keywords = func() map[string]string {
	m := map[string]string{}
	for _, k := range []string{"ADD", "ARG", "CMD", "COPY", "ENTRYPOINT", "ENV", "EXPOSE", "FROM",
		"HEALTHCHECK", "LABEL", "MAINTAINER", "ONBUILD", "RUN", "SHELL", "STOPSIGNAL", "USER", "VOLUME", "WORKDIR"} {
		m[k] = k
	}
	return m
}()

// internKeyword is the upper-case keyword, never a slice of value: BuildKit's
// node value is a slice of its copy of the whole instruction, which every
// open document would otherwise keep. A fixed table, not package unique,
// whose canonical copy the GC may drop between two parses.
func internKeyword(value string) string {
	upper := strings.ToUpper(value)
	if k, ok := keywords[upper]; ok {
		return k
	}
	return strings.Clone(upper)
}

// takeFlags moves the leading "--flag" words into in.Flags, as BuildKit
// does, and returns the remaining words.
func (in *Instruction) takeFlags(l *Logical, words []token) []token {
	for len(words) > 0 && strings.HasPrefix(words[0].value, "--") {
		w := words[0]
		words = words[1:]
		f := Flag{Span: l.Span(w.start, w.end)}
		name, value, has := strings.Cut(w.value[2:], "=")
		f.Name, f.Value, f.HasValue = name, value, has
		if eq := bytes.IndexByte(l.Text[w.start:w.end], '='); eq >= 0 {
			f.NameSpan = l.Span(w.start+2, w.start+eq)
			f.ValueSpan = l.Span(w.start+eq+1, w.end)
		} else {
			f.NameSpan = l.Span(w.start+2, w.end)
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

// keyword finds the keyword in an instruction's joined text: the first run
// of non-blank bytes, split off the way BuildKit splits it, where quotes
// and the escape character mean nothing (`RUN"a b"` is the keyword RUN"a).
func keyword(text []byte) (start, end int) {
	for start < len(text) && isBlank(text[start]) {
		start++
	}
	end = start
	for end < len(text) && !isBlank(text[end]) {
		end++
	}
	return start, end
}

// tokenize splits text[from:] on unquoted blanks, honouring '...', "..."
// and the escape character, the way a reader of the Dockerfile sees words.
func tokenize(text []byte, from int, escape byte) []token {
	var out []token
	i := from
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
		out = append(out, token{value: internWord(val), start: start, end: i})
	}
	return out
}

// internWord is the word's canonical copy: the same few words ("apt-get",
// "install", "&&", "-y", a mount's value) recur in every RUN of a
// document and in every open document, which keep them all.
func internWord(val []byte) string {
	return unique.Make(string(val)).Value()
}

// jsonElements locates the string elements of an exec-form JSON array that
// starts at logical index from.
func jsonElements(l *Logical, from int) []Word {
	var out []Word
	text := l.Text
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
		out = append(out, Word{Value: s, Span: l.Span(i, j+1)})
		i = j
	}
	return out
}

// locateHeredocs finds the delimiter and body of each heredoc: the bodies
// follow the command's last line, one after the other, each ended by a line
// equal to its delimiter (tabs trimmed with <<-), as BuildKit reads them.
func (d *Document) locateHeredocs(hs []parser.Heredoc, l *Logical) []Heredoc {
	out := make([]Heredoc, 0, len(hs))
	line := l.Last + 1
	search := 0
	for _, h := range hs {
		hd := Heredoc{Name: h.Name, Content: h.Content, Chomp: h.Chomp, Expand: h.Expand, FileDescr: h.FileDescriptor}
		if at := bytes.Index(l.Text[search:], []byte("<<")); at >= 0 {
			at += search
			if k := bytes.Index(l.Text[at:], []byte(h.Name)); k >= 0 {
				hd.NameSpan = l.Span(at+k, at+k+len(h.Name))
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
