package shell

import (
	"strings"

	"mvdan.cc/sh/v3/syntax"
)

// walker turns one parsed script into Commands.
type walker struct {
	src   string // the text the parser read
	pos   []int  // pos[i] is the offset in the caller's text of src[i]; nil: none
	out   []Command
	depth int // how many `sh -c` scripts enclose this one
}

// ctx is what a command inherits from the constructs around it.
type ctx struct {
	op      string
	afterOr bool
	sub     bool
}

// nested is the context inside a subshell, block or body: same operator.
func (c ctx) nested() ctx { c.sub = true; return c }

// inner is the context of a separate script (`sh -c`, `$(...)`): it starts
// a new list, so its first command has no operator.
func (c ctx) inner() ctx { return ctx{afterOr: c.afterOr, sub: true} }

// maxDepth bounds `sh -c "sh -c '...'"` recursion.
const maxDepth = 4

func (w *walker) stmts(list []*syntax.Stmt, c ctx) {
	for i, s := range list {
		if i > 0 {
			c.op = ";"
			if list[i-1] != nil && list[i-1].Background {
				c.op = "&"
			}
		}
		w.stmt(s, c)
	}
}

func (w *walker) stmt(s *syntax.Stmt, c ctx) {
	if s == nil {
		return
	}
	if s.Cmd == nil && w.heredocScript(s, c) {
		return
	}
	w.command(s.Cmd, c)
	for _, r := range s.Redirs {
		w.substs(r.Word, c)
		w.substs(r.Hdoc, c)
	}
}

func (w *walker) command(cmd syntax.Command, c ctx) {
	switch x := cmd.(type) {
	case nil:
	case *syntax.CallExpr:
		w.call(x, c)
	case *syntax.BinaryCmd:
		w.binary(x, c)
	case *syntax.Subshell:
		w.stmts(x.Stmts, c.nested())
	case *syntax.Block:
		w.stmts(x.Stmts, c.nested())
	case *syntax.IfClause:
		w.ifClause(x, c.nested())
	case *syntax.WhileClause:
		w.stmts(x.Cond, c.nested())
		w.stmts(x.Do, c.nested())
	case *syntax.ForClause:
		w.substsNode(x.Loop, c)
		w.stmts(x.Do, c.nested())
	case *syntax.CaseClause:
		w.substs(x.Word, c)
		for _, item := range x.Items {
			if item != nil {
				w.stmts(item.Stmts, c.nested())
			}
		}
	case *syntax.FuncDecl:
		w.stmt(x.Body, c.nested())
	case *syntax.TimeClause:
		w.stmt(x.Stmt, c) // `time cmd` runs cmd itself
	case *syntax.CoprocClause:
		w.stmt(x.Stmt, c.nested())
	case *syntax.DeclClause:
		w.decl(x, c)
	default:
		// [[ ]], (( )), let: only their command substitutions run programs.
		w.substsNode(x, c)
	}
}

func (w *walker) binary(x *syntax.BinaryCmd, c ctx) {
	w.stmt(x.X, c)
	y := c
	switch x.Op {
	case syntax.AndStmt:
		y.op = "&&"
	case syntax.OrStmt:
		y.op, y.afterOr = "||", true
	default: // | and |&
		y.op = "|"
	}
	w.stmt(x.Y, y)
}

// ifClause walks if/elif/else; elif and else run only when the condition
// before them failed, which is what AfterOr means.
func (w *walker) ifClause(x *syntax.IfClause, c ctx) {
	w.stmts(x.Cond, c)
	w.stmts(x.Then, c)
	if x.Else != nil {
		e := c
		e.afterOr = true
		w.ifClause(x.Else, e)
	}
}

