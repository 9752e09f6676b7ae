package realbuild

import (
	"os/exec"
	"slices"
	"strings"
	"sync"

	"github.com/dockerfile-ls/dockerfile-ls/cache"
	"github.com/dockerfile-ls/dockerfile-ls/dockerfile"
	"github.com/dockerfile-ls/dockerfile-ls/pkgmgr"
)

// Most corpus files that may build here do not: they install packages of
// older distributions (python-pip, libssl1.0.2) that bookworm lacks, or
// pip packages from an index these machines cannot reach. Each cost a
// build of a minute or two before it failed. Asking this machine's apt,
// which reads the same archive the images do, leaves them out at once.

// installs are the packages the Dockerfile's RUNs install, by manager
// ("apt", "pip"), as written; words that are not plain names (variables,
// files, URLs, options) are left out. A manager of foreignManagers is
// listed even when it names no package ("" then).
func installs(text []byte) map[string][]string {
	doc := dockerfile.Parse(text)
	out := map[string][]string{}
	for _, in := range doc.Instructions {
		if in.Keyword != "RUN" {
			continue
		}
		for _, inv := range cache.Invocations(doc, in) {
			if inv.Manager == nil || inv.Action != pkgmgr.Install {
				continue
			}
			if slices.Contains(foreignManagers, inv.Manager.Name) {
				out[inv.Manager.Name] = append(out[inv.Manager.Name], "")
			}
			for _, p := range inv.Packages {
				if name, ok := plainName(p); ok {
					out[inv.Manager.Name] = append(out[inv.Manager.Name], name)
				}
			}
		}
	}
	return out
}

// plainName is a package argument without its version ("curl=7.*",
// "flask==2.0"), false for what is not a plain name.
func plainName(arg string) (string, bool) {
	name, _, _ := strings.Cut(arg, "=")
	name, _, _ = strings.Cut(name, "<")
	name, _, _ = strings.Cut(name, ">")
	if name == "" || strings.ContainsAny(name, "$/:*?[{`\"'") || strings.HasPrefix(name, "-") || strings.HasPrefix(name, ".") {
		return "", false
	}
	return name, true
}

// foreignManagers install from archives the Debian images have no
// manager for (an alpine tag mapped onto node, a CentOS habit).
var foreignManagers = []string{"apk", "yum", "dnf", "microdnf", "zypper"}

// unavailable says why the installs cannot succeed on the oracle ("" when
// they may): an apt package bookworm has no candidate for, or a pip
// package other than the local wheel.
func unavailable(text []byte) string {
	ins := installs(text)
	for _, m := range foreignManagers {
		if len(ins[m]) > 0 {
			return "installs with " + m
		}
	}
	for _, p := range ins["pip"] {
		if p != strings.TrimSpace(Requirements) {
			return "pip installs from the index: " + p
		}
	}
	if missing := aptMissing(ins["apt"]); len(missing) > 0 {
		return "bookworm has no package: " + strings.Join(missing, ", ")
	}
	return ""
}

// aptNames are the packages this machine's apt has (apt-cache pkgnames:
// real packages, not virtual ones), read once; nil without apt-cache.
var aptNames = sync.OnceValue(func() map[string]bool {
	out, err := exec.Command("apt-cache", "pkgnames").Output()
	if err != nil {
		return nil
	}
	names := map[string]bool{}
	for _, n := range strings.Fields(string(out)) {
		names[n] = true
	}
	return names
})

// aptMissing are the packages this machine's apt does not have; none when
// it has no apt-cache (the builds will tell).
func aptMissing(names []string) []string {
	known := aptNames()
	if known == nil {
		return nil
	}
	var missing []string
	for _, n := range names {
		if !known[n] && !slices.Contains(missing, n) {
			missing = append(missing, n)
		}
	}
	return missing
}
