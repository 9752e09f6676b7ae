// Package sizes says how much each instruction of a Dockerfile adds to
// the image and how much the build sends from its context: base image sizes
// from a table kept as data (baseimages.json, approximate compressed sizes
// with their date and source), COPY/ADD sizes measured on the build context
// after the ignore file, and what a RUN installs. It never makes a number
// up: what cannot be known is labelled unknown. Pure functions of the
// document and the build context; the server turns them into inlay hints,
// code lenses and hovers.
package sizes

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

// Kind says what a hint measures.
type Kind string

const (
	KindBase    Kind = "base"    // FROM: the base image's approximate size
	KindCopy    Kind = "copy"    // COPY/ADD: what its sources select
	KindRun     Kind = "run"     // RUN: what it installs; the size is unknown
	KindContext Kind = "context" // what the build sends from its context
)

// Hint is one size annotation on an instruction.
type Hint struct {
	Inst *dockerfile.Instruction
	// Offset is where an inline hint goes: the end of the instruction's
	// last command line (before heredoc bodies).
	Offset  int
	Kind    Kind
	Label   string // short, one line
	Tooltip string // markdown details
}

// HintsFor lists the size hints of a document, in file order, its
// instructions read through the build state st. bctx may be nil (not
// loaded yet): then the hints that need the context are left out.
func HintsFor(st *dockerfile.BuildState, bctx *buildcontext.Context) []Hint {
	doc := st.Document()
	var out []Hint
	firstFrom := true
	// The biggest directories go on the first COPY of the whole context
	// (what sends them), else on the first FROM.
	var rootCopy *dockerfile.Instruction
	for _, inst := range doc.Instructions {
		if (inst.Keyword == "COPY" || inst.Keyword == "ADD") && copiesRoot(st.Of(inst).Copy().Context) {
			rootCopy = inst
			break
		}
	}
	copies := map[string][2]string{} // label and tooltip by sources, measured once
	for _, inst := range doc.Instructions {
		at := hintOffset(doc, inst)
		add := func(k Kind, label, tip string) {
			out = append(out, Hint{Inst: inst, Offset: at, Kind: k, Label: label, Tooltip: tip})
		}
		switch inst.Keyword {
		case "FROM":
			if label, tip, ok := fromHint(st, inst); ok {
				add(KindBase, label, tip)
			}
			if firstFrom && bctx != nil {
				label, tip := sentHint(st, bctx)
				add(KindContext, label, tip)
				if rootCopy == nil {
					if label, tip, ok := bigDirsHint(bctx, allSources(st)); ok {
						add(KindContext, label, tip)
					}
				}
			}
			firstFrom = false
		case "COPY", "ADD":
			reads := st.Of(inst).Copy()
			// Measured once per sources: only context sources, all known.
			memo := len(inst.Heredocs) == 0 && !anyURL(reads.Sources) && reads.Unresolved == nil && reads.From.Name == ""
			key := inst.Keyword + "\x00" + strings.Join(reads.Context, "\x00")
			if m, ok := copies[key]; ok && memo {
				add(KindCopy, m[0], m[1])
				break
			}
			if label, tip, ok := copyHint(inst, reads, bctx); ok {
				add(KindCopy, label, tip)
				if memo && bctx != nil {
					copies[key] = [2]string{label, tip}
				}
			}
			if bctx != nil && inst == rootCopy {
				if label, tip, ok := bigDirsHint(bctx, reads.Context); ok {
					add(KindContext, label, tip)
				}
			}
		case "RUN":
			label, tip := runHint(doc, inst)
			add(KindRun, label, tip)
		}
	}
	return out
}

// hintOffset is the end of the line where the instruction's command ends.
func hintOffset(doc *dockerfile.Document, inst *dockerfile.Instruction) int {
	line := inst.Line
	if inst.ArgsSpan.End > inst.ArgsSpan.Start {
		line = doc.Lines.LineOf(inst.ArgsSpan.End - 1)
	}
	line = min(max(line, inst.Line), inst.EndLine)
	return min(doc.Lines.End(line), len(doc.Text))
}

