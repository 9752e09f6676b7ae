package diagnostics

import (
	"fmt"
	"path"
	"slices"
	"strings"

	"github.com/dockerfile-ls/dockerfile-ls/dockerfile"
	"github.com/dockerfile-ls/dockerfile-ls/pkgmgr"
	"github.com/dockerfile-ls/dockerfile-ls/shell"
)

// What the manifests-first fix asks of the install and of the
// instructions the moved COPYs pass (see copy_before_install_fix.go).

// install lists the manifests the install RUN reads, and checks that its
// other commands read nothing of the sources; a build or a project
// install gets its dependency-only step instead.
func (mf *manifestsFirst) install() string {
	if s := mf.p.Doc.Script(mf.run); s == nil || s.Err != nil || mf.run.JSONForm {
		return "the RUN's script cannot be read in full"
	}
	if len(mf.bs.Of(mf.run).Reads().Context) > 0 {
		return "the RUN mounts the build context"
	}
	start, ok := mf.workdir(mf.run)
	if !ok {
		return "the working directory depends on a variable without a value"
	}
	composer := mf.inv.Manager.Name == "composer" && composerNeeds(mf.inv) != ""
	if mf.inv.Action == pkgmgr.Build || mf.inv.InstallsProject || composer {
		return mf.dependencyStep(start)
	}
	if len(mf.moved) > 0 && mf.redirectsCopied(mf.run) {
		return "the RUN redirects into or from what the moved COPY brings"
	}
	cmds, installed := commands(mf.bs, mf.run), false
	for i, c := range cmds {
		inv, ok := pkgmgr.Classify(c)
		switch {
		case ok && readsManifests(inv) && !inv.InstallsProject && inv.Action != pkgmgr.Build:
			if why := mf.installFrom(mf.run, inv, start); why != "" {
				return why
			}
			installed = true
		case c.Name() == "cd":
		case !mf.leavesSources(mf.run, c):
			if !installed {
				return fmt.Sprintf("the RUN runs a command that may read the sources before it installs: `%s`", path.Base(c.Name()))
			}
			if why := mf.splitAt(cmds, i); why != "" {
				return why
			}
			return mf.checkFiles()
		}
	}
	return mf.checkFiles()
}

// splitAt splits the install RUN before command i, which may read the
// sources: the install stays above the moved COPYs, the rest of the RUN
// goes below them, in the same folder. Only an && list splits so: the
// shell state of the first part (but its cds) would not reach the rest,
// and a clean-up of the install's cache must stay in the install's layer.
func (mf *manifestsFirst) splitAt(cmds []shell.Command, i int) string {
	c := cmds[i]
	also := fmt.Sprintf("the RUN also runs a command that may read the sources, not after a plain &&: `%s`", path.Base(c.Name()))
	if len(mf.run.Heredocs) > 0 || c.Op != "&&" || c.Sub || c.AfterOr || cmdSpan(mf.run, c) == mf.run.Span {
		return also
	}
	var cds []string
	for _, b := range cmds[:i] {
		switch b.Name() {
		case "cd":
			cds = append(cds, mf.p.Doc.Slice(cmdSpan(mf.run, b)))
		case "export", "source", ".", "set", "umask", "ulimit", "unset", "alias", "shopt":
			return "the RUN sets shell state before the install that the commands after it need"
		}
		if b.Sub || b.AfterOr {
			return also
		}
	}
	for _, r := range cmds[i:] {
		if inv, ok := pkgmgr.Classify(r); ok && inv.Action == pkgmgr.Clean {
			return "the RUN cleans the install's cache after a command that reads the sources"
		}
	}
	mf.split = cmdSpan(mf.run, cmds[i-1]).End
	mf.rest = strings.Join(append(cds, mf.p.Doc.Slice(dockerfile.Span{Start: cmdSpan(mf.run, c).Start, End: mf.run.ArgsSpan.End})), " && ")
	return ""
}

