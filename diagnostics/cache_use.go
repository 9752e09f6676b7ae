package diagnostics

import (
	"maps"
	"path"
	"slices"
	"strings"

	"github.com/dockerfile-ls/dockerfile-ls/dockerfile"
	"github.com/dockerfile-ls/dockerfile-ls/pkgmgr"
	"github.com/dockerfile-ls/dockerfile-ls/shell"
)

// What the cache rules (InstallWithoutCacheMount, PackageCacheInLayer) ask
// of an install before they say anything about its cache: whether it
// downloads at all, on which image (where the manager keeps its cache
// can depend on it, and on the version it names), and as which user.

// runImage is the image the RUN's stage starts from, as the catalog reads
// it; its Repo is "" when it is unknown (an ARG without a value).
func runImage(st *dockerfile.BuildState, in *dockerfile.Instruction) *pkgmgr.Image {
	img := pkgmgr.Image{}
	if in.Stage >= 0 && in.Stage < len(st.Document().Stages) {
		if ref, _ := st.StageImage(st.Document().Stages[in.Stage]); ref.Known {
			img = pkgmgr.ParseImage(ref.Text)
		}
	}
	return &img
}

var rootAccount = dockerfile.User{Name: "root", UID: "0", GID: "0", Home: "/root", Root: true, Known: true}

// commandUser is the user a command runs as: the RUN's, unless a wrapper
// switches (sudo to root or to -u's user; gosu and su-exec to their first
// operand). Of another user than the RUN's and root only the name is
// known here, so its home is not.
func commandUser(c shell.Command, u dockerfile.User) dockerfile.User {
	name, switched := wrappedUser(c.Prefix)
	switch {
	case !switched || name == u.Name:
		return u
	case name == "root" || name == "0":
		return rootAccount
	case name == "":
		return dockerfile.User{Name: "?"}
	}
	return dockerfile.User{Name: name, Known: true}
}

// wrappedUser reads the wrappers in front of a command: the user the last
// one switches to ("" when it is written through a variable).
func wrappedUser(prefix []shell.Word) (name string, switched bool) {
	for i := 0; i < len(prefix); i++ {
		switch path.Base(prefix[i].Value) {
		case "sudo":
			name, switched = "root", true
			if u, ok := sudoUser(prefix[i+1:]); ok {
				name = u
			}
		case "gosu", "su-exec":
			if i+1 < len(prefix) {
				name, switched = userPart(prefix[i+1]), true
			}
		}
	}
	return name, switched
}

// sudoUser is the value of sudo's -u/--user among the words after it, up
// to the next wrapper.
func sudoUser(words []shell.Word) (string, bool) {
	for i, w := range words {
		switch v := w.Value; {
		case w.Dynamic:
			return "", true
		case !strings.HasPrefix(v, "-"):
			return "", false // the next wrapper
		case (v == "-u" || v == "--user") && i+1 < len(words):
			return userPart(words[i+1]), true
		case strings.HasPrefix(v, "--user="):
			return strings.TrimPrefix(v, "--user="), true
		case strings.HasPrefix(v, "-u") && len(v) > 2:
			return v[2:], true
		}
	}
	return "", false
}

// userPart is the user of "user:group", "" when written through a variable.
func userPart(w shell.Word) string {
	if w.Dynamic {
		return ""
	}
	name, _, _ := strings.Cut(w.Value, ":")
	return name
}

// downloads: the command downloads packages, which a cache mount would
// keep. Not a script runner (npm run build), not offline (cargo build
// --offline), not with the manager's cache turned off (pip
// --no-cache-dir, apk add --no-cache: it would not use a mount either),
// not a build whose dependencies an earlier step of the stage already
// put in the layer (dotnet publish after dotnet restore), and not an apt
// command that cannot download: an upgrade nothing answers yes to, or one
// with no package index to read (see findsNoIndex); nor a system install
// of packages an earlier RUN installed from the same index.
func downloads(st *dockerfile.BuildState, in *dockerfile.Instruction, inv pkgmgr.Invocation, x dockerfile.InstState, facts *cacheFacts) bool {
	switch {
	case inv.Fetch == pkgmgr.FetchNone, cacheOff(inv, x), upgradeAborts(st, in, inv, x, facts.yes), installedEarlier(st, in, inv):
		return false
	case inv.Manager.Name == "apt" && findsNoIndex(st, in, inv, facts.lists):
		return false
	case inv.Fetch == pkgmgr.FetchMissing:
		return !fetchedBefore(st, in, inv.Manager)
	}
	return true
}

