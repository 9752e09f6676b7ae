package dockerfile

import (
	"bytes"
	"errors"
	"strings"

	"github.com/moby/buildkit/frontend/dockerfile/parser"

	"github.com/dockerfile-ls/dockerfile-ls/textpos"
)

// errNoInstructions is BuildKit's message for a file without instructions.
const errNoInstructions = "file with no instructions"

// Parse parses text with BuildKit's parser and builds the document model.
// It never fails: a parse error is recorded in Document.Error.
func Parse(text []byte) *Document {
	d := &Document{Text: text, Lines: textpos.NewLines(text), Escape: parser.DefaultEscapeToken}
	res, err := parseAST(text)
	if err != nil {
		d.Error = d.locateError(err)
		// Keep what parsed before the error so that symbols, hover and
		// completion still work while the user is in the middle of a line.
		if d.Error != nil && d.Error.Span.Start > 0 {
			res, _ = parseAST(text[:d.Lines.Start(d.Lines.LineOf(d.Error.Span.Start))])
		}
	}
	if res != nil {
		d.Escape = res.EscapeToken
		d.Warnings = d.convertWarnings(res.Warnings, 0)
		d.Instructions = d.buildInstructions(res.AST.Children, 0)
	}
	d.finish()
	return d
}

// parseAST runs BuildKit's parser, recovering from a panic in it so that no
// input can take the server down.
func parseAST(text []byte) (res *parser.Result, err error) {
	defer func() {
		if r := recover(); r != nil {
			res, err = nil, errors.New("internal parser error")
		}
	}()
	return parser.Parse(bytes.NewReader(text))
}

// finish derives everything that depends on the whole instruction list:
// directives, comments, stages and variable scopes.
func (d *Document) finish() {
	d.Directives = scanDirectives(d.Text, d.Lines)
	d.Comments = d.scanComments()
	d.buildStages()
}

func (d *Document) locateError(err error) *ParseError {
	msg := err.Error()
	if strings.Contains(msg, errNoInstructions) {
		if len(bytes.TrimSpace(d.Text)) == 0 {
			return nil
		}
		return &ParseError{Message: errNoInstructions, Span: Span{0, d.Lines.End(0)}}
	}
	var le *parser.LocationError
	if !errors.As(err, &le) || len(le.Locations) == 0 || len(le.Locations[0]) == 0 {
		return &ParseError{Message: msg, Span: Span{0, d.Lines.End(0)}}
	}
	r := le.Locations[0][0]
	first, last := d.clampLine(r.Start.Line-1), d.clampLine(r.End.Line-1)
	if last < first {
		last = first
	}
	return &ParseError{Message: msg, Span: Span{d.lineTextStart(first), d.Lines.End(last)}}
}

func (d *Document) clampLine(line int) int {
	return max(0, min(line, d.Lines.Count()-1))
}

// lineTextStart is the offset of the first non-blank byte of line (after a
// BOM on the first line), or the line's end when it is blank.
func (d *Document) lineTextStart(line int) int {
	start, end := d.Lines.Start(line), d.Lines.End(line)
	if line == 0 {
		start += bomLen(d.Text)
	}
	for start < end && isBlank(d.Text[start]) {
		start++
	}
	return start
}

func (d *Document) convertWarnings(ws []parser.Warning, lineBase int) []Warning {
	var out []Warning
	for _, w := range ws {
		line := lineBase
		if w.Location != nil {
			line += w.Location.Start.Line - 1
		}
		line = d.clampLine(line)
		out = append(out, Warning{Message: w.Short, URL: w.URL, Span: Span{d.lineTextStart(line), d.Lines.End(line)}})
	}
	return out
}

// buildInstructions turns BuildKit nodes into instructions; lineBase is the
// zero-based line where the parsed text began.
func (d *Document) buildInstructions(nodes []*parser.Node, lineBase int) []*Instruction {
	out := make([]*Instruction, 0, len(nodes))
	for _, n := range nodes {
		out = append(out, d.buildInstruction(n, lineBase+n.StartLine-1, lineBase+n.EndLine-1))
	}
	return out
}

func bomLen(text []byte) int {
	if bytes.HasPrefix(text, []byte("\xef\xbb\xbf")) {
		return 3
	}
	return 0
}

func isBlank(b byte) bool { return b == ' ' || b == '\t' || b == '\r' || b == '\v' || b == '\f' }

// scanDirectives reads the parser directives at the top of the file the way
// BuildKit does, using its own DirectiveParser.
func scanDirectives(text []byte, lines *textpos.Lines) []Directive {
	var dp parser.DirectiveParser
	var out []Directive
	for i := 0; i < lines.Count(); i++ {
		start, end := lines.Start(i), lines.End(i)
		if i == 0 {
			start += bomLen(text)
		}
		line := bytes.TrimLeft(text[start:end], " \t")
		dir, err := dp.ParseLine(line)
		if err != nil || dir == nil {
			break
		}
		lineStart := end - len(line)
		vs := bytes.LastIndex(line, []byte(dir.Value))
		out = append(out, Directive{
			Name: dir.Name, Value: dir.Value,
			Span:      Span{lineStart, end},
			ValueSpan: Span{lineStart + vs, lineStart + vs + len(dir.Value)},
		})
	}
	return out
}

// scanComments lists comment lines outside heredoc bodies, directives
// excluded.
func (d *Document) scanComments() []Span {
	var out []Span
	next := 0 // index of the next instruction with heredocs to skip past
	for i := len(d.Directives); i < d.Lines.Count(); i++ {
		for next < len(d.Instructions) && d.Instructions[next].EndLine < i {
			next++
		}
		if next < len(d.Instructions) {
			in := d.Instructions[next]
			if len(in.Heredocs) > 0 && in.Line <= i && i <= in.EndLine && d.Lines.Start(i) >= in.Heredocs[0].Body.Start {
				continue
			}
		}
		start := d.lineTextStart(i)
		end := d.Lines.End(i)
		if start < end && d.Text[start] == '#' {
			out = append(out, Span{start, end})
		}
	}
	return out
}
