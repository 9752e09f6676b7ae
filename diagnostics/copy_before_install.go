package diagnostics

import (
	"fmt"
	"path"
	"slices"
	"strconv"
	"strings"

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
		var broad *dockerfile.Instruction // the first COPY/ADD of more than manifests so far
		for i, inst := range st.Instructions {
			if inst.Keyword == "COPY" || inst.Keyword == "ADD" {
				if broad == nil && copiesMoreThanManifests(bs.Of(inst).Copy()) {
					broad = inst
				}
				continue
			}
			if inst.Keyword != "RUN" {
				continue
			}
			inv, ok := dependencyInstall(bs, inst)
			if !ok {
				continue
			}
			cause, viaMount := broad, false
			if cause == nil && bindsWholeContext(mounts(bs, inst)) {
				cause, viaMount = inst, true
			}
			if cause == nil {
				continue
			}
			var fix *FixData
			if !viaMount && !inv.InstallsProject {
				fix = &FixData{Kind: CopyManifestsFirst, Args: map[string]string{
					"copy": strconv.Itoa(cause.Span.Start), "run": strconv.Itoa(inst.Span.Start)}}
			}
			p.Report(inst.Span, copyBeforeInstallMessage(p, st, i, inst, cause, inv, viaMount),
				[]Related{{Span: cause.Span, Message: "this brings the whole build context (or a folder of it) into the build before the install"}}, fix)
		}
	}
}

// dependencyInstall is the first command of the RUN that installs or
// downloads dependencies from manifests (pip, npm, go mod download, ...).
func dependencyInstall(st *dockerfile.BuildState, inst *dockerfile.Instruction) (pkgmgr.Invocation, bool) {
	for _, inv := range allInvocations(st, inst) {
		if inv.Manager == nil || inv.Manager.System || len(inv.Manager.Manifests) == 0 {
			continue
		}
		// Named packages ("pip install flask", "yarn global add x") do not
		// read the manifests; only manifest-driven installs are the point.
		namedOnly := len(inv.Packages) > 0 && len(inv.Files) == 0 && !inv.InstallsProject
		if (inv.Action == pkgmgr.Install || inv.Action == pkgmgr.Download) && !namedOnly {
			return inv, true
		}
	}
	return pkgmgr.Invocation{}, false
}

// copiesMoreThanManifests: "COPY . .", "COPY src/ ." or "ADD . /app" bring
// more than a package manager's manifests; "COPY package*.json ./" or
// "COPY requirements.txt ." do not. A source that depends on an unknown
// variable may be anything.
func copiesMoreThanManifests(cp dockerfile.CopyReads) bool {
	for _, src := range slices.Concat(cp.Context, cp.Unresolved) {
		if !looksLikeManifest(src) {
			return true
		}
	}
	return false
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
	return strings.HasPrefix(base, "requirements") && strings.HasSuffix(base, ".txt")
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

func copyBeforeInstallMessage(p *Pass, st *dockerfile.Stage, i int, inst, cause *dockerfile.Instruction, inv pkgmgr.Invocation, viaMount bool) string {
	example := ""
	if f := exampleSourceFile(p, cause, inv); f != "" {
		example = fmt.Sprintf(" (e.g. %s)", f)
	}
	step := fmt.Sprintf("step %d/%d", i+1, len(st.Instructions))
	manifests := manifestNames(inv)
	if viaMount {
		return fmt.Sprintf("Any change in the build context%s re-runs %s (%s) because it bind-mounts the whole context. Mount or copy only %s for the install.",
			example, cache.OneLine(p.Doc, inst), step, manifests)
	}
	msg := fmt.Sprintf("Any change in the build context%s re-runs %s (%s) because %s (line %d) comes first. Copy %s alone before it.",
		example, cache.OneLine(p.Doc, inst), step, cache.OneLine(p.Doc, cause), cause.Line+1, manifests)
	if inv.InstallsProject {
		msg += " This install also needs the project's sources: install the dependencies from the manifests first, then the project after the full COPY."
	}
	return msg
}

// manifestNames names the files the install reads: those named on its
// command line, else the manager's manifests that exist in the context.
func manifestNames(inv pkgmgr.Invocation) string {
	names := inv.Files
	if len(names) == 0 {
		names = inv.Manager.Manifests
		if len(names) > 2 {
			names = names[:2]
		}
	}
	var base []string
	for _, n := range names {
		base = append(base, path.Base(n))
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
