// Package cache models BuildKit's build cache: given a Dockerfile, its build
// context and a change (context paths and/or build args), it predicts which
// steps re-run and why. It has no LSP in it; the rules, the hover and the
// `dockerfile-ls cache` command all ask it the same question.
//
// The model, each part checked on a real BuildKit (internal/oracle):
//   - a step's key depends on its parent step, its text after ARG/ENV
//     expansion, its flags, and for COPY/ADD the content and mode (not the
//     mtime) of the context files its sources match after the ignore file;
//   - a changed build arg re-runs every RUN of the stage from the ARG's
//     declaration on (ARGs are in every RUN's environment); a global ARG
//     reaches a stage only through its FROM line or a re-declaration; the
//     predefined proxy args never invalidate unless declared;
//   - cache mounts are not part of the key; bind-mount sources are;
//   - once a step re-runs, every later step of its stage re-runs; a stage
//     FROM another stage re-runs when that stage's last step re-runs;
//   - COPY --from=stage is keyed on the copied files: when that stage
//     re-runs, the copy re-runs only if the stage's output changes, which
//     cannot be known statically: the answer is Depends, never a guess;
//   - COPY --link is applied on an empty layer, so it stays cached when only
//     its parent re-ran;
//   - only the stages the target needs are built.
package cache

import (
	"fmt"
	"path"
	"slices"
	"strings"

	"github.com/dockerfile-ls/dockerfile-ls/buildcontext"
	"github.com/dockerfile-ls/dockerfile-ls/dockerfile"
)

// Status of a step after a change.
type Status string

const (
	Cached   Status = "cached"
	ReRun    Status = "re-run"
	Depends  Status = "depends"   // re-runs only if another stage's output changes
	NotBuilt Status = "not-built" // the target does not need this stage
)

// Change is what changed since the last build.
type Change struct {
	Paths     []string // context paths, slash-separated, relative to the context root
	BuildArgs []string // names of build args whose value changed
}

// Step is the prediction for one instruction.
type Step struct {
	Inst   *dockerfile.Instruction
	Stage  string // the stage's name, or its index
	Status Status
	Reason string
}

// Line is the step's 1-based line.
func (s Step) Line() int { return s.Inst.Line + 1 }

// Input is what the prediction depends on besides the change.
type Input struct {
	Doc     *dockerfile.Document
	Context *buildcontext.Context // nil: every path is taken to be in the context
	Target  string                // stage name; "" means the last stage
}

// stageResult is how a stage ended, for the stages that use it.
type stageResult struct {
	status Status
	reason string
}

// Predict answers: after ch, which steps re-run?
func Predict(in Input, ch Change) []Step {
	doc := in.Doc
	needed := neededStages(doc, in.Target)
	results := make([]stageResult, len(doc.Stages))
	var steps []Step
	for _, st := range doc.Stages {
		name := stageLabel(st)
		if !needed[st.Index] {
			for _, inst := range st.Instructions {
				steps = append(steps, Step{Inst: inst, Stage: name, Status: NotBuilt, Reason: "the target does not need stage " + name})
			}
			results[st.Index] = stageResult{status: NotBuilt}
			continue
		}
		p := predictor{in: in, ch: ch, results: results}
		stageSteps := p.stage(st)
		steps = append(steps, stageSteps...)
		last := stageSteps[len(stageSteps)-1]
		results[st.Index] = stageResult{status: last.Status, reason: last.Reason}
	}
	return steps
}

func stageLabel(st *dockerfile.Stage) string {
	if st.Name != "" {
		return st.Name
	}
	return fmt.Sprint(st.Index)
}

// predictor walks one stage, carrying the chain's state.
type predictor struct {
	in      Input
	ch      Change
	results []stageResult
	status  Status // the chain so far: Cached, ReRun or Depends
	reason  string
	args    map[string]bool // args declared in this stage so far
}

