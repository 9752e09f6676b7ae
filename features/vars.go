package features

import (
	"fmt"
	"sort"
	"strings"

	"github.com/dockerfile-ls/dockerfile-ls/dockerfile"
)

// Variables and their values come from the build state (package
// dockerfile), so that hover, completion and the outline show what the
// rules, the fixes and the cache engine see: BuildKit's own expansion,
// with what cannot be known before a build left as written.

// scopeAt is the instruction on offset's line (nil between instructions)
// and the variables in scope there: those the instruction sees (an ARG or
// ENV does not see its own), or between instructions those in scope after
// the last one before offset.
func scopeAt(st *dockerfile.BuildState, offset int) ([]dockerfile.ScopeVar, *dockerfile.Instruction) {
	doc := st.Document()
	if in := instructionOnLine(doc, doc.Lines.LineOf(offset)); in != nil {
		return st.Of(in).Vars(), in
	}
	if prev := lastInstructionBefore(doc, offset); prev != nil {
		return st.Of(prev).VarsAfter(), nil
	}
	return nil, nil
}

// lastInstructionBefore is the last instruction starting before offset.
func lastInstructionBefore(doc *dockerfile.Document, offset int) *dockerfile.Instruction {
	i := sort.Search(len(doc.Instructions), func(i int) bool { return doc.Instructions[i].Span.Start >= offset })
	if i == 0 {
		return nil
	}
	return doc.Instructions[i-1]
}

// varNamed finds name among vars.
func varNamed(vars []dockerfile.ScopeVar, name string) (dockerfile.ScopeVar, bool) {
	for _, v := range vars {
		if v.Name == name {
			return v, true
		}
	}
	return dockerfile.ScopeVar{}, false
}

// varAt is the variable name at an instruction: the binding in force, or
// the declaration of an ARG without a value.
func varAt(x dockerfile.InstState, name string) (dockerfile.ScopeVar, bool) {
	if v, ok := x.Lookup(name); ok {
		return v, true
	}
	return varNamed(x.Vars(), name)
}

// builtin: BuildKit sets the variable, not a declaration of the file.
func builtin(v dockerfile.ScopeVar) bool {
	return v.Decl == nil && (v.Origin == dockerfile.Automatic || v.Origin == dockerfile.Predefined)
}

func varKind(v dockerfile.ScopeVar) string {
	switch {
	case v.Kind == dockerfile.EnvVar:
		return "ENV"
	case builtin(v) && v.Origin == dockerfile.Automatic:
		return "automatic ARG"
	case builtin(v):
		return "predefined ARG"
	}
	return "ARG"
}

func varHover(v dockerfile.ScopeVar) string {
	return "**" + varKind(v) + "** " + varDoc(v)
}

// varDetail is a one-line summary of a variable for completion.
func varDetail(v dockerfile.ScopeVar) string {
	kind := "ARG"
	if v.Kind == dockerfile.EnvVar {
		kind = "ENV"
	}
	switch {
	case v.Truncated:
		return kind + " " + v.Name + " (too long to show)"
	case v.Origin == dockerfile.Automatic && !v.Known:
		return kind + " " + v.Name + " (set by BuildKit)"
	case v.Origin == dockerfile.Predefined && !v.Known:
		return kind + " " + v.Name + " (set by the client)"
	case !v.Set:
		return kind + " " + v.Name + " (set with --build-arg)"
	}
	return kind + " " + v.Name + "=" + v.Value
}

// varDoc is the Markdown of a variable: its value (the parts that cannot
// be known before a build left as written), or where it comes from, and
// where it is declared.
func varDoc(v dockerfile.ScopeVar) string {
	var b strings.Builder
	switch {
	case v.Truncated:
		fmt.Fprintf(&b, "`%s` is too long to show: its value is over the expansion budget", v.Name)
	case v.Origin == dockerfile.Automatic && !v.Known:
		fmt.Fprintf(&b, "`%s`: %s", v.Name, autoArgDoc(v.Name))
	case v.Origin == dockerfile.Predefined && !v.Known:
		fmt.Fprintf(&b, "`%s`: a proxy setting BuildKit predefines: the client sets it (`--build-arg %s=...`) or it is unset", v.Name, v.Name)
	case !v.Set:
		fmt.Fprintf(&b, "`%s` has no default: its value comes from `--build-arg %s=...`", v.Name, v.Name)
	case v.Known:
		fmt.Fprintf(&b, "`%s` = `%s`", v.Name, v.Value)
	default:
		fmt.Fprintf(&b, "`%s` = `%s`\n\nThe variables left as written are not known before the build (the base image's environment or a build arg).", v.Name, v.Value)
	}
	if v.Decl != nil {
		fmt.Fprintf(&b, "\n\nDeclared on line %d", v.Decl.Inst.Line+1)
		switch v.Origin {
		case dockerfile.Inherited:
			b.WriteString(" (inherited from the parent stage's ENV)")
		case dockerfile.FromGlobal:
			b.WriteString("; its default comes from the global ARG")
		}
	}
	return b.String()
}

// autoArgDoc describes one of BuildKit's automatic ARGs.
func autoArgDoc(name string) string {
	if a := data.autoArgByNm[name]; a != nil {
		return a.Doc
	}
	return "set by BuildKit"
}
