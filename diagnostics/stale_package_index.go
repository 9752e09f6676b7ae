package diagnostics

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/dockerfile-ls/dockerfile-ls/dockerfile"
	"github.com/dockerfile-ls/dockerfile-ls/pkgmgr"
	"github.com/dockerfile-ls/dockerfile-ls/shell"
)

var stalePackageIndex = &Rule{
	Name: "StalePackageIndex", Category: Cache, Severity: Warning,
	Summary: "a package index update in a RUN that installs nothing, or an install that relies on an earlier RUN's index, is cached and goes stale while the installs change",
	DocsURL: DocsBase + "StalePackageIndex.md",
	Check:   checkStalePackageIndex,
}

// indexState is what a stage's layers hold of a manager's package index:
// the last RUN that refreshed it, whether that RUN installed named
// packages too, and whether the lists were removed since.
type indexState struct {
	update  *dockerfile.Instruction
	upgrade bool // the update RUN only upgraded: its own finding covers the installs after it
	alone   bool // the update RUN installed nothing: its finding (and fix) covers the next RUN's install
	removed bool
	quiet   bool // the update RUN's finding, or the failing install's, covers every install after it
	pending *staleInstall
}

// staleInstall is the first install that reuses an update RUN's index,
// reported once with the lines of the others that do.
type staleInstall struct {
	inst   *dockerfile.Instruction
	inv    pkgmgr.Invocation
	update *dockerfile.Instruction
	others []string
}

func (s *staleInstall) report(p *Pass) {
	also := ""
	if len(s.others) > 0 {
		also = fmt.Sprintf(" (as %s at %s %s)", plural(len(s.others), "does the install", "do the installs"),
			plural(len(s.others), "line", "lines"), joinAnd(s.others))
	}
	p.Report(cmdSpan(s.inst, s.inv.Command), fmt.Sprintf("%s uses the package index line %d refreshed, which the build cache keeps%s: when this line changes, it installs from that old index, and packages may be missing or outdated. Refresh the index in this RUN (`%s && …`).",
		cmdText(s.inv.Command), s.update.Line+1, also, updateCommand(s.inv.Manager)),
		[]Related{{Span: s.update.Span, Message: "the package index comes from this RUN"}}, nil)
}

func joinAnd(items []string) string {
	if len(items) < 2 {
		return strings.Join(items, "")
	}
	return strings.Join(items[:len(items)-1], ", ") + " and " + items[len(items)-1]
}

// flush reports the pending stale installs of the states.
func flush(p *Pass, state map[string]*indexState) {
	for _, name := range slices.Sorted(maps.Keys(state)) {
		if s := state[name]; s.pending != nil {
			s.pending.report(p)
			s.pending = nil
		}
	}
}

// checkStalePackageIndex reports RUNs that refresh a package index
// (apt-get update, apk update, yum makecache) without installing anything,
// and installs in a later RUN that rely on an earlier RUN's index: BuildKit
// caches the refresh, so a later edit of the install line reuses an index
// from the day of the first build, or finds none when the lists were
// removed since.
func checkStalePackageIndex(p *Pass) {
	st := p.state()
	states := make([]map[string]*indexState, len(p.Doc.Stages))
	for _, stage := range p.Doc.Stages {
		states[stage.Index] = inherited(p, states, stage)
		for _, inst := range stage.Instructions {
			if inst.Keyword == "RUN" {
				checkIndexRun(p, st, inst, states[stage.Index])
			}
		}
		flush(p, states[stage.Index])
	}
}

// inherited is a copy of the index state of the stage a stage builds FROM.
func inherited(p *Pass, states []map[string]*indexState, stage *dockerfile.Stage) map[string]*indexState {
	out := map[string]*indexState{}
	if parent := p.Doc.FromStage(stage.Base, stage.Index); parent != nil {
		for m, s := range states[parent.Index] {
			c := *s
			c.pending = nil // the parent stage reports its own
			out[m] = &c
		}
	}
	return out
}

func checkIndexRun(p *Pass, st *dockerfile.BuildState, inst *dockerfile.Instruction, state map[string]*indexState) {
	invs := allInvocations(st, inst)
	var update *pkgmgr.Invocation
	named, upgrades := false, false
	for i := range invs {
		inv := &invs[i] // not a copy per invocation on the heap
		if inv.Manager == nil || !inv.Manager.System {
			continue
		}
		switch {
		case inv.Action == pkgmgr.Update && update == nil:
			update = inv
		case inv.Action == pkgmgr.Install && len(inv.Packages) == 0:
			upgrades = true
		case inv.Action == pkgmgr.Install:
			named = true
			if update == nil && !scriptBefore(st, inst, *inv) {
				reportOldIndex(p, inst, *inv, state[inv.Manager.Name])
			}
		}
	}
	for _, s := range state {
		s.removed = s.removed || removesIndex(st, inst, s)
	}
	if update == nil && runsScript(st, inst) {
		flush(p, state)
		clear(state) // a script may have refreshed the index (NodeSource's curl … | bash -): unknown now
	}
	if update == nil {
		return
	}
	m := update.Manager
	if old := state[m.Name]; old != nil && old.pending != nil {
		old.pending.report(p)
	}
	state[m.Name] = &indexState{update: inst, alone: !named, upgrade: !named && upgrades,
		removed: len(m.CleanPaths) > 0 && !listsKept(st, inst, m, *update)}
	if !named && !upgrades {
		p.Report(inst.Span, fmt.Sprintf("%s alone in its RUN is cached: when a later install changes, BuildKit reuses the old package index, and packages may be missing or outdated. Update and install in the same RUN.",
			updateText(*update)), nextInstall(p, inst), &FixData{Kind: MergeUpdate})
	}
}