func fromHint(st *dockerfile.BuildState, inst *dockerfile.Instruction) (label, tip string, ok bool) {
	doc := st.Document()
	if inst.Stage < 0 || inst.Stage >= len(doc.Stages) || len(inst.Args) == 0 {
		return "", "", false
	}
	if st.StageParent(doc.Stages[inst.Stage]) != nil {
		return "", "", false // builds on a stage of this file
	}
	image := st.Of(inst).Args()[0]
	ref := image.Text
	if !image.Known || ref == "" {
		return "", "", false
	}
	if Scratch(ref) {
		return "0 B (scratch)", "`scratch` is the empty image: nothing but what the stage adds.", true
	}
	b := Base(ref)
	if b.Figure.MB == 0 {
		return "", "", false
	}
	label = MBText(b.Figure.MB) + " compressed"
	if !sameTag(b, ref) {
		label += " (as " + b.Repo + ":" + b.Figure.Tag + ")"
	}
	var t strings.Builder
	fmt.Fprintf(&t, "**%s**: %s compressed download for linux/amd64, the figure listed for `%s:%s` (%s, %s). ",
		ref, MBText(b.Figure.MB), b.Repo, b.Figure.Tag, SourceText(b.Figure), b.Figure.AsOf)
	t.WriteString("Approximate: other versions and rebuilds differ, and the unpacked size on disk is two to three times larger.")
	for _, s := range b.Slimmer {
		fmt.Fprintf(&t, "\n\n- `%s`: %s", s.Ref, MBText(s.Figure.MB))
	}
	return label, t.String(), true
}

// sameTag: the figure was listed for the very tag written.
func sameTag(b BaseImage, ref string) bool {
	tag := b.Tag
	if tag == "" {
		tag = "latest"
	}
	return tag == b.Figure.Tag
}

// copyHint measures what a COPY/ADD brings: context files (after the
// ignore file), heredoc bodies; downloads, other stages and sources that
// depend on unknown values are unknown.
func copyHint(inst *dockerfile.Instruction, reads dockerfile.CopyReads, bctx *buildcontext.Context) (label, tip string, ok bool) {
	if len(inst.Args) < 2 || reads.From.Name != "" {
		return "", "", false
	}
	var heredocBytes int64
	for _, h := range inst.Heredocs {
		heredocBytes += int64(len(h.Content))
	}
	var urls []string
	for _, a := range reads.Sources {
		if a.Known && isURL(a.Text) {
			urls = append(urls, a.Text)
		}
	}
	srcs := reads.Context
	var parts []string
	var t strings.Builder
	if len(srcs) > 0 {
		if bctx == nil {
			return "", "", false // measured once the context loads
		}
		sel := bctx.MatchAll(srcs)
		label := Approx(sel.Bytes, sel.Files)
		if inst.Keyword == "ADD" && anyArchive(srcs) {
			label += " (archives, unpacked by ADD)"
		}
		parts = append(parts, label)
		fmt.Fprintf(&t, "**%s** copies %s bytes in %s from the build context, after %s.",
			strings.Join(srcs, " "), Count(sel.Bytes), Files(sel.Files), ignoreName(bctx))
		if rows := largestRows(bctx, srcs, 5); rows != "" {
			t.WriteString("\n\n" + rows)
		}
	}
	if len(inst.Heredocs) > 0 {
		parts = append(parts, Bytes(heredocBytes)+" (heredoc)")
		fmt.Fprintf(&t, "\n\nHeredoc content: %s bytes.", Count(heredocBytes))
	}
	if len(urls) > 0 {
		parts = append(parts, "download, unknown size")
		fmt.Fprintf(&t, "\n\nDownloads %s: the size is known only when the build fetches it.", strings.Join(urls, ", "))
	}
	if len(reads.Unresolved) > 0 {
		parts = append(parts, "unknown sources")
		fmt.Fprintf(&t, "\n\n%s depend on values unknown here (a build arg, the base image's environment): what they copy is known only when the build runs.", quoteAll(reads.Unresolved))
	}
	if len(parts) == 0 {
		return "", "", false
	}
	return strings.Join(parts, " + "), strings.TrimSpace(t.String()), true
}

func runHint(doc *dockerfile.Document, inst *dockerfile.Instruction) (label, tip string) {
	var parts, lines []string
	for _, inv := range cache.Invocations(doc, inst) {
		if inv.Manager == nil || inv.Action != pkgmgr.Install {
			continue
		}
		what := ""
		switch {
		case len(inv.Packages) > 0:
			what = listShort(inv.Packages, 3)
			lines = append(lines, fmt.Sprintf("- %s: %s", inv.Manager.Name, strings.Join(inv.Packages, ", ")))
		case len(inv.Files) > 0:
			what = strings.Join(inv.Files, ", ")
			lines = append(lines, fmt.Sprintf("- %s: what %s lists", inv.Manager.Name, what))
		default:
			what = "project dependencies"
			lines = append(lines, fmt.Sprintf("- %s: the project's dependencies", inv.Manager.Name))
		}
		parts = append(parts, inv.Manager.Name+": "+what)
	}
	if len(parts) == 0 {
		return "unknown size", "What a RUN adds is known only when it runs."
	}
	return "installs " + strings.Join(parts, "; ") + " · unknown size",
		"Installs:\n\n" + strings.Join(lines, "\n") + "\n\nThe size is known only when the build runs: package sizes depend on the versions resolved then."
}

