package pkgmgr

import (
	"path"
	"slices"
	"strings"

	"github.com/dockerfile-ls/dockerfile-ls/shell"
)

// Invocation is a command recognised as a package-manager run.
type Invocation struct {
	Manager *Manager
	// Action is one of Install, Build, Update, Download, Clean, Remove.
	Action string
	// Sub are the subcommand words matched (["mod", "download"]); nil for
	// goal-based managers and bare commands.
	Sub []string
	// Packages are the package arguments (names, name==version, URLs); for
	// system managers, OS packages. Dynamic words appear as written ("$PKGS").
	Packages []string
	// Files are the manifest/requirement files named on the command line
	// (-r requirements.txt, -c constraints.txt, dotnet restore App.csproj),
	// as written; for a Clean done with rm, the removed paths.
	Files []string
	// InstallsProject is true when the command needs the project sources,
	// not only the manifests: pip install . / -e ., poetry install without
	// --no-root, uv sync without --no-install-project, npm install ./pkg,
	// go build, mvn package...
	InstallsProject bool
	// Flags maps each flag present to its value ("" for none): "--omit" ->
	// "dev". Clustered short flags are split ("-yq": "-y", "-q").
	Flags map[string]string
	// Env holds the NAME=value assignments given to this command.
	Env []string
	// Command is the classified command.
	Command shell.Command
	// SubEnd is the offset just after the subcommand (or command) word: where
	// a fix inserts a flag; -1 when the command has no offsets.
	SubEnd int
	// Fetch is what the command downloads (FetchAll, FetchMissing,
	// FetchNone): its action's, FetchNone with an offline flag.
	Fetch string
	// EmptiesCache: a clean command that removes nothing but the manager's
	// caches (Action.EmptiesCache).
	EmptiesCache bool
}

// HasFlag reports whether any of the flags is present. A name written
// "name=value" matches only that value (compared case-insensitively), so
// HasFlag("--omit=dev") is true for `--omit dev` and `--omit=dev`.
func (inv Invocation) HasFlag(names ...string) bool {
	for _, n := range names {
		name, want, withValue := strings.Cut(n, "=")
		v, ok := inv.Flags[name]
		if ok && (!withValue || strings.EqualFold(v, want)) {
			return true
		}
	}
	return false
}

// NoCache reports whether the command keeps the manager's download cache
// out of the layer through a flag or a variable set on the command itself
// (variables from ENV are the caller's to check against Manager.NoCacheEnv).
func (inv Invocation) NoCache() bool {
	if inv.Manager == nil {
		return false
	}
	if inv.HasFlag(inv.Manager.NoCacheFlags...) {
		return true
	}
	for _, e := range inv.Env {
		name, v, _ := strings.Cut(e, "=")
		if slices.Contains(inv.Manager.NoCacheEnv, name) && Truthy(v) {
			return true
		}
	}
	return false
}

// Truthy reports whether an environment value switches an option on, as
// pip and uv read them ("1", "true", "yes", "on"; not "0", "false", "").
func Truthy(v string) bool {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "", "0", "false", "no", "off":
		return false
	}
	return true
}

// Classify recognises a shell.Command as a package-manager invocation, or as
// an `rm` of a manager's caches (Action Clean).
func Classify(cmd shell.Command) (Invocation, bool) {
	if len(cmd.Args) == 0 {
		return Invocation{}, false
	}
	if cmd.Name() == "rm" {
		return classifyRemoval(cmd)
	}
	all := Catalog()
	for i := range all {
		m := &all[i]
		if n, ok := m.matchCommand(cmd.Args); ok {
			if inv, ok := m.classify(cmd, n); ok {
				return inv, true
			}
		}
	}
	return Invocation{}, false
}

// matchCommand returns how many words of args one of the manager's command
// forms takes.
func (m *Manager) matchCommand(args []shell.Word) (int, bool) {
	for _, form := range m.Commands {
		if len(form) > len(args) {
			continue
		}
		ok := true
		for i, pat := range form {
			if args[i].Dynamic {
				ok = false
				break
			}
			if matched, _ := path.Match(pat, path.Base(args[i].Value)); !matched {
				ok = false
				break
			}
		}
		if ok {
			return len(form), true
		}
	}
	return 0, false
}

