package cache

import (
	"github.com/dockerfile-ls/dockerfile-ls/dockerfile"
	"github.com/dockerfile-ls/dockerfile-ls/pkgmgr"
	"github.com/dockerfile-ls/dockerfile-ls/shell"
)

// scriptKey memoises a RUN's parsed script on the instruction.
type scriptKey struct{}

// Script is what a RUN executes, as the shell parser reads it, with offsets
// relative to the instruction's ArgsSpan.Start (add it for file offsets);
// nil when the stage's SHELL is not a POSIX shell (PowerShell, cmd), where
// we say nothing rather than misread. Commands recovered from a script
// with a syntax error are kept.
func Script(doc *dockerfile.Document, in *dockerfile.Instruction) *shell.Script {
	if in.Keyword != "RUN" || !posixShellAt(doc, in) {
		return nil
	}
	script, _ := in.Derive(scriptKey{}, func() any {
		// The text from the command to the end of the instruction:
		// continuation lines and heredoc bodies included, as the shell
		// package expects. (Sliced here, not on every call: this is asked
		// for each RUN by several rules on every keystroke.)
		text := doc.Slice(dockerfile.Span{Start: in.ArgsSpan.Start, End: in.Span.End})
		if in.JSONForm {
			args := make([]string, len(in.Args))
			for i, a := range in.Args {
				args[i] = a.Value
			}
			return shell.ParseExec(args)
		}
		s, _ := shell.Parse(text)
		return s
	}).(*shell.Script)
	return script
}

// posixShellAt reports whether the SHELL in force at in is a POSIX shell.
func posixShellAt(doc *dockerfile.Document, in *dockerfile.Instruction) bool {
	if in.Stage < 0 || in.Stage >= len(doc.Stages) {
		return true
	}
	posix := doc.Escape != '`' // Windows images switch the escape character
	for _, other := range doc.Stages[in.Stage].Shells {
		if other.Line > in.Line {
			break
		}
		if other.JSONForm {
			args := make([]string, len(other.Args))
			for i, a := range other.Args {
				args[i] = a.Value
			}
			posix = shell.IsPOSIX(args)
		}
	}
	return posix
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
