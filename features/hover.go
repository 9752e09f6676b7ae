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

// HoverAt describes what is at offset: a directive, an instruction (with
// what makes its step re-run), a flag or mount option, a variable (with
// its value there) or a stage name.
func HoverAt(doc *dockerfile.Document, offset int) (Hover, bool) {
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
		if note := cacheNote(doc, in); note != "" {
			md += "\n\n---\n\n" + note
		}
		return Hover{Markdown: md, Span: in.KeywordSpan}, true
	}
	if h, ok := hoverVar(doc, in, offset); ok {
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
func hoverVar(doc *dockerfile.Document, in *dockerfile.Instruction, offset int) (Hover, bool) {
	var ref *varRef
	varRefs(doc, in, func(r varRef) {
		if ref == nil && contains(r.Whole, offset) {
			ref = &r
		}
	})
	if ref != nil {
		sc, _ := scopeAt(doc, ref.Span.Start)
		if v, ok := sc.vars[ref.Name]; ok {
			return Hover{Markdown: varHover(doc, v), Span: ref.Span}, true
		}
		return Hover{Markdown: undeclaredHover(doc, in, ref.Name), Span: ref.Span}, true
	}
	if in.Keyword != "ARG" && in.Keyword != "ENV" {
		return Hover{}, false
	}
	for _, v := range declaredVars(in) {
		if !contains(v.NameSpan, offset) {
			continue
		}
		var sc *scope
		if in.Stage < 0 {
			sc = globalScope(doc, in.Span.Start+1)
		} else {
			sc = stageScope(doc, doc.Stages[in.Stage], in.Span.Start+1, 0)
		}
		if info, ok := sc.vars[v.Name]; ok {
			return Hover{Markdown: varHover(doc, info), Span: v.NameSpan}, true
		}
	}
	return Hover{}, false
}

func varHover(doc *dockerfile.Document, v *varInfo) string {
	kind := "ARG"
	if v.Env {
		kind = "ENV"
	}
	if v.Decl == nil && v.Auto != nil {
		kind = "automatic ARG"
	}
	return "**" + kind + "** " + varDoc(doc, v)
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

// cacheNote says what makes the step of an instruction re-run, from the
// model of BuildKit's cache in package cache.
func cacheNote(doc *dockerfile.Document, in *dockerfile.Instruction) string {
	if in.Stage < 0 {
		return ""
	}
	earlier := "or whenever an earlier step of this stage re-runs"
	var deps []string
	switch in.Keyword {
	case "FROM":
		st := doc.Stages[in.Stage]
		switch {
		case parentStage(doc, st) >= 0:
			return fmt.Sprintf("**Cache:** every step of this stage re-runs when stage `%s` re-runs.", st.Base)
		case strings.EqualFold(st.Base, "scratch"):
			return ""
		default:
			return fmt.Sprintf("**Cache:** every step of this stage re-runs when `%s` resolves to another image digest (pin it with `@sha256:...` to decide when).", st.Base)
		}
	case "RUN":
		deps = append(deps, "its command or flags change (after variable expansion)")
		sc := stageScope(doc, doc.Stages[in.Stage], in.Span.Start, 0)
		var args []string
		for _, v := range sc.list() {
			if !v.Env && v.Decl != nil {
				args = append(args, "`"+v.Name+"`")
			}
		}
		if len(args) > 0 {
			deps = append(deps, "build arg "+orList(args)+" changes")
		}
		for _, opts := range cache.Mounts(in) {
			if opts["type"] != "bind" {
				continue
			}
			src := opts["source"]
			if src == "" {
				src = opts["src"]
			}
			if src == "" {
				src = "."
			}
			if from := opts["from"]; from != "" {
				deps = append(deps, fmt.Sprintf("`%s` in `%s` changes (bind mount)", src, from))
			} else {
				deps = append(deps, fmt.Sprintf("files under `%s` in the build context change (bind mount)", src))
			}
		}
	case "COPY", "ADD":
		from := ""
		link := false
		for _, f := range in.Flags {
			switch f.Name {
			case "from":
				from = f.Value
			case "link":
				link = !f.HasValue || f.Value == "true"
			}
		}
		srcs := cache.ContextSources(in)
		switch {
		case from != "":
			if doc.StageByName(from) != nil {
				deps = append(deps, fmt.Sprintf("the files it copies from stage `%s` change", from))
			} else {
				deps = append(deps, fmt.Sprintf("the files it copies from `%s` change", from))
			}
		case len(srcs) > 0:
			var q []string
			for _, s := range srcs {
				q = append(q, "`"+s+"`")
			}
			deps = append(deps, orList(q)+" changes in the build context (content or mode)")
		}
		for _, a := range in.Args[:max(0, len(in.Args)-1)] {
			if strings.Contains(a.Value, "://") || strings.HasPrefix(a.Value, "git@") {
				deps = append(deps, fmt.Sprintf("the content at `%s` changes", a.Value))
			}
		}
		if len(in.Heredocs) > 0 {
			deps = append(deps, "its inline content changes")
		}
		deps = append(deps, "its destination or flags change")
		if link {
			earlier = "but not when only earlier steps re-run (`--link`)"
		}
	case "WORKDIR":
		deps = append(deps, "its path changes")
	default:
		return ""
	}
	return "**Re-runs when:** " + strings.Join(deps, "; ") + "; " + earlier + "."
}

func orList(items []string) string {
	switch len(items) {
	case 0:
		return ""
	case 1:
		return items[0]
	}
	return strings.Join(items[:len(items)-1], ", ") + " or " + items[len(items)-1]
}
