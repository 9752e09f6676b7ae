package codeactions

import (
	"fmt"
	"path"
	"slices"
	"strconv"
	"strings"

	"github.com/dockerfile-ls/dockerfile-ls/buildcontext"
	"github.com/dockerfile-ls/dockerfile-ls/cache"
	"github.com/dockerfile-ls/dockerfile-ls/diagnostics"
	"github.com/dockerfile-ls/dockerfile-ls/dockerfile"
	"github.com/dockerfile-ls/dockerfile-ls/pkgmgr"
)

func init() { register(diagnostics.CopyManifestsFirst, copyManifestsFirst) }

// copyManifestsFirst rewrites
//
//	COPY . /app
//	RUN pip install -r /app/requirements.txt
//
// into
//
//	COPY requirements.txt /app/requirements.txt
//	RUN pip install -r /app/requirements.txt
//	COPY . /app
//
// It is offered only when the image's files stay identical: the install
// must read nothing from the context but manifests that exist there (no
// local path dependencies, no install scripts, no project install), nothing
// between the COPY and the install may change the install's environment,
// and the later full COPY must not overwrite what the install wrote.
func copyManifestsFirst(fx FixInput) (Action, bool) {
	doc, f, bctx := fx.Doc, fx.Finding, fx.Context
	if bctx == nil {
		return Action{}, false // which manifests exist is unknown
	}
	cp, run := at(doc, f.Fix.Args["copy"], "COPY", "ADD"), at(doc, f.Fix.Args["run"], "RUN")
	if cp == nil || run == nil || cp.Stage < 0 || cp.Stage != run.Stage || cp.Line >= run.Line || !onlyMetadataBetween(doc, cp, run) {
		return Action{}, false
	}
	m, ok := planManifests(fx.State, cp, run, bctx)
	if !ok {
		return Action{}, false
	}
	eol := lineEnding(doc, cp.Line)
	insertAt := blockStart(doc, cp)
	var text strings.Builder
	for _, line := range m.copyLines(doc, cp) {
		text.WriteString(line + eol)
	}
	runStart := blockStart(doc, run)
	runEnd := lineAfter(doc, run.EndLine)
	moved := string(doc.Text[runStart:runEnd])
	if !strings.HasSuffix(moved, "\n") {
		moved += eol
	}
	text.WriteString(moved)
	edits := []dockerfile.Edit{
		{Start: insertAt, End: insertAt, Text: text.String()},
		{Start: runStart, End: runEnd, Text: ""},
	}
	return Action{
		Title:     fmt.Sprintf("Copy %s first, then install, then %s", strings.Join(m.names(), " and "), strings.Trim(cache.OneLine(doc, cp), "`")),
		Edits:     edits,
		Preferred: true,
		InFixAll:  true,
	}, true
}

// at finds the instruction starting at the decimal offset s, of one of the
// keywords.
func at(doc *dockerfile.Document, s string, keywords ...string) *dockerfile.Instruction {
	off, err := strconv.Atoi(s)
	if err != nil {
		return nil
	}
	in := doc.InstructionAt(off)
	if in == nil || in.Span.Start != off || !slices.Contains(keywords, in.Keyword) {
		return nil
	}
	return in
}

// onlyMetadataBetween: moving the install above these changes nothing it
// sees (no ENV, ARG, WORKDIR, USER, SHELL, RUN, COPY in between).
func onlyMetadataBetween(doc *dockerfile.Document, a, b *dockerfile.Instruction) bool {
	for _, in := range doc.Stages[a.Stage].Instructions {
		if in.Line <= a.Line || in.Line >= b.Line {
			continue
		}
		switch in.Keyword {
		case "LABEL", "EXPOSE", "CMD", "ENTRYPOINT", "HEALTHCHECK", "STOPSIGNAL", "MAINTAINER":
		default:
			return false
		}
	}
	return true
}

// manifests is what the new COPY lines bring.
type manifests struct {
	srcRoot  string   // the broad COPY's source, relative to the context root
	dest     string   // its destination in the image (absolute)
	relative bool     // the COPY wrote its destination relative to WORKDIR
	cwd      string   // the install's working directory
	files    []string // context paths, sorted
}

func (m manifests) names() []string {
	var out []string
	for _, f := range m.files {
		out = append(out, path.Base(f))
	}
	return out
}

// copyLines are the new COPY instructions: one per source folder, since a
// COPY with several files puts them all in one destination folder.
func (m manifests) copyLines(doc *dockerfile.Document, cp *dockerfile.Instruction) []string {
	indent := doc.Slice(dockerfile.Span{Start: doc.Lines.Start(cp.Line), End: cp.KeywordSpan.Start})
	prefix := indent + doc.Slice(cp.KeywordSpan)
	for _, fl := range cp.Flags {
		prefix += " " + doc.Slice(fl.Span)
	}
	groups := map[string][]string{}
	var dirs []string
	for _, f := range m.files {
		d := path.Dir(f)
		if _, ok := groups[d]; !ok {
			dirs = append(dirs, d)
		}
		groups[d] = append(groups[d], f)
	}
	var out []string
	for _, d := range dirs {
		files := groups[d]
		destDir := path.Join(m.dest, relTo(m.srcRoot, d))
		out = append(out, prefix+" "+strings.Join(files, " ")+" "+m.destText(destDir, files))
	}
	return out
}

