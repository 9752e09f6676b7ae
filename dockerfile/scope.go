package dockerfile

import (
	"cmp"
	"iter"
	"path"
	"slices"
	"strings"

	"github.com/containerd/platforms"
	"github.com/dockerfile-ls/dockerfile-ls/shell"
	"github.com/moby/buildkit/frontend/dockerfile/instructions"
)

// VarOrigin says where a variable in scope gets its value.
type VarOrigin int

const (
	Declared     VarOrigin = iota // an ARG default or ENV value of the document
	FromBuildArg                  // a declared ARG given a --build-arg value
	FromGlobal                    // a stage's `ARG NAME` without default, taking the global ARG's value
	Automatic                     // BuildKit's platform ARGs (TARGETPLATFORM, BUILDARCH, …)
	Predefined                    // the proxy ARGs (HTTP_PROXY, …), which the client sets or not
	Inherited                     // an ENV of the stage this one is built FROM
)

// ScopeVar is a variable in scope at an instruction.
type ScopeVar struct {
	Name   string
	Kind   VarKind // ArgVar or EnvVar
	Origin VarOrigin
	// Set is false for an ARG without a value (no default, no build arg,
	// no global value): BuildKit leaves it out of the environment.
	Set bool
	// Value is the value after expansion; when Known is false, the parts
	// that depend on unknown values are left as written.
	Value     string
	Known     bool
	Truncated bool // the value went over the expansion budget
	Decl      *Var // the declaration in the document; nil for Automatic and Predefined
	// decl locates Decl among the document's Vars: the state keeps this
	// and sets Decl when it hands a binding out, since it shares its
	// tables with later versions of the document, whose Vars are others.
	decl varRef
}

// withDecls sets Decl in each binding of vars.
func (s *BuildState) withDecls(vars []ScopeVar) []ScopeVar {
	for i := range vars {
		vars[i] = s.withDecl(vars[i])
	}
	return vars
}

// varRef is a Var of a document by place: the stage (-1: the global
// ARGs) and its index in that stage's Vars, plus one (0: none).
type varRef struct{ stage, index int32 }

// withDecl is sv with Decl set from the document's Vars.
func (s *BuildState) withDecl(sv ScopeVar) ScopeVar {
	vars := s.doc.GlobalArgs
	if st := int(sv.decl.stage); st >= 0 && st < len(s.doc.Stages) {
		vars = s.doc.Stages[st].Vars
	}
	if i := int(sv.decl.index) - 1; i >= 0 && i < len(vars) {
		sv.Decl = &vars[i]
	}
	return sv
}

// proxyArgs are BuildKit's predefined ARGs: usable without a declaration,
// set by the client (often from its own configuration) or not at all.
var proxyArgs = []string{"HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy", "FTP_PROXY", "ftp_proxy", "NO_PROXY", "no_proxy", "ALL_PROXY", "all_proxy"}

// scope is the bindings of one scope (the global one or a stage's) in
// declaration order; an instruction sees a prefix of it.
type scope struct {
	vars []ScopeVar
	// byName indexes vars by name once there are more than scanMax of
	// them; a stage has a handful, which a scan finds sooner than a map
	// would, and a map per stage is most of what a stage costs to build.
	byName map[string][]int32 // positions in vars, ascending
}

// scanMax is the most bindings a scope looks through without an index.
const scanMax = 16

func (sc *scope) add(v ScopeVar) {
	sc.vars = append(sc.vars, v)
	switch {
	case sc.byName != nil:
		sc.byName[v.Name] = append(sc.byName[v.Name], int32(len(sc.vars)-1))
	case len(sc.vars) > scanMax:
		sc.byName = make(map[string][]int32, 2*len(sc.vars))
		for i := range sc.vars {
			sc.byName[sc.vars[i].Name] = append(sc.byName[sc.vars[i].Name], int32(i))
		}
	}
}

