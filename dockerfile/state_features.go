package dockerfile

// What the editing features (package features) ask of the build state
// beyond one instruction's view: the binding each ARG or ENV declaration
// makes (the outline shows its value) and the variables in scope once an
// instruction has run (hover on a declaration, completion between
// instructions).

// Declared are the bindings an ARG or ENV instruction makes, one per
// NAME[=value], in order, each with the value it takes. An ARG that an ENV
// of the same name overrides makes no binding (BuildKit keeps the ENV): it
// is listed with the value its declaration gives. nil for other
// instructions, an ENV before the first FROM, and an instruction of
// another document version.
func (x InstState) Declared() []ScopeVar {
	if x.in.Keyword != "ARG" && (x.in.Keyword != "ENV" || x.in.Stage < 0) {
		return nil
	}
	before, after, ok := x.bounds()
	if !ok {
		return nil
	}
	made := before.sc.vars[before.n:after]
	decls := x.s.declarations(x.in, nil)
	out := make([]ScopeVar, 0, len(decls))
	for _, d := range decls {
		if len(made) > 0 && made[0].Name == d.name {
			out = append(out, made[0])
			made = made[1:]
			continue
		}
		at := before
		at.n = after - len(made)
		global := x.s.globalView()
		out = append(out, x.s.argBinding(d, at, &global))
	}
	return x.s.withDecls(out)
}

// VarsAfter are the variables in scope once the instruction has run: those
// it sees and those it declares, as Vars lists them. For a FROM, what its
// stage starts with (the ENV of the stage it is built FROM). nil for an
// instruction of another document version.
func (x InstState) VarsAfter() []ScopeVar {
	v, after, ok := x.bounds()
	if !ok {
		return nil
	}
	v.n = after
	return x.s.withDecls(v.list())
}

// bounds are the view of the scope the instruction's bindings go to, as it
// is before the instruction, and the number of bindings of that scope
// after it. A FROM's are those of its stage's start.
func (x InstState) bounds() (before view, after int, ok bool) {
	if x.st == nil && x.in.Keyword == "FROM" && x.in.Stage >= 0 && x.in.Stage < len(x.s.doc.Stages) {
		x.st, x.pos = x.s.stage(x.in.Stage), 0
	}
	if x.st == nil {
		return x.globalBounds()
	}
	list := x.s.doc.Stages[x.st.index].Instructions
	if x.pos >= len(list) || list[x.pos] != x.in {
		return view{}, 0, false
	}
	after = len(x.st.scope.vars)
	if x.pos+1 < len(x.st.at) {
		after = int(x.st.at[x.pos+1].vars)
	}
	return x.view(), after, true
}

// globalBounds are bounds for an instruction before the first FROM.
func (x InstState) globalBounds() (view, int, bool) {
	at := x.s.globalAt
	if x.in.Stage >= 0 || x.idx < 0 || x.idx >= len(at) {
		return view{}, 0, false
	}
	after := len(x.s.global.vars)
	if x.idx+1 < len(at) {
		after = int(at[x.idx+1])
	}
	return x.view(), after, true
}
