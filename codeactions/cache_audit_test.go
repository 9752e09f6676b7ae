package codeactions

import (
	"os"
	"path"
	"slices"
	"strings"
	"testing"

	"github.com/dockerfile-ls/dockerfile-ls/cache"
	"github.com/dockerfile-ls/dockerfile-ls/diagnostics"
	"github.com/dockerfile-ls/dockerfile-ls/dockerfile"
	"github.com/dockerfile-ls/dockerfile-ls/internal/testgen"
	"github.com/dockerfile-ls/dockerfile-ls/pkgmgr"
	"github.com/dockerfile-ls/dockerfile-ls/shell"
)

// The ways the cache fixes broke real builds (issue 16), each read from
// the fixed text alone, so that the audit does not share the fixes' own
// reasoning. TestCacheFixAudit counts the corpus files each one hits.
const (
	breakMountRemoved  = "a cache mount's RUN removes its target or a parent of it"
	breakWrongHome     = "a cache path in /root for a RUN that runs as another user"
	breakListsInMount  = "an apt install finds its lists only in a cache mount"
	breakDockerClean   = "docker-clean set up more than once in a stage"
	breakSilentClean   = "docker-clean set up in a stage others build FROM, title silent"
	breakDropsMore     = "a fix deletes a path outside its cache mounts"
	breakCleanInMount  = "a clean command left inside the mount it empties"
	breakScriptRunner  = "a package-manager mount on a RUN that only runs scripts"
	breakBerryForClass = "a yarn berry mount where yarn 1 runs"
)

var cacheFixKinds = []diagnostics.FixKind{diagnostics.AddCacheMount, diagnostics.AddCacheClean, diagnostics.AddNoCacheDir, diagnostics.AddRmAptLists}

// TestCacheFixAudit applies every cache fix offered on the corpus, one by
// one and all together, and counts the files where one breaks the build
// or changes more than its title says. None may.
func TestCacheFixAudit(t *testing.T) {
	hits := map[string][]string{}
	offered := 0
	for _, file := range testgen.CorpusFiles(t) {
		text, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		found, n := auditFile(t, text)
		offered += n
		for _, b := range found {
			hits[b] = append(hits[b], file)
		}
	}
	t.Logf("%d cache fixes offered", offered)
	for _, b := range []string{breakMountRemoved, breakWrongHome, breakListsInMount, breakDockerClean, breakSilentClean, breakDropsMore, breakCleanInMount, breakScriptRunner, breakBerryForClass} {
		t.Logf("%4d files: %s", len(hits[b]), b)
		if len(hits[b]) > 0 {
			t.Errorf("%s: %d files, e.g. %s", b, len(hits[b]), strings.Join(hits[b][:min(3, len(hits[b]))], ", "))
		}
	}
}

// auditFile returns the breakages the cache fixes cause in text, each
// once, and how many cache fixes were offered.
func auditFile(t *testing.T, text []byte) ([]string, int) {
	doc := dockerfile.Parse(text)
	found := map[string]bool{}
	n := 0
	for _, a := range For(doc.State(dockerfile.Options{}), fastFindings(doc), nil) {
		if a.Suppresses || !slices.Contains(cacheFixKinds, Kind(a.Finding)) {
			continue
		}
		n++
		for _, b := range auditAction(doc, a) {
			found[b] = true
		}
	}
	if n > 0 {
		fixed := fixAll(t, Fixing{Analyse: fastAnalysis}, string(text))
		for _, b := range auditFixAll(doc, fixed.Doc) {
			found[b] = true
		}
	}
	var out []string
	for b := range found {
		out = append(out, b)
	}
	return out, n
}

// auditAction checks one fix applied alone.
func auditAction(doc *dockerfile.Document, a Action) []string {
	text, err := Apply(doc.Text, a.Edits)
	if err != nil {
		return nil
	}
	after := dockerfile.Parse(text)
	sorted := slices.Clone(a.Edits)
	slices.SortFunc(sorted, func(x, y dockerfile.Edit) int { return x.Start - y.Start })
	run := after.InstructionAt(mapOffset(sorted, a.Finding.Span.Start, true))
	if run == nil || run.Keyword != "RUN" {
		return nil
	}
	st := after.State(dockerfile.Options{})
	targets := cacheTargets(st, run)
	var out []string
	if removesMount(st, run, targets) {
		out = append(out, breakMountRemoved)
	}
	if inserts(a, "/root") && !runsAsRoot(st, run) {
		out = append(out, breakWrongHome)
	}
	if dropsOutside(doc, after, a, sorted) {
		out = append(out, breakDropsMore)
	}
	if Kind(a.Finding) == diagnostics.AddCacheMount {
		out = append(out, auditMount(doc, after, run, a, targets)...)
	}
	return out
}

