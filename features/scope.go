package features

import (
	"sort"
	"strconv"
	"strings"

	bkshell "github.com/moby/buildkit/frontend/dockerfile/shell"

	"github.com/dockerfile-ls/dockerfile-ls/dockerfile"
)

// varInfo is a variable visible at some point of the file, with its value
// as far as it can be known without a build.
type varInfo struct {
	Name  string
	Value string // resolved value; meaningful when Known
	Known bool   // false: set by --build-arg, by BuildKit, or unknown
	Env   bool   // set by ENV (or inherited ENV); false for ARG
	Decl  *dockerfile.Var
	Auto  *autoArgData // BuildKit's automatic ARG, when it is one
	// FromGlobal: a stage's `ARG NAME` without default, taking the global
	// ARG's value.
	FromGlobal bool
	// Inherited: an ENV of the stage this one is built FROM.
	Inherited bool
}

// scope is the set of variables visible at one point.
type scope struct {
	vars  map[string]*varInfo
	order []string // first-declaration order
}

func newScope() *scope { return &scope{vars: map[string]*varInfo{}} }

func (s *scope) set(v *varInfo) {
	if _, ok := s.vars[v.Name]; !ok {
		s.order = append(s.order, v.Name)
	}
	s.vars[v.Name] = v
}

// list returns the visible variables in declaration order.
func (s *scope) list() []*varInfo {
	out := make([]*varInfo, 0, len(s.order))
	for _, n := range s.order {
		out = append(out, s.vars[n])
	}
	return out
}

// Get implements BuildKit's EnvGetter: an unknown value shows as ${NAME}.
func (s *scope) Get(name string) (string, bool) {
	v, ok := s.vars[name]
	if !ok {
		return "", false
	}
	if !v.Known {
		return "${" + name + "}", true
	}
	return v.Value, true
}

// Keys implements BuildKit's EnvGetter.
func (s *scope) Keys() []string { return s.order }

// expand resolves the variables in a raw value as BuildKit does.
func (s *scope) expand(doc *dockerfile.Document, raw string) string {
	lex := bkshell.NewLex(doc.Escape)
	out, _, err := lex.ProcessWord(raw, s)
	if err != nil {
		return raw
	}
	return out
}

// rawValue is the declaration's value as written (quotes kept), for
// expansion.
func rawValue(doc *dockerfile.Document, v *dockerfile.Var) string {
	for _, w := range v.Inst.Args {
		if w.Span.Start != v.NameSpan.Start {
			continue
		}
		raw := doc.Slice(w.Span)
		if strings.ContainsAny(raw, "\r\n") {
			break
		}
		if _, val, ok := strings.Cut(raw, "="); ok {
			return val
		}
	}
	return v.Value
}

// globalScope is what a FROM line or a global ARG before offset sees: the
// global ARGs declared before it and BuildKit's platform ARGs.
func globalScope(doc *dockerfile.Document, before int) *scope {
	s := newScope()
	for i := range data.AutoArgs {
		a := &data.AutoArgs[i]
		if a.Platform {
			s.set(&varInfo{Name: a.Name, Auto: a})
		}
	}
	for i := range doc.GlobalArgs {
		v := &doc.GlobalArgs[i]
		if v.Inst.Span.Start >= before {
			break
		}
		info := &varInfo{Name: v.Name, Decl: v}
		if v.HasValue {
			info.Value, info.Known = s.expand(doc, rawValue(doc, v)), true
		}
		s.set(info)
	}
	return s
}

// parentStage is the index of the earlier stage a stage is built FROM, or -1.
func parentStage(doc *dockerfile.Document, st *dockerfile.Stage) int {
	if p := doc.FromStage(st.Base, st.Index); p != nil {
		return p.Index
	}
	return -1
}

