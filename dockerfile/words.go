package dockerfile

import (
	"bytes"
	"slices"
	"strconv"
	"strings"
	"sync"
)

// InstState is one instruction seen through the build state: its scope,
// its words and flags after expansion, and what it reads. Get it with
// BuildState.Of; it is a small value, cheap to copy.
type InstState struct {
	s   *BuildState
	in  *Instruction
	idx int         // index in the document's instructions; -1 when not found
	st  *stageState // nil: the global scope (instructions before the first FROM, FROM lines)
	pos int         // index in its stage's Instructions
}

// Instruction is the instruction this view is of.
func (x InstState) Instruction() *Instruction { return x.in }

// view is the scope the instruction expands its words in.
func (x InstState) view() view {
	if x.st == nil {
		n := len(x.s.global.vars)
		if x.in.Stage < 0 && x.idx >= 0 && x.idx < len(x.s.globalAt) {
			n = int(x.s.globalAt[x.idx])
		}
		return view{sc: x.s.global, n: n, closed: true}
	}
	return x.s.stageView(x.st, int(x.st.at[x.pos].vars))
}

// Lookup is the variable name in scope at the instruction (before it: an
// ENV does not see its own values), if it has a value.
func (x InstState) Lookup(name string) (ScopeVar, bool) {
	if sv, ok := x.view().find(name); ok {
		return x.s.withDecl(*sv), true
	}
	return ScopeVar{}, false
}

// Vars are the variables in scope at the instruction, in the order they
// were first declared, each with the binding in force.
func (x InstState) Vars() []ScopeVar { return x.s.withDecls(x.view().list()) }

// Expand expands raw (a word as written, quotes and escapes included) as
// BuildKit would in this instruction.
func (x InstState) Expand(raw string) Expansion { return x.s.expand(x.view(), raw) }

// expandFor is Expand for the instruction's facts f, charged to them.
func (x InstState) expandFor(f *instFacts, raw string) Expansion {
	v := x.view()
	v.charge = &f.charge
	return x.s.expand(v, raw)
}

// instFacts are an instruction's words after expansion, built once per
// state when first asked, or taken over from the state of an earlier
// version (see carry): they hold nothing of one version, so a stage a
// COPY or mount reads from is looked up when it is handed out. Every open
// document keeps them: a word with nothing to expand is the model's
// string, and an instruction with nothing to expand shares noFacts.
type instFacts struct {
	args   []Expansion
	flags  []flagValue
	copy   *CopyReads // COPY and ADD
	mounts []Mount
	charge charge
}

var noFacts instFacts

type flagValue struct {
	name  string
	value Expansion
}

func (x InstState) facts() *instFacts {
	if x.idx < 0 {
		return x.computeFacts()
	}
	if f := x.s.facts[x.idx].Load(); f != nil {
		return f
	}
	f := x.computeFacts()
	if !x.s.facts[x.idx].CompareAndSwap(nil, f) {
		return x.s.facts[x.idx].Load()
	}
	return f
}

func (x InstState) computeFacts() *instFacts {
	if !expandsArgs[x.in.Keyword] && len(x.in.Flags) == 0 {
		return &noFacts
	}
	f := &instFacts{}
	if expandsArgs[x.in.Keyword] {
		f.args = make([]Expansion, 0, len(x.in.Args))
		for i, w := range x.in.Args {
			if x.in.Keyword != "FROM" || i == 0 {
				f.args = append(f.args, x.expandFor(f, x.rawWord(w)))
			} else {
				f.args = append(f.args, Expansion{Text: w.Value, Known: true})
			}
		}
	}
	for _, fl := range x.in.Flags {
		v := Expansion{Text: fl.Value, Known: true}
		if expandsFlag[flagKey{x.in.Keyword, fl.Name}] {
			v = x.expandFor(f, fl.Value)
		}
		f.flags = append(f.flags, flagValue{name: fl.Name, value: v})
	}
	switch x.in.Keyword {
	case "COPY", "ADD":
		r := x.copyReads(f)
		f.copy = &r
	case "RUN":
		f.mounts = x.mounts(f)
	}
	return f
}

// mounts are the RUN's --mount flags expanded: as written, shared by
// every version of the instruction, when no value reads a variable or
// quotes, as nearly always.
func (x InstState) mounts(f *instFacts) []Mount {
	if !slices.ContainsFunc(x.in.Flags, func(fl Flag) bool { return fl.Name == "mount" && needsLex(fl.Value, x.s.doc.Escape) }) {
		return x.in.WrittenMounts()
	}
	var out []Mount
	for _, fl := range x.in.Flags {
		if fl.Name == "mount" {
			out = append(out, x.mount(f, fl.Value))
		}
	}
	return out
}