// checkFiles keeps each manifest once, in the order the managers list
// them, and refuses names a COPY line cannot hold unquoted.
func (mf *manifestsFirst) checkFiles() string {
	seen := map[string]bool{}
	mf.files = slices.DeleteFunc(mf.files, func(f manifestFile) bool {
		dup := seen[f.path]
		seen[f.path] = true
		return dup
	})
	for _, f := range mf.files {
		if strings.ContainsAny(f.path, " \t\"'$\\") {
			return fmt.Sprintf("a manifest's name needs quoting: %s", f.path)
		}
	}
	return ""
}

// readsManifests: an install, download or build of a language's
// dependencies that is not of named packages only.
func readsManifests(inv pkgmgr.Invocation) bool {
	if inv.Manager == nil || inv.Manager.System || inv.Action != pkgmgr.Install && inv.Action != pkgmgr.Download && inv.Action != pkgmgr.Build {
		return false
	}
	return inv.InstallsProject || len(inv.Files) > 0 || len(inv.Packages) == 0
}

// installFrom adds the manifests one install of RUN in reads; start is
// the RUN's working directory.
func (mf *manifestsFirst) installFrom(in *dockerfile.Instruction, inv pkgmgr.Invocation, start string) string {
	dir, known := installDirFrom(mf.bs, in, inv, start)
	if !known {
		return "the install's directory depends on a variable without a value"
	}
	if why := localIndex(inv); why != "" {
		return why
	}
	if why := mf.readsProject(inv); why != "" {
		return why
	}
	if len(inv.Files) > 0 {
		return mf.namedFiles(inv, dir)
	}
	return mf.projectFiles(inv, dir, false)
}

// localIndex says why an install that takes packages from a folder it
// names (pip --find-links ./wheels) reads more than its manifests.
func localIndex(inv pkgmgr.Invocation) string {
	for _, f := range []string{"-f", "--find-links", "-i", "--index-url", "--extra-index-url"} {
		if v, ok := inv.Flags[f]; ok && !strings.Contains(v, "://") {
			return fmt.Sprintf("the install takes packages from a folder it names: %s %s", f, v)
		}
	}
	return ""
}

// projectFiles adds the manifests of the project in dir (npm ci, go mod
// download): none when no moved COPY wrote there. depsStep: they are for
// the dependency-only step, which has its own flags.
func (mf *manifestsFirst) projectFiles(inv pkgmgr.Invocation, dir string, depsStep bool) string {
	ctxDir, via, ok := mf.source(dir, true)
	if !ok {
		return "the install reads what a COPY of files or a pattern copies"
	}
	if mf.p.Context == nil {
		// Copied now or by an earlier COPY, the manifests cannot be read.
		mf.assume(manifestChecks[inv.Manager.Name].assumed)
	}
	if via < 0 {
		return ""
	}
	files, why := projectManifests(inv.Manager, inv, depsStep, ctxDir, mf.p.Context)
	mf.add(files, via)
	return why
}

// assume notes what the fix takes as true without the build context,
// which the title says.
func (mf *manifestsFirst) assume(what string) {
	if what != "" && !slices.Contains(mf.assumed, what) {
		mf.assumed = append(mf.assumed, what)
	}
}

// namedFiles adds the files an install names (pip -r requirements.txt).
func (mf *manifestsFirst) namedFiles(inv pkgmgr.Invocation, dir string) string {
	for _, f := range inv.Files {
		if strings.ContainsAny(f, "$`*?[") {
			return "the install names its manifest through a variable or pattern"
		}
		ctx, via, ok := mf.source(resolve(dir, f), false)
		if !ok {
			return "the install reads what a COPY of files or a pattern copies"
		}
		if mf.p.Context == nil && (inv.Manager.Name == "pip" || inv.Manager.Name == "uv") {
			mf.assume(path.Base(f) + " names no other file and no local path")
		}
		if via < 0 {
			continue // an earlier layer holds it
		}
		files, why := namedFile(mf.p.Context, inv.Manager, ctx)
		if why != "" {
			return why
		}
		mf.add(files, via)
	}
	return ""
}