// last is the last binding of name among the first n, set or not when
// set is false; nil when there is none.
func (sc *scope) last(name string, n int, set bool) *ScopeVar {
	if sc.byName == nil {
		for i := n - 1; i >= 0; i-- {
			if sv := &sc.vars[i]; sv.Name == name && (sv.Set || !set) {
				return sv
			}
		}
		return nil
	}
	pos := sc.byName[name]
	for i := len(pos) - 1; i >= 0; i-- {
		if sv := &sc.vars[pos[i]]; int(pos[i]) < n && (sv.Set || !set) {
			return sv
		}
	}
	return nil
}

// view is what one instruction sees: the first n bindings of a scope,
// over the predefined ARGs in a stage.
type view struct {
	sc         *scope
	n          int
	predefined *scope // nil in the global scope
	// closed: a name not in scope is unset, as nothing else can set it
	// (the global scope, a stage built on scratch); otherwise the base
	// image's ENV may, and its value is unknown.
	closed bool
	// charge is the table whose building expands words in this view, if
	// any: it records their cost (see BuildState.keep).
	charge *charge
}

// find is the binding of name in force: the latest set one.
func (v view) find(name string) (*ScopeVar, bool) {
	if v.sc == nil {
		return nil, false
	}
	if sv := v.sc.last(name, v.n, true); sv != nil {
		return sv, true
	}
	if p := v.predefined; p != nil {
		if sv := p.last(name, len(p.vars), true); sv != nil {
			return sv, true
		}
	}
	return nil, false
}

// list is every name in scope, in first-declaration order, with the
// binding in force (or the last unset declaration), without Decl (see
// BuildState.withDecl).
func (v view) list() []ScopeVar {
	if v.sc == nil {
		return nil
	}
	var out []ScopeVar
	seen := map[string]bool{}
	if v.predefined != nil {
		for _, sv := range v.predefined.vars {
			if cur, _ := v.find(sv.Name); cur != nil {
				out = append(out, *cur)
			}
			seen[sv.Name] = true
		}
	}
	for _, sv := range v.sc.vars[:v.n] {
		if seen[sv.Name] {
			continue
		}
		seen[sv.Name] = true
		if cur, ok := v.find(sv.Name); ok {
			out = append(out, *cur)
			continue
		}
		out = append(out, *v.sc.last(sv.Name, v.n, false))
	}
	return out
}

// globalScope is the scope of FROM lines and global ARGs: BuildKit's
// platform ARGs, then each global ARG. It records in s.globalAt how many
// bindings each instruction before the first FROM sees.
func (s *BuildState) globalScope() *scope {
	sc := &scope{}
	for _, a := range s.automaticArgs() {
		sc.add(a)
	}
	for _, in := range s.doc.Instructions {
		if in.Stage >= 0 {
			break
		}
		s.globalAt = append(s.globalAt, int32(len(sc.vars)))
		if in.Keyword != "ARG" {
			continue
		}
		for _, d := range s.declarations(in, nil) {
			// Each pair sees the ones before it, as in BuildKit.
			sc.add(s.argBinding(d, view{sc: sc, n: len(sc.vars), closed: true}, nil))
		}
	}
	return sc
}

// automaticArgs are BuildKit's platform ARGs, known when the target
// platform is (the build platform never is).
func (s *BuildState) automaticArgs() []ScopeVar {
	target := map[string]string{}
	if p, err := platforms.Parse(s.opts.TargetPlatform); s.opts.TargetPlatform != "" && err == nil {
		p = platforms.Normalize(p)
		target = map[string]string{"TARGETPLATFORM": platforms.Format(p), "TARGETOS": p.OS, "TARGETARCH": p.Architecture, "TARGETVARIANT": p.Variant}
	}
	var out []ScopeVar
	for _, name := range []string{"TARGETPLATFORM", "TARGETOS", "TARGETARCH", "TARGETVARIANT", "BUILDPLATFORM", "BUILDOS", "BUILDARCH", "BUILDVARIANT"} {
		v, known := target[name]
		out = append(out, ScopeVar{Name: name, Kind: ArgVar, Origin: Automatic, Set: true, Value: v, Known: known})
	}
	return out
}

