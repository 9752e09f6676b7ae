package diagnostics

import (
	"path"
	"slices"
	"strings"

	"github.com/dockerfile-ls/dockerfile-ls/dockerfile"
	"github.com/dockerfile-ls/dockerfile-ls/pkgmgr"
	"github.com/dockerfile-ls/dockerfile-ls/shell"
)

// The rules read what an instruction means from the document's build
// state (dockerfile.BuildState): the user it runs as and that user's
// home, its working directory, the variables in scope, what a COPY copies
// and a RUN mounts. This file holds what they share of it.

// state is the build state the rules read, for the build's options: an
// ARG without a default or a --build-arg value is unknown, and what
// depends on it goes unsaid.
func (p *Pass) state() *dockerfile.BuildState { return p.Doc.State(p.Build) }

// place is where an instruction acts: what its relative and
// home-relative paths resolve against.
type place struct {
	x    dockerfile.InstState
	wd   string          // the working directory; "" when unknown
	user dockerfile.User // User.Home is "" when unknown
}

func placeOf(st *dockerfile.BuildState, in *dockerfile.Instruction) place {
	x := st.Of(in)
	pl := place{x: x, user: x.User()}
	if wd := x.Workdir(); wd.Known {
		pl.wd = wd.Text
	}
	return pl
}

// lazyPlace works out an instruction's place when first asked: many
// checks never need it, and it builds the scope of the instruction's stage.
type lazyPlace struct {
	st   *dockerfile.BuildState
	in   *dockerfile.Instruction
	pl   place
	done bool
}

// placed is a lazyPlace already worked out.
func placed(pl place) *lazyPlace { return &lazyPlace{pl: pl, done: true} }

func (l *lazyPlace) get() place {
	if !l.done {
		l.pl, l.done = placeOf(l.st, l.in), true
	}
	return l.pl
}

// abs makes p absolute: against the working directory, "~" is the user's
// home. ok is false when what it depends on is unknown.
func (pl place) abs(p string) (string, bool) {
	switch {
	case p == "~" || strings.HasPrefix(p, "~/"):
		if pl.user.Home == "" {
			return "", false
		}
		p = pl.user.Home + p[1:]
	case path.IsAbs(p):
	case pl.wd == "" || p == "":
		return "", false
	default:
		p = path.Join(pl.wd, p)
	}
	return path.Clean(p), true
}

// word is a shell word of a RUN with the variables expanded that the
// build state knows: the RUN's ARGs and ENVs, and HOME, which the runtime
// sets to the user's home. ok is false when the word reads anything else.
func (pl place) word(w shell.Word) (string, bool) {
	if !w.Dynamic {
		return w.Value, true
	}
	raw := w.Raw
	if withHome, ok := replaceHome(raw, pl.user.Home); ok {
		if pl.user.Home == "" {
			return "", false
		}
		raw = withHome
	}
	e := pl.x.Expand(raw)
	return e.Text, e.Known
}

// replaceHome replaces a leading $HOME or ${HOME} of a raw shell word
// (inside double quotes or not) with home.
func replaceHome(raw, home string) (string, bool) {
	quote := ""
	if strings.HasPrefix(raw, `"`) {
		quote, raw = `"`, raw[1:]
	}
	for _, h := range []string{"${HOME}", "$HOME"} {
		if rest, ok := strings.CutPrefix(raw, h); ok && (rest == "" || !dockerfile.IsNameByte(rest[0], false)) {
			return quote + home + rest, true
		}
	}
	return "", false
}

// runCommands is what a RUN runs as the rules read it: the script's
// commands (the escape directive honoured), a command named through a
// variable ("$VIRTUAL_ENV/bin/pip") with its name expanded, and the
// package-manager commands among them.
type runCommands struct {
	names string // the expanded command names: runKey's
	cmds  []shell.Command
	all   []pkgmgr.Invocation // every command pkgmgr recognises
	kept  []pkgmgr.Invocation // without those the size rules leave out (see leftOut)
	// named: a command is named through a variable, whose name the
	// runCommands with names "" leaves as written.
	named bool
}

// runKey memoises a RUN's runCommands on the instruction: besides its
// text, they depend only on the expansions of the command names.
type runKey struct{ names string }

var noCommands = &runCommands{}