func (mf *manifestsFirst) add(files []manifestFile, via int) {
	for _, f := range files {
		f.via = via
		mf.files = append(mf.files, f)
	}
}

// dependencyStep works out the dependency-only command that runs before
// the moved COPYs, for a build or a project install, and its manifests.
func (mf *manifestsFirst) dependencyStep(start string) string {
	inv := mf.inv
	step, why := dependencyOnly(mf.p.Doc, mf.run, inv)
	if why != "" {
		return why
	}
	var parts []string
	for _, c := range commands(mf.bs, mf.run) {
		if c.Start >= inv.Command.Start {
			break
		}
		if !stepSetup(c) || c.AfterOr || c.Sub {
			return fmt.Sprintf("the RUN runs another command before the %s: `%s`", inv.Manager.Name, path.Base(c.Name()))
		}
		parts = append(parts, mf.p.Doc.Slice(cmdSpan(mf.run, c)))
	}
	mf.step = strings.Join(append(parts, step), " && ")
	dir, known := installDirFrom(mf.bs, mf.run, inv, start)
	if !known {
		return "the install's directory depends on a variable without a value"
	}
	if len(inv.Files) > 0 {
		return mf.namedFiles(inv, dir)
	}
	if why := mf.projectFiles(inv, dir, true); why != "" {
		return why
	}
	if len(mf.files) == 0 && !mf.copiedBefore(dir, inv.Manager) {
		return "the moved COPYs bring no manifest for the dependency-only step to read"
	}
	return mf.checkFiles()
}

// copiedBefore: a COPY of the stage that stays before the install put the
// manager's main manifest in dir (COPY pom.xml . before COPY src ./src).
func (mf *manifestsFirst) copiedBefore(dir string, m *pkgmgr.Manager) bool {
	for _, in := range mf.p.Doc.Stages[mf.run.Stage].Instructions {
		if in.Span.Start >= mf.run.Span.Start || (in.Keyword != "COPY" && in.Keyword != "ADD") || mf.isMoved(in) {
			continue
		}
		c := mf.bs.Of(in).Copy()
		wd, ok := mf.workdir(in)
		if !ok || !c.Dest.Known || c.From.Name != "" {
			continue
		}
		for _, l := range mf.landings(c, resolve(wd, c.Dest.Text)) {
			if ok, _ := path.Match(m.Manifests[0], path.Base(l)); ok && path.Dir(l) == dir {
				return true
			}
		}
	}
	return false
}

// stepSetup: a command before a build or project install that the
// dependency-only step runs too, since the install may need what it sets,
// and that can run twice: cd, export, a manager's configuration.
func stepSetup(c shell.Command) bool {
	switch path.Base(c.Name()) {
	case "cd", "export", "source", ".", "set":
		return true
	}
	return len(c.Args) > 1 && slices.Contains(quietSubcommands[path.Base(c.Name())], c.Args[1].Value)
}

// composerDepsFlags are the flags with which composer install reads
// composer.json and composer.lock alone.
func composerDepsFlags(inv pkgmgr.Invocation) string {
	var out string
	for _, f := range []string{"--no-scripts", "--no-autoloader"} {
		if !inv.HasFlag(f) {
			out += " " + f
		}
	}
	return out
}

