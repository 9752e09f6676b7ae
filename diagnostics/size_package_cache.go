package diagnostics

import (
	"fmt"
	"path"
	"slices"
	"strconv"
	"strings"

	"github.com/dockerfile-ls/dockerfile-ls/dockerfile"
	"github.com/dockerfile-ls/dockerfile-ls/pkgmgr"
)

var packageCacheInLayer = &Rule{
	Name: "PackageCacheInLayer", Category: Size, Severity: Info,
	Summary: "a package install keeps the manager's download cache in the layer (pip without --no-cache-dir, apk without --no-cache, npm without a cache clean, dnf without clean all, …)",
	DocsURL: DocsBase + "PackageCacheInLayer.md",
	Check:   checkPackageCacheInLayer,
}

// Everything here comes from the package-manager catalog: a manager's
// cache directories (Caches, CleanPaths), the flags and variables that
// keep the cache out (NoCacheFlags, NoCacheEnv) and its clean commands
// (actions of kind clean). Managers whose leftovers are index lists with
// no flag to avoid them (apt) are AptListsNotRemoved's.

func checkPackageCacheInLayer(p *Pass) {
	st := p.state()
	for inst := range shippedRuns(p.Doc) {
		lazy := lazyPlace{st: st, in: inst}
		invs := invocations(st, inst)
		for k, inv := range invs {
			m := inv.Manager
			if inv.Action != pkgmgr.Install || listsManager(m) || inv.Fetch == pkgmgr.FetchNone || (len(m.Caches) == 0 && len(m.CleanPaths) == 0) {
				continue
			}
			updated := updatedBefore(invs[:k], m)
			if inv.NoCache() && !updated {
				continue
			}
			pl := lazy.get()
			u := commandUser(inv.Command, pl.user)
			kept := keptCache{inv: inv, locs: keptLocations(inv, scopeLookup(pl.x), u, runImage(st, inst)), user: u, updated: updated}
			kept.dirs, kept.known = knownDirs(kept.locs)
			if indexKept(st, inst, inv, updated) {
				kept.index = m.CleanPaths
			}
			if (len(kept.locs) == 0 && len(kept.index) == 0) || packagedTooOld(st, inst, inv) || cacheKeptOut(st, pl, inv, kept.all()) {
				continue
			}
			// One finding per install command, so that each fix (a flag
			// on that command) removes one.
			p.Report(cmdSpan(inst, inv.Command), kept.message(), nil, kept.fix(st, inst))
		}
	}
}

// keptLocations are the caches an install fills without a cache mount:
// not those the manager uses only when they exist (apk's /etc/apk/cache).
func keptLocations(inv pkgmgr.Invocation, env envLookup, u dockerfile.User, img *pkgmgr.Image) []cacheLoc {
	return slices.DeleteFunc(cacheLocations(inv, env, u, img), func(l cacheLoc) bool { return l.cache.OptIn })
}

// updatedBefore: an earlier command of the RUN refreshes m's index (apk
// update): it writes the index whatever flags the install has.
func updatedBefore(before []pkgmgr.Invocation, m *pkgmgr.Manager) bool {
	return slices.ContainsFunc(before, func(inv pkgmgr.Invocation) bool { return inv.Manager == m && inv.Action == pkgmgr.Update })
}

// indexKept: the RUN writes the manager's index (its CleanPaths) into the
// layer. A manager that refreshes its index when told (apk: apk update,
// add -U) otherwise fetches it only when no layer below holds one (the
// Alpine images hold none): after an earlier RUN left it, this layer adds
// none.
func indexKept(st *dockerfile.BuildState, inst *dockerfile.Instruction, inv pkgmgr.Invocation, updated bool) bool {
	m := inv.Manager
	switch {
	case len(m.RefreshFlags) == 0 || updated || (inv.HasFlag(m.RefreshFlags...) && !inv.NoCache()):
		return true
	case inv.NoCache():
		return false
	}
	return !indexBelow(st, inst, m)
}

