package diagnostics

import (
	"fmt"
	"path"
	"slices"
	"strings"

	"github.com/dockerfile-ls/dockerfile-ls/cache"
	"github.com/dockerfile-ls/dockerfile-ls/dockerfile"
	"github.com/dockerfile-ls/dockerfile-ls/pkgmgr"
	"github.com/dockerfile-ls/dockerfile-ls/shell"
)

// The manifests-first fix of CopyBeforeInstall, worked out by the rule so
// that a finding without it says why (FixData.Refused). It rewrites
//
//	COPY . /app                    COPY requirements.txt /app/
//	ENV PIP_NO_CACHE_DIR=1    →    ENV PIP_NO_CACHE_DIR=1
//	RUN pip install -r ...         RUN pip install -r ...
//	                               COPY . /app
//
// The install keeps what it depends on before it (ENV, WORKDIR, USER, an
// apt RUN); the full COPY moves below it, its destination resolved to the
// same absolute path, past instructions that do not read what it copies.
// The image's files stay identical when the install reads nothing of the
// context but the manifests it is given.

// baseWorkdir stands for the base image's working directory, unknown
// offline, in the paths of a stage that sets no absolute WORKDIR: paths
// relative to it compare with each other, never with absolute ones.
const baseWorkdir = "/.base-image-workdir"

// manifestsFirst is the fix of one finding being worked out.
type manifestsFirst struct {
	p       *Pass
	bs      *dockerfile.BuildState
	cp, run *dockerfile.Instruction
	src     string // the COPY's one source, relative to the context root
	dest    string // where it lands (see baseWorkdir)
	destArg dockerfile.Word
	movedTo string // the destination the moved COPY must name; "" keeps it
	files   []manifestFile
}

// manifestsFirstFix is the finding's fix, or why there is none.
func manifestsFirstFix(p *Pass, cp, run *dockerfile.Instruction) *FixData {
	mf := &manifestsFirst{p: p, bs: p.state(), cp: cp, run: run}
	for _, step := range []func() string{mf.source, mf.between, mf.install} {
		if why := step(); why != "" {
			return &FixData{Kind: CopyManifestsFirst, Refused: why}
		}
	}
	title := fmt.Sprintf("Copy %s first, then install, then %s", strings.Join(mf.names(), " and "), strings.Trim(cache.OneLine(p.Doc, cp), "`"))
	return &FixData{Kind: CopyManifestsFirst, Args: map[string]string{"title": title, "edits": encodeEdits(mf.edits())}}
}

// source reads the broad COPY: one folder of the context, into a known
// destination.
func (mf *manifestsFirst) source() string {
	c := mf.bs.Of(mf.cp).Copy()
	switch {
	case len(c.Unresolved) > 0 || !c.Dest.Known || c.Dest.Truncated:
		return "the COPY depends on a variable without a value"
	case len(c.Context) != 1:
		return "the COPY has several sources"
	case strings.ContainsAny(c.Context[0], "*?["):
		return "the COPY's source is a pattern"
	case mf.cp.JSONForm || len(mf.cp.Heredocs) > 0 || hasFlag(mf.cp.Flags, "parents"):
		return "the COPY's form (JSON, heredoc or --parents) is not handled"
	}
	mf.src = path.Clean(c.Context[0])
	if !mf.isFolder(c.Context[0]) {
		return "the COPY copies a file, not a folder holding the manifests"
	}
	wd, ok := mf.workdir(mf.cp)
	if !ok {
		return "the working directory depends on a variable without a value"
	}
	mf.dest = resolve(wd, c.Dest.Text)
	mf.destArg = mf.cp.Args[len(mf.cp.Args)-1]
	return ""
}

// isFolder: the source is a folder (the context says so, or its name).
func (mf *manifestsFirst) isFolder(src string) bool {
	if bctx := mf.p.Context; bctx != nil {
		return bctx.IsDir(mf.src)
	}
	base := path.Base(mf.src)
	return mf.src == "." || strings.HasSuffix(src, "/") || path.Ext(base) == "" && !conventionalFiles[base]
}

