package features

import (
	"fmt"
	"strings"

	"github.com/dockerfile-ls/dockerfile-ls/cache"
	"github.com/dockerfile-ls/dockerfile-ls/dockerfile"
)

// maxProbes bounds the changes a hover asks the cache engine about: each
// is one prediction over the stages the step's stage needs.
const maxProbes = 8

// cacheNote says what makes the step of an instruction re-run. Which of
// the inputs it reads (build-context paths, build args) re-run it, and
// why, is what `dockerfile-ls cache` prints for the step when that input
// changes: cache.Predict is asked, so the hover and the command never
// disagree. The rest of the step's key (its command, destination, the
// stages and URLs it reads) is read from the build state.
func cacheNote(st *dockerfile.BuildState, in *dockerfile.Instruction) string {
	if in.Stage < 0 || in.Stage >= len(st.Document().Stages) {
		return ""
	}
	var note string
	var p predictions
	switch in.Keyword {
	case "FROM":
		note, p = fromNote(st, in), predict(st, in)
	case "RUN", "COPY", "ADD", "WORKDIR":
		p = predict(st, in)
		note = "**Re-runs when:** " + strings.Join(keyParts(st.Of(in), p.rerun()), "; ") + "."
	default:
		return ""
	}
	switch list := p.String(); {
	case list == "":
		return note
	case note == "":
		return list
	default:
		return note + "\n\n" + list
	}
}

// fromNote: every step of a stage follows its base, another stage or an
// image (by digest); none for scratch.
func fromNote(st *dockerfile.BuildState, in *dockerfile.Instruction) string {
	stage := st.Document().Stages[in.Stage]
	if parent := st.StageParent(stage); parent != nil {
		return fmt.Sprintf("**Cache:** every step of this stage re-runs when stage `%s` re-runs.", stageLabel(parent))
	}
	image, _ := st.StageImage(stage)
	base := stage.Base
	if image.Known {
		base = image.Text
	}
	if strings.EqualFold(base, "scratch") {
		return ""
	}
	return fmt.Sprintf("**Cache:** every step of this stage re-runs when `%s` resolves to another image digest (pin it with `@sha256:...` to decide when).", base)
}

// keyParts are the parts of the step's cache key that re-run it: the
// inputs the prediction confirmed (rerun), what else the key holds, and
// how the step follows the steps before it.
func keyParts(x dockerfile.InstState, rerun []probe) []string {
	var parts []string
	earlier := "or whenever an earlier step of this stage re-runs"
	switch x.Instruction().Keyword {
	case "RUN":
		parts = append(parts, "its command or flags change (after variable expansion)")
		parts = append(parts, argsPart(rerun)...)
		for _, p := range rerun {
			if p.kind == bindMounted {
				parts = append(parts, fmt.Sprintf("files under `%s` in the build context change (bind mount)", p.subject))
			}
		}
		for _, m := range x.Mounts() {
			if m.Type == "bind" && m.From.Name != "" {
				parts = append(parts, fmt.Sprintf("`%s` in `%s` changes (bind mount)", orDot(m.Source), m.From.Name))
			}
		}
	case "COPY", "ADD":
		parts = copyKeyParts(x, rerun)
		if x.Copy().Link {
			earlier = "but not when only earlier steps re-run (`--link`)"
		}
	case "WORKDIR":
		parts = append(append(parts, "its path changes"), argsPart(rerun)...)
	}
	return append(parts, earlier)
}

func copyKeyParts(x dockerfile.InstState, rerun []probe) []string {
	var parts []string
	reads := x.Copy()
	var paths []string
	for _, p := range rerun {
		if p.kind == copied {
			paths = append(paths, "`"+p.subject+"`")
		}
	}
	switch {
	case reads.From.Stage != nil:
		parts = append(parts, fmt.Sprintf("the files it copies from stage `%s` change", reads.From.Name))
	case reads.From.Name != "":
		parts = append(parts, fmt.Sprintf("the files it copies from `%s` change", reads.From.Name))
	case len(paths) > 0:
		parts = append(parts, orList(paths)+" changes in the build context (content or mode)")
	}
	for _, u := range reads.Unresolved {
		parts = append(parts, fmt.Sprintf("the files `%s` selects change (it depends on a value unknown here)", u))
	}
	for _, s := range reads.Sources {
		if s.Known && !dockerfile.IsContextSource(s.Text) && !strings.HasPrefix(s.Text, "<<") {
			parts = append(parts, fmt.Sprintf("the content at `%s` changes", s.Text))
		}
	}
	parts = append(parts, argsPart(rerun)...)
	if len(x.Instruction().Heredocs) > 0 {
		parts = append(parts, "its inline content changes")
	}
	return append(parts, "its destination or flags change")
}

// argsPart names the build args that re-run the step.
func argsPart(rerun []probe) []string {
	var args []string
	for _, p := range rerun {
		if p.kind == buildArg {
			args = append(args, "`"+p.subject+"`")
		}
	}
	if len(args) == 0 {
		return nil
	}
	return []string{"build arg " + orList(args) + " changes"}
}

func orList(items []string) string {
	if len(items) < 2 {
		return strings.Join(items, "")
	}
	return strings.Join(items[:len(items)-1], ", ") + " or " + items[len(items)-1]
}

