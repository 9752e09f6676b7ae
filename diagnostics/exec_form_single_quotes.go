package diagnostics

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/dockerfile-ls/dockerfile-ls/dockerfile"
	"github.com/dockerfile-ls/dockerfile-ls/shell"
)

// DoubleQuoteExecForm is the fix of ExecFormSingleQuotes: the array
// written as JSON.
const DoubleQuoteExecForm FixKind = "double-quote-exec-form"

var execFormSingleQuotes = &Rule{
	Name: "ExecFormSingleQuotes", Category: Syntax, Severity: Error,
	Summary: "CMD, ENTRYPOINT or RUN written as an exec-form array with single quotes: it is not JSON, so it runs in the shell form, which runs a program named like `[npm,` and fails",
	DocsURL: DocsBase + "ExecFormSingleQuotes.md",
	// BuildKit's "JSON arguments recommended" on the same line would send
	// the user to the JSON form the line already attempts.
	Supersedes: []string{"JSONArgsRecommended"},
	Check:      checkExecFormSingleQuotes,
}

// checkExecFormSingleQuotes reports a CMD, ENTRYPOINT or RUN (and a
// HEALTHCHECK CMD) whose arguments are an array of quoted strings that
// JSON does not accept because some are in single quotes. BuildKit reads
// a command that does not parse as JSON as the shell form.
func checkExecFormSingleQuotes(p *Pass) {
	for _, inst := range p.Doc.Instructions {
		switch inst.Keyword {
		case "CMD", "ENTRYPOINT", "RUN", "HEALTHCHECK":
		default:
			continue
		}
		if inst.JSONForm || len(inst.Heredocs) > 0 || inst.ArgsSpan.End <= inst.ArgsSpan.Start || !mayBeArray(p.Doc, inst) {
			continue
		}
		text := string(dockerfile.JoinLines(p.Doc, p.Doc.Lines.LineOf(inst.ArgsSpan.Start), inst.ArgsSpan.Start, inst.ArgsSpan.End).Text)
		span := inst.ArgsSpan
		if inst.Keyword == "HEALTHCHECK" {
			// HEALTHCHECK CMD [...] on one line: the array is after CMD.
			raw := p.Doc.Slice(inst.ArgsSpan)
			cmd, ok := strings.CutPrefix(raw, "CMD ")
			if !ok || inst.Line != inst.EndLine {
				continue
			}
			text = cmd
			span.Start = inst.ArgsSpan.End - len(cmd)
		}
		if trimmed := strings.TrimRight(text, " \t"); len(trimmed) < len(text) && inst.Line == inst.EndLine {
			span.End -= len(text) - len(trimmed)
		}
		elems, ok := singleQuotedArray(strings.TrimSpace(text))
		if !ok {
			continue
		}
		reportSingleQuotes(p, inst, span, strings.TrimSpace(text), elems)
	}
}

// mayBeArray: the arguments as written hold a "[" and a "'", so that the
// lines of every other RUN are not joined on each keystroke.
func mayBeArray(doc *dockerfile.Document, inst *dockerfile.Instruction) bool {
	raw := doc.Text[inst.ArgsSpan.Start:inst.ArgsSpan.End] // not a copy per instruction per keystroke
	return bytes.IndexByte(raw, '[') >= 0 && bytes.IndexByte(raw, '\'') >= 0
}

func reportSingleQuotes(p *Pass, inst *dockerfile.Instruction, span dockerfile.Span, written string, elems []string) {
	fixed := jsonArray(elems)
	when := "when the container starts"
	if inst.Keyword == "RUN" {
		when = "and the build stops there"
	}
	runs := fmt.Sprintf("the shell looks for a program named `%s`, which fails %s", shellProgram(written), when)
	if shellProgram(written) == "[" {
		runs = fmt.Sprintf("the shell runs it as a test (`[`), which ends at once without running %s", elems[0])
	}
	p.Report(span, fmt.Sprintf(
		"%s is not JSON (JSON strings take double quotes), so BuildKit runs it in the shell form: %s. Write %s.",
		written, runs, fixed), nil, &FixData{Kind: DoubleQuoteExecForm, Args: map[string]string{
		"start": strconv.Itoa(span.Start), "end": strconv.Itoa(span.End), "text": fixed}})
}

// shellProgram is the program the shell runs for the text, quotes
// removed (`['npm', 'start']` runs `[npm,`).
func shellProgram(text string) string {
	script, _ := shell.Parse(text)
	if script == nil || len(script.Commands) == 0 {
		return strings.Fields(text)[0]
	}
	return wordText(script.Commands[0].Args[0])
}

// singleQuotedArray reads `['npm', "run", 'start']`: an array of strings
// in single or double quotes, at least one in single quotes; ok is false
// for anything else (a shell test such as `[ -f x ]` among them).
func singleQuotedArray(s string) (elems []string, ok bool) {
	rest, found := strings.CutPrefix(s, "[")
	if !found || !strings.HasSuffix(s, "]") {
		return nil, false
	}
	single := false
	for {
		rest = strings.TrimLeft(rest, " \t")
		if len(rest) == 0 || rest[0] != '\'' && rest[0] != '"' {
			return nil, false
		}
		q := rest[0]
		end := closingQuote(rest, q)
		if end < 0 {
			return nil, false
		}
		elem := rest[1:end]
		if q == '"' {
			v, err := strconv.Unquote(rest[:end+1])
			if err != nil {
				return nil, false
			}
			elem = v
		}
		single = single || q == '\''
		elems = append(elems, elem)
		rest = strings.TrimLeft(rest[end+1:], " \t")
		switch {
		case strings.HasPrefix(rest, ","):
			rest = rest[1:]
		case rest == "]":
			return elems, single
		default:
			return nil, false
		}
	}
}

// closingQuote is the index of the quote closing the string that opens
// s; a double-quoted string takes backslash escapes.
func closingQuote(s string, q byte) int {
	for i := 1; i < len(s); i++ {
		switch {
		case q == '"' && s[i] == '\\':
			i++
		case s[i] == q:
			return i
		}
	}
	return -1
}

// jsonArray writes elems as a JSON array, `["npm", "start"]`.
func jsonArray(elems []string) string {
	var b strings.Builder
	b.WriteByte('[')
	for i, e := range elems {
		if i > 0 {
			b.WriteString(", ")
		}
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		_ = enc.Encode(e) // a string always encodes
		b.WriteString(strings.TrimSuffix(buf.String(), "\n"))
	}
	b.WriteByte(']')
	return b.String()
}