// workdir is the working directory of in, rooted at baseWorkdir when no
// absolute WORKDIR sets it.
func (mf *manifestsFirst) workdir(in *dockerfile.Instruction) (string, bool) {
	wd := mf.bs.Of(in).Workdir()
	if !wd.Known || wd.Truncated {
		return "", false
	}
	if setsWorkdir(mf.bs, in) {
		return wd.Text, true
	}
	return path.Join(baseWorkdir, wd.Text), true
}

// setsWorkdir: a WORKDIR of in's stage, or of a stage it is built FROM,
// sets an absolute directory before in.
func setsWorkdir(st *dockerfile.BuildState, in *dockerfile.Instruction) bool {
	for stage := st.Document().Stages[in.Stage]; stage != nil; stage = st.StageParent(stage) {
		for _, w := range stage.Instructions {
			if w.Span.Start >= in.Span.Start {
				break
			}
			if args := st.Of(w).Args(); w.Keyword == "WORKDIR" && len(args) > 0 && path.IsAbs(args[0].Text) {
				return true
			}
		}
	}
	return false
}

// between checks the instructions the full COPY moves past, and where it
// must then write.
func (mf *manifestsFirst) between() string {
	for _, in := range mf.p.Doc.Stages[mf.cp.Stage].Instructions {
		if in.Span.Start <= mf.cp.Span.Start || in.Span.Start >= mf.run.Span.Start {
			continue
		}
		if why := mf.movesPast(in); why != "" {
			return why
		}
	}
	for _, v := range mf.bs.Of(mf.cp).Reads().Vars {
		if now, _ := mf.bs.Of(mf.run).Lookup(v.Name); now.Decl != v.Decl {
			return fmt.Sprintf("a variable the COPY reads is set again before the install: $%s", v.Name)
		}
	}
	wd, ok := mf.workdir(mf.run)
	if !ok {
		return "the working directory depends on a variable without a value"
	}
	if resolve(wd, mf.destArg.Value) == mf.dest {
		return ""
	}
	if under(mf.dest, baseWorkdir) {
		return "a WORKDIR moves the install away from the base image's working directory, which is unknown"
	}
	mf.movedTo = mf.dest
	return ""
}

// movesPast says why the full COPY cannot move below in, if it cannot.
func (mf *manifestsFirst) movesPast(in *dockerfile.Instruction) string {
	switch in.Keyword {
	case "ENV", "ARG", "USER", "SHELL", "WORKDIR", "LABEL", "EXPOSE", "CMD", "ENTRYPOINT", "HEALTHCHECK", "STOPSIGNAL", "MAINTAINER", "ONBUILD":
		return ""
	case "COPY", "ADD":
		wd, ok := mf.workdir(in)
		dest := mf.bs.Of(in).Copy().Dest
		if !ok || !dest.Known || overlaps(resolve(wd, dest.Text), mf.dest) {
			return fmt.Sprintf("another COPY writes where the full COPY does: line %d", in.Line+1)
		}
		return ""
	case "RUN":
		if !mf.bs.Of(in).DependsOn(mf.cp) {
			return ""
		}
		if len(mf.bs.Of(in).Reads().Context) > 0 {
			return fmt.Sprintf("a RUN between mounts the build context: line %d", in.Line+1)
		}
		for _, c := range commands(mf.bs, in) {
			if !mf.leavesSources(in, c) {
				return fmt.Sprintf("a RUN between may read the copied files: `%s`, line %d", c.Name(), in.Line+1)
			}
		}
		return ""
	}
	return fmt.Sprintf("an instruction between is not handled: %s, line %d", in.Keyword, in.Line+1)
}

