package cache

import (
	"maps"
	"slices"

	"github.com/dockerfile-ls/dockerfile-ls/dockerfile"
)

// stageRefs follows the references between stages (FROM, COPY --from,
// RUN --mount from=) as the build state resolves them with the build's
// args, and knows which stages a changed arg switched in.
type stageRefs struct {
	doc *dockerfile.Document
	st  *dockerfile.BuildState
	// old is the state with the changed args back to their defaults, the
	// best known guess at the previous build; nil when no arg changed.
	old *dockerfile.BuildState
	// switchedBy names the changed arg that made a stage needed that the
	// previous build did not use.
	switchedBy map[int]string
	changed    []string
}

func newStageRefs(in Input, st *dockerfile.BuildState, ch Change) *stageRefs {
	r := &stageRefs{doc: in.Doc, st: st, switchedBy: map[int]string{}, changed: ch.BuildArgs}
	if len(ch.BuildArgs) > 0 {
		args := maps.Clone(in.BuildArgs)
		maps.DeleteFunc(args, func(k, _ string) bool { return slices.Contains(ch.BuildArgs, k) })
		r.old = dockerfile.NewState(in.Doc, dockerfile.Options{BuildArgs: args})
	}
	return r
}

// dep is one reference from a stage: what it is written as, and how it
// resolves in a state.
type dep struct {
	text    string
	resolve func(st *dockerfile.BuildState) *dockerfile.Stage
}

// needed lists the stages the target needs, marking in switchedBy those
// reached through a reference a changed arg redirected.
func (r *stageRefs) needed(target string) map[int]bool {
	needed := map[int]bool{}
	if len(r.doc.Stages) == 0 {
		return needed
	}
	start := r.doc.Stages[len(r.doc.Stages)-1]
	if target != "" {
		if st := r.doc.StageByName(target); st != nil {
			start = st
		}
	}
	var visit func(st *dockerfile.Stage, switched string)
	visit = func(st *dockerfile.Stage, switched string) {
		if switched != "" && r.switchedBy[st.Index] == "" && !needed[st.Index] {
			r.switchedBy[st.Index] = switched
		}
		if needed[st.Index] {
			return
		}
		needed[st.Index] = true
		for _, d := range depsOf(st) {
			to := d.resolve(r.st)
			if to == nil {
				continue
			}
			via := switched
			if via == "" {
				via = r.switchingArg(d, to)
			}
			visit(to, via)
		}
	}
	visit(start, "")
	return needed
}

// switchingArg is the changed arg that made d resolve to to, when with the
// previous values it named something else.
func (r *stageRefs) switchingArg(d dep, to *dockerfile.Stage) string {
	for _, a := range r.changed {
		if !UsesVar(d.text, a) {
			continue
		}
		if old := d.resolve(r.old); old == nil || old.Index != to.Index {
			return a
		}
	}
	return ""
}

// depsOf are the references a stage makes to other stages or images: its
// FROM, its COPY --from and its RUN --mount from=.
func depsOf(stage *dockerfile.Stage) []dep {
	deps := []dep{{text: stage.Base, resolve: func(st *dockerfile.BuildState) *dockerfile.Stage { return st.StageParent(stage) }}}
	for _, inst := range stage.Instructions {
		if inst.Keyword == "FROM" {
			continue
		}
		mounts := 0
		for _, f := range inst.Flags {
			switch {
			case f.Name == "from":
				deps = append(deps, dep{text: f.Value, resolve: func(st *dockerfile.BuildState) *dockerfile.Stage { return st.Of(inst).Copy().From.Stage }})
			case f.Name == "mount" && inst.Keyword == "RUN":
				k := mounts // a mount without from= resolves to nothing
				mounts++
				deps = append(deps, dep{text: f.Value, resolve: func(st *dockerfile.BuildState) *dockerfile.Stage { return st.Of(inst).Mounts()[k].From.Stage }})
			}
		}
	}
	return deps
}
