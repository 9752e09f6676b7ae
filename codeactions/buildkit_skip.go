package codeactions

import (
	"bytes"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"unicode"

	"github.com/moby/buildkit/frontend/dockerfile/linter"
	"github.com/moby/buildkit/frontend/dockerfile/parser"

	"github.com/dockerfile-ls/dockerfile-ls/buildkitcheck"
	"github.com/dockerfile-ls/dockerfile-ls/diagnostics"
	"github.com/dockerfile-ls/dockerfile-ls/dockerfile"
)

// SkipCheckAction is the extra action offered for every finding of a
// BuildKit check: "Skip <Rule> in this file", which adds the rule to the
// file's "# check=skip=" parser directive.
//
// BuildKit reads that directive with parser.ParseDirective: after a BOM
// and a "#!" first line, only the block of parser directives at the very
// top counts (a blank line, another comment or an instruction ends it), the
// value stops at the first blank, and it is split at ";" into at most
// three options. So:
//   - an existing check directive in that block gets ",Rule" appended to its
//     skip= list, or "skip=Rule;" put before its other options (error=true,
//     experimental=...), which stay as they are;
//   - else a "# check=skip=Rule" line goes right after the block's last
//     directive (e.g. # syntax=), or first in the file (after the BOM and
//     the #! line), with the file's line ending (CRLF kept).
//
// The new option string is checked with BuildKit's own option parser. The
// action is never in fix-all.
func init() { extras = append(extras, SkipCheckAction) }

func SkipCheckAction(doc *dockerfile.Document, f diagnostics.Finding) (Action, bool) {
	if f.Category != diagnostics.BuildKit || !isBuildKitRule(f.Rule) {
		return Action{}, false
	}
	title := fmt.Sprintf("Skip %s in this file", f.Rule)
	text := doc.Text
	dirs, insertAt, ok := checkDirectiveBlock(text)
	if !ok {
		return Action{}, false
	}
	for _, d := range dirs {
		if d.name != "check" {
			continue
		}
		e, ok := addSkip(text, d, f.Rule)
		if !ok {
			return Action{}, false
		}
		return Action{Title: title, Edits: []dockerfile.Edit{e}}, true
	}
	nl := "\n"
	if i := bytes.IndexByte(text, '\n'); i > 0 && text[i-1] == '\r' {
		nl = "\r\n"
	}
	line := "# check=skip=" + f.Rule + nl
	if insertAt == len(text) && insertAt > 0 && text[insertAt-1] != '\n' {
		line = nl + line // the block ends the file without a newline
	}
	return Action{Title: title, Edits: []dockerfile.Edit{{Start: insertAt, End: insertAt, Text: line}}}, true
}

var isBuildKitRule = func() func(string) bool {
	names := map[string]bool{}
	for _, r := range buildkitcheck.Rules() {
		names[r.Name] = true
	}
	return func(name string) bool { return names[name] }
}()

// directiveLine is a parser directive as ParseDirective sees it.
type directiveLine struct {
	name       string
	value      string // as the directive regexp captures it
	valueStart int    // offset of value in the text
}

// directiveRe is BuildKit's directive syntax (parser/directives.go), after
// the comment marker and the blanks that follow it.
var directiveRe = regexp.MustCompile(`^([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.+?)\s*$`)

// checkDirectiveBlock reads the directive block the way
// parser.ParseDirective does, and returns its directives, the offset just
// after it (where a new directive goes). ok is false when BuildKit would reject the block (a repeated directive).
func checkDirectiveBlock(text []byte) (dirs []directiveLine, end int, ok bool) {
	pos := 0
	if bytes.HasPrefix(text, []byte("\xef\xbb\xbf")) {
		pos = 3
	}
	if bytes.HasPrefix(text[pos:], []byte("#!")) {
		i := bytes.IndexByte(text[pos:], '\n')
		if i < 0 {
			return nil, len(text), true
		}
		pos += i + 1
	}
	var dp parser.DirectiveParser
	for pos < len(text) {
		lineEnd := len(text)
		next := len(text)
		if i := bytes.IndexByte(text[pos:], '\n'); i >= 0 {
			lineEnd, next = pos+i, pos+i+1
		}
		line := bytes.TrimSuffix(text[pos:lineEnd], []byte("\r"))
		d, err := dp.ParseLine(line)
		if err != nil {
			return nil, 0, false
		}
		if d == nil {
			break
		}
		body := bytes.TrimLeftFunc(line[1:], unicode.IsSpace)
		m := directiveRe.FindSubmatchIndex(body)
		if m == nil || string(body[m[4]:m[5]]) != d.Value {
			return nil, 0, false
		}
		dirs = append(dirs, directiveLine{name: d.Name, value: d.Value, valueStart: pos + (len(line) - len(body)) + m[4]})
		pos = next
	}
	return dirs, pos, true
}

// addSkip returns the edit that adds rule to a check directive's skip list.
func addSkip(text []byte, d directiveLine, rule string) (dockerfile.Edit, bool) {
	opts, _, _ := strings.Cut(d.value, " ") // BuildKit ignores what follows a blank
	before, err := linter.ParseLintOptions(opts)
	if err != nil || before.SkipAll || slices.Contains(before.SkipRules, rule) {
		return dockerfile.Edit{}, false
	}
	parts := strings.Split(opts, ";")
	var e dockerfile.Edit
	at := d.valueStart
	skip := -1
	for i, p := range parts {
		if k, _, _ := strings.Cut(p, "="); strings.TrimSpace(k) == "skip" {
			skip = i // the last one wins, as in BuildKit
		}
	}
	switch {
	case len(parts) > 3:
		return dockerfile.Edit{}, false
	case skip >= 0:
		for _, p := range parts[:skip] {
			at += len(p) + 1
		}
		p := parts[skip]
		_, v, _ := strings.Cut(p, "=")
		add := "," + rule
		switch v = strings.TrimSpace(v); {
		case v == "":
			add = rule
		case strings.HasSuffix(v, ","): // "skip=A, B": BuildKit reads "skip=A,"
			add = rule + ","
		}
		at += len(strings.TrimRight(p, " \t"))
		e = dockerfile.Edit{Start: at, End: at, Text: add}
	case len(parts) < 3:
		e = dockerfile.Edit{Start: at, End: at, Text: "skip=" + rule + ";"}
	default:
		return dockerfile.Edit{}, false
	}
	// Prove it: BuildKit must read the same options plus the rule.
	newText := string(text[d.valueStart:e.Start]) + e.Text + string(text[e.End:d.valueStart+len(opts)])
	after, err := linter.ParseLintOptions(newText)
	if err != nil || !slices.Contains(after.SkipRules, rule) || after.SkipAll ||
		after.ReturnAsError != before.ReturnAsError || after.ExperimentalAll != before.ExperimentalAll ||
		!slices.Equal(after.ExperimentalRules, before.ExperimentalRules) ||
		!slices.Equal(otherRules(after.SkipRules, rule), otherRules(before.SkipRules, rule)) {
		return dockerfile.Edit{}, false
	}
	return e, true
}

// otherRules lists the rule names other than rule (and empty ones, which
// skip nothing), sorted.
func otherRules(names []string, rule string) []string {
	out := slices.DeleteFunc(slices.Clone(names), func(s string) bool { return s == rule || s == "" })
	slices.Sort(out)
	return out
}
