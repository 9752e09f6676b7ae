// Package codeactions turns findings into fixes: pure functions from a
// finding (and the document it was found in) to text edits. No LSP here:
// the server and `dockerfile-ls check --fix` both use it. A fix is offered
// only when it is safe: a reorder keeps the image's files identical, a size
// fix removes only what it names.
package codeactions

import (
	"fmt"
	"slices"
	"strings"

	"github.com/dockerfile-ls/dockerfile-ls/buildcontext"
	"github.com/dockerfile-ls/dockerfile-ls/diagnostics"
	"github.com/dockerfile-ls/dockerfile-ls/dockerfile"
)

// Kinds of actions, as LSP names them.
const (
	QuickFix     = "quickfix"
	SourceFixAll = "source.fixAll.dockerfile-ls"
)

// FileEdit is a change to another file than the Dockerfile (for example
// creating .dockerignore). Path is relative to the build context root.
type FileEdit struct {
	Path   string
	Create bool   // the file does not exist yet
	Append string // text to add at its end (or its whole content when created)
}

// Action is one fix.
type Action struct {
	Title     string
	Finding   diagnostics.Finding
	Edits     []dockerfile.Edit // non-overlapping, in the document's text, sorted by offset
	Files     []FileEdit
	Preferred bool // the fix a user most likely wants
	// InFixAll says whether source.fixAll may apply it unasked.
	InFixAll bool
	// Suppresses: the action silences the finding (skips the check)
	// rather than fixing it.
	Suppresses bool
	// Disabled says why the fix is not offered (see Refused); such an
	// action has no edits and is never applied.
	Disabled string
}

// FixInput is what a fixer reads.
type FixInput struct {
	// State is the document's build state for the build options its
	// findings were computed with (the settings' build args), so that a
	// fix resolves variables, WORKDIR and USER as its finding did.
	State   *dockerfile.BuildState
	Doc     *dockerfile.Document // State's document
	Finding diagnostics.Finding
	Context *buildcontext.Context // the build context; nil when unknown
	stages  *stageFacts           // shared by the fixes of one For call
}

// Fixer computes the fix for a finding of the kind it is registered for;
// ok is false when the fix would not be safe here.
type Fixer func(fx FixInput) (a Action, ok bool)

// Offer lists the fixes for the findings of st's document: For, or a
// stand-in in tests.
type Offer func(st *dockerfile.BuildState, findings []diagnostics.Finding, bctx *buildcontext.Context) []Action

// fixers maps a fix kind (as Kind returns it) to its fix; each fix
// registers itself in its own file's init, for a kind that a rule declares
// in its Fixes (a test checks that every declared kind has a fixer and
// every fixer a rule).
var fixers = map[diagnostics.FixKind]Fixer{}

func register(kind diagnostics.FixKind, f Fixer) {
	if _, dup := fixers[kind]; dup {
		panic("codeactions: two fixers registered for " + string(kind))
	}
	fixers[kind] = f
}

// extras are actions offered for any finding besides its fix, such as
// skipping the check; never in fixAll.
var extras []func(*dockerfile.Document, diagnostics.Finding) (Action, bool)

// Kind is the fix kind of a finding: its FixData's kind, or for findings
// without one (BuildKit's checks) the rule's name.
func Kind(f diagnostics.Finding) diagnostics.FixKind {
	if f.Fix != nil {
		return f.Fix.Kind
	}
	return diagnostics.FixKind(f.Rule)
}

// Apply returns text with the edits applied. The edits must not overlap;
// their offsets refer to text.
func Apply(text []byte, edits []dockerfile.Edit) ([]byte, error) {
	sorted := slices.Clone(edits)
	slices.SortStableFunc(sorted, func(a, b dockerfile.Edit) int { return a.Start - b.Start })
	var out []byte
	at := 0
	for _, e := range sorted {
		if e.Start < at || e.End < e.Start || e.End > len(text) {
			return nil, fmt.Errorf("edit [%d,%d) overlaps another or lies outside the text (%d bytes)", e.Start, e.End, len(text))
		}
		out = append(append(out, text[at:e.Start]...), e.Text...)
		at = e.End
	}
	return append(out, text[at:]...), nil
}

