package codeactions

import (
	"context"
	"fmt"
	"slices"

	"github.com/dockerfile-ls/dockerfile-ls/buildcontext"
	"github.com/dockerfile-ls/dockerfile-ls/diagnostics"
	"github.com/dockerfile-ls/dockerfile-ls/dockerfile"
)

// maxRounds bounds a fix-all: each round applies the fixes that do not
// touch each other, and fixes can make room for others.
const maxRounds = 10

// Analysis returns the findings to fix in a document: the caller's
// pipeline with its settings (analysis.Findings), so that rules switched
// off are not fixed. It fails when ctx is done.
type Analysis func(ctx context.Context, doc *dockerfile.Document) ([]diagnostics.Finding, error)

// Fixing is the one "fix all", which `check --fix` and the editor's
// source.fixAll both run, so that they write the same bytes.
type Fixing struct {
	Context *buildcontext.Context // the build context the fixes read; may be nil
	// Options are the build options Analyse computes with (the settings'
	// BuildOptions): the fixes read the build state for them, so that they
	// see the variables, WORKDIR and USER the findings saw.
	Options dockerfile.Options
	Analyse Analysis
	// Offer lists the fixes of findings; nil means For (tests offer
	// others).
	Offer Offer
}

// Fixed is what a fix-all leaves.
type Fixed struct {
	Doc      *dockerfile.Document  // the fixed text
	Findings []diagnostics.Finding // Doc's: what no fix removed
	Applied  int                   // how many fixes were applied
}

// InFixAllRun reports whether fix-all applies a unasked: it is meant for
// fix-all and edits the Dockerfile alone.
func (a Action) InFixAllRun() bool { return a.InFixAll && len(a.Files) == 0 }

// Run applies every fix that fix-all may apply, round after round with a
// fresh analysis in between, until none is left (or maxRounds). Within a
// round, fixes whose edits touch an earlier one's wait for the next. Two
// guards keep it safe: fixes that would make the file parse worse are
// left out (the others are kept, one by one), and when a fix's finding is
// still there after it (a fix that re-introduces what it fixed would apply
// in every round) the round is undone and that rule's fixes are dropped.
// It fails only when ctx is done, which it checks between its steps: an
// editor cancels a fix-all of a large file it no longer waits for.
func (f Fixing) Run(ctx context.Context, text []byte) (Fixed, error) {
	doc := dockerfile.Parse(text)
	findings, err := f.analyse(ctx, doc)
	if err != nil {
		return Fixed{}, err
	}
	applied := 0
	dropped := map[string]bool{} // rules whose fixes re-introduce their findings
	for range maxRounds {
		if err := ctx.Err(); err != nil {
			return Fixed{}, fmt.Errorf("fix all: %w", err)
		}
		chosen := chooseFixes(f.candidates(doc, findings, dropped))
		next, kept, err := keepParsing(ctx, doc, chosen)
		if err != nil {
			return Fixed{}, fmt.Errorf("fix all: %w", err)
		}
		if len(kept) == 0 {
			break
		}
		nextFindings, err := f.analyse(ctx, next)
		if err != nil {
			return Fixed{}, err
		}
		if back := reintroduced(kept, nextFindings); len(back) > 0 {
			for _, rule := range back {
				dropped[rule] = true
			}
			continue
		}
		doc, findings, applied = next, nextFindings, applied+len(kept)
	}
	return Fixed{Doc: doc, Findings: findings, Applied: applied}, nil
}

// analyse runs Analyse, and fails when ctx is done after it even if the
// analysis itself did not look.
func (f Fixing) analyse(ctx context.Context, doc *dockerfile.Document) ([]diagnostics.Finding, error) {
	findings, err := f.Analyse(ctx, doc)
	if err == nil {
		err = ctx.Err()
	}
	if err != nil {
		return nil, fmt.Errorf("fix all: %w", err)
	}
	return findings, nil
}

// candidates are the fixes of findings that fix-all may apply and that
// change the text (one that rewrites the text as it is would count as a
// fix forever), except those of dropped rules.
func (f Fixing) candidates(doc *dockerfile.Document, findings []diagnostics.Finding, dropped map[string]bool) []Action {
	offer := f.Offer
	if offer == nil {
		offer = For
	}
	var out []Action
	for _, a := range offer(doc.State(f.Options), findings, f.Context) {
		if a.InFixAllRun() && !dropped[a.Finding.Rule] && changes(doc.Text, a.Edits) {
			out = append(out, a)
		}
	}
	return out
}

func changes(text []byte, edits []dockerfile.Edit) bool {
	for _, e := range edits {
		if e.Start < 0 || e.End < e.Start || e.End > len(text) || string(text[e.Start:e.End]) != e.Text {
			return true
		}
	}
	return false
}