// decl turns `export A=1 B` (a declaration in the parser's tree) into the
// command "export" "A=1" "B", since export lines set what later commands see.
func (w *walker) decl(x *syntax.DeclClause, c ctx) {
	if x.Variant == nil {
		return
	}
	s, e := w.offset(x.Variant.Pos()), w.offset(x.Variant.End())
	words := []argWord{w.argWord(unquoter{buf: []byte(x.Variant.Value)}, s, e)}
	for _, a := range x.Args {
		if a == nil {
			continue
		}
		if aw, ok := w.assignWord(a); ok {
			words = append(words, aw)
			e = w.offset(a.End())
		}
		w.substsNode(a, c)
	}
	w.emitCall(words, nil, s, e, c)
}

func (w *walker) call(x *syntax.CallExpr, c ctx) {
	var env, args []argWord
	start, end := -1, -1
	for _, a := range x.Assigns {
		if a == nil {
			continue
		}
		if aw, ok := w.assignWord(a); ok {
			env = append(env, aw)
			start, end = w.extend(start, end, w.offset(a.Pos()), w.offset(a.End()))
		}
	}
	for _, n := range x.Args {
		if n == nil || len(n.Parts) == 0 {
			continue
		}
		args = append(args, w.word(n))
		s, e := w.span(n)
		start, end = w.extend(start, end, s, e)
	}
	var script *argWord
	if len(args) > 0 {
		script = w.emitCall(args, env, start, end, c)
	}
	for _, a := range x.Assigns {
		w.substsNode(a, c)
	}
	for _, n := range x.Args {
		w.substs(n, c)
	}
	if script != nil {
		w.subScript(*script, c.inner())
	}
}

// extend grows the span [start, end) to cover [s, e).
func (w *walker) extend(start, end, s, e int) (int, int) {
	if start < 0 || s < start {
		start = s
	}
	if e > end {
		end = e
	}
	return start, end
}

// emitCall records a simple command and returns the script word when the
// command is a shell run with -c (its caller parses it after the command's
// own substitutions, keeping source order).
func (w *walker) emitCall(words, env []argWord, start, end int, c ctx) *argWord {
	prefix, wrapEnv, rest := unwrap(words)
	w.out = append(w.out, Command{
		Args:    plain(rest),
		Env:     plain(append(env, wrapEnv...)),
		Prefix:  plain(prefix),
		Start:   w.start(start),
		End:     w.end(end),
		Op:      c.op,
		AfterOr: c.afterOr,
		Sub:     c.sub,
	})
	if s, ok := scriptArg(rest); ok {
		s = w.unquoted(s)
		if w.pos == nil {
			w.subScript(s, c.inner()) // exec form: no caller to defer to
			return nil
		}
		return &s
	}
	return nil
}

func plain(words []argWord) []Word {
	if len(words) == 0 {
		return nil
	}
	out := make([]Word, len(words))
	for i, a := range words {
		out[i] = a.Word
	}
	return out
}

// subScript parses the script given to `sh -c` (or a heredoc script) and
// adds its commands with context c.
func (w *walker) subScript(s argWord, c ctx) {
	if w.depth >= maxDepth || s.lit == "" {
		return
	}
	child := &walker{src: s.lit, depth: w.depth + 1}
	if s.offs != nil && w.pos != nil {
		child.pos = make([]int, len(s.lit)+1)
		for i, o := range s.offs {
			child.pos[i] = w.pos[clamp(o, len(w.pos)-1)]
		}
		child.pos[len(s.lit)] = w.end(s.offs[len(s.offs)-1] + 1)
	}
	_ = child.parseIn(c) // an error in the inner script is not the RUN's error
	w.out = append(w.out, child.out...)
}

