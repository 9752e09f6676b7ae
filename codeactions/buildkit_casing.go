package codeactions

import (
	"fmt"
	"strings"

	"github.com/dockerfile-ls/dockerfile-ls/diagnostics"
	"github.com/dockerfile-ls/dockerfile-ls/dockerfile"
)

// Keyword casing: BuildKit matches instruction keywords case-insensitively,
// so changing a keyword's (or FROM's "AS") casing changes nothing but the
// text.

func init() {
	register(diagnostics.MatchInstructionCasing, fixInstructionCasing)
	register(diagnostics.MatchFromAsCasing, fixFromAsCasing)
}

// fixInstructionCasing changes the keyword to the casing of the majority,
// which BuildKit's message names ("... command majority (uppercase)"). On a
// FROM it changes the AS keyword too, so that the fix does not trade this
// finding for a FromAsCasing one.
func fixInstructionCasing(fx FixInput) (Action, bool) {
	doc, f := fx.Doc, fx.Finding
	in := findingInstruction(doc, f)
	if in == nil {
		return Action{}, false
	}
	var upper bool
	switch {
	case strings.HasSuffix(f.Message, "(uppercase)"):
		upper = true
	case strings.HasSuffix(f.Message, "(lowercase)"):
	default:
		return Action{}, false
	}
	kw := doc.Slice(in.KeywordSpan)
	want := strings.ToLower(kw)
	if upper {
		want = strings.ToUpper(kw)
	}
	if kw == want || !strings.EqualFold(kw, in.Keyword) {
		return Action{}, false
	}
	edits := []dockerfile.Edit{{Start: in.KeywordSpan.Start, End: in.KeywordSpan.End, Text: want}}
	title := fmt.Sprintf("Change '%s' to '%s'", kw, want)
	if as, ok := fromAs(doc, in); ok {
		if asWant := sameCase(as.Value, want); asWant != as.Value {
			edits = append(edits, dockerfile.Edit{Start: as.Span.Start, End: as.Span.End, Text: asWant})
			title = fmt.Sprintf("Change '%s … %s' to '%s … %s'", kw, as.Value, want, asWant)
		}
	}
	return Action{Title: title, Edits: edits, Preferred: true, InFixAll: true}, true
}

// fixFromAsCasing makes AS match the casing of its FROM keyword.
func fixFromAsCasing(fx FixInput) (Action, bool) {
	doc, f := fx.Doc, fx.Finding
	in := findingInstruction(doc, f)
	if in == nil {
		return Action{}, false
	}
	as, ok := fromAs(doc, in)
	if !ok {
		return Action{}, false
	}
	kw := doc.Slice(in.KeywordSpan)
	if !isLower(kw) && !isUpper(kw) { // BuildKit does not report a mixed-case FROM
		return Action{}, false
	}
	want := sameCase(as.Value, kw)
	if want == as.Value {
		return Action{}, false
	}
	return Action{
		Title:     fmt.Sprintf("Change '%s' to '%s' to match '%s'", as.Value, want, kw),
		Edits:     []dockerfile.Edit{{Start: as.Span.Start, End: as.Span.End, Text: want}},
		Preferred: true,
		InFixAll:  true,
	}, true
}

// fromAs is the AS word of a "FROM image AS name" instruction, written
// without quotes or escapes.
func fromAs(doc *dockerfile.Document, in *dockerfile.Instruction) (dockerfile.Word, bool) {
	if in.Keyword != "FROM" || len(in.Args) != 3 || !strings.EqualFold(in.Args[1].Value, "as") || !rawWord(doc, in.Args[1]) {
		return dockerfile.Word{}, false
	}
	return in.Args[1], true
}
