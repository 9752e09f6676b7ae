package features

import (
	"sort"
	"strings"

	"github.com/dockerfile-ls/dockerfile-ls/dockerfile"
)

// Semantic token types and modifiers: the legend the server announces.
// A Token's Type indexes TokenTypes; Mods is a bit set over TokenModifiers.
var (
	TokenTypes = []string{
		"keyword",    // instruction keywords, AS, HEALTHCHECK CMD/NONE
		"comment",    // comment lines
		"string",     // quoted words, exec-form elements, values, heredoc bodies
		"variable",   // $VAR and ${VAR}, ARG and ENV names
		"parameter",  // --flags, and options of shell commands
		"property",   // --mount keys, LABEL keys
		"namespace",  // stage names
		"type",       // base images
		"function",   // commands a RUN runs
		"operator",   // && || | ; in RUN
		"number",     // EXPOSE ports
		"macro",      // parser directive names
		"label",      // heredoc delimiters
		"enumMember", // enumerated flag values (cache, host, ...)
	}
	TokenModifiers = []string{"declaration", "deprecated", "defaultLibrary"}
)

// Token types, as indexes into TokenTypes.
const (
	TokKeyword = iota
	TokComment
	TokString
	TokVariable
	TokParameter
	TokProperty
	TokNamespace
	TokType
	TokFunction
	TokOperator
	TokNumber
	TokMacro
	TokLabel
	TokEnumMember
)

// Token modifiers, as bits.
const (
	ModDeclaration uint32 = 1 << iota
	ModDeprecated
	ModDefaultLibrary
)

// Token is a classified byte range. Tokens from SemanticTokens are sorted,
// never overlap and never span lines.
type Token struct {
	Start, End int
	Type       int
	Mods       uint32
}

// prioritised tokens: among nested or equal ranges the more specific
// (higher prio) wins.
type ptoken struct {
	Token
	prio int
}

type tokenizer struct {
	doc  *dockerfile.Document
	toks []ptoken
}

func (t *tokenizer) add(s Span, typ int, mods uint32, prio int) {
	if s.End > s.Start && s.Start >= 0 && s.End <= len(t.doc.Text) {
		t.toks = append(t.toks, ptoken{Token{Start: s.Start, End: s.End, Type: typ, Mods: mods}, prio})
	}
}

// SemanticTokens classifies the document's text, in time linear in its size
// (RUN scripts are parsed once per instruction text and memoised).
func SemanticTokens(doc *dockerfile.Document) []Token {
	t := &tokenizer{doc: doc, toks: make([]ptoken, 0, len(doc.Text)/5+16)}
	for _, d := range doc.Directives {
		line := doc.Slice(d.Span)
		if i := strings.IndexByte(line, '#'); i >= 0 {
			rest := line[i+1:]
			j := len(rest) - len(strings.TrimLeft(rest, " \t"))
			name := Span{Start: d.Span.Start + i + 1 + j, End: d.Span.Start + i + 1 + j + len(d.Name)}
			t.add(Span{Start: d.Span.Start + i, End: d.Span.Start + i + 1}, TokComment, 0, 0)
			t.add(name, TokMacro, 0, 1)
		}
		t.add(d.ValueSpan, TokString, 0, 1)
	}
	for _, c := range doc.Comments {
		t.add(c, TokComment, 0, 0)
	}
	stageNames := map[string]bool{}
	for _, in := range doc.Instructions {
		t.instruction(in, stageNames)
	}
	return resolve(doc, t.toks)
}

