package diagnostics

import (
	"fmt"
	"path"
	"slices"
	"strings"

	"github.com/dockerfile-ls/dockerfile-ls/buildcontext"
	"github.com/dockerfile-ls/dockerfile-ls/cache"
	"github.com/dockerfile-ls/dockerfile-ls/dockerfile"
	"github.com/dockerfile-ls/dockerfile-ls/pkgmgr"
)

var copyBeforeInstall = &Rule{
	Name: "CopyBeforeInstall", Category: Cache, Severity: Warning,
	Summary: "a dependency install runs after a COPY of more than its manifests, so any code change re-installs every dependency",
	DocsURL: DocsBase + "CopyBeforeInstall.md",
	Check:   checkCopyBeforeInstall,
}

// checkCopyBeforeInstall reports, on each dependency install, the broad
// COPY before it in the same stage that makes it re-run on every change.
func checkCopyBeforeInstall(p *Pass) {
	bs := p.state()
	for _, st := range p.Doc.Stages {
		sc := installScope{p: p, bs: bs, depsFirst: map[string]bool{}, fetched: map[string]bool{}}
		for i, inst := range st.Instructions {
			if inst.Keyword == "COPY" || inst.Keyword == "ADD" {
				sc.copied(inst)
				continue
			}
			if inst.Keyword != "RUN" {
				continue
			}
			deps := depsOf(bs, inst, sc.broad == nil)
			inv, ok := deps.install, deps.installs
			if !ok {
				inv, ok = deps.build, deps.builds
			}
			if !ok {
				sc.installedDeps(deps)
				continue
			}
			cause, viaMount := sc.cause(inst), false
			if cause == nil && inv.Action != pkgmgr.Build && bindsWholeContext(mounts(bs, inst)) {
				cause, viaMount = inst, true
			}
			if cause == nil {
				sc.installedDeps(deps)
				continue
			}
			if !viaMount && !sc.applies(inst, inv) {
				continue
			}
			fix, movesOnly := &FixData{Kind: CopyManifestsFirst, Refused: "the install reads the whole context through a bind mount: mount only the manifests"}, 0
			if !viaMount {
				fix, movesOnly = manifestsFirstFix(p, cause, inst, inv, sc.workdirs(st))
			}
			p.Report(inst.Span, copyBeforeInstallMessage(p, st, i, inst, cause, inv, viaMount, movesOnly),
				[]Related{{Span: cause.Span, Message: "this brings the whole build context (or a folder of it) into the build before the install"}}, fix)
		}
	}
}

// runDeps is what a RUN does with a project's dependencies, found in one
// pass over its invocations (the rule asks for every RUN on every
// keystroke).
type runDeps struct {
	install  pkgmgr.Invocation // the first install or download from manifests
	build    pkgmgr.Invocation // the first build that fetches what it misses
	installs bool
	builds   bool
	conda    bool // conda creates or updates an environment from a file
}

// depsOf classifies the RUN's invocations; conda's only when asked.
func depsOf(st *dockerfile.BuildState, inst *dockerfile.Instruction, withConda bool) runDeps {
	var d runDeps
	run := runOf(st, inst)
	for _, inv := range run.all {
		if !d.installs && manifestInstall(inv) {
			d.install, d.installs = inv, true
		}
		if !d.builds && fetches(inv) {
			d.build, d.builds = inv, true
		}
	}
	if d.builds && len(scratch(st, inst).targets) > 0 {
		d.build, d.builds = pkgmgr.Invocation{}, false // its downloads stay in a cache mount
	}
	if withConda {
		d.conda = slices.ContainsFunc(run.cmds, condaFromFile)
	}
	return d
}

// manifestInstall: a command that installs or downloads dependencies from
// manifests (pip, npm, go mod download, ...).
func manifestInstall(inv pkgmgr.Invocation) bool {
	if inv.Manager == nil || inv.Manager.System || len(inv.Manager.Manifests) == 0 {
		return false
	}
	// Named packages ("pip install flask", "yarn global add x") do not
	// read the manifests; only manifest-driven installs are the point.
	namedOnly := len(inv.Packages) > 0 && len(inv.Files) == 0 && !inv.InstallsProject
	return (inv.Action == pkgmgr.Install || inv.Action == pkgmgr.Download) && !namedOnly
}

// fetches: a build that downloads the project's dependencies when they
// are missing (mvn package, gradle build, dotnet publish, cargo build, go
// build) and has a separate step to download them first; not when it runs
// offline (nor, see depsOf, when it keeps downloads in a cache mount).
func fetches(inv pkgmgr.Invocation) bool {
	if inv.Manager == nil || inv.Action != pkgmgr.Build || inv.Command.AfterOr || downloadStep(inv.Manager) == "" {
		return false
	}
	offline := offlineFlags[inv.Manager.Name]
	return offline != nil && !inv.HasFlag(offline...) && (inv.Manager.Name != "go" || slices.Contains([]string{"build", "run", "test"}, first(inv.Sub)))
}

