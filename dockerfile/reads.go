package dockerfile

// What an instruction reads besides its own text, and whether it reads
// what an earlier instruction produced or set: the question a fix that
// moves an instruction must ask (the reorder that copies the manifests
// and installs before `COPY . .` may move the install above the
// instructions between the two only if it reads nothing they made).

import (
	"cmp"
	"path"
	"slices"
	"strings"

	bkshell "github.com/moby/buildkit/frontend/dockerfile/shell"

	"github.com/dockerfile-ls/dockerfile-ls/shell"
)

// Reads is what an instruction reads besides its own text.
type Reads struct {
	// Context are the build-context paths it reads: the sources of a COPY
	// or ADD (CopyReads.Context), and of a RUN's bind mounts of the
	// context ("." for all of it).
	Context []string
	// From are the stages and images it reads (COPY --from, RUN --mount
	// from=).
	From []Ref
	// Vars are the bindings in force of the variables it reads (Decl is
	// the ARG or ENV that set each): those BuildKit's expansion of its
	// words, flags, mounts and heredocs looks up, and for a RUN those its
	// script names ($NAME), which the shell expands.
	Vars []ScopeVar
	// Env: it runs a process (RUN), which sees every ENV and ARG in scope
	// whether it names them or not.
	Env bool
	// Paths are the absolute paths of the image a RUN reads: the words of
	// its script that are paths (relative ones taken from the working
	// directory, "~" from the user's home), and, since programs read
	// there without naming it, its working directory, the user's home and
	// /etc. A program may read elsewhere: these are the places counted.
	Paths []string
	// Layers are the Paths that an earlier COPY or ADD of its stage, or of
	// a stage it is built FROM, wrote: at that path, in a folder above it,
	// or below it.
	Layers []LayerRead
	// Unknown: it may read more paths than are listed: a word, a source,
	// a mount or a home whose value is unknown, a script the shell parser
	// could not read in full, a shell that is not POSIX.
	Unknown bool
}

// LayerRead is a path an instruction reads from an earlier layer.
type LayerRead struct {
	Path string       // as Reads.Paths has it
	By   *Instruction // the COPY or ADD that wrote it
}

// Reads is what the instruction reads besides its own text.
func (x InstState) Reads() Reads {
	var r Reads
	switch x.in.Keyword {
	case "COPY", "ADD":
		cp := x.Copy()
		r.Context, r.Unknown = cp.Context, len(cp.Unresolved) > 0
		if cp.From.Name != "" {
			r.From = append(r.From, cp.From)
		}
	case "RUN":
		r.Env = true
		x.runReads(&r)
	}
	r.Vars = x.varsRead()
	r.Layers = x.layerReads(r.Paths)
	return r
}

// runReads adds to r what a RUN's mounts and script read.
func (x InstState) runReads(r *Reads) {
	for _, m := range x.Mounts() {
		switch {
		case m.From.Name != "":
			r.From = append(r.From, m.From)
		case m.Type == "bind":
			r.Context = append(r.Context, path.Clean(cmp.Or(m.Source, ".")))
		}
		r.Unknown = r.Unknown || !m.Known
	}
	wd, home := x.Workdir(), x.User().Home
	r.Unknown = r.Unknown || !wd.Known || wd.Truncated || home == ""
	r.Paths = append(r.Paths, wd.Text, "/etc")
	if home != "" {
		r.Paths = append(r.Paths, home)
	}
	script := x.s.doc.Script(x.in)
	if script == nil || script.Err != nil {
		r.Unknown = true
	}
	if script != nil {
		for _, c := range script.Commands {
			for _, w := range c.Args {
				x.pathWord(r, w, wd.Text, home)
			}
		}
	}
	slices.Sort(r.Paths)
	r.Paths = slices.Compact(r.Paths)
}

// pathWord adds to r the path a script word names, if it is one: a word
// with a slash or a dot, or starting with "~" ("--file=x.txt" names
// x.txt).
func (x InstState) pathWord(r *Reads, w shell.Word, wd, home string) {
	value := w.Value
	if w.Dynamic {
		// BuildKit's lexer leaves the shell's command substitutions as
		// written: their value is the script's.
		e := x.Expand(w.Raw)
		if !e.Known || e.Truncated || strings.Contains(w.Raw, "$(") || strings.ContainsRune(w.Raw, '`') {
			r.Unknown = true
			return
		}
		value = e.Text
	}
	if strings.HasPrefix(value, "-") {
		_, value, _ = strings.Cut(value, "=")
	}
	if value == "" || strings.Contains(value, "://") || !strings.ContainsAny(value, "/.~") {
		return
	}
	switch {
	case value == "~" || strings.HasPrefix(value, "~/"):
		if home == "" {
			return // Unknown is set
		}
		value = home + value[1:]
	case !path.IsAbs(value):
		value = path.Join(wd, value)
	}
	r.Paths = append(r.Paths, path.Clean(value))
}

