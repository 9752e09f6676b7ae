package codeactions

import (
	"strings"

	"github.com/dockerfile-ls/dockerfile-ls/diagnostics"
	"github.com/dockerfile-ls/dockerfile-ls/dockerfile"
)

// Helpers shared by the fixes for BuildKit's checks (buildkit_*.go). A
// BuildKit finding carries no fix data: its span is the line(s) of the
// instruction BuildKit located it at, so every fix starts from that
// instruction and re-derives what it needs from the document model.

// findingInstruction is the instruction a BuildKit finding is located at,
// or nil when the finding does not start at an instruction's first line.
func findingInstruction(doc *dockerfile.Document, f diagnostics.Finding) *dockerfile.Instruction {
	if f.Category != diagnostics.BuildKit || doc.Error != nil {
		return nil
	}
	in := doc.InstructionAt(f.Span.Start)
	if in == nil || doc.Lines.LineOf(f.Span.Start) != in.Line {
		return nil
	}
	return in
}

// rawWord reports whether a word is written in the file exactly as its
// value: no quotes, no escapes, no continuation inside it.
func rawWord(doc *dockerfile.Document, w dockerfile.Word) bool {
	return doc.Slice(w.Span) == w.Value
}

// isLower and isUpper tell the casing of a keyword as BuildKit classifies
// it (a mixed-case keyword is neither).
func isLower(s string) bool { return s == strings.ToLower(s) }
func isUpper(s string) bool { return s == strings.ToUpper(s) }

// sameCase returns word in the casing of model: upper case when model is
// upper case (and not also lower case, as digits-only would be), else lower.
func sameCase(word, model string) string {
	if isUpper(model) && !isLower(model) {
		return strings.ToUpper(word)
	}
	return strings.ToLower(word)
}

// trimmedArgs is the instruction's argument span without trailing blanks.
func trimmedArgs(doc *dockerfile.Document, in *dockerfile.Instruction) dockerfile.Span {
	s := in.ArgsSpan
	for s.End > s.Start && strings.ContainsRune(" \t\r", rune(doc.Text[s.End-1])) {
		s.End--
	}
	return s
}

// singleLine reports whether a span lies on one line.
func singleLine(doc *dockerfile.Document, s dockerfile.Span) bool {
	return !strings.ContainsAny(doc.Slice(s), "\r\n")
}

// majorityUpper reports whether BuildKit's ConsistentInstructionCasing
// would want upper-case keywords in doc: it counts the keywords of the
// stages' instructions that are all lower or all upper case, and upper case
// wins a tie.
func majorityUpper(doc *dockerfile.Document) bool {
	lower, upper := 0, 0
	for _, in := range doc.Instructions {
		if in.Stage < 0 {
			continue
		}
		switch kw := doc.Slice(in.KeywordSpan); {
		case isLower(kw):
			lower++
		case isUpper(kw):
			upper++
		}
	}
	return lower <= upper
}