// destText writes the destination the way the user wrote theirs: relative
// to WORKDIR ("." for one file, "./" for several) or absolute.
func (m manifests) destText(destDir string, files []string) string {
	if m.relative {
		rel := relTo(m.cwd, destDir)
		if rel == "." {
			if len(files) == 1 {
				return "."
			}
			return "./"
		}
		return "./" + rel + "/"
	}
	if len(files) == 1 {
		return path.Join(destDir, path.Base(files[0]))
	}
	return destDir + "/"
}

// planManifests decides which context files the install reads, or refuses.
func planManifests(st *dockerfile.BuildState, cp, run *dockerfile.Instruction, bctx *buildcontext.Context) (manifests, bool) {
	srcs := cache.ContextSources(cp)
	if len(srcs) != 1 || len(cp.Args) != 2 || strings.ContainsAny(srcs[0], "*?[$") {
		return manifests{}, false
	}
	workdir, known := workdirAt(st, cp)
	destWord := cp.Args[1].Value
	if strings.Contains(destWord, "$") {
		return manifests{}, false
	}
	m := manifests{srcRoot: path.Clean(srcs[0]), relative: !path.IsAbs(destWord), cwd: workdir}
	if m.relative && !known {
		return manifests{}, false // the base image's working directory is unknown offline
	}
	m.dest = resolvePath(workdir, destWord)
	if !bctx.IsDir(m.srcRoot) {
		return manifests{}, false
	}
	script := st.Document().Script(run)
	if script == nil {
		return manifests{}, false
	}
	for _, c := range script.Commands {
		inv, ok := pkgmgr.Classify(c)
		if !ok || inv.InstallsProject || inv.Manager == nil {
			return manifests{}, false // a command that may read the context, or needs the sources
		}
		files, ok := m.readsFor(inv, known, bctx)
		if !ok {
			return manifests{}, false
		}
		m.files = append(m.files, files...)
	}
	slices.Sort(m.files)
	m.files = slices.Compact(m.files)
	for _, f := range m.files {
		if strings.ContainsAny(f, " \t\"'") {
			return manifests{}, false
		}
	}
	return m, len(m.files) > 0
}

// readsFor lists the context files one package-manager command reads.
func (m manifests) readsFor(inv pkgmgr.Invocation, cwdKnown bool, bctx *buildcontext.Context) ([]string, bool) {
	if inv.Manager.System || inv.Action == pkgmgr.Clean || inv.Action == pkgmgr.Update {
		return nil, true // reads nothing from the context
	}
	if inv.Action != pkgmgr.Install && inv.Action != pkgmgr.Download {
		return nil, false
	}
	if len(inv.Files) > 0 {
		var out []string
		for _, f := range inv.Files {
			if !path.IsAbs(f) && !cwdKnown {
				return nil, false
			}
			ctxPath, ok := m.contextPath(resolvePath(m.cwd, f))
			if !ok {
				return nil, false
			}
			files, ok := requirementsClosure(bctx, ctxPath)
			if !ok {
				return nil, false
			}
			out = append(out, files...)
		}
		return out, true
	}
	if len(inv.Packages) > 0 || !cwdKnown {
		return nil, false
	}
	dir, ok := m.contextPath(m.cwd)
	if !ok {
		return nil, false
	}
	return projectManifests(inv.Manager, dir, bctx)
}

// contextPath maps a path in the image, under the COPY's destination, back
// to the context path the COPY took it from.
func (m manifests) contextPath(imagePath string) (string, bool) {
	rel := relTo(m.dest, imagePath)
	if rel == ".." || strings.HasPrefix(rel, "../") {
		return "", false
	}
	return path.Join(m.srcRoot, rel), true
}

// workdirAt is the working directory of in (from the build state), and
// whether it is known: its variables are, and a WORKDIR of the file sets
// an absolute directory first. Otherwise relative paths start from the
// base image's working directory, unknown offline.
func workdirAt(st *dockerfile.BuildState, in *dockerfile.Instruction) (string, bool) {
	wd := st.Of(in).Workdir()
	return wd.Text, wd.Known && !wd.Truncated && setsWorkdir(st, in)
}

// setsWorkdir: a WORKDIR of in's stage, or of a stage it is built FROM,
// sets an absolute directory before in.
func setsWorkdir(st *dockerfile.BuildState, in *dockerfile.Instruction) bool {
	doc := st.Document()
	if in.Stage < 0 || in.Stage >= len(doc.Stages) {
		return false
	}
	// A stage is built FROM an earlier one only: the chain ends.
	for stage := doc.Stages[in.Stage]; stage != nil; stage = st.StageParent(stage) {
		for _, w := range stage.Instructions {
			if w.Span.Start >= in.Span.Start {
				break
			}
			if w.Keyword != "WORKDIR" {
				continue
			}
			if args := st.Of(w).Args(); len(args) > 0 && path.IsAbs(args[0].Text) {
				return true
			}
		}
	}
	return false
}

// resolvePath is p as seen from dir: an absolute p stands alone.
func resolvePath(dir, p string) string {
	if path.IsAbs(p) {
		return path.Clean(p)
	}
	return path.Join(dir, p)
}

func relTo(base, target string) string {
	base, target = path.Clean(base), path.Clean(target)
	if base == target {
		return "."
	}
	if base == "/" || base == "." {
		return strings.TrimPrefix(target, "/")
	}
	if strings.HasPrefix(target, base+"/") {
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
	for _, d := range doc.Directives {
		if doc.Lines.LineOf(d.Span.Start) == line {
			return true
		}
	}
	return false
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
