package cache

import (
	"github.com/dockerfile-ls/dockerfile-ls/dockerfile"
	"github.com/dockerfile-ls/dockerfile-ls/pkgmgr"
)

// Invocations lists the package-manager commands a RUN executes, with
// offsets relative to in.ArgsSpan.Start.
func Invocations(doc *dockerfile.Document, in *dockerfile.Instruction) []pkgmgr.Invocation {
	script := doc.Script(in)
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
