package dockerfile

// Token is a word of a joined command (see Logical.Words).
type Token struct {
	Value string // quotes and escapes removed
	// Start and End bound the word in the joined text: Text[Start:End] is
	// the word as written.
	Start, End int
}

// Words splits the joined command into words as the model splits an
// instruction: the keyword (the first run of non-blank bytes, where quotes
// and the escape character mean nothing), then the words after it, split
// on unquoted blanks (an unterminated quote runs to the end). The editing
// features read the words before the cursor with it, so that they and the
// model never split an instruction differently.
func (l *Logical) Words(escape byte) []Token {
	ks, ke := keyword(l.Text)
	if ks == ke {
		return nil
	}
	rest := tokenize(l.Text, ke, escape)
	out := make([]Token, 0, 1+len(rest))
	out = append(out, Token{Value: string(l.Text[ks:ke]), Start: ks, End: ke})
	for _, t := range rest {
		out = append(out, Token{Value: t.value, Start: t.start, End: t.end})
	}
	return out
}