// dependencyOnly is the command that installs or downloads what inv
// needs, without the project's sources, as inv would (its environment
// assignments and wrappers kept).
func dependencyOnly(doc *dockerfile.Document, run *dockerfile.Instruction, inv pkgmgr.Invocation) (string, string) {
	span := cmdSpan(run, inv.Command)
	if span == run.Span || len(inv.Command.Args) == 0 {
		return "", "the RUN's script cannot be read in full"
	}
	prefix := doc.Slice(dockerfile.Span{Start: span.Start, End: run.ArgsSpan.Start + inv.Command.Args[0].Start})
	name := path.Base(inv.Command.Name())
	switch m := inv.Manager.Name; {
	case m == "poetry" && inv.Action == pkgmgr.Install:
		return doc.Slice(span) + " --no-root", ""
	case m == "uv" && first(inv.Sub) == "sync":
		return doc.Slice(span) + " --no-install-project", ""
	case m == "pip":
		return "", "pip installs the project from its sources: setup.py's dependencies are known only by running it"
	case m == "composer" && first(inv.Sub) == "install":
		// The step would be `composer install --no-scripts
		// --no-autoloader` (composerDepsFlags), the vendor folder alone,
		// before the full COPY. Not offered: no real build here can prove
		// it (composer fetches from Packagist), and a fix is offered only
		// once proven (docs/proofs.md).
		return "", "composer needs a dependency-only step first (composer install" + composerDepsFlags(inv) + "), which no real build here has proven yet: make it by hand"
	case m == "composer":
		return "", "composer update resolves the versions again when run twice: copy composer.lock and run composer install"
	case inv.Action != pkgmgr.Build:
		return "", fmt.Sprintf("the install needs the project's sources: %s", m)
	case m == "go" && name == "go":
		return prefix + "go mod download", ""
	case m == "maven" && name == "mvn" && !inv.HasFlag("-s", "--settings", "-f", "--file", "-pl", "--projects", "-P"):
		return prefix + "mvn dependency:go-offline", ""
	case m == "dotnet" && len(inv.Files) == 0:
		return prefix + "dotnet restore", ""
	case m == "gradle":
		return "", "a Gradle build reads more than its build files (buildSrc, the wrapper, included builds)"
	}
	return "", fmt.Sprintf("no dependency-only step is written for this build: %s", name)
}

// between checks the instructions the moved COPYs pass, and where each
// must then write.
func (mf *manifestsFirst) between() string {
	for _, in := range mf.betweenInstructions(false) {
		if mf.isMoved(in) {
			continue
		}
		if why := mf.movesPast(in); why != "" {
			return why
		}
	}
	for i := range mf.moved {
		if why := mf.landing(&mf.moved[i]); why != "" {
			return why
		}
	}
	return ""
}

func (mf *manifestsFirst) isMoved(in *dockerfile.Instruction) bool {
	return slices.ContainsFunc(mf.moved, func(m movedCopy) bool { return m.in == in })
}

// movesPast says why the moved COPYs cannot pass in, if they cannot.
func (mf *manifestsFirst) movesPast(in *dockerfile.Instruction) string {
	switch in.Keyword {
	case "ENV", "ARG", "USER", "SHELL", "WORKDIR", "LABEL", "EXPOSE", "CMD", "ENTRYPOINT", "HEALTHCHECK", "STOPSIGNAL", "MAINTAINER", "ONBUILD":
		return ""
	case "COPY", "ADD":
		for _, m := range mf.moved {
			if m.in.Span.Start < in.Span.Start && !mf.sameFiles(in, m) && !mf.disjointNames(in, m) {
				return fmt.Sprintf("another COPY writes where a moved COPY does: line %d", in.Line+1)
			}
		}
		return ""
	case "RUN":
		return mf.runPassed(in)
	}
	return fmt.Sprintf("an instruction between is not handled: %s, line %d", in.Keyword, in.Line+1)
}

