package diagnostics

import (
	"fmt"
	"path"
	"strconv"
	"strings"

	"github.com/dockerfile-ls/dockerfile-ls/cache"
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
	for inst := range shippedRuns(p.Doc) {
		for _, inv := range invocations(p.Doc, inst) {
			m := inv.Manager
			if inv.Action != pkgmgr.Install || listsManager(m) || (len(m.Caches) == 0 && len(m.CleanPaths) == 0) {
				continue
			}
			dirs := cacheDirs(inv, envAt(p.Doc, inst))
			if len(dirs) == 0 || cacheKeptOut(p.Doc, inst, inv, dirs) {
				continue
			}
			// One finding per install command, so that each fix (a flag
			// on that command) removes one.
			p.Report(cmdSpan(inst, inv.Command), cacheMessage(inv, dirs), nil, cacheFix(p.Doc, inst, inv, dirs))
		}
	}
}

// cacheDirs are where the manager keeps its cache and index for this run.
// CleanPaths come first: they are what a cleanup removes (apk's index in
// /var/cache/apk), while Caches are where a cache mount goes.
func cacheDirs(inv pkgmgr.Invocation, env envLookup) []string {
	return append(append([]string{}, inv.Manager.CleanPaths...), managerCacheDirs(inv, env)...)
}

// cacheKeptOut: a flag or variable keeps the cache out of the layer, a
// cache or tmpfs mount holds it, or a later command of the same RUN cleans
// it.
func cacheKeptOut(doc *dockerfile.Document, inst *dockerfile.Instruction, inv pkgmgr.Invocation, dirs []string) bool {
	m := inv.Manager
	if inv.NoCache() {
		return true
	}
	for _, name := range m.NoCacheEnv {
		if v, ok := envValue(doc, inst, name); ok && pkgmgr.Truthy(v) {
			return true
		}
	}
	for _, d := range dirs {
		if scratchMounted(inst, d) {
			return true
		}
	}
	for _, mt := range cache.Mounts(inst) {
		if t := mountTarget(mt); (mt["type"] == "cache" || mt["type"] == "tmpfs") && inHomeCache(m, t) {
			return true // another user's home: /home/app/.cache/pip
		}
	}
	wd := workdirAt(doc, inst)
	for c := range commandsAfter(doc, inst, inv.Command) {
		if later, ok := pkgmgr.Classify(c); ok && later.Manager != nil && later.Manager.Name == m.Name && later.Action == pkgmgr.Clean {
			return true
		}
		if removesAny(c, wd, dirs) {
			return true
		}
		for _, t := range removedPaths(c, wd) {
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

func cacheMessage(inv pkgmgr.Invocation, dirs []string) string {
	m := inv.Manager
	mount := dirs[0]
	for _, c := range m.Caches {
		if c.Path != "" {
			mount = c.Path
			break
		}
	}
	var ways []string
	if len(m.NoCacheFlags) > 0 {
		ways = append(ways, "add "+m.NoCacheFlags[0])
	}
	if len(m.NoCacheEnv) > 0 {
		ways = append(ways, "set "+m.NoCacheEnv[0]+"=1")
	}
	ways = append(ways, "clean it at the end of the same RUN (`rm -rf "+dirs[0]+"` or the manager's own clean command)",
		"mount a cache: `RUN --mount=type=cache,target="+mount+" …`")
	return fmt.Sprintf("%s keeps %s's download cache (%s) in this layer: %s.",
		cmdText(inv.Command), m.Name, strings.Join(dirs, ", "), joinOr(ways))
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

func cacheFix(doc *dockerfile.Document, inst *dockerfile.Instruction, inv pkgmgr.Invocation, dirs []string) *FixData {
	m := inv.Manager
	if len(m.NoCacheFlags) > 0 && inv.SubEnd >= 0 && inv.Command.Start >= 0 {
		return &FixData{Kind: "add-no-cache-dir", Args: map[string]string{
			"offset": strconv.Itoa(inst.ArgsSpan.Start + inv.SubEnd),
			"flag":   m.NoCacheFlags[0],
		}}
	}
	if last, ok := lastTopCommand(doc, inst); ok {
		return &FixData{Kind: "add-cache-clean", Args: map[string]string{
			"offset": strconv.Itoa(inst.ArgsSpan.Start + last.End),
			"text":   " && rm -rf " + dirs[0],
		}}
	}
	return nil
}