// auditMount checks what only a cache mount fix can break.
func auditMount(before, after *dockerfile.Document, run *dockerfile.Instruction, a Action, targets []string) []string {
	var out []string
	if cleansMount(after.State(dockerfile.Options{}), run, targets) {
		out = append(out, breakCleanInMount)
	}
	if onlyScripts(after, run, a.Finding.Fix.Args["manager"]) {
		out = append(out, breakScriptRunner)
	}
	if inserts(a, ".yarn/berry") && !usesBerry(before) {
		out = append(out, breakBerryForClass)
	}
	if inserts(a, "docker-clean") && hasChildStage(after, run.Stage) && !strings.Contains(a.Title, "docker-clean") {
		out = append(out, breakSilentClean)
	}
	return out
}

// auditFixAll checks the result of a fix-all against the original.
func auditFixAll(before, after *dockerfile.Document) []string {
	var out []string
	for _, s := range after.Stages {
		if countIn(after, s, "docker-clean") > 1 && (s.Index >= len(before.Stages) || countIn(before, before.Stages[s.Index], "docker-clean") <= 1) {
			out = append(out, breakDockerClean)
			break
		}
	}
	if bareInstallsBroken(after) > bareInstallsBroken(before) {
		out = append(out, breakListsInMount)
	}
	return out
}

func countIn(doc *dockerfile.Document, s *dockerfile.Stage, word string) int {
	n := 0
	for _, in := range s.Instructions {
		if strings.Contains(doc.Slice(in.Span), word) {
			n++
		}
	}
	return n
}

// cacheTargets are the RUN's cache mount targets.
func cacheTargets(st *dockerfile.BuildState, run *dockerfile.Instruction) []string {
	var out []string
	for _, m := range st.Of(run).Mounts() {
		if m.Type == "cache" && m.Target != "" {
			out = append(out, path.Clean(m.Target))
		}
	}
	return out
}

// removedBy are the paths an rm of the RUN names, absolute, globs at the
// end trimmed, "~" and $HOME read as the RUN's user's home.
func removedBy(st *dockerfile.BuildState, run *dockerfile.Instruction) []string {
	script := st.Document().Script(run)
	if script == nil {
		return nil
	}
	home := st.Of(run).User().Home
	var out []string
	for _, c := range script.Commands {
		if c.Name() != "rm" {
			continue
		}
		for _, w := range c.Args[1:] {
			p := w.Raw
			p = strings.Trim(p, `"'`)
			for _, h := range []string{"~", "$HOME", "${HOME}"} {
				if rest, ok := strings.CutPrefix(p, h); ok && home != "" && (rest == "" || rest[0] == '/') {
					p = home + rest
				}
			}
			if !strings.HasPrefix(p, "/") || strings.Contains(p, "$") {
				continue
			}
			for strings.HasSuffix(p, "/*") || (strings.HasSuffix(p, "/") && len(p) > 1) {
				p = strings.TrimSuffix(strings.TrimSuffix(p, "*"), "/")
			}
			out = append(out, path.Clean(p))
		}
	}
	return out
}

func within(p, dir string) bool {
	return p == dir || dir == "/" || strings.HasPrefix(p, dir+"/")
}

// removesMount: an rm of the RUN removes a mount target or a parent of it,
// which fails ("Device or resource busy").
func removesMount(st *dockerfile.BuildState, run *dockerfile.Instruction, targets []string) bool {
	for _, r := range removedBy(st, run) {
		for _, t := range targets {
			if within(t, r) && r != "/" {
				return true
			}
		}
	}
	return false
}

