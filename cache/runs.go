package cache

import (
	"strings"

	"github.com/dockerfile-ls/dockerfile-ls/dockerfile"
	"github.com/dockerfile-ls/dockerfile-ls/pkgmgr"
	"github.com/dockerfile-ls/dockerfile-ls/shell"
)

// Script is what a RUN executes, as the shell parser reads it; nil when the
// stage's SHELL is not a POSIX shell (PowerShell, cmd), where we say nothing
// rather than misread.
func Script(doc *dockerfile.Document, in *dockerfile.Instruction) *shell.Script {
	if in.Keyword != "RUN" || !posixShellAt(doc, in) {
		return nil
	}
	if in.JSONForm {
		args := make([]string, len(in.Args))
		for i, a := range in.Args {
			args[i] = a.Value
		}
		return shell.ParseExec(args)
	}
	var text strings.Builder
	if in.Node != nil && in.Node.Next != nil {
		text.WriteString(in.Node.Next.Value)
	}
	for _, h := range in.Heredocs {
		text.WriteString("\n")
		text.WriteString(h.Content)
	}
	script, err := shell.Parse(text.String())
	if err != nil {
		return nil
	}
	return script
}

// posixShellAt reports whether the SHELL in force at in is a POSIX shell.
func posixShellAt(doc *dockerfile.Document, in *dockerfile.Instruction) bool {
	if in.Stage < 0 || in.Stage >= len(doc.Stages) {
		return true
	}
	posix := doc.Escape != '`' // Windows images switch the escape character
	for _, other := range doc.Stages[in.Stage].Instructions {
		if other == in {
			break
		}
		if other.Keyword == "SHELL" && other.JSONForm {
			args := make([]string, len(other.Args))
			for i, a := range other.Args {
				args[i] = a.Value
			}
			posix = shell.IsPOSIX(args)
		}
	}
	return posix
}

// Invocations lists the package-manager commands a RUN executes.
func Invocations(doc *dockerfile.Document, in *dockerfile.Instruction) []pkgmgr.Invocation {
	script := Script(doc, in)
	if script == nil {
		return nil
	}
	var out []pkgmgr.Invocation
	for _, c := range script.Commands {
		if inv, ok := pkgmgr.Classify(c); ok {
			out = append(out, inv)
		}
	}
	return out
}