// varsRead are the bindings of the variables the instruction's words
// name, found with BuildKit's lexer. A name without one (the base image's
// ENV may set it) is no variable of the document.
func (x InstState) varsRead() []ScopeVar {
	names := map[string]bool{}
	for _, raw := range x.expandedWords() {
		namesIn(raw, x.s.doc.Escape, names)
	}
	var out []ScopeVar
	for name := range names {
		if sv, ok := x.Lookup(name); ok {
			out = append(out, sv)
		}
	}
	slices.SortFunc(out, func(a, b ScopeVar) int { return strings.Compare(a.Name, b.Name) })
	return out
}

// expandedWords are the words of the instruction as written that are
// expanded before it runs, and read variables: by BuildKit (words, flags,
// mounts, heredocs of COPY and ADD) or, for a RUN, by the shell.
func (x InstState) expandedWords() []string {
	var out []string
	if expandsArgs[x.in.Keyword] {
		for i, w := range x.in.Args {
			if x.in.Keyword != "FROM" || i == 0 {
				out = append(out, x.rawWord(w))
			}
		}
	}
	for _, f := range x.in.Flags {
		if expandsFlag[flagKey{x.in.Keyword, f.Name}] || (x.in.Keyword == "RUN" && f.Name == "mount") {
			out = append(out, f.Value)
		}
	}
	for _, h := range x.in.Heredocs {
		if h.Expand && (x.in.Keyword == "COPY" || x.in.Keyword == "ADD") {
			out = append(out, h.Content)
		}
	}
	if script := x.s.doc.Script(x.in); x.in.Keyword == "RUN" && script != nil {
		for _, c := range script.Commands {
			for _, w := range append(slices.Clip(c.Env), c.Args...) {
				if w.Dynamic {
					out = append(out, w.Raw)
				}
			}
		}
	}
	return out
}

// namesIn adds to names the variables BuildKit's lexer looks up in raw.
func namesIn(raw string, escape rune, names map[string]bool) {
	if !needsLex(raw, escape) {
		return
	}
	lex := bkshell.NewLex(escape)
	_, _, _ = lex.ProcessWord(raw, nameRecorder(names)) // the names are looked up before any error
}

// nameRecorder is an EnvGetter that records the names asked and knows
// none.
type nameRecorder map[string]bool

func (n nameRecorder) Get(name string) (string, bool) {
	n[name] = true
	return "", false
}

func (n nameRecorder) Keys() []string { return nil }

// layerReads pairs each path with the COPY and ADD instructions before
// the instruction, in its stage and the stages it is built FROM, that
// wrote at, above or below it.
func (x InstState) layerReads(paths []string) []LayerRead {
	var out []LayerRead
	for _, by := range x.earlier() {
		if by.Keyword != "COPY" && by.Keyword != "ADD" {
			continue
		}
		dest, ok := x.s.wrote(by)
		for _, p := range paths {
			if !ok || overlaps(p, dest) {
				out = append(out, LayerRead{Path: p, By: by})
			}
		}
	}
	return out
}

// earlier are the instructions before x in its stage, then those of the
// stages it is built FROM, nearest first.
func (x InstState) earlier() []*Instruction {
	if x.in.Stage < 0 || x.in.Stage >= len(x.s.doc.Stages) {
		return nil
	}
	var out []*Instruction
	st := x.s.doc.Stages[x.in.Stage]
	list := st.Instructions[:x.s.position(x.in)]
	for {
		for i := len(list) - 1; i >= 0; i-- {
			out = append(out, list[i])
		}
		if st = x.s.StageParent(st); st == nil {
			return out
		}
		list = st.Instructions
	}
}

// wrote is the absolute path a COPY or ADD writes at or below, and
// whether it is known.
func (s *BuildState) wrote(by *Instruction) (string, bool) {
	x := s.Of(by)
	dest, wd := x.Copy().Dest, x.Workdir()
	switch {
	case !dest.Known || dest.Truncated:
		return "", false
	case path.IsAbs(dest.Text):
		return path.Clean(dest.Text), true
	}
	return path.Join(wd.Text, dest.Text), wd.Known && !wd.Truncated
}

// overlaps reports whether a and b are the same path or one is a folder
// above the other.
func overlaps(a, b string) bool { return a == b || under(a, b) || under(b, a) }

// under reports whether p lies inside the folder dir.
func under(p, dir string) bool {
	return dir == "/" || strings.HasPrefix(p, dir+"/")
}

// DependsOn reports whether the instruction reads anything by, an earlier
// instruction, produced or set, as Reads lists what it reads: a variable
// by declares, files by wrote, the working directory, user or shell by
// set. by counts when it is in the instruction's stage or a stage it is
// built FROM; in a stage it copies or mounts from, any instruction but
// metadata (LABEL, EXPOSE, CMD...) counts. A RUN reads every ENV and ARG
// in scope, and whatever an earlier RUN may have written.
func (x InstState) DependsOn(by *Instruction) bool {
	r := x.Reads()
	switch x.relation(by, r.From) {
	case inChain:
		return x.dependsInChain(by, r)
	case inSource:
		return !metadata[by.Keyword]
	}
	return false
}