// install lists the manifests the install RUN reads, and checks that its
// other commands read nothing of the sources.
func (mf *manifestsFirst) install() string {
	if s := mf.p.Doc.Script(mf.run); s == nil || s.Err != nil {
		return "the RUN's script cannot be read in full"
	}
	if len(mf.bs.Of(mf.run).Reads().Context) > 0 {
		return "the RUN mounts the build context"
	}
	start, ok := mf.workdir(mf.run)
	if !ok {
		return "the working directory depends on a variable without a value"
	}
	found := false
	for _, c := range commands(mf.bs, mf.run) {
		inv, ok := pkgmgr.Classify(c)
		if ok && readsManifests(inv) {
			if why := mf.installFrom(inv, start); why != "" {
				return why
			}
			found = true
			continue
		}
		if c.Name() != "cd" && !mf.leavesSources(mf.run, c) {
			return fmt.Sprintf("the RUN also runs a command that may read the sources: `%s`", c.Name())
		}
	}
	if !found {
		return "no install from manifests in the RUN"
	}
	slices.SortFunc(mf.files, func(a, b manifestFile) int { return strings.Compare(a.path, b.path) })
	mf.files = slices.CompactFunc(mf.files, func(a, b manifestFile) bool { return a.path == b.path })
	for _, f := range mf.files {
		if strings.ContainsAny(f.path, " \t\"'$\\") {
			return fmt.Sprintf("a manifest's name needs quoting: %s", f.path)
		}
	}
	return ""
}

// readsManifests: an install or download of a language's dependencies that
// is not of named packages only.
func readsManifests(inv pkgmgr.Invocation) bool {
	if inv.Manager == nil || inv.Manager.System || inv.Action != pkgmgr.Install && inv.Action != pkgmgr.Download && inv.Action != pkgmgr.Build {
		return false
	}
	return inv.InstallsProject || len(inv.Files) > 0 || len(inv.Packages) == 0
}

// installFrom adds the manifests one install reads.
func (mf *manifestsFirst) installFrom(inv pkgmgr.Invocation, start string) string {
	if inv.InstallsProject || inv.Action == pkgmgr.Build {
		return projectInstallRefusal(inv)
	}
	dir, known := installDirFrom(mf.bs, mf.run, inv, start)
	if !known {
		return "the install's directory depends on a variable without a value"
	}
	if len(inv.Files) > 0 {
		return mf.namedFiles(inv, dir)
	}
	ctxDir, ok := mf.contextPath(dir)
	if !ok {
		return "the install runs outside what the COPY copies"
	}
	files, why := projectManifests(inv.Manager, inv, ctxDir, mf.p.Context)
	mf.files = append(mf.files, files...)
	return why
}

// namedFiles adds the files an install names (pip -r requirements.txt).
func (mf *manifestsFirst) namedFiles(inv pkgmgr.Invocation, dir string) string {
	for _, f := range inv.Files {
		if strings.ContainsAny(f, "$`*?[") {
			return "the install names its manifest through a variable or pattern"
		}
		ctx, ok := mf.contextPath(resolve(dir, f))
		if !ok {
			return "the install reads a manifest from outside what the COPY copies"
		}
		files, why := namedFile(mf.p.Context, inv.Manager, ctx)
		if why != "" {
			return why
		}
		mf.files = append(mf.files, files...)
	}
	return ""
}

// projectInstallRefusal says why an install of the project itself, or a
// build, gets no fix: its dependencies are known from its sources only.
func projectInstallRefusal(inv pkgmgr.Invocation) string {
	switch inv.Manager.Name {
	case "poetry":
		return "poetry installs the project too: `poetry install --no-root` installs only its dependencies"
	case "uv":
		return "uv installs the project too: `uv sync --no-install-project` installs only its dependencies"
	case "pip":
		return "pip installs the project from its sources (setup.py's dependencies are known only by running it)"
	}
	if inv.Action == pkgmgr.Build {
		return fmt.Sprintf("the build downloads what it needs: a separate download step is not written for it: %s", inv.Manager.Name)
	}
	return fmt.Sprintf("the install needs the project's sources: %s", inv.Manager.Name)
}