// argBinding is the value an ARG declaration takes, as BuildKit's
// dispatchArg gives it: the build arg, else (without a default) the
// global value, else the default expanded.
func (s *BuildState) argBinding(d declaration, before view, global *view) ScopeVar {
	sv := ScopeVar{Name: d.name, Kind: ArgVar, Origin: Declared, decl: d.decl}
	if v, ok := s.opts.BuildArgs[d.name]; ok {
		sv.Origin, sv.Set, sv.Value, sv.Known = FromBuildArg, true, v, true
		return sv
	}
	if !d.hasValue {
		if global == nil {
			return sv
		}
		if g, ok := global.find(d.name); ok {
			sv.Origin, sv.Set, sv.Value, sv.Known, sv.Truncated = FromGlobal, true, g.Value, g.Known, g.Truncated
			if g.Origin == Automatic {
				sv.Origin = Automatic
			}
		}
		return sv
	}
	return s.valued(sv, before, d.raw)
}

// valued sets sv to raw expanded in before.
func (s *BuildState) valued(sv ScopeVar, before view, raw string) ScopeVar {
	e := s.expand(before, raw)
	sv.Set, sv.Value, sv.Known, sv.Truncated = true, e.Text, e.Known, e.Truncated
	return sv
}

// declaration is one NAME[=value] of an ARG or ENV, its value as written
// (quotes kept: BuildKit expands it).
type declaration struct {
	name, raw string
	hasValue  bool
	decl      varRef
}

// rawDecl is a declaration as BuildKit's parser gives it.
type rawDecl struct {
	name, raw string
	hasValue  bool
}

// rawDeclsKey memoises an ARG or ENV's declarations on the instruction.
type rawDeclsKey struct{}

// declarations appends to out the NAME[=value] pairs of an ARG or ENV,
// linked to the model's Vars. BuildKit's typed command gives the values
// as written (legacy `ENV NAME value with spaces` included); when it
// rejects the instruction, the model's values stand in.
func (s *BuildState) declarations(in *Instruction, out []declaration) []declaration {
	raws := in.Derive(rawDeclsKey{}, func() any { return s.doc.rawDecls(in) }).([]rawDecl)
	all, stage := s.doc.GlobalArgs, int32(-1)
	if in.Stage >= 0 && in.Stage < len(s.doc.Stages) {
		all, stage = s.doc.Stages[in.Stage].Vars, int32(in.Stage)
	}
	lo, hi := varsOf(all, in)
	for _, r := range raws {
		d := declaration{name: r.name, raw: r.raw, hasValue: r.hasValue}
		for i := lo; i < hi; i++ {
			if all[i].Name == r.name {
				d.decl = varRef{stage: stage, index: int32(i) + 1}
				lo = i + 1
				break
			}
		}
		out = append(out, d)
	}
	return out
}

// varsOf are the bounds of the Vars in declared (a scope's, in file
// order) that in declares.
func varsOf(declared []Var, in *Instruction) (lo, hi int) {
	lo, _ = slices.BinarySearchFunc(declared, in.Span.Start, func(v Var, start int) int { return cmp.Compare(v.Inst.Span.Start, start) })
	hi = lo
	for hi < len(declared) && declared[hi].Inst == in {
		hi++
	}
	return lo, hi
}

// rawDecls reads an ARG or ENV's pairs with their values as written
// (quotes kept, for BuildKit's lexer): from the model's words when they
// lie on one line, as nearly always, else from BuildKit's typed command
// (parsing the instruction again costs more).
func (d *Document) rawDecls(in *Instruction) []rawDecl {
	if out, ok := d.rawDeclsFromWords(in); ok {
		return out
	}
	return d.rawDeclsFromCommand(in)
}

