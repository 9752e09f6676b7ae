package features

import (
	"errors"
	"fmt"
	"regexp"

	"github.com/dockerfile-ls/dockerfile-ls/dockerfile"
)

// Definition returns where the stage or variable named at offset is
// declared: a stage's `AS name`; the ARG or ENV a variable reference
// resolves to there (for a stage's `ARG NAME` without default, the global
// ARG it takes its value from).
func Definition(doc *dockerfile.Document, offset int) (Span, bool) {
	ix := buildIndex(doc)
	o := ix.at(offset)
	if o == nil {
		return Span{}, false
	}
	if o.def != nil {
		return o.def.span, true
	}
	if ix.syms[o.sym].kind == symStage {
		// An unnamed stage referenced by its index: its FROM.
		return doc.Stages[o.sym].From.KeywordSpan, true
	}
	return Span{}, false
}

// References returns every place naming the same stage or variable as the
// name at offset, in file order; declarations only when includeDecl.
func References(doc *dockerfile.Document, offset int, includeDecl bool) []Span {
	ix := buildIndex(doc)
	o := ix.at(offset)
	if o == nil {
		return nil
	}
	var out []Span
	for _, r := range ix.all(o.sym) {
		if r.decl && !includeDecl {
			continue
		}
		out = append(out, r.span)
	}
	return out
}

// Highlight is an occurrence of the name under the cursor; Write marks a
// declaration.
type Highlight struct {
	Span  Span
	Write bool
}

// Highlights returns the occurrences of the name at offset.
func Highlights(doc *dockerfile.Document, offset int) []Highlight {
	ix := buildIndex(doc)
	o := ix.at(offset)
	if o == nil {
		return nil
	}
	var out []Highlight
	for _, r := range ix.all(o.sym) {
		out = append(out, Highlight{Span: r.span, Write: r.decl})
	}
	return out
}

// PrepareRename returns the name at offset and its current text, or an
// error saying why it cannot be renamed.
func PrepareRename(doc *dockerfile.Document, offset int) (Span, string, error) {
	ix := buildIndex(doc)
	o := ix.at(offset)
	if o == nil {
		return Span{}, "", errNothingToRename
	}
	if err := ix.renamable(o); err != nil {
		return Span{}, "", err
	}
	return o.span, doc.Slice(o.span), nil
}

var errNothingToRename = errors.New("no stage or variable name here")

func (ix *index) renamable(o *occurrence) error {
	s := ix.syms[ix.find(o.sym)]
	switch {
	case o.numeric:
		return errors.New("this refers to a stage by its index; rename the stage at its `AS` name")
	case s.kind == symStage && ix.syms[o.sym].name == "":
		return errors.New("this stage has no name")
	case s.builtin:
		return fmt.Errorf("%s is set by BuildKit and cannot be renamed", ix.syms[o.sym].name)
	}
	return nil
}

var stageNameRE = regexp.MustCompile(`^[a-zA-Z][a-zA-Z0-9_.-]*$`)

// Rename returns the edits renaming the stage or variable at offset (and
// every name linked to it) to newName.
func Rename(doc *dockerfile.Document, offset int, newName string) ([]dockerfile.Edit, error) {
	ix := buildIndex(doc)
	o := ix.at(offset)
	if o == nil {
		return nil, errNothingToRename
	}
	if err := ix.renamable(o); err != nil {
		return nil, err
	}
	if ix.syms[o.sym].kind == symStage {
		if !stageNameRE.MatchString(newName) {
			return nil, fmt.Errorf("%q is not a valid stage name", newName)
		}
		if st := doc.StageByName(newName); st != nil && st.Index != o.sym {
			return nil, fmt.Errorf("a stage named %q already exists (line %d)", st.Name, st.From.Line+1)
		}
	} else {
		if !validName(newName) {
			return nil, fmt.Errorf("%q is not a valid variable name", newName)
		}
		if err := ix.varClash(o.sym, newName); err != nil {
			return nil, err
		}
	}
	var edits []dockerfile.Edit
	for _, r := range ix.all(o.sym) {
		if r.numeric || doc.Slice(r.span) == newName {
			continue
		}
		edits = append(edits, dockerfile.Edit{Start: r.span.Start, End: r.span.End, Text: newName})
	}
	return edits, nil
}

// varClash refuses a new name that a scope of the variable already uses:
// the rename would merge two variables.
func (ix *index) varClash(sym int, newName string) error {
	root := ix.find(sym)
	scopes := map[int]bool{}
	for i := range ix.syms {
		if ix.find(i) == root {
			scopes[ix.syms[i].scope] = true
		}
	}
	for i, s := range ix.syms {
		if s.kind == symVar && s.name == newName && ix.find(i) != root && scopes[s.scope] {
			return fmt.Errorf("%s is already declared in this scope", newName)
		}
	}
	return nil
}

// NothingToRename reports whether err says there is no name at the
// position (as opposed to a name that cannot be renamed).
func NothingToRename(err error) bool { return errors.Is(err, errNothingToRename) }