// cacheOff: a flag on the command or a variable in scope turns the
// manager's cache off.
func cacheOff(inv pkgmgr.Invocation, x dockerfile.InstState) bool {
	if inv.NoCache() {
		return true
	}
	for _, name := range inv.Manager.NoCacheEnv {
		if sv, ok := x.Lookup(name); ok && sv.Known && pkgmgr.Truthy(sv.Value) {
			return true
		}
	}
	return false
}

// fetchedBefore: an earlier RUN of the stage (or of those it builds FROM)
// downloaded with m into the layer, without a cache mount of m's cache,
// or a COPY filled that cache (COPY --from=deps /root/.cargo /root/.cargo).
func fetchedBefore(st *dockerfile.BuildState, in *dockerfile.Instruction, m *pkgmgr.Manager) bool {
	found := false
	eachEarlier(st, in, func(e *dockerfile.Instruction) bool {
		if e.Keyword == "COPY" || e.Keyword == "ADD" {
			found = len(e.Args) > 1 && fillsCache(path.Clean(e.Args[len(e.Args)-1].Value), m.Caches)
			return !found
		}
		if e.Keyword != "RUN" || coversCatalogCache(cacheMountTargets(mounts(st, e)), m.Caches) {
			return true
		}
		found = slices.ContainsFunc(invocations(st, e), func(inv pkgmgr.Invocation) bool {
			return inv.Manager == m && inv.Fetch != pkgmgr.FetchNone
		})
		return !found
	})
	return found
}

// fillsCache: a COPY to dest puts files in one of the caches (or is the
// cache folder: /root/.cargo for .cargo/registry).
func fillsCache(dest string, caches []pkgmgr.Cache) bool {
	for _, c := range caches {
		if c.Path != "" && under(dest, c.Path) {
			return true
		}
		if top, _, _ := strings.Cut(c.Home, "/"); c.Home != "" && (strings.HasSuffix(dest, "/"+c.Home) || strings.HasSuffix(dest, "/"+top)) {
			return true
		}
	}
	return false
}

// otherMajor: the RUN or an earlier instruction of its stages mentions
// a major version of m whose caches the catalog does not describe (yarn
// set version, .yarnrc.yml).
func otherMajor(st *dockerfile.BuildState, in *dockerfile.Instruction, m *pkgmgr.Manager) bool {
	if len(m.OtherMajor) == 0 {
		return false
	}
	doc := st.Document()
	mentions := func(e *dockerfile.Instruction) bool {
		text := doc.Slice(e.Span)
		return slices.ContainsFunc(m.OtherMajor, func(s string) bool { return strings.Contains(text, s) })
	}
	found := mentions(in)
	eachEarlier(st, in, func(e *dockerfile.Instruction) bool {
		found = found || mentions(e)
		return !found
	})
	return found
}

// packagedTooOld: the manager came from the system's packages (pip from
// python3-pip) on an image whose release packages a version without the
// catalog's caches and flags (pip 1.5 on Ubuntu 14.04: no cache, no
// --no-cache-dir), or whose release the catalog cannot tell; and nothing
// upgraded it since (pip install -U pip, get-pip.py).
func packagedTooOld(st *dockerfile.BuildState, in *dockerfile.Instruction, inv pkgmgr.Invocation) bool {
	d := inv.Manager.Distro
	if d == nil {
		return false
	}
	packaged := false
	seen := false
	decide := func(e *dockerfile.Instruction, until shell.Command) bool {
		cmds := commands(st, e)
		for i := len(cmds) - 1; i >= 0; i-- {
			c := cmds[i]
			if until.Start >= 0 && c.Start >= until.Start {
				continue
			}
			switch distroEvent(c, inv.Manager, d) {
			case "upgrade":
				return true
			case "package":
				packaged = true
				return true
			}
		}
		return false
	}
	if seen = decide(in, inv.Command); !seen {
		eachEarlier(st, in, func(e *dockerfile.Instruction) bool {
			seen = e.Keyword == "RUN" && decide(e, shell.Command{Start: -1})
			return !seen
		})
	}
	if !packaged {
		return false
	}
	img := runImage(st, in)
	return img.MatchesAny(d.TooOld) || !img.MatchesAny(d.Known)
}

