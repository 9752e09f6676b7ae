package cache

import (
	"strings"

	"github.com/dockerfile-ls/dockerfile-ls/dockerfile"
)

func declaredArgs(inst *dockerfile.Instruction) []string {
	var out []string
	for _, a := range inst.Args {
		name, _, _ := strings.Cut(a.Value, "=")
		out = append(out, name)
	}
	return out
}

func globalArg(doc *dockerfile.Document, name string) bool {
	for _, v := range doc.GlobalArgs {
		if v.Name == name {
			return true
		}
	}
	return false
}

// UsesVar reports whether text expands $name or ${name...}.
func UsesVar(text, name string) bool {
	for i := strings.IndexByte(text, '$'); i >= 0 && i < len(text)-1; {
		rest := text[i+1:]
		if strings.HasPrefix(rest, "{") {
			rest = rest[1:]
		}
		if strings.HasPrefix(rest, name) {
			after := rest[len(name):]
			if after == "" || !dockerfile.IsNameByte(after[0], false) {
				return true
			}
		}
		next := strings.IndexByte(text[i+1:], '$')
		if next < 0 {
			break
		}
		i += next + 1
	}
	return false
}

// OneLine is the instruction's command on one line, as BuildKit joins it
// (continuations joined with the document's escape character), shortened
// for messages.
func OneLine(doc *dockerfile.Document, inst *dockerfile.Instruction) string {
	text := strings.Join(strings.Fields(doc.CommandText(inst)), " ")
	if len(text) > 60 {
		text = text[:57] + "..."
	}
	return "`" + text + "`"
}