// listShort writes "a, b, c +2".
func listShort(items []string, n int) string {
	if len(items) <= n {
		return strings.Join(items, ", ")
	}
	return strings.Join(items[:n], ", ") + fmt.Sprintf(" +%d", len(items)-n)
}

// allSources are every context source the build uses: COPY/ADD sources and
// RUN --mount=type=bind sources without from=.
func allSources(st *dockerfile.BuildState) []string {
	var srcs []string
	for _, inst := range st.Document().Instructions {
		x := st.Of(inst)
		srcs = append(srcs, x.Copy().Context...)
		for _, m := range x.Mounts() {
			if m.Type != "bind" || m.From.Name != "" {
				continue
			}
			src := m.Source
			if src == "" {
				src = "."
			}
			srcs = append(srcs, src)
		}
	}
	return srcs
}

func sentHint(st *dockerfile.BuildState, bctx *buildcontext.Context) (label, tip string) {
	srcs := allSources(st)
	sel := bctx.Sent(srcs)
	files, bytes, _ := bctx.Stats()
	if len(srcs) == 0 || sel.Files == 0 {
		return "context: nothing sent", fmt.Sprintf("No COPY, ADD or bind mount reads the build context (%s, %s after %s), so the build sends none of it.",
			Bytes(bytes), Files(files), ignoreName(bctx))
	}
	return "context: sends " + Approx(sel.Bytes, sel.Files),
		fmt.Sprintf("The build sends %s bytes in %s of the build context (`%s`) for the sources %s, after %s. The context holds %s, %s in all after it.",
			Count(sel.Bytes), Files(sel.Files), bctx.Root(), quoteAll(srcs), ignoreName(bctx), Bytes(bytes), Files(files))
}

// bigDirsHint names the biggest directories srcs send: first those that
// change on every install or build (node_modules, .git) and are not in
// the ignore file, else simply the largest.
func bigDirsHint(bctx *buildcontext.Context, srcs []string) (label, tip string, ok bool) {
	if len(srcs) == 0 {
		return "", "", false
	}
	var vol []buildcontext.Volatile
	for _, v := range bctx.Volatile() {
		if coveredByAny(srcs, v.Path) && v.Bytes > 0 {
			vol = append(vol, v)
		}
	}
	slices.SortStableFunc(vol, func(a, b buildcontext.Volatile) int { return cmp64(b.Bytes, a.Bytes) })
	ign := ignoreName(bctx)
	if len(vol) > 0 {
		var names, lines []string
		for i, v := range vol {
			if i < 2 {
				names = append(names, v.Path+"/ "+Bytes(v.Bytes))
			}
			lines = append(lines, fmt.Sprintf("- `%s/`: %s bytes, %s: %s", v.Path, Count(v.Bytes), Files(v.Files), v.Reason))
		}
		if len(vol) > 2 {
			names[1] += fmt.Sprintf(" (+%d)", len(vol)-2)
		}
		return strings.Join(names, ", ") + " not in " + ign,
			fmt.Sprintf("Sent with the context because %s does not exclude them:\n\n%s", ign, strings.Join(lines, "\n")), true
	}
	dirs := largestDirs(bctx, srcs, 3)
	if len(dirs) == 0 {
		return "", "", false
	}
	var names, lines []string
	for i, e := range dirs {
		if i < 2 {
			names = append(names, e.Path+"/ "+Bytes(e.Size))
		}
		lines = append(lines, fmt.Sprintf("- `%s/`: %s bytes, %s", e.Path, Count(e.Size), Files(e.Files)))
	}
	return "largest: " + strings.Join(names, ", "), "The largest directories sent, none of them excluded by " + ign + ":\n\n" + strings.Join(lines, "\n"), true
}