// writtenMountsKey memoises an instruction's WrittenMounts.
type writtenMountsKey struct{}

// WrittenMounts are the instruction's --mount flags parsed as written
// (ParseMount), memoised; nil when it has none. What they mean in a build
// is InstState.Mounts: a reader of the flags' stage names or of values
// without variables or quotes can take these. Callers must not modify
// them.
func (in *Instruction) WrittenMounts() []Mount {
	n := 0
	for _, fl := range in.Flags {
		if fl.Name == "mount" {
			n++
		}
	}
	if n == 0 {
		return nil
	}
	return in.Derive(writtenMountsKey{}, func() any {
		if n == 1 { // as most: the list is shared too
			return sharedMount(in.Flags[slices.IndexFunc(in.Flags, func(fl Flag) bool { return fl.Name == "mount" })].Value)
		}
		out := make([]Mount, 0, n)
		for _, fl := range in.Flags {
			if fl.Name == "mount" {
				out = append(out, sharedMount(fl.Value).([]Mount)[0])
			}
		}
		return out
	}).([]Mount)
}

// sharedMounts are --mount values parsed as written, each a []Mount of
// one, boxed: shared by every instruction that writes the same value. A
// document's RUNs repeat the same few cache mounts, and a Mount's Options
// map is some 300 bytes that every open document would keep once per
// RUN. Bounded: emptied when full.
var sharedMounts struct {
	sync.Mutex
	m map[string]any
}

const (
	maxSharedMounts     = 256 // values kept
	maxSharedMountValue = 256 // bytes; a longer value is parsed apart
)

// sharedMount is []Mount{ParseMount(value)}, shared (see sharedMounts):
// callers must not modify it or its Options.
func sharedMount(value string) any {
	if len(value) > maxSharedMountValue {
		return []Mount{ParseMount(value)}
	}
	sharedMounts.Lock()
	ms, ok := sharedMounts.m[value]
	sharedMounts.Unlock()
	if ok {
		return ms
	}
	ms = []Mount{ParseMount(value)}
	sharedMounts.Lock()
	defer sharedMounts.Unlock()
	if sharedMounts.m == nil || len(sharedMounts.m) >= maxSharedMounts {
		sharedMounts.m = make(map[string]any)
	}
	sharedMounts.m[value] = ms
	return ms
}

// expandsArgs are the instructions whose words BuildKit expands (FROM:
// its image only). RUN, CMD, ENTRYPOINT, SHELL and HEALTHCHECK run as
// written: the shell expands them, if any.
var expandsArgs = map[string]bool{
	"ADD": true, "ARG": true, "COPY": true, "ENV": true, "EXPOSE": true, "FROM": true,
	"LABEL": true, "STOPSIGNAL": true, "USER": true, "VOLUME": true, "WORKDIR": true,
}

// expandsFlag are the flags BuildKit expands ("KEYWORD name"). COPY
// --from and --exclude are taken as written; RUN --mount is expanded
// field by field (see Mounts).
var expandsFlag = map[flagKey]bool{
	{"COPY", "chown"}: true, {"COPY", "chmod"}: true,
	{"ADD", "chown"}: true, {"ADD", "chmod"}: true, {"ADD", "checksum"}: true,
	{"FROM", "platform"}: true,
}

type flagKey struct{ keyword, name string }

// rawWord is a word as written in the file, quotes kept, for BuildKit's
// lexer; the model's unquoted value when the word spans lines or is an
// element of an exec-form array.
func (x InstState) rawWord(w Word) string {
	if x.in.JSONForm || w.Span.End > len(x.s.doc.Text) {
		return w.Value
	}
	raw := x.s.doc.Text[w.Span.Start:w.Span.End]
	if bytes.ContainsAny(raw, "\r\n") || !needsLex(raw, x.s.doc.Escape) {
		return w.Value // nothing to expand: the value is the text, and no copy of it is kept
	}
	return string(raw)
}

// Args are the instruction's words after expansion, for the instructions
// BuildKit expands; nil for the others (RUN, CMD, ENTRYPOINT, SHELL,
// HEALTHCHECK, whose words the shell expands if anything does: the model's
// Instruction.Args has them as written). Callers must not modify them.
func (x InstState) Args() []Expansion {
	if !expandsArgs[x.in.Keyword] {
		return nil
	}
	return x.facts().args
}

// Flag is the value of every --name flag of the instruction, in order,
// expanded when BuildKit expands that flag (--chown, --chmod, --checksum,
// FROM --platform); a flag without a value gives "". nil when the flag is
// not given.
func (x InstState) Flag(name string) []Expansion {
	var out []Expansion
	for _, f := range x.facts().flags {
		if f.name == name {
			out = append(out, f.value)
		}
	}
	return out
}

