package cache

import (
	"strings"

	"github.com/dockerfile-ls/dockerfile-ls/dockerfile"
)

// flagValue is the value of the instruction's --name flag, or "".
func flagValue(inst *dockerfile.Instruction, name string) string {
	for _, f := range inst.Flags {
		if f.Name == name {
			return f.Value
		}
	}
	return ""
}

func isLinkedCopy(inst *dockerfile.Instruction) bool {
	if inst.Keyword != "COPY" && inst.Keyword != "ADD" {
		return false
	}
	for _, f := range inst.Flags {
		if f.Name == "link" && (!f.HasValue || f.Value == "true") {
			return true
		}
	}
	return false
}

// ContextSources are the COPY/ADD sources that come from the build context:
// not the destination, not heredocs, not URLs, nothing when --from is set.
func ContextSources(inst *dockerfile.Instruction) []string {
	if (inst.Keyword != "COPY" && inst.Keyword != "ADD") || flagValue(inst, "from") != "" || len(inst.Args) < 2 {
		return nil
	}
	var out []string
	for _, a := range inst.Args[:len(inst.Args)-1] {
		v := a.Value
		if strings.HasPrefix(v, "<<") || strings.Contains(v, "://") || strings.HasPrefix(v, "git@") {
			continue
		}
		out = append(out, v)
	}
	return out
}

// mountsKey memoises Mounts per instruction text.
type mountsKey struct{}

// Mounts are the parsed --mount options of a RUN, in order. They are
// parsed once per instruction text, since every keystroke's analysis asks
// for them many times; callers must not modify the maps.
func Mounts(inst *dockerfile.Instruction) []map[string]string {
	return inst.Derive(mountsKey{}, func() any {
		var out []map[string]string
		for _, f := range inst.Flags {
			if f.Name == "mount" {
				out = append(out, MountOptions(f.Value))
			}
		}
		return out
	}).([]map[string]string)
}

// MountOptions reads "type=bind,source=x,target=/y" (a bare "rw" is true).
func MountOptions(v string) map[string]string {
	out := map[string]string{"type": "bind"}
	for _, part := range strings.Split(v, ",") {
		k, val, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok {
			val = "true"
		}
		out[strings.ToLower(k)] = val
	}
	return out
}

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
			if after == "" || !isNameByte(after[0]) {
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

func isNameByte(b byte) bool {
	return b == '_' || ('a' <= b && b <= 'z') || ('A' <= b && b <= 'Z') || ('0' <= b && b <= '9')
}

// OneLine is the instruction's text on one line, shortened for messages.
func OneLine(doc *dockerfile.Document, inst *dockerfile.Instruction) string {
	text := strings.Join(strings.Fields(doc.Slice(dockerfile.Span{Start: inst.Span.Start, End: inst.ArgsSpan.End})), " ")
	if len(text) > 60 {
		text = text[:57] + "..."
	}
	return "`" + text + "`"
}
