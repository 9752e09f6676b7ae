package diagnostics

import (
	"fmt"
	"path"
	"strings"

	"github.com/dockerfile-ls/dockerfile-ls/cache"
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
// directory that no --mount=type=cache of the RUN covers.
func checkInstallWithoutCacheMount(p *Pass) {
	for _, inst := range p.Doc.Instructions {
		if inst.Keyword != "RUN" {
			continue
		}
		mounts := cacheMountTargets(inst)
		reported := map[string]bool{}
		for _, inv := range cache.Invocations(p.Doc, inst) {
			m := inv.Manager
			if m == nil || reported[m.Name] || len(m.Caches) == 0 || !isFetching(inv) {
				continue
			}
			if coversCache(mounts, m.Caches) {
				continue
			}
			reported[m.Name] = true
			p.Report(inst.KeywordSpan, fmt.Sprintf(
				"Every re-run of this step downloads all %s packages again. A cache mount (RUN --mount=type=cache,target=%s) keeps them between builds, outside the image.",
				m.Name, cacheTargetExample(m.Caches)), nil,
				&FixData{Kind: "add-cache-mount", Args: map[string]string{"manager": m.Name}})
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

// cacheMountTargets are the targets of the RUN's cache mounts.
func cacheMountTargets(inst *dockerfile.Instruction) []string {
	var out []string
	for _, m := range cache.Mounts(inst) {
		if m["type"] != "cache" {
			continue
		}
		target := m["target"] + m["dst"] + m["destination"]
		if target != "" {
			out = append(out, path.Clean(target))
		}
	}
	return out
}

// coversCache: a mount at a cache directory, below it or above it counts
// (a manager whose cache lives under a user's home is covered by a mount
// of that home's cache directory).
func coversCache(mounts []string, caches []pkgmgr.Cache) bool {
	for _, t := range mounts {
		for _, c := range caches {
			for _, dir := range []string{c.Path, c.Home} {
				if dir == "" {
					continue
				}
				dir = path.Clean(dir)
				if t == dir || strings.HasPrefix(t, dir+"/") || strings.HasPrefix(dir, t+"/") || strings.HasSuffix(t, "/"+dir) {
					return true
				}
			}
		}
	}
	return false
}

func cacheTargetExample(caches []pkgmgr.Cache) string {
	for _, c := range caches {
		if c.Path != "" {
			return c.Path
		}
	}
	return "$HOME/" + caches[0].Home
}
