package diagnostics

import (
	"fmt"
	"iter"
	"path"
	"strconv"
	"strings"

	"github.com/dockerfile-ls/dockerfile-ls/dockerfile"
	"github.com/dockerfile-ls/dockerfile-ls/pkgmgr"
	"github.com/dockerfile-ls/dockerfile-ls/shell"
)

var aptListsNotRemoved = &Rule{
	Name: "AptListsNotRemoved", Category: Size, Severity: Info,
	Summary: "apt-get update leaves the package lists (/var/lib/apt/lists, tens of MB) in the layer unless the same RUN removes them or mounts a cache there",
	DocsURL: DocsBase + "AptListsNotRemoved.md",
	Check:   checkAptListsNotRemoved,
}

// listsManager: a manager whose index refresh writes lists into its
// CleanPaths and that has no flag to keep them out (apt; apk has
// --no-cache, which PackageCacheInLayer checks).
func listsManager(m *pkgmgr.Manager) bool {
	return len(m.CleanPaths) > 0 && len(m.NoCacheFlags) == 0
}

func checkAptListsNotRemoved(p *Pass) {
	st := p.state()
	for inst := range shippedRuns(p.Doc) {
		invs := invocations(st, inst)
		for k, upd := range invs {
			m := upd.Manager
			if upd.Action != pkgmgr.Update || !listsManager(m) {
				continue
			}
			if listsKept(st, inst, m, upd) {
				p.reportLists(st, inst, invs[k+1:], upd)
			}
			break // one finding per RUN
		}
	}
}

// listsKept: no later command of the RUN removes the lists, and no cache
// or tmpfs mount holds them. The answer for the RUN's update is kept on
// the state: AptListsNotRemoved and StalePackageIndex both ask.
func listsKept(st *dockerfile.BuildState, inst *dockerfile.Instruction, m *pkgmgr.Manager, upd pkgmgr.Invocation) bool {
	if upd.Command.Start < 0 { // no offsets to tell the RUN's updates apart
		return computeListsKept(st, inst, m, upd)
	}
	a := st.Derive(inst, listsKey{}, func() any {
		return &listsAnswer{m: m, start: upd.Command.Start, end: upd.Command.End, kept: computeListsKept(st, inst, m, upd)}
	}).(*listsAnswer)
	if a.m == m && a.start == upd.Command.Start && a.end == upd.Command.End {
		return a.kept
	}
	return computeListsKept(st, inst, m, upd)
}

// listsKey keeps a RUN's listsAnswer on the state.
type listsKey struct{}

// listsAnswer is listsKept for the update of a RUN at start:end.
type listsAnswer struct {
	m          *pkgmgr.Manager
	start, end int
	kept       bool
}

func computeListsKept(st *dockerfile.BuildState, inst *dockerfile.Instruction, m *pkgmgr.Manager, upd pkgmgr.Invocation) bool {
	for _, dir := range m.CleanPaths {
		if scratchMounted(st, inst, dir) {
			return false
		}
	}
	pl := &lazyPlace{st: st, in: inst}
	for c := range commandsAfter(st, inst, upd.Command) {
		if removesAny(c, pl, m.CleanPaths) {
			return false
		}
	}
	return true
}

// commandsAfter are the RUN's commands after c (those that also run when
// everything before succeeded).
func commandsAfter(st *dockerfile.BuildState, inst *dockerfile.Instruction, c shell.Command) iter.Seq[shell.Command] {
	return func(yield func(shell.Command) bool) {
		seen := false
		for _, x := range commands(st, inst) {
			if seen && !x.AfterOr && !yield(x) {
				return
			}
			if sameCommand(x, c) {
				seen = true
			}
		}
	}
}

// sameCommand: a and b are the same command of a RUN (an invocation's
// Command is a copy).
func sameCommand(a, b shell.Command) bool {
	return a.Start == b.Start && a.End == b.End && sameArgs(a, b)
}

func sameArgs(a, b shell.Command) bool {
	if len(a.Args) != len(b.Args) {
		return false
	}
	for i := range a.Args {
		if a.Args[i].Raw != b.Args[i].Raw {
			return false
		}
	}
	return true
}

// removesFiles: c is a command removedPaths reads.
func removesFiles(c shell.Command) bool {
	n := c.Name()
	return n == "rm" || n == "rmdir" || n == "find"
}

