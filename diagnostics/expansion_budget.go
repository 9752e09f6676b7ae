package diagnostics

import (
	"fmt"

	"github.com/dockerfile-ls/dockerfile-ls/dockerfile"
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
		dockerfile.MaxExpandedWord>>10, dockerfile.MaxExpandedTotal>>10), nil, nil)
}

// OverExpansionBudget finds the first word of the document, in file order,
// whose expansion went over the budget, among every word BuildKit expands:
// the words and flags of the instructions that expand them (ARG and ENV
// values among them), RUN --mount values and COPY/ADD heredocs. It
// expands each at most once per state, as the rules would.
func OverExpansionBudget(st *dockerfile.BuildState) (dockerfile.Span, bool) {
	for _, in := range st.Document().Instructions {
		if span, ok := overBudgetIn(st.Of(in)); ok {
			return span, true
		}
	}
	return dockerfile.Span{}, false
}

// overBudgetIn is OverExpansionBudget for one instruction.
func overBudgetIn(x dockerfile.InstState) (dockerfile.Span, bool) {
	in := x.Instruction()
	for i, e := range x.Args() {
		if e.Truncated && i < len(in.Args) {
			return in.Args[i].Span, true
		}
	}
	nth := map[string]int{} // how many flags of each name came before
	for _, f := range in.Flags {
		values, k := x.Flag(f.Name), nth[f.Name]
		nth[f.Name]++
		// A mount's fields are expanded one by one (Mounts): the whole
		// value stands for them.
		if (k < len(values) && values[k].Truncated) || (f.Name == "mount" && x.Expand(f.Value).Truncated) {
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
