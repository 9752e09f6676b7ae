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
		for _, inv := range invocations(st, inst) {
			m := inv.Manager
			if inv.Action != pkgmgr.Install || listsManager(m) || (len(m.Caches) == 0 && len(m.CleanPaths) == 0) || inv.NoCache() {
				continue
			}
			pl := lazy.get()
			kept := keptCache{inv: inv, locs: cacheLocations(inv, scopeLookup(pl.x), pl.user), user: pl.user}
			kept.dirs, kept.known = knownDirs(kept.locs)
			kept.dirs = append(append([]string{}, m.CleanPaths...), kept.dirs...)
			if (len(kept.locs) == 0 && len(kept.dirs) == 0) || cacheKeptOut(st, pl, inv, kept.dirs) {
				continue
			}
			// One finding per install command, so that each fix (a flag
			// on that command) removes one.
			p.Report(cmdSpan(inst, inv.Command), kept.message(), nil, kept.fix(st, inst))
		}
	}
}

// keptCache is a manager's cache an install leaves in its layer.
type keptCache struct {
	inv  pkgmgr.Invocation
	locs []cacheLoc
	user dockerfile.User
	// dirs are the manager's CleanPaths and the known cache directories;
	// known says whether every cache directory is known.
	dirs  []string
	known bool
}

// cacheKeptOut: a variable keeps the cache out of the layer (the
// command's flags are checked before), a cache or tmpfs mount holds it,
// or a later command of the same RUN cleans it.
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
		if later, ok := pkgmgr.Classify(c); ok && later.Manager != nil && later.Manager.Name == m.Name && later.Action == pkgmgr.Clean {
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
	shown := slices.Clone(m.CleanPaths)
	clean := ""
	for _, l := range k.locs {
		shown = append(shown, l.shown)
	}
	if len(k.dirs) > 0 {
		clean = k.dirs[0]
	} else {
		clean = shown[0]
	}
	where := strings.Join(shown, ", ")
	if !k.known && slices.ContainsFunc(k.locs, func(l cacheLoc) bool { return strings.HasPrefix(l.shown, "~/") }) {
		where += ", in the home of user " + k.user.Name
	}
	var ways []string
	if len(m.NoCacheFlags) > 0 {
		ways = append(ways, "add "+m.NoCacheFlags[0])
	}
	if len(m.NoCacheEnv) > 0 {
		ways = append(ways, "set "+m.NoCacheEnv[0]+"=1")
	}
	ways = append(ways, "clean it at the end of the same RUN (`rm -rf "+clean+"` or the manager's own clean command)")
	if len(k.locs) > 0 {
		ways = append(ways, "mount a cache: `RUN --mount="+mountExample(m, k.locs, k.user)+" …`")
	}
	return fmt.Sprintf("%s keeps %s's download cache (%s) in this layer: %s.",
		cmdText(k.inv.Command), m.Name, where, joinOr(ways))
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
	m, inv := k.inv.Manager, k.inv
	if len(m.NoCacheFlags) > 0 && inv.SubEnd >= 0 && inv.Command.Start >= 0 {
		return &FixData{Kind: AddNoCacheDir, Args: map[string]string{
			"offset": strconv.Itoa(inst.ArgsSpan.Start + inv.SubEnd),
			"flag":   m.NoCacheFlags[0],
		}}
	}
	if !k.known || len(k.dirs) == 0 {
		return nil
	}
	if last, ok := lastTopCommand(st, inst); ok {
		return &FixData{Kind: AddCacheClean, Args: map[string]string{
			"offset": strconv.Itoa(inst.ArgsSpan.Start + last.End),
			"text":   " && rm -rf " + k.dirs[0],
		}}
	}
	return nil
}
