package realbuild

import (
	"path"
	"strings"

	"github.com/dockerfile-ls/dockerfile-ls/diagnostics"
	"github.com/dockerfile-ls/dockerfile-ls/dockerfile"
)

// allowances name, per fix kind, the files the fix exists to remove from
// the image (or, for its setup, add): any other difference from the
// original's files is a broken fix. The cache mount fix's targets come
// from the fixed file itself (see AllowanceFor).
var allowances = map[diagnostics.FixKind]Allowance{
	diagnostics.AddRmAptLists: {Missing: []string{"var/lib/apt/lists/**"}},
	diagnostics.AddNoCacheDir: {Missing: []string{"root/.cache/pip/**", "home/*/.cache/pip/**"}},
	diagnostics.AddCacheClean: {Missing: []string{
		"root/.npm/_cacache/**", "home/*/.npm/_cacache/**", "usr/local/share/.cache/yarn/**",
		"root/.cache/yarn/**", "home/*/.cache/yarn/**", "root/.cache/pip/**", "home/*/.cache/pip/**",
	}},
	// The packages that were only recommended go, with their files; what
	// else changes is the package manager's own records.
	diagnostics.AddNoInstallRecommends: {
		Missing:  []string{"**"},
		Modified: []string{"var/lib/dpkg/**", "var/lib/apt/**", "var/log/**", "var/cache/**", "etc/ld.so.cache"},
	},
	// debian:X to debian:X-slim: the slim image's dpkg excludes.
	diagnostics.SlimBase: {
		Missing: []string{"usr/share/doc/**", "usr/share/man/**", "usr/share/locale/**", "usr/share/info/**"},
		Added:   []string{"etc/dpkg/dpkg.cfg.d/docker"},
	},
	// The apt cache mount's setup: the official images' docker-clean
	// would empty the mount, so the fix removes it and keeps packages.
	diagnostics.AddCacheMount: {
		Missing: []string{"etc/apt/apt.conf.d/docker-clean"},
		Added:   []string{"etc/apt/apt.conf.d/keep-cache"},
	},
}

// AllowanceFor is what a variant holding fixes of the kinds may change:
// their allowances, and with the cache mount fix whatever lies in the
// cache mounts of the fixed text: the image keeps there what the layer
// below had, the original what its RUN left (the cache, apt's partial
// folders with their owner), and the folders above a target may go.
func AllowanceFor(kinds []diagnostics.FixKind, fixed []byte) Allowance {
	var out Allowance
	for _, k := range kinds {
		a := allowances[k]
		out.Missing = append(out.Missing, a.Missing...)
		out.Added = append(out.Added, a.Added...)
		out.Modified = append(out.Modified, a.Modified...)
		if k == diagnostics.AddCacheMount {
			for _, t := range cacheTargets(fixed) {
				out.Missing = append(out.Missing, t+"/**")
				out.Added = append(out.Added, t+"/**")
				out.Modified = append(out.Modified, t+"/**")
				// BuildKit removes the mount point folders it made, and
				// the original's manager made them: their entries go.
				for d := path.Dir(t); d != "."; d = path.Dir(d) {
					out.Missing = append(out.Missing, d)
				}
			}
		}
	}
	return out
}

// cacheTargets are the targets of the fixed file's cache mounts, without
// the leading slash.
func cacheTargets(text []byte) []string {
	doc := dockerfile.Parse(text)
	var out []string
	for _, in := range doc.Instructions {
		for _, f := range in.Flags {
			if in.Keyword != "RUN" || f.Name != "mount" {
				continue
			}
			if m := dockerfile.ParseMount(f.Value); m.Type == "cache" && strings.HasPrefix(m.Target, "/") {
				out = append(out, strings.Trim(m.Target, "/"))
			}
		}
	}
	return out
}