func orDot(src string) string {
	if src == "" {
		return "."
	}
	return src
}

// inputKind is what of a step's input a probe changes.
type inputKind int

const (
	copied      inputKind = iota // a context path a COPY or ADD copies
	bindMounted                  // a context path a RUN bind-mounts
	buildArg                     // a build arg
)

// probe is one input of a step, to ask the cache engine about.
type probe struct {
	kind    inputKind
	subject string // the path, or the build arg's name
}

// flag is the `cache` command's flag for a change to the input.
func (p probe) flag() string {
	if p.kind == buildArg {
		return "--build-arg " + p.subject
	}
	return "--changed " + p.subject
}

func (p probe) change() cache.Change {
	if p.kind == buildArg {
		return cache.Change{BuildArgs: []string{p.subject}}
	}
	return cache.Change{Paths: []string{p.subject}}
}

// predictions are what cache.Predict says of a step after a change to
// each of its inputs, as `command` would print it.
type predictions struct {
	command  string
	steps    []predicted // the changes that do not leave it cached
	notBuilt string      // why the target does not build the step, if so
}

type predicted struct {
	probe probe
	step  cache.Step
}

// predict asks cache.Predict about each input of the step, building the
// step's stage (its name as the target; an unnamed stage is built when
// the last stage needs it).
func predict(st *dockerfile.BuildState, in *dockerfile.Instruction) predictions {
	doc := st.Document()
	stage := doc.Stages[in.Stage]
	p := predictions{command: "dockerfile-ls cache"}
	if stage.Name != "" && stage.Index < len(doc.Stages)-1 {
		p.command += " --target " + stage.Name
	}
	input := cache.Input{Doc: doc, Target: stage.Name, BuildArgs: st.Options().BuildArgs}
	for _, pr := range probesOf(st, in) {
		step, ok := stepOf(cache.Predict(input, pr.change()), in)
		switch {
		case !ok || step.Status == cache.Cached:
		case step.Status == cache.NotBuilt:
			return predictions{command: p.command, notBuilt: step.Reason}
		default:
			p.steps = append(p.steps, predicted{probe: pr, step: step})
		}
	}
	return p
}

// rerun are the inputs whose change re-runs the step (or may, when it
// depends on another stage's output).
func (p predictions) rerun() []probe {
	out := make([]probe, 0, len(p.steps))
	for _, s := range p.steps {
		out = append(out, s.probe)
	}
	return out
}

// String is the list of predictions, in the `cache` command's words.
func (p predictions) String() string {
	if p.notBuilt != "" {
		return fmt.Sprintf("**`%s`:** not built, because %s.", p.command, p.notBuilt)
	}
	if len(p.steps) == 0 {
		return ""
	}
	var b strings.Builder
	fmt.Fprintf(&b, "**`%s` predicts:**", p.command)
	for _, s := range p.steps {
		status := "re-runs"
		if s.step.Status == cache.Depends {
			status = "may re-run"
		}
		fmt.Fprintf(&b, "\n- `%s`: %s, because %s", s.probe.flag(), status, s.step.Reason)
	}
	return b.String()
}

// stepOf is the prediction for in.
func stepOf(steps []cache.Step, in *dockerfile.Instruction) (cache.Step, bool) {
	for _, s := range steps {
		if s.Inst == in {
			return s, true
		}
	}
	return cache.Step{}, false
}

// probesOf are the inputs the step reads: the build-context paths it
// copies or bind-mounts (as the build state expands them) and the build
// args it may follow.
func probesOf(st *dockerfile.BuildState, in *dockerfile.Instruction) []probe {
	var out []probe
	seen := map[probe]bool{}
	add := func(p probe) {
		if !seen[p] && len(out) < maxProbes {
			seen[p] = true
			out = append(out, p)
		}
	}
	x := st.Of(in)
	for _, src := range x.Copy().Context {
		add(probe{kind: copied, subject: src})
	}
	for _, m := range x.Mounts() {
		if m.Type == "bind" && m.From.Name == "" && m.Known {
			add(probe{kind: bindMounted, subject: orDot(m.Source)})
		}
	}
	for _, name := range argsRead(st.Document(), in) {
		add(probe{kind: buildArg, subject: name})
	}
	return out
}

// argsRead are the build args whose change the step may follow: for a
// FROM, the global ARGs its line names; for a RUN, every ARG its stage
// declares before it (all are in its environment); for the others, those
// of them it names. Which of them re-run it is the cache engine's answer.
func argsRead(doc *dockerfile.Document, in *dockerfile.Instruction) []string {
	named := map[string]bool{}
	varRefs(doc, in, func(r varRef) { named[r.Name] = true })
	decls := doc.GlobalArgs
	if in.Keyword != "FROM" {
		decls = doc.Stages[in.Stage].Vars
	}
	var out []string
	for _, v := range decls {
		if v.Kind != dockerfile.ArgVar || v.Inst.Span.Start >= in.Span.Start {
			continue
		}
		if in.Keyword == "RUN" || named[v.Name] {
			out = append(out, v.Name)
		}
	}
	return out
}

// stageLabel is how the cache command names a stage: its name, or its
// index.
func stageLabel(st *dockerfile.Stage) string {
	if st.Name != "" {
		return st.Name
	}
	return fmt.Sprint(st.Index)
}
