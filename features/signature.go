package features

import (
	"strings"

	"github.com/dockerfile-ls/dockerfile-ls/dockerfile"
)

// Signature is one form of an instruction (or of a --mount value).
type Signature struct {
	Label  string
	Doc    string // Markdown
	Params []Param
}

// Param is a parameter of a signature: [Start, End) are byte offsets into
// the signature's label.
type Param struct {
	Start, End int
	Doc        string
}

// SignatureHelp is the signatures of the instruction at the cursor, which
// one applies, and which parameter the cursor is on (-1: none).
type SignatureHelp struct {
	Signatures  []Signature
	Active      int
	ActiveParam int
}

// SignatureHelpAt returns the argument forms of the instruction being
// typed at offset; inside a --mount flag, the form of that mount type.
func SignatureHelpAt(doc *dockerfile.Document, offset int) (SignatureHelp, bool) {
	offset = max(0, min(offset, len(doc.Text)))
	line := doc.Lines.LineOf(offset)
	in := instructionOnLine(doc, line)
	if in != nil && bodyStart(in) >= 0 && doc.Lines.Start(line) >= bodyStart(in) {
		return SignatureHelp{}, false
	}
	lineText := strings.TrimLeft(string(doc.Text[doc.Lines.Start(line):offset]), " \t")
	if strings.HasPrefix(lineText, "#") {
		return SignatureHelp{}, false
	}
	cw := cursorWords(doc, offset, in)
	ws := cw.words
	if len(ws) == 0 {
		return SignatureHelp{}, false
	}
	keyword := strings.ToUpper(ws[0].Value)
	args := ws[1:]
	if keyword == "ONBUILD" && len(args) > 0 {
		keyword, args = strings.ToUpper(args[0].Value), args[1:]
	}
	d := data.instruction(keyword)
	if d == nil || len(d.Signatures) == 0 {
		return SignatureHelp{}, false
	}
	pos := 0
	var firstArg string
	for _, a := range args {
		if pos == 0 && strings.HasPrefix(a.Value, "--") {
			continue
		}
		if pos == 0 {
			firstArg = a.Value
		}
		pos++
	}
	if keyword == "RUN" && pos == 0 && strings.HasPrefix(strings.ToLower(cw.cur), "--mount=") {
		return mountSignature(cw.cur[len("--mount="):]), true
	}
	if pos == 0 {
		firstArg = cw.cur
	}
	json := strings.HasPrefix(firstArg, "[")
	help := SignatureHelp{ActiveParam: -1}
	for i, s := range d.Signatures {
		help.Signatures = append(help.Signatures, signature(s, d))
		if s.JSON == json && (keyword != "HEALTHCHECK" || (strings.EqualFold(firstArg, "NONE") == strings.Contains(s.Label, "NONE"))) {
			help.Active = i
		}
	}
	if keyword == "CMD" || keyword == "ENTRYPOINT" || keyword == "VOLUME" {
		// Their first signature is the exec form.
		help.Active = 0
		if !json && firstArg != "" {
			help.Active = 1
		}
	}
	sig := d.Signatures[help.Active]
	if pos == 0 && strings.HasPrefix(cw.cur, "-") {
		name, _, _ := strings.Cut(strings.TrimLeft(cw.cur, "-"), "=")
		help.ActiveParam = flagParam(sig, strings.ToLower(name))
		return help, true
	}
	k := pos
	total := k + 1
	if json {
		k = jsonIndex(doc, offset, cw)
		total = max(k, jsonIndex(doc, len(doc.Text), cw)) + 1
	}
	if in != nil && !json {
		rest := 0
		for _, a := range in.Args {
			if a.Span.Start >= offset {
				rest++
			}
		}
		if in.Keyword == "ONBUILD" {
			rest = 0
		}
		total += rest
	}
	help.ActiveParam = positionalParam(sig, k, total)
	return help, true
}

