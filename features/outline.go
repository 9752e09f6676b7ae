package features

import (
	"sort"
	"strings"

	"github.com/dockerfile-ls/dockerfile-ls/dockerfile"
)

// SymbolKind says what a document symbol is.
type SymbolKind int

// Kinds of document symbols.
const (
	SymbolStage SymbolKind = iota
	SymbolInstruction
	SymbolVariable
)

// Symbol is an entry of the document outline.
type Symbol struct {
	Name       string
	Detail     string
	Kind       SymbolKind
	Span       Span // the whole construct
	Select     Span // its name
	Deprecated bool
	Children   []Symbol
}

// SymbolsFor is the outline of st's document: global ARGs, then each stage
// (by name, or by base image) with its instructions; ARG and ENV list
// their variables, with the value each declaration gives as st resolves
// it.
func SymbolsFor(st *dockerfile.BuildState) []Symbol {
	doc := st.Document()
	var out []Symbol
	for _, in := range doc.Instructions {
		if in.Stage >= 0 {
			break
		}
		out = append(out, varSymbols(st.Of(in))...)
	}
	for _, stage := range doc.Stages {
		out = append(out, stageSymbol(st, stage))
	}
	return out
}

// stageSymbol is a stage with its instructions.
func stageSymbol(bs *dockerfile.BuildState, st *dockerfile.Stage) Symbol {
	last := st.Instructions[len(st.Instructions)-1]
	s := Symbol{Name: st.Name, Detail: "FROM " + st.Base, Kind: SymbolStage,
		Span: Span{Start: st.From.Span.Start, End: last.Span.End}, Select: st.NameSpan}
	if st.Name == "" {
		s.Name, s.Select = st.Base, st.BaseSpan
	}
	if s.Name == "" {
		s.Name, s.Select = "FROM", st.From.KeywordSpan
	}
	if st.Platform != "" {
		s.Detail += " (" + st.Platform + ")"
	}
	for _, in := range st.Instructions[1:] {
		c := Symbol{Name: in.Keyword, Detail: oneLine(bs.Document(), in), Kind: SymbolInstruction, Span: in.Span, Select: in.KeywordSpan}
		if d := data.instruction(in.Keyword); d != nil {
			c.Deprecated = d.Deprecated
		}
		c.Children = varSymbols(bs.Of(in))
		s.Children = append(s.Children, c)
	}
	return s
}

// varSymbols lists the variables an ARG or ENV declares.
func varSymbols(x dockerfile.InstState) []Symbol {
	in := x.Instruction()
	var out []Symbol
	for _, v := range x.Declared() {
		if v.Decl == nil || !validName(v.Name) {
			continue
		}
		detail := in.Keyword
		switch {
		case !v.Decl.HasValue:
		case v.Truncated:
			detail += " = (too long to show)"
		default:
			detail += " = " + v.Value
		}
		span := in.Span
		for _, w := range in.Args {
			if w.Span.Start == v.Decl.NameSpan.Start {
				span = w.Span
			}
		}
		out = append(out, Symbol{Name: v.Name, Detail: detail, Kind: SymbolVariable, Span: span, Select: v.Decl.NameSpan})
	}
	return out
}

// oneLine is an instruction's arguments on one line, shortened.
func oneLine(doc *dockerfile.Document, in *dockerfile.Instruction) string {
	l := command(doc, in)
	i := l.Index(in.KeywordSpan.End)
	text := strings.Join(strings.Fields(string(l.Text[i:])), " ")
	if len(text) > 60 {
		cut := 57
		for cut > 0 && text[cut]&0xc0 == 0x80 {
			cut--
		}
		text = text[:cut] + "..."
	}
	return text
}

// FoldKind tells a comment block from other regions.
type FoldKind int

// Kinds of folding ranges.
const (
	FoldRegion FoldKind = iota
	FoldComment
)

// Fold is a foldable range of whole lines (zero-based, inclusive).
type Fold struct {
	StartLine, EndLine int
	Kind               FoldKind
}

// Folding returns the foldable regions: stages, multi-line instructions,
// heredoc bodies and blocks of comment lines; one per start line.
func Folding(doc *dockerfile.Document) []Fold {
	var out []Fold
	add := func(a, b int, k FoldKind) {
		if b > a {
			out = append(out, Fold{StartLine: a, EndLine: b, Kind: k})
		}
	}
	for _, st := range doc.Stages {
		add(st.From.Line, st.Instructions[len(st.Instructions)-1].EndLine, FoldRegion)
	}
	for _, in := range doc.Instructions {
		add(in.Line, in.EndLine, FoldRegion)
		prev := -1
		for _, h := range in.Heredocs {
			start := doc.Lines.LineOf(h.NameSpan.Start)
			if prev >= 0 {
				start = prev
			}
			end := in.EndLine
			if h.EndSpan.End > h.EndSpan.Start {
				end = doc.Lines.LineOf(h.EndSpan.Start)
			}
			add(start, end, FoldRegion)
			prev = end
		}
	}
	run := -1
	for i, c := range doc.Comments {
		line := doc.Lines.LineOf(c.Start)
		if run < 0 {
			run = line
		}
		if i+1 < len(doc.Comments) && doc.Lines.LineOf(doc.Comments[i+1].Start) == line+1 {
			continue
		}
		add(run, line, FoldComment)
		run = -1
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].StartLine != out[j].StartLine {
			return out[i].StartLine < out[j].StartLine
		}
		return out[i].EndLine > out[j].EndLine
	})
	dedup := out[:0]
	for _, f := range out {
		if len(dedup) > 0 && dedup[len(dedup)-1].StartLine == f.StartLine {
			continue
		}
		dedup = append(dedup, f)
	}
	return dedup
}
