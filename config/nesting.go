package config

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path/filepath"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"

	"github.com/dockerfile-ls/dockerfile-ls/internal/budget"
)

// ErrTooDeep: a project, Compose or bake file nests deeper than
// budget.MaxFileNesting. The HCL and YAML parsers recurse on each level,
// and 100,000 nested brackets overflow the stack, which no recover
// catches: the nesting is measured first, by a linear scan.
var ErrTooDeep = errors.New("nests too deep")

// checkNesting returns an error wrapping ErrTooDeep when the text of the
// file at path nests deeper than the budget, as parsed by its kind: HCL
// for .hcl, JSON with HCL templates in its strings for .json, YAML
// otherwise.
func checkNesting(path string, data []byte) error {
	var depth int
	switch filepath.Ext(path) {
	case ".hcl", ".json":
		if mayOpen(data) <= budget.MaxFileNesting {
			return nil // the usual file: too few bytes that open a level to lex it
		}
	}
	switch filepath.Ext(path) {
	case ".hcl":
		toks, _ := hclsyntax.LexConfig(data, path, hcl.InitialPos)
		depth = hclNesting(toks)
	case ".json":
		depth = jsonNesting(data)
	default:
		depth = yamlNesting(data)
	}
	if depth > budget.MaxFileNesting {
		return fmt.Errorf("%s: %w: more than %d levels of brackets, templates or operators; the file is not read", path, ErrTooDeep, budget.MaxFileNesting)
	}
	return nil
}

// mayOpen counts the bytes that may open a nested level in HCL, or in HCL
// templates inside JSON strings: no text nests deeper than that, and
// counting them costs far less than lexing.
func mayOpen(data []byte) int {
	n := 0
	for _, c := range data {
		if openers[c] {
			n++
		}
	}
	return n
}

// openers are the bytes that begin a token opening a level in HCL:
// brackets, quotes, heredocs ("<<"), template sequences ("${", "%{") and
// the unary and conditional operators.
var openers = func() (set [256]bool) {
	for _, c := range []byte("([{\"<$%!-?") {
		set[c] = true
	}
	return set
}()

// hclNesting bounds from above how deep HCL's parser recurses on the
// tokens of its own lexer (so no string, comment or heredoc can hide a
// bracket from the count): one level per bracket, quote, heredoc or
// template sequence still open, plus one per unary operator, conditional
// or template directive in the expression under way, which nest without
// a bracket ("!!!!x", "a ? b : c ? d : …", "%{if}%{if}…"). A closing
// token counts only when it closes what is open, and an expression ends
// at a comma, or at a newline outside brackets and quotes.
func hclNesting(toks hclsyntax.Tokens) int {
	type level struct {
		closer hclsyntax.TokenType
		ops    int
	}
	stack := []level{{closer: hclsyntax.TokenEOF}}
	ops, deepest := 0, 0 // ops: the sum of the stack's
	for _, tok := range toks {
		top := &stack[len(stack)-1]
		switch tok.Type {
		case hclsyntax.TokenQuestion, hclsyntax.TokenBang, hclsyntax.TokenMinus:
			top.ops++
			ops++
		case hclsyntax.TokenComma, hclsyntax.TokenNewline:
			if tok.Type == hclsyntax.TokenComma || top.closer == hclsyntax.TokenEOF || top.closer == hclsyntax.TokenCBrace {
				ops -= top.ops
				top.ops = 0
			}
		case hclsyntax.TokenTemplateControl:
			top.ops++ // directives nest up to their %{end…}
			ops++
		}
		if closer, opens := hclClosers[tok.Type]; opens {
			stack = append(stack, level{closer: closer})
		} else if len(stack) > 1 && tok.Type == top.closer {
			ops -= top.ops
			stack = stack[:len(stack)-1]
		}
		deepest = max(deepest, len(stack)-1+ops)
	}
	return deepest
}

