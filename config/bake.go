package config

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
)

// This file reads the little of HCL that docker-bake.hcl files use to say
// what they build: target blocks with context, dockerfile, target, args
// and inherits, and variable blocks with defaults (the environment wins,
// as bake does). Expressions other than literals, lists and objects are
// skipped, and strings keep interpolations of unknown names as written.

// fromBake finds the first target of a bake file that builds dockerfile.
func fromBake(path string, data []byte, dockerfile string) (Settings, bool) {
	blocks, err := parseHCL(string(data))
	if err != nil {
		return Settings{}, false
	}
	vars := map[string]string{}
	targets := map[string]*hclBlock{}
	var order []*hclBlock
	for _, b := range blocks {
		switch {
		case b.typ == "variable" && len(b.labels) == 1:
			if v, ok := os.LookupEnv(b.labels[0]); ok {
				vars[b.labels[0]] = v
			} else if d, ok := b.attrs["default"]; ok && d.kind == hclString {
				vars[b.labels[0]] = d.s
			}
		case b.typ == "target" && len(b.labels) == 1:
			targets[b.labels[0]] = b
			order = append(order, b)
		}
	}
	base := filepath.Dir(path)
	for _, t := range order {
		attrs := bakeAttrs(t, targets, 0)
		str := func(name string) string {
			if v, ok := attrs[name]; ok && v.kind == hclString {
				return expandHCL(v.s, vars)
			}
			return ""
		}
		if _, inline := attrs["dockerfile-inline"]; inline {
			continue
		}
		ctx, df, ok := buildPaths(base, str("context"), str("dockerfile"))
		if !ok || !sameFile(df, dockerfile) {
			continue
		}
		s := Settings{BuildContext: ctx, Target: str("target")}
		if a, ok := attrs["args"]; ok && a.kind == hclObject {
			s.BuildArgs = map[string]string{}
			for _, kv := range a.obj {
				if kv.value.kind == hclString {
					s.BuildArgs[kv.key] = expandHCL(kv.value.s, vars)
				}
			}
		}
		return s, true
	}
	return Settings{}, false
}

// bakeAttrs is a target's attributes with those it inherits filled in.
func bakeAttrs(t *hclBlock, targets map[string]*hclBlock, depth int) map[string]hclValue {
	out := map[string]hclValue{}
	if inh, ok := t.attrs["inherits"]; ok && inh.kind == hclList && depth < 10 {
		for _, parent := range inh.list {
			if p := targets[parent.s]; parent.kind == hclString && p != nil {
				for k, v := range bakeAttrs(p, targets, depth+1) {
					out[k] = v
				}
			}
		}
	}
	for k, v := range t.attrs {
		if k == "args" && v.kind == hclObject {
			if prev, ok := out[k]; ok && prev.kind == hclObject {
				v = hclValue{kind: hclObject, obj: append(append([]hclKV(nil), prev.obj...), v.obj...)}
			}
		}
		out[k] = v
	}
	return out
}

// expandHCL replaces ${NAME} with known variables' values.
func expandHCL(s string, vars map[string]string) string {
	if !strings.Contains(s, "${") {
		return s
	}
	var b strings.Builder
	for {
		i := strings.Index(s, "${")
		if i < 0 {
			b.WriteString(s)
			return b.String()
		}
		end := strings.IndexByte(s[i:], '}')
		if end < 0 {
			b.WriteString(s)
			return b.String()
		}
		name := strings.TrimSpace(s[i+2 : i+end])
		b.WriteString(s[:i])
		if v, ok := vars[name]; ok {
			b.WriteString(v)
		} else {
			b.WriteString(s[i : i+end+1])
		}
		s = s[i+end+1:]
	}
}

type hclKind int

const (
	hclOther hclKind = iota // an expression this reader does not evaluate
	hclString
	hclList
	hclObject
)

type hclValue struct {
	kind hclKind
	s    string // strings, numbers and bools as written
	list []hclValue
	obj  []hclKV
}

type hclKV struct {
	key   string
	value hclValue
}

type hclBlock struct {
	typ    string
	labels []string
	attrs  map[string]hclValue
	blocks []*hclBlock
}

var errHCL = errors.New("unsupported HCL")

type hclToken struct {
	kind byte // 'i' identifier, 's' string, 'n' number, '\n' newline, or the punctuation itself
	text string
}