// rawDeclsFromWords reads NAME=value words, and the legacy "ENV NAME the
// rest of the line", as BuildKit's parser splits them.
func (d *Document) rawDeclsFromWords(in *Instruction) ([]rawDecl, bool) {
	if len(in.Args) == 0 {
		return nil, true
	}
	first, last := in.Args[0].Span.Start, in.Args[len(in.Args)-1].Span.End
	if in.JSONForm || last > len(d.Text) || strings.ContainsAny(d.Slice(Span{first, last}), "\r\n") {
		return nil, false
	}
	legacy := in.Keyword == "ENV" && !strings.Contains(in.Args[0].Value, "=")
	if legacy {
		if len(in.Args) < 2 {
			return nil, false
		}
		raw := strings.TrimSpace(d.Slice(Span{in.Args[1].Span.Start, last}))
		return []rawDecl{{name: in.Args[0].Value, raw: raw, hasValue: true}}, true
	}
	out := make([]rawDecl, 0, len(in.Args))
	for _, w := range in.Args {
		name, _, _ := strings.Cut(w.Value, "=")
		_, raw, has := strings.Cut(d.Slice(w.Span), "=")
		if !has && in.Keyword == "ENV" {
			return nil, false // BuildKit rejects it: its reading, or the model's
		}
		out = append(out, rawDecl{name: name, raw: raw, hasValue: has})
	}
	return out, true
}

// rawDeclsFromCommand reads the pairs from BuildKit's typed command; when
// BuildKit rejects the instruction, from the model's reading of the words.
func (d *Document) rawDeclsFromCommand(in *Instruction) []rawDecl {
	var out []rawDecl
	cmd, err := d.Command(in)
	if err != nil {
		// BuildKit's parsers return a typed nil command with their error.
		cmd = nil
	}
	switch c := cmd.(type) {
	case *instructions.EnvCommand:
		for _, kv := range c.Env {
			out = append(out, rawDecl{name: kv.Key, raw: kv.Value, hasValue: true})
		}
		return out
	case *instructions.ArgCommand:
		for _, kv := range c.Args {
			r := rawDecl{name: kv.Key}
			if kv.Value != nil {
				r.raw, r.hasValue = *kv.Value, true
			}
			out = append(out, r)
		}
		return out
	}
	vars := argVars(in)
	if in.Keyword == "ENV" {
		vars = envVars(in)
	}
	for _, v := range vars {
		out = append(out, rawDecl{name: v.Name, raw: v.Value, hasValue: v.HasValue})
	}
	return out
}

// stageState is what a stage's instructions see, built the first time one
// of them is asked about. It holds nothing of one document version (see
// BuildState.carry): the stage is known by its index.
type stageState struct {
	index  int
	parent *stageState // the stage it is built FROM; nil for an image
	closed bool        // built on scratch: no image ENV
	scope  scope
	at     []instSlot // by position in stage.Instructions

	workdirs []Expansion
	shells   [][]string // nil: the default shell
	// posix says, for each of shells, whether it is a POSIX shell (the
	// default shell's answer depends on the base image): decided once per
	// stage, since every reader of a RUN script asks.
	posix  []bool
	charge charge // what building it cost of the expansion budget
}

// instSlot is an instruction's place in its stage's tables.
type instSlot struct {
	vars, workdir, shell int32
}

// stage is the state of stage i, built on first use (parents first:
// a stage is only built FROM an earlier one).
func (s *BuildState) stage(i int) *stageState {
	if ss := s.stages[i].Load(); ss != nil {
		return ss // built, or taken over (carry)
	}
	s.stageOnce[i].Do(func() { s.stages[i].Store(s.buildStage(s.doc.Stages[i])) })
	return s.stages[i].Load()
}

func (s *BuildState) buildStage(st *Stage) *stageState {
	ss := &stageState{index: st.Index, at: make([]instSlot, len(st.Instructions))}
	links := s.links()
	if p := links.parents[st.Index]; p >= 0 {
		ss.parent = s.stage(int(p))
	}
	root := links.bases[links.root(st.Index)]
	ss.closed = root.Known && isScratch(root.Text)
	s.inherit(ss)
	global := s.globalView()
	var room [8]declaration
	decls := room[:0] // reused by each ARG and ENV
	for k, in := range st.Instructions {
		ss.at[k] = instSlot{vars: int32(len(ss.scope.vars)), workdir: int32(len(ss.workdirs) - 1), shell: int32(len(ss.shells) - 1)}
		if k == 0 {
			continue // FROM: the global scope
		}
		switch in.Keyword {
		case "ARG", "ENV":
			decls = s.declarations(in, decls[:0])
			s.declare(ss, in.Keyword == "ENV", decls, global)
		case "WORKDIR":
			ss.workdirs = append(ss.workdirs, s.workdir(ss, k, in))
			ss.at[k].workdir = int32(len(ss.workdirs) - 1)
		case "SHELL":
			sh := shellOf(in)
			ss.shells = append(ss.shells, sh)
			ss.posix = append(ss.posix, s.posixShell(sh, ss.index))
		}
	}
	return ss
}

