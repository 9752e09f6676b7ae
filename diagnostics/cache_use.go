package diagnostics

import (
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
// and not a build whose dependencies an earlier step of the stage already
// put in the layer (dotnet publish after dotnet restore).
func downloads(st *dockerfile.BuildState, in *dockerfile.Instruction, inv pkgmgr.Invocation, x dockerfile.InstState) bool {
	switch {
	case inv.Fetch == pkgmgr.FetchNone, cacheOff(inv, x):
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
