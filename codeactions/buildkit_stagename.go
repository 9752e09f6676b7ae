package codeactions

import (
	"fmt"
	"slices"
	"strings"

	"github.com/dockerfile-ls/dockerfile-ls/diagnostics"
	"github.com/dockerfile-ls/dockerfile-ls/dockerfile"
)

func init() { register(diagnostics.LowercaseStageName, fixStageNameCasing) }

// fixStageNameCasing renames a stage to lower case, with every reference
// to it: a later FROM <name>, COPY --from=<name> and RUN
// --mount=...,from=<name>.
//
// BuildKit lower-cases stage names when it parses FROM ... AS, and looks
// them up case-insensitively for COPY --from, --mount from= and --target,
// so those references resolve to the same stage before and after. A later
// FROM <name> is looked up case-sensitively against the lower-cased name:
// a FROM Name that does not match today fails the build (an image name
// cannot hold capitals), and resolves to the stage after the fix.
//
// No fix when the lower-case name is another stage's name (the file
// already has a DuplicateStageName), or when a reference that may name the
// stage is written in a way we cannot rewrite exactly (quotes, escapes).
// ONBUILD instructions run in another build, whose stages these are not:
// they are left alone.
func fixStageNameCasing(fx FixInput) (Action, bool) {
	doc, f := fx.Doc, fx.Finding
	in := findingInstruction(doc, f)
	if in == nil || in.Keyword != "FROM" || in.Stage < 0 {
		return Action{}, false
	}
	st := doc.Stages[in.Stage]
	name := st.Name
	lower := strings.ToLower(name)
	if name == "" || name == lower || doc.Slice(st.NameSpan) != name {
		return Action{}, false
	}
	for _, other := range doc.Stages {
		if other != st && strings.EqualFold(other.Name, name) {
			return Action{}, false
		}
	}
	edits := []dockerfile.Edit{{Start: st.NameSpan.Start, End: st.NameSpan.End, Text: lower}}
	refs := 0
	rename := func(s dockerfile.Span) {
		edits = append(edits, dockerfile.Edit{Start: s.Start, End: s.End, Text: lower})
		refs++
	}
	for _, other := range doc.Stages[st.Index+1:] {
		if strings.EqualFold(other.Base, name) {
			if doc.Slice(other.BaseSpan) != other.Base {
				return Action{}, false
			}
			rename(other.BaseSpan)
		}
	}
	for _, ins := range doc.Instructions {
		for _, fl := range ins.Flags {
			switch {
			case ins.Keyword == "COPY" && fl.Name == "from":
				if !strings.EqualFold(fl.Value, name) {
					continue
				}
				if doc.Slice(fl.ValueSpan) != fl.Value {
					return Action{}, false
				}
				rename(fl.ValueSpan)
			case ins.Keyword == "RUN" && fl.Name == "mount":
				spans, ok := mountFromRefs(doc, fl, name)
				if !ok {
					return Action{}, false
				}
				for _, s := range spans {
					rename(s)
				}
			}
		}
	}
	title := fmt.Sprintf("Rename stage '%s' to '%s'", name, lower)
	switch refs {
	case 0:
	case 1:
		title += " (and its reference)"
	default:
		title += fmt.Sprintf(" (and its %d references)", refs)
	}
	sortEdits(edits)
	return Action{Title: title, Edits: edits, Preferred: true, InFixAll: true}, true
}

// mountFromRefs finds the from=<name> fields of a --mount flag that name
// the stage. BuildKit reads the flag as CSV with case-insensitive keys; ok
// is false when the flag is quoted or escaped and mentions the name, so
// that its fields cannot be located exactly.
func mountFromRefs(doc *dockerfile.Document, fl dockerfile.Flag, name string) ([]dockerfile.Span, bool) {
	raw := doc.Slice(fl.ValueSpan)
	if !strings.Contains(strings.ToLower(raw), strings.ToLower(name)) {
		return nil, true
	}
	if raw != fl.Value || strings.ContainsAny(raw, "\"'") {
		return nil, false
	}
	var out []dockerfile.Span
	at := fl.ValueSpan.Start
	for field := range strings.SplitSeq(raw, ",") {
		key, value, ok := strings.Cut(field, "=")
		if ok && strings.ToLower(key) == "from" && strings.EqualFold(value, name) {
			start := at + len(key) + 1
			out = append(out, dockerfile.Span{Start: start, End: start + len(value)})
		}
		at += len(field) + 1
	}
	return out, true
}

// sortEdits orders edits by offset, as Action.Edits must be.
func sortEdits(edits []dockerfile.Edit) {
	slices.SortFunc(edits, func(a, b dockerfile.Edit) int { return a.Start - b.Start })
}
