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

// cacheNote says what makes the step of an instruction re-run: what its
// cache key holds, read from the build state, then for each input the
// step reads (a build-context path, a build arg) what `dockerfile-ls
// cache` prints for the step when that input changes: cache.Predict is
// asked, so the hover and the command never disagree.
func cacheNote(st *dockerfile.BuildState, in *dockerfile.Instruction) string {
	if in.Stage < 0 || in.Stage >= len(st.Document().Stages) {
		return ""
	}
	var note string
	switch in.Keyword {
	case "FROM":
		note = fromNote(st, in)
	case "RUN", "COPY", "ADD", "WORKDIR":
		note = "**Re-runs when:** " + strings.Join(keyParts(st.Of(in)), "; ") + "."
	default:
		return ""
	}
	switch p := predictions(st, in); {
	case p == "":
		return note
	case note == "":
		return p
	default:
		return note + "\n\n" + p
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

// keyParts are what the step's cache key holds besides the inputs
// predictions asks about, and how it follows the steps before it.
func keyParts(x dockerfile.InstState) []string {
	var parts []string
	earlier := "or whenever an earlier step of this stage re-runs"
	switch x.Instruction().Keyword {
	case "RUN":
		parts = append(parts, "its command or flags change (after variable expansion)")
		for _, m := range x.Mounts() {
			if m.Type == "bind" && m.From.Name != "" {
				parts = append(parts, fmt.Sprintf("`%s` in `%s` changes (bind mount)", orDot(m.Source), m.From.Name))
			}
		}
	case "COPY", "ADD":
		parts = copyKeyParts(x)
		if x.Copy().Link {
			earlier = "but not when only earlier steps re-run (`--link`)"
		}
	case "WORKDIR":
		parts = append(parts, "its path changes")
	}
	return append(parts, earlier)
}

func copyKeyParts(x dockerfile.InstState) []string {
	var parts []string
	reads := x.Copy()
	switch {
	case reads.From.Stage != nil:
		parts = append(parts, fmt.Sprintf("the files it copies from stage `%s` change", reads.From.Name))
	case reads.From.Name != "":
		parts = append(parts, fmt.Sprintf("the files it copies from `%s` change", reads.From.Name))
	}
	for _, u := range reads.Unresolved {
		parts = append(parts, fmt.Sprintf("the files `%s` selects change (it depends on a value unknown here)", u))
	}
	for _, s := range reads.Sources {
		if s.Known && !dockerfile.IsContextSource(s.Text) && !strings.HasPrefix(s.Text, "<<") {
			parts = append(parts, fmt.Sprintf("the content at `%s` changes", s.Text))
		}
	}
	if len(x.Instruction().Heredocs) > 0 {
		parts = append(parts, "its inline content changes")
	}
	return append(parts, "its destination or flags change")
}

func orDot(src string) string {
	if src == "" {
		return "."
	}
	return src
}

// probe is one change to ask the cache engine about, and the `cache`
// command's flag for it.
type probe struct {
	flag   string
	change cache.Change
}

// predictions lists what cache.Predict says of the step after each change
// to an input it reads, building the step's stage (its name as the
// target; an unnamed stage is built when the last stage needs it).
func predictions(st *dockerfile.BuildState, in *dockerfile.Instruction) string {
	probes := probesOf(st, in)
	if len(probes) == 0 {
		return ""
	}
	doc := st.Document()
	stage := doc.Stages[in.Stage]
	input := cache.Input{Doc: doc, Target: stage.Name, BuildArgs: st.Options().BuildArgs}
	command := "dockerfile-ls cache"
	if stage.Name != "" && stage.Index < len(doc.Stages)-1 {
		command += " --target " + stage.Name
	}
	var lines []string
	for _, p := range probes {
		step, ok := stepOf(cache.Predict(input, p.change), in)
		switch {
		case !ok || step.Status == cache.Cached:
			continue
		case step.Status == cache.NotBuilt:
			return fmt.Sprintf("**`%s`:** not built, because %s.", command, step.Reason)
		}
		lines = append(lines, fmt.Sprintf("- `%s`: %s, because %s", p.flag, statusText(step.Status), step.Reason))
	}
	if len(lines) == 0 {
		return ""
	}
	return fmt.Sprintf("**`%s` predicts:**\n%s", command, strings.Join(lines, "\n"))
}

func statusText(s cache.Status) string {
	if s == cache.Depends {
		return "may re-run"
	}
	return "re-runs"
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

// probesOf are the changes to the inputs the step reads: the build-context
// paths it copies or bind-mounts (as the build state expands them) and
// the build args it may read (args the cache engine decides about).
func probesOf(st *dockerfile.BuildState, in *dockerfile.Instruction) []probe {
	var out []probe
	seen := map[string]bool{}
	add := func(flag string, ch cache.Change) {
		if !seen[flag] && len(out) < maxProbes {
			seen[flag] = true
			out = append(out, probe{flag: flag, change: ch})
		}
	}
	x := st.Of(in)
	for _, src := range x.Copy().Context {
		add("--changed "+src, cache.Change{Paths: []string{src}})
	}
	for _, m := range x.Mounts() {
		if m.Type == "bind" && m.From.Name == "" && m.Known {
			add("--changed "+orDot(m.Source), cache.Change{Paths: []string{orDot(m.Source)}})
		}
	}
	for _, name := range argsRead(st.Document(), in) {
		add("--build-arg "+name, cache.Change{BuildArgs: []string{name}})
	}
	return out
}

// argsRead are the build args whose change the step may follow: for a
// FROM, the global ARGs its line names; for a RUN, every ARG its stage
// declares before it (all are in its environment); for the others, those
// of them it names.
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
