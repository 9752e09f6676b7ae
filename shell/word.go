package shell

import (
	"strings"

	"mvdan.cc/sh/v3/syntax"
)

// argWord is a Word plus what parsing it again as a script (`sh -c WORD`)
// needs: its text with quotes removed but expansions kept as written, and
// where each byte of that text is in the walker's source. For a dynamic
// word that text is built only when asked for (walker.unquoted): copying
// the source of every $(...) at every level of nesting made 40,000 nested
// substitutions quadratic.
type argWord struct {
	Word
	lit  string
	offs []int        // offs[i] is the offset of lit[i] in walker.src; nil if unknown
	node *syntax.Word // a dynamic word whose lit is not built yet
}

// from returns the word's text from byte k on, for option values glued to
// their option (`--command=npm ci`).
func (a argWord) from(k int) argWord {
	b := a
	b.lit = a.lit[k:]
	if a.offs != nil {
		b.offs = a.offs[k:]
	}
	return b
}

// word converts a parsed word; the unquoted text of a dynamic word is left
// for unquoted to build.
func (w *walker) word(n *syntax.Word) argWord {
	s, e := w.span(n)
	if dynamicWord(n) {
		return argWord{Word: Word{Raw: w.slice(s, e), Start: w.start(s), End: w.end(e), Dynamic: true}, node: n}
	}
	return w.argWord(w.unquote(n), s, e)
}

// unquoted returns a with its unquoted text built, for a word about to be
// parsed as a script.
func (w *walker) unquoted(a argWord) argWord {
	if a.node != nil {
		u := w.unquote(a.node)
		a.lit, a.offs, a.node = string(u.buf), u.offs, nil
	}
	return a
}

func (w *walker) unquote(n *syntax.Word) unquoter {
	u := unquoter{w: w}
	for _, p := range n.Parts {
		u.part(p, false)
	}
	return u
}

// dynamicWord reports whether a word holds an expansion ($VAR, $(cmd),
// $((x)), <(cmd)), looking only at its own parts, not inside them.
func dynamicWord(n *syntax.Word) bool {
	for _, p := range n.Parts {
		if dynamicPart(p) {
			return true
		}
	}
	return false
}

func dynamicPart(p syntax.WordPart) bool {
	switch x := p.(type) {
	case *syntax.Lit, *syntax.SglQuoted, *syntax.ExtGlob:
		return false
	case *syntax.DblQuoted:
		for _, q := range x.Parts {
			if dynamicPart(q) {
				return true
			}
		}
		return false
	}
	return true
}

// argWord builds the Word for source text src[s:e] from its unquoted form.
func (w *walker) argWord(u unquoter, s, e int) argWord {
	aw := argWord{lit: string(u.buf), offs: u.offs}
	aw.Word = Word{Raw: w.slice(s, e), Start: w.start(s), End: w.end(e), Dynamic: u.dynamic}
	if !u.dynamic {
		aw.Value = aw.lit
	}
	return aw
}

// assignWord converts a NAME=value assignment into the word "NAME=value".
func (w *walker) assignWord(a *syntax.Assign) (argWord, bool) {
	if a.Naked || a.Name == nil {
		// `export NAME` or `declare -x`: the word as written.
		if a.Value != nil && len(a.Value.Parts) > 0 {
			return w.word(a.Value), true
		}
		if a.Name != nil {
			s, e := w.offset(a.Name.Pos()), w.offset(a.Name.End())
			return w.argWord(unquoter{buf: []byte(a.Name.Value)}, s, e), true
		}
		return argWord{}, false
	}
	u := unquoter{w: w, buf: []byte(a.Name.Value + "=")}
	switch {
	case a.Array != nil || a.Index != nil:
		u.dynamic = true // arrays and a[i]=x: not a plain environment value
	case a.Value != nil && dynamicWord(a.Value):
		u.dynamic = true // its text is never used: not built
	case a.Value != nil:
		for _, p := range a.Value.Parts {
			u.part(p, false)
		}
	}
	u.offs = nil // the recursion never parses an assignment as a script
	return w.argWord(u, w.offset(a.Pos()), w.offset(a.End())), true
}

// unquoter accumulates a word's text with quotes and escapes removed.
type unquoter struct {
	w       *walker
	buf     []byte
	offs    []int
	dynamic bool
}

func (u *unquoter) add(c byte, off int) {
	u.buf = append(u.buf, c)
	u.offs = append(u.offs, off)
}

func (u *unquoter) part(p syntax.WordPart, inDouble bool) {
	switch x := p.(type) {
	case *syntax.Lit:
		u.lit(x, inDouble)
	case *syntax.SglQuoted:
		u.verbatim(x.Value, u.w.offset(x.Pos())+quoteLen(x.Dollar))
	case *syntax.DblQuoted:
		for _, q := range x.Parts {
			u.part(q, true)
		}
	case *syntax.ExtGlob:
		// A glob pattern is literal text for us, like `*` in a Lit.
		u.raw(x)
	default:
		// $VAR, ${VAR}, $(cmd), $((x)), <(cmd): known only at run time. Keep
		// the source text so `sh -c "cd $D && npm ci"` still parses.
		u.dynamic = true
		u.raw(x)
	}
}

func quoteLen(dollar bool) int {
	if dollar {
		return 2
	}
	return 1
}

// verbatim adds text that appears unchanged in the source from offset off on.
func (u *unquoter) verbatim(s string, off int) {
	for i := 0; i < len(s); i++ {
		u.add(s[i], off+i)
	}
}

// raw adds the source text of a node.
func (u *unquoter) raw(n syntax.Node) {
	s, e := u.w.offset(n.Pos()), u.w.offset(n.End())
	u.verbatim(u.w.slice(s, e), s)
}

// lit removes backslash escapes from a literal, reading the source rather
// than Lit.Value because the source keeps every byte's offset.
func (u *unquoter) lit(l *syntax.Lit, inDouble bool) {
	s, e := u.w.offset(l.Pos()), u.w.offset(l.End())
	if !l.Pos().IsValid() || l.Pos().IsRecovered() || e < s {
		u.verbatim(l.Value, s) // recovered node: no trustworthy source span
		return
	}
	src := u.w.src
	for i := s; i < e; i++ {
		c := src[i]
		if c != '\\' || i+1 >= e {
			u.add(c, i)
			continue
		}
		next := src[i+1]
		switch {
		case next == '\n':
			// Line continuation inside a word (heredoc bodies): joins.
		case !inDouble || strings.IndexByte("$`\"\\", next) >= 0:
			u.add(next, i+1)
		default:
			u.add(c, i) // inside "...", `\x` keeps its backslash
			continue
		}
		i++
	}
}
