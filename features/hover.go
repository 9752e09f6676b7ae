package features

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/dockerfile-ls/dockerfile-ls/cache"
	"github.com/dockerfile-ls/dockerfile-ls/dockerfile"
)

// Hover is what to show for the text under the cursor.
type Hover struct {
	Markdown string
	Span     Span // what the hover is about
}

// HoverFor describes what is at offset in st's document: a directive, an
// instruction (with what makes its step re-run), a flag or mount option, a
// variable (with its value there, as st resolves it) or a stage name.
func HoverFor(st *dockerfile.BuildState, offset int) (Hover, bool) {
	doc := st.Document()
	for _, d := range doc.Directives {
		if d.Span.Start <= offset && offset <= d.Span.End {
			if dd := data.directive[d.Name]; dd != nil {
				return Hover{Markdown: fmt.Sprintf("**# %s=** `%s`\n\n%s\n\n[Dockerfile reference](%s)", d.Name, d.Value, dd.Doc, data.docsURL(dd.Anchor)), Span: d.Span}, true
			}
		}
	}
	in := instructionOnLine(doc, doc.Lines.LineOf(offset))
	if in == nil {
		return Hover{}, false
	}
	if in.Keyword == "ONBUILD" && len(in.Args) > 0 && contains(in.Args[0].Span, offset) {
		if d := data.instruction(in.Args[0].Value); d != nil {
			return Hover{Markdown: instructionDoc(d), Span: in.Args[0].Span}, true
		}
	}
	if contains(in.KeywordSpan, offset) {
		d := data.instruction(in.Keyword)
		if d == nil {
			return Hover{}, false
		}
		md := instructionDoc(d)
		if note := cacheNote(st, in); note != "" {
			md += "\n\n---\n\n" + note
		}
		return Hover{Markdown: md, Span: in.KeywordSpan}, true
	}
	if h, ok := hoverVar(st, in, offset); ok {
		return h, true
	}
	if h, ok := hoverStage(doc, offset); ok {
		return h, true
	}
	for _, f := range in.Flags {
		if !contains(f.Span, offset) {
			continue
		}
		if in.Keyword == "RUN" && f.Name == "mount" && offset >= f.ValueSpan.Start {
			for _, o := range mountOptions(doc, f) {
				if o.key == "type" && contains(o.valueSpan, offset) {
					if mt := data.mountType[strings.ToLower(o.value)]; mt != nil {
						return Hover{Markdown: fmt.Sprintf("**--mount=type=%s**\n\n%s\n\n[Dockerfile reference](%s)", mt.Name, mt.Doc, data.docsURL(mt.Anchor)), Span: o.valueSpan}, true
					}
				}
				if contains(Span{Start: o.keySpan.Start, End: o.valueSpan.End}, offset) {
					if mk := data.mountKey[o.key]; mk != nil {
						return Hover{Markdown: fmt.Sprintf("**--mount %s**\n\n%s", o.key, mk.Doc), Span: o.keySpan}, true
					}
				}
			}
		}
		if fd := data.flag(in.Keyword, f.Name); fd != nil {
			return Hover{Markdown: flagDoc(fd), Span: f.Span}, true
		}
	}
	return Hover{}, false
}

// contains is Span.Contains with the end included (a cursor just after a
// word is on it).
func contains(s Span, offset int) bool { return s.Start <= offset && offset <= s.End }

// hoverVar shows the value of a variable reference or declaration.
func hoverVar(st *dockerfile.BuildState, in *dockerfile.Instruction, offset int) (Hover, bool) {
	doc := st.Document()
	var ref *varRef
	varRefs(doc, in, func(r varRef) {
		if ref == nil && contains(r.Whole, offset) {
			ref = &r
		}
	})
	if ref != nil {
		if v, ok := varAt(st.Of(in), ref.Name); ok {
			return Hover{Markdown: varHover(v), Span: ref.Span}, true
		}
		return Hover{Markdown: undeclaredHover(doc, in, ref.Name), Span: ref.Span}, true
	}
	if in.Keyword != "ARG" && in.Keyword != "ENV" {
		return Hover{}, false
	}
	for _, v := range declared(doc, in) {
		if !contains(v.NameSpan, offset) {
			continue
		}
		if sv, ok := varNamed(st.Of(in).VarsAfter(), v.Name); ok {
			return Hover{Markdown: varHover(sv), Span: v.NameSpan}, true
		}
	}
	return Hover{}, false
}

func undeclaredHover(doc *dockerfile.Document, in *dockerfile.Instruction, name string) string {
	if in.Stage >= 0 && in.Keyword != "FROM" {
		for _, g := range doc.GlobalArgs {
			if g.Name == name {
				return fmt.Sprintf("`%s` is not set here: the global `ARG %s` (line %d) is visible only in `FROM` lines. Re-declare it in this stage with `ARG %s`.", name, name, g.Inst.Line+1, name)
			}
		}
		if a := data.autoArgByNm[name]; a != nil && a.Platform {
			return fmt.Sprintf("`%s`: %s\n\nIt is empty in a stage until declared there with `ARG %s`.", name, a.Doc, name)
		}
	}
	return fmt.Sprintf("`%s` is not declared in this Dockerfile; it may come from the base image's environment.", name)
}

// hoverStage describes the stage a stage name refers to.
func hoverStage(doc *dockerfile.Document, offset int) (Hover, bool) {
	ix := buildIndex(doc)
	o := ix.at(offset)
	if o == nil || ix.syms[o.sym].kind != symStage {
		return Hover{}, false
	}
	st := doc.Stages[o.sym]
	name := st.Name
	if name == "" {
		name = strconv.Itoa(st.Index)
	}
	uses := len(ix.all(o.sym)) - 1
	if st.Name == "" {
		uses++
	}
	from := strings.Trim(cache.OneLine(doc, st.From), "`")
	md := fmt.Sprintf("**Stage** `%s` (stage %d, line %d)\n\n```dockerfile\n%s\n```", name, st.Index, st.From.Line+1, from)
	md += fmt.Sprintf("\n\n%d instruction(s), referenced %d time(s)", len(st.Instructions), uses)
	return Hover{Markdown: md, Span: o.span}, true
}

// HistorySaving is what a hover on a CopyBeforeInstall finding adds: what
// the finding's fix would have saved over the repository's recent history,
// as the server's background replay forecast it (server/history_fix.go).
// commits are the commits replayed; the install re-ran in before of them,
// and would have in after; the whole Dockerfile saves saved step re-runs,
// worth savedTime by the estimate (negative: the fix costs them).
func HistorySaving(commits, before, after, saved int, savedTime string) string {
	verdict := fmt.Sprintf("the fix saves %d step re-runs, ~%s", saved, savedTime)
	if saved < 0 {
		verdict = fmt.Sprintf("the fix costs %d more step re-runs, ~%s", -saved, strings.TrimPrefix(savedTime, "-"))
	}
	return fmt.Sprintf("**Over the last %d commits that changed the build context** this install re-ran in %d; after the fix it would have in %d: %s (estimate; `dockerfile-ls cache --history` replays them).",
		commits, before, after, verdict)
}