// runOf is the RUN's runCommands, memoised; empty for other instructions
// and non-POSIX shells. Callers must not modify it. Every rule asks for
// every RUN, so it is kept on the state: one lookup per ask (asking the
// instruction's memo costs the keystroke path a fifth more CPU at 10,000
// lines). Only RUNs: every open document keeps the memo.
func runOf(st *dockerfile.BuildState, inst *dockerfile.Instruction) *runCommands {
	if inst.Keyword != "RUN" {
		return noCommands
	}
	return st.Derive(inst, runKey{}, func() any { return runOfState(st, inst) }).(*runCommands)
}

// runOfState is runOf, worked out: the runCommands as written are
// memoised on the instruction, those with expanded names per names.
func runOfState(st *dockerfile.BuildState, inst *dockerfile.Instruction) *runCommands {
	script := st.Script(inst)
	if script == nil || len(script.Commands) == 0 {
		return noCommands
	}
	asWritten := inst.Derive(runKey{}, func() any { return classified(script.Commands, nil, "") }).(*runCommands)
	if !asWritten.named {
		return asWritten // as nearly always
	}
	return withNames(st, inst, asWritten)
}

// withNames is the runCommands of a RUN whose commands asWritten has
// named through a variable, with those names expanded.
func withNames(st *dockerfile.BuildState, inst *dockerfile.Instruction, asWritten *runCommands) *runCommands {
	var named []int
	for i, c := range asWritten.cmds {
		if namedThroughVariable(c) {
			named = append(named, i)
		}
	}
	names, key := expandedNames(st.Of(inst), asWritten.cmds, named)
	if key == "" {
		return asWritten
	}
	return inst.Derive(runKey{key}, func() any { return classified(asWritten.cmds, names, key) }).(*runCommands)
}

// namedThroughVariable: the command's name is a variable's value.
func namedThroughVariable(c shell.Command) bool { return len(c.Args) > 0 && c.Args[0].Dynamic }

// classified is the runCommands of cmds with the names given by index.
func classified(cmds []shell.Command, names map[int]string, key string) *runCommands {
	r := &runCommands{names: key, cmds: cmds}
	if len(names) > 0 {
		r.cmds = slices.Clone(cmds)
		for i, name := range names {
			r.cmds[i] = renamed(r.cmds[i], name)
		}
	}
	var kept []int // indexes in r.all
	for i := range r.cmds {
		c := &r.cmds[i]
		r.named = r.named || namedThroughVariable(*c)
		if inv, ok := pkgmgr.Classify(*c); ok {
			if !leftOut(inv) {
				kept = append(kept, len(r.all))
			}
			r.all = append(r.all, inv)
		}
	}
	r.keep(kept)
	return r
}

// keep sets r.kept to the invocations of r.all at the indexes kept, and
// trims r.all to its length: every open document keeps them. When every
// invocation is kept, as in most RUNs, both share one array.
func (r *runCommands) keep(kept []int) {
	if cap(r.all) > len(r.all) {
		r.all = slices.Clone(r.all)
	}
	if len(kept) == len(r.all) {
		r.kept = r.all
		return
	}
	r.kept = make([]pkgmgr.Invocation, len(kept))
	for k, i := range kept {
		r.kept[k] = r.all[i]
	}
}

// expandedNames are the names of the commands at the indexes named,
// expanded with the RUN's variables, and a key that says them. A name is
// taken when its last path element is known, whatever the folder:
// "$VIRTUAL_ENV/bin/pip" runs a pip.
func expandedNames(x dockerfile.InstState, cmds []shell.Command, named []int) (map[int]string, string) {
	var names map[int]string
	var key strings.Builder
	for _, i := range named {
		e := x.Expand(cmds[i].Args[0].Raw)
		if base := path.Base(e.Text); e.Truncated || strings.ContainsAny(base, "$`\"'\\ ") || base == "." || base == "/" {
			continue
		}
		if names == nil {
			names = map[int]string{}
		}
		names[i] = e.Text
		key.WriteString(e.Text + "\x00")
	}
	return names, key.String()
}

