package cache

import (
	"slices"

	"github.com/moby/buildkit/frontend/dockerfile/shell"

	"github.com/dockerfile-ls/dockerfile-ls/dockerfile"
)

// stageRefs resolves stage references (FROM, COPY --from, RUN
// --mount=from) with the build's arg values, as BuildKit does, and knows
// which stages a changed arg switched in.
type stageRefs struct {
	doc *dockerfile.Document
	lex *shell.Lex
	env argEnv
	old argEnv // the values before the change: changed args unknown
	// switchedBy names the changed arg that made a stage needed that the
	// previous build did not use.
	switchedBy map[int]string
	changed    []string
}

// argEnv is the global ARG scope BuildKit expands FROM lines with.
type argEnv map[string]string

func (e argEnv) Get(k string) (string, bool) { v, ok := e[k]; return v, ok }
func (e argEnv) Keys() []string {
	keys := make([]string, 0, len(e))
	for k := range e {
		keys = append(keys, k)
	}
	return keys
}

func newStageRefs(in Input, ch Change) *stageRefs {
	r := &stageRefs{doc: in.Doc, lex: shell.NewLex(in.Doc.Escape), env: argEnv{}, old: argEnv{}, switchedBy: map[int]string{}, changed: ch.BuildArgs}
	for _, v := range in.Doc.GlobalArgs {
		if v.HasValue {
			r.env[v.Name] = v.Value
		}
	}
	for k, v := range in.BuildArgs {
		r.env[k] = v
	}
	for k, v := range r.env {
		if !slices.Contains(ch.BuildArgs, k) {
			r.old[k] = v
		}
	}
	return r
}

// expand expands a reference with env; on error it is left as written.
func (r *stageRefs) expand(ref string, env argEnv) string {
	out, _, err := r.lex.ProcessWord(ref, env)
	if err != nil {
		return ref
	}
	return out
}

// resolve finds the stage a COPY --from or RUN --mount from= names (by
// name or index) among the stages before index before, or nil for an image.
func (r *stageRefs) resolve(ref string, before int, env argEnv) *dockerfile.Stage {
	return r.doc.StageRef(r.expand(ref, env), before)
}

// base finds the earlier stage st is built FROM, or nil for an image.
func (r *stageRefs) base(st *dockerfile.Stage, env argEnv) *dockerfile.Stage {
	return r.doc.FromStage(r.expand(st.Base, env), st.Index)
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
		// follow visits the stage ref names, resolved with env by resolve.
		follow := func(ref string, resolve func(env argEnv) *dockerfile.Stage) {
			dep := resolve(r.env)
			if dep == nil {
				return
			}
			via := switched
			if via == "" {
				via = r.switchingArg(ref, dep, resolve)
			}
			visit(dep, via)
		}
		follow(st.Base, func(env argEnv) *dockerfile.Stage { return r.base(st, env) })
		for _, ref := range stageRefsOf(st) {
			follow(ref, func(env argEnv) *dockerfile.Stage { return r.resolve(ref, st.Index, env) })
		}
	}
	visit(start, "")
	return needed
}

// switchingArg is the changed arg that made ref resolve to dep, when with
// the old values it named something else.
func (r *stageRefs) switchingArg(ref string, dep *dockerfile.Stage, resolve func(env argEnv) *dockerfile.Stage) string {
	for _, a := range r.changed {
		if !UsesVar(ref, a) {
			continue
		}
		old := resolve(r.old)
		if old == nil || old.Index != dep.Index {
			return a
		}
	}
	return ""
}

// stageRefsOf are the references a stage's COPY --from and RUN --mount
// from= make to other stages or images.
func stageRefsOf(st *dockerfile.Stage) []string {
	var refs []string
	for _, inst := range st.Instructions {
		if v := flagValue(inst, "from"); v != "" {
			refs = append(refs, v)
		}
		for _, m := range Mounts(inst) {
			if from := m["from"]; from != "" {
				refs = append(refs, from)
			}
		}
	}
	return refs
}
