package cache

import (
	"github.com/dockerfile-ls/dockerfile-ls/dockerfile"
	"github.com/dockerfile-ls/dockerfile-ls/pkgmgr"
	"github.com/dockerfile-ls/dockerfile-ls/shell"
)

// Script is what a RUN executes (see dockerfile.Document.Script), nil
// when the stage's SHELL is not a POSIX shell, and nil in a file with
// "# escape=`" that declares no POSIX SHELL: such files are written for
// Windows images, whose default shell is cmd.
func Script(doc *dockerfile.Document, in *dockerfile.Instruction) *shell.Script {
	if doc.Escape == '`' && !declaresShell(doc, in) {
		return nil
	}
	return doc.Script(in)
}

// declaresShell reports whether an exec-form SHELL of in's stage comes
// before it.
func declaresShell(doc *dockerfile.Document, in *dockerfile.Instruction) bool {
	if in.Stage < 0 || in.Stage >= len(doc.Stages) {
		return false
	}
	for _, sh := range doc.Stages[in.Stage].Shells {
		if sh.Line < in.Line && sh.JSONForm {
			return true
		}
	}
	return false
}

// Invocations lists the package-manager commands a RUN executes, with
// offsets relative to in.ArgsSpan.Start.
func Invocations(doc *dockerfile.Document, in *dockerfile.Instruction) []pkgmgr.Invocation {
	script := Script(doc, in)
	if script == nil {
		return nil
	}
	// Memoised with the script: every rule asks, on every keystroke.
	invs, _ := in.Derive(invocationsKey{}, func() any {
		var out []pkgmgr.Invocation
		for _, c := range script.Commands {
			if inv, ok := pkgmgr.Classify(c); ok {
				out = append(out, inv)
			}
		}
		return out
	}).([]pkgmgr.Invocation)
	return invs
}

// invocationsKey memoises a RUN's classified commands on the instruction.
type invocationsKey struct{}
