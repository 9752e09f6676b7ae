package shell

import (
	"errors"
	"fmt"

	"github.com/dockerfile-ls/dockerfile-ls/internal/budget"
)

// ErrTooDeep is the error of a script that was not parsed because it could
// nest deeper than budget.MaxShellNesting or budget.MaxShellOperators
// allow (see Script.Cut).
var ErrTooDeep = errors.New("shell script nests too deep to be read")

// checkNesting refuses a script the parser could recurse on too deeply.
// mvdan.cc/sh's parser, and the walker after it, recurse once per nested
// construct: 150,000 "(" overflow the goroutine stack, a crash no recover
// catches, and a few thousand already cost tens of megabytes of stack.
//
// How deep a script really nests only the parser can tell (a ")" in quotes,
// in a quoted heredoc or in a case pattern closes nothing), so the scan
// bounds the depth from above instead, in one pass: it counts every byte
// that can open a level ("(", "{", "["), and, apart, every operator byte
// and keyword the parser recurses on without a bracket (pipes, && and ||,
// unary and right-associative arithmetic and test operators, if, while,
// until, for, case, select). Real RUN scripts stay far below both budgets.
func checkNesting(src string) error {
	openers, operators := 0, 0
	for i := 0; i < len(src); i++ {
		switch c := src[i]; c {
		case '(', '{', '[':
			openers++
		case '|', '&', '!', '-', '+', '~', '*', '=', '?', ':':
			operators++
		case 'i', 'w', 'u', 'f', 'c', 's':
			if n := keywordAt(src, i); n > 0 {
				operators++
				i += n - 1
			}
		}
	}
	if openers > budget.MaxShellNesting || operators > budget.MaxShellOperators {
		return fmt.Errorf("%w: %d brackets (at most %d) and %d operators (at most %d)",
			ErrTooDeep, openers, budget.MaxShellNesting, operators, budget.MaxShellOperators)
	}
	return nil
}

// nestingKeywords are the reserved words that open a construct.
var nestingKeywords = []string{"if", "while", "until", "for", "case", "select"}

// keywordAt is the length of the nesting keyword that starts at src[i] as
// a whole word, or 0.
func keywordAt(src string, i int) int {
	if i > 0 && isWordByte(src[i-1]) {
		return 0
	}
	for _, k := range nestingKeywords {
		end := i + len(k)
		if end <= len(src) && src[i:end] == k && (end == len(src) || !isWordByte(src[end])) {
			return len(k)
		}
	}
	return 0
}

func isWordByte(c byte) bool {
	return c == '_' || c >= '0' && c <= '9' || c|0x20 >= 'a' && c|0x20 <= 'z'
}

// Cut reports whether the script was not read because it could nest deeper
// than the budget allows (a hostile or generated RUN): Commands is then
// empty, and a rule can say the RUN was not analysed rather than find
// nothing in it.
func (s *Script) Cut() bool { return s != nil && errors.Is(s.Err, ErrTooDeep) }