// indexBelow: an earlier RUN of the stage chain wrote m's index (an
// update, or an install without the no-cache flag) and left it there.
func indexBelow(st *dockerfile.BuildState, inst *dockerfile.Instruction, m *pkgmgr.Manager) bool {
	found := false
	eachEarlier(st, inst, func(e *dockerfile.Instruction) bool {
		if e.Keyword != "RUN" {
			return true
		}
		for _, inv := range invocations(st, e) {
			writes := inv.Manager == m && (inv.Action == pkgmgr.Update || inv.Action == pkgmgr.Install && !inv.NoCache())
			found = found || writes && !indexRemoved(st, e, inv, m)
		}
		return !found
	})
	return found
}

// indexRemoved: after inv, its RUN removes m's index, or mounts a cache
// or tmpfs over it.
func indexRemoved(st *dockerfile.BuildState, run *dockerfile.Instruction, inv pkgmgr.Invocation, m *pkgmgr.Manager) bool {
	for _, d := range m.CleanPaths {
		if scratchMounted(st, run, d) {
			return true
		}
	}
	pl := &lazyPlace{st: st, in: run}
	for c := range commandsAfter(st, run, inv.Command) {
		if removesAny(c, pl, m.CleanPaths) {
			return true
		}
	}
	return false
}

// keptCache is a manager's cache an install leaves in its layer.
type keptCache struct {
	inv  pkgmgr.Invocation
	locs []cacheLoc
	user dockerfile.User
	// index are the manager's CleanPaths when the RUN writes them (apk's
	// index in /var/cache/apk); dirs the known cache directories, and
	// known whether every one is known.
	index []string
	dirs  []string
	known bool
	// updated: an earlier command of the RUN refreshed the index, which a
	// no-cache flag on the install does not keep out.
	updated bool
}

// all are the index and cache directories.
func (k keptCache) all() []string { return append(slices.Clone(k.index), k.dirs...) }

// cacheKeptOut: a variable keeps the cache out of the layer (the
// command's flags are checked before), a cache or tmpfs mount holds it,
// or a later command of the same RUN cleans it: the manager's command
// that empties its cache (not mvn clean, which removes build output), or
// an rm of it.
func cacheKeptOut(st *dockerfile.BuildState, pl place, inv pkgmgr.Invocation, dirs []string) bool {
	m := inv.Manager
	for _, name := range m.NoCacheEnv {
		if sv, ok := pl.x.Lookup(name); ok && sv.Known && pkgmgr.Truthy(sv.Value) {
			return true
		}
	}
	for _, d := range dirs {
		if scratchMounted(st, pl.x.Instruction(), d) {
			return true
		}
	}
	for _, t := range scratch(st, pl.x.Instruction()).targets {
		if inHomeCache(m, t) {
			return true // another user's home: /home/app/.cache/pip
		}
	}
	lazy := placed(pl)
	for c := range commandsAfter(st, pl.x.Instruction(), inv.Command) {
		if later, ok := pkgmgr.Classify(c); ok && later.Manager != nil && later.Manager.Name == m.Name && later.Action == pkgmgr.Clean && later.EmptiesCache {
			return true
		}
		if removesAny(c, lazy, dirs) {
			return true
		}
		for _, t := range removedPaths(c, lazy) {
			if m.CleansPath(t) || inHomeCache(m, trimGlobs(t)) {
				return true
			}
		}
	}
	return false
}

// inHomeCache: dir is one of the manager's home caches (or a parent of
// it) in some user's home directory: "/home/app/.cache" for pip's
// ".cache/pip".
func inHomeCache(m *pkgmgr.Manager, dir string) bool {
	for _, c := range m.Caches {
		for suffix := c.Home; suffix != "." && suffix != "" && suffix != "/"; suffix = path.Dir(suffix) {
			if prefix, ok := strings.CutSuffix(dir, "/"+suffix); ok && strings.Count(prefix, "/") >= 1 && prefix != "" {
				return true
			}
		}
	}
	return false
}

