package diagnostics

import "github.com/dockerfile-ls/dockerfile-ls/dockerfile"

// nextRun is the first RUN of stage after line, or nil.
func nextRun(p *Pass, stage, line int) *dockerfile.Instruction {
	if stage < 0 || stage >= len(p.Doc.Stages) {
		return nil
	}
	for _, in := range p.Doc.Stages[stage].Instructions {
		if in.Line > line && in.Keyword == "RUN" {
			return in
		}
	}
	return nil
}

// hasFlag reports whether flags contain --name.
func hasFlag(flags []dockerfile.Flag, name string) bool {
	for _, f := range flags {
		if f.Name == name {
			return true
		}
	}
	return false
}
