package diagnostics

import (
	"path"
	"slices"
	"strings"

	"github.com/dockerfile-ls/dockerfile-ls/dockerfile"
	"github.com/dockerfile-ls/dockerfile-ls/pkgmgr"
)

// Where package managers keep their caches for the user a RUN runs as:
// the catalog's paths are root's, other users keep most caches in their
// home, and a variable can move a cache anywhere. The cache-mount and
// package-cache rules name these places in their messages and fixes, so a
// place that cannot be known is never named: it is described.

// cacheLoc is where one of a manager's caches is for one RUN.
type cacheLoc struct {
	cache pkgmgr.Cache
	// dir is the absolute directory; "" when it cannot be known (shown
	// then says where it is).
	dir   string
	shown string // for messages: dir, "~/.npm", "$PIP_CACHE_DIR" or Elsewhere
	// elsewhere: on this image the cache is where only the shell can
	// tell (Cache.Elsewhere): no mount can be written for it.
	elsewhere bool
}

// cacheLocations are the manager's caches for the RUN of inv by user u
// on image img, moved by the variables its Caches name (set on the
// command, else in env). A cache the image's version of the manager does
// not keep, or that a flag or variable moves where the catalog cannot
// tell, has none; so has one the catalog places on other images only
// (also when the image is unknown: img.Repo ""). With img nil the
// catalog's layout is assumed.
func cacheLocations(inv pkgmgr.Invocation, env envLookup, u dockerfile.User, img *pkgmgr.Image) []cacheLoc {
	var out []cacheLoc
	for _, c := range inv.Manager.Caches {
		if (img != nil && img.MatchesAny(c.NotOn)) || movedAway(inv, c, env) {
			continue
		}
		if loc, moved := movedCache(inv, c, env); moved {
			out = append(out, loc)
			continue
		}
		switch dir, known := defaultCacheDir(c, u, img); {
		case known && dir == "" && c.Elsewhere != "":
			out = append(out, cacheLoc{cache: c, shown: c.Elsewhere, elsewhere: true})
		case !known:
			out = append(out, cacheLoc{cache: c, shown: "~/" + c.Home})
		case dir != "":
			out = append(out, cacheLoc{cache: c, dir: dir, shown: dir})
		}
	}
	return out
}

// movedAway: one of the cache's MovedBy flags is given, or variables set.
func movedAway(inv pkgmgr.Invocation, c pkgmgr.Cache, env envLookup) bool {
	for _, name := range c.MovedBy {
		if strings.HasPrefix(name, "-") {
			if inv.HasFlag(name) {
				return true
			}
			continue
		}
		if _, found, _ := inlineEnv(inv, name); found {
			return true
		}
		if _, found, _ := env(name); found {
			return true
		}
	}
	return false
}

// movedCache is where c's variable moves it, when the RUN sets it.
// GEM_HOME, CARGO_HOME and COMPOSER_HOME name the home the cache sits in;
// PIP_CACHE_DIR and GOMODCACHE the cache itself.
func movedCache(inv pkgmgr.Invocation, c pkgmgr.Cache, env envLookup) (cacheLoc, bool) {
	if c.Env == "" {
		return cacheLoc{}, false
	}
	v, found, known := inlineEnv(inv, c.Env)
	if !found {
		v, found, known = env(c.Env)
	}
	switch {
	case !found:
		return cacheLoc{}, false
	case !known || !strings.HasPrefix(v, "/"):
		return cacheLoc{cache: c, shown: "$" + c.Env}, true
	}
	base := path.Base(c.Path)
	if c.Path == "" {
		base = path.Base(c.Home)
	}
	if strings.HasSuffix(c.Env, "_HOME") && !strings.HasPrefix(base, ".") {
		v = path.Join(v, base)
	}
	dir := path.Clean(v)
	return cacheLoc{cache: c, dir: dir, shown: dir}, true
}