// cleansMount: the RUN runs a clean command of a manager whose cache is
// mounted, or removes what is inside a mount.
func cleansMount(st *dockerfile.BuildState, run *dockerfile.Instruction, targets []string) bool {
	for _, r := range removedBy(st, run) {
		for _, t := range targets {
			if within(r, t) {
				return true
			}
		}
	}
	for _, inv := range cache.Invocations(st.Document(), run) {
		if inv.Action != pkgmgr.Clean || !inv.EmptiesCache || inv.Manager == nil {
			continue
		}
		for _, c := range inv.Manager.Caches {
			for _, t := range targets {
				if c.Path != "" && within(c.Path, t) {
					return true
				}
			}
		}
	}
	return false
}

// runsAsRoot: the RUN's commands run as root: the RUN's user is root
// (home /root) and no command switches user, or every command runs
// through sudo without -u.
func runsAsRoot(st *dockerfile.BuildState, run *dockerfile.Instruction) bool {
	script := st.Document().Script(run)
	u := st.Of(run).User()
	root := u.Root && path.Clean(u.Home) == "/root"
	if script == nil {
		return root
	}
	sudo := len(script.Commands) > 0
	for _, c := range script.Commands {
		if wrapsUser(c) {
			return false
		}
		sudo = sudo && len(c.Prefix) > 0 && c.Prefix[0].Value == "sudo"
	}
	return root || sudo
}

// wrapsUser: the command runs as another user than root (gosu node …,
// su-exec app …, sudo -u app …).
func wrapsUser(c shell.Command) bool {
	for i, w := range c.Prefix {
		switch w.Value {
		case "gosu", "su-exec":
			if i+1 < len(c.Prefix) && c.Prefix[i+1].Value != "root" && c.Prefix[i+1].Value != "0" {
				return true
			}
		case "-u":
			if i > 0 && i+1 < len(c.Prefix) && c.Prefix[i+1].Value != "root" {
				return true
			}
		}
	}
	return false
}

func inserts(a Action, s string) bool {
	for _, e := range a.Edits {
		if strings.Contains(e.Text, s) {
			return true
		}
	}
	return false
}

// dropsOutside: an edit deletes a word that is an absolute path outside
// every cache mount of its RUN once fixed.
func dropsOutside(before, after *dockerfile.Document, a Action, sorted []dockerfile.Edit) bool {
	st := after.State(dockerfile.Options{})
	for _, e := range a.Edits {
		if e.End <= e.Start {
			continue
		}
		run := after.InstructionAt(mapOffset(sorted, e.Start, false) - 1) // a deletion may end its RUN
		if run == nil {
			return true
		}
		targets := cacheTargets(st, run)
		for _, w := range strings.Fields(before.Slice(dockerfile.Span{Start: e.Start, End: e.End})) {
			w = strings.Trim(w, `"';`)
			if !strings.HasPrefix(w, "/") {
				continue
			}
			w = strings.TrimSuffix(strings.TrimSuffix(w, "*"), "/")
			if !slices.ContainsFunc(targets, func(t string) bool { return within(w, t) }) {
				return true
			}
		}
	}
	return false
}

// onlyScripts: none of the RUN's commands of the manager installs or
// downloads anything.
func onlyScripts(doc *dockerfile.Document, run *dockerfile.Instruction, manager string) bool {
	if manager != "npm" && manager != "yarn" && manager != "pnpm" {
		return false
	}
	for _, inv := range cache.Invocations(doc, run) {
		if inv.Manager != nil && inv.Manager.Name == manager && (inv.Action == pkgmgr.Install || inv.Action == pkgmgr.Download) {
			return false
		}
	}
	if script := doc.Script(run); script != nil {
		for _, c := range script.Commands {
			// "$HOME/.yarn/bin/yarn install": named through a variable.
			if path.Base(c.Args[0].Raw) == manager && (len(c.Args) == 1 || slices.Contains([]string{"install", "i", "ci", "add"}, c.Args[1].Value)) {
				return false
			}
		}
	}
	return true
}

// usesBerry: the file sets up yarn 2 or later.
func usesBerry(doc *dockerfile.Document) bool {
	s := string(doc.Text)
	return strings.Contains(s, ".yarnrc.yml") || strings.Contains(s, "yarn set version") || strings.Contains(s, "corepack")
}

func hasChildStage(doc *dockerfile.Document, stage int) bool {
	for _, s := range doc.Stages {
		if b := doc.FromStage(s.Base, s.Index); b != nil && b.Index == stage {
			return true
		}
	}
	return false
}

