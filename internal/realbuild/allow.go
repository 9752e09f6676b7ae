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
	// The fix removes the cache folder its title names: for npm all of
	// ~/.npm, which holds the cache (_cacache), npm's logs (_logs) and
	// the update notifier's stamp (proof run of 8 December, 502e3a8a52).
	diagnostics.AddCacheClean: {Missing: []string{
		"root/.npm/**", "home/*/.npm/**", "usr/local/share/.cache/yarn/**",
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
	// -y answers the question apt asks before an install: without it
	// the build aborts, with it nothing else changes in the image.
	diagnostics.AddYesFlag: {},
	// The exec form's array in double quotes: CMD and ENTRYPOINT are the
	// image's config, not its files; a RUN in single quotes ran a program
	// named like "['apt-get'," and never built.
	diagnostics.DoubleQuoteExecForm: {},
	// --from names the stage it was a typo of: the original pulled an
	// image that does not exist, and never built.
	diagnostics.UseStageName: {},
	// useradd -l leaves the lastlog and faillog records alone: with a
	// high UID they are sparse files of gigabytes (their size is the
	// UID's record offset).
	diagnostics.AddNoLogInit: {Modified: []string{"var/log/lastlog", "var/log/faillog"}},
	// add-dest-slash: its destinations, which AllowanceFor reads from the
	// fixed file.
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
		if k == diagnostics.AddDestSlash {
			// The destination was a file, the last source copied onto
			// the others; it is now a folder holding them all.
			for _, d := range slashDests(fixed) {
				out.Modified = append(out.Modified, d)
				out.Added = append(out.Added, d+"/**")
			}
		}
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

// slashDests are the absolute destinations, without the leading slash,
// of the fixed file's COPY and ADD instructions of several sources into
// a folder (a destination ending in /), relative ones resolved against
// the stage's WORKDIRs (from /, the oracle's images' own).
func slashDests(text []byte) []string {
	doc := dockerfile.Parse(text)
	st := doc.State(dockerfile.Options{})
	var out []string
	for _, stage := range doc.Stages {
		wd := "/"
		for _, in := range stage.Instructions {
			args := st.Of(in).Args()
			switch {
			case in.Keyword == "WORKDIR" && len(args) == 1:
				wd = path.Join(wd, args[0].Text)
				if path.IsAbs(args[0].Text) {
					wd = path.Clean(args[0].Text)
				}
			case (in.Keyword == "COPY" || in.Keyword == "ADD") && len(args) > 2 && strings.HasSuffix(args[len(args)-1].Text, "/"):
				d := args[len(args)-1].Text
				if !path.IsAbs(d) {
					d = path.Join(wd, d)
				}
				// "/" is no file the copies replaced: it allows nothing.
				if d = strings.Trim(path.Clean(d), "/"); d != "" {
					out = append(out, d)
				}
			}
		}
	}
	return out
}
