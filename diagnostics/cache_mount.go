package diagnostics

import (
	"fmt"
	"path"
	"strings"

	"github.com/dockerfile-ls/dockerfile-ls/dockerfile"
	"github.com/dockerfile-ls/dockerfile-ls/pkgmgr"
)

var installWithoutCacheMount = &Rule{
	Name: "InstallWithoutCacheMount", Category: Cache, Severity: Hint,
	Summary: "a package-manager install without a cache mount downloads everything again whenever the step re-runs",
	DocsURL: DocsBase + "InstallWithoutCacheMount.md",
	Check:   checkInstallWithoutCacheMount,
}

// checkInstallWithoutCacheMount reports installs whose manager has a cache
// directory that no --mount=type=cache of the RUN covers. The mount it
// suggests is where the manager keeps its cache for the RUN's user; the
// fix is offered only when that place and the user's uid are known.
func checkInstallWithoutCacheMount(p *Pass) {
	st := p.state()
	for _, inst := range p.Doc.Instructions {
		if inst.Keyword != "RUN" {
			continue
		}
		invs := allInvocations(st, inst)
		if len(invs) == 0 {
			continue
		}
		targets := cacheMountTargets(mounts(st, inst))
		lazy := lazyPlace{st: st, in: inst}
		reported := map[string]bool{}
		for _, inv := range invs {
			m := inv.Manager
			if m == nil || reported[m.Name] || len(m.Caches) == 0 || !isFetching(inv) || coversCatalogCache(targets, m.Caches) {
				continue
			}
			pl := lazy.get()
			locs := cacheLocations(inv, scopeLookup(pl.x), pl.user)
			if len(locs) == 0 || coversLocation(targets, locs) {
				continue
			}
			reported[m.Name] = true
			var fix *FixData
			if flags, ok := cacheMounts(m, locs, pl.user); ok {
				fix = &FixData{Kind: AddCacheMount, Args: map[string]string{"manager": m.Name, "mounts": strings.Join(flags, " ")}}
			}
			p.Report(inst.KeywordSpan, fmt.Sprintf(
				"Every re-run of this step downloads all %s packages again. A cache mount (RUN --mount=%s) keeps them between builds, outside the image.",
				m.Name, mountExample(m, locs, pl.user)), nil, fix)
		}
	}
}

// isFetching: the actions that download packages.
func isFetching(inv pkgmgr.Invocation) bool {
	switch inv.Action {
	case pkgmgr.Install, pkgmgr.Download, pkgmgr.Build:
		return true
	}
	return false
}

// cacheMountTargets are the targets of the cache mounts.
func cacheMountTargets(ms []dockerfile.Mount) []string {
	var out []string
	for _, m := range ms {
		if m.Type == "cache" && m.Target != "" {
			out = append(out, path.Clean(m.Target))
		}
	}
	return out
}

// coversCatalogCache: a mount at one of the catalog's cache directories,
// below it or above it counts (a manager whose cache lives under a user's
// home is covered by a mount of that home's cache directory).
func coversCatalogCache(mounts []string, caches []pkgmgr.Cache) bool {
	for _, t := range mounts {
		for _, c := range caches {
			if covers(t, c.Path) || covers(t, c.Home) {
				return true
			}
		}
	}
	return false
}

// coversLocation: a mount at one of the caches' places for this RUN.
func coversLocation(mounts []string, locs []cacheLoc) bool {
	for _, t := range mounts {
		for _, l := range locs {
			if covers(t, l.dir) {
				return true
			}
		}
	}
	return false
}

// covers: a mount at target t holds the cache dir (absolute, or relative
// to some home): at it, below it or above it.
func covers(t, dir string) bool {
	if dir == "" {
		return false
	}
	dir = path.Clean(dir)
	return t == dir || strings.HasPrefix(t, dir+"/") || strings.HasPrefix(dir, t+"/") || strings.HasSuffix(t, "/"+dir)
}