func inlineEnv(inv pkgmgr.Invocation, name string) (value string, found, known bool) {
	for _, e := range inv.Env {
		if v, ok := strings.CutPrefix(e, name+"="); ok {
			v = strings.Trim(v, `"'`)
			return v, true, !strings.Contains(v, "$")
		}
	}
	return "", false, false
}

// defaultCacheDir is where c is for user u on image img when no variable
// moves it: its Path for root (and for everyone when the images fix it),
// else in the user's home; on an image whose layout Path is not (golang's
// GOPATH elsewhere), in the home, or nowhere known. known is false when
// that home is unknown; dir is "" when the cache has no place known.
func defaultCacheDir(c pkgmgr.Cache, u dockerfile.User, img *pkgmgr.Image) (dir string, known bool) {
	if len(c.Images) > 0 && img != nil && !img.MatchesAny(c.Images) {
		c.Path, c.Fixed = "", false
		if c.Home == "" {
			return "", true
		}
	}
	// Root's Path is in its home (which ENV HOME may move) unless it lies
	// elsewhere: yarn keeps root's cache in /usr/local/share.
	inHome := c.Home != "" && !c.Fixed && (!u.Root || c.Path == "" || under(c.Path, "/root"))
	switch {
	case !inHome:
		return c.Path, true
	case u.Home == "":
		return "", false
	}
	return path.Join(u.Home, c.Home), true
}

// downloadsKept: one of the locations holds downloads, not only compiled
// output (Go's build cache).
func downloadsKept(locs []cacheLoc) bool {
	return slices.ContainsFunc(locs, func(l cacheLoc) bool { return !l.cache.Output })
}

// mountable are the locations a cache mount can be written for: not the
// caches only the shell can find.
func mountable(locs []cacheLoc) []cacheLoc {
	return slices.DeleteFunc(slices.Clone(locs), func(l cacheLoc) bool { return l.elsewhere })
}

// knownDirs are the locations' directories, and whether every one is
// known.
func knownDirs(locs []cacheLoc) ([]string, bool) {
	var out []string
	for _, l := range locs {
		if l.dir != "" {
			out = append(out, l.dir)
		}
	}
	return out, len(out) == len(locs)
}

// cacheDirs are where the manager keeps its cache and index for this run,
// as far as known. CleanPaths come first: they are what a cleanup removes
// (apk's index in /var/cache/apk), while Caches are where a cache mount
// goes.
func cacheDirs(inv pkgmgr.Invocation, env envLookup, u dockerfile.User) []string {
	dirs, _ := knownDirs(cacheLocations(inv, env, u, nil))
	return append(append([]string{}, inv.Manager.CleanPaths...), dirs...)
}

// mountOwner is the ",uid=N,gid=M" a cache mount of m needs for u (its
// files are root's otherwise, and a non-root user could not write them):
// "" for root, and for a system package manager, which runs as root (with
// sudo under another USER); ok is false when the uid is unknown.
func mountOwner(m *pkgmgr.Manager, u dockerfile.User) (string, bool) {
	switch {
	case u.Root || m.System:
		return "", true
	case u.UID == "":
		return "", false
	case u.GID == "":
		return ",uid=" + u.UID, true
	}
	return ",uid=" + u.UID + ",gid=" + u.GID, true
}

// mountExample is the --mount value for the first cache, for messages:
// what cannot be known is said in angle brackets ("<home of 1001>",
// "<uid of app>").
func mountExample(m *pkgmgr.Manager, locs []cacheLoc, u dockerfile.User) string {
	l := locs[0]
	target := l.dir
	switch {
	case target != "":
	case strings.HasPrefix(l.shown, "~/"):
		target = "<home of " + u.Name + ">" + l.shown[1:]
	default:
		target = l.shown
	}
	owner, ok := mountOwner(m, u)
	if !ok {
		owner = ",uid=<uid of " + u.Name + ">"
	}
	return strings.TrimPrefix(mountFlag(target, l.cache.Sharing, owner), "--mount=")
}