// removesAny: c is an rm (or find -delete) of one of dirs, a parent of
// it, or everything in it.
func removesAny(c shell.Command, pl *lazyPlace, dirs []string) bool {
	var room [4]string
	for _, t := range appendRemoved(room[:0], c, pl) {
		t = trimGlobs(t)
		for _, d := range dirs {
			if under(d, t) && t != "/" && strings.Count(t, "/") >= 2 {
				return true
			}
		}
	}
	return false
}

// removedPaths are the absolute paths an rm or `find X -delete` removes,
// globs kept, variables expanded where the build state knows them. A path
// in a home that cannot be known stays as written ("~/.npm",
// "$HOME/.npm"), for the package managers' catalog to recognise. The
// place is worked out only for a path that is not absolute as written.
func removedPaths(c shell.Command, lazy *lazyPlace) []string {
	return appendRemoved(nil, c, lazy)
}

// appendRemoved appends c's removedPaths to out: the rules that only scan
// them pass a buffer of their own, and most RUNs have an rm.
func appendRemoved(out []string, c shell.Command, lazy *lazyPlace) []string {
	switch c.Name() {
	case "rm", "rmdir":
		for _, w := range c.Args[1:] {
			if !w.Dynamic && path.IsAbs(w.Value) {
				out = append(out, path.Clean(w.Value))
				continue
			}
			pl := lazy.get()
			v, known := pl.word(w)
			if strings.HasPrefix(wordText(w), "-") || (known && v == "") {
				continue
			}
			if p, ok := pl.abs(v); known && ok {
				out = append(out, p)
			} else if _, home := replaceHome(w.Raw, ""); home || strings.HasPrefix(w.Raw, "~") {
				out = append(out, w.Raw)
			}
		}
	case "find":
		del, name := false, "*"
		for i, w := range c.Args {
			switch {
			case w.Value == "-delete" || w.Value == "rm":
				del = true
			case (w.Value == "-name" || w.Value == "-iname") && i+1 < len(c.Args) && !c.Args[i+1].Dynamic:
				name = "**/" + c.Args[i+1].Value
			}
		}
		if del && len(c.Args) > 1 && !c.Args[1].Dynamic && !strings.HasPrefix(c.Args[1].Value, "-") {
			if dir, ok := lazy.get().abs(c.Args[1].Value); ok {
				out = append(out, dir+"/"+name)
			}
		}
	}
	return out
}

// trimGlobs drops trailing "/*" segments: "/var/lib/apt/lists/*" is the
// directory's content.
func trimGlobs(p string) string {
	for {
		q := strings.TrimSuffix(strings.TrimSuffix(p, "/*"), "/")
		if q == p || q == "" {
			if q == "" {
				return "/"
			}
			return path.Clean(p)
		}
		p = q
	}
}

// reportLists reports an update whose RUN also installs. A RUN that only
// updates is StalePackageIndex's (its fix merges the update into the
// install, which this rule then checks).
func (p *Pass) reportLists(st *dockerfile.BuildState, inst *dockerfile.Instruction, rest []pkgmgr.Invocation, upd pkgmgr.Invocation) {
	m := upd.Manager
	installs := false
	for _, inv := range rest {
		installs = installs || (inv.Manager == m && inv.Action == pkgmgr.Install)
	}
	if !installs {
		return
	}
	rm := "rm -rf " + strings.TrimSuffix(m.CleanPaths[0], "/") + "/*"
	var fix *FixData
	if last, ok := lastTopCommand(st, inst); ok {
		fix = &FixData{Kind: AddRmAptLists, Args: map[string]string{
			"offset": strconv.Itoa(inst.ArgsSpan.Start + last.End),
			"text":   " && " + rm,
		}}
	}
	p.Report(cmdSpan(inst, upd.Command), fmt.Sprintf(
		"%s leaves the package lists (%s, often 20-50 MB) in this layer: end the RUN with `%s`, or mount a cache at %s.",
		cmdText(upd.Command), strings.Join(m.CleanPaths, ", "), rm, path.Dir(m.CleanPaths[0])), nil, fix)
}

// lastTopCommand is the RUN's last command at the top level of its script
// (not inside a subshell, loop or sh -c), where appending "&& cmd" runs
// after everything else.
func lastTopCommand(st *dockerfile.BuildState, inst *dockerfile.Instruction) (shell.Command, bool) {
	cs := commands(st, inst)
	if len(cs) == 0 || inst.JSONForm || len(inst.Heredocs) > 0 {
		return shell.Command{}, false
	}
	last := cs[len(cs)-1]
	if last.Sub || last.Start < 0 || last.Op == "&" || last.Op == "|" {
		return shell.Command{}, false
	}
	return last, true
}