// offlineFlags are the flags with which a build downloads nothing, for the
// managers whose builds fetch what is missing.
var offlineFlags = map[string][]string{
	"maven": {"-o", "--offline"}, "gradle": {"--offline"}, "dotnet": {"--no-restore"},
	"go": {"-mod=vendor"},
	// Not cargo: `cargo fetch` needs the crate's sources, not only Cargo.toml.
}

func first(ss []string) string {
	if len(ss) == 0 {
		return ""
	}
	return ss[0]
}

// downloadStep is the manager's command that downloads the dependencies
// alone ("mvn dependency:go-offline", "dotnet restore"), "" when none.
func downloadStep(m *pkgmgr.Manager) string {
	for _, a := range m.Actions {
		if a.Kind == pkgmgr.Download && len(a.Sub) > 0 && len(m.Commands) > 0 {
			return strings.Join(append(slices.Clone(m.Commands[0]), a.Sub[0]...), " ")
		}
	}
	return ""
}

// copiesCode: "COPY . .", "COPY src/ .", "ADD . /app" or "COPY app.py ."
// bring code, which changes all the time; "COPY package*.json ./",
// "COPY requirements.txt ." or a config file ("COPY redis.ini /etc/") do
// not. A source that depends on an unknown variable may be anything.
func copiesCode(bctx *buildcontext.Context, cp dockerfile.CopyReads) bool {
	if len(cp.Unresolved) > 0 {
		return true
	}
	for _, src := range cp.Context {
		if !looksLikeManifest(src) && mayHoldCode(bctx, src) {
			return true
		}
	}
	return false
}

// mayHoldCode: a source is a folder, a glob or a file of source code. A
// single file of another kind (redis.ini, environment.yml, an .rpm, a
// package list) is configuration or data: it rarely changes. Without the
// build context, a name without an extension may be a folder.
func mayHoldCode(bctx *buildcontext.Context, src string) bool {
	clean := path.Clean("/" + src)
	if bctx != nil && bctx.Exists(clean[1:]) {
		return bctx.IsDir(clean[1:]) || codeExt[strings.ToLower(path.Ext(clean))]
	}
	ext := path.Ext(clean)
	if ext == "" && conventionalFiles[strings.TrimRight(path.Base(clean), "*")] {
		return false // Makefile, LICENSE: a file, not a folder of code
	}
	return clean == "/" || strings.HasSuffix(src, "/") || ext == "" || codeExt[strings.ToLower(ext)]
}

// codeExt are the extensions of source files.
var codeExt = map[string]bool{
	".py": true, ".js": true, ".mjs": true, ".cjs": true, ".ts": true, ".tsx": true, ".jsx": true, ".vue": true, ".svelte": true,
	".rb": true, ".go": true, ".java": true, ".kt": true, ".scala": true, ".groovy": true, ".php": true, ".cs": true, ".fs": true,
	".vb": true, ".rs": true, ".c": true, ".cc": true, ".cpp": true, ".h": true, ".hpp": true, ".ex": true, ".exs": true,
	".erl": true, ".swift": true, ".pl": true, ".pm": true, ".lua": true, ".r": true, ".html": true, ".css": true, ".scss": true,
	".sh": true, ".dart": true, ".clj": true, ".hs": true, ".ml": true, ".elm": true,
}

// conventionalFiles are names without an extension that are files by
// convention.
var conventionalFiles = map[string]bool{
	"Makefile": true, "Rakefile": true, "Procfile": true, "Dockerfile": true, "Containerfile": true, "Jenkinsfile": true,
	"Vagrantfile": true, "Brewfile": true, "Guardfile": true, "Capfile": true, "Berksfile": true, "Podfile": true,
	"LICENSE": true, "README": true, "VERSION": true, "CHANGELOG": true, "AUTHORS": true, "NOTICE": true, "COPYING": true,
}

// looksLikeManifest: a source naming a single file (or a glob over files)
// that some package manager reads.
func looksLikeManifest(src string) bool {
	base := path.Base(path.Clean("/" + src))
	for _, m := range pkgmgr.Catalog() {
		for _, name := range slices.Concat(m.Manifests, m.Locks, m.Configs) {
			if ok, _ := path.Match(name, base); ok || base == name {
				return true
			}
			if ok, _ := path.Match(base, name); ok && strings.ContainsAny(base, "*?[") {
				return true
			}
		}
	}
	// requirements-dev.txt, or a folder of them (COPY requirements/ ...).
	return strings.HasPrefix(base, "requirements") && (strings.HasSuffix(base, ".txt") || path.Ext(base) == "")
}

