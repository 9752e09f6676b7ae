package codeactions

import (
	"fmt"
	"strings"

	"github.com/dockerfile-ls/dockerfile-ls/cache"
	"github.com/dockerfile-ls/dockerfile-ls/diagnostics"
	"github.com/dockerfile-ls/dockerfile-ls/dockerfile"
	"github.com/dockerfile-ls/dockerfile-ls/pkgmgr"
	"github.com/dockerfile-ls/dockerfile-ls/shell"
)

func init() { register(diagnostics.MergeUpdate, mergeUpdate) }

// mergeUpdate moves a lone "RUN apt-get update" into the install RUN right
// after it: "RUN apt-get update && apt-get install ...". Offered only when
// the update RUN is that one command on one line, without flags, parsing
// as a shell command on its own, and the next instruction installs with
// the same manager.
func mergeUpdate(fx FixInput) (Action, bool) {
	doc, f := fx.Doc, fx.Finding
	upd := doc.InstructionAt(f.Span.Start)
	if upd == nil || upd.Keyword != "RUN" || upd.Stage < 0 || upd.JSONForm || len(upd.Flags) > 0 || upd.Line != upd.EndLine {
		return Action{}, false
	}
	invs := cache.Invocations(doc, upd)
	if len(invs) != 1 || invs[0].Action != pkgmgr.Update || len(doc.Script(upd).Commands) != 1 {
		return Action{}, false
	}
	next := nextInstruction(doc, upd)
	if next == nil || next.Keyword != "RUN" || next.JSONForm || !installsWith(doc, next, invs[0].Manager) {
		return Action{}, false
	}
	// The command's own span: a shell comment after it on the line must not
	// swallow the install it is merged into.
	c := doc.Script(upd).Commands[0]
	if c.Start < 0 {
		return Action{}, false
	}
	command := strings.TrimSpace(doc.Slice(dockerfile.Span{Start: upd.ArgsSpan.Start + c.Start, End: upd.ArgsSpan.Start + c.End}))
	if _, err := shell.Parse(command); err != nil {
		return Action{}, false // an open quote would swallow the install it joins
	}
	return Action{
		Title: fmt.Sprintf("Run %s in the same RUN as the install", command),
		Edits: []dockerfile.Edit{
			{Start: doc.BlockStart(upd), End: doc.LineAfter(upd.EndLine)},
			{Start: next.ArgsSpan.Start, End: next.ArgsSpan.Start, Text: command + " && "},
		},
		Preferred: true,
		InFixAll:  true,
	}, true
}

// nextInstruction is the instruction after in, in its stage, or nil.
func nextInstruction(doc *dockerfile.Document, in *dockerfile.Instruction) *dockerfile.Instruction {
	insts := doc.Stages[in.Stage].Instructions
	for i, x := range insts {
		if x == in && i+1 < len(insts) {
			return insts[i+1]
		}
	}
	return nil
}

func installsWith(doc *dockerfile.Document, run *dockerfile.Instruction, m *pkgmgr.Manager) bool {
	for _, inv := range cache.Invocations(doc, run) {
		if inv.Manager == m && inv.Action == pkgmgr.Install {
			return true
		}
	}
	return false
}
