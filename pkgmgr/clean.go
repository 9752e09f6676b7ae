package pkgmgr

import (
	"path"
	"strings"

	"github.com/dockerfile-ls/dockerfile-ls/shell"
)

// classifyRemoval recognises `rm -rf /var/lib/apt/lists/*` and the like as
// the cleanup of the first manager (in catalog order) owning a removed path.
func classifyRemoval(cmd shell.Command) (Invocation, bool) {
	var owner *Manager
	var files []string
	all := Catalog()
	for _, w := range cmd.Args[1:] {
		t := text(w)
		if strings.HasPrefix(t, "-") {
			continue
		}
		for i := range all {
			if (owner == nil || owner == &all[i]) && all[i].CleansPath(t) {
				owner = &all[i]
				files = append(files, t)
				break
			}
		}
	}
	if owner == nil {
		return Invocation{}, false
	}
	return Invocation{
		Manager: owner, Action: Clean, Files: files, Command: cmd, Fetch: FetchNone,
		Flags: map[string]string{}, SubEnd: cmd.Args[0].End, Env: wordTexts(cmd.Env),
	}, true
}

// unquote drops quotes from a path as written; built once, since a
// replacer per call was a large share of the time on big files.
var unquote = strings.NewReplacer(`"`, "", `'`, "")

// CleansPath reports whether removing p (as written in an rm command:
// "/var/lib/apt/lists/*", "~/.cache/pip", "$HOME/.npm") removes all or part
// of one of the manager's caches or CleanPaths.
func (m *Manager) CleansPath(p string) bool {
	p = unquote.Replace(p)
	if rel, ok := homeRelative(p); ok {
		for _, c := range m.Caches {
			if c.Home != "" && related(rel, c.Home, 1) {
				return true
			}
		}
		return false
	}
	if !strings.HasPrefix(p, "/") {
		return false
	}
	p = trimGlob(p)
	for _, c := range m.Caches {
		if c.Path != "" && related(p, c.Path, 2) {
			return true
		}
	}
	for _, d := range m.CleanPaths {
		if related(p, d, 2) {
			return true
		}
	}
	return false
}

// homeRelative turns "~/x", "$HOME/x" and "${HOME}/x" into "x".
func homeRelative(p string) (string, bool) {
	for _, h := range []string{"~/", "$HOME/", "${HOME}/"} {
		if rest, ok := strings.CutPrefix(p, h); ok {
			return trimGlob(rest), true
		}
	}
	return "", false
}

// trimGlob drops a trailing "/*" or "/" so "/var/lib/apt/lists/*" is the
// directory itself.
func trimGlob(p string) string {
	for {
		q := strings.TrimSuffix(strings.TrimSuffix(p, "/*"), "/")
		if q == p {
			return path.Clean(p)
		}
		p = q
	}
}

// related reports whether p is dir, inside dir, or a parent of dir that is
// at least minDepth levels deep (so `rm -rf /tmp/*` does not count as
// clearing /tmp/cache, but `rm -rf /root/.cache` clears /root/.cache/pip).
func related(p, dir string, minDepth int) bool {
	switch {
	case p == dir || strings.HasPrefix(p, dir+"/"):
		return true
	case strings.HasPrefix(dir, p+"/"):
		return depth(p) >= minDepth
	}
	return false
}

func depth(p string) int {
	return strings.Count(strings.Trim(p, "/"), "/") + 1
}
