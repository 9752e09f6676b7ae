package codeactions

import "github.com/dockerfile-ls/dockerfile-ls/dockerfile"

// stageFacts are what fixes ask about a whole stage, worked out once per
// For call and stage: asked again for each finding, a scan of the stage
// made For quadratic (8,000 apt RUNs in one stage: 20 s).
type stageFacts struct {
	doc     *dockerfile.Document
	byStage map[int]*stageFact
}

type stageFact struct {
	// bareInstall is the line of the stage's last RUN that installs with
	// apt before any update; -1 when none does.
	bareInstall int
}

func newStageFacts(doc *dockerfile.Document) *stageFacts {
	return &stageFacts{doc: doc, byStage: map[int]*stageFact{}}
}

// of returns the facts of stage i, computed on first use.
func (s *stageFacts) of(i int) *stageFact {
	if f, ok := s.byStage[i]; ok {
		return f
	}
	f := &stageFact{bareInstall: -1}
	for _, in := range s.doc.Stages[i].Instructions {
		if in.Keyword == "RUN" && installsWithoutUpdate(s.doc, in) {
			f.bareInstall = in.Line
		}
	}
	s.byStage[i] = f
	return f
}

// installsWithoutUpdateAfter reports whether a RUN of the stage after run
// installs with apt without updating first.
func (s *stageFacts) installsWithoutUpdateAfter(run *dockerfile.Instruction) bool {
	return s.of(run.Stage).bareInstall > run.Line
}