// lexHCL splits HCL into tokens; comments are dropped.
func lexHCL(src string) ([]hclToken, error) {
	var out []hclToken
	for i := 0; i < len(src); {
		c := src[i]
		switch {
		case c == '\n':
			out = append(out, hclToken{'\n', "\n"})
			i++
		case c == ' ' || c == '\t' || c == '\r':
			i++
		case c == '#' || c == '/' && i+1 < len(src) && src[i+1] == '/':
			for i < len(src) && src[i] != '\n' {
				i++
			}
		case c == '/' && i+1 < len(src) && src[i+1] == '*':
			end := strings.Index(src[i+2:], "*/")
			if end < 0 {
				return nil, errHCL
			}
			i += end + 4
		case c == '"':
			s, n, err := lexString(src[i:])
			if err != nil {
				return nil, err
			}
			out = append(out, hclToken{'s', s})
			i += n
		case c == '<' && strings.HasPrefix(src[i:], "<<"):
			s, n, err := lexHeredoc(src[i:])
			if err != nil {
				return nil, err
			}
			out = append(out, hclToken{'s', s})
			i += n
		case c >= '0' && c <= '9':
			j := i
			for j < len(src) && (src[j] >= '0' && src[j] <= '9' || src[j] == '.' || src[j] == 'e' || src[j] == 'E') {
				j++
			}
			out = append(out, hclToken{'n', src[i:j]})
			i = j
		case c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z':
			j := i
			for j < len(src) && (isNameChar(src[j]) || src[j] == '-') {
				j++
			}
			out = append(out, hclToken{'i', src[i:j]})
			i = j
		default:
			out = append(out, hclToken{c, string(c)})
			i++
		}
	}
	return out, nil
}

// lexString reads a quoted string with its escapes; interpolations stay
// as written. n is the length consumed.
func lexString(src string) (s string, n int, err error) {
	var b strings.Builder
	depth := 0
	for i := 1; i < len(src); i++ {
		c := src[i]
		switch {
		case c == '\\' && i+1 < len(src):
			i++
			switch src[i] {
			case 'n':
				b.WriteByte('\n')
			case 't':
				b.WriteByte('\t')
			case 'r':
				b.WriteByte('\r')
			default:
				b.WriteByte(src[i])
			}
		case c == '$' && i+1 < len(src) && src[i+1] == '{':
			depth++
			b.WriteString("${")
			i++
		case c == '}' && depth > 0:
			depth--
			b.WriteByte(c)
		case c == '"' && depth == 0:
			return b.String(), i + 1, nil
		case c == '\n' && depth == 0:
			return "", 0, errHCL
		default:
			b.WriteByte(c)
		}
	}
	return "", 0, errHCL
}

// lexHeredoc reads <<EOT ... EOT (or <<-EOT).
func lexHeredoc(src string) (s string, n int, err error) {
	nl := strings.IndexByte(src, '\n')
	if nl < 0 {
		return "", 0, errHCL
	}
	marker := strings.TrimSpace(strings.TrimPrefix(strings.TrimPrefix(src[:nl], "<<"), "-"))
	if marker == "" {
		return "", 0, errHCL
	}
	var b strings.Builder
	for pos := nl + 1; pos < len(src); {
		end := strings.IndexByte(src[pos:], '\n')
		line := src[pos:]
		if end >= 0 {
			line = src[pos : pos+end]
		}
		if strings.TrimSpace(line) == marker {
			return b.String(), pos + len(line), nil
		}
		b.WriteString(line)
		b.WriteByte('\n')
		if end < 0 {
			break
		}
		pos += end + 1
	}
	return "", 0, errHCL
}

// parseHCL parses a file's top-level body and returns its blocks.
func parseHCL(src string) ([]*hclBlock, error) {
	toks, err := lexHCL(src)
	if err != nil {
		return nil, err
	}
	p := &hclParser{toks: toks}
	body, err := p.body(false)
	if err != nil {
		return nil, err
	}
	return body.blocks, nil
}

type hclParser struct {
	toks []hclToken
	pos  int
}

func (p *hclParser) peek() hclToken {
	if p.pos < len(p.toks) {
		return p.toks[p.pos]
	}
	return hclToken{kind: 0}
}

func (p *hclParser) next() hclToken {
	t := p.peek()
	if p.pos < len(p.toks) {
		p.pos++
	}
	return t
}