// distroEvent says whether c installs m from the system's packages
// ("package") or upgrades it ("upgrade"), else "".
func distroEvent(c shell.Command, m *pkgmgr.Manager, d *pkgmgr.Distro) string {
	for _, w := range c.Args {
		if strings.Contains(w.Value, "get-pip") || w.Value == "ensurepip" {
			return "upgrade"
		}
	}
	inv, ok := pkgmgr.Classify(c)
	switch {
	case c.Name() == "easy_install" && slices.ContainsFunc(c.Args[1:], func(w shell.Word) bool { return w.Value == m.Name }):
		return "upgrade"
	case !ok || inv.Action != pkgmgr.Install:
		return ""
	case inv.Manager == m && slices.ContainsFunc(inv.Packages, func(p string) bool { return pkgArgName(p) == m.Name }):
		return "upgrade"
	case inv.Manager.Name == d.Manager && slices.ContainsFunc(inv.Packages, func(p string) bool { return slices.Contains(d.Packages, pkgArgName(p)) }):
		return "package"
	}
	return ""
}

// pkgArgName is a package argument without its version or extras
// ("pip==20.0" → "pip", "python3-pip=9.0*" → "python3-pip").
func pkgArgName(arg string) string {
	if i := strings.IndexAny(arg, "=<>![~ "); i >= 0 {
		return arg[:i]
	}
	return arg
}

// upgradeAborts: an apt upgrade that nothing answers yes to (no -y, no
// piped input, no configuration or image that says yes): apt asks before
// it downloads whenever it has anything to upgrade, and a build answers
// no, so it downloads nothing (MissingYesFlag reports the abort).
func upgradeAborts(st *dockerfile.BuildState, in *dockerfile.Instruction, inv pkgmgr.Invocation, x dockerfile.InstState, yes *lazyFirst) bool {
	if inv.Manager.Name != "apt" || inv.Action != pkgmgr.Install || len(inv.Packages) > 0 || inv.Command.Op == "|" ||
		len(inv.Sub) == 0 || !strings.Contains(inv.Sub[0], "upgrade") {
		return false
	}
	answered, known := yesSpecs["apt"].answers(x, inv)
	return !answered && known && !yesImage(st, in) && !yes.before(in, true)
}

// lazyFirst is where pred first holds in each stage, worked out once per
// analysis and only when asked (the predicates read every RUN's script).
type lazyFirst struct {
	st    *dockerfile.BuildState
	pred  func(*dockerfile.Instruction) bool
	first firstRuns
}

// before: pred holds for an instruction before in, in its stages (or for
// in itself, with self).
func (l *lazyFirst) before(in *dockerfile.Instruction, self bool) bool {
	if l.first == nil {
		l.first = firstWhere(l.st.Document(), l.pred)
	}
	return l.first.before(l.st, in, self)
}

// cacheFacts are what the cache-mount rule works out once per analysis,
// when a finding first asks.
type cacheFacts struct {
	yes    *lazyFirst // a RUN or COPY configures the managers to answer yes
	lists  *lazyFirst // apt's lists may be there (see findsNoIndex)
	copies *stageCopies
}

func newCacheFacts(st *dockerfile.BuildState) *cacheFacts {
	doc := st.Document()
	return &cacheFacts{
		yes: &lazyFirst{st: st, pred: func(e *dockerfile.Instruction) bool {
			return e.Keyword == "RUN" && writesAssumeYes(doc, e) || copiesManagerConfig(st, e)
		}},
		lists: &lazyFirst{st: st, pred: func(e *dockerfile.Instruction) bool {
			return e.Keyword == "RUN" && mayFetchLists(st, e, -1) || e.Keyword == "COPY" || e.Keyword == "ADD"
		}},
		copies: &stageCopies{st: st},
	}
}

// listlessImages ship no apt package lists: Debian's and Ubuntu's own
// images, and the official images built on them, which remove the lists
// they used.
var listlessImages = []string{
	"debian", "ubuntu", "buildpack-deps", "python", "node", "golang", "ruby", "php", "perl", "rust", "openjdk",
	"eclipse-temurin", "maven", "gradle", "gcc", "r-base", "julia", "haskell", "elixir", "erlang", "swift",
}