// FlagValue is the value of the instruction's i-th flag (Flags[i]) after
// expansion: Flag without a slice, for a reader that walks every flag.
func (x InstState) FlagValue(i int) Expansion { return x.facts().flags[i].value }

// FlagBool reports whether a boolean flag such as --link is on: given
// bare, or with a value BuildKit reads as true.
func (x InstState) FlagBool(name string) bool { return flagOn(x.facts().flags, name) }

// flagOn: the last --name flag is bare or true.
func flagOn(flags []flagValue, name string) bool {
	on := false
	for _, f := range flags {
		if f.name == name {
			b, err := strconv.ParseBool(f.value.Text)
			on = f.value.Text == "" || (err == nil && b)
		}
	}
	return on
}

// Ref is a stage or image an instruction reads from (COPY --from, RUN
// --mount from=).
type Ref struct {
	Name  string // as BuildKit takes it; "" when none is given
	Stage *Stage // the stage it names; nil for an image (or when Name is "")
}

// Image reports whether the reference names an image, not a stage.
func (r Ref) Image() bool { return r.Name != "" && r.Stage == nil }

// ref resolves a stage reference as BuildKit does: a number is a stage
// index, a name a stage's name (any stage of the file), else an image.
func (x InstState) ref(name string) Ref {
	if name == "" {
		return Ref{}
	}
	return Ref{Name: name, Stage: x.s.doc.StageRef(name, len(x.s.doc.Stages))}
}

// CopyReads is what a COPY or ADD reads.
type CopyReads struct {
	From Ref // --from (taken as written: BuildKit does not expand it)
	// Sources are all the sources after expansion: context paths, URLs,
	// git addresses and heredoc names ("<<EOF").
	Sources []Expansion
	// Context are the sources read from the build context, when known:
	// none with --from; no URL, git address or heredoc.
	Context []string
	// Unresolved are the context sources that depend on an unknown value,
	// the unknown parts as written ("" for one cut by the budget): they
	// may select anything.
	Unresolved []string
	// Exclude are the --exclude patterns, as BuildKit takes them (not
	// expanded), matched with moby/patternmatcher relative to each source.
	Exclude []string
	Dest    Expansion
	Link    bool // --link
}

// Copy is what a COPY or ADD reads; the zero value for other
// instructions.
func (x InstState) Copy() CopyReads {
	if x.in.Keyword != "COPY" && x.in.Keyword != "ADD" {
		return CopyReads{}
	}
	r := *x.facts().copy
	r.From = x.ref(r.From.Name)
	return r
}

func (x InstState) copyReads(f *instFacts) CopyReads {
	var r CopyReads
	if len(f.args) == 0 {
		return r
	}
	r.Sources, r.Dest = f.args[:len(f.args)-1], f.args[len(f.args)-1]
	for _, fl := range f.flags {
		switch fl.name {
		case "from":
			r.From = Ref{Name: fl.value.Text} // its Stage is this version's: see Copy
		case "exclude":
			r.Exclude = append(r.Exclude, fl.value.Text)
		}
	}
	r.Link = flagOn(f.flags, "link")
	if r.From.Name != "" {
		return r
	}
	for _, s := range r.Sources {
		switch {
		case !s.Known:
			r.Unresolved = append(r.Unresolved, s.Text)
		case IsContextSource(s.Text):
			r.Context = append(r.Context, s.Text)
		}
	}
	return r
}

// IsContextSource reports whether a COPY/ADD source (after expansion) is
// read from the build context: not a heredoc, a URL or a git address.
func IsContextSource(src string) bool {
	return !strings.HasPrefix(src, "<<") && !strings.Contains(src, "://") && !strings.HasPrefix(src, "git@")
}

// Mount is one RUN --mount, parsed as BuildKit parses it.
type Mount struct {
	Type   string // bind (the default), cache, tmpfs, secret or ssh
	From   Ref    // from=: a stage or an image; zero: the build context (bind) or a new cache
	Source string // source= or src=
	Target string // target=, dst= or destination=
	// Options are every key=value after expansion, keys in lower case, a
	// bare key (rw, ro, required) as "true"; "type" is always set.
	Options map[string]string
	Known   bool // every value is known
}

// Mounts are the RUN's --mount flags, parsed and expanded; nil for other
// instructions. Callers must not modify them.
func (x InstState) Mounts() []Mount {
	if x.in.Keyword != "RUN" || !slices.ContainsFunc(x.in.Flags, func(f Flag) bool { return f.Name == "mount" }) {
		return nil
	}
	ms := x.facts().mounts
	if !slices.ContainsFunc(ms, func(m Mount) bool { return m.From.Name != "" }) {
		return ms
	}
	// The facts are shared with later versions of the document: the
	// stage a mount reads from is this version's.
	ms = slices.Clone(ms)
	for i := range ms {
		ms[i].From = x.ref(ms[i].From.Name)
	}
	return ms
}