func signature(s signatureData, d *instructionData) Signature {
	out := Signature{Label: s.Label, Doc: d.Summary + "\n\n[Dockerfile reference](" + data.docsURL(d.Anchor) + ")"}
	at := 0
	for _, p := range s.Params {
		i := strings.Index(s.Label[at:], p.Label)
		if i < 0 {
			i = strings.Index(s.Label, p.Label)
			at = 0
		}
		start := at + i
		doc := p.Doc
		if p.Flag != "" {
			if f := data.flag(d.Name, p.Flag); f != nil {
				doc = f.Doc
			}
		}
		out.Params = append(out.Params, Param{Start: start, End: start + len(p.Label), Doc: doc})
		at = start + len(p.Label)
	}
	return out
}

func flagParam(s signatureData, name string) int {
	for i, p := range s.Params {
		if p.Flag != "" && p.Flag == name {
			return i
		}
	}
	for i, p := range s.Params {
		if p.Flag != "" && name != "" && strings.HasPrefix(p.Flag, name) {
			return i
		}
	}
	return -1
}

// positionalParam maps the k-th positional argument (of total) to a
// parameter: a parameter at position -1 takes the last argument, a
// variadic one the arguments no other parameter takes.
func positionalParam(s signatureData, k, total int) int {
	if total >= 2 && k == total-1 {
		for i, p := range s.Params {
			for _, pos := range p.Pos {
				if pos == -1 {
					return i
				}
			}
		}
	}
	best, bestPos := -1, -1
	for i, p := range s.Params {
		for _, pos := range p.Pos {
			if pos == k {
				return i
			}
			if p.Variadic && pos >= 0 && pos <= k && pos > bestPos {
				best, bestPos = i, pos
			}
		}
	}
	return best
}

// jsonIndex is the index of the exec-form array element at the cursor: the
// commas before it, outside strings.
func jsonIndex(doc *dockerfile.Document, offset int, cw cursorText) int {
	from := doc.Lines.Start(cw.startLine)
	l := dockerfile.JoinLines(doc, cw.startLine, from, offset)
	open := strings.IndexByte(string(l.Text), '[')
	if open < 0 {
		return 0
	}
	n, inStr := 0, false
	for i := open + 1; i < len(l.Text); i++ {
		switch c := l.Text[i]; {
		case c == '\\' && inStr:
			i++
		case c == '"':
			inStr = !inStr
		case c == ',' && !inStr:
			n++
		case c == ']' && !inStr:
			return n
		}
	}
	return n
}

// mountSignature is the form of a --mount value for the type being typed,
// with the option at the cursor active.
func mountSignature(value string) SignatureHelp {
	parts := strings.Split(value, ",")
	typ := "bind"
	for _, p := range parts {
		if k, v, ok := strings.Cut(p, "="); ok && strings.EqualFold(k, "type") {
			typ = strings.ToLower(v)
		}
	}
	mt := data.mountType[typ]
	if mt == nil {
		mt = data.mountType["bind"]
	}
	var b strings.Builder
	b.WriteString("--mount=")
	var params []Param
	keys := append([]string{"type"}, mt.Keys...)
	for i, k := range keys {
		mk := data.mountKey[k]
		text := k
		if k == "type" {
			text = "type=" + mt.Name
		} else if !mk.Bool || k == "required" {
			val := "<" + k + ">"
			if len(mk.Values) > 0 && k != "mode" && k != "uid" && k != "gid" {
				val = strings.Join(mk.Values, "|")
			}
			text = k + "=" + val
		}
		if i > 0 {
			b.WriteString(",")
		}
		start := b.Len()
		b.WriteString(text)
		params = append(params, Param{Start: start, End: b.Len(), Doc: mk.Doc})
	}
	sig := Signature{Label: b.String(), Doc: mt.Doc + "\n\n[Dockerfile reference](" + data.docsURL(mt.Anchor) + ")", Params: params}
	active := -1
	lastKey, _, _ := strings.Cut(parts[len(parts)-1], "=")
	lastKey = strings.ToLower(lastKey)
	if mk := data.mountKey[lastKey]; mk != nil {
		lastKey = mk.Name
	}
	for i, k := range keys {
		if k == lastKey {
			active = i
			break
		}
	}
	if active < 0 && lastKey != "" {
		for i, k := range keys {
			if strings.HasPrefix(k, lastKey) {
				active = i
				break
			}
		}
	}
	return SignatureHelp{Signatures: []Signature{sig}, ActiveParam: active}
}