// hclClosers maps each HCL token that opens a nested level to the token
// that closes it.
var hclClosers = map[hclsyntax.TokenType]hclsyntax.TokenType{
	hclsyntax.TokenOBrace:          hclsyntax.TokenCBrace,
	hclsyntax.TokenOBrack:          hclsyntax.TokenCBrack,
	hclsyntax.TokenOParen:          hclsyntax.TokenCParen,
	hclsyntax.TokenOQuote:          hclsyntax.TokenCQuote,
	hclsyntax.TokenOHeredoc:        hclsyntax.TokenCHeredoc,
	hclsyntax.TokenTemplateInterp:  hclsyntax.TokenTemplateSeqEnd,
	hclsyntax.TokenTemplateControl: hclsyntax.TokenTemplateSeqEnd,
}

// jsonNesting is how deep a bake JSON file nests: its arrays and objects,
// read by encoding/json's token reader (which does not recurse), plus the
// deepest of its strings as HCL templates, which bake evaluates. A file
// that is not JSON is not read by bake's parser either: 0.
func jsonNesting(data []byte) int {
	dec := json.NewDecoder(bytes.NewReader(data))
	depth, deepest := 0, 0
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return deepest
		}
		if err != nil {
			return 0
		}
		switch v := tok.(type) {
		case json.Delim:
			if v == '[' || v == '{' {
				depth++
			} else {
				depth--
			}
		case string:
			toks, _ := hclsyntax.LexTemplate([]byte(v), "", hcl.InitialPos)
			deepest = max(deepest, depth+hclNesting(toks))
		}
		deepest = max(deepest, depth)
	}
}

// yamlNesting bounds how deep a YAML text nests in flow collections
// ("[[[…", "{a: {b: …"), skipping quoted scalars and comments, plus the
// block collections open on a line (its indentation and "- " entries).
// The YAML library also stops at 10,000 levels of either; this scan stops
// much earlier and says why.
func yamlNesting(data []byte) int {
	depth, deepest := 0, 0
	lineStart := true
	for i := 0; i < len(data); i++ {
		c := data[i]
		if lineStart {
			deepest = max(deepest, depth+blockDepth(data[i:]))
			lineStart = false
		}
		switch {
		case c == '\n':
			lineStart = true
		case c == '#' && (i == 0 || data[i-1] == ' ' || data[i-1] == '\t' || data[i-1] == '\n'):
			end := bytes.IndexByte(data[i:], '\n')
			if end < 0 {
				return deepest
			}
			i += end - 1 // the newline is read next
		case c == '"' || c == '\'':
			end := closingQuote(data, i)
			deepest = max(deepest, depth+interpolationNesting(data[i+1:end]))
			i = end
		case c == '[' || c == '{':
			depth++
			deepest = max(deepest, depth)
		case (c == ']' || c == '}') && depth > 0:
			depth--
		}
	}
	return deepest
}

// interpolationNesting is how deep the "${" of Compose's interpolation nest
// in a quoted scalar ("${A:-${B:-x}}" is 2): compose-go substitutes one
// level per pass over the whole value, so 100,000 nested in 600 KB took
// minutes. (Outside quotes each "{" already counts as a flow mapping.)
func interpolationNesting(scalar []byte) int {
	depth, deepest := 0, 0
	for i := 0; i < len(scalar); i++ {
		switch {
		case scalar[i] == '$' && i+1 < len(scalar) && scalar[i+1] == '{':
			depth++
			deepest = max(deepest, depth)
			i++
		case scalar[i] == '}' && depth > 0:
			depth--
		}
	}
	return deepest
}

// blockDepth bounds the block collections open at the start of line: one
// per column of indentation and per "- " or "? " entry that begins it.
func blockDepth(line []byte) int {
	n := 0
	for n < len(line) && line[n] == ' ' {
		n++
	}
	for i := n; i+1 < len(line) && (line[i] == '-' || line[i] == '?') && line[i+1] == ' '; i += 2 {
		n++
		for i+2 < len(line) && line[i+2] == ' ' {
			i++
		}
	}
	return n
}

// closingQuote is the index of the quote that ends the scalar quoted at
// data[open] (a backslash escapes in double quotes, a doubled quote in
// single ones), or the text's last index when none does.
func closingQuote(data []byte, open int) int {
	q := data[open]
	for i := open + 1; i < len(data); i++ {
		switch {
		case q == '"' && data[i] == '\\':
			i++
		case data[i] == q && q == '\'' && i+1 < len(data) && data[i+1] == '\'':
			i++
		case data[i] == q:
			return i
		}
	}
	return len(data) - 1
}