// predefinedArgs are the proxy ARGs every stage sees.
func (s *BuildState) predefinedArgs() *scope {
	sc := &scope{vars: make([]ScopeVar, 0, len(proxyArgs))}
	for _, name := range proxyArgs {
		v, known := s.opts.BuildArgs[name]
		sc.add(ScopeVar{Name: name, Kind: ArgVar, Origin: Predefined, Set: true, Value: v, Known: known})
	}
	return sc
}

// inherit starts a stage with what its parent stage ends with: its ENV,
// WORKDIR and SHELL. The stage's tables are made the size they will be:
// every open document keeps them.
func (s *BuildState) inherit(ss *stageState) {
	wd, sh, posix := Expansion{Text: "/", Known: true}, []string(nil), s.defaultPOSIX(ss.index)
	envs := 0
	if p := ss.parent; p != nil {
		for range p.scope.envAtEnd() {
			envs++
		}
		wd, sh, posix = p.workdirs[len(p.workdirs)-1], p.shells[len(p.shells)-1], p.posix[len(p.posix)-1]
	}
	st := s.doc.Stages[ss.index]
	ss.scope.vars = make([]ScopeVar, 0, envs+len(st.Vars))
	if p := ss.parent; p != nil {
		for sv := range p.scope.envAtEnd() {
			c := *sv
			c.Origin = Inherited
			ss.scope.add(c)
		}
	}
	ss.workdirs = append(make([]Expansion, 0, 1+countKeyword(st, "WORKDIR")), wd)
	ss.shells = append(make([][]string, 0, 1+len(st.Shells)), sh)
	ss.posix = append(make([]bool, 0, 1+len(st.Shells)), posix)
}

// posixShell reports whether sh, a shell of stage i (nil: the default
// one), is a POSIX shell.
func (s *BuildState) posixShell(sh []string, i int) bool {
	if sh != nil {
		return shell.IsPOSIX(sh)
	}
	return s.defaultPOSIX(i)
}

// defaultPOSIX reports whether the default shell of stage i is a POSIX
// one: /bin/sh, but cmd on a Windows base image. When the base is unknown
// (a variable without a value, which expands to nothing), "# escape=`",
// the escape character of Windows Dockerfiles, counts as a Windows base.
func (s *BuildState) defaultPOSIX(i int) bool {
	img, _ := s.StageImage(s.doc.Stages[i])
	if !img.Known || img.Truncated || img.Text == "" {
		return s.doc.Escape != '`'
	}
	return !windowsImage(img.Text)
}

// countKeyword is the number of the stage's instructions with keyword.
func countKeyword(st *Stage, keyword string) int {
	n := 0
	for _, in := range st.Instructions {
		if in.Keyword == keyword {
			n++
		}
	}
	return n
}

// envAtEnd are the ENVs in force at the end of the scope: what a stage
// built FROM its stage starts with.
func (sc *scope) envAtEnd() iter.Seq[*ScopeVar] {
	return func(yield func(*ScopeVar) bool) {
		for i := range sc.vars {
			sv := &sc.vars[i]
			if sv.Kind == EnvVar && sc.last(sv.Name, len(sc.vars), true) == sv && !yield(sv) {
				return
			}
		}
	}
}

