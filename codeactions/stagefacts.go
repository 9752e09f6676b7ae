package codeactions

import (
	"bytes"

	"github.com/dockerfile-ls/dockerfile-ls/dockerfile"
)

// stageFacts are what fixes ask about a whole stage, worked out once per
// For call and stage: asked again for each finding, a scan of the stage
// made For quadratic (8,000 apt RUNs in one stage: 20 s).
type stageFacts struct {
	doc     *dockerfile.Document
	byStage map[int]*stageFact
}

type stageFact struct {
	// dockerClean is the line of the stage's first instruction that
	// mentions apt's docker-clean hook; -1 when none does.
	dockerClean int
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
	f := &stageFact{dockerClean: -1, bareInstall: -1}
	for _, in := range s.doc.Stages[i].Instructions {
		if f.dockerClean < 0 && bytes.Contains(s.doc.Text[in.Span.Start:in.Span.End], []byte("docker-clean")) {
			f.dockerClean = in.Line
		}
		if in.Keyword == "RUN" && installsWithoutUpdate(s.doc, in) {
			f.bareInstall = in.Line
		}
	}
	s.byStage[i] = f
	return f
}

// keepsAptCache reports whether the stage already disables docker-clean
// before run.
func (s *stageFacts) keepsAptCache(run *dockerfile.Instruction) bool {
	at := s.of(run.Stage).dockerClean
	return at >= 0 && at < run.Line
}

// installsWithoutUpdateAfter reports whether a RUN of the stage after run
// installs with apt without updating first.
func (s *stageFacts) installsWithoutUpdateAfter(run *dockerfile.Instruction) bool {
	return s.of(run.Stage).bareInstall > run.Line
}
