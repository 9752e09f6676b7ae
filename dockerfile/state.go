package dockerfile

// The build state: what each instruction means once BuildKit has expanded
// it, computed from one document version and one set of build options.
//
// It holds, per instruction, the variables in scope (global ARGs, a
// stage's ARG re-declarations taking the global value, defaults,
// --build-arg values, BuildKit's automatic platform ARGs, the predefined
// proxy ARGs, ENV inherited from a parent stage) with known or unknown
// values; the words and flag values after expansion with BuildKit's own
// shell.Lex and the document's escape character; the effective USER and
// the home it implies; the absolute WORKDIR; the SHELL in force; the
// target platform; and what an instruction reads (reads.go): context
// sources with --exclude, --from resolved, --mount binds and caches, the
// variables its expansion reads, the paths of earlier layers a RUN names;
// and whether it reads what an earlier instruction produced or set: a fix
// that moves an instruction above others asks DependsOn of each.
//
// Readers: the cache engine (package cache), the size hints (package
// sizes), and the rules, fixes and editing features. Usage:
//
//	st := doc.State(dockerfile.Options{BuildArgs: args})
//	at := st.Of(inst)              // one instruction's view
//	at.Expand("$HOME/.cache")      // Expansion{Text, Known, Truncated}
//	at.Args(), at.Flag("chown")    // words and every --chown value, expanded
//	at.Copy().Context              // COPY/ADD sources from the build context
//	at.Copy().Unresolved           // ... and those an unknown value hides
//	at.Mounts()                    // RUN --mount, parsed and expanded
//	at.User().Home                 // "" when it cannot be known: refuse
//	at.Reads()                     // context, variables, layers' paths it reads
//	at.DependsOn(earlier)          // reads what earlier produced or set?
//	at.Workdir(), at.Shell(), at.Lookup("PATH"), at.Vars()
//	st.StageParent(stage), st.StageImage(stage)
//	doc.Script(inst)               // a RUN's shell commands (escape honoured)
//	doc.CommandText(inst)          // the command joined as BuildKit joins it
//
// Ask with the build's options (the settings' build args): the document
// keeps the states of the last two sets of options asked, so consumers of
// one analysis should share them; NewState computes a what-if state
// without replacing them.
//
// Nothing here guesses: a value that depends on something a build could
// set differently (an unknown --build-arg, the base image's ENV, an
// automatic ARG without a target platform) is Known=false, with the
// unknown parts left as written ("/opt/venv/bin:$PATH"). Expansions are
// bounded (budget.MaxExpandedWord, budget.MaxExpandedTotal): a result over the budget is
// never built, it is reported as Truncated.
//
// The state is computed lazily and once per document version and options
// (Document.State keeps it; Forget drops it); each stage's scope is built
// the first time one of its instructions is asked about, and an
// instruction's words when they are first asked for. What an edit did not
// change is taken over from the state of the version before (see carry):
// typing in a RUN or a COPY costs the state that instruction, not the
// document. A BuildState is safe for concurrent use.

import (
	"maps"
	"sync"
	"sync/atomic"

	bkshell "github.com/moby/buildkit/frontend/dockerfile/shell"

	"github.com/dockerfile-ls/dockerfile-ls/internal/budget"
)

// Options are the build settings that change what instructions mean.
type Options struct {
	// BuildArgs are the --build-arg values of the build: a declared ARG
	// takes its value from here, else from its default.
	BuildArgs map[string]string
	// TargetPlatform is the platform built for, e.g. "linux/arm64"; "" when
	// unknown (then TARGETPLATFORM and the like are unknown).
	TargetPlatform string
}

func (o Options) equal(p Options) bool {
	return o.TargetPlatform == p.TargetPlatform && maps.Equal(o.BuildArgs, p.BuildArgs)
}

// Expansion is a word after BuildKit's variable expansion.
type Expansion struct {
	// Text is the expanded word. When Known is false, the parts that
	// depend on unknown values are left as written ("$PATH"); when
	// Truncated, it is "".
	Text string
	// Known: every variable the word reads has a known value, so Text is
	// what BuildKit would produce.
	Known bool
	// Truncated: the expansion went over the budget and was not built.
	Truncated bool
}

