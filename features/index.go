package features

import (
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/dockerfile-ls/dockerfile-ls/dockerfile"
)

// The index of names for definition, references, highlights and rename:
// where each stage and variable is named, and which names are one symbol.
// It works on the text as written and holds no values: a reference is to
// the declaration whose name it repeats, in the scope BuildKit gives it,
// and an unset ARG is a declaration like any other. Values (hover,
// completion, the outline) come from the build state instead; a FROM that
// reaches a stage only through a variable (FROM ${BASE}) is not linked to
// it here, as renaming the stage would not rename the variable's value.

type symKind int

const (
	symStage symKind = iota
	symVar
)

// symbol is a stage or a variable. Variables of one scope with one name
// are one symbol; a stage's `ARG NAME` without default is linked to the
// global ARG NAME it takes its value from.
type symbol struct {
	kind    symKind
	name    string
	scope   int // stage index; -1 for global ARGs
	builtin bool
	parent  int
}

// occurrence is one place a symbol is named.
type occurrence struct {
	span    Span
	sym     int
	decl    bool
	def     *occurrence // the declaration this one resolves to (nil: none in the file)
	numeric bool        // a stage named by its index (--from=0)
}

type index struct {
	syms []symbol
	occs []*occurrence // sorted by span.Start
}

func (ix *index) find(i int) int {
	for ix.syms[i].parent != i {
		ix.syms[i].parent = ix.syms[ix.syms[i].parent].parent
		i = ix.syms[i].parent
	}
	return i
}

func (ix *index) union(a, b int) {
	a, b = ix.find(a), ix.find(b)
	if a == b {
		return
	}
	ix.syms[b].parent = a
	ix.syms[a].builtin = ix.syms[a].builtin || ix.syms[b].builtin
}

func (ix *index) newSym(kind symKind, name string, scope int) int {
	ix.syms = append(ix.syms, symbol{kind: kind, name: name, scope: scope, parent: len(ix.syms)})
	return len(ix.syms) - 1
}

func (ix *index) add(o *occurrence) *occurrence {
	ix.occs = append(ix.occs, o)
	return o
}

// binding is what a name means at a point of a scope.
type binding struct {
	sym   int
	decl  *occurrence
	local bool // declared in this scope (not inherited)
	env   bool
}

func buildIndex(doc *dockerfile.Document) *index {
	ix := &index{}
	stageDecl := make([]*occurrence, len(doc.Stages))
	for _, st := range doc.Stages {
		ix.newSym(symStage, st.Name, st.Index)
		if st.Name != "" {
			stageDecl[st.Index] = ix.add(&occurrence{span: st.NameSpan, sym: st.Index, decl: true})
			stageDecl[st.Index].def = stageDecl[st.Index]
		}
	}
	builtins := map[string]int{}
	builtin := func(name string) int {
		if s, ok := builtins[name]; ok {
			return s
		}
		s := ix.newSym(symVar, name, -1)
		ix.syms[s].builtin = true
		builtins[name] = s
		return s
	}
	global := map[string]binding{}
	stageEnv := make([]map[string]binding, len(doc.Stages))
	var sc map[string]binding
	// stageRef records a reference to st (nil: an image) written as ref.
	stageRef := func(st *dockerfile.Stage, ref string, span Span) {
		if st == nil {
			return
		}
		_, err := strconv.Atoi(ref)
		ix.add(&occurrence{span: span, sym: st.Index, def: stageDecl[st.Index], numeric: err == nil})
	}
	for _, in := range doc.Instructions {
		switch {
		case in.Stage < 0 || in.Keyword == "FROM":
			varRefs(doc, in, func(r varRef) {
				if b, ok := global[r.Name]; ok {
					ix.add(&occurrence{span: r.Span, sym: b.sym, def: b.decl})
				} else if platformArg(r.Name) {
					ix.add(&occurrence{span: r.Span, sym: builtin(r.Name)})
				}
			})
		default:
			varRefs(doc, in, func(r varRef) {
				if b, ok := sc[r.Name]; ok {
					ix.add(&occurrence{span: r.Span, sym: b.sym, def: b.decl})
				}
			})
		}
		if in.Stage < 0 {
			if in.Keyword == "ARG" {
				for _, v := range declared(doc, in) {
					b, ok := global[v.Name]
					if !ok {
						b = binding{sym: ix.newSym(symVar, v.Name, -1), local: true}
					}
					o := ix.add(&occurrence{span: v.NameSpan, sym: b.sym, decl: true})
					o.def = o
					b.decl = o
					global[v.Name] = b
				}
			}
			continue
		}
		st := doc.Stages[in.Stage]
		if in == st.From {
			sc = map[string]binding{}
			// Names: a FROM written as a stage's name (one that only
			// expands to it names a variable, not the stage).
			if p := doc.FromStage(st.Base, st.Index); p != nil {
				stageRef(p, st.Base, st.BaseSpan)
				for name, b := range stageEnv[p.Index] {
					if b.env {
						b.local = false
						sc[name] = b
					}
				}
			}
			stageEnv[st.Index] = sc
			continue
		}
		for _, f := range in.Flags {
			switch {
			case in.Keyword == "COPY" && f.Name == "from" && f.HasValue:
				stageRef(doc.StageRef(f.Value, len(doc.Stages)), f.Value, f.ValueSpan)
			case in.Keyword == "RUN" && f.Name == "mount":
				for _, kv := range mountOptions(doc, f) {
					if kv.key == "from" {
						stageRef(doc.StageRef(kv.value, len(doc.Stages)), kv.value, kv.valueSpan)
					}
				}
			}
		}
		if in.Keyword != "ARG" && in.Keyword != "ENV" {
			continue
		}
		for _, v := range declared(doc, in) {
			b, ok := sc[v.Name]
			if !ok || !b.local {
				b = binding{sym: ix.newSym(symVar, v.Name, in.Stage), local: true}
			}
			o := ix.add(&occurrence{span: v.NameSpan, sym: b.sym, decl: true})
			o.def = o
			if in.Keyword == "ARG" && !v.HasValue {
				if g, ok := global[v.Name]; ok {
					ix.union(g.sym, b.sym)
					o.def = g.decl
				} else if platformArg(v.Name) {
					ix.union(builtin(v.Name), b.sym)
				}
			}
			if prev, ok := sc[v.Name]; ok && prev.local && prev.env && in.Keyword == "ARG" {
				b.env = true // the ENV still wins
				b.decl = prev.decl
			} else {
				b.decl = o
			}
			b.env = b.env || in.Keyword == "ENV"
			sc[v.Name] = b
		}
	}
	sort.SliceStable(ix.occs, func(i, j int) bool { return ix.occs[i].span.Start < ix.occs[j].span.Start })
	return ix
}