// message names where the cache is and the ways to keep it out; a cache
// in a home that cannot be known is named from that home ("~/.npm").
func (k keptCache) message() string {
	m := k.inv.Manager
	shown := slices.Clone(k.index)
	for _, l := range k.locs {
		shown = append(shown, l.shown)
	}
	where := strings.Join(shown, ", ")
	if !k.known && slices.ContainsFunc(k.locs, func(l cacheLoc) bool { return strings.HasPrefix(l.shown, "~/") }) {
		where += ", in the home of user " + k.user.Name
	}
	what := "download cache"
	switch {
	case len(k.locs) == 0:
		what = "package index"
	case !downloadsKept(k.locs):
		what = "build cache"
	}
	var ways []string
	if k.flagHelps() {
		ways = append(ways, "add "+m.NoCacheFlags[0])
	}
	if len(m.NoCacheEnv) > 0 {
		ways = append(ways, "set "+m.NoCacheEnv[0]+"=1")
	}
	ways = append(ways, "clean it at the end of the same RUN (`rm -rf "+k.cleanTarget(shown[0])+"` or the manager's own clean command)")
	if locs := mountable(k.locs); len(locs) > 0 {
		ways = append(ways, "mount a cache: `RUN --mount="+mountExample(m, locs, k.user)+" …`")
	}
	return fmt.Sprintf("%s keeps %s's %s (%s) in this layer: %s.",
		cmdText(k.inv.Command), m.Name, what, where, joinOr(ways))
}

// flagHelps: the manager's no-cache flag on the install keeps it all out
// (not when an earlier command of the RUN wrote the index).
func (k keptCache) flagHelps() bool {
	return len(k.inv.Manager.NoCacheFlags) > 0 && !k.updated && !k.inv.NoCache()
}

// cleanTarget is what `rm -rf` removes: the index's content (apk needs
// the folder), else the first cache folder; shown when none is known.
func (k keptCache) cleanTarget(shown string) string {
	switch {
	case len(k.index) > 0:
		return strings.TrimSuffix(k.index[0], "/") + "/*"
	case len(k.dirs) > 0:
		return k.dirs[0]
	}
	return shown
}

func joinOr(ways []string) string {
	switch len(ways) {
	case 0:
		return ""
	case 1:
		return ways[0]
	case 2:
		return ways[0] + " or " + ways[1]
	}
	return strings.Join(ways[:len(ways)-1], ", ") + ", or " + ways[len(ways)-1]
}

// fix adds the manager's no-cache flag, else removes the cache at the end
// of the RUN: only when every place of it is known.
func (k keptCache) fix(st *dockerfile.BuildState, inst *dockerfile.Instruction) *FixData {
	inv := k.inv
	if k.flagHelps() && inv.SubEnd >= 0 && inv.Command.Start >= 0 {
		return &FixData{Kind: AddNoCacheDir, Args: map[string]string{
			"offset": strconv.Itoa(inst.ArgsSpan.Start + inv.SubEnd),
			"flag":   inv.Manager.NoCacheFlags[0],
		}}
	}
	last, ok := lastTopCommand(st, inst)
	switch {
	case slices.ContainsFunc(k.locs, func(l cacheLoc) bool { return l.elsewhere }):
		return &FixData{Kind: AddCacheClean, Refused: fmt.Sprintf("where this image keeps %s's cache only the shell can tell (%s)", inv.Manager.Name, k.locs[0].shown)}
	case !k.known:
		return &FixData{Kind: AddCacheClean, Refused: fmt.Sprintf("the home of user %s, where the cache is, is unknown", k.user.Name)}
	case !ok:
		return &FixData{Kind: AddCacheClean, Refused: "the RUN does not end in a plain command after which a clean-up would run"}
	}
	return &FixData{Kind: AddCacheClean, Args: map[string]string{
		"offset": strconv.Itoa(inst.ArgsSpan.Start + last.End),
		"text":   " && rm -rf " + k.cleanTarget(""),
	}}
}