func (p *hclParser) skipNewlines() {
	for p.peek().kind == '\n' {
		p.pos++
	}
}

// body parses attributes and blocks up to a closing brace (nested) or the
// end of input (top level).
func (p *hclParser) body(nested bool) (*hclBlock, error) {
	b := &hclBlock{attrs: map[string]hclValue{}}
	for {
		p.skipNewlines()
		t := p.next()
		switch {
		case t.kind == 0:
			if nested {
				return nil, errHCL
			}
			return b, nil
		case t.kind == '}' && nested:
			return b, nil
		case t.kind != 'i':
			return nil, errHCL
		}
		if p.peek().kind == '=' {
			p.next()
			v, err := p.expr()
			if err != nil {
				return nil, err
			}
			b.attrs[t.text] = v
			continue
		}
		blk := &hclBlock{typ: t.text}
		for p.peek().kind == 's' || p.peek().kind == 'i' {
			blk.labels = append(blk.labels, p.next().text)
		}
		if p.next().kind != '{' {
			return nil, errHCL
		}
		inner, err := p.body(true)
		if err != nil {
			return nil, err
		}
		blk.attrs, blk.blocks = inner.attrs, inner.blocks
		b.blocks = append(b.blocks, blk)
	}
}

// expr parses one expression; what it cannot evaluate it skips to the end
// of the expression (a newline, comma or closing bracket at its depth).
func (p *hclParser) expr() (hclValue, error) {
	v, err := p.primary()
	if err != nil {
		return v, err
	}
	switch p.peek().kind {
	case '\n', ',', '}', ']', ')', 0:
		return v, nil
	}
	return hclValue{kind: hclOther}, p.skipExpr()
}

func (p *hclParser) primary() (hclValue, error) {
	t := p.next()
	switch t.kind {
	case 's', 'n':
		return hclValue{kind: hclString, s: t.text}, nil
	case 'i':
		if t.text == "true" || t.text == "false" {
			return hclValue{kind: hclString, s: t.text}, nil
		}
		if p.peek().kind == '(' {
			p.next()
			if err := p.skipTo(')'); err != nil {
				return hclValue{}, err
			}
		}
		return hclValue{kind: hclOther}, nil
	case '[':
		var list []hclValue
		for {
			p.skipNewlines()
			if p.peek().kind == ']' {
				p.next()
				return hclValue{kind: hclList, list: list}, nil
			}
			v, err := p.expr()
			if err != nil {
				return v, err
			}
			list = append(list, v)
			p.skipNewlines()
			if p.peek().kind == ',' {
				p.next()
			}
		}
	case '{':
		var obj []hclKV
		for {
			p.skipNewlines()
			k := p.next()
			if k.kind == '}' {
				return hclValue{kind: hclObject, obj: obj}, nil
			}
			if k.kind != 'i' && k.kind != 's' {
				return hclValue{}, errHCL
			}
			if sep := p.next(); sep.kind != '=' && sep.kind != ':' {
				return hclValue{}, errHCL
			}
			v, err := p.expr()
			if err != nil {
				return v, err
			}
			obj = append(obj, hclKV{k.text, v})
			if p.peek().kind == ',' {
				p.next()
			}
		}
	case '(':
		return hclValue{kind: hclOther}, p.skipTo(')')
	case '-', '!':
		return hclValue{kind: hclOther}, p.skipExpr()
	}
	return hclValue{}, errHCL
}

// skipTo skips past the closing bracket that matches an opened one.
func (p *hclParser) skipTo(closing byte) error {
	depth := 1
	for {
		t := p.next()
		switch t.kind {
		case 0:
			return errHCL
		case '(', '[', '{':
			depth++
		case ')', ']', '}':
			depth--
			if depth == 0 {
				if t.kind != closing {
					return errHCL
				}
				return nil
			}
		}
	}
}

// skipExpr skips the rest of an expression at depth 0.
func (p *hclParser) skipExpr() error {
	for {
		switch p.peek().kind {
		case '\n', ',', '}', ']', ')', 0:
			return nil
		case '(', '[', '{':
			open := p.next().kind
			closing := map[byte]byte{'(': ')', '[': ']', '{': '}'}[open]
			if err := p.skipTo(closing); err != nil {
				return err
			}
		default:
			p.next()
		}
	}
}
