package cachehistory

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"

	"github.com/dockerfile-ls/dockerfile-ls/cache"
	"github.com/dockerfile-ls/dockerfile-ls/dockerfile"
)

// What a change to the Dockerfile itself re-runs (--as-built), as BuildKit
// finds steps in its cache: by the chain of operations that leads to a
// step, not by line or stage. An operation (FROM's image, RUN, COPY, ADD,
// WORKDIR) is keyed on the one before it and on its own text; a RUN also
// on the environment it runs with (ENV, ARG values, USER, SHELL, WORKDIR
// so far), a COPY or ADD on the WORKDIR its destination is relative to. A
// step whose key the previous Dockerfile had is cached wherever it stands;
// one it did not have re-runs, and so does everything after it in its
// stage. Instructions that only set the image's configuration (CMD,
// LABEL, EXPOSE...) are not operations: changing one re-runs nothing, and
// comments are not instructions at all. A COPY --link is keyed on its own
// text alone; a COPY --from or a bind mount from a stage that re-runs is
// Depends, as in the cache engine.

// dfStep is a step's status because of the Dockerfile change.
type dfStep struct {
	status cache.Status
	reason string
}

// chainer computes the operation keys of one Dockerfile version.
type chainer struct {
	doc *dockerfile.Document
	st  *dockerfile.BuildState
	// seen are the previous version's keys (nil while computing them).
	seen   map[string]bool
	texts  map[string]bool // the previous version's instruction texts
	keys   map[string]bool // this version's keys
	ownTxt map[string]bool // this version's instruction texts
	stages []stageEnd
	steps  map[*dockerfile.Instruction]dfStep
}

// stageEnd is how a stage ends, for the stages built on it.
type stageEnd chainState

// dockerfileChange is the status each instruction of doc takes because the
// Dockerfile changed from prev (nil: there was none, so nothing is cached).
func dockerfileChange(prev, doc *dockerfile.Document, opts dockerfile.Options) map[*dockerfile.Instruction]dfStep {
	if prev == nil {
		out := map[*dockerfile.Instruction]dfStep{}
		for _, st := range doc.Stages {
			for _, inst := range st.Instructions {
				out[inst] = dfStep{status: cache.ReRun, reason: "the Dockerfile is new in this commit: nothing of it is in the cache"}
			}
		}
		return out
	}
	before := &chainer{}
	before.run(prev, opts)
	now := &chainer{seen: before.keys, texts: before.ownTxt}
	now.run(doc, opts)
	return now.steps
}

// run walks every stage of doc in order (a stage is built on earlier ones
// only).
func (c *chainer) run(doc *dockerfile.Document, opts dockerfile.Options) {
	c.doc, c.st = doc, doc.State(opts)
	c.keys, c.ownTxt = map[string]bool{}, map[string]bool{}
	c.stages = make([]stageEnd, len(doc.Stages))
	c.steps = map[*dockerfile.Instruction]dfStep{}
	for _, st := range doc.Stages {
		c.stages[st.Index] = c.stage(st)
	}
}

// chainState is one stage's walk so far.
type chainState struct {
	// key is the last operation's; env what a RUN runs with besides its
	// working folder (ENV, ARG, USER, SHELL).
	key, env string
	status   cache.Status
	reason   string
}

func (c *chainer) stage(st *dockerfile.Stage) stageEnd {
	s := c.start(st)
	c.steps[st.From] = dfStep{status: s.status, reason: s.reason}
	for _, inst := range st.Instructions[1:] {
		c.steps[inst] = c.step(&s, inst)
	}
	return stageEnd(s)
}

// start is where a stage's chain begins: the end of the stage it is built
// on, or its base image.
func (c *chainer) start(st *dockerfile.Stage) chainState {
	if base := c.st.StageParent(st); base != nil {
		end := c.stages[base.Index]
		s := chainState(end)
		s.reason = ""
		if end.status != cache.Cached {
			s.reason = fmt.Sprintf("its base stage %s re-runs", stageLabel(base))
		}
		return s
	}
	img, _ := c.st.StageImage(st)
	s := chainState{key: hashOf("FROM", img.Text, st.Platform), status: cache.Cached}
	c.keys[s.key] = true
	if c.seen != nil && !c.seen[s.key] {
		s.status, s.reason = cache.ReRun, "the stage's base image changed in the Dockerfile"
	}
	return s
}