// findsNoIndex: an apt command on a listless image with nothing before it
// in its stages that may have fetched the lists (lists: apt-get update, a
// script the rule cannot read, add-apt-repository, or a COPY or ADD): an
// install fails to find its packages and an upgrade has nothing to do.
func findsNoIndex(st *dockerfile.BuildState, in *dockerfile.Instruction, inv pkgmgr.Invocation, lists *lazyFirst) bool {
	return runImage(st, in).MatchesAny(listlessImages) && !mayFetchLists(st, in, inv.Command.Start) && !lists.before(in, false)
}

// mayFetchLists: a command of RUN e (before offset end, when not -1) may
// have fetched apt's lists.
func mayFetchLists(st *dockerfile.BuildState, e *dockerfile.Instruction, end int) bool {
	before := func(c shell.Command) bool { return end < 0 || c.Start < end }
	return slices.ContainsFunc(invocations(st, e), func(inv pkgmgr.Invocation) bool {
		return before(inv.Command) && inv.Manager.Name == "apt" && inv.Action == pkgmgr.Update
	}) || slices.ContainsFunc(commands(st, e), func(c shell.Command) bool { return before(c) && mayAddRepository(c) })
}

// mayAddRepository: a script the rule cannot read, a shell, or
// add-apt-repository, which may add a package repository and fetch its
// index (NodeSource's curl … | bash -).
func mayAddRepository(c shell.Command) bool {
	return opaqueScript(c) || shell.IsPOSIX([]string{c.Name()}) || c.Name() == "add-apt-repository"
}

// installedEarlier: a system install whose every package an earlier RUN
// of its stages installed, with no index refreshed since (in this RUN
// before it, or in a RUN after that install): the packages are there, at
// the version the index offers, so nothing is fetched.
func installedEarlier(st *dockerfile.BuildState, in *dockerfile.Instruction, inv pkgmgr.Invocation) bool {
	if !inv.Manager.System || inv.Action != pkgmgr.Install || len(inv.Packages) == 0 || inv.HasFlag(inv.Manager.RefreshFlags...) ||
		refreshes(st, in, inv.Manager, inv.Command.Start) {
		return false
	}
	left := map[string]bool{}
	for _, p := range inv.Packages {
		if strings.ContainsAny(p, "$`") {
			return false
		}
		left[packageName(p)] = true
	}
	removed := false
	eachEarlier(st, in, func(e *dockerfile.Instruction) bool {
		if e.Keyword != "RUN" {
			return true
		}
		removed = !settle(st, e, inv.Manager, left)
		return !removed && len(left) > 0 && !refreshes(st, e, inv.Manager, -1)
	})
	return !removed && len(left) == 0
}

// settle reads a RUN's commands of m from the last: an install settles
// the packages of left it names (they are there after it), unless its
// failure is tolerated (`apt-get install … || true`); false when a removal
// comes first: it may have taken them, or packages they need, away.
func settle(st *dockerfile.BuildState, e *dockerfile.Instruction, m *pkgmgr.Manager, left map[string]bool) bool {
	invs := invocations(st, e)
	cmds := commands(st, e)
	for k := len(invs) - 1; k >= 0 && len(left) > 0; k-- {
		switch prev := invs[k]; {
		case prev.Manager != m:
		case prev.Action == pkgmgr.Remove:
			return false
		case prev.Action == pkgmgr.Install && !tolerated(cmds, prev.Command):
			for _, p := range prev.Packages {
				delete(left, packageName(p))
			}
		}
	}
	return true
}

// tolerated: the command's failure is ignored (the command after it runs
// after ||).
func tolerated(cmds []shell.Command, c shell.Command) bool {
	i := slices.IndexFunc(cmds, func(x shell.Command) bool { return sameCommand(x, c) })
	return i >= 0 && i+1 < len(cmds) && cmds[i+1].Op == "||"
}