func (t *tokenizer) instruction(in *dockerfile.Instruction, stageNames map[string]bool) {
	doc := t.doc
	l := command(doc, in)
	var mods uint32
	if d := data.instruction(in.Keyword); d != nil && d.Deprecated {
		mods = ModDeprecated
	}
	t.add(in.KeywordSpan, TokKeyword, mods, 2)
	for _, f := range in.Flags {
		t.add(Span{Start: f.Span.Start, End: f.NameSpan.End}, TokParameter, 0, 1)
		t.flagValue(in, f)
	}
	args := in.Args
	keyword := in.Keyword
	if keyword == "ONBUILD" && len(args) > 0 {
		if data.instruction(args[0].Value) != nil {
			t.add(args[0].Span, TokKeyword, 0, 2)
		}
		args = args[1:]
		keyword = ""
	}
	switch keyword {
	case "FROM":
		if len(args) > 0 {
			if stageNames[strings.ToLower(args[0].Value)] {
				t.add(args[0].Span, TokNamespace, 0, 1)
			} else {
				t.add(args[0].Span, TokType, 0, 1)
			}
		}
		if len(args) >= 3 && strings.EqualFold(args[1].Value, "as") {
			t.add(args[1].Span, TokKeyword, 0, 2)
			t.add(args[2].Span, TokNamespace, ModDeclaration, 1)
			stageNames[strings.ToLower(args[2].Value)] = true
		}
	case "ARG", "ENV":
		for _, v := range declared(doc, in) {
			m := ModDeclaration
			if platformArg(v.Name) {
				m |= ModDefaultLibrary
			}
			t.add(v.NameSpan, TokVariable, m, 2)
		}
		for _, w := range args {
			if i := strings.IndexByte(doc.Slice(w.Span), '='); i >= 0 {
				t.add(Span{Start: w.Span.Start + i + 1, End: w.Span.End}, TokString, 0, 0)
			}
		}
	case "LABEL":
		for _, w := range args {
			raw := doc.Slice(w.Span)
			if i := strings.IndexByte(raw, '='); i >= 0 {
				t.add(Span{Start: w.Span.Start, End: w.Span.Start + i}, TokProperty, 0, 1)
				t.add(Span{Start: w.Span.Start + i + 1, End: w.Span.End}, TokString, 0, 0)
			}
		}
	case "HEALTHCHECK":
		if len(args) > 0 && (strings.EqualFold(args[0].Value, "CMD") || strings.EqualFold(args[0].Value, "NONE")) {
			t.add(args[0].Span, TokKeyword, 0, 2)
		}
	case "EXPOSE":
		for _, w := range args {
			raw := doc.Slice(w.Span)
			n := 0
			for n < len(raw) && raw[n] >= '0' && raw[n] <= '9' {
				n++
			}
			t.add(Span{Start: w.Span.Start, End: w.Span.Start + n}, TokNumber, 0, 1)
		}
	case "RUN":
		if !in.JSONForm {
			t.shell(in, l)
		}
	}
	if in.JSONForm || keyword == "" {
		for _, w := range args {
			if in.JSONForm {
				t.add(w.Span, TokString, 0, 0)
			}
		}
	} else if keyword != "RUN" {
		for _, w := range args {
			if raw := doc.Slice(w.Span); raw != "" && (raw[0] == '"' || raw[0] == '\'') {
				t.add(w.Span, TokString, 0, 0)
			}
		}
	}
	varRefsIn(doc, in, l, func(r varRef) {
		var m uint32
		if platformArg(r.Name) {
			m = ModDefaultLibrary
		}
		t.add(r.Whole, TokVariable, m, 3)
	})
	for _, h := range in.Heredocs {
		t.add(h.NameSpan, TokLabel, 0, 2)
		end := h.EndSpan
		for end.Start < end.End && doc.Text[end.Start] == '\t' {
			end.Start++
		}
		t.add(end, TokLabel, 0, 2)
		if !(in.Keyword == "RUN" && isHeredocScript(in, h)) {
			t.add(h.Body, TokString, 0, 0)
		}
	}
}

func (t *tokenizer) flagValue(in *dockerfile.Instruction, f dockerfile.Flag) {
	if !f.HasValue {
		return
	}
	if in.Keyword == "RUN" && f.Name == "mount" {
		for _, o := range mountOptions(t.doc, f) {
			t.add(o.keySpan, TokProperty, 0, 1)
			switch o.key {
			case "type", "sharing":
				t.add(o.valueSpan, TokEnumMember, 0, 1)
			case "from":
				if t.doc.StageByName(o.value) != nil {
					t.add(o.valueSpan, TokNamespace, 0, 1)
				} else {
					t.add(o.valueSpan, TokString, 0, 0)
				}
			default:
				t.add(o.valueSpan, TokString, 0, 0)
			}
		}
		return
	}
	switch {
	case f.Name == "from" && t.doc.StageByName(f.Value) != nil:
		t.add(f.ValueSpan, TokNamespace, 0, 1)
	case f.Name == "network" || f.Name == "security":
		t.add(f.ValueSpan, TokEnumMember, 0, 1)
	default:
		t.add(f.ValueSpan, TokString, 0, 0)
	}
}