// runPassed: a RUN the moved COPYs pass reads nothing they copy.
func (mf *manifestsFirst) runPassed(in *dockerfile.Instruction) string {
	x := mf.bs.Of(in)
	if !slices.ContainsFunc(mf.moved, func(m movedCopy) bool { return m.in.Span.Start < in.Span.Start && x.DependsOn(m.in) }) {
		return ""
	}
	if len(x.Reads().Context) > 0 {
		return fmt.Sprintf("a RUN between mounts the build context: line %d", in.Line+1)
	}
	if s := mf.bs.Script(in); s == nil || s.Err != nil {
		// A shell that is not POSIX (SHELL ["pwsh", ...]) or a script
		// that does not parse: its commands are not known.
		return fmt.Sprintf("a RUN between may read the copied files: its script cannot be read, line %d", in.Line+1)
	}
	if mf.redirectsCopied(in) {
		return fmt.Sprintf("a RUN between redirects into or from what the COPY brings: line %d", in.Line+1)
	}
	wd, ok := mf.workdir(in)
	for _, c := range commands(mf.bs, in) {
		if inv, isInstall := pkgmgr.Classify(c); isInstall && ok && readsManifests(inv) && !inv.InstallsProject && inv.Action != pkgmgr.Build {
			// Another install from manifests: they come first too.
			if why := mf.installFrom(in, inv, wd); why != "" {
				return why
			}
			continue
		}
		if c.Name() != "cd" && !mf.leavesSources(in, c) {
			return fmt.Sprintf("a RUN between may read the copied files: `%s`, line %d", path.Base(c.Name()), in.Line+1)
		}
	}
	return ""
}

// disjointNames: a COPY between and moved COPY m write into the same
// folder names that no name matches both of (COPY *.json /app/ and COPY
// *.js /app/; COPY *.py /app/ and COPY templates /app/templates), so their
// order does not matter.
func (mf *manifestsFirst) disjointNames(in *dockerfile.Instruction, m movedCopy) bool {
	dir, names, ok := mf.topNames(in)
	if m.src != "" {
		if !ok || path.Dir(m.dest) != dir {
			return false
		}
		return namesDisjoint(names, []string{path.Base(m.dest)})
	}
	mdir, mnames, mok := mf.topNames(m.in)
	return ok && mok && dir == mdir && namesDisjoint(names, mnames)
}

// topNames is the folder a COPY of files (or patterns over files) writes
// into and the names, or patterns, of what it writes there.
func (mf *manifestsFirst) topNames(in *dockerfile.Instruction) (string, []string, bool) {
	c := mf.bs.Of(in).Copy()
	wd, ok := mf.workdir(in)
	intoDir := len(c.Context) > 1 || strings.HasSuffix(c.Dest.Text, "/") || path.Base(c.Dest.Text) == "."
	if !ok || !c.Dest.Known || c.Dest.Truncated || !intoDir || len(c.Unresolved) > 0 || c.From.Name != "" || len(c.Context) == 0 {
		return "", nil, false
	}
	var names []string
	for _, src := range c.Context {
		if mf.isFolder(src) || mf.globsFolder(src) {
			return "", nil, false
		}
		names = append(names, path.Base(src))
	}
	return resolve(wd, c.Dest.Text), names, true
}

// globsFolder: with the context on disk, a pattern matches a folder, whose
// contents a COPY writes in place of it.
func (mf *manifestsFirst) globsFolder(src string) bool {
	if mf.p.Context == nil || !strings.ContainsAny(src, "*?[") {
		return false
	}
	return slices.ContainsFunc(mf.p.Context.Glob(path.Clean(src)), mf.p.Context.IsDir)
}

// namesDisjoint: no name matches a name or pattern of a and one of b.
func namesDisjoint(a, b []string) bool {
	for _, x := range a {
		for _, y := range b {
			if mayMatchSame(x, y) {
				return false
			}
		}
	}
	return true
}