// step advances the chain by one instruction and returns its status.
func (c *chainer) step(s *chainState, inst *dockerfile.Instruction) dfStep {
	text := c.text(inst)
	c.ownTxt[text] = true
	x := c.st.Of(inst)
	switch inst.Keyword {
	case "ENV", "ARG", "USER", "SHELL":
		s.env = hashOf(s.env, inst.Keyword, text, declaredValues(x))
		return dfStep{status: s.status, reason: s.reason}
	case "RUN", "COPY", "ADD", "WORKDIR":
	default:
		return dfStep{status: s.status, reason: s.reason} // sets the image's configuration only
	}
	own := ownKey(x, s.env, text)
	link := inst.Keyword != "RUN" && x.Copy().Link
	prevKey := s.key
	s.key = hashOf(prevKey, own)
	if link {
		own = hashOf("link", own)
	}
	c.keys[s.key], c.keys[own] = true, true
	if c.seen == nil {
		return dfStep{status: cache.Cached}
	}
	return c.decide(s, inst, text, link && c.seen[own])
}

// decide is the status of an operation whose key the chain now holds.
func (c *chainer) decide(s *chainState, inst *dockerfile.Instruction, text string, linkCached bool) dfStep {
	if s.status == cache.ReRun {
		if linkCached {
			return dfStep{status: cache.Cached, reason: "COPY --link does not depend on the steps before it"}
		}
		return dfStep{status: cache.ReRun, reason: s.reason}
	}
	if !c.seen[s.key] && !linkCached {
		why := "the Dockerfile changed this instruction"
		if c.texts[text] {
			why = "the Dockerfile changed what comes before this instruction (an earlier step, ENV, ARG, USER, SHELL or WORKDIR)"
		}
		s.status, s.reason = cache.ReRun, "an earlier step re-runs ("+why+")"
		return dfStep{status: cache.ReRun, reason: why}
	}
	if s.status == cache.Depends {
		return dfStep{status: cache.Depends, reason: s.reason}
	}
	if from := c.fromStage(inst); from != "" {
		s.status, s.reason = cache.Depends, fmt.Sprintf("stage %s re-runs; this step re-runs only if the files it copies from there change", from)
		return dfStep{status: cache.Depends, reason: s.reason}
	}
	return dfStep{status: cache.Cached}
}

// ownKey is what an operation is keyed on besides the chain before it: its
// text, its working folder and, for a RUN, its environment; for a COPY or
// ADD, its sources and destination as expanded (an ENV it reads changes
// them, not the COPY's text).
func ownKey(x dockerfile.InstState, env, text string) string {
	inst := x.Instruction()
	parts := []string{inst.Keyword, text, x.Workdir().Text}
	switch inst.Keyword {
	case "RUN":
		parts = append(parts, env)
	case "COPY", "ADD":
		reads := x.Copy()
		parts = append(parts, reads.Dest.Text)
		for _, src := range reads.Sources {
			parts = append(parts, src.Text)
		}
	}
	return hashOf(parts...)
}

// fromStage names a stage that the instruction reads from (COPY --from,
// a bind mount from=) and that re-runs or may, or "".
func (c *chainer) fromStage(inst *dockerfile.Instruction) string {
	x := c.st.Of(inst)
	refs := []dockerfile.Ref{x.Copy().From}
	for _, m := range x.Mounts() {
		if m.Type == "bind" {
			refs = append(refs, m.From)
		}
	}
	for _, r := range refs {
		if r.Stage != nil && r.Stage.Index < len(c.stages) && c.stages[r.Stage.Index].status != cache.Cached {
			return stageLabel(r.Stage)
		}
	}
	return ""
}

// text is the instruction as BuildKit's parser keeps it: continuation
// lines joined, comments between them dropped, heredoc bodies included;
// where the instruction stands does not matter.
func (c *chainer) text(inst *dockerfile.Instruction) string {
	n, err := c.doc.Node(inst)
	if err != nil {
		return c.doc.Slice(inst.Span)
	}
	var b strings.Builder
	b.WriteString(n.Original)
	for _, h := range n.Heredocs {
		b.WriteString("\x00" + h.Name + "\x00" + h.Content)
	}
	return b.String()
}

// declaredValues are the values an ARG or ENV binds, which a RUN sees in
// its environment: a global ARG's new default reaches it through them.
func declaredValues(x dockerfile.InstState) string {
	var b strings.Builder
	for _, v := range x.Declared() {
		fmt.Fprintf(&b, "%s=%t:%s\x00", v.Name, v.Set, v.Value)
	}
	return b.String()
}

func hashOf(parts ...string) string {
	h := sha256.New()
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil)[:16])
}

// stageLabel names a stage as the cache engine does: its name, or its
// index.
func stageLabel(st *dockerfile.Stage) string {
	if st.Name != "" {
		return st.Name
	}
	return fmt.Sprint(st.Index)
}