// declared are the variables an ARG or ENV declares, as the model reads
// them (Stage.Vars, Document.GlobalArgs), without the words that cannot
// name a variable.
func declared(doc *dockerfile.Document, in *dockerfile.Instruction) []dockerfile.Var {
	all := doc.GlobalArgs
	if in.Stage >= 0 && in.Stage < len(doc.Stages) {
		all = doc.Stages[in.Stage].Vars
	}
	i := sort.Search(len(all), func(i int) bool { return all[i].NameSpan.Start >= in.Span.Start })
	j := i
	for j < len(all) && all[j].Inst == in {
		j++
	}
	vars := all[i:j:j]
	invalid := func(v dockerfile.Var) bool { return !validName(v.Name) }
	if slices.ContainsFunc(vars, invalid) {
		vars = slices.DeleteFunc(slices.Clone(vars), invalid)
	}
	return vars
}

// at returns the occurrence at offset (its end included, so that a cursor
// just after a name finds it).
func (ix *index) at(offset int) *occurrence {
	i := sort.Search(len(ix.occs), func(i int) bool { return ix.occs[i].span.End >= offset })
	for ; i < len(ix.occs) && ix.occs[i].span.Start <= offset; i++ {
		if offset <= ix.occs[i].span.End {
			return ix.occs[i]
		}
	}
	return nil
}

// all returns the occurrences of the symbol (linked ones included), in
// file order.
func (ix *index) all(sym int) []*occurrence {
	root := ix.find(sym)
	var out []*occurrence
	for _, o := range ix.occs {
		if ix.find(o.sym) == root {
			out = append(out, o)
		}
	}
	return out
}

// mountOpt is one key=value of a --mount flag, located in the file.
type mountOpt struct {
	key, value         string
	keySpan, valueSpan Span
	hasValue           bool
}

// mountOptions splits a --mount flag's value as written in the file into
// its comma-separated options (nothing when the value spans lines or is
// quoted, which BuildKit reads as CSV).
func mountOptions(doc *dockerfile.Document, f dockerfile.Flag) []mountOpt {
	if !f.HasValue || f.ValueSpan.End <= f.ValueSpan.Start {
		return nil
	}
	raw := doc.Slice(f.ValueSpan)
	if strings.ContainsAny(raw, "\"'\r\n") {
		return nil
	}
	var out []mountOpt
	at := f.ValueSpan.Start
	for _, part := range strings.Split(raw, ",") {
		o := mountOpt{}
		k, v, has := strings.Cut(part, "=")
		o.key, o.value, o.hasValue = strings.ToLower(k), v, has
		o.keySpan = Span{Start: at, End: at + len(k)}
		if has {
			o.valueSpan = Span{Start: at + len(k) + 1, End: at + len(part)}
		} else {
			o.valueSpan = Span{Start: o.keySpan.End, End: o.keySpan.End}
		}
		out = append(out, o)
		at += len(part) + 1
	}
	return out
}
