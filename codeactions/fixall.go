package codeactions

import (
	"github.com/dockerfile-ls/dockerfile-ls/buildcontext"
	"github.com/dockerfile-ls/dockerfile-ls/diagnostics"
	"github.com/dockerfile-ls/dockerfile-ls/dockerfile"
)

// maxRounds bounds FixAll: each round applies the fixes that do not touch
// each other, and fixes can make room for others.
const maxRounds = 10

// Analyser returns the findings of a document, as the caller configures
// them (rules switched off must not be fixed).
type Analyser func(doc *dockerfile.Document) []diagnostics.Finding

// FixAll applies every fix that source.fixAll may apply (InFixAll), round
// after round with a fresh analysis in between, until none is left, and
// returns the new text and how many fixes it applied. Within a round,
// fixes whose edits overlap an earlier one wait for the next round.
func FixAll(text []byte, bctx *buildcontext.Context, analyse Analyser) ([]byte, int) {
	applied := 0
	for round := 0; round < maxRounds; round++ {
		doc := dockerfile.Parse(text)
		var edits []dockerfile.Edit
		for _, a := range For(doc, analyse(doc), bctx) {
			if a.InFixAll && len(a.Files) == 0 && !overlapsAny(edits, a.Edits) {
				edits = append(edits, a.Edits...)
				applied++
			}
		}
		if len(edits) == 0 {
			break
		}
		next, err := Apply(text, edits)
		if err != nil {
			break // cannot happen: overlaps were skipped
		}
		text = next
	}
	return text, applied
}

func overlapsAny(have, add []dockerfile.Edit) bool {
	for _, a := range add {
		for _, h := range have {
			// Two insertions at one offset would apply in an arbitrary order.
			if a.Start < h.End && h.Start < a.End || a.Start == h.Start {
				return true
			}
		}
	}
	return false
}

// MinimalEdit is the single edit that turns before into after: the
// changed middle, so that an editor keeps the cursor and folds elsewhere.
func MinimalEdit(before, after []byte) dockerfile.Edit {
	p := 0
	for p < len(before) && p < len(after) && before[p] == after[p] {
		p++
	}
	s := 0
	for s < len(before)-p && s < len(after)-p && before[len(before)-1-s] == after[len(after)-1-s] {
		s++
	}
	return dockerfile.Edit{Start: p, End: len(before) - s, Text: string(after[p : len(after)-s])}
}