// For lists the fixes for the findings of st's document (findings without
// a fix, or whose fix is not safe in this document, get none). st must be
// the state the findings were computed with: Document.State with the
// build's options.
func For(st *dockerfile.BuildState, findings []diagnostics.Finding, bctx *buildcontext.Context) []Action {
	doc := st.Document()
	stages := newStageFacts(doc)
	var out []Action
	mounted := map[*dockerfile.Instruction]bool{} // instructions the cache-mount fix applies to
	for _, f := range findings {
		if fix, ok := fixers[Kind(f)]; ok && (f.Fix == nil || f.Fix.Refused == "") {
			if a, ok := safely(fix, FixInput{State: st, Doc: doc, Finding: f, Context: bctx, stages: stages}); ok {
				a.Finding = f
				out = append(out, a)
				if Kind(f) == diagnostics.AddCacheMount {
					markMounted(doc, a, mounted)
				}
			}
		}
		for _, extra := range extras {
			if a, ok := extra(doc, f); ok {
				a.Finding, a.Suppresses, a.InFixAll = f, true, false
				out = append(out, a)
			}
		}
	}
	kept := out[:0]
	for _, a := range out {
		if !supersededByMount[Kind(a.Finding)] || !mounted[doc.InstructionAt(a.Finding.Span.Start)] {
			kept = append(kept, a)
		}
	}
	return kept
}

// markMounted records the RUNs a cache-mount fix adds mounts to (apt's
// fix mounts every apt install of a stage).
func markMounted(doc *dockerfile.Document, a Action, mounted map[*dockerfile.Instruction]bool) {
	for _, e := range a.Edits {
		if in := doc.InstructionAt(e.Start); in != nil && in.Keyword == "RUN" && e.Start == in.ArgsSpan.Start && strings.HasPrefix(e.Text, "--mount=") {
			mounted[in] = true
		}
	}
}

// Touching returns the findings a code-action request for span needs: those
// whose span touches it, and the other findings of their instructions (For
// lets a cache-mount fix supersede the size fixes of its RUN, so it must
// see them together). A request then costs what its range holds, not what
// the file does.
func Touching(doc *dockerfile.Document, findings []diagnostics.Finding, span dockerfile.Span) []diagnostics.Finding {
	touching := func(f diagnostics.Finding) bool { return f.Span.Start <= span.End && f.Span.End >= span.Start }
	insts := map[*dockerfile.Instruction]bool{}
	for _, f := range findings {
		if in := doc.InstructionAt(f.Span.Start); in != nil && touching(f) {
			insts[in] = true
		}
	}
	var out []diagnostics.Finding
	for _, f := range findings {
		if touching(f) || insts[doc.InstructionAt(f.Span.Start)] {
			out = append(out, f)
		}
	}
	return out
}

// refusedTitles name the fixes a rule can refuse, for the disabled
// action that says why (each fix's file registers its own).
var refusedTitles = map[diagnostics.FixKind]string{}

// Refused lists, for the findings whose rule thought of a fix and refused
// it (FixData.Refused), a disabled action that says why: an editor shows
// it greyed out with the reason, so the user knows it was considered.
func Refused(findings []diagnostics.Finding) []Action {
	var out []Action
	for _, f := range findings {
		if f.Fix == nil || f.Fix.Refused == "" {
			continue
		}
		title, ok := refusedTitles[f.Fix.Kind]
		if !ok {
			title = string(f.Fix.Kind)
		}
		out = append(out, Action{Title: title, Finding: f, Disabled: f.Fix.Refused})
	}
	return out
}

// safely runs a fixer; one that panics offers nothing, and the other fixes
// are still offered (a fix is a convenience, never worth a failed request).
func safely(fix Fixer, fx FixInput) (a Action, ok bool) {
	defer func() {
		if recover() != nil {
			a, ok = Action{}, false
		}
	}()
	return fix(fx)
}
