package diagnostics

import "github.com/dockerfile-ls/dockerfile-ls/dockerfile"

// analysisBudgetRule says what the analysis left out of a document that
// went over one of its budgets (internal/budget): a document too large to
// analyse, more findings than are shown, BuildKit's checks taking too long.
// Package analysis reports it, not a check of its own.
var analysisBudgetRule = &Rule{Name: "AnalysisBudget", Category: Syntax, Severity: Info,
	Summary: "the file goes over one of the analysis budgets: part of the analysis is left out", DocsURL: DocsBase + "AnalysisBudget.md"}

// OverBudget is an AnalysisBudget finding at span.
func OverBudget(span dockerfile.Span, message string) Finding {
	return finding(analysisBudgetRule, span, message)
}