// BuildState is the meaning of a document's instructions for one set of
// build options. Get it with Document.State.
type BuildState struct {
	doc      *Document
	opts     Options
	global   *scope
	globalAt []int32 // bindings seen by each instruction before the first FROM
	// predefined are the proxy ARGs, under every stage's scope.
	predefined *scope

	linksOnce sync.Once
	linked    atomic.Pointer[stageLinks]
	stageOnce []sync.Once
	stages    []atomic.Pointer[stageState]
	facts     []atomic.Pointer[instFacts] // by index in doc.Instructions
	usersOnce []sync.Once
	users     []atomic.Pointer[userTable] // by stage
	// usersTaken: the prior state's user tables, if any, were taken over
	// or refused (see takeUsers), and priorUsers let go.
	usersTaken sync.Once
	priorUsers *priorUsers

	// derived is what readers derived from an instruction in this state
	// (Derive), by index in doc.Instructions.
	derived   []atomic.Pointer[derivedValue]
	derivedMu sync.Mutex     // held by writers of derived only
	nodes     []derivedValue // derived's nodes to come, allocated in blocks
	// carried are the prior state's derived values of the instructions
	// this version did not change, taken over on the first Derive if the
	// users' tables hold too (see takeDerived).
	carried      []*derivedValue
	carriedUsers *priorUsers // what the users' tables hold by
	carriedOnce  sync.Once

	used atomic.Int64 // bytes of expansions materialised
	cut  atomic.Bool
}

// State returns the build state of the document for opts, computed on
// first use and kept for the last two options asked (the analysis reads
// the build's arguments, some code actions none: neither evicts the
// other).
func (d *Document) State(opts Options) *BuildState {
	for _, kept := range [...]*atomic.Pointer[BuildState]{&d.state, &d.previous} {
		if s := kept.Load(); s != nil && s.opts.equal(opts) {
			return s
		}
	}
	s := newBuildState(d, opts, d.takePrior(opts))
	if last := d.state.Swap(s); last != nil {
		d.previous.Store(last)
	}
	return s
}

// NewState computes a build state that the document does not keep: for a
// what-if beside the state in use (the previous build's arguments, say),
// which State would otherwise replace.
func NewState(d *Document, opts Options) *BuildState { return newBuildState(d, opts, nil) }

func newBuildState(d *Document, opts Options, prior *BuildState) *BuildState {
	opts.BuildArgs = maps.Clone(opts.BuildArgs)
	s := &BuildState{
		doc: d, opts: opts,
		stageOnce: make([]sync.Once, len(d.Stages)),
		stages:    make([]atomic.Pointer[stageState], len(d.Stages)),
		facts:     make([]atomic.Pointer[instFacts], len(d.Instructions)),
		usersOnce: make([]sync.Once, len(d.Stages)),
		users:     make([]atomic.Pointer[userTable], len(d.Stages)),
		derived:   make([]atomic.Pointer[derivedValue], len(d.Instructions)),
	}
	s.global = s.globalScope()
	s.predefined = s.predefinedArgs()
	if prior != nil {
		s.carry(prior)
	}
	return s
}

// priorStates are the states of the version a document was edited from
// (see Document.Apply), which its own first state takes tables over from.
type priorStates [2]*BuildState

// setPrior records, for nd made by editing d, the states d has (or the
// ones it had from its own edit, if it has none yet).
func (nd *Document) setPrior(d *Document) {
	p := &priorStates{d.state.Load(), d.previous.Load()}
	if p[0] == nil && p[1] == nil {
		p = d.prior.Load()
	}
	nd.prior.Store(p)
}

// takePrior is the prior state for opts, if any. The first state made
// lets go of all of them: they hold the earlier version in memory.
func (d *Document) takePrior(opts Options) *BuildState {
	p := d.prior.Swap(nil)
	if p == nil {
		return nil
	}
	for _, s := range p {
		if s != nil && s.opts.equal(opts) && s.doc.Escape == d.Escape {
			return s
		}
	}
	return nil
}