// declare adds the bindings of an ARG or ENV's declarations, as BuildKit
// does: all pairs of one ENV are expanded with the scope before it, each
// pair of an ARG with the pairs before it too; an ENV always wins over an
// ARG of the same name.
func (s *BuildState) declare(ss *stageState, env bool, decls []declaration, global view) {
	envBefore := s.buildView(ss, len(ss.scope.vars))
	for _, d := range decls {
		if env {
			sv := ScopeVar{Name: d.name, Kind: EnvVar, Origin: Declared, decl: d.decl}
			ss.scope.add(s.valued(sv, envBefore, d.raw))
			continue
		}
		before := s.buildView(ss, len(ss.scope.vars))
		if cur, ok := before.find(d.name); ok && cur.Kind == EnvVar {
			continue
		}
		ss.scope.add(s.argBinding(d, before, &global))
	}
}

// workdir is the directory a WORKDIR at position k makes current.
func (s *BuildState) workdir(ss *stageState, k int, in *Instruction) Expansion {
	cur := ss.workdirs[len(ss.workdirs)-1]
	if len(in.Args) == 0 {
		return cur
	}
	x := InstState{s: s, in: in, idx: -1, st: ss, pos: k}
	e := s.expand(s.buildView(ss, int(ss.at[k].vars)), x.rawWord(in.Args[0]))
	if e.Truncated {
		return e
	}
	if path.IsAbs(e.Text) {
		return Expansion{Text: path.Clean(e.Text), Known: e.Known}
	}
	return Expansion{Text: path.Join(cur.Text, e.Text), Known: e.Known && cur.Known && !cur.Truncated}
}

// shellOf is a SHELL instruction's command (exec form only, as BuildKit
// requires).
func shellOf(in *Instruction) []string {
	out := make([]string, 0, len(in.Args))
	for _, a := range in.Args {
		out = append(out, a.Value)
	}
	return out
}

// stageLinks are the stages' FROM lines after expansion and the stage
// each is built on, worked out once per state without building the
// stages' scopes (the size rules ask only this).
type stageLinks struct {
	bases   []Expansion
	parents []int32 // -1: built on an image
	// roots are the first stage of each one's FROM chain: the one built
	// on an image (asked for every RUN, and chains can be long).
	roots  []int32
	charge charge
}

// links is the FROM chain of every stage, built on first use.
func (s *BuildState) links() *stageLinks {
	if l := s.linked.Load(); l != nil {
		return l
	}
	s.linksOnce.Do(func() {
		n := len(s.doc.Stages)
		l := &stageLinks{bases: make([]Expansion, n), parents: make([]int32, n), roots: make([]int32, n)}
		global := s.globalView()
		global.charge = &l.charge
		for i, st := range s.doc.Stages {
			l.bases[i] = s.expand(global, st.Base)
			l.parents[i], l.roots[i] = -1, int32(i)
			// Parents come earlier in the file: their roots are known.
			if p := s.doc.FromStage(l.bases[i].Text, i); p != nil && l.bases[i].Known {
				l.parents[i], l.roots[i] = int32(p.Index), l.roots[p.Index]
			}
		}
		s.linked.Store(l)
	})
	return s.linked.Load()
}

// root is the first stage of i's FROM chain: the one built on an image.
func (l *stageLinks) root(i int) int { return int(l.roots[i]) }

// position is in's index in its stage's instructions, or 0.
func (s *BuildState) position(in *Instruction) int {
	list := s.doc.Stages[in.Stage].Instructions
	if k := int(in.stagePos); k < len(list) && list[k] == in {
		return k
	}
	return 0
}

// stageView is what an instruction of a stage sees: the first n bindings.
func (s *BuildState) stageView(ss *stageState, n int) view {
	return view{sc: &ss.scope, n: n, closed: ss.closed, predefined: s.predefined}
}

// buildView is stageView while the stage is built: what it expands is
// charged to it.
func (s *BuildState) buildView(ss *stageState, n int) view {
	v := s.stageView(ss, n)
	v.charge = &ss.charge
	return v
}

// globalView is the whole global scope: what every FROM line sees.
func (s *BuildState) globalView() view {
	return view{sc: s.global, n: len(s.global.vars), closed: true}
}

// isScratch reports whether an image reference is the empty image.
func isScratch(ref string) bool { return strings.EqualFold(strings.TrimSpace(ref), "scratch") }
