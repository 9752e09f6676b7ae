package diagnostics

import (
	"path"
	"slices"
	"strings"

	"github.com/dockerfile-ls/dockerfile-ls/dockerfile"
)

// The text of the manifests-first fix (see copy_before_install_fix.go).

// edits put the manifests' COPYs where the first moved COPY was, remove
// the moved COPYs, and write them back below the install (or, with a
// dependency-only step, below that step and above the build).
func (mf *manifestsFirst) edits() ([]dockerfile.Edit, string) {
	doc := mf.p.Doc
	eol := doc.LineEnding(mf.cp.Line)
	lines, why := mf.copyLines()
	if why != "" {
		return nil, why
	}
	var edits []dockerfile.Edit
	var moved strings.Builder
	for i, m := range mf.moved {
		start, end := doc.BlockStart(m.in), doc.LineAfter(m.in.EndLine)
		repl := ""
		if i == 0 && len(lines) > 0 {
			repl = strings.Join(lines, eol) + eol
		}
		edits = append(edits, dockerfile.Edit{Start: start, End: end, Text: repl})
		moved.WriteString(mf.movedText(m, start, end, eol))
	}
	if mf.step != "" {
		return insertLines(doc, edits, doc.BlockStart(mf.run), mf.runLine(mf.step, eol)+moved.String()), ""
	}
	if mf.rest != "" {
		edits = append(edits, dockerfile.Edit{Start: mf.split, End: mf.run.ArgsSpan.End})
		moved.WriteString(mf.runLine(mf.rest, eol))
	}
	at, text := doc.LineAfter(mf.run.EndLine), moved.String()
	if at == len(doc.Text) && !strings.HasSuffix(string(doc.Text), "\n") {
		return append(edits, dockerfile.Edit{Start: at, End: at, Text: eol + strings.TrimSuffix(text, eol)}), ""
	}
	return insertLines(doc, edits, at, text), ""
}

// insertLines adds lines at the start of a line, at: as the end of the
// edit before that ends there, else as a rewrite of the line ending before
// at. Either way the findings of the instruction at at map to after the
// new lines, not onto them (see codeactions' mapOffset): fix-all must not
// take a finding of the new lines for that instruction's, come back.
func insertLines(doc *dockerfile.Document, edits []dockerfile.Edit, at int, lines string) []dockerfile.Edit {
	if n := len(edits); n > 0 && edits[n-1].End == at && edits[n-1].Start < at {
		edits[n-1].Text += lines
		return edits
	}
	nl := at - 1
	if nl > 0 && doc.Text[nl-1] == '\r' {
		nl--
	}
	if nl < 0 || at == 0 {
		return append(edits, dockerfile.Edit{Start: at, End: at, Text: lines})
	}
	return append(edits, dockerfile.Edit{Start: nl, End: at, Text: string(doc.Text[nl:at]) + lines})
}

// movedText is a moved COPY's block, its destination made absolute when
// it must be.
func (mf *manifestsFirst) movedText(m movedCopy, start, end int, eol string) string {
	doc := mf.p.Doc
	if m.movedTo == "" {
		return strings.TrimRight(doc.Slice(dockerfile.Span{Start: start, End: end}), "\r\n") + eol
	}
	dest := m.movedTo
	if strings.HasSuffix(m.destArg.Value, "/") && dest != "/" {
		dest += "/"
	}
	return doc.Slice(dockerfile.Span{Start: start, End: m.destArg.Span.Start}) + dest +
		strings.TrimRight(doc.Slice(dockerfile.Span{Start: m.destArg.Span.End, End: end}), "\r\n") + eol
}

// runLine is a RUN of script with the install's flags (its cache
// mounts), indented as the install.
func (mf *manifestsFirst) runLine(script, eol string) string {
	doc, run := mf.p.Doc, mf.run
	line := doc.Slice(dockerfile.Span{Start: doc.Lines.Start(run.Line), End: run.KeywordSpan.Start}) + doc.Slice(run.KeywordSpan)
	for _, fl := range run.Flags {
		line += " " + doc.Slice(fl.Span)
	}
	return line + " " + script + eol
}

// copyLines are the new COPY instructions: one per moved COPY and source
// folder, since a COPY with several files puts them all in one folder;
// each has its moved COPY's flags (--chown).
func (mf *manifestsFirst) copyLines() ([]string, string) {
	type group struct {
		via int
		dir string
	}
	var order []group
	sources := map[group][]string{}
	for _, f := range mf.files {
		g := group{f.via, path.Dir(f.path)}
		if _, ok := sources[g]; !ok {
			order = append(order, g)
		}
		sources[g] = append(sources[g], f.source())
	}
	slices.SortStableFunc(order, func(a, b group) int { return a.via - b.via })
	var out []string
	for _, g := range order {
		m := mf.moved[g.via]
		dest, why := mf.destText(m, g.dir, sources[g])
		if why != "" {
			return nil, why
		}
		out = append(out, mf.copyPrefix(m.in)+" "+strings.Join(sources[g], " ")+" "+dest)
	}
	return out, ""
}

// copyPrefix is the indentation, keyword and flags of a manifests' COPY:
// those of the COPY it comes from, as written; an ADD's become a COPY's
// (a manifest is no archive to unpack, nor a URL).
func (mf *manifestsFirst) copyPrefix(in *dockerfile.Instruction) string {
	doc := mf.p.Doc
	keyword := doc.Slice(in.KeywordSpan)
	if in.Keyword == "ADD" {
		keyword = matchCase("COPY", keyword)
	}
	prefix := doc.Slice(dockerfile.Span{Start: doc.Lines.Start(mf.cp.Line), End: mf.cp.KeywordSpan.Start}) + keyword
	for _, fl := range in.Flags {
		if !addOnlyFlags[fl.Name] {
			prefix += " " + doc.Slice(fl.Span)
		}
	}
	return prefix
}

// addOnlyFlags are ADD's flags that COPY does not take.
var addOnlyFlags = map[string]bool{"checksum": true, "keep-git-dir": true, "unpack": true}

// matchCase writes word in the case of like (all lower or all upper).
func matchCase(word, like string) string {
	if like == strings.ToLower(like) {
		return strings.ToLower(word)
	}
	return word
}

// destText is the destination of the manifests of context folder d that
// m copies, written the way the user wrote m's: relative to the working
// directory where the new lines go, or absolute.
func (mf *manifestsFirst) destText(m movedCopy, d string, sources []string) (string, string) {
	destDir := path.Join(m.dest, relTo(m.src, d))
	single := len(sources) == 1 && !strings.ContainsAny(sources[0], "*?[")
	wd, _ := mf.workdir(mf.cp)
	rel := relTo(wd, destDir)
	switch {
	case !path.IsAbs(m.destArg.Value) && rel == "." && single:
		return ".", ""
	case !path.IsAbs(m.destArg.Value) && rel == ".":
		return "./", ""
	case !path.IsAbs(m.destArg.Value) && rel != "..":
		return "./" + rel + "/", ""
	case under(destDir, baseWorkdir):
		return "", "the manifests' destination, relative to the base image's unknown working directory, cannot be written"
	case single:
		return path.Join(destDir, path.Base(sources[0])), ""
	}
	return strings.TrimSuffix(destDir, "/") + "/", ""
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
