package codeactions

import (
	"fmt"
	"strings"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/moby/buildkit/frontend/dockerfile/parser"

	"github.com/dockerfile-ls/dockerfile-ls/diagnostics"
	"github.com/dockerfile-ls/dockerfile-ls/dockerfile"
)

func init() { register(diagnostics.KeyEqualsValue, fixLegacyKeyValue) }

// fixLegacyKeyValue rewrites the legacy "ENV key value" (and "LABEL key
// value") as "ENV key=value".
//
// In the legacy form BuildKit's parser takes the first blank-separated word
// as the key and the rest of the line, verbatim, as the value; in the
// key=value form it splits words at blanks outside quotes. Both strings then
// go through the same shell lexer (variables, quotes, escapes). So:
//
//   - when "key=value" parses back to the same key and value strings, the
//     result is identical, whatever the value holds;
//   - else, when the value holds no quote and no escape character, it is
//     wrapped in double quotes: inside them the lexer treats every other
//     character as it does outside ($ expansions included), so the computed
//     value is the same;
//   - else no fix.
//
// Each candidate is parsed with BuildKit's own parser before it is offered.
func fixLegacyKeyValue(fx FixInput) (Action, bool) {
	doc, f := fx.Doc, fx.Finding
	in := findingInstruction(doc, f)
	if in == nil || (in.Keyword != "ENV" && in.Keyword != "LABEL") {
		return Action{}, false
	}
	pairs, ok := commandPairs(doc.Command(in))
	if !ok || len(pairs) != 1 || !pairs[0].NoDelim {
		return Action{}, false
	}
	key, value := pairs[0].Key, pairs[0].Value
	args := trimmedArgs(doc, in)
	raw := doc.Slice(args)
	if !singleLine(doc, args) {
		return Action{}, false
	}
	rest, ok := strings.CutPrefix(raw, key)
	if !ok || rest == "" || !isLegacyBlank(rest[0]) || strings.TrimLeft(rest, " \t\v\f") != value {
		return Action{}, false
	}
	kw := doc.Slice(in.KeywordSpan)
	text := key + "=" + value
	if !parsesTo(in.Keyword, text, doc.Escape, key, value) {
		if strings.ContainsAny(value, "\"'") || strings.ContainsRune(value, doc.Escape) {
			return Action{}, false
		}
		text = key + `="` + value + `"`
		if !parsesTo(in.Keyword, text, doc.Escape, key, `"`+value+`"`) {
			return Action{}, false
		}
	}
	return Action{
		Title:     fmt.Sprintf("Change to %s %s=…", kw, key),
		Edits:     []dockerfile.Edit{{Start: args.Start, End: args.End, Text: text}},
		Preferred: true,
		InFixAll:  true,
	}, true
}

// isLegacyBlank is a byte of BuildKit's separator between a legacy key and
// its value.
func isLegacyBlank(b byte) bool { return strings.IndexByte(" \t\v\f\r", b) >= 0 }

// commandPairs returns the key/value pairs of an ENV or LABEL command.
func commandPairs(cmd any, err error) (instructions.KeyValuePairs, bool) {
	if err != nil {
		return nil, false
	}
	switch c := cmd.(type) {
	case *instructions.EnvCommand:
		return c.Env, true
	case *instructions.LabelCommand:
		return c.Labels, true
	}
	return nil, false
}

// parsesTo reports whether BuildKit parses "keyword args" (with the given
// escape character) to the single key=value pair key, value.
func parsesTo(keyword, args string, escape rune, key, value string) bool {
	src := keyword + " " + args + "\n"
	if escape != parser.DefaultEscapeToken {
		src = "# escape=" + string(escape) + "\n" + src
	}
	res, err := parser.Parse(strings.NewReader(src))
	if err != nil || len(res.AST.Children) != 1 {
		return false
	}
	cmd, err := instructions.ParseInstruction(res.AST.Children[0])
	pairs, ok := commandPairs(cmd, err)
	return ok && len(pairs) == 1 && !pairs[0].NoDelim && pairs[0].Key == key && pairs[0].Value == value
}