// refreshes: a command of RUN e (before offset end, when not -1) may
// refresh m's index: an update, an install with a refresh flag (apk add
// -U), or a script the rule cannot read or a repository setup, which may
// add a repository with newer versions (NodeSource's curl … | bash -).
func refreshes(st *dockerfile.BuildState, e *dockerfile.Instruction, m *pkgmgr.Manager, end int) bool {
	before := func(c shell.Command) bool { return end < 0 || c.Start < end }
	return slices.ContainsFunc(invocations(st, e), func(inv pkgmgr.Invocation) bool {
		return before(inv.Command) && inv.Manager == m && (inv.Action == pkgmgr.Update || inv.Action == pkgmgr.Install && inv.HasFlag(m.RefreshFlags...))
	}) || slices.ContainsFunc(commands(st, e), func(c shell.Command) bool { return before(c) && mayAddRepository(c) })
}

// stopsRun: inv is an apt install that fails (findsNoIndex) with the
// commands after it joined by &&: the rest of the RUN never runs.
func stopsRun(st *dockerfile.BuildState, in *dockerfile.Instruction, inv pkgmgr.Invocation, lists *lazyFirst) bool {
	if inv.Manager == nil || inv.Manager.Name != "apt" || inv.Action != pkgmgr.Install || len(inv.Packages) == 0 || inv.Command.AfterOr {
		return false
	}
	cmds := commands(st, in)
	i := slices.IndexFunc(cmds, func(c shell.Command) bool { return sameCommand(c, inv.Command) })
	return i >= 0 && i+1 < len(cmds) && cmds[i+1].Op == "&&" && findsNoIndex(st, in, inv, lists)
}

// copiedOut: a later stage copies one of m's caches from this RUN's
// stage (COPY --from=deps /root/.cargo /root/.cargo) and then runs m: the
// stage fills the cache for that run, which a cache mount would leave
// without it (a copy of a folder that only holds the cache, with nothing
// run on it, loses nothing).
func copiedOut(in *dockerfile.Instruction, m *pkgmgr.Manager, locs []cacheLoc, copies *stageCopies) bool {
	for _, c := range copies.from(in.Stage) {
		if c.runs[m] && slices.ContainsFunc(c.sources, func(src string) bool { return coversLocationDir(src, locs) }) {
			return true
		}
	}
	return false
}

// stageCopy is a COPY --from of a stage: its sources, and the managers
// the receiving stage runs after it.
type stageCopy struct {
	sources []string
	runs    map[*pkgmgr.Manager]bool
}

// stageCopies are the file's COPY --from of stages, by the stages they
// read (the named one and those it is built FROM), found once per
// analysis and only when a cache-mount finding asks.
type stageCopies struct {
	st   *dockerfile.BuildState
	byOf map[int][]stageCopy
}

func (sc *stageCopies) from(stage int) []stageCopy {
	if sc.byOf == nil {
		sc.byOf = map[int][]stageCopy{}
		for _, later := range sc.st.Document().Stages {
			sc.read(later)
		}
	}
	return sc.byOf[stage]
}

// read records the copies of one stage, reading it from the end so that
// each copy learns which managers run after it.
func (sc *stageCopies) read(later *dockerfile.Stage) {
	runs := map[*pkgmgr.Manager]bool{}
	doc := sc.st.Document()
	for i := len(later.Instructions) - 1; i >= 0; i-- {
		e := later.Instructions[i]
		if e.Keyword == "RUN" {
			runs = maps.Clone(runs)
			for _, inv := range invocations(sc.st, e) {
				runs[inv.Manager] = true
			}
			continue
		}
		src := copySource(doc, e, later.Index)
		if src == nil || len(e.Args) < 2 {
			continue
		}
		c := stageCopy{runs: runs}
		for _, w := range e.Args[:len(e.Args)-1] {
			c.sources = append(c.sources, path.Clean(w.Value))
		}
		for _, s := range stageChain(sc.st, src) {
			sc.byOf[s.Index] = append(sc.byOf[s.Index], c)
		}
	}
}

// copySource is the stage a COPY or ADD --from names, if any.
func copySource(doc *dockerfile.Document, e *dockerfile.Instruction, at int) *dockerfile.Stage {
	if e.Keyword != "COPY" && e.Keyword != "ADD" {
		return nil
	}
	for _, f := range e.Flags {
		if f.Name == "from" {
			return doc.StageRef(f.Value, at)
		}
	}
	return nil
}

// coversLocationDir: src is one of the caches' directories, or above or
// below it.
func coversLocationDir(src string, locs []cacheLoc) bool {
	return strings.HasPrefix(src, "/") && coversLocation([]string{src}, locs)
}