func (p *predictor) stage(st *dockerfile.Stage) []Step {
	p.status, p.reason, p.args = Cached, "", map[string]bool{}
	var out []Step
	for _, inst := range st.Instructions {
		status, reason := p.step(st, inst)
		out = append(out, Step{Inst: inst, Stage: stageLabel(st), Status: status, Reason: reason})
	}
	return out
}

// step decides one instruction and advances the chain.
func (p *predictor) step(st *dockerfile.Stage, inst *dockerfile.Instruction) (Status, string) {
	own, why := p.ownCause(st, inst)
	switch {
	case own == ReRun:
		p.chain(ReRun, why)
		return ReRun, why
	case p.status == ReRun && isLinkedCopy(inst):
		return Cached, "COPY --link does not depend on the steps before it"
	case p.status == ReRun:
		return ReRun, p.reason
	case own == Depends:
		p.chain(Depends, why)
		return Depends, why
	case p.status == Depends:
		return Depends, p.reason
	}
	return Cached, "nothing it depends on changed"
}

// chain records that from here on the stage's steps follow cause.
func (p *predictor) chain(status Status, reason string) {
	if status == ReRun || p.status == Cached {
		p.status, p.reason = status, fmt.Sprintf("an earlier step re-runs (%s)", reason)
		if status == Depends {
			p.reason = reason
		}
	}
}

// ownCause is what makes the instruction itself re-run, independent of
// the steps before it.
func (p *predictor) ownCause(st *dockerfile.Stage, inst *dockerfile.Instruction) (Status, string) {
	switch inst.Keyword {
	case "FROM":
		return p.fromCause(st, inst)
	case "ARG":
		for _, v := range declaredArgs(inst) {
			p.args[v] = true
		}
		return Cached, ""
	case "RUN":
		if arg := p.changedArgInScope(); arg != "" {
			return ReRun, fmt.Sprintf("build arg %s changed, and ARGs are in the environment of every RUN after their declaration", arg)
		}
		return p.mountCause(inst)
	case "COPY", "ADD":
		return p.copyCause(inst)
	}
	if arg := p.usedChangedArg(inst); arg != "" {
		return ReRun, fmt.Sprintf("it uses build arg %s, which changed", arg)
	}
	return Cached, ""
}

func (p *predictor) fromCause(st *dockerfile.Stage, inst *dockerfile.Instruction) (Status, string) {
	for _, a := range p.ch.BuildArgs {
		if UsesVar(inst.Node.Original, a) && globalArg(p.in.Doc, a) {
			return ReRun, fmt.Sprintf("the FROM line uses build arg %s, which changed", a)
		}
	}
	base := p.in.Doc.StageByName(st.Base)
	if base == nil || base.Index >= st.Index {
		return Cached, ""
	}
	switch r := p.results[base.Index]; r.status {
	case ReRun:
		return ReRun, fmt.Sprintf("its base stage %s re-runs", stageLabel(base))
	case Depends:
		return Depends, fmt.Sprintf("its base stage %s may re-run (%s)", stageLabel(base), r.reason)
	}
	return Cached, ""
}

// changedArgInScope is a changed build arg declared in this stage so far.
func (p *predictor) changedArgInScope() string {
	for _, a := range p.ch.BuildArgs {
		if p.args[a] {
			return a
		}
	}
	return ""
}

// usedChangedArg is a changed, declared build arg the instruction expands.
func (p *predictor) usedChangedArg(inst *dockerfile.Instruction) string {
	for _, a := range p.ch.BuildArgs {
		if p.args[a] && UsesVar(inst.Node.Original, a) {
			return a
		}
	}
	return ""
}

func (p *predictor) mountCause(inst *dockerfile.Instruction) (Status, string) {
	for _, f := range inst.Flags {
		if f.Name != "mount" {
			continue
		}
		m := MountOptions(f.Value)
		if m["type"] != "bind" {
			continue // cache, secret, ssh and tmpfs mounts are not part of the key
		}
		if from := m["from"]; from != "" {
			if s, r := p.fromStage(from); s != Cached {
				return s, r
			}
			continue
		}
		src := m["source"]
		if src == "" {
			src = m["src"]
		}
		if changed := p.changedUnder([]string{src}); changed != "" {
			return ReRun, fmt.Sprintf("%s changed and the RUN bind-mounts it from the build context", changed)
		}
	}
	return Cached, ""
}