// renamed is c with its command word replaced by its expansion (Raw, as
// written, is kept).
func renamed(c shell.Command, name string) shell.Command {
	args := make([]shell.Word, len(c.Args))
	copy(args, c.Args)
	args[0] = shell.Word{Value: name, Raw: c.Args[0].Raw, Start: c.Args[0].Start, End: c.Args[0].End}
	c.Args = args
	return c
}

// commands are the RUN's simple commands (nil for non-POSIX shells).
func commands(st *dockerfile.BuildState, inst *dockerfile.Instruction) []shell.Command {
	return runOf(st, inst).cmds
}

// allInvocations are the RUN's package-manager commands.
func allInvocations(st *dockerfile.BuildState, inst *dockerfile.Instruction) []pkgmgr.Invocation {
	return runOf(st, inst).all
}

// invocations are the RUN's package-manager invocations that always run
// (not after ||) of a known manager.
func invocations(st *dockerfile.BuildState, inst *dockerfile.Instruction) []pkgmgr.Invocation {
	return runOf(st, inst).kept
}

// leftOut: an invocation the size rules do not count (no known manager,
// or run only when an earlier command failed).
func leftOut(inv pkgmgr.Invocation) bool { return inv.Manager == nil || inv.Command.AfterOr }

// envLookup gives a variable's value where a RUN runs: found is false
// when it is not set, known false when its value is unknown.
type envLookup func(name string) (value string, found, known bool)

// scopeLookup is the envLookup of an instruction: the ARGs and ENVs the
// build state has in scope there.
func scopeLookup(x dockerfile.InstState) envLookup {
	return func(name string) (string, bool, bool) {
		sv, ok := x.Lookup(name)
		return sv.Value, ok, ok && sv.Known && !sv.Truncated
	}
}

// stageChain is st and the stages it builds FROM, nearest first. A stage
// is only built FROM an earlier one, so the chain ends.
func stageChain(bs *dockerfile.BuildState, st *dockerfile.Stage) []*dockerfile.Stage {
	var out []*dockerfile.Stage
	for ; st != nil; st = bs.StageParent(st) {
		out = append(out, st)
	}
	return out
}

// scratchMounts are the targets of a RUN's cache and tmpfs mounts: what
// is written there stays out of the layer.
type scratchMounts struct {
	targets []string
	key     string // the targets, NUL-separated, for memo keys
}

func scratchOf(ms []dockerfile.Mount) scratchMounts {
	var s scratchMounts
	for _, m := range ms {
		if (m.Type == "cache" || m.Type == "tmpfs") && m.Target != "" {
			s.targets = append(s.targets, path.Clean(m.Target))
		}
	}
	s.key = strings.Join(s.targets, "\x00")
	return s
}

// scratch are the RUN's scratchMounts, memoised on the instruction when
// its mounts read no variable, as nearly always.
func scratch(st *dockerfile.BuildState, inst *dockerfile.Instruction) scratchMounts {
	if inst.Keyword != "RUN" {
		return scratchMounts{}
	}
	switch has, dynamic := mountFlagsOf(inst); {
	case !has:
		return scratchMounts{}
	case !dynamic:
		return inst.Derive(scratchKey{}, func() any { return scratchOf(inst.WrittenMounts()) }).(scratchMounts)
	}
	return scratchOf(st.Of(inst).Mounts())
}

// scratchKey memoises a RUN's scratchMounts on the instruction.
type scratchKey struct{}

// mounts are the RUN's --mount flags. They are parsed once per
// instruction text when they read no variable, as nearly always: the build
// state parses them again for every version of the document, and the
// rules ask on every keystroke.
func mounts(st *dockerfile.BuildState, inst *dockerfile.Instruction) []dockerfile.Mount {
	if inst.Keyword != "RUN" {
		return nil
	}
	if _, dynamic := mountFlagsOf(inst); !dynamic {
		return inst.WrittenMounts()
	}
	return st.Of(inst).Mounts()
}

// mountFlagsOf says whether the instruction has a --mount flag, and
// whether one reads a variable or quotes (dynamic: then only the build
// state can read it).
func mountFlagsOf(inst *dockerfile.Instruction) (has, dynamic bool) {
	for _, f := range inst.Flags {
		if f.Name == "mount" {
			has = true
			dynamic = dynamic || strings.ContainsAny(f.Value, "$'\"\\`")
		}
	}
	return has, dynamic
}