func (x InstState) mount(f *instFacts, value string) Mount {
	m := ParseMount(value)
	m.Known = true
	for k, v := range m.Options {
		e := x.expandFor(f, v)
		m.Options[k] = e.Text
		m.Known = m.Known && e.Known
	}
	m.fill() // From.Stage is set by Mounts
	return m
}

// ParseMount reads a --mount value as written ("type=cache,target=/x"),
// with no expansion and no stage resolution (From.Stage is nil).
func ParseMount(value string) Mount {
	m := Mount{Options: map[string]string{"type": "bind"}, Known: true}
	for _, field := range mountFields(value) {
		if field = strings.TrimSpace(field); field == "" {
			continue
		}
		k, v, ok := strings.Cut(field, "=")
		if !ok {
			v = "true"
		}
		m.Options[strings.ToLower(k)] = v
	}
	m.fill()
	return m
}

// mountFields splits a --mount value as the CSV record BuildKit reads it
// as: commas inside double quotes do not split, and the quotes go ("" is
// a quote).
func mountFields(value string) []string {
	if !strings.Contains(value, `"`) {
		return strings.Split(value, ",")
	}
	var fields []string
	var cur strings.Builder
	quoted := false
	for i := 0; i < len(value); i++ {
		switch c := value[i]; {
		case c == '"' && quoted && i+1 < len(value) && value[i+1] == '"':
			cur.WriteByte('"')
			i++
		case c == '"':
			quoted = !quoted
		case c == ',' && !quoted:
			fields = append(fields, cur.String())
			cur.Reset()
		default:
			cur.WriteByte(c)
		}
	}
	return append(fields, cur.String())
}

// fill sets the named fields from Options.
func (m *Mount) fill() {
	m.Type = strings.ToLower(m.Options["type"])
	m.From = Ref{Name: m.Options["from"]}
	m.Source = firstOf(m.Options, "source", "src")
	m.Target = firstOf(m.Options, "target", "dst", "destination")
}

func firstOf(opts map[string]string, keys ...string) string {
	for _, k := range keys {
		if v := opts[k]; v != "" {
			return v
		}
	}
	return ""
}

// Workdir is the absolute working directory of the instruction (for a
// WORKDIR, the one it sets); "/" unless a WORKDIR says otherwise. Known
// is false when it depends on an unknown value.
func (x InstState) Workdir() Expansion {
	if x.st == nil {
		return Expansion{Text: "/", Known: true}
	}
	return x.st.workdirs[x.st.at[x.pos].workdir]
}

// DefaultShell is the SHELL of a stage that declares none.
var DefaultShell = []string{"/bin/sh", "-c"}

// Shell is the SHELL in force for the instruction (inherited from the
// stage it is built FROM), and whether the file declared it; otherwise
// DefaultShell.
func (x InstState) Shell() (cmd []string, declared bool) {
	if x.st == nil {
		return DefaultShell, false
	}
	if sh := x.st.shells[x.st.at[x.pos].shell]; sh != nil {
		return sh, true
	}
	return DefaultShell, false
}

// Platform is the platform the instruction's stage is built for: its
// FROM --platform (expanded) when given, else the target platform; ""
// when unknown.
func (x InstState) Platform() string {
	if x.in.Stage < 0 || x.in.Stage >= len(x.s.doc.Stages) {
		return x.s.opts.TargetPlatform
	}
	from := x.s.doc.Stages[x.in.Stage].From
	if p := x.s.Of(from).Flag("platform"); len(p) > 0 {
		if !p[len(p)-1].Known {
			return ""
		}
		return p[len(p)-1].Text
	}
	return x.s.opts.TargetPlatform
}

// CommandText is the instruction's command as BuildKit reads it: keyword,
// flags and arguments with continuation lines joined (escape character
// and line breaks removed, comment lines dropped), heredoc bodies left
// out.
func (d *Document) CommandText(in *Instruction) string {
	if in.KeywordSpan.Start >= in.ArgsSpan.End {
		return d.Slice(Span{Start: in.KeywordSpan.Start, End: in.KeywordSpan.End})
	}
	return string(JoinLines(d, in.Line, in.KeywordSpan.Start, in.ArgsSpan.End).Text)
}

// IsNameByte reports whether b may be in a variable's name as the shell,
// BuildKit and Compose read it ([_a-zA-Z][_a-zA-Z0-9]*), first being the
// name's first byte.
func IsNameByte(b byte, first bool) bool {
	return b == '_' || 'a' <= b && b <= 'z' || 'A' <= b && b <= 'Z' || !first && '0' <= b && b <= '9'
}
