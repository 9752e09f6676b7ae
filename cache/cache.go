// Package cache models BuildKit's build cache: given a Dockerfile, its build
// context and a change (context paths and/or build args), it predicts which
// steps re-run and why. It has no LSP in it; the rules, the hover and the
// `dockerfile-ls cache` command all ask it the same question.
//
// The model, each part checked on a real BuildKit (internal/oracle):
//   - a step's key depends on its parent step, its text after ARG/ENV
//     expansion, its flags, and for COPY/ADD the content and mode (not the
//     mtime) of the context files its sources match after the ignore file
//     and its --exclude patterns (each instruction is read through the
//     document's build state, dockerfile.BuildState, as BuildKit expands it);
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
	"strings"

	"github.com/moby/patternmatcher"

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
	// BuildArgs are the build's values (they choose stages through
	// FROM ${VAR}); unset ones take their global ARG default.
	BuildArgs map[string]string
}

// stageResult is how a stage ended, for the stages that use it.
type stageResult struct {
	status Status
	reason string
}

// Predict answers: after ch, which steps re-run?
func Predict(in Input, ch Change) []Step {
	doc := in.Doc
	state := doc.State(dockerfile.Options{BuildArgs: in.BuildArgs})
	refs := newStageRefs(in, state, ch)
	needed := refs.needed(in.Target)
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
		p := predictor{in: in, ch: ch, results: results, refs: refs, st: state}
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
	refs    *stageRefs
	st      *dockerfile.BuildState
}

func (p *predictor) stage(st *dockerfile.Stage) []Step {
	p.status, p.reason, p.args = Cached, "", map[string]bool{}
	if arg := p.refs.switchedBy[st.Index]; arg != "" {
		// The previous build used another stage here: nothing of this one
		// is in the cache from it.
		p.status, p.reason = ReRun, fmt.Sprintf("build arg %s changed which stage is built here, and this one was not part of the previous build", arg)
	}
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
	case p.status == ReRun && p.st.Of(inst).Copy().Link:
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
		if UsesVar(p.in.Doc.Slice(inst.Span), a) && globalArg(p.in.Doc, a) {
			return ReRun, fmt.Sprintf("the FROM line uses build arg %s, which changed", a)
		}
	}
	base := p.st.StageParent(st)
	if base == nil {
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
		if p.args[a] && UsesVar(p.in.Doc.Slice(inst.Span), a) {
			return a
		}
	}
	return ""
}

func (p *predictor) mountCause(inst *dockerfile.Instruction) (Status, string) {
	for _, m := range p.st.Of(inst).Mounts() {
		if m.Type != "bind" {
			continue // cache, secret, ssh and tmpfs mounts are not part of the key
		}
		if m.From.Name != "" {
			if s, r := p.fromStage(m.From); s != Cached {
				return s, r
			}
			continue
		}
		if changed := p.changedUnder([]string{m.Source}, nil); changed != "" {
			return ReRun, fmt.Sprintf("%s changed and the RUN bind-mounts it from the build context", changed)
		}
	}
	return Cached, ""
}

func (p *predictor) copyCause(inst *dockerfile.Instruction) (Status, string) {
	reads := p.st.Of(inst).Copy()
	if reads.From.Name != "" {
		return p.fromStage(reads.From)
	}
	if changed := p.changedUnder(reads.Context, reads.Exclude); changed != "" {
		return ReRun, fmt.Sprintf("%s changed and %s copies it", changed, OneLine(p.in.Doc, inst))
	}
	if changed, src := p.changedUnresolved(reads.Unresolved); changed != "" {
		return ReRun, fmt.Sprintf("%s changed and %s may copy it (its source %s depends on a value unknown here)", changed, OneLine(p.in.Doc, inst), src)
	}
	if arg := p.usedChangedArg(inst); arg != "" {
		return ReRun, fmt.Sprintf("it uses build arg %s, which changed", arg)
	}
	return Cached, ""
}

// fromStage is how a COPY --from or a bind mount from a stage is affected
// by that stage.
func (p *predictor) fromStage(ref dockerfile.Ref) (Status, string) {
	if ref.Stage == nil {
		return Cached, "" // an image: not part of this build's changes
	}
	switch r := p.results[ref.Stage.Index]; r.status {
	case ReRun, Depends:
		return Depends, fmt.Sprintf("stage %s re-runs; this step re-runs only if the files it copies from there change", stageLabel(ref.Stage))
	}
	return Cached, ""
}

// changedUnder returns the first changed path that one of srcs selects
// after the ignore file and the --exclude patterns, or "".
func (p *predictor) changedUnder(srcs, exclude []string) string {
	var excl *patternmatcher.PatternMatcher
	if len(exclude) > 0 {
		excl, _ = patternmatcher.New(exclude) // invalid patterns: BuildKit fails the step; exclude nothing
	}
	for _, c := range p.contextChanges() {
		for _, s := range srcs {
			if root, ok := coveredAt(s, c); ok && !excludedBelow(excl, root, c) {
				return c
			}
		}
	}
	return ""
}

// changedUnresolved is the first changed path (after the ignore file) when
// a source could not be resolved and so may select it, with that source.
func (p *predictor) changedUnresolved(srcs []string) (changed, src string) {
	if len(srcs) == 0 {
		return "", ""
	}
	if cs := p.contextChanges(); len(cs) > 0 {
		return cs[0], "`" + srcs[0] + "`"
	}
	return "", ""
}

// contextChanges are the changed paths the build context sends: cleaned,
// those the ignore file excludes left out.
func (p *predictor) contextChanges() []string {
	var out []string
	for _, c := range p.ch.Paths {
		c = path.Clean(strings.TrimPrefix(c, "./"))
		if p.in.Context != nil && p.in.Context.Excluded(c) {
			continue
		}
		out = append(out, c)
	}
	return out
}

// Covers reports whether the COPY source src (relative to the context
// root, possibly a glob or a directory) selects path p.
func Covers(src, p string) bool {
	_, ok := coveredAt(src, p)
	return ok
}

// coveredAt is Covers, with the path src matched: p itself or the
// directory above it that src copies ("." for the whole context).
func coveredAt(src, p string) (string, bool) {
	src = path.Clean("/" + src)[1:]
	if src == "" {
		return ".", true
	}
	for q := p; q != "." && q != "/" && q != ""; q = path.Dir(q) {
		if ok, _ := path.Match(src, q); ok {
			return q, true
		}
	}
	return "", false
}

// excludedBelow reports whether the --exclude patterns leave out path p,
// copied as part of root: BuildKit matches them (moby/patternmatcher)
// against the path relative to each source, directory by directory; a
// source that is the file itself is never excluded.
func excludedBelow(excl *patternmatcher.PatternMatcher, root, p string) bool {
	if excl == nil || root == p {
		return false
	}
	rel := p
	if root != "." {
		rel = strings.TrimPrefix(p, root+"/")
	}
	var info patternmatcher.MatchInfo
	matched := false
	parts := strings.Split(rel, "/")
	for i := range parts {
		m, next, err := excl.MatchesUsingParentResults(strings.Join(parts[:i+1], "/"), info)
		if err != nil {
			return false
		}
		matched, info = m, next
	}
	return matched
}