// stageScope is what an instruction of stage st starting at before sees:
// the ENV of the stage it is built from, and the stage's ARG and ENV
// declared in earlier instructions.
func stageScope(doc *dockerfile.Document, st *dockerfile.Stage, before int, depth int) *scope {
	s := newScope()
	if p := parentStage(doc, st); p >= 0 && depth < 64 {
		parent := stageScope(doc, doc.Stages[p], len(doc.Text)+1, depth+1)
		for _, v := range parent.list() {
			if v.Env {
				c := *v
				c.Inherited = true
				s.set(&c)
			}
		}
	}
	var globals *scope
	for i := range st.Vars {
		v := &st.Vars[i]
		if v.Inst.Span.Start >= before {
			break
		}
		info := &varInfo{Name: v.Name, Decl: v, Env: v.Kind == dockerfile.EnvVar}
		if prev, ok := s.vars[v.Name]; ok && prev.Env && !info.Env {
			// ENV always overrides an ARG of the same name.
			continue
		}
		switch {
		case v.HasValue:
			info.Value, info.Known = s.expand(doc, rawValue(doc, v)), true
		default:
			if globals == nil {
				globals = globalScope(doc, len(doc.Text)+1)
			}
			if g, ok := globals.vars[v.Name]; ok {
				info.Value, info.Known, info.Auto = g.Value, g.Known, g.Auto
				info.FromGlobal = g.Decl != nil
			}
		}
		s.set(info)
	}
	return s
}

// context of an offset for variables: the instruction there (or just
// before) and the scope it sees.
func scopeAt(doc *dockerfile.Document, offset int) (*scope, *dockerfile.Instruction) {
	line := doc.Lines.LineOf(offset)
	in := instructionOnLine(doc, line)
	before := offset
	if in != nil {
		before = in.Span.Start
	} else if prev := lastInstructionBefore(doc, offset); prev != nil {
		if prev.Stage >= 0 {
			return stageScope(doc, doc.Stages[prev.Stage], offset, 0), nil
		}
	}
	if in == nil || in.Stage < 0 || in.Keyword == "FROM" {
		if in != nil && in.Keyword == "FROM" {
			before = len(doc.Text) + 1
		}
		return globalScope(doc, before), in
	}
	return stageScope(doc, doc.Stages[in.Stage], before, 0), in
}

// lastInstructionBefore is the last instruction starting before offset.
func lastInstructionBefore(doc *dockerfile.Document, offset int) *dockerfile.Instruction {
	i := sort.Search(len(doc.Instructions), func(i int) bool { return doc.Instructions[i].Span.Start >= offset })
	if i == 0 {
		return nil
	}
	return doc.Instructions[i-1]
}

// --- the index of names: stages and variables, for navigation ---

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
				for _, v := range declaredVars(in) {
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
			if p := parentStage(doc, st); p >= 0 {
				stageRef(doc.Stages[p], st.Base, st.BaseSpan)
				for name, b := range stageEnv[p] {
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
		for _, v := range declaredVars(in) {
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

// declaredVars are the variables an ARG or ENV instruction declares.
func declaredVars(in *dockerfile.Instruction) []dockerfile.Var {
	var out []dockerfile.Var
	if in.Keyword == "ENV" && len(in.Args) > 0 && !strings.Contains(in.Args[0].Value, "=") {
		first := in.Args[0]
		return []dockerfile.Var{{Kind: dockerfile.EnvVar, Name: first.Value, HasValue: true, NameSpan: first.Span, Inst: in}}
	}
	for _, w := range in.Args {
		name, value, has := strings.Cut(w.Value, "=")
		kind := dockerfile.ArgVar
		if in.Keyword == "ENV" {
			kind = dockerfile.EnvVar
		}
		if !validName(name) {
			continue
		}
		out = append(out, dockerfile.Var{Kind: kind, Name: name, Value: value, HasValue: has,
			NameSpan: Span{Start: w.Span.Start, End: w.Span.Start + len(name)}, Inst: in})
	}
	return out
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