func (p *predictor) copyCause(inst *dockerfile.Instruction) (Status, string) {
	if from := flagValue(inst, "from"); from != "" {
		return p.fromStage(from)
	}
	srcs := ContextSources(inst)
	if changed := p.changedUnder(srcs); changed != "" {
		return ReRun, fmt.Sprintf("%s changed and %s copies it", changed, OneLine(p.in.Doc, inst))
	}
	if arg := p.usedChangedArg(inst); arg != "" {
		return ReRun, fmt.Sprintf("it uses build arg %s, which changed", arg)
	}
	return Cached, ""
}

// fromStage is how a COPY --from or a bind mount from a stage is affected
// by that stage.
func (p *predictor) fromStage(ref string) (Status, string) {
	st := p.in.Doc.StageByName(ref)
	if st == nil {
		if n, ok := stageIndex(ref); ok && n < len(p.in.Doc.Stages) {
			st = p.in.Doc.Stages[n]
		}
	}
	if st == nil {
		return Cached, "" // an image: not part of this build's changes
	}
	switch r := p.results[st.Index]; r.status {
	case ReRun, Depends:
		return Depends, fmt.Sprintf("stage %s re-runs; this step re-runs only if the files it copies from there change", stageLabel(st))
	}
	return Cached, ""
}

// changedUnder returns the first changed path that one of srcs selects
// after the ignore file, or "".
func (p *predictor) changedUnder(srcs []string) string {
	for _, c := range p.ch.Paths {
		c = path.Clean(strings.TrimPrefix(c, "./"))
		if p.in.Context != nil && p.in.Context.Excluded(c) {
			continue
		}
		for _, s := range srcs {
			if Covers(s, c) {
				return c
			}
		}
	}
	return ""
}

// Covers reports whether the COPY source src (relative to the context
// root, possibly a glob or a directory) selects path p.
func Covers(src, p string) bool {
	src = path.Clean("/" + src)[1:]
	if src == "" {
		return true
	}
	for q := p; q != "." && q != "/" && q != ""; q = path.Dir(q) {
		if ok, _ := path.Match(src, q); ok {
			return true
		}
	}
	return false
}

func neededStages(doc *dockerfile.Document, target string) map[int]bool {
	needed := map[int]bool{}
	if len(doc.Stages) == 0 {
		return needed
	}
	start := doc.Stages[len(doc.Stages)-1]
	if target != "" {
		if st := doc.StageByName(target); st != nil {
			start = st
		}
	}
	var visit func(st *dockerfile.Stage)
	visit = func(st *dockerfile.Stage) {
		if needed[st.Index] {
			return
		}
		needed[st.Index] = true
		for _, dep := range stageDeps(doc, st) {
			visit(dep)
		}
	}
	visit(start)
	return needed
}

// stageDeps are the earlier stages st builds on or copies from.
func stageDeps(doc *dockerfile.Document, st *dockerfile.Stage) []*dockerfile.Stage {
	var refs []string
	refs = append(refs, st.Base)
	for _, inst := range st.Instructions {
		if v := flagValue(inst, "from"); v != "" {
			refs = append(refs, v)
		}
		for _, f := range inst.Flags {
			if f.Name == "mount" {
				if from := MountOptions(f.Value)["from"]; from != "" {
					refs = append(refs, from)
				}
			}
		}
	}
	var out []*dockerfile.Stage
	for _, r := range refs {
		dep := doc.StageByName(r)
		if dep == nil {
			if n, ok := stageIndex(r); ok && n < st.Index {
				dep = doc.Stages[n]
			}
		}
		if dep != nil && dep.Index < st.Index && !slices.Contains(out, dep) {
			out = append(out, dep)
		}
	}
	return out
}