// metadata are the instructions that change the image's configuration
// and nothing a later instruction reads while building.
var metadata = map[string]bool{
	"LABEL": true, "EXPOSE": true, "CMD": true, "ENTRYPOINT": true, "HEALTHCHECK": true,
	"STOPSIGNAL": true, "MAINTAINER": true, "ONBUILD": true,
}

type relation int

const (
	unrelated relation = iota
	inChain            // by is a global ARG, or before x in its stage or a stage it is built FROM
	inSource           // by is in a stage x copies or mounts from, or one it is built FROM
)

// relation is where by stands to x, which reads the stages from.
func (x InstState) relation(by *Instruction, from []Ref) relation {
	global := by.Stage < 0 && by.Keyword == "ARG" && x.s.indexOf(by) >= 0 && by.Span.Start < x.in.Span.Start
	if global || slices.Contains(x.earlier(), by) {
		return inChain
	}
	for _, ref := range from {
		for st := ref.Stage; st != nil; st = x.s.StageParent(st) {
			if slices.Contains(st.Instructions, by) {
				return inSource
			}
		}
	}
	return unrelated
}

// dependsInChain is DependsOn for by in x's stage or FROM chain.
func (x InstState) dependsInChain(by *Instruction, r Reads) bool {
	if x.in.Keyword == "FROM" && by.Stage >= 0 {
		return !metadata[by.Keyword] // its base is the stage by is in
	}
	run := x.in.Keyword == "RUN"
	switch by.Keyword {
	case "FROM":
		return true
	case "ENV":
		return run || x.readsVarOf(r, by)
	case "ARG":
		return (run && by.Stage == x.in.Stage) || x.readsVarOf(r, by) || x.readsGlobal(by, r)
	case "WORKDIR":
		return x.readsWorkdirOf(r, by)
	case "USER", "VOLUME":
		return run
	case "SHELL":
		return run && !x.in.JSONForm
	case "COPY", "ADD":
		dest, ok := x.s.wrote(by)
		return run && (r.Unknown || !ok || slices.ContainsFunc(r.Paths, func(p string) bool { return overlaps(p, dest) }))
	case "RUN":
		return run
	}
	return false
}

// readsVarOf: a variable x reads is bound by by.
func (x InstState) readsVarOf(r Reads, by *Instruction) bool {
	return slices.ContainsFunc(r.Vars, func(v ScopeVar) bool { return v.Decl != nil && v.Decl.Inst == by })
}

// readsGlobal: by is a global ARG whose value x reads through its
// stage's ARG of the same name without a default: one that x names, or
// any, for a RUN (they are in its environment).
func (x InstState) readsGlobal(by *Instruction, r Reads) bool {
	if by.Stage >= 0 {
		return false
	}
	vars := r.Vars
	if r.Env {
		vars = x.Vars()
	}
	for _, d := range x.s.declarations(by, nil) {
		if slices.ContainsFunc(vars, func(v ScopeVar) bool { return v.Origin == FromGlobal && v.Name == d.name }) {
			return true
		}
	}
	return false
}

// readsWorkdirOf: x runs in, or resolves a relative path against, the
// folder by made current or one below it, or a RUN names a path in it.
func (x InstState) readsWorkdirOf(r Reads, by *Instruction) bool {
	dir := x.s.Of(by).Workdir()
	if !dir.Known || dir.Truncated {
		return x.usesWorkdir() || r.Env
	}
	cur := x.workdirBefore()
	if x.usesWorkdir() && (!cur.Known || cur.Text == dir.Text || under(cur.Text, dir.Text)) {
		return true
	}
	return slices.ContainsFunc(r.Paths, func(p string) bool { return overlaps(p, dir.Text) })
}

// usesWorkdir: the instruction runs in the working directory (RUN) or
// resolves its destination or folder against it.
func (x InstState) usesWorkdir() bool {
	switch x.in.Keyword {
	case "RUN":
		return true
	case "COPY", "ADD":
		return !path.IsAbs(x.Copy().Dest.Text)
	case "WORKDIR":
		args := x.Args()
		return len(args) == 0 || !path.IsAbs(args[0].Text)
	}
	return false
}

// workdirBefore is the working directory in force before the
// instruction (for a WORKDIR, the one it starts from).
func (x InstState) workdirBefore() Expansion {
	if x.st == nil {
		return Expansion{Text: "/", Known: true}
	}
	i := x.st.at[x.pos].workdir
	if x.in.Keyword == "WORKDIR" && i > 0 {
		i--
	}
	return x.st.workdirs[i]
}