// reportOldIndex reports an install that refreshes no index itself, after
// an earlier RUN did: the first such install of an update RUN's index
// (when it is reported, with the lines of the others), the first that
// finds the index removed, or the update RUN that only upgraded.
func reportOldIndex(p *Pass, inst *dockerfile.Instruction, inv pkgmgr.Invocation, s *indexState) {
	if s == nil || s.quiet || inv.HasFlag("--no-cache", "--update", "-U") {
		return // no update before; apk fetches its own index
	}
	if s.alone && !s.upgrade && nextRun(p, s.update.Stage, s.update.Line) == inst {
		return // the lone update's finding, and its fix, cover the install right after it
	}
	switch {
	case s.removed:
		s.quiet = true // the build fails here: the installs after it never run
		p.Report(cmdSpan(inst, inv.Command), fmt.Sprintf("%s finds no package index: it was removed after line %d refreshed it, so the install fails to find packages. Refresh the index in this RUN (`%s && …`).",
			cmdText(inv.Command), s.update.Line+1, updateCommand(inv.Manager)),
			[]Related{{Span: s.update.Span, Message: "the package index came from this RUN"}}, nil)
	case s.upgrade:
		s.quiet = true // one finding for the update RUN, which covers the installs after it
		p.Report(s.update.Span, fmt.Sprintf("The package index this RUN refreshes (with only an upgrade) is cached: the installs of later RUNs (line %d) reuse it when they change, and packages may be missing or outdated. Update and install in the same RUN.",
			inst.Line+1), []Related{{Span: inst.Span, Message: "an install that reuses the index"}}, nil)
	case s.pending != nil:
		if line := strconv.Itoa(inst.Line + 1); !slices.Contains(s.pending.others, line) && s.pending.inst != inst {
			s.pending.others = append(s.pending.others, line)
		}
	default:
		s.pending = &staleInstall{inst: inst, inv: inv, update: s.update}
	}
}

// runsScript: the RUN runs a script the rule cannot read.
func runsScript(st *dockerfile.BuildState, inst *dockerfile.Instruction) bool {
	return slices.ContainsFunc(commands(st, inst), func(c shell.Command) bool {
		return opaqueScript(c) || c.Name() == "bash" || c.Name() == "sh"
	})
}

// scriptBefore: a script the rule cannot read runs before the install in
// its RUN (curl …/setup_20.x | bash -, ./install.sh): it may refresh the
// index itself, as NodeSource's setup scripts do.
func scriptBefore(st *dockerfile.BuildState, inst *dockerfile.Instruction, inv pkgmgr.Invocation) bool {
	return slices.ContainsFunc(commands(st, inst), func(c shell.Command) bool {
		return c.Start < inv.Command.Start && (opaqueScript(c) || c.Name() == "bash" || c.Name() == "sh")
	})
}

// removesIndex: the RUN removes the lists the last update wrote.
func removesIndex(st *dockerfile.BuildState, inst *dockerfile.Instruction, s *indexState) bool {
	if s.update == nil || s.update == inst {
		return false
	}
	m := managerOfUpdate(st, s.update)
	if m == nil || len(m.CleanPaths) == 0 {
		return false
	}
	pl := &lazyPlace{st: st, in: inst}
	return slices.ContainsFunc(commands(st, inst), func(c shell.Command) bool { return !c.AfterOr && removesAny(c, pl, m.CleanPaths) })
}

func managerOfUpdate(st *dockerfile.BuildState, inst *dockerfile.Instruction) *pkgmgr.Manager {
	for _, inv := range allInvocations(st, inst) {
		if inv.Action == pkgmgr.Update && inv.Manager != nil {
			return inv.Manager
		}
	}
	return nil
}

func updateText(inv pkgmgr.Invocation) string {
	return strings.Join(append([]string{inv.Command.Name()}, inv.Sub...), " ")
}

// updateCommand is how the manager refreshes its index: "apt-get update".
func updateCommand(m *pkgmgr.Manager) string {
	for _, a := range m.Actions {
		if a.Kind == pkgmgr.Update && len(a.Sub) > 0 && len(m.Commands) > 0 {
			return strings.Join(append(slices.Clone(m.Commands[0]), a.Sub[0]...), " ")
		}
	}
	return m.Name + " update"
}

// nextInstall points at the RUN after inst, the install that should share
// the update's RUN.
func nextInstall(p *Pass, inst *dockerfile.Instruction) []Related {
	if next := nextRun(p, inst.Stage, inst.Line); next != nil {
		return []Related{{Span: next.KeywordSpan, Message: "the install that should share the update's RUN"}}
	}
	return nil
}