// largestDirs are the largest directories srcs select, outermost only,
// of at least 1 MB.
func largestDirs(bctx *buildcontext.Context, srcs []string, n int) []buildcontext.Entry {
	var all []buildcontext.Entry
	for _, s := range srcs {
		all = append(all, bctx.Largest(s, 40)...)
	}
	slices.SortStableFunc(all, func(a, b buildcontext.Entry) int { return cmp64(b.Size, a.Size) })
	var out []buildcontext.Entry
	for _, e := range all {
		if !e.Mode.IsDir() || e.Size < 1_000_000 || nestedIn(e.Path, out) {
			continue
		}
		out = append(out, e)
		if len(out) == n {
			break
		}
	}
	return out
}

func nestedIn(p string, dirs []buildcontext.Entry) bool {
	for _, d := range dirs {
		if p == d.Path || strings.HasPrefix(p, d.Path+"/") || strings.HasPrefix(d.Path, p+"/") {
			return true
		}
	}
	return false
}

// largestRows is a markdown table of the largest files and directories
// srcs select.
func largestRows(bctx *buildcontext.Context, srcs []string, n int) string {
	var all []buildcontext.Entry
	for _, s := range srcs {
		all = append(all, bctx.Largest(s, n)...)
	}
	slices.SortStableFunc(all, func(a, b buildcontext.Entry) int { return cmp64(b.Size, a.Size) })
	var b strings.Builder
	seen := map[string]bool{}
	rows := 0
	for _, e := range all {
		if seen[e.Path] || rows == n {
			continue
		}
		seen[e.Path] = true
		if rows == 0 {
			b.WriteString("| Largest | Size | Files |\n|---|---:|---:|\n")
		}
		name := e.Path
		if e.Mode.IsDir() {
			name += "/"
		}
		fmt.Fprintf(&b, "| `%s` | %s | %s |\n", name, Bytes(e.Size), Count(int64(e.Files)))
		rows++
	}
	return strings.TrimSpace(b.String())
}

// CopyHoverFor is the markdown a hover on a COPY/ADD shows: what its
// context sources (read through the build state st) select after the
// ignore file, with the largest files and directories. "" when the
// instruction copies nothing from the context or the context is not
// loaded.
func CopyHoverFor(st *dockerfile.BuildState, inst *dockerfile.Instruction, bctx *buildcontext.Context) string {
	if inst == nil || bctx == nil || (inst.Keyword != "COPY" && inst.Keyword != "ADD") {
		return ""
	}
	doc := st.Document()
	srcs := st.Of(inst).Copy().Context
	if len(srcs) == 0 {
		return ""
	}
	sel := bctx.MatchAll(srcs)
	var b strings.Builder
	fmt.Fprintf(&b, "**%s** copies %s (%s bytes) from the build context after %s.",
		cache.OneLine(doc, inst), Approx(sel.Bytes, sel.Files), Count(sel.Bytes), ignoreName(bctx))
	if sel.Files == 0 {
		b.WriteString(" Nothing matches: the build fails on a source that selects nothing.")
	}
	if rows := largestRows(bctx, srcs, 10); rows != "" {
		b.WriteString("\n\n" + rows)
	}
	return b.String()
}

func ignoreName(bctx *buildcontext.Context) string {
	if f := bctx.IgnoreFile(); f != "" {
		return path.Base(strings.ReplaceAll(f, "\\", "/"))
	}
	return ".dockerignore"
}

func copiesRoot(srcs []string) bool {
	for _, s := range srcs {
		if c := path.Clean("/" + s); c == "/" {
			return true
		}
	}
	return false
}

func coveredByAny(srcs []string, p string) bool {
	for _, s := range srcs {
		if path.Clean("/"+s) == "/" || cache.Covers(strings.TrimPrefix(path.Clean("/"+s), "/"), p) {
			return true
		}
	}
	return false
}

func anyURL(srcs []dockerfile.Expansion) bool {
	for _, a := range srcs {
		if isURL(a.Text) {
			return true
		}
	}
	return false
}

func isURL(s string) bool {
	return strings.Contains(s, "://") || strings.HasPrefix(s, "git@")
}

// archiveExts are the file endings of archives (ADD unpacks local ones).
var archiveExts = []string{".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tbz2", ".tbz", ".tar.xz", ".txz", ".tar.zst", ".tzst", ".tar.lz", ".tar.lzma", ".tar.Z"}

func anyArchive(srcs []string) bool {
	for _, s := range srcs {
		for _, e := range archiveExts {
			if strings.HasSuffix(strings.ToLower(s), strings.ToLower(e)) {
				return true
			}
		}
	}
	return false
}

func quoteAll(ss []string) string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = "`" + s + "`"
	}
	return strings.Join(out, ", ")
}

func cmp64(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