// chooseFixes picks, in the order of their first edit, the fixes whose
// edits overlap no fix picked before; the others wait for the next round.
func chooseFixes(actions []Action) []Action {
	actions = slices.Clone(actions)
	slices.SortStableFunc(actions, func(x, y Action) int { return firstEdit(x) - firstEdit(y) })
	var taken []dockerfile.Edit
	var out []Action
	for _, a := range actions {
		if !overlapsAny(taken, a.Edits) {
			taken = append(taken, a.Edits...)
			out = append(out, a)
		}
	}
	return out
}

func firstEdit(a Action) int {
	if len(a.Edits) == 0 {
		return -1
	}
	return slices.MinFunc(a.Edits, func(x, y dockerfile.Edit) int { return x.Start - y.Start }).Start
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

// keepParsing applies the chosen fixes to doc's text. If together they
// make it parse worse (see applyParsing), it keeps them one by one, in
// order, as long as the text still parses as well: a parse of the whole
// text per fix, so it stops as soon as ctx is done. It returns the new
// document and the fixes it holds (none: nil document).
func keepParsing(ctx context.Context, doc *dockerfile.Document, chosen []Action) (*dockerfile.Document, []Action, error) {
	if len(chosen) == 0 {
		return nil, nil, nil
	}
	if next, ok := applyParsing(doc, chosen); ok {
		return next, chosen, nil
	}
	var kept []Action
	var last *dockerfile.Document
	for _, a := range chosen {
		if err := ctx.Err(); err != nil {
			return nil, nil, err
		}
		kept = append(kept, a)
		if next, ok := applyParsing(doc, kept); ok {
			last = next
		} else {
			kept = kept[:len(kept)-1]
		}
	}
	return last, kept, nil
}

// applyParsing applies the fixes to doc's text and parses the result; ok
// is false when the edits do not apply or the result parses worse.
func applyParsing(doc *dockerfile.Document, fixes []Action) (next *dockerfile.Document, ok bool) {
	var edits []dockerfile.Edit
	for _, a := range fixes {
		edits = append(edits, a.Edits...)
	}
	text, err := Apply(doc.Text, edits)
	if err != nil {
		return nil, false
	}
	next = dockerfile.Parse(text)
	return next, syntaxErrors(next) <= syntaxErrors(doc)
}

// syntaxErrors weighs how badly doc parses: a parse error outweighs any
// number of instructions BuildKit rejects.
func syntaxErrors(doc *dockerfile.Document) int {
	n := 0
	if doc.Error != nil {
		n += 1 << 20
	}
	for _, in := range doc.Instructions {
		if in.Err() != nil {
			n++
		}
	}
	return n
}

// reintroduced lists the rules of the fixes whose finding is there again
// after them: a finding of the same rule, with the same message, where the
// text of the fixed finding went. (Counting a rule's findings would not
// do: a fix of another rule may add some, as the cache mount fix adds a
// RUN whose casing may differ from the file's.)
func reintroduced(fixes []Action, after []diagnostics.Finding) []string {
	var edits []dockerfile.Edit
	for _, a := range fixes {
		edits = append(edits, a.Edits...)
	}
	slices.SortStableFunc(edits, func(a, b dockerfile.Edit) int { return a.Start - b.Start })
	var out []string
	for _, a := range fixes {
		was := a.Finding
		now := dockerfile.Span{Start: mapOffset(edits, was.Span.Start, false), End: mapOffset(edits, was.Span.End, true)}
		if slices.ContainsFunc(after, func(f diagnostics.Finding) bool {
			return f.Rule == was.Rule && f.Message == was.Message && touches(f.Span, now)
		}) && !slices.Contains(out, was.Rule) {
			out = append(out, was.Rule)
		}
	}
	slices.Sort(out)
	return out
}

// mapOffset is where offset p of a text is once the edits (sorted, not
// overlapping) are applied. An offset inside an edit, or where one inserts,
// goes before the new text, or with end after it.
func mapOffset(edits []dockerfile.Edit, p int, end bool) int {
	shift := 0
	for _, e := range edits {
		switch {
		case e.End < p || e.End == p && (e.Start < p || end):
			shift += len(e.Text) - (e.End - e.Start)
		case e.Start < p && end:
			return e.Start + shift + len(e.Text)
		case e.Start < p:
			return e.Start + shift
		default:
			return p + shift
		}
	}
	return p + shift
}

// touches reports whether two spans share text, or an empty one lies
// within or at the edge of the other.
func touches(a, b dockerfile.Span) bool {
	if a.Start == a.End || b.Start == b.End {
		return a.Start <= b.End && b.Start <= a.End
	}
	return a.Start < b.End && b.Start < a.End
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