// bindsWholeContext: RUN --mount=type=bind with the context root as source.
func bindsWholeContext(ms []dockerfile.Mount) bool {
	for _, m := range ms {
		if m.Type == "bind" && m.From.Name == "" && (m.Source == "" || path.Clean(m.Source) == ".") {
			return true
		}
	}
	return false
}

// copyBeforeInstallMessage says what re-runs the install, and what to do:
// move the COPYs of code below it when the fix only moves them (the
// manifests are copied before it already), else copy the manifests alone
// first.
func copyBeforeInstallMessage(p *Pass, st *dockerfile.Stage, i int, inst, cause *dockerfile.Instruction, inv pkgmgr.Invocation, viaMount bool, movesOnly int) string {
	changed := "the build context"
	if !viaMount {
		changed = changedSources(p, cause)
	}
	if f := exampleSourceFile(p, cause, inv); f != "" {
		changed += fmt.Sprintf(" (e.g. %s)", f)
	}
	step := fmt.Sprintf("step %d/%d", i+1, len(st.Instructions))
	manifests := manifestNames(inv)
	if viaMount {
		return fmt.Sprintf("Any change in the build context%s re-runs %s (%s) because it bind-mounts the whole context. Mount or copy only %s for the install.",
			changed[len("the build context"):], cache.OneLine(p.Doc, inst), step, manifests)
	}
	advice := fmt.Sprintf("Copy %s alone before it.", manifests)
	switch {
	case movesOnly == 1:
		advice = "Move that COPY below it: the install reads none of the files it copies."
	case movesOnly > 1:
		advice = fmt.Sprintf("Move the %d COPYs of code below it: the install reads none of the files they copy.", movesOnly)
	}
	if inv.Action == pkgmgr.Build {
		return fmt.Sprintf("Any change in %s re-runs %s (%s) and its download of every dependency, because %s (line %d) comes first. %s and download them there (`%s`).",
			changed, cache.OneLine(p.Doc, inst), step, cache.OneLine(p.Doc, cause), cause.Line+1, strings.TrimSuffix(advice, "."), downloadStep(inv.Manager))
	}
	msg := fmt.Sprintf("Any change in %s re-runs %s (%s) because %s (line %d) comes first. %s",
		changed, cache.OneLine(p.Doc, inst), step, cache.OneLine(p.Doc, cause), cause.Line+1, advice)
	if inv.InstallsProject {
		msg += " This install also needs the project's sources: install the dependencies from the manifests first, then the project after the full COPY."
	}
	return msg
}

// changedSources names what the COPY brings: "the build context" when it
// copies the context's root or a source with an unknown value, else its
// sources (`index.js`, `src/`), so that a one-file COPY is not called
// the whole context.
func changedSources(p *Pass, cause *dockerfile.Instruction) string {
	cp := p.state().Of(cause).Copy()
	if len(cp.Unresolved) > 0 {
		return "the build context"
	}
	var names []string
	for _, src := range cp.Context {
		if c := path.Clean("/" + src); c == "/" {
			return "the build context"
		}
		names = append(names, src)
	}
	if len(names) > 3 {
		names = append(names[:3], "…")
	}
	return strings.Join(names, ", ")
}

// manifestNames names the files the install reads: those named on its
// command line, else the manager's main manifest and lock file (for pip,
// whose manifest depends on the project, the usual ones).
func manifestNames(inv pkgmgr.Invocation) string {
	var names []string
	switch m := inv.Manager; {
	case len(inv.Files) > 0:
		names = inv.Files
	case m.Name == "pip":
		return "its requirements file (or pyproject.toml)"
	default:
		names = m.Manifests[:1]
		if len(m.Locks) > 0 && m.Name != "dotnet" && m.Name != "gradle" { // their lock files are rare
			names = append(names, m.Locks[0])
		}
	}
	var base []string
	for _, n := range names {
		if b := path.Base(n); !slices.Contains(base, b) {
			base = append(base, b)
		}
	}
	return strings.Join(base, " and ")
}

// exampleSourceFile is a file the broad COPY brings that is not a manifest,
// to make the message concrete; "" without a build context.
func exampleSourceFile(p *Pass, cause *dockerfile.Instruction, inv pkgmgr.Invocation) string {
	if p.Context == nil {
		return ""
	}
	for _, src := range p.state().Of(cause).Copy().Context {
		for _, e := range p.Context.Largest(src, 20) {
			if !e.Mode.IsDir() && !looksLikeManifest(e.Path) && !isBuildFile(e.Path) {
				return e.Path
			}
		}
	}
	return ""
}

// isBuildFile: the Dockerfile and ignore files are in the context too, but
// they make a poor example of "a code change".
func isBuildFile(p string) bool {
	base := path.Base(p)
	return strings.HasPrefix(base, "Dockerfile") || strings.HasSuffix(base, ".Dockerfile") ||
		strings.HasSuffix(base, "ignore") || base == "Containerfile"
}