// mayMatchSame: some name may match both x and y, each a name or a
// pattern. Two patterns are told apart only by a literal start or end
// (*.js and *.json, app-* and lib-*).
func mayMatchSame(x, y string) bool {
	const meta = "*?["
	xLit, yLit := !strings.ContainsAny(x, meta), !strings.ContainsAny(y, meta)
	switch {
	case strings.Contains(x+y, "\\"):
		return true // an escape: not worth reading
	case xLit && yLit:
		return x == y
	case xLit:
		ok, err := path.Match(y, x)
		return ok || err != nil
	case yLit:
		ok, err := path.Match(x, y)
		return ok || err != nil
	}
	xp, yp := x[:strings.IndexAny(x, meta)], y[:strings.IndexAny(y, meta)]
	xs, ys := x[strings.LastIndexAny(x, "*?]")+1:], y[strings.LastIndexAny(y, "*?]")+1:]
	prefixes := strings.HasPrefix(xp, yp) || strings.HasPrefix(yp, xp)
	suffixes := strings.HasSuffix(xs, ys) || strings.HasSuffix(ys, xs)
	return prefixes && suffixes
}

// sameFiles: a COPY between that writes where moved COPY m does writes
// there the very files m copies (COPY requirements.txt /app/ after
// COPY . /app), so their order does not matter.
func (mf *manifestsFirst) sameFiles(in *dockerfile.Instruction, m movedCopy) bool {
	c := mf.bs.Of(in).Copy()
	wd, ok := mf.workdir(in)
	if !ok || !c.Dest.Known || c.Dest.Truncated {
		return false
	}
	dest := resolve(wd, c.Dest.Text)
	lands := mf.landings(c, dest)
	if lands == nil {
		lands = []string{dest}
	}
	if !slices.ContainsFunc(m.writes(), func(w string) bool {
		return slices.ContainsFunc(lands, func(l string) bool { return overlaps(l, w) })
	}) {
		return true
	}
	if m.src == "" || len(c.Unresolved) > 0 || c.From.Name != "" || len(c.Context) == 0 {
		return false
	}
	intoDir := len(c.Context) > 1 || strings.HasSuffix(c.Dest.Text, "/") || c.Dest.Text == "."
	for _, s := range c.Context {
		rel := relTo(m.src, path.Clean(s))
		landing := dest
		if intoDir && !mf.isFolder(s) {
			landing = path.Join(dest, path.Base(s))
		}
		if strings.ContainsAny(s, "*?[") || rel == ".." || path.Join(m.dest, rel) != landing {
			return false
		}
	}
	return true
}

// landing checks that moved COPY m reads the same variables below the
// install, and gives it its absolute destination when a WORKDIR between
// changes what its relative one means.
func (mf *manifestsFirst) landing(m *movedCopy) string {
	x := mf.bs.Of(m.in)
	for _, v := range x.Reads().Vars {
		if now, _ := mf.bs.Of(mf.run).Lookup(v.Name); now.Decl != v.Decl {
			return fmt.Sprintf("a variable the COPY reads is set again before the install: $%s", v.Name)
		}
	}
	wd, ok := mf.workdir(mf.run)
	if !ok {
		return "the working directory depends on a variable without a value"
	}
	if resolve(wd, x.Copy().Dest.Text) == m.dest {
		return ""
	}
	if under(m.dest, baseWorkdir) {
		return "a WORKDIR between moves the COPY's destination, relative to the base image's unknown working directory"
	}
	m.movedTo = m.dest
	return ""
}

