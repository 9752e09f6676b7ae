package codeactions

import (
	"fmt"
	"strings"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"

	"github.com/dockerfile-ls/dockerfile-ls/diagnostics"
	"github.com/dockerfile-ls/dockerfile-ls/dockerfile"
)

func init() { register(diagnostics.MaintainerToLabel, fixMaintainer) }

// authorsLabel is the OCI annotation that replaces MAINTAINER.
const authorsLabel = "org.opencontainers.image.authors"

// fixMaintainer replaces MAINTAINER x with
// LABEL org.opencontainers.image.authors="x". MAINTAINER takes the rest of
// the line verbatim (no quotes, no variables); LABEL values go through
// BuildKit's shell lexer, so the value is double-quoted with ", $ and the
// escape character escaped, which the lexer turns back into exactly x.
// LABEL is written in the casing most keywords of the file use.
//
// No fix when the file already sets that label somewhere (the new LABEL
// could override it), or when MAINTAINER spans several lines.
func fixMaintainer(fx FixInput) (Action, bool) {
	doc, f := fx.Doc, fx.Finding
	in := findingInstruction(doc, f)
	if in == nil || in.Keyword != "MAINTAINER" || !singleLine(doc, in.ArgsSpan) {
		return Action{}, false
	}
	cmd, err := doc.Command(in)
	if err != nil {
		return Action{}, false
	}
	m, ok := cmd.(*instructions.MaintainerCommand)
	if !ok || m.Maintainer == "" {
		return Action{}, false
	}
	for _, other := range doc.Instructions {
		if other.Keyword != "MAINTAINER" && strings.Contains(strings.ToLower(doc.Slice(other.Span)), authorsLabel) {
			return Action{}, false
		}
	}
	label := "label"
	if majorityUpper(doc) {
		label = "LABEL"
	}
	args := trimmedArgs(doc, in)
	text := label + " " + authorsLabel + "=" + doubleQuote(m.Maintainer, doc.Escape)
	return Action{
		Title:     fmt.Sprintf("Replace MAINTAINER with LABEL %s", authorsLabel),
		Edits:     []dockerfile.Edit{{Start: in.KeywordSpan.Start, End: args.End, Text: text}},
		Preferred: true,
		InFixAll:  true,
	}, true
}

// doubleQuote quotes s for BuildKit's word parser and shell lexer: inside
// double quotes the escape character escapes only ", $ and itself, and
// everything else is literal.
func doubleQuote(s string, escape rune) string {
	var b strings.Builder
	b.WriteByte('"')
	for i := 0; i < len(s); i++ { // bytes: the special characters are ASCII
		if c := rune(s[i]); c == '"' || c == '$' || c == escape {
			b.WriteRune(escape)
		}
		b.WriteByte(s[i])
	}
	b.WriteByte('"')
	return b.String()
}