// contextPath maps a path in the image, at or under the COPY's
// destination, to the context path the COPY took it from.
func (mf *manifestsFirst) contextPath(imagePath string) (string, bool) {
	if !under(imagePath, mf.dest) {
		return "", false
	}
	return path.Join(mf.src, strings.TrimPrefix(strings.TrimPrefix(imagePath, mf.dest), "/")), true
}

// resolve is p as seen from dir: an absolute p stands alone.
func resolve(dir, p string) string {
	if path.IsAbs(p) {
		return path.Clean(p)
	}
	return path.Join(dir, p)
}

// overlaps: a and b are the same path or one holds the other.
func overlaps(a, b string) bool { return under(a, b) || under(b, a) }

// names are the base names of the manifests, for the title.
func (mf *manifestsFirst) names() []string {
	var out []string
	for _, f := range mf.files {
		if b := path.Base(f.path); !slices.Contains(out, b) {
			out = append(out, b)
		}
	}
	return out
}

// leavesSources: command c of RUN in reads nothing the full COPY brings:
// it names no path in its destination, and is a command that reads no
// file it does not name (a system package install, mkdir, useradd...).
func (mf *manifestsFirst) leavesSources(in *dockerfile.Instruction, c shell.Command) bool {
	if inv, ok := pkgmgr.Classify(c); ok && inv.Manager != nil {
		named := inv.Action == pkgmgr.Install && !readsManifests(inv)
		return inv.Manager.System || named || inv.Action == pkgmgr.Clean || inv.Action == pkgmgr.Update
	}
	if !quietCommand(c) {
		return false
	}
	pl := placeOf(mf.bs, in)
	wd, ok := mf.workdir(in)
	for _, w := range c.Args[1:] {
		v, known := pl.word(w)
		if !known || !ok {
			return false
		}
		if strings.HasPrefix(v, "-") {
			_, v, _ = strings.Cut(v, "=")
		}
		if v == "" || strings.Contains(v, "://") || !strings.ContainsAny(v, "/.~") {
			continue
		}
		if strings.HasPrefix(v, "~") {
			if v, known = pl.abs(v); !known {
				return false
			}
		}
		if overlaps(resolve(wd, v), mf.dest) {
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
	"source": true, ".": true, "cat": true, "ls": true, "ssh-keyscan": true,
}

// quietSubcommands are the commands whose first words make them quiet:
// configuration, a virtual environment.
var quietSubcommands = map[string][]string{
	"npm": {"config"}, "yarn": {"config"}, "pnpm": {"config"}, "pip": {"config"}, "pip3": {"config"}, "poetry": {"config"},
	"bundle": {"config"}, "composer": {"config"}, "go": {"env", "version"}, "git": {"config"}, "conda": {"config"},
	"mix": {"local.hex", "local.rebar"}, "node": {"--version", "-v"}, "gem": {"update"},
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

// edits replace the COPY with the manifests' COPYs and put it back below
// the install.
func (mf *manifestsFirst) edits() []dockerfile.Edit {
	doc := mf.p.Doc
	eol := lineEnding(doc, mf.cp.Line)
	cpStart, cpEnd := blockStart(doc, mf.cp), lineAfter(doc, mf.cp.EndLine)
	moved := doc.Slice(dockerfile.Span{Start: cpStart, End: mf.destArg.Span.Start})
	if mf.movedTo != "" {
		moved += mf.movedTo
		if strings.HasSuffix(mf.destArg.Value, "/") {
			moved += "/"
		}
	} else {
		moved += doc.Slice(mf.destArg.Span)
	}
	moved += strings.TrimRight(doc.Slice(dockerfile.Span{Start: mf.destArg.Span.End, End: cpEnd}), "\r\n") + eol
	runEnd := lineAfter(doc, mf.run.EndLine)
	if runEnd == len(doc.Text) && !strings.HasSuffix(string(doc.Text), "\n") {
		moved = eol + strings.TrimSuffix(moved, eol)
	}
	return []dockerfile.Edit{
		{Start: cpStart, End: cpEnd, Text: strings.Join(mf.copyLines(), eol) + eol},
		{Start: runEnd, End: runEnd, Text: moved},
	}
}

// copyLines are the new COPY instructions: one per source folder, since a
// COPY with several files puts them all in one destination folder. The
// destination is written the way the user wrote theirs: relative to
// WORKDIR or absolute.
func (mf *manifestsFirst) copyLines() []string {
	doc, cp := mf.p.Doc, mf.cp
	prefix := doc.Slice(dockerfile.Span{Start: doc.Lines.Start(cp.Line), End: cp.KeywordSpan.Start}) + doc.Slice(cp.KeywordSpan)
	for _, fl := range cp.Flags {
		prefix += " " + doc.Slice(fl.Span)
	}
	groups := map[string][]string{}
	var dirs []string
	for _, f := range mf.files {
		d := path.Dir(f.path)
		if _, ok := groups[d]; !ok {
			dirs = append(dirs, d)
		}
		groups[d] = append(groups[d], f.source())
	}
	var out []string
	for _, d := range dirs {
		out = append(out, prefix+" "+strings.Join(groups[d], " ")+" "+mf.destText(d, groups[d]))
	}
	return out
}

// destText is the destination of the manifests of context folder d.
func (mf *manifestsFirst) destText(d string, sources []string) string {
	destDir := path.Join(mf.dest, relTo(mf.src, d))
	single := len(sources) == 1 && !strings.ContainsAny(sources[0], "*?[")
	if path.IsAbs(mf.destArg.Value) {
		if single {
			return path.Join(destDir, path.Base(sources[0]))
		}
		return strings.TrimSuffix(destDir, "/") + "/"
	}
	wd, _ := mf.workdir(mf.cp)
	rel := relTo(wd, destDir)
	switch {
	case rel != "." && !strings.HasPrefix(rel, ".."):
		return "./" + rel + "/"
	case rel == "." && single:
		return "."
	case rel == ".":
		return "./"
	}
	return strings.TrimSuffix(destDir, "/") + "/"
}

// relTo is target relative to base ("." when equal, ".." when outside).
func relTo(base, target string) string {
	base, target = path.Clean(base), path.Clean(target)
	switch {
	case base == target:
		return "."
	case base == "/" || base == ".":
		return strings.TrimPrefix(target, "/")
	case strings.HasPrefix(target, base+"/"):
		return target[len(base)+1:]
	}
	return ".."
}

// blockStart is where an instruction's block begins: its line, or the
// comment lines directly above it, which describe it and move with it.
func blockStart(doc *dockerfile.Document, in *dockerfile.Instruction) int {
	line := in.Line
	for line > 0 {
		prev := strings.TrimSpace(doc.Slice(dockerfile.Span{Start: doc.Lines.Start(line - 1), End: doc.Lines.End(line - 1)}))
		if !strings.HasPrefix(prev, "#") || isDirectiveLine(doc, line-1) {
			break
		}
		line--
	}
	return doc.Lines.Start(line)
}

func isDirectiveLine(doc *dockerfile.Document, line int) bool {
	return slices.ContainsFunc(doc.Directives, func(d dockerfile.Directive) bool { return doc.Lines.LineOf(d.Span.Start) == line })
}

// lineAfter is the offset where the line after line starts (or the end).
func lineAfter(doc *dockerfile.Document, line int) int {
	if line+1 < doc.Lines.Count() {
		return doc.Lines.Start(line + 1)
	}
	return len(doc.Text)
}

func lineEnding(doc *dockerfile.Document, line int) string {
	end := doc.Lines.End(line)
	if end < len(doc.Text) && doc.Text[end] == '\r' {
		return "\r\n"
	}
	return "\n"
}