// carry takes over from p, the state of an earlier version of the
// document for the same options, what this version did not change, so
// that a keystroke in a RUN or COPY costs the state that instruction and
// not the whole document: when no instruction the stages' tables read
// changed (FROM, ARG, ENV, WORKDIR and SHELL, and where the instructions
// are), the links and the stages p built; and the words of each
// instruction whose text is the same; and, when first asked, the user
// tables p built, if no USER changed and no changed RUN creates accounts
// (see takeUsers). Tables taken over are charged to this state's budget
// again.
func (s *BuildState) carry(p *BuildState) {
	if !sameScopes(p.doc, s.doc) {
		return
	}
	if l := p.linked.Load(); l != nil {
		s.linksOnce.Do(func() { s.linked.Store(l) })
		s.pay(l.charge)
	}
	for i := range s.stages {
		if ss := p.stages[i].Load(); ss != nil {
			s.stages[i].Store(ss)
			s.pay(ss.charge)
		}
	}
	users := &priorUsers{tables: make([]*userTable, len(s.stages))}
	for i := range users.tables {
		users.tables[i] = p.users[i].Load()
	}
	carried := make([]*derivedValue, len(s.doc.Instructions))
	for i, in := range s.doc.Instructions {
		o := p.doc.Instructions[i]
		if o.memo != in.memo {
			users = users.changedBy(o, in)
			continue
		}
		if f := p.facts[i].Load(); f != nil {
			s.facts[i].Store(f)
			s.pay(f.charge)
		}
		carried[i] = p.derived[i].Load()
	}
	s.priorUsers = users
	if users != nil {
		s.carried, s.carriedUsers = carried, users
	}
}

// takeDerived takes over the values carry kept of the prior state, if no
// changed RUN creates or created accounts: then what the state says of
// each unchanged instruction (scope, user, working directory, shell) is
// what it said, and so are the values derived from it.
func (s *BuildState) takeDerived() {
	s.carriedOnce.Do(func() {
		carried, users := s.carried, s.carriedUsers
		s.carried, s.carriedUsers = nil, nil
		if carried == nil || !users.hold(s.doc) {
			return
		}
		for i, d := range carried {
			if d != nil {
				s.derived[i].Store(d)
			}
		}
	})
}

// scopeKeywords are the instructions whose text the stages' tables read.
var scopeKeywords = map[string]bool{"FROM": true, "ARG": true, "ENV": true, "WORKDIR": true, "SHELL": true}

// sameScopes reports whether cur, a later version of old, has the same
// stages' tables: the same instructions in the same stages, those of
// scopeKeywords unchanged (the same text: they share their memo).
func sameScopes(old, cur *Document) bool {
	if len(old.Instructions) != len(cur.Instructions) || len(old.Stages) != len(cur.Stages) {
		return false
	}
	for i, in := range cur.Instructions {
		o := old.Instructions[i]
		if o.Stage != in.Stage || (o.memo != in.memo && (scopeKeywords[o.Keyword] || scopeKeywords[in.Keyword])) {
			return false
		}
	}
	return true
}

// Document is the document the state describes.
func (s *BuildState) Document() *Document { return s.doc }

// Options are the build options the state was computed for.
func (s *BuildState) Options() Options { return s.opts }

// Escape is the document's escape character.
func (s *BuildState) Escape() rune { return s.doc.Escape }

// TargetPlatform is the platform the build is for ("" when unknown).
func (s *BuildState) TargetPlatform() string { return s.opts.TargetPlatform }

// Truncated reports whether an expansion computed so far went over the
// budget and was cut.
func (s *BuildState) Truncated() bool { return s.cut.Load() }

// StageParent is the earlier stage st is built FROM (its FROM line
// expanded), or nil when it is built on an image.
func (s *BuildState) StageParent(st *Stage) *Stage {
	if p := s.links().parents[st.Index]; p >= 0 {
		return s.doc.Stages[p]
	}
	return nil
}

// StageImage is the image st's FROM chain starts from, after expansion,
// and the stage whose FROM names it.
func (s *BuildState) StageImage(st *Stage) (Expansion, *Stage) {
	l := s.links()
	root := l.root(st.Index)
	return l.bases[root], s.doc.Stages[root]
}

// Derive returns the value compute gives for key and instruction in of
// this state, computed once per state (Instruction.Derive is once per
// instruction text): for what depends on the state as well as on the
// instruction, or what readers ask so often that one lookup must be cheap.
// compute must depend only on the instruction's text and on what the state
// says of it (Of(in): its scope, user, working directory, shell, mounts):
// the state of the next version of the document takes the value over when
// those did not change. An instruction of another document is not
// memoised.
func (s *BuildState) Derive(in *Instruction, key any, compute func() any) any {
	i := s.indexOf(in)
	if i < 0 {
		return compute()
	}
	s.takeDerived()
	return derive(&s.derived[i], s.node, &s.derivedMu, key, compute)
}

// node is a node for derived, taken from a block: the rules derive one or
// two values from every RUN on every keystroke, and this makes them a few
// allocations a state, not one each. Called with derivedMu held.
func (s *BuildState) node() *derivedValue {
	if len(s.nodes) == 0 {
		s.nodes = make([]derivedValue, min(64, len(s.doc.Instructions)))
	}
	n := &s.nodes[0]
	s.nodes = s.nodes[1:]
	return n
}

