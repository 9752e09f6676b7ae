// Package codeactions turns findings into fixes: pure functions from a
// finding (and the document it was found in) to text edits. No LSP here:
// the server and `dockerfile-ls check --fix` both use it. A fix is offered
// only when it is safe: a reorder keeps the image's files identical, a size
// fix removes only what it names.
package codeactions

import (
	"github.com/dockerfile-ls/dockerfile-ls/buildcontext"
	"github.com/dockerfile-ls/dockerfile-ls/diagnostics"
	"github.com/dockerfile-ls/dockerfile-ls/dockerfile"
)

// Kinds of actions, as LSP names them.
const (
	QuickFix = "quickfix"
	FixAll   = "source.fixAll.dockerfile-ls"
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
}

// Fixer computes the fix for a finding whose Fix.Kind it is registered
// for; ok is false when the fix would not be safe here.
type Fixer func(doc *dockerfile.Document, f diagnostics.Finding, bctx *buildcontext.Context) (a Action, ok bool)

// fixers maps a FixData.Kind to its fix; each fix registers itself in its
// own file's init.
var fixers = map[string]Fixer{}

func register(kind string, f Fixer) { fixers[kind] = f }

// For lists the fixes for the findings (findings without a fix, or whose
// fix is not safe in this document, get none).
func For(doc *dockerfile.Document, findings []diagnostics.Finding, bctx *buildcontext.Context) []Action {
	var out []Action
	for _, f := range findings {
		if f.Fix == nil {
			continue
		}
		fix, ok := fixers[f.Fix.Kind]
		if !ok {
			continue
		}
		if a, ok := fix(doc, f, bctx); ok {
			a.Finding = f
			out = append(out, a)
		}
	}
	return out
}
