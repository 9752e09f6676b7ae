package diagnostics

import (
	"github.com/dockerfile-ls/dockerfile-ls/dockerfile"
	"github.com/dockerfile-ls/dockerfile-ls/shell"
)

// commandPlaces is, for each command of a RUN, the place it runs in: the
// instruction's, with the working directory the `cd`s before it in the
// same script leave. A cd in a subshell or a block, after a `||`, or to a
// directory that is not known leaves it unknown from there on ("": paths
// relative to it resolve to nothing, and the rules stay quiet).
func commandPlaces(st *dockerfile.BuildState, in *dockerfile.Instruction, cs []shell.Command) []place {
	pl := placeOf(st, in)
	out := make([]place, len(cs))
	cwd := pl.wd
	for i, c := range cs {
		out[i] = pl
		out[i].wd = cwd
		if c.Name() != "cd" && c.Name() != "pushd" && c.Name() != "popd" {
			continue
		}
		if c.Sub || c.AfterOr || c.Name() != "cd" {
			cwd = ""
			continue
		}
		cwd = changeDir(pl, cwd, c)
	}
	return out
}