// Expand expands raw as BuildKit would in instruction in.
func (s *BuildState) Expand(in *Instruction, raw string) Expansion { return s.Of(in).Expand(raw) }

// Of is the view of one instruction of the document (which must belong to
// it: the instructions of another version are not found, and get an
// empty scope).
func (s *BuildState) Of(in *Instruction) InstState {
	x := InstState{s: s, in: in, idx: s.indexOf(in)}
	if in.Stage >= 0 && in.Stage < len(s.doc.Stages) && in.Keyword != "FROM" {
		x.st = s.stage(in.Stage)
		x.pos = s.position(in)
	}
	return x
}

// indexOf is in's index in the document's instructions, or -1.
func (s *BuildState) indexOf(in *Instruction) int {
	if i := int(in.index); i < len(s.doc.Instructions) && s.doc.Instructions[i] == in {
		return i
	}
	return -1
}

// expand runs BuildKit's lexer over raw with the variables of v. A word
// reading an unknown variable is expanded a second time with the unknown
// ones left as written, so that a reader still sees them.
func (s *BuildState) expand(v view, raw string) Expansion {
	if !needsLex(raw, s.doc.Escape) {
		return Expansion{Text: raw, Known: true}
	}
	g := &getter{v: v, budget: budget.MaxExpandedWord}
	lex := bkshell.NewLex(s.doc.Escape)
	out, _, err := lex.ProcessWord(raw, g)
	switch {
	case g.cut || len(out) > budget.MaxExpandedWord:
		return s.truncated(v.charge)
	case err != nil:
		return Expansion{Text: raw}
	case g.unknown:
		g = &getter{v: v, budget: budget.MaxExpandedWord}
		lex = bkshell.NewLex(s.doc.Escape)
		lex.SkipUnsetEnv = true
		if out, _, err = lex.ProcessWord(raw, g); err != nil || g.cut || len(out) > budget.MaxExpandedWord {
			out = raw
		}
		return s.keep(out, false, v.charge)
	}
	return s.keep(out, true, v.charge)
}

// keep charges an expansion to the document's budget, and to c, the
// charge of the table it goes to (nil: none).
func (s *BuildState) keep(text string, known bool, c *charge) Expansion {
	if c != nil {
		c.bytes += int64(len(text))
	}
	if s.used.Add(int64(len(text))) > budget.MaxExpandedTotal {
		return s.truncated(c)
	}
	return Expansion{Text: text, Known: known}
}

func (s *BuildState) truncated(c *charge) Expansion {
	if c != nil {
		c.cut = true
	}
	s.cut.Store(true)
	return Expansion{Truncated: true}
}

// charge is what building a table (a stage's scope, an instruction's
// words) cost of the document's expansion budget. A state that takes the
// table over from an earlier version of the document (see carry) pays it
// again, so that no state holds more than the budget.
type charge struct {
	bytes int64
	cut   bool
}

// pay charges the budget for a table taken over.
func (s *BuildState) pay(c charge) {
	s.used.Add(c.bytes)
	if c.cut {
		s.cut.Store(true)
	}
}

// needsLex: raw has something the lexer would change (a variable, a
// quote or the escape character).
func needsLex[T string | []byte](raw T, escape rune) bool {
	for i := 0; i < len(raw); i++ {
		if c := raw[i]; c == '$' || c == '\'' || c == '"' || rune(c) == escape {
			return true
		}
	}
	return false
}

// getter is BuildKit's EnvGetter over a scope view, counting what it
// hands out against the word's budget.
type getter struct {
	v       view
	budget  int
	unknown bool // read a variable whose value is unknown (answered "unset")
	cut     bool // read a truncated value, or went over the budget
}

func (g *getter) Get(name string) (string, bool) {
	sv, ok := g.v.find(name)
	switch {
	case !ok && g.v.closed:
		return "", false // no image ENV can set it: unset
	case !ok || !sv.Known:
		g.unknown = true
		g.cut = g.cut || (ok && sv.Truncated)
		return "", false
	case len(sv.Value) > g.budget:
		g.cut = true
		return "", true
	}
	g.budget -= len(sv.Value)
	return sv.Value, true
}

func (g *getter) Keys() []string {
	var out []string
	for _, sv := range g.v.list() {
		out = append(out, sv.Name)
	}
	return out
}
