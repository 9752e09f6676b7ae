package diagnostics

import (
	"bytes"
	"fmt"
	"slices"
	"strings"

	"github.com/dockerfile-ls/dockerfile-ls/dockerfile"
	"github.com/dockerfile-ls/dockerfile-ls/internal/budget"
)

// expansionBudgetRule reports the first word whose expansion goes over the
// build state's budget. Each line of `ENV A<n>=${A<n-1>}${A<n-1>}` doubles
// a value, so a 600-byte file asks for gigabytes: the model stops at the
// budget (Expansion.Truncated), and BuildKit, which would expand it in
// full, is not run on the file at all (see analysis.BuildKit).
var expansionBudgetRule = &Rule{Name: "ExpansionBudget", Category: Syntax, Severity: Warning,
	Summary: "a word expands past the expansion budget: BuildKit's checks are skipped", DocsURL: DocsBase + "ExpansionBudget.md",
	Check: checkExpansionBudget}

func checkExpansionBudget(p *Pass) {
	span, ok := OverExpansionBudget(p.state())
	if !ok {
		return
	}
	p.Report(span, fmt.Sprintf("this expands past the expansion budget (%d KiB a word, %d KiB of expansions a file): "+
		"what reads it is left unknown, and BuildKit's checks are skipped for this file, since BuildKit would expand it in full",
		budget.MaxExpandedWord>>10, budget.MaxExpandedTotal>>10), nil, nil)
}

// OverExpansionBudget finds the first word of the document, in file order,
// whose expansion went over the budget, among every word BuildKit expands:
// the words and flags of the instructions that expand them (ARG and ENV
// values among them), RUN --mount values and COPY/ADD heredocs. It
// expands each at most once per state, as the rules would.
func OverExpansionBudget(st *dockerfile.BuildState) (dockerfile.Span, bool) {
	doc := st.Document()
	for _, in := range doc.Instructions {
		if !lexable(doc, in) {
			continue
		}
		if span, ok := overBudgetIn(st.Of(in)); ok {
			return span, true
		}
	}
	return dockerfile.Span{}, false
}

// lexable: a word or flag of the instruction that BuildKit expands holds
// a character its lexer acts on ($, a quote, the escape character).
// Without one, every expansion is the word as written, never over the
// budget, and not worth materialising: every open document would keep
// it. A RUN's words run as written; only its flags are expanded.
func lexable(doc *dockerfile.Document, in *dockerfile.Instruction) bool {
	chars := "$'\"" + string(doc.Escape)
	if in.Keyword == "RUN" {
		return slices.ContainsFunc(in.Flags, func(f dockerfile.Flag) bool { return strings.ContainsAny(f.Value, chars) })
	}
	return bytes.ContainsAny(doc.Text[in.Span.Start:in.Span.End], chars)
}

// overBudgetIn is OverExpansionBudget for one instruction.
func overBudgetIn(x dockerfile.InstState) (dockerfile.Span, bool) {
	in := x.Instruction()
	for i, e := range x.Args() {
		if e.Truncated && i < len(in.Args) {
			return in.Args[i].Span, true
		}
	}
	for i, f := range in.Flags {
		// A mount's fields are expanded one by one (Mounts): the whole
		// value stands for them.
		if x.FlagValue(i).Truncated || (f.Name == "mount" && x.Expand(f.Value).Truncated) {
			return f.Span, true
		}
	}
	if in.Keyword != "COPY" && in.Keyword != "ADD" {
		return dockerfile.Span{}, false
	}
	for _, h := range in.Heredocs {
		if h.Expand && x.Expand(h.Content).Truncated {
			return h.NameSpan, true
		}
	}
	return dockerfile.Span{}, false
}