// leavesSources: command c of RUN in reads nothing the moved COPYs bring:
// it names no path they write, and is a command that reads no file it
// does not name (a system package install, mkdir, useradd...).
func (mf *manifestsFirst) leavesSources(in *dockerfile.Instruction, c shell.Command) bool {
	if inv, ok := pkgmgr.Classify(c); ok && inv.Manager != nil {
		named := inv.Action == pkgmgr.Install && !readsManifests(inv) && !writesProject(inv)
		return inv.Manager.System || named || inv.Action == pkgmgr.Clean || inv.Action == pkgmgr.Update
	}
	if shellWrapper(c) || pipedShell(c) {
		return true // the commands of its script, or the one piping it, are checked on their own
	}
	if !quietCommand(c) {
		return false
	}
	pl := placeOf(mf.bs, in)
	wd, ok := mf.dirAt(in, c)
	skip, files := fileCommands[path.Base(c.Name())]
	for i, w := range c.Args[1:] {
		v, known := pl.word(w)
		if !known || !ok {
			return false
		}
		flag := strings.HasPrefix(v, "-")
		if flag {
			_, v, _ = strings.Cut(v, "=")
		}
		named := files && !flag && i >= skip // rm -rf node_modules
		if v == "" || strings.Contains(v, "://") || !named && !strings.ContainsAny(v, "/.~") {
			continue
		}
		if strings.HasPrefix(v, "~") {
			if v, known = pl.abs(v); !known {
				return false
			}
		}
		if mf.writesAt(resolve(wd, v)) {
			return false
		}
	}
	return true
}

// quietCommands read no file they do not name (their arguments are
// checked), so they read no source code by themselves.
var quietCommands = map[string]bool{
	"cd": true, "mkdir": true, "echo": true, "printf": true, "export": true, "set": true, "true": true, ":": true,
	"ln": true, "chmod": true, "chown": true, "chgrp": true, "rm": true, "cp": true, "mv": true, "touch": true,
	"useradd": true, "adduser": true, "groupadd": true, "addgroup": true, "usermod": true, "apt-key": true,
	"curl": true, "wget": true, "tar": true, "unzip": true, "gunzip": true, "sed": true, "update-ca-certificates": true,
	"locale-gen": true, "localedef": true, "ldconfig": true, "update-alternatives": true, "dpkg-reconfigure": true,
	"virtualenv": true, "corepack": true, "gpg": true, "sleep": true, "umask": true, "ulimit": true, "which": true,
	"source": true, ".": true, "cat": true, "ls": true, "ssh-keyscan": true, "[": true, "test": true,
}

// quietSubcommands are the commands whose first word makes them quiet:
// configuration, a virtual environment.
var quietSubcommands = map[string][]string{
	"npm": {"config", "cache"}, "yarn": {"config", "cache"}, "pnpm": {"config"}, "pip": {"config"}, "pip3": {"config"}, "poetry": {"config"},
	"bundle": {"config"}, "composer": {"config"}, "go": {"env", "version"}, "git": {"config"}, "conda": {"config"},
	"mix": {"local.hex", "local.rebar"}, "node": {"--version", "-v"}, "gem": {"update"},
}

// shellWrapper: `sh -c script`, `bash --login -c script`.
func shellWrapper(c shell.Command) bool {
	if name := path.Base(c.Name()); name != "sh" && name != "bash" {
		return false
	}
	for _, w := range c.Args[1:] {
		if w.Value == "-c" {
			return true
		}
		if !strings.HasPrefix(w.Value, "-") {
			return false
		}
	}
	return false
}

// pipedShell: a shell that runs the script piped into it (`curl -sL
// https://deb.nodesource.com/setup_20.x | bash -`): what it reads is the
// piping command's, which is checked on its own.
func pipedShell(c shell.Command) bool {
	if name := path.Base(c.Name()); c.Op != "|" || name != "sh" && name != "bash" && name != "dash" {
		return false
	}
	for _, w := range c.Args[1:] {
		if w.Value == "-s" || w.Value == "--" {
			return true // the words after it are the script's arguments
		}
		if !strings.HasPrefix(w.Value, "-") || w.Value == "-c" {
			return false
		}
	}
	return true
}

func quietCommand(c shell.Command) bool {
	name := path.Base(c.Name())
	if quietCommands[name] {
		return true
	}
	if len(c.Args) < 2 {
		return false
	}
	arg := c.Args[1].Value
	if strings.HasPrefix(name, "python") && len(c.Args) > 2 && arg == "-m" {
		return c.Args[2].Value == "venv" || c.Args[2].Value == "virtualenv"
	}
	return slices.Contains(quietSubcommands[name], arg)
}
