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

// checkInstallWithoutCacheMount reports installs that download packages
// (see downloads) into a manager's cache that no --mount=type=cache of
// the RUN covers. The mount it suggests is where the manager keeps its
// cache for the user the command runs as, on the stage's image; a cache
// whose place is not known there is not reported. The fix (mountPlanner) is
// offered only when it is safe, else the finding says why not.
func checkInstallWithoutCacheMount(p *Pass) {
	st := p.state()
	planner := newMountPlanner(st)
	facts := newCacheFacts(st)
	for _, inst := range p.Doc.Instructions {
		if inst.Keyword != "RUN" || inst.Stage < 0 {
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
			if stopsRun(st, inst, inv, facts.lists) {
				break
			}
			if m == nil || reported[m.Name] || len(m.Caches) == 0 || coversCatalogCache(targets, m.Caches) {
				continue
			}
			pl := lazy.get()
			if !downloads(st, inst, inv, pl.x, facts) || otherMajor(st, inst, m) || packagedTooOld(st, inst, inv) {
				continue
			}
			u := commandUser(inv.Command, pl.user)
			locs := mountable(cacheLocations(inv, scopeLookup(pl.x), u, runImage(st, inst)))
			if !downloadsKept(locs) || coversLocation(targets, locs) || copiedOut(inst, m, locs, facts.copies) {
				continue
			}
			reported[m.Name] = true
			plan := planner.plan(inst, inv, locs, u)
			p.Report(inst.KeywordSpan, mountMessage(planner, inst, m, locs, u), nil, plan.fix(m))
		}
	}
}

// mountMessage says what re-runs download and what a mount keeps: the
// packages, or what the catalog says it keeps (dnf's metadata); for apt,
// only once docker-clean is off.
func mountMessage(planner *mountPlanner, inst *dockerfile.Instruction, m *pkgmgr.Manager, locs []cacheLoc, u dockerfile.User) string {
	example := mountExample(m, locs, u)
	switch {
	case m.MountKeeps != "":
		return fmt.Sprintf("Every re-run of this step downloads %s's packages and repository metadata again. A cache mount (RUN --mount=%s) keeps %s between builds, outside the image.",
			m.Name, example, m.MountKeeps)
	case m.Name == "apt" && !planner.aptKeepsDownloads(inst):
		return fmt.Sprintf("Every re-run of this step downloads all apt packages again. A cache mount (RUN --mount=%s) keeps them between builds, outside the image, once the image's docker-clean hook is off: Debian and Ubuntu images delete downloaded packages after each install.",
			example)
	}
	return fmt.Sprintf("Every re-run of this step downloads all %s packages again. A cache mount (RUN --mount=%s) keeps them between builds, outside the image.",
		m.Name, example)
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