// heredocScript handles `<<EOF` with no command, the Dockerfile form where
// the heredoc body is the script (`RUN <<EOF` followed by the body), unless
// a shebang names a program other than a POSIX shell.
func (w *walker) heredocScript(s *syntax.Stmt, c ctx) bool {
	if len(s.Redirs) != 1 || s.Redirs[0] == nil {
		return false
	}
	r := s.Redirs[0]
	if (r.Op != syntax.Hdoc && r.Op != syntax.DashHdoc) || r.Hdoc == nil || len(r.Hdoc.Parts) == 0 || r.Word == nil || len(r.Word.Parts) == 0 {
		return false
	}
	bs, be := w.span(r.Hdoc)
	body := heredocBody(w.slice(bs, be), w.unquoted(w.word(r.Word)).lit)
	if strings.HasPrefix(body, "#!") {
		line, _, _ := strings.Cut(body[2:], "\n")
		if !IsPOSIX(strings.Fields(line)) {
			return true
		}
	}
	offs := make([]int, len(body))
	for i := range offs {
		offs[i] = bs + i
	}
	w.subScript(argWord{lit: body, offs: offs}, c)
	return true
}

// heredocBody drops the terminator line, which the parser counts as part of
// the heredoc word.
func heredocBody(text, delim string) string {
	nl := strings.LastIndexByte(text, '\n')
	if strings.TrimLeft(text[nl+1:], "\t") == delim {
		return text[:nl+1]
	}
	return text
}

// substs walks the command substitutions in a word: they run programs too.
func (w *walker) substs(n *syntax.Word, c ctx) {
	if n != nil {
		w.substsNode(n, c)
	}
}

func (w *walker) substsNode(n syntax.Node, c ctx) {
	if isNilNode(n) {
		return
	}
	syntax.Walk(n, func(n syntax.Node) bool {
		switch x := n.(type) {
		case *syntax.CmdSubst:
			w.stmts(x.Stmts, c.inner())
			return false
		case *syntax.ProcSubst:
			w.stmts(x.Stmts, c.inner())
			return false
		}
		return true
	})
}

// isNilNode catches typed nil pointers stored in a Node interface (optional
// fields of a partially parsed tree), which syntax.Walk would dereference.
func isNilNode(n syntax.Node) bool {
	switch x := n.(type) {
	case nil:
		return true
	case *syntax.Assign:
		return x == nil
	case *syntax.Word:
		return x == nil || len(x.Parts) == 0
	case *syntax.WordIter:
		return x == nil
	case *syntax.CStyleLoop:
		return x == nil
	}
	return false
}

// parseIn parses w.src and walks it with the given context, unless it
// could nest deeper than the parser and the walker can recurse.
func (w *walker) parseIn(c ctx) error {
	if err := checkNesting(w.src); err != nil {
		return err
	}
	f, err := parseFile(w.src)
	if f != nil {
		w.stmts(f.Stmts, c)
	}
	return err
}

// offset returns a parser position as an offset into w.src; positions of
// recovered (invented) nodes count as the end of the text.
func (w *walker) offset(p syntax.Pos) int {
	if !p.IsValid() || p.IsRecovered() {
		return len(w.src)
	}
	return clamp(int(p.Offset()), len(w.src))
}

func (w *walker) span(n *syntax.Word) (int, int) {
	return w.offset(n.Pos()), w.offset(n.End())
}

func (w *walker) slice(s, e int) string {
	s, e = clamp(s, len(w.src)), clamp(e, len(w.src))
	if e < s {
		return ""
	}
	return w.src[s:e]
}

// start maps an offset in w.src to the caller's text.
func (w *walker) start(off int) int {
	if w.pos == nil || off < 0 {
		return -1
	}
	return w.pos[clamp(off, len(w.pos)-1)]
}

// end maps an exclusive end offset: one past the last byte's position, so an
// end just before a removed line continuation does not cover it.
func (w *walker) end(off int) int {
	if w.pos == nil || off < 0 {
		return -1
	}
	if off == 0 {
		return w.pos[0]
	}
	return w.pos[clamp(off-1, len(w.pos)-1)] + 1
}

func clamp(v, hi int) int {
	if v < 0 {
		return 0
	}
	if v > hi {
		return hi
	}
	return v
}