// classify reads the words after the command form (n words long).
func (m *Manager) classify(cmd shell.Command, n int) (Invocation, bool) {
	p := m.parseArgs(cmd.Args[n:])
	act, subLen, ok := m.matchAction(p.positional)
	if !ok {
		return Invocation{}, false
	}
	inv := Invocation{
		Manager: m,
		Action:  act.Kind,
		Flags:   p.flags,
		Files:   p.files,
		Command: cmd,
		SubEnd:  cmd.Args[n-1].End,
		Env:     wordTexts(cmd.Env),
	}
	if subLen > 0 {
		inv.Sub = wordTexts(p.positional[:subLen])
		inv.SubEnd = p.positional[subLen-1].End
	}
	var rest []shell.Word
	if !m.Goals {
		rest = p.positional[subLen:]
	}
	local := m.readArgs(&inv, act, rest)
	for _, v := range p.paths {
		local = local || m.isLocal(v)
	}
	projectByDefault := act.Project && !inv.HasFlag(act.NoProjectFlags...)
	inv.InstallsProject = projectByDefault || local || (act.NoArgsProject && len(rest) == 0)
	inv.Fetch, inv.EmptiesCache = act.fetches(), act.EmptiesCache
	if inv.HasFlag(m.OfflineFlags...) {
		inv.Fetch = FetchNone
	}
	return inv, true
}

// readArgs files the words after the subcommand as packages or files and
// reports whether a package argument is a local path.
func (m *Manager) readArgs(inv *Invocation, act Action, rest []shell.Word) bool {
	local := false
	for _, w := range rest {
		t := text(w)
		switch act.Args {
		case "files":
			inv.Files = append(inv.Files, t)
		case "packages":
			if m.isLocal(t) {
				local = true
			} else {
				inv.Packages = append(inv.Packages, t)
			}
		}
	}
	return local
}

// matchAction finds the action whose subcommand is the longest prefix of
// the positional words (for goal-based managers: any of them).
func (m *Manager) matchAction(pos []shell.Word) (Action, int, bool) {
	if m.Goals {
		return m.matchGoals(pos)
	}
	best, bestLen, found := Action{}, -1, false
	for _, a := range m.Actions {
		for _, sub := range a.Sub {
			if len(sub) > bestLen && matchesSub(pos, sub) {
				best, bestLen, found = a, len(sub), true
			}
		}
	}
	return best, bestLen, found
}

func matchesSub(pos []shell.Word, sub []string) bool {
	if len(sub) == 0 {
		return len(pos) == 0
	}
	if len(sub) > len(pos) {
		return false
	}
	for i, s := range sub {
		if pos[i].Dynamic || pos[i].Value != s {
			return false
		}
	}
	return true
}

func (m *Manager) matchGoals(pos []shell.Word) (Action, int, bool) {
	for _, a := range m.Actions {
		for _, sub := range a.Sub {
			for _, w := range pos {
				if len(sub) == 1 && !w.Dynamic && goalIs(w.Value, sub[0]) {
					return a, 0, true
				}
			}
		}
	}
	if len(pos) > 0 && m.DefaultKind != "" {
		def := Action{Kind: m.DefaultKind, Project: true}
		for _, a := range m.Actions {
			if a.Kind == def.Kind && def.Fetch == "" {
				def.Fetch = a.Fetch // what the manager's other actions of that kind fetch
			}
		}
		return def, 0, true
	}
	return Action{}, 0, false
}

// goalIs matches a goal or task, also as the last part of a qualified
// Gradle task (":app:bootJar").
func goalIs(word, goal string) bool {
	if word == goal {
		return true
	}
	i := strings.LastIndexByte(word, ':')
	return i >= 0 && word[i+1:] == goal && strings.HasPrefix(word, ":")
}

// isLocal reports whether a package argument names something in the build
// context rather than something to download.
func (m *Manager) isLocal(arg string) bool {
	if arg == "" || strings.HasPrefix(arg, "$") || strings.Contains(arg, "://") {
		return false
	}
	if k := strings.IndexByte(arg, '['); k > 0 {
		arg = arg[:k] // pip extras: .[test], ./lib[postgres]
	}
	if arg == "." || arg == ".." || strings.HasPrefix(arg, "file:") {
		return true
	}
	for _, p := range []string{"./", "../", "/", "~/"} {
		if strings.HasPrefix(arg, p) {
			return true
		}
	}
	for _, ext := range packageFileExts {
		if strings.HasSuffix(arg, ext) {
			return true
		}
	}
	return m.PathArgs == "loose" && strings.Contains(arg, "/") && !strings.Contains(arg, "+") && !strings.Contains(arg, "@")
}

// packageFileExts are package files installed from the build context.
var packageFileExts = []string{".whl", ".tar.gz", ".tgz", ".zip", ".gem", ".deb", ".rpm", ".apk"}

func text(w shell.Word) string {
	if w.Dynamic {
		return w.Raw
	}
	return w.Value
}

func wordTexts(words []shell.Word) []string {
	if len(words) == 0 {
		return nil
	}
	out := make([]string, len(words))
	for i, w := range words {
		out[i] = text(w)
	}
	return out
}