// bareInstallsBroken counts the RUNs that install with apt without
// updating first and find no lists in the layer: the lists of the last
// RUN of the chain that updated were removed or kept in a cache mount, or
// the RUN mounts a cache over them itself. (On a builder whose cache
// mounts are empty, as a CI runner's, such an install fails.)
func bareInstallsBroken(doc *dockerfile.Document) int {
	st := doc.State(dockerfile.Options{})
	lists := map[int]bool{} // by stage: the layer holds apt lists at its end
	n := 0
	for _, s := range doc.Stages {
		have := false
		if b := doc.FromStage(s.Base, s.Index); b != nil {
			have = lists[b.Index]
		}
		for _, in := range s.Instructions {
			if in.Keyword != "RUN" {
				continue
			}
			mounted := slices.ContainsFunc(cacheTargets(st, in), func(t string) bool { return within("/var/lib/apt/lists", t) })
			if installsWithoutUpdate(doc, in) && (mounted || !have) {
				n++
			}
			for _, inv := range cache.Invocations(doc, in) {
				if inv.Manager != nil && inv.Manager.Name == "apt" && inv.Action == pkgmgr.Update {
					have = !mounted
				}
			}
			if slices.ContainsFunc(removedBy(st, in), func(r string) bool { return within("/var/lib/apt/lists", r) || within(r, "/var/lib/apt/lists") }) {
				have = false
			}
		}
		lists[s.Index] = have
	}
	return n
}

// TestRefusedIsDisabled: a finding whose rule refused its fix gets no
// fix from For, and a disabled action from Refused that says why.
func TestRefusedIsDisabled(t *testing.T) {
	doc := dockerfile.Parse([]byte("FROM node:20\nUSER 1001\nRUN npm ci\n"))
	fs := fastFindings(doc)
	if slices.ContainsFunc(For(doc.State(dockerfile.Options{}), fs, nil), func(a Action) bool { return Kind(a.Finding) == diagnostics.AddCacheMount }) {
		t.Error("a cache mount offered for a user whose home is unknown")
	}
	refused := Refused(fs)
	if !slices.ContainsFunc(refused, func(a Action) bool {
		return a.Title == "Add a cache mount" && strings.Contains(a.Disabled, "the home of user 1001") && len(a.Edits) == 0 && !a.InFixAllRun()
	}) {
		t.Errorf("refused: %+v", refused)
	}
}

// TestCacheMountSaysWhy: the titles say what the fix does beyond the
// mount, and a refused fix says why.
func TestCacheMountSaysWhy(t *testing.T) {
	for _, c := range []struct{ file, title, refused string }{
		{"apt-stage", "turn docker-clean off before line 3 (the image keeps it off), also for test, built FROM this stage", ""},
		{"npm-clean", "and drop `npm cache clean --force`", ""},
		{"dotnet-publish", "and on line 5, which builds from it", ""},
		{"yum-clean", "", "this RUN empties yum's cache (`yum clean all`); a fix that drops that is proven on real builds for apt, pip, npm, yarn only"},
		{"pip-removes-parent", "", "this RUN removes /root/.cache, which holds the cache mount /root/.cache/pip: removing a mount point fails"},
		{"composer-tmp", "", "this RUN removes /tmp/*, which holds the cache mount /tmp/cache"},
		{"pip-removes-unknown", "", "this RUN removes \"$TMPDIR\", which may be the cache mount"},
		{"gosu", "", "the home of user node"},
		{"apt-user", "", "where the stage runs as user app, not root"},
	} {
		text, err := os.ReadFile("testdata/add-cache-mount/" + c.file + ".in.Dockerfile")
		if err != nil {
			t.Fatal(err)
		}
		doc := dockerfile.Parse(text)
		fs := fastFindings(doc)
		var titles, reasons []string
		for _, a := range For(doc.State(dockerfile.Options{}), fs, nil) {
			if Kind(a.Finding) == diagnostics.AddCacheMount {
				titles = append(titles, a.Title)
			}
		}
		for _, a := range Refused(fs) {
			if Kind(a.Finding) == diagnostics.AddCacheMount {
				reasons = append(reasons, a.Disabled)
			}
		}
		got, want := strings.Join(titles, "\n"), c.title
		if c.refused != "" {
			got, want = strings.Join(reasons, "\n"), c.refused
		}
		if want == "" || !strings.Contains(got, want) {
			t.Errorf("%s: got %q, want it to hold %q", c.file, got, want)
		}
	}
}