// shell classifies what the shell parser knows of a RUN script: the
// commands it runs, their options and quoted words, and the operators
// joining them.
func (t *tokenizer) shell(in *dockerfile.Instruction, l *dockerfile.Logical) {
	script := t.doc.Script(in)
	if script == nil {
		return
	}
	base := in.ArgsSpan.Start
	word := func(s, e int) Span { return Span{Start: base + s, End: base + e} }
	for _, c := range script.Commands {
		for i, w := range c.Prefix {
			if w.Start < 0 {
				continue
			}
			switch {
			case i == 0:
				t.add(word(w.Start, w.End), TokFunction, 0, 1)
			case strings.HasPrefix(w.Raw, "-"):
				t.add(word(w.Start, w.End), TokParameter, 0, 1)
			}
		}
		for i, w := range c.Args {
			if w.Start < 0 {
				continue
			}
			switch {
			case i == 0:
				t.add(word(w.Start, w.End), TokFunction, 0, 1)
			case strings.HasPrefix(w.Raw, "-"):
				t.add(word(w.Start, w.End), TokParameter, 0, 1)
			case strings.HasPrefix(w.Raw, "\"") || strings.HasPrefix(w.Raw, "'"):
				t.add(word(w.Start, w.End), TokString, 0, 0)
			}
		}
	}
	// Operators between commands, outside quotes.
	var q byte
	esc := byte(t.doc.Escape)
	for i := l.Index(in.ArgsSpan.Start); i < len(l.Text); i++ {
		c := l.Text[i]
		switch {
		case c == esc && q != '\'':
			i++
		case q == 0 && (c == '"' || c == '\''):
			q = c
		case c == q:
			q = 0
		case q != 0:
		case (c == '&' || c == '|') && i+1 < len(l.Text) && l.Text[i+1] == c:
			t.add(l.Span(i, i+2), TokOperator, 0, 1)
			i++
		case c == '|' || c == ';':
			t.add(l.Span(i, i+1), TokOperator, 0, 1)
		}
	}
}

// resolve turns possibly nested tokens into a flat sorted list: a token
// inside another cuts it (the inner one wins), tokens that overlap
// partially are dropped, and tokens are split at line ends.
func resolve(doc *dockerfile.Document, toks []ptoken) []Token {
	sort.SliceStable(toks, func(i, j int) bool {
		a, b := toks[i], toks[j]
		if a.Start != b.Start {
			return a.Start < b.Start
		}
		if a.End != b.End {
			return a.End > b.End
		}
		return a.prio < b.prio
	})
	out := make([]Token, 0, len(toks))
	emit := func(tok Token, s, e int) {
		for s < e {
			line := doc.Lines.LineOf(s)
			le := min(e, doc.Lines.End(line))
			if le > s {
				out = append(out, Token{Start: s, End: le, Type: tok.Type, Mods: tok.Mods})
			}
			if line+1 >= doc.Lines.Count() {
				break
			}
			s = max(le, doc.Lines.Start(line+1))
		}
	}
	type open struct {
		tok Token
		pos int
	}
	var stack []open
	closeTop := func() {
		top := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		emit(top.tok, top.pos, top.tok.End)
		if len(stack) > 0 {
			stack[len(stack)-1].pos = max(stack[len(stack)-1].pos, top.tok.End)
		}
	}
	for _, t := range toks {
		for len(stack) > 0 && stack[len(stack)-1].tok.End <= t.Start {
			closeTop()
		}
		if len(stack) > 0 {
			top := &stack[len(stack)-1]
			if t.End > top.tok.End || t.Start < top.pos {
				continue
			}
			emit(top.tok, top.pos, t.Start)
			top.pos = t.Start
		}
		stack = append(stack, open{tok: t.Token, pos: t.Start})
	}
	for len(stack) > 0 {
		closeTop()
	}
	return out
}
